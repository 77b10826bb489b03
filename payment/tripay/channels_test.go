package tripay

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/payment"
)

// channelsJSON is a channel list as Tripay sends it: QRIS under "E-Wallet",
// percents as numbers or strings, null limits, a split fee, an inactive
// channel and one of a group this client does not know.
const channelsJSON = `[
{"group":"Virtual Account","code":"BRIVA","name":"BRI Virtual Account","type":"direct",
 "fee_merchant":{"flat":0,"percent":0},"fee_customer":{"flat":4250,"percent":0},"total_fee":{"flat":4250,"percent":"0.00"},
 "minimum_fee":4250,"maximum_fee":4250,"minimum_amount":10000,"maximum_amount":10000000,
 "icon_url":"https://tripay.co.id/images/briva.png","active":true},
{"group":"E-Wallet","code":"QRIS","name":"QRIS by ShopeePay","type":"direct",
 "fee_merchant":{"flat":0,"percent":0},"fee_customer":{"flat":750,"percent":0.7},"total_fee":{"flat":750,"percent":"0.70"},
 "minimum_fee":null,"maximum_fee":null,"minimum_amount":1000,"maximum_amount":5000000,"icon_url":"q.png","active":true},
{"group":"E-Wallet","code":"QRIS2","name":"QRIS","type":"direct",
 "fee_merchant":{"flat":0,"percent":"0"},"fee_customer":{"flat":"750","percent":"0.70"},
 "minimum_fee":1000,"maximum_fee":null,"minimum_amount":"1000","maximum_amount":"5000000","icon_url":"q2.png","active":1},
{"group":"Convenience Store","code":"ALFAMIDI","name":"Alfamidi","type":"direct",
 "fee_merchant":{"flat":0,"percent":0},"fee_customer":{"flat":3500,"percent":0},
 "minimum_fee":3500,"maximum_fee":3500,"minimum_amount":5000,"maximum_amount":2500000,"icon_url":"a.png","active":true},
{"group":"E-Wallet","code":"OVO","name":"OVO","type":"redirect",
 "fee_merchant":{"flat":0,"percent":1},"fee_customer":{"flat":0,"percent":2},
 "minimum_fee":1000,"maximum_fee":null,"minimum_amount":1000,"maximum_amount":0,"icon_url":"o.png","active":true,
 "minimum_expired":600,"maximum_expired":3600},
{"group":"Virtual Account","code":"MUAMALATVA","name":"Muamalat VA","type":"direct",
 "fee_merchant":{"flat":4250,"percent":0},"fee_customer":{"flat":0,"percent":0},
 "minimum_fee":4250,"maximum_fee":4250,"minimum_amount":10000,"maximum_amount":10000000,"icon_url":"m.png","active":false},
{"group":"Paylater","code":"KREDIVO","name":"Kredivo","type":"redirect",
 "fee_merchant":{"flat":0,"percent":0},"fee_customer":{"flat":0,"percent":2.3},"minimum_amount":10000,"active":true}
]`

const feeJSON = `[{"code":"QRIS","name":"QRIS","fee":{"flat":750,"percent":"0.70","min":null,"max":null},
"total_fee":{"merchant":0,"customer":820}}]`

func TestChannels(t *testing.T) {
	var logs bytes.Buffer
	f := newFake(t, answer(200, ok(channelsJSON)))
	chs, err := f.client(WithLogger(slog.New(slog.NewTextHandler(&logs, nil)))).Channels(context.Background())
	require.NoError(t, err)
	req := f.last(t)
	assert.Equal(t, "/merchant/payment-channel", req.Path)
	assert.Equal(t, "Bearer "+testAPIKey, req.Auth)

	assert.Equal(t, []payment.Channel{
		{Code: "BRIVA", Name: "BRI Virtual Account", Group: payment.GroupVA, Gateway: "tripay",
			Customer: payment.Fee{Flat: 4250, Min: 4250, Max: 4250}, MinAmount: 10_000, MaxAmount: 10_000_000,
			Icon: "https://tripay.co.id/images/briva.png", Active: true},
		{Code: "QRIS", Name: "QRIS by ShopeePay", Group: payment.GroupQRIS, Gateway: "tripay",
			Customer: payment.Fee{Flat: 750, Percent: 70}, MinAmount: 1_000, MaxAmount: 5_000_000,
			MinExpiry: 10 * time.Minute, MaxExpiry: time.Hour, Icon: "q.png", Active: true},
		{Code: "QRIS2", Name: "QRIS", Group: payment.GroupQRIS, Gateway: "tripay",
			Customer: payment.Fee{Flat: 750, Percent: 70, Min: 1000}, MinAmount: 1_000, MaxAmount: 5_000_000,
			MinExpiry: 10 * time.Minute, MaxExpiry: 24 * time.Hour, Icon: "q2.png", Active: true},
		{Code: "ALFAMIDI", Name: "Alfamidi", Group: payment.GroupRetail, Gateway: "tripay",
			Customer: payment.Fee{Flat: 3500, Min: 3500, Max: 3500}, MinAmount: 5_000, MaxAmount: 2_500_000, Icon: "a.png", Active: true},
		// A split fee: minimum_fee bounds the total, so it is not the customer's.
		{Code: "OVO", Name: "OVO", Group: payment.GroupEWallet, Gateway: "tripay",
			Customer: payment.Fee{Percent: 200}, MinAmount: 1_000, MinExpiry: 10 * time.Minute, MaxExpiry: time.Hour, Icon: "o.png", Active: true},
		// The merchant pays it all: the customer's fee is zero, without a minimum.
		{Code: "MUAMALATVA", Name: "Muamalat VA", Group: payment.GroupVA, Gateway: "tripay",
			MinAmount: 10_000, MaxAmount: 10_000_000, Icon: "m.png", Active: false},
	}, chs)
	assert.Equal(t, int64(750+70), chs[1].Customer.For(10_000))
	assert.Contains(t, logs.String(), "KREDIVO", "the channel left out is logged")
}

func TestGroupOf(t *testing.T) {
	for _, c := range []struct {
		group, code string
		want        payment.Group
	}{
		{"E-Wallet", "QRISC", payment.GroupQRIS},
		{"QRIS", "QRIS", payment.GroupQRIS},
		{"Virtual Account", "BCAVA", payment.GroupVA},
		{"", "PERMATAVA", payment.GroupVA},
		{"Convenience Store", "INDOMARET", payment.GroupRetail},
		{"Retail", "ALFAMART", payment.GroupRetail},
		{"E-Wallet", "DANA", payment.GroupEWallet},
		{"", "SHOPEEPAY", payment.GroupEWallet},
		{"Paylater", "AKULAKU", ""},
	} {
		assert.Equal(t, c.want, groupOf(c.group, c.code), c.code)
	}
}

func TestBasisPoints(t *testing.T) {
	for in, want := range map[string]int64{`0.7`: 70, `"0.70"`: 70, `3`: 300, `"2.5"`: 250, `0`: 0, `null`: 0,
		`""`: 0, `"0.725"`: 73, `1.001`: 101, `".5"`: 50, `100`: 10_000} {
		got, err := basisPoints([]byte(in))
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{`"abc"`, `-1`, `101`, `{}`, `true`, `"1e2"`, `"0.7%"`} {
		_, err := basisPoints([]byte(in))
		assert.Error(t, err, in)
	}
}

// A list that cannot be read is a failed read, not an empty list.
func TestChannelsMalformed(t *testing.T) {
	for name, data := range map[string]string{
		"not a list":      `{"code":"QRIS"}`,
		"entry no code":   `[{"group":"E-Wallet","name":"x"}]`,
		"bad percent":     `[{"code":"QRIS","fee_customer":{"flat":750,"percent":"abc"}}]`,
		"fee not object":  `[{"code":"QRIS","fee_customer":750}]`,
		"fractional flat": `[{"code":"QRIS","fee_customer":{"flat":750.5}}]`,
	} {
		f := newFake(t, answer(200, ok(data)))
		chs, err := f.client(WithRetry(1, 0, 0)).Channels(context.Background())
		assert.ErrorIs(t, err, payment.ErrTransport, name)
		assert.Nil(t, chs, name)
	}
}

func TestFeeFor(t *testing.T) {
	f := newFake(t, answer(200, ok(feeJSON)))
	fee, err := f.client().FeeFor(context.Background(), "QRIS", 10_000)
	require.NoError(t, err)
	assert.Equal(t, int64(820), fee)
	req := f.last(t)
	assert.Equal(t, "/merchant/fee-calculator", req.Path)
	assert.Equal(t, "QRIS", req.Query.Get("code"))
	assert.Equal(t, "10000", req.Query.Get("amount"))
	assert.Equal(t, "Bearer "+testAPIKey, req.Auth)

	// One object instead of a list of one; a merchant-paid fee is 0.
	f = newFake(t, answer(200, ok(`{"code":"BRIVA","total_fee":{"merchant":4250,"customer":0}}`)))
	fee, err = f.client().FeeFor(context.Background(), "BRIVA", 50_000)
	require.NoError(t, err)
	assert.Zero(t, fee)

	for name, data := range map[string]string{
		"other channel only": strings.Replace(feeJSON, `"code":"QRIS"`, `"code":"OVO"`, 1),
		"no customer":        `[{"code":"QRIS","total_fee":{"merchant":0}}]`,
		"empty list":         `[]`,
	} {
		f = newFake(t, answer(200, ok(data)))
		_, err = f.client(WithRetry(1, 0, 0)).FeeFor(context.Background(), "QRIS", 10_000)
		assert.ErrorIs(t, err, payment.ErrTransport, name)
	}
}
