package hooks_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/logger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/payment/tripay"
	tripaysandbox "github.com/vipbase/vipbase/payment/tripay/sandbox"
)

// A payment of the wrong amount fulfils nothing and waits for a person,
// whatever vip_payments_check learns afterwards.
func TestCheckoutAmountMismatchNeedsReview(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	e.trackStock(5)
	order, number, ref, _ := e.checkoutOK(userTokens[userEmail], prepaidCheckout("QRIS", ""))
	total := e.payment(number).Total
	require.NoError(t, e.tp.PayAmount(ref, total-1_000))
	e.settle()
	p := e.payment(number)
	assert.Equal(t, hooks.PaymentUnpaid, p.Status)
	assert.Contains(t, p.Review, fmt.Sprintf("Paid Rp %s, expected Rp %s", hooks.Rupiah(total-1_000), hooks.Rupiah(total)))
	assert.Equal(t, hooks.OrderUnpaid, e.order(order).GetString("status"))
	assert.Equal(t, 0, e.sb.Count("prepaid", "order"))
	assert.Equal(t, 0, e.count("wallet_transactions", "", nil))
	assert.Equal(t, 1, e.events("mismatch"))

	// Past its expiry the cron asks again: the gateway still says PAID, so
	// the payment is not closed as if no money had come.
	e.backdatePayment(number, 10*time.Minute, "expires_at", "checked_at")
	assert.Equal(t, 1, e.checkPayments(), "asked")
	p = e.payment(number)
	assert.NotEqual(t, hooks.PaymentExpired, p.Status, "money arrived: never closed as expired")
	assert.Contains(t, p.Review, "expected")
	assert.Equal(t, 0, e.sb.Count("prepaid", "order"))
	assert.Equal(t, 0, e.count("wallet_transactions", "", nil))
}

// A top-up confirmed twice (a duplicate notification and the cron) is one
// deposit; amounts outside the range are refused.
func TestWalletTopupPaidOnce(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	for _, amount := range []int64{9_999, 10_000_001, 0} {
		r := e.do(http.MethodPost, "/api/wallet/topup", userTokens[userEmail], map[string]any{"amount": amount, "channel": "QRIS"})
		assert.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
		assert.Contains(t, r.Raw, "validation_topup_range")
	}
	r := e.do(http.MethodPost, "/api/wallet/topup", userTokens[userEmail], map[string]any{"amount": 50_000, "channel": "NOPE"})
	assert.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
	assert.Contains(t, r.Raw, "validation_channel_unavailable")
	r = e.do(http.MethodPost, "/api/wallet/topup", "", map[string]any{"amount": 50_000, "channel": "QRIS"})
	assert.Equal(t, http.StatusUnauthorized, r.Status, r.Raw)
	assert.Equal(t, 0, e.count("payments", "", nil))
	assert.Equal(t, 0, e.tp.Count("transaction/create"))

	r = e.do(http.MethodPost, "/api/wallet/topup", userTokens[userEmail], map[string]any{"amount": 50_000, "channel": "BRIVA"})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	assert.Nil(t, r.data()["order"])
	pv := r.data()["payment"].(map[string]any)
	assert.Equal(t, "deposit", pv["purpose"])
	assert.NotEmpty(t, pv["payCode"])
	number := pv["number"].(string)
	row := e.payment(number)
	e.tp.Inject(tripaysandbox.Fault{Kind: tripaysandbox.FaultNotifyDuplicate})
	require.NoError(t, e.tp.Pay(row.Reference))
	e.settle()
	assert.Equal(t, hooks.PaymentPaid, e.payment(number).Status)
	assert.GreaterOrEqual(t, len(e.tp.Deliveries()), 2)
	e.backdatePayment(number, 10*time.Minute, "checked_at")
	e.checkPayments()
	ok := e.do(http.MethodPost, "/api/checkout/"+number+"/check", userTokens[userEmail], nil)
	assert.Equal(t, http.StatusOK, ok.Status, ok.Raw)
	assert.Equal(t, []int64{50_000}, e.ledger(userEmail, "deposit"))
	assert.Equal(t, int64(50_000), e.balance(userEmail))
	assert.Equal(t, 1, e.events("applied"))
	e.assertBalancesMatchLedger()
}

// rows is every row of a table as text, for secret scans.
func (e *env) rows(table string) string {
	e.t.Helper()
	var all []dbx.NullStringMap
	require.NoError(e.t, e.app.DB().NewQuery("SELECT * FROM "+table).All(&all))
	var b strings.Builder
	for _, r := range all {
		for k, v := range r {
			fmt.Fprintf(&b, "%s=%s\n", k, v.String)
		}
	}
	return b.String()
}

// logs flushes the app's log buffer and returns every log row as text.
func (e *env) logs() string {
	e.t.Helper()
	h, ok := e.app.Logger().Handler().(*logger.BatchHandler)
	require.True(e.t, ok)
	require.NoError(e.t, h.WriteAll(context.Background()))
	var all []dbx.NullStringMap
	require.NoError(e.t, e.app.AuxDB().NewQuery("SELECT * FROM _logs").All(&all))
	var b strings.Builder
	for _, r := range all {
		for k, v := range r {
			fmt.Fprintf(&b, "%s=%s\n", k, v.String)
		}
	}
	return b.String()
}

// No Tripay credential in any answer, stored row or log line; the access
// token only in the checkout answer and the payment's hidden field.
func TestPaymentsLeakNoSecret(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	var answers []string
	keep := func(r response) response { answers = append(answers, r.Raw); return r }

	// A guest journey with faults on the way, a member's and a top-up.
	e.tp.Inject(tripaysandbox.Fault{Kind: tripaysandbox.FaultTimeout, Endpoint: tripaysandbox.EndpointCreate, Delay: 50 * time.Millisecond})
	r := keep(e.checkout("", prepaidCheckout("QRIS", "081234567890"), "Idempotency-Key", "s1"))
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	number := r.data()["payment"].(map[string]any)["number"].(string)
	token := r.data()["accessToken"].(string)
	ref := e.payment(number).Reference
	body := paidBody(number, ref, 1)
	keep(e.notify(body, "deadbeef"))
	keep(e.notify(body, tripay.Sign(e.tp.PrivateKey(), body))) // contradicted: still unpaid
	e.waitPayments()
	e.tp.Inject(tripaysandbox.Fault{Kind: tripaysandbox.FaultHTTPError, Endpoint: tripaysandbox.EndpointDetail, Times: 3})
	require.NoError(t, e.tp.Pay(ref))
	e.settle()
	e.backdatePayment(number, 10*time.Minute, "checked_at")
	e.checkPayments()
	keep(e.do(http.MethodGet, "/api/checkout/"+number+"?token="+token, "", nil))
	keep(e.do(http.MethodPost, "/api/checkout/"+number+"/check?token="+token, "", nil))
	keep(e.do(http.MethodGet, "/api/orders/track?number="+r.data()["order"].(map[string]any)["orderNumber"].(string)+"&phone=081234567890", "", nil))
	_, mine, mref, _ := e.checkoutOK(userTokens[userEmail], prepaidCheckout("OVO", "081234567890"))
	require.NoError(t, e.tp.PayAmount(mref, 5))
	e.settle()
	keep(e.do(http.MethodGet, "/api/checkout/"+mine, userTokens[userEmail], nil))
	keep(e.do(http.MethodPost, "/api/wallet/topup", userTokens[userEmail], map[string]any{"amount": 20_000, "channel": "QRIS"}))
	keep(e.do(http.MethodGet, "/api/collections/payments/records", userTokens[userEmail], nil))
	keep(e.do(http.MethodGet, "/api/collections/payment_events/records", superToken, nil))
	keep(e.do(http.MethodGet, "/api/collections/payments/records", superToken, nil))
	keep(e.do(http.MethodGet, "/api/payments/channels?amount=20000", userTokens[userEmail], nil))
	require.Equal(t, hooks.PaymentPaid, e.payment(number).Status)

	secrets := map[string]string{"api key": e.tp.APIKey(), "private key": e.tp.PrivateKey()}
	stored := map[string]string{"payments": e.rows("payments"), "payment_events": e.rows("payment_events"),
		"orders": e.rows("orders"), "order_events": e.rows("order_events"), "wallet": e.rows("wallet_transactions"), "logs": e.logs()}
	for what, secret := range secrets {
		for table, text := range stored {
			assert.NotContains(t, text, secret, "%s in %s", what, table)
		}
		for i, a := range answers {
			assert.NotContains(t, a, secret, "%s in answer %d", what, i)
		}
	}
	for _, table := range []string{"payment_events", "orders", "order_events", "logs"} {
		assert.NotContains(t, stored[table], token, "access token in %s", table)
	}
	for i, a := range answers[1 : len(answers)-2] { // superusers see hidden fields
		assert.NotContains(t, a, token, "access token in answer %d", i+1)
	}
	assert.Contains(t, stored["payments"], token, "the token is stored (hidden) on the payment")
	assert.Positive(t, e.count("payment_events", "outcome = 'rejected'", nil))
}
