package sandbox

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPayWrongAmount(t *testing.T) {
	sb, _, rc := sbWithReceiver(t, Config{})
	c := mustCreate(t, sb, "BRIVA", "W1", 50_000)
	require.NoError(t, sb.PayAmount(c.Reference, 10_000))
	sb.Flush()
	d := detailOf(t, sb, c.Reference)
	assert.Equal(t, StatusPaid, d.Status)
	assert.Equal(t, int64(10_000), d.Amount)
	require.Len(t, rc.notices(), 1)
	assert.Equal(t, int64(10_000), rc.notices()[0].TotalAmount)
	assert.ErrorIs(t, sb.Pay(c.Reference), ErrNotUnpaid)
}

func TestExpiryByTimeAndControl(t *testing.T) {
	sb, clk, rc := sbWithReceiver(t, Config{})
	a := mustCreate(t, sb, "QRIS", "X1", 10_000)
	mustCreate(t, sb, "QRIS", "X2", 10_000)
	clk.Add(59 * time.Minute)
	assert.Equal(t, StatusUnpaid, detailOf(t, sb, a.Reference).Status)
	clk.Add(time.Minute)
	assert.Equal(t, StatusExpired, detailOf(t, sb, a.Reference).Status, "lazily on read")
	assert.Equal(t, 1, sb.Step(), "b expires by Step")
	assert.Equal(t, 0, sb.Step())
	sb.Flush()
	assert.ElementsMatch(t, []string{StatusExpired, StatusExpired}, rc.statuses())
	assert.ErrorIs(t, sb.Pay(a.Reference), ErrExpired)

	c := mustCreate(t, sb, "QRIS", "X3", 10_000)
	require.NoError(t, sb.Expire(c.Reference))
	assert.Equal(t, StatusExpired, detailOf(t, sb, c.Reference).Status)
	assert.ErrorIs(t, sb.Expire(c.Reference), ErrNotUnpaid)
}

func TestPayAfterExpiry(t *testing.T) {
	sb, clk, rc := sbWithReceiver(t, Config{})
	a := mustCreate(t, sb, "QRIS", "L1", 10_000)
	clk.Add(2 * time.Hour)
	require.Equal(t, 1, sb.Step())
	require.NoError(t, sb.PayAfterExpiry(a.Reference))
	sb.Flush()
	assert.Equal(t, StatusPaid, detailOf(t, sb, a.Reference).Status)
	assert.Equal(t, []string{StatusExpired, StatusPaid}, rc.statuses(), "EXPIRED was sent, then the late PAID")
	b := mustCreate(t, sb, "QRIS", "L2", 10_000)
	clk.Add(2 * time.Hour)
	require.NoError(t, sb.PayAfterExpiry(b.Reference), "an UNPAID one past its time is paid without an EXPIRED first")
	sb.Flush()
	assert.Equal(t, []string{StatusExpired, StatusPaid, StatusPaid}, rc.statuses())
	assert.ErrorIs(t, sb.PayAfterExpiry(b.Reference), ErrNotUnpaid)
}

func TestFailRefundErrors(t *testing.T) {
	sb, _ := newSB(t, Config{})
	c := mustCreate(t, sb, "QRIS", "G1", 10_000)
	assert.ErrorIs(t, sb.Refund(c.Reference), ErrNotPaid)
	require.NoError(t, sb.Fail(c.Reference))
	assert.Equal(t, StatusFailed, detailOf(t, sb, c.Reference).Status)
	assert.ErrorIs(t, sb.Pay("T-none"), ErrUnknownTransaction)
	assert.ErrorIs(t, sb.Fail("T-none"), ErrUnknownTransaction)
	d := mustCreate(t, sb, "QRIS", "G2", 10_000)
	require.NoError(t, sb.Pay(d.Reference))
	require.NoError(t, sb.Refund(d.Reference))
	tx, _ := sb.Transaction(d.Reference)
	assert.Equal(t, StatusRefund, tx.Status)
	assert.NotEmpty(t, tx.Note)
}

func TestControlHTTP(t *testing.T) {
	sb, _ := newSB(t, Config{})
	c := mustCreate(t, sb, "QRIS", "H1", 10_000)
	post := func(f url.Values) answer {
		req := httptest.NewRequest(http.MethodPost, "/api-sandbox/sandbox/control", strings.NewReader(f.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return do(t, sb, req)
	}
	a := post(url.Values{"action": {ActionPayAmount}, "reference": {c.Reference}, "amount": {"7000"}})
	require.True(t, a.Success, a.Message)
	assert.Contains(t, string(a.Data), `"amount":7000`)
	a = post(url.Values{"action": {ActionPay}, "reference": {c.Reference}})
	assert.False(t, a.Success)
	assert.Equal(t, 409, a.code)
	a = post(url.Values{"action": {ActionRefund}, "reference": {c.Reference}})
	assert.True(t, a.Success)
	assert.Equal(t, 404, post(url.Values{"action": {ActionPay}, "reference": {"T-none"}}).code)
	assert.Equal(t, 400, post(url.Values{"action": {"boom"}, "reference": {c.Reference}}).code)
}

func TestCheckStatusAndMerchantTransactions(t *testing.T) {
	sb, _ := newSB(t, Config{})
	c := mustCreate(t, sb, "QRIS", "S1", 10_000)
	mustCreate(t, sb, "BRIVA", "S2", 20_000)
	a := get(t, sb, EndpointCheckStatus, url.Values{"reference": {c.Reference}})
	assert.Equal(t, "Status transaksi saat ini UNPAID", a.Message)
	a = get(t, sb, EndpointDetail, url.Values{"reference": {"T-none"}})
	assert.False(t, a.Success)
	assert.Equal(t, 404, a.code)
	assert.Equal(t, "Transaction not found", a.Message)

	a = get(t, sb, EndpointTransactions, url.Values{"merchant_ref": {"S1"}})
	require.True(t, a.Success)
	assert.Contains(t, string(a.Data), c.Reference)
	assert.NotContains(t, string(a.Data), "S2")
	a = get(t, sb, EndpointTransactions, url.Values{"merchant_ref": {"none"}})
	assert.True(t, a.Success)
	assert.JSONEq(t, `[]`, string(a.Data))
	a = get(t, sb, EndpointTransactions, nil)
	assert.Less(t, strings.Index(string(a.Data), "S2"), strings.Index(string(a.Data), "S1"), "newest first")
}

func TestDetailNullsAndDeterminism(t *testing.T) {
	sb, _ := newSB(t, Config{Seed: 7})
	c := mustCreate(t, sb, "BRIVA", "N1", 20_000)
	a := get(t, sb, EndpointDetail, url.Values{"reference": {c.Reference}})
	for _, f := range []string{`"paid_at":null`, `"note":null`, `"created_at":`, `"expired_at":`} {
		assert.Contains(t, string(a.Data), f)
	}
	create := postJSON(t, sb, createBody(sb, "BRIVA", "N2", 20_000))
	assert.NotContains(t, string(create.Data), `"paid_at"`, "create answers no list-only fields")
	other, _ := newSB(t, Config{Seed: 7})
	d := mustCreate(t, other, "BRIVA", "N1", 20_000)
	assert.Equal(t, c.Reference, d.Reference)
	assert.Equal(t, *c.PayCode, *d.PayCode)
}
