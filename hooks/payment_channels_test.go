package hooks_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/payment"
	"github.com/vipbase/vipbase/payment/tripay"
	tripaysandbox "github.com/vipbase/vipbase/payment/tripay/sandbox"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

// withTripay points the app at a fresh Tripay simulator.
func withTripay(t *testing.T) (envOption, *tripaysandbox.Server, *tripay.Client) {
	t.Helper()
	srv, err := tripaysandbox.Start(tripaysandbox.Config{})
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	gw := tripay.New(srv.APIKey(), srv.PrivateKey(), srv.MerchantCode(), tripay.WithBaseURL(srv.URL))
	return func(c *hooks.Config, _ *sandbox.Config) { c.Gateways = []payment.Gateway{gw} }, srv, gw
}

type channelAnswer struct {
	Code, Name, Group, Gateway, Icon string
	Fee, Total, MinAmount, MaxAmount float64
}

func (e *env) channels(amount, token string) (int, []channelAnswer, response) {
	e.t.Helper()
	r := e.do(http.MethodGet, "/api/payments/channels?amount="+amount, token, nil)
	var out []channelAnswer
	if list, ok := r.Body["data"].([]any); ok {
		for _, x := range list {
			m := x.(map[string]any)
			out = append(out, channelAnswer{Code: m["code"].(string), Name: m["name"].(string), Group: m["group"].(string),
				Gateway: m["gateway"].(string), Icon: m["icon"].(string), Fee: m["fee"].(float64), Total: m["total"].(float64),
				MinAmount: m["minAmount"].(float64), MaxAmount: m["maxAmount"].(float64)})
		}
	}
	return r.Status, out, r
}

// channelField is one field of one channel of GET /api/payments/channels.
func (e *env) channelField(amount, token, code, field string) any {
	e.t.Helper()
	r := e.do(http.MethodGet, "/api/payments/channels?amount="+amount, token, nil)
	for _, x := range r.Body["data"].([]any) {
		if m := x.(map[string]any); m["code"] == code {
			return m[field]
		}
	}
	return nil
}

// The channels a shopper can use for an amount: the gateway's live list
// filtered by its limits, each with the gateway's own fee and the total;
// the wallet only for a member; grouped QRIS, e-wallet, VA, retail.
func TestPaymentChannelsForAnAmount(t *testing.T) {
	opt, srv, gw := withTripay(t)
	e := newEnv(t, opt)

	status, small, raw := e.channels("4000", "") // under every VA and retail minimum (Alfamidi: Rp 5.000)
	require.Equal(t, 200, status, raw.Raw)
	require.NotEmpty(t, small)
	groups := map[string]bool{}
	for _, c := range small {
		groups[c.Group] = true
		assert.Equal(t, "tripay", c.Gateway)
		assert.LessOrEqual(t, c.MinAmount, 4000.0, c.Code)
		fee, err := gw.FeeFor(context.Background(), c.Code, 4000)
		require.NoError(t, err)
		assert.EqualValues(t, fee, c.Fee, "%s: the gateway's own fee", c.Code)
		assert.EqualValues(t, 4000+fee, c.Total, c.Code)
	}
	assert.True(t, groups["qris"], "QRIS takes small amounts")
	assert.False(t, groups["va"], "no virtual account below Rp 10.000")
	assert.False(t, groups["retail"])
	assert.False(t, groups["wallet"], "no SALDO for a guest")
	for _, c := range small {
		assert.Equal(t, true, e.channelField("4000", "", c.Code, "usable"), c.Code)
	}

	// ?all=1 adds the active channels that do not take the amount, marked
	// and explained, for a storefront to show why they are off.
	r := e.do(http.MethodGet, "/api/payments/channels?amount=4000&all=1", "", nil)
	require.Equal(t, 200, r.Status, r.Raw)
	list := r.Body["data"].([]any)
	assert.Greater(t, len(list), len(small))
	var offVA map[string]any
	for _, x := range list {
		m := x.(map[string]any)
		if m["usable"] == false {
			assert.Regexp(t, `^(min|maks)\. Rp [\d.]+$`, m["note"], m["code"])
			if m["group"] == "va" && offVA == nil {
				offVA = m
			}
		} else {
			assert.Nil(t, m["note"], m["code"])
		}
	}
	require.NotNil(t, offVA, "a virtual account is listed, off")
	assert.Equal(t, "min. Rp "+hooks.Rupiah(int64(offVA["minAmount"].(float64))), offVA["note"])

	status, big, raw := e.channels("50000", userTokens[userEmail])
	require.Equal(t, 200, status, raw.Raw)
	require.NotEmpty(t, big)
	assert.Equal(t, "SALDO", big[0].Code, "the wallet first, for a member")
	assert.EqualValues(t, 0, big[0].Fee)
	assert.EqualValues(t, 50000, big[0].Total)
	rank := map[string]int{"wallet": 0, "qris": 1, "ewallet": 2, "va": 3, "retail": 4}
	for i := 1; i < len(big); i++ {
		assert.LessOrEqual(t, rank[big[i-1].Group], rank[big[i].Group], "grouped: %s before %s", big[i-1].Code, big[i].Code)
	}
	assert.Contains(t, codes(big), "BRIVA")
	assert.Contains(t, codes(big), "ALFAMART")
	assert.NotContains(t, raw.Raw, srv.APIKey())
	assert.NotContains(t, raw.Raw, srv.PrivateKey())

	for _, bad := range []string{"", "abc", "0", "-5", "10.5", "100000001"} {
		status, _, r := e.channels(bad, "")
		assert.Equal(t, 400, status, bad)
		assert.Equal(t, "validation_failed", r.data()["code"], bad)
		field, _ := r.data()["amount"].(map[string]any)
		assert.Equal(t, "validation_amount_range", field["code"], bad)
	}
}

func codes(list []channelAnswer) []string {
	out := make([]string, len(list))
	for i, c := range list {
		out[i] = c.Code
	}
	return out
}

// The list is read once and cached; the cron reads it again; a gateway that
// fails keeps the last good list. Without a gateway only the wallet is left.
func TestPaymentChannelsAreCachedAndSurviveAnOutage(t *testing.T) {
	opt, srv, _ := withTripay(t)
	e := newEnv(t, opt)
	_, first, _ := e.channels("20000", "")
	_, again, _ := e.channels("30000", "")
	assert.Equal(t, 1, srv.Count(tripaysandbox.EndpointChannels), "the second answer comes from the cache")
	assert.Equal(t, len(first), len(again))

	srv.Inject(tripaysandbox.Fault{Kind: tripaysandbox.FaultHTTPError, Endpoint: tripaysandbox.EndpointChannels, Times: -1})
	cronJob(t, e.app, hooks.CronPaymentChannels)()
	assert.Greater(t, srv.Count(tripaysandbox.EndpointChannels), 1, "the cron asked again")
	_, during, _ := e.channels("20000", "")
	assert.Equal(t, codes(first), codes(during), "the last good list is kept")

	bare := newEnv(t)
	status, guest, _ := bare.channels("20000", "")
	assert.Equal(t, 200, status)
	assert.Empty(t, guest)
	_, member, _ := bare.channels("20000", userTokens[userEmail])
	assert.Equal(t, []string{"SALDO"}, codes(member))
}
