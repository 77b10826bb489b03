package hooks_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/payment/tripay"
	tripaysandbox "github.com/vipbase/vipbase/payment/tripay/sandbox"
)

// notify posts a raw Tripay notification to the app.
func (e *env) notify(body []byte, signature string) response {
	e.t.Helper()
	req := httptest.NewRequest(http.MethodPost, hooks.PaymentNotifyPath("tripay"), strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Callback-Event", "payment_status")
	if signature != "" {
		req.Header.Set("X-Callback-Signature", signature)
	}
	rec := httptest.NewRecorder()
	e.handler().ServeHTTP(rec, req)
	out := response{Status: rec.Code, Raw: rec.Body.String()}
	_ = json.Unmarshal(rec.Body.Bytes(), &out.Body)
	return out
}

// paidBody is a PAID notification for a payment, as Tripay would send it.
func paidBody(number, ref string, total int64) []byte {
	b, _ := json.Marshal(map[string]any{"reference": ref, "merchant_ref": number, "payment_method": "QRIS",
		"payment_method_code": "QRIS", "total_amount": total, "fee_merchant": 0, "fee_customer": 0, "total_fee": 0,
		"amount_received": total, "is_closed_payment": 1, "status": "PAID", "paid_at": time.Now().Unix(), "note": nil})
	return b
}

// Unsigned, wrongly signed or re-encoded notifications are refused (401)
// and logged `rejected`; nothing changes.
func TestPaymentNotifyBadSignatureRejected(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	order, number, ref, _ := e.checkoutOK("", prepaidCheckout("QRIS", "081234567890"))
	total := e.payment(number).Total
	body := paidBody(number, ref, total)
	good := tripay.Sign(e.tp.PrivateKey(), body)
	var reencoded map[string]any
	require.NoError(t, json.Unmarshal(body, &reencoded))
	pretty, _ := json.MarshalIndent(reencoded, "", "  ")
	cases := map[string]struct {
		body []byte
		sig  string
	}{
		"missing":         {body, ""},
		"wrong key":       {body, tripay.Sign("not-the-key", body)},
		"upper hex":       {body, strings.ToUpper(good)},
		"re-encoded body": {pretty, good},
	}
	assert.Contains(t, []int{401, 403}, e.do(http.MethodGet, "/api/admin/payments/health", userTokens[userEmail], nil).Status, "superusers only")
	for name, c := range cases {
		r := e.notify(c.body, c.sig)
		assert.Equal(t, http.StatusUnauthorized, r.Status, name)
		assert.Equal(t, hooks.CodeSignatureInvalid, errCode(r), name)
	}
	e.waitPayments()
	// Anybody's traffic: one row per source and reason each minute, with
	// the count of requests it stands for (bounded rows, whatever the flood).
	cronJob(t, e.app, hooks.CronOrdersPoll)() // brings the counts up to date
	rows, err := e.app.FindAllRecords("payment_events")
	require.NoError(t, err)
	require.Len(t, rows, 2, "missing signature, wrong signature")
	requests := 0
	for _, r := range rows {
		assert.Equal(t, hooks.OutcomeRejected, r.GetString("outcome"))
		assert.Equal(t, "tripay", r.GetString("gateway"))
		requests += r.GetInt("requests")
	}
	assert.Equal(t, len(cases), requests)
	assert.Equal(t, 0, e.count("payment_events", "signature_valid = true", nil))
	refused := 0
	for range 300 { // a flood costs no more rows (the rate limiter takes some first)
		if r := e.notify(body, "f00d"); r.Status == http.StatusUnauthorized {
			refused++
		}
	}
	require.Greater(t, refused, 100)
	cronJob(t, e.app, hooks.CronOrdersPoll)()
	assert.Equal(t, 2, e.count("payment_events", "", nil))
	wrong := e.record("payment_events", "requests > 1", nil)
	assert.Equal(t, refused+len(cases)-1, wrong.GetInt("requests"), "the wrong signatures' row counts them all: %s", wrong.GetString("error"))
	// The console's health counts the requests the rows stand for, not rows.
	h := e.do(http.MethodGet, "/api/admin/payments/health", superToken, nil)
	require.Equal(t, http.StatusOK, h.Status, h.Raw)
	assert.EqualValues(t, refused+len(cases), h.data()["last24h"].(map[string]any)[hooks.OutcomeRejected], h.Raw)
	assert.Equal(t, hooks.OutcomeRejected, h.data()["last"].(map[string]any)["outcome"])
	assert.Equal(t, hooks.PaymentUnpaid, e.payment(number).Status)
	assert.Equal(t, hooks.OrderUnpaid, e.order(order).GetString("status"))
	assert.Equal(t, 0, e.tp.Count("transaction/detail"), "never confirmed")
	assert.Equal(t, 0, e.sb.Count("prepaid", "order"))

	// The simulator's own bad-signature fault: refused, then its retries too.
	e.tp.Inject(tripaysandbox.Fault{Kind: tripaysandbox.FaultNotifyBadSignature})
	require.NoError(t, e.tp.Pay(ref))
	e.settle()
	for _, d := range e.tp.Deliveries() {
		assert.Equal(t, http.StatusUnauthorized, d.HTTPStatus)
	}
	assert.Equal(t, hooks.PaymentUnpaid, e.payment(number).Status, "only the cron finds it now")
	assert.Equal(t, 0, e.sb.Count("prepaid", "order"))
}

// Without gateway credentials every notification is refused (fail closed).
func TestPaymentNotifyUnconfiguredFailsClosed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	body := paidBody("PAY-1-ABCDE", "T123", 10_000)
	r := e.notify(body, tripay.Sign(tripaysandbox.DefaultPrivateKey, body))
	assert.Equal(t, http.StatusUnauthorized, r.Status, r.Raw)
	assert.Equal(t, 1, e.count("payment_events", "outcome = 'rejected' && signature_valid = false", nil))
	assert.Equal(t, 0, e.count("payments", "", nil))
}

// A correctly signed PAID that the status API contradicts fulfils nothing.
func TestPaymentNotifyContradictedByStatusAPI(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	order, number, ref, _ := e.checkoutOK(userTokens[userEmail], prepaidCheckout("QRIS", ""))
	body := paidBody(number, ref, e.payment(number).Total)
	r := e.notify(body, tripay.Sign(e.tp.PrivateKey(), body))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Equal(t, true, r.Body["success"])
	e.waitPayments()
	assert.Equal(t, 1, e.tp.Count("transaction/detail"), "confirmed with the status API")
	assert.Equal(t, hooks.PaymentUnpaid, e.payment(number).Status)
	assert.Equal(t, hooks.OrderUnpaid, e.order(order).GetString("status"))
	assert.Equal(t, 0, e.count("wallet_transactions", "", nil))
	assert.Equal(t, 0, e.sb.Count("prepaid", "order"))
	assert.Equal(t, 0, e.events("applied"))
	assert.Equal(t, 1, e.count("payment_events", "signature_valid = true && outcome != 'received'", nil))
}

// The status API is down: the notification is deferred, the payment stays
// unpaid; vip_payments_check applies it later and the order is sent once.
func TestPaymentNotifyStatusAPIDownDeferred(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	order, number, ref, _ := e.checkoutOK("", prepaidCheckout("QRIS", "081234567890"))
	e.tp.Inject(tripaysandbox.Fault{Kind: tripaysandbox.FaultHTTPError, Endpoint: tripaysandbox.EndpointDetail, Times: -1})
	require.NoError(t, e.tp.Pay(ref))
	e.settle()
	assert.Equal(t, hooks.PaymentUnpaid, e.payment(number).Status)
	assert.Equal(t, 1, e.events("deferred"))
	assert.Equal(t, 0, e.sb.Count("prepaid", "order"))

	e.checkPayments() // too soon: not asked, nothing sent
	assert.Equal(t, hooks.PaymentUnpaid, e.payment(number).Status)
	e.tp.ClearFaults()
	e.backdatePayment(number, 10*time.Minute, "checked_at")
	assert.Equal(t, 1, e.checkPayments())
	assert.Equal(t, hooks.PaymentPaid, e.payment(number).Status)
	assert.Contains(t, []string{hooks.OrderPending, hooks.OrderProcessing}, e.order(order).GetString("status"))
	assert.Equal(t, 1, e.sb.Count("prepaid", "order"), "sent once")
	e.backdatePayment(number, 10*time.Minute, "checked_at")
	e.checkPayments()
	assert.Equal(t, 1, e.sb.Count("prepaid", "order"))
}

// One notification ten times at once, and a stale UNPAID after PAID: one
// provider order, one applied event.
func TestPaymentNotifyDuplicatesAndStale(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	order, number, ref, _ := e.checkoutOK(userTokens[userEmail], prepaidCheckout("QRIS", ""))
	price := e.price()
	e.tp.Inject(tripaysandbox.Fault{Kind: tripaysandbox.FaultNotifyLost})
	require.NoError(t, e.tp.Pay(ref))
	e.settle()
	require.Equal(t, hooks.PaymentUnpaid, e.payment(number).Status)

	// The notification Tripay would have sent, ten times at once.
	var body []byte
	for _, d := range e.tp.Deliveries() {
		body = d.Body
	}
	if body == nil {
		tx, ok := e.tp.Transaction(ref)
		require.True(t, ok)
		body = paidBody(number, ref, tx.Paid)
	}
	sig := tripay.Sign(e.tp.PrivateKey(), body)
	var wg sync.WaitGroup
	statuses := make([]int, 10)
	for i := range statuses {
		wg.Go(func() { statuses[i] = e.notify(body, sig).Status })
	}
	wg.Wait()
	for _, s := range statuses {
		assert.Equal(t, http.StatusOK, s)
	}
	e.waitPayments()
	assert.Equal(t, hooks.PaymentPaid, e.payment(number).Status)
	assert.Equal(t, 1, e.events("applied"))
	assert.Equal(t, 9, e.events("duplicate"))
	assert.Equal(t, 1, e.sb.Count("prepaid", "order"), "one provider order")
	assert.Equal(t, []int64{price}, e.ledger(userEmail, "deposit"))
	assert.Equal(t, []int64{-price}, e.ledger(userEmail, "purchase"))

	// A stale UNPAID after PAID: the status API says PAID, nothing moves.
	var unpaid map[string]any
	require.NoError(t, json.Unmarshal(body, &unpaid))
	unpaid["status"], unpaid["paid_at"] = "UNPAID", nil
	ub, _ := json.Marshal(unpaid)
	require.Equal(t, http.StatusOK, e.notify(ub, tripay.Sign(e.tp.PrivateKey(), ub)).Status)
	e.waitPayments()
	assert.Equal(t, 1, e.events("applied"))
	assert.Equal(t, 11, e.count("payment_events", "outcome = 'duplicate' || outcome = 'stale'", nil)+1)
	assert.Equal(t, hooks.PaymentPaid, e.payment(number).Status)
	assert.Contains(t, []string{hooks.OrderPending, hooks.OrderProcessing}, e.order(order).GetString("status"))
	assert.Equal(t, 1, e.sb.Count("prepaid", "order"))
	e.assertLedgerConsistent()
}

// A lost notification is found by vip_payments_check.
func TestPaymentNotifyLostFoundByCheck(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	order, number, ref, _ := e.checkoutOK("", prepaidCheckout("BRIVA", "081234567890"))
	e.tp.Inject(tripaysandbox.Fault{Kind: tripaysandbox.FaultNotifyLost})
	require.NoError(t, e.tp.Pay(ref))
	e.settle()
	assert.Empty(t, e.tp.Deliveries())
	assert.Equal(t, hooks.PaymentUnpaid, e.payment(number).Status)
	assert.Equal(t, 0, e.checkPayments(), "just checked: not asked yet")
	e.backdatePayment(number, 6*time.Minute, "checked_at", "created")
	assert.Equal(t, 1, e.checkPayments())
	assert.Equal(t, hooks.PaymentPaid, e.payment(number).Status)
	assert.Contains(t, []string{hooks.OrderPending, hooks.OrderProcessing}, e.order(order).GetString("status"))
	assert.Equal(t, 1, e.sb.Count("prepaid", "order"))
	assert.Equal(t, 0, e.count("payment_events", "", nil))
}

// A create that times out after the simulator made it is looked up, never
// created twice; the replay with the same key returns the same payment.
func TestCheckoutCreateTimeoutLookedUp(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	e.tp.Inject(tripaysandbox.Fault{Kind: tripaysandbox.FaultTimeout, Endpoint: tripaysandbox.EndpointCreate, Delay: 50 * time.Millisecond})
	body := prepaidCheckout("QRIS", "081234567890")
	r := e.checkout("", body, "Idempotency-Key", "k-timeout")
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	number := r.data()["payment"].(map[string]any)["number"].(string)
	assert.NotEmpty(t, e.payment(number).Reference)
	assert.Equal(t, 1, e.tp.Count("transaction/create"))
	assert.GreaterOrEqual(t, e.tp.Count("merchant/transactions"), 1, "looked up by our number")
	assert.Len(t, e.tp.Transactions(), 1)

	again := e.checkout("", body, "Idempotency-Key", "k-timeout")
	require.Equal(t, http.StatusOK, again.Status, again.Raw)
	assert.Equal(t, number, again.data()["payment"].(map[string]any)["number"])
	assert.Equal(t, r.data()["accessToken"], again.data()["accessToken"])
	assert.Equal(t, 1, e.tp.Count("transaction/create"))
	assert.Len(t, e.tp.Transactions(), 1)
	assert.Equal(t, 1, e.count("payments", "", nil))

	// The create and the lookup both unanswered: 502, the replay finishes it.
	e.tp.Inject(tripaysandbox.Fault{Kind: tripaysandbox.FaultTimeout, Endpoint: tripaysandbox.EndpointCreate, Delay: 50 * time.Millisecond})
	e.tp.Inject(tripaysandbox.Fault{Kind: tripaysandbox.FaultHTTPError, Endpoint: tripaysandbox.EndpointTransactions, Times: 3})
	r = e.checkout("", body, "Idempotency-Key", "k-two")
	require.Equal(t, http.StatusBadGateway, r.Status, r.Raw)
	assert.Equal(t, hooks.CodeGatewayUnavailable, errCode(r))
	p := e.record("payments", "reference = ''", nil)
	assert.Equal(t, hooks.PaymentUnpaid, p.GetString("status"))
	r = e.checkout("", body, "Idempotency-Key", "k-two")
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Equal(t, p.GetString("number"), r.data()["payment"].(map[string]any)["number"])
	assert.Equal(t, 2, e.tp.Count("transaction/create"), "the second checkout's create was never repeated")
	assert.Len(t, e.tp.Transactions(), 2)
	assert.Equal(t, 2, e.count("payments", "reference != ''", nil))
}
