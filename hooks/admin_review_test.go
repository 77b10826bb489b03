package hooks_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
)

// A guest's failed paid order waits on a person twice over: the money owed
// and the review. Resolving the review is refused while the refund is
// still due; once it is recorded, resolving clears the review on the order
// and its payment together and keeps what it said, who and the note in an
// order_events row by admin. A second resolve changes nothing.
func TestResolveReview(t *testing.T) {
	e := newPayEnv(t)
	body := prepaidCheckout("QRIS", "081234567890")
	body["target"] = "081200000444" // the provider refuses it
	order, number, ref, _ := e.checkoutOK("", body)
	require.NoError(t, e.tp.Pay(ref))
	e.settle()
	require.NotEmpty(t, e.order(order).GetString("review"))
	url := "/api/admin/reviews/resolve"

	for _, tok := range []string{"", userTokens[userEmail]} {
		r := e.do(http.MethodPost, url, tok, map[string]any{"orderNumber": order})
		assert.Contains(t, []int{401, 403}, r.Status, r.Raw)
	}
	for _, b := range []map[string]any{{}, {"orderNumber": order, "paymentNumber": number}} {
		r := e.do(http.MethodPost, url, superToken, b)
		assert.Equal(t, http.StatusBadRequest, r.Status, "%v: %s", b, r.Raw)
	}
	r := e.do(http.MethodPost, url, superToken, map[string]any{"orderNumber": "VB-NOPE"})
	assert.Equal(t, http.StatusNotFound, r.Status, r.Raw)

	for _, b := range []map[string]any{{"orderNumber": order}, {"paymentNumber": number}} {
		r := e.do(http.MethodPost, url, superToken, b)
		assert.Equal(t, http.StatusConflict, r.Status, r.Raw)
		assert.Equal(t, hooks.CodeRefundStillDue, errCode(r))
	}
	assert.NotEmpty(t, e.order(order).GetString("review"), "still waiting on the refund")

	r = e.do(http.MethodPost, "/api/admin/payments/refund", superToken, map[string]any{"paymentNumber": number, "note": "BCA transfer"})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	was := e.order(order).GetString("review")
	o := e.order(order)
	events := e.count("order_events", "order = {:o} && source = 'admin'", map[string]any{"o": o.Id})
	r = e.do(http.MethodPost, url, superToken, map[string]any{"paymentNumber": number, "note": "ditelepon, sudah diterima"})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.ElementsMatch(t, []any{order, number}, r.data()["resolved"])
	assert.Empty(t, e.order(order).GetString("review"))
	assert.Empty(t, e.payment(number).Review)
	assert.Equal(t, hooks.PaymentRefunded, e.payment(number).Status, "resolving moves no money and no status")
	assert.Equal(t, hooks.OrderFailed, e.order(order).GetString("status"))
	ev := e.record("order_events", "order = {:o} && source = 'admin' && note ~ 'Review resolved'", map[string]any{"o": o.Id})
	assert.Contains(t, ev.GetString("note"), "ditelepon, sudah diterima")
	assert.Contains(t, ev.GetString("note"), was[:20], "what the review said is kept")
	assert.Equal(t, events+1, e.count("order_events", "order = {:o} && source = 'admin'", map[string]any{"o": o.Id}))

	r = e.do(http.MethodPost, url, superToken, map[string]any{"orderNumber": order})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Empty(t, r.data()["resolved"])
	assert.Equal(t, events+1, e.count("order_events", "order = {:o} && source = 'admin'", map[string]any{"o": o.Id}), "nothing to resolve, no event")
}

// A top-up payment with a note and no order resolves alone.
func TestResolveReviewTopup(t *testing.T) {
	e := newPayEnv(t)
	r := e.do(http.MethodPost, "/api/wallet/topup", userTokens[userEmail], map[string]any{"amount": 50_000, "channel": "QRIS"})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	p := e.record("payments", "purpose = 'deposit'", nil)
	r = e.do(http.MethodPatch, "/api/collections/payments/records/"+p.Id, superToken, map[string]any{"review": "pembeli bilang sudah bayar dua kali"})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	r = e.do(http.MethodPost, "/api/admin/reviews/resolve", superToken, map[string]any{"paymentNumber": p.GetString("number")})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Equal(t, []any{p.GetString("number")}, r.data()["resolved"])
	assert.Empty(t, e.record("payments", "purpose = 'deposit'", nil).GetString("review"))
}
