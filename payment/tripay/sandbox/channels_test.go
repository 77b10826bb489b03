package sandbox

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPaymentChannelsShape(t *testing.T) {
	sb, _ := newSB(t, Config{})
	a := get(t, sb, EndpointChannels, nil)
	require.True(t, a.Success)
	assert.Equal(t, "Success", a.Message)
	var raw []map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(a.Data, &raw))
	require.NotEmpty(t, raw)
	for _, f := range []string{"group", "code", "name", "type", "fee_merchant", "fee_customer", "total_fee",
		"minimum_fee", "maximum_fee", "minimum_amount", "maximum_amount", "icon_url", "active"} {
		assert.Contains(t, raw[0], f)
	}
	var chs []struct {
		Group       string `json:"group"`
		Code        string `json:"code"`
		Type        string `json:"type"`
		FeeCustomer struct {
			Flat    int64   `json:"flat"`
			Percent float64 `json:"percent"`
		} `json:"fee_customer"`
		TotalFee struct {
			Flat    int64  `json:"flat"`
			Percent string `json:"percent"`
		} `json:"total_fee"`
		MinimumFee    *int64 `json:"minimum_fee"`
		MinimumAmount int64  `json:"minimum_amount"`
		MaximumAmount int64  `json:"maximum_amount"`
		Active        bool   `json:"active"`
	}
	require.NoError(t, json.Unmarshal(a.Data, &chs))
	byCode := map[string]int{}
	for i, c := range chs {
		byCode[c.Code] = i
	}
	for _, code := range []string{"QRIS", "QRIS2", "DANA", "OVO", "SHOPEEPAY", "BRIVA", "BNIVA", "BCAVA", "MANDIRIVA", "PERMATAVA", "ALFAMART", "INDOMARET"} {
		require.Contains(t, byCode, code)
	}
	q := chs[byCode["QRIS"]]
	assert.Equal(t, GroupEWallet, q.Group)
	assert.Equal(t, int64(750), q.FeeCustomer.Flat)
	assert.Equal(t, 0.7, q.FeeCustomer.Percent)
	assert.Equal(t, "0.70", q.TotalFee.Percent)
	assert.Equal(t, int64(1_000), q.MinimumAmount)
	assert.Equal(t, int64(5_000_000), q.MaximumAmount)
	assert.Nil(t, q.MinimumFee)
	bca := chs[byCode["BCAVA"]]
	assert.Equal(t, GroupVA, bca.Group)
	assert.Equal(t, int64(5_500), bca.TotalFee.Flat)
	assert.Equal(t, GroupRetail, chs[byCode["INDOMARET"]].Group)
	assert.Equal(t, "redirect", chs[byCode["DANA"]].Type)
	assert.False(t, chs[byCode["MUAMALATVA"]].Active)

	a = get(t, sb, EndpointChannels, url.Values{"code": {"BRIVA"}})
	require.NoError(t, json.Unmarshal(a.Data, &chs))
	require.Len(t, chs, 1)
	require.NoError(t, sb.SetChannelActive("BRIVA", false))
	assert.ErrorIs(t, sb.SetChannelActive("NOPE", false), ErrUnknownChannel)
	b := postJSON(t, sb, createBody(sb, "BRIVA", "OFF", 20_000))
	assert.Equal(t, "Payment channel is not enabled", b.Message)
}

func TestFeeCalculator(t *testing.T) {
	sb, _ := newSB(t, Config{})
	a := get(t, sb, EndpointFeeCalc, url.Values{"code": {"QRIS"}, "amount": {"100000"}})
	require.True(t, a.Success)
	var fc []struct {
		Code string `json:"code"`
		Fee  struct {
			Flat    int64  `json:"flat"`
			Percent string `json:"percent"`
			Min     *int64 `json:"min"`
		} `json:"fee"`
		TotalFee struct{ Merchant, Customer int64 } `json:"total_fee"`
	}
	require.NoError(t, json.Unmarshal(a.Data, &fc))
	require.Len(t, fc, 1)
	assert.Equal(t, "0.70", fc[0].Fee.Percent)
	assert.Equal(t, int64(1_450), fc[0].TotalFee.Customer)
	assert.Equal(t, int64(0), fc[0].TotalFee.Merchant)

	a = get(t, sb, EndpointFeeCalc, url.Values{"amount": {"100000"}})
	require.NoError(t, json.Unmarshal(a.Data, &fc))
	assert.Len(t, fc, len(sb.ChannelCodes()))
	assert.False(t, get(t, sb, EndpointFeeCalc, url.Values{"code": {"QRIS"}}).Success)

	m, _ := newSB(t, Config{MerchantPaysFee: true})
	a = get(t, m, EndpointFeeCalc, url.Values{"code": {"BRIVA"}, "amount": {"100000"}})
	require.NoError(t, json.Unmarshal(a.Data, &fc))
	assert.Equal(t, int64(4_250), fc[0].TotalFee.Merchant)
	c := mustCreate(t, m, "BRIVA", "M1", 100_000)
	assert.Equal(t, int64(100_000), c.Amount)
	assert.Equal(t, int64(95_750), c.AmountReceived)
}
