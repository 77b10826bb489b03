package hooks_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"sort"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
)

// dashboardForm is what the dashboard's record form sends: multipart, every
// field of the superuser's view of rec as text (numbers as digits, null as
// "", JSON stringified), with override applied.
func dashboardForm(t *testing.T, rec *core.Record, override map[string]any) (rawBody, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	data := rec.FieldsData()
	for k, v := range override {
		data[k] = v
	}
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == "id" || k == "created" || k == "updated" {
			continue
		}
		var s string
		switch x := data[k].(type) {
		case nil:
		case string:
			s = x
		case bool, float64, int, int64:
			s = fmt.Sprint(x)
		case []string:
			for _, item := range x {
				require.NoError(t, mw.WriteField(k, item))
			}
			continue
		case fmt.Stringer: // dates, raw JSON
			s = x.String()
		default:
			raw, err := json.Marshal(x)
			require.NoError(t, err)
			if s = string(raw); s == "null" {
				s = ""
			}
		}
		require.NoError(t, mw.WriteField(k, s))
	}
	require.NoError(t, mw.Close())
	return rawBody(buf.String()), mw.FormDataContentType()
}

// A payment's invoiced, for-whom and state fields follow the gateway: a
// superuser PATCH of amount (which would become a bigger wallet credit) or
// of status is refused; the review note and the shopper's contact still
// save, from a dashboard form that sends every field back.
func TestPaymentFieldsReadOnly(t *testing.T) {
	e := newPayEnv(t)
	r := e.do(http.MethodPost, "/api/wallet/topup", userTokens[userEmail], map[string]any{"amount": 50_000, "channel": "QRIS"})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	p := e.record("payments", "purpose = 'deposit'", nil)
	url := "/api/collections/payments/records/" + p.Id
	for field, v := range map[string]any{"amount": 500_000, "total": 1, "fee": 0, "status": "paid", "user": userIDs[otherEmail],
		"purpose": "order", "refund_due": 5000, "reference": "T-OTHER", "gateway": "midtrans", "expires_at": "2030-01-01 00:00:00.000Z"} {
		r := e.do(http.MethodPatch, url, superToken, map[string]any{field: v})
		assert.Equal(t, http.StatusBadRequest, r.Status, "%s: %s", field, r.Raw)
		assert.Equal(t, "payment_field_read_only", r.data()["code"], "%s: %s", field, r.Raw)
	}
	body, ct := dashboardForm(t, e.record("payments", "purpose = 'deposit'", nil), map[string]any{"review": "dicek admin"})
	r = e.do(http.MethodPatch, url, superToken, body, "Content-Type", ct)
	require.Equal(t, http.StatusOK, r.Status, "a dashboard save of the note: %s", r.Raw)
	assert.Equal(t, "dicek admin", e.record("payments", "purpose = 'deposit'", nil).GetString("review"))

	r = e.do(http.MethodPost, "/api/collections/payments/records", superToken, map[string]any{"number": "PAY-X", "purpose": "deposit",
		"user": userIDs[userEmail], "gateway": "tripay", "amount": 1000, "total": 1000, "status": "paid"})
	assert.Equal(t, "payment_field_read_only", r.data()["code"], "payments are not made by hand: %s", r.Raw)

	require.NoError(t, e.tp.Pay(p.GetString("reference")))
	e.settle()
	assert.Equal(t, int64(50_000), e.balance(userEmail), "credited what the gateway took")
	e.assertLedgerConsistent()
}

// Orders, payments and order events are the books: a delete (REST, the
// dashboard or the batch API, superusers included) is refused, so a paid
// order never loses its payment and a late payment always finds its order.
func TestBooksCannotBeDeleted(t *testing.T) {
	e := newPayEnv(t)
	order, number, ref, _ := e.checkoutOK("", prepaidCheckout("QRIS", "081234567890"))
	o := e.order(order)
	pay := e.record("payments", "number = {:n}", map[string]any{"n": number})
	ev := e.record("order_events", "order = {:o}", map[string]any{"o": o.Id})
	for _, url := range []string{"/api/collections/orders/records/" + o.Id, "/api/collections/payments/records/" + pay.Id,
		"/api/collections/order_events/records/" + ev.Id} {
		r := e.do(http.MethodDelete, url, superToken, nil)
		assert.Equal(t, http.StatusBadRequest, r.Status, "%s: %s", url, r.Raw)
		assert.Equal(t, "books_not_deletable", r.data()["code"], r.Raw)
	}
	s := e.app.Settings()
	s.Batch.Enabled = true
	require.NoError(t, e.app.Save(s))
	r := e.do(http.MethodPost, "/api/batch", superToken, map[string]any{"requests": []map[string]any{
		{"method": "DELETE", "url": "/api/collections/orders/records/" + o.Id},
	}})
	assert.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
	assert.Contains(t, r.Raw, "books_not_deletable")

	require.NoError(t, e.tp.Pay(ref))
	e.settle()
	assert.Equal(t, "paid", e.payment(number).Status)
	assert.NotEqual(t, hooks.OrderUnpaid, e.order(order).GetString("status"), "the paid order went on")
}

// What a partial order refunds is computed from the provider's remains: a
// superuser cannot enlarge it by editing remains with the status.
func TestPartialRemainsReadOnly(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 100_000)
	n := e.buyPrepaid(userEmail, "081200000123")
	o := e.order(n)
	url := "/api/collections/orders/records/" + o.Id
	for _, field := range []string{"remains", "start_count"} {
		r := e.do(http.MethodPatch, url, superToken, map[string]any{"status": hooks.OrderPartial, field: 1000})
		assert.Equal(t, "order_field_read_only", r.data()["code"], "%s: %s", field, r.Raw)
	}
	assert.Equal(t, o.GetString("status"), e.order(n).GetString("status"))
	assert.Zero(t, e.order(n).GetInt("refunded"))
}

// A bank reference entered again in another case or with spaces is the
// same reference.
func TestDepositReferenceNormalised(t *testing.T) {
	e := newEnv(t).ready()
	post := func(ref string) response {
		return e.do(http.MethodPost, "/api/collections/wallet_transactions/records", superToken,
			map[string]any{"user": userIDs[userEmail], "type": "deposit", "amount": 50_000, "reference": ref})
	}
	require.Equal(t, http.StatusOK, post("bca 0612-001").Status)
	for _, ref := range []string{"BCA0612-001", "Bca 0612-001 ", "bca0612 -001"} {
		r := post(ref)
		assert.Equal(t, "duplicate_reference", r.data()["code"], "%q: %s", ref, r.Raw)
	}
	assert.Equal(t, int64(50_000), e.balance(userEmail))
	assert.Equal(t, 1, e.count("wallet_transactions", "reference = 'BCA0612-001'", nil), "stored as typed, upper case without spaces")
}
