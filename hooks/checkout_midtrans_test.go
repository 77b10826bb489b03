package hooks_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/payment"
	"github.com/vipbase/vipbase/payment/midtrans"
	midsandbox "github.com/vipbase/vipbase/payment/midtrans/sandbox"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

// midEnv is a synced store with both gateways: Tripay and Midtrans
// simulators, each delivering notifications to the app over real HTTP.
type midEnv struct {
	*payEnv
	mt *midsandbox.Server
}

func newMidEnv(t *testing.T) *midEnv {
	t.Helper()
	mt, err := midsandbox.Start(midsandbox.Config{Seed: 3,
		RetrySchedule: []time.Duration{5 * time.Millisecond, 10 * time.Millisecond}})
	require.NoError(t, err)
	t.Cleanup(mt.Close)
	gw := midtrans.New(mt.ServerKey(), midtrans.WithSnapURL(mt.SnapURL), midtrans.WithCoreURL(mt.CoreURL),
		midtrans.WithTimeout(2*time.Second), midtrans.WithRetry(3, time.Millisecond, 5*time.Millisecond))
	e := newPayEnv(t, func(c *hooks.Config, _ *sandbox.Config) { c.Gateways = append(c.Gateways, gw) })
	return &midEnv{payEnv: e, mt: mt}
}

func (e *midEnv) settleBoth() {
	e.t.Helper()
	e.mt.Flush()
	e.settle()
}

// A guest pays through Midtrans: the MIDTRANS channel is offered next to
// Tripay's, the checkout answers Midtrans's hosted page, and nothing moves
// until the shopper pays there; then one provider order, no fee.
func TestMidtransGuestCheckoutPaidThenSent(t *testing.T) {
	e := newMidEnv(t)
	_, list, _ := e.channels("11200", "")
	codes := map[string]channelAnswer{}
	for _, c := range list {
		codes[c.Code] = c
	}
	require.Contains(t, codes, "MIDTRANS")
	require.Contains(t, codes, "QRIS", "both gateways side by side")
	assert.Equal(t, "midtrans", codes["MIDTRANS"].Gateway)
	assert.Zero(t, codes["MIDTRANS"].Fee)

	order, number, ref, token := e.checkoutOK("", prepaidCheckout("MIDTRANS", "081234567890"))
	assert.Equal(t, number, ref, "Midtrans's reference is our order_id")
	v := e.do(http.MethodGet, "/api/checkout/"+number+"?token="+token, "", nil)
	require.Equal(t, 200, v.Status, v.Raw)
	p := v.data()["payment"].(map[string]any)
	assert.Equal(t, "midtrans", p["gateway"])
	assert.Contains(t, p["checkoutUrl"], "/snap/v2/vtweb/")
	assert.Equal(t, p["amount"], p["total"])
	assert.Equal(t, 1, e.mt.Count(midsandbox.EndpointCreate))

	// Before the shopper picks a method Midtrans answers 404: not started,
	// never gone. A check now must not close it.
	e.backdatePay(number, 6*time.Minute)
	e.svc.CheckPayments(context.Background())
	assert.Equal(t, "unpaid", e.payment(number).Status)

	require.NoError(t, e.mt.PickMethod(number, midsandbox.MethodQRIS))
	require.NoError(t, e.mt.Pay(number))
	e.settleBoth()
	assert.Equal(t, "paid", e.payment(number).Status)
	assert.NotEqual(t, hooks.OrderUnpaid, e.order(order).GetString("status"))
	assert.Equal(t, 1, e.sb.Count("prepaid", "order"))
	assert.Positive(t, e.count("payment_events", "gateway = 'midtrans' && outcome = 'applied'", nil))
}

// The signature covers order_id + status_code + gross_amount as sent: a
// wrong one, or none, is refused and stored as such; without a Server Key
// the route fails closed.
func TestMidtransNotificationSignature(t *testing.T) {
	e := newMidEnv(t)
	_, number, _, _ := e.checkoutOK("", prepaidCheckout("MIDTRANS", "081234567890"))
	body := `{"order_id":"` + number + `","status_code":"200","gross_amount":"11200.00","transaction_status":"settlement","fraud_status":"accept","signature_key":"00"}`
	r := e.do(http.MethodPost, hooks.PaymentNotifyPath("midtrans"), "", rawBody(body))
	assert.Equal(t, http.StatusUnauthorized, r.Status, r.Raw)
	good := `{"order_id":"` + number + `","status_code":"200","gross_amount":"11200.00","transaction_status":"settlement","fraud_status":"accept","signature_key":"` +
		midtrans.Signature(number, "200", "11200.00", e.mt.ServerKey()) + `"}`
	r = e.do(http.MethodPost, hooks.PaymentNotifyPath("midtrans"), "", rawBody(good))
	assert.Equal(t, http.StatusOK, r.Status, r.Raw)
	e.settleBoth()
	// Signed, but the status API says nobody paid: nothing fulfilled.
	assert.Equal(t, "unpaid", e.payment(number).Status)
	assert.Equal(t, 0, e.sb.Count("prepaid", "order"))
	assert.Equal(t, 1, e.count("payment_events", "gateway = 'midtrans' && outcome = 'rejected'", nil))

	closed := newPayEnv(t) // Tripay only: Midtrans not configured
	r = closed.do(http.MethodPost, hooks.PaymentNotifyPath("midtrans"), "", rawBody(good))
	assert.Equal(t, http.StatusUnauthorized, r.Status)
}

// A fraud challenge holds the payment for a person; a reversal after the
// settlement is flagged, nothing undone; a wrong amount is never
// fulfilled.
func TestMidtransChallengeReversalAndMismatch(t *testing.T) {
	e := newMidEnv(t)
	_, held, _, _ := e.checkoutOK("", prepaidCheckout("MIDTRANS", "081234567890"))
	require.NoError(t, e.mt.PickMethod(held, midsandbox.MethodCreditCard))
	require.NoError(t, e.mt.Challenge(held))
	e.settleBoth()
	row := e.payment(held)
	assert.Equal(t, "unpaid", row.Status)
	assert.Contains(t, row.Review, "fraud")
	e.backdatePay(held, time.Hour)
	e.svc.CheckPayments(context.Background())
	assert.Equal(t, "unpaid", e.payment(held).Status, "a held payment is never closed by the clock")
	require.NoError(t, e.mt.AcceptChallenge(held))
	e.settleBoth()
	assert.Equal(t, "paid", e.payment(held).Status)
	assert.Empty(t, e.payment(held).Review, "the hold was lifted")

	require.NoError(t, e.mt.Reverse(held))
	e.settleBoth()
	row = e.payment(held)
	assert.Equal(t, "paid", row.Status, "nothing undone automatically")
	assert.Contains(t, row.Review, "reversal")

	_, wrong, _, _ := e.checkoutOK("", map[string]any{"category": "prepaid", "service": "TELKOMSEL_10K",
		"target": "081234567891", "channel": "MIDTRANS", "phone": "081234567891"})
	require.NoError(t, e.mt.PickMethod(wrong, midsandbox.MethodBCAVA))
	require.NoError(t, e.mt.PayAmount(wrong, 1_000))
	e.settleBoth()
	assert.Equal(t, "unpaid", e.payment(wrong).Status)
	assert.Contains(t, e.payment(wrong).Review, "expected")
	assert.Equal(t, 1, e.sb.Count("prepaid", "order"), "only the accepted one was sent")
}

// An unpaid Midtrans payment past its expiry is expired at Midtrans before
// the store closes it; a lost notification is found by the check.
func TestMidtransExpiryAndLostNotification(t *testing.T) {
	e := newMidEnv(t)
	order, late, _, _ := e.checkoutOK("", prepaidCheckout("MIDTRANS", "081234567890"))
	require.NoError(t, e.mt.PickMethod(late, midsandbox.MethodQRIS))
	e.settleBoth()
	e.backdatePay(late, 40*time.Minute, "expires_at")
	e.svc.CheckPayments(context.Background())
	e.settleBoth()
	assert.Equal(t, "expired", e.payment(late).Status)
	assert.Equal(t, hooks.OrderExpired, e.order(order).GetString("status"))
	assert.Equal(t, 1, e.mt.Count(midsandbox.EndpointExpire), "Midtrans was told to expire it")
	tx, ok := e.mt.Transaction(late)
	require.True(t, ok)
	assert.Equal(t, "expire", tx.Status)

	_, lost, _, _ := e.checkoutOK("", map[string]any{"category": "prepaid", "service": "TELKOMSEL_10K",
		"target": "081234567892", "channel": "MIDTRANS", "phone": "081234567892"})
	e.mt.Inject(midsandbox.Fault{Kind: midsandbox.FaultNotifyLost, Times: -1})
	require.NoError(t, e.mt.Pay(lost))
	e.settleBoth()
	assert.Equal(t, "unpaid", e.payment(lost).Status)
	e.backdatePay(lost, 6*time.Minute)
	e.svc.CheckPayments(context.Background())
	e.settleBoth()
	assert.Equal(t, "paid", e.payment(lost).Status)
	assert.Equal(t, 1, e.sb.Count("prepaid", "order"))
}

// backdatePay moves a payment's checked_at and created (and, with
// "expires_at", its expiry) d into the past.
func (e *payEnv) backdatePay(number string, d time.Duration, fields ...string) {
	e.t.Helper()
	p := e.record("payments", "number = {:n}", map[string]any{"n": number})
	for _, f := range append([]string{"checked_at", "created"}, fields...) {
		base := p.GetDateTime(f)
		if base.IsZero() {
			base = types.NowDateTime()
		}
		_, err := e.app.DB().NewQuery("UPDATE payments SET [[" + f + "]] = {:v} WHERE id = {:id}").
			Bind(dbx.Params{"v": base.Add(-d).String(), "id": p.Id}).Execute()
		require.NoError(e.t, err)
	}
}

// A create whose answer is lost cannot be seen at Midtrans (404 before a
// method is picked), so it is created again with the same order_id:
// Midtrans refuses that, and there is never a second payment. The store
// closes the checkout, expires the orphan at Midtrans (nobody was given its
// page) and says so to a replay too.
func TestMidtransCreateRetriedNeverMakesTwoPayments(t *testing.T) {
	e := newMidEnv(t)
	e.mt.Inject(midsandbox.Fault{Kind: midsandbox.FaultTimeout, Endpoint: midsandbox.EndpointCreate, Delay: 3 * time.Second})
	body := prepaidCheckout("MIDTRANS", "081234567890")
	r := e.checkout("", body, "Idempotency-Key", "mt-timeout")
	require.Equal(t, http.StatusBadGateway, r.Status, r.Raw)
	assert.Equal(t, hooks.CodeGatewayRefused, r.data()["code"])
	require.Len(t, e.mt.Transactions(), 1, "one Snap transaction for one payment")
	assert.Equal(t, 2, e.mt.Count(midsandbox.EndpointCreate), "created, then refused as a duplicate order_id")
	tx := e.mt.Transactions()[0]
	assert.Equal(t, midsandbox.StatusExpire, tx.Status, "the orphan was expired at Midtrans")
	p := e.record("payments", "number = {:n}", map[string]any{"n": tx.OrderID})
	assert.Equal(t, "failed", p.GetString("status"))
	assert.Equal(t, hooks.OrderExpired, e.record("orders", "id = {:id}", map[string]any{"id": p.GetString("order")}).GetString("status"))

	again := e.checkout("", body, "Idempotency-Key", "mt-timeout")
	assert.Equal(t, http.StatusBadGateway, again.Status, again.Raw)
	assert.Equal(t, 2, e.mt.Count(midsandbox.EndpointCreate), "a replay creates nothing")
}

// pay check reports Midtrans: the Server Key tried on the status API, the
// environment, and the notification URL to paste; never the key.
func TestPayCheckMidtrans(t *testing.T) {
	e := newMidEnv(t)
	var out bytes.Buffer
	require.NoError(t, e.svc.PayCheck(context.Background(), &out, "https://toko.example"))
	report := out.String()
	assert.Contains(t, report, "midtrans — "+e.mt.CoreURL)
	assert.Contains(t, report, "Notification URL): https://toko.example/api/payments/midtrans")
	assert.Contains(t, report, "MIDTRANS")
	assert.NotContains(t, report, e.mt.ServerKey())
	assert.Positive(t, e.mt.Count(midsandbox.EndpointStatus), "the key was tried")

	bad := midtrans.New("SB-Mid-server-wrong", midtrans.WithSnapURL(e.mt.SnapURL), midtrans.WithCoreURL(e.mt.CoreURL))
	f := newPayEnv(t, func(c *hooks.Config, _ *sandbox.Config) { c.Gateways = []payment.Gateway{bad} })
	out.Reset()
	err := f.svc.PayCheck(context.Background(), &out, "https://toko.example")
	require.Error(t, err)
	assert.Contains(t, err.Error()+out.String(), "MIDTRANS_SERVER_KEY")
	assert.NotContains(t, err.Error()+out.String(), "SB-Mid-server-wrong")
}

// Every kind of method Midtrans's page offers pays the same way, and
// duplicated, reordered and late-pending notifications buy once.
func TestMidtransMethodsAndNotificationFaults(t *testing.T) {
	e := newMidEnv(t)
	methods := []string{midsandbox.MethodQRIS, midsandbox.MethodGoPay, midsandbox.MethodShopeePay, midsandbox.MethodBCAVA,
		midsandbox.MethodBRIVA, midsandbox.MethodIndomaret}
	faults := []midsandbox.FaultKind{midsandbox.FaultNotifyDuplicate, midsandbox.FaultNotifyOutOfOrder, midsandbox.FaultNotifyLatePending,
		midsandbox.FaultNotifyDuplicate, midsandbox.FaultNotifyDelay, midsandbox.FaultNotifyLatePending}
	var numbers []string
	for i, m := range methods {
		phone := "08123456780" + string(rune('0'+i))
		_, number, _, _ := e.checkoutOK("", map[string]any{"category": "prepaid", "service": "TELKOMSEL_10K",
			"target": phone, "channel": "MIDTRANS", "phone": phone})
		e.mt.Inject(midsandbox.Fault{Kind: faults[i]})
		require.NoError(t, e.mt.PickMethod(number, m), m)
		require.NoError(t, e.mt.Pay(number), m)
		numbers = append(numbers, number)
	}
	e.mt.ReleaseHeld()
	e.settleBoth()
	for i, n := range numbers {
		assert.Equal(t, "paid", e.payment(n).Status, methods[i])
	}
	assert.Equal(t, len(methods), e.sb.Count("prepaid", "order"), "one provider order per payment")
	assert.Equal(t, len(methods), e.count("payment_events", "gateway = 'midtrans' && outcome = 'applied'", nil))
	assert.Zero(t, e.count("payment_events", "outcome = 'received'", nil))
	assert.Zero(t, e.count("wallet_transactions", "", nil), "guests: no ledger")
}

// The Midtrans Server Key is in no answer, stored row or log line, through
// a journey with a refused notification, a challenge and a status fault.
func TestMidtransLeaksNoServerKey(t *testing.T) {
	e := newMidEnv(t)
	var answers []string
	keep := func(r response) { answers = append(answers, r.Raw) }
	r := e.checkout("", prepaidCheckout("MIDTRANS", "081234567890"))
	keep(r)
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	number := r.data()["payment"].(map[string]any)["number"].(string)
	token := r.data()["accessToken"].(string)
	keep(e.do(http.MethodPost, hooks.PaymentNotifyPath("midtrans"), "", rawBody(`{"order_id":"`+number+`","status_code":"200","gross_amount":"11200.00","transaction_status":"settlement","signature_key":"ab"}`)))
	e.mt.Inject(midsandbox.Fault{Kind: midsandbox.FaultHTTPError, Endpoint: midsandbox.EndpointStatus, Times: 3})
	require.NoError(t, e.mt.PickMethod(number, midsandbox.MethodBCAVA))
	require.NoError(t, e.mt.Pay(number))
	e.settleBoth()
	e.backdatePay(number, 10*time.Minute)
	e.svc.CheckPayments(context.Background())
	e.settleBoth()
	keep(e.do(http.MethodGet, "/api/checkout/"+number+"?token="+token, "", nil))
	keep(e.do(http.MethodPost, "/api/checkout/"+number+"/check?token="+token, "", nil))
	keep(e.do(http.MethodGet, "/api/collections/payment_events/records", superToken, nil))
	keep(e.do(http.MethodGet, "/api/collections/payments/records", superToken, nil))
	require.Equal(t, "paid", e.payment(number).Status)

	key := e.mt.ServerKey()
	for table, text := range map[string]string{"payments": e.rows("payments"), "payment_events": e.rows("payment_events"),
		"orders": e.rows("orders"), "order_events": e.rows("order_events"), "logs": e.logs()} {
		assert.NotContains(t, text, key, "server key in %s", table)
	}
	for i, a := range answers {
		assert.NotContains(t, a, key, "server key in answer %d", i)
	}
}
