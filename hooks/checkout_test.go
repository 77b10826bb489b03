package hooks_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
)

// A guest checks out with QRIS: the order waits unpaid (nothing charged,
// nothing sent); paying on the simulator sends the notification, the app
// confirms it with transaction/detail and sends the order once.
func TestGuestCheckoutQRISPaidThenSent(t *testing.T) {
	e := newPayEnv(t)
	r := e.checkout("", prepaidCheckout("QRIS", "0812-3456-7890"))
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	d := r.data()
	o, p := d["order"].(map[string]any), d["payment"].(map[string]any)
	assert.Equal(t, hooks.OrderUnpaid, o["status"])
	assert.Equal(t, "TELKOMSEL_10K", o["service"])
	assert.Equal(t, "081234567890", o["target"])
	assert.Equal(t, "unpaid", p["status"])
	assert.Equal(t, "QRIS", p["channel"])
	assert.NotEmpty(t, p["qrString"])
	assert.NotEmpty(t, p["checkoutUrl"])
	assert.Equal(t, p["amount"].(float64)+p["fee"].(float64), p["total"])
	assert.Positive(t, p["fee"])
	assert.NotEmpty(t, p["expiresAt"])
	token := d["accessToken"].(string)
	assert.GreaterOrEqual(t, len(token), 22, "at least 128 bits")

	number := p["number"].(string)
	row := e.payment(number)
	assert.NotEmpty(t, row.Reference)
	ord := e.order(o["orderNumber"].(string))
	assert.Equal(t, "6281234567890", ord.GetString("phone"), "normalised to 62…")
	assert.Empty(t, ord.GetString("user"))
	assert.Equal(t, 0, e.sb.Count("prepaid", "order"), "nothing sent while unpaid")
	assert.Equal(t, 0, e.count("wallet_transactions", "", nil), "nothing charged")
	assert.Equal(t, 1, e.tp.Count("transaction/create"))

	require.NoError(t, e.tp.Pay(row.Reference))
	e.settle()
	assert.Equal(t, "paid", e.payment(number).Status)
	ord = e.order(o["orderNumber"].(string))
	assert.Contains(t, []string{hooks.OrderPending, hooks.OrderProcessing}, ord.GetString("status"))
	assert.Equal(t, 1, e.sb.Count("prepaid", "order"), "sent once")
	assert.GreaterOrEqual(t, e.tp.Count("transaction/detail"), 1, "confirmed with the status API")
	assert.Equal(t, 1, e.count("payment_events", "outcome = 'applied'", nil))
	assert.Equal(t, 0, e.count("wallet_transactions", "", nil), "a guest has no ledger")

	v := e.do(http.MethodGet, "/api/checkout/"+number+"?token="+token, "", nil)
	require.Equal(t, 200, v.Status, v.Raw)
	assert.Equal(t, "paid", v.data()["payment"].(map[string]any)["status"])
	assert.NotContains(t, v.Raw, "cost")
	assert.Equal(t, 404, e.do(http.MethodGet, "/api/checkout/"+number, "", nil).Status, "no token, no view")
	assert.Equal(t, 404, e.do(http.MethodGet, "/api/checkout/"+number+"?token=x"+token, "", nil).Status)
	assert.Equal(t, 404, e.do(http.MethodGet, "/api/checkout/"+number, userTokens[userEmail], nil).Status, "another shopper")
}
