package hooks_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
)

// After creation an order's charged/for-whom fields cannot change, for a
// superuser PATCH, a PATCH with PocketBase's field+ modifier, or the batch
// API; its status still moves through the admin path with its refund.
func TestOrderBooksCannotBeBent(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 100_000)
	e.deposit(otherEmail, 1_000)
	n := e.buyPrepaid(userEmail, "081200000123")
	o := e.order(n)
	require.NotEmpty(t, o.GetString("external_id"))
	before, ledger := o.FieldsData(), e.count("wallet_transactions", "", nil)
	url := "/api/collections/orders/records/" + o.Id

	changes := map[string]any{
		"user": userIDs[otherEmail], "product": e.product("prepaid", "TELKOMSEL_25K").Id, "category": hooks.CategoryGame,
		"service_code": "X", "target": "081299999999", "zone": "1", "quantity": 2, "price": 1, "cost": 1,
		"refunded": o.GetInt("price"), "payment": "abcdefghijklmno", "phone": "6281211112222", "external_id": "TRX-OTHER",
	}
	for field, v := range changes {
		r := e.do(http.MethodPatch, url, superToken, map[string]any{field: v})
		assert.Equal(t, http.StatusBadRequest, r.Status, "%s: %s", field, r.Raw)
		assert.Equal(t, "order_field_read_only", r.data()["code"], "%s: %s", field, r.Raw)
		assert.Contains(t, r.Raw, field)
	}
	r := e.do(http.MethodPatch, url, superToken, map[string]any{"refunded+": 5000})
	assert.Equal(t, "order_field_read_only", r.data()["code"], r.Raw)

	s := e.app.Settings()
	s.Batch.Enabled = true
	require.NoError(t, e.app.Save(s))
	r = e.do(http.MethodPost, "/api/batch", superToken, map[string]any{"requests": []map[string]any{
		{"method": "PATCH", "url": "/api/collections/orders/records/" + o.Id, "body": map[string]any{"price": 0}},
	}})
	assert.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
	assert.Contains(t, r.Raw, "order_field_read_only")
	assert.Equal(t, before, e.order(n).FieldsData(), "the order did not change")
	assert.Equal(t, ledger, e.count("wallet_transactions", "", nil), "no money moved")

	// The same values sent back (a dashboard form saves every field) and a
	// status change through the admin path still work; the refund is the
	// admin path's.
	r = e.do(http.MethodPatch, url, superToken, map[string]any{"price": o.GetInt("price"), "user": userIDs[userEmail],
		"external_id": o.GetString("external_id"), "status": hooks.OrderFailed})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	o = e.order(n)
	assert.Equal(t, hooks.OrderFailed, o.GetString("status"))
	assert.Equal(t, o.GetInt("price"), o.GetInt("refunded"))
	assert.Equal(t, int64(100_000), e.balance(userEmail), "refunded once, by the status change")
	e.assertLedgerConsistent()
}

// A pending order that was never sent may get its provider id once (an
// operator adopting a transaction); after that it is fixed.
func TestOrderExternalIDSetOnce(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 100_000)
	n := e.buyPrepaid(userEmail, "081200000123")
	o := e.order(n)
	_, err := e.app.DB().NewQuery("UPDATE orders SET external_id = '' WHERE id = {:id}").Bind(map[string]any{"id": o.Id}).Execute()
	require.NoError(t, err)
	url := "/api/collections/orders/records/" + o.Id
	r := e.do(http.MethodPatch, url, superToken, map[string]any{"external_id": "TRX-ADOPTED"})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	r = e.do(http.MethodPatch, url, superToken, map[string]any{"external_id": "TRX-AGAIN"})
	assert.Equal(t, "order_field_read_only", r.data()["code"], r.Raw)
	assert.Equal(t, "TRX-ADOPTED", e.order(n).GetString("external_id"))
}

// Whole-number fields take JSON integers only: "10.000" (Indonesian for ten
// thousand), 10.5 and true are refused instead of cast to 10, 10 and 1.
// Forms (the dashboard's multipart saves) still send digits as text.
func TestWholeNumbersOnly(t *testing.T) {
	e := newEnv(t).ready()
	p := e.product("prepaid", "TELKOMSEL_10K")
	price := p.GetInt("price")
	url := "/api/collections/products/records/" + p.Id
	for _, v := range []any{"10.000", 10.5, true, "12000", []int{1}} {
		r := e.do(http.MethodPatch, url, superToken, map[string]any{"price": v})
		assert.Equal(t, http.StatusBadRequest, r.Status, "%v: %s", v, r.Raw)
		assert.Contains(t, r.Raw, "validation_not_integer", "%v", v)
	}
	assert.Equal(t, price, e.product("prepaid", "TELKOMSEL_10K").GetInt("price"))

	for _, v := range []any{"10.000", 10.5, true} {
		r := e.do(http.MethodPost, "/api/collections/wallet_transactions/records", superToken,
			map[string]any{"user": userIDs[userEmail], "type": "deposit", "amount": v})
		assert.Equal(t, http.StatusBadRequest, r.Status, "%v: %s", v, r.Raw)
		assert.Contains(t, r.Raw, "validation_not_integer", "%v", v)
	}
	assert.Zero(t, e.balance(userEmail), "nothing credited")

	form := func(value string) response {
		body := "--b\r\nContent-Disposition: form-data; name=\"price\"\r\n\r\n" + value + "\r\n--b--\r\n"
		return e.do(http.MethodPatch, url, superToken, rawBody(body), "Content-Type", "multipart/form-data; boundary=b")
	}
	r := form("12500")
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Equal(t, 12500, e.product("prepaid", "TELKOMSEL_10K").GetInt("price"))
	for _, v := range []string{"12.500", "12500.5", "true"} {
		r := form(v)
		assert.Equal(t, http.StatusBadRequest, r.Status, "form %q: %s", v, r.Raw)
		assert.Contains(t, r.Raw, "validation_not_integer", "form %q", v)
	}
	r = e.do(http.MethodPatch, url, superToken, map[string]any{"price": 13000, "name": "Telkomsel 10rb"})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)

	s := e.app.Settings()
	s.Batch.Enabled = true
	require.NoError(t, e.app.Save(s))
	r = e.do(http.MethodPost, "/api/batch", superToken, map[string]any{"requests": []map[string]any{
		{"method": "PATCH", "url": url, "body": map[string]any{"price": "10.000"}},
	}})
	assert.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
	assert.Contains(t, r.Raw, "validation_not_integer")
	assert.Equal(t, 13000, e.product("prepaid", "TELKOMSEL_10K").GetInt("price"))
}

// A deposit entered twice with the operator's reference is refused; the
// same reference for another user or another type is fine.
func TestDepositReferenceIsUnique(t *testing.T) {
	e := newEnv(t).ready()
	post := func(email, typ string, amount int, ref string) response {
		return e.do(http.MethodPost, "/api/collections/wallet_transactions/records", superToken,
			map[string]any{"user": userIDs[email], "type": typ, "amount": amount, "reference": ref})
	}
	require.Equal(t, http.StatusOK, post(userEmail, "deposit", 50_000, "BCA-0612-001").Status)
	r := post(userEmail, "deposit", 50_000, " BCA-0612-001 ")
	assert.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
	assert.Equal(t, "duplicate_reference", r.data()["code"], r.Raw)
	assert.Equal(t, int64(50_000), e.balance(userEmail), "credited once")

	require.Equal(t, http.StatusOK, post(otherEmail, "deposit", 10_000, "BCA-0612-001").Status, "another user")
	require.Equal(t, http.StatusOK, post(userEmail, "adjustment", -1_000, "BCA-0612-001").Status, "another type")
	for i := range 2 {
		r := post(userEmail, "deposit", 1_000, "")
		require.Equal(t, http.StatusOK, r.Status, "no reference, twice (%d): %s", i, r.Raw)
	}
	assert.Equal(t, int64(51_000), e.balance(userEmail))
	assert.Equal(t, 1, e.count("wallet_transactions", "reference = 'BCA-0612-001' && user = {:u} && type = 'deposit'",
		map[string]any{"u": userIDs[userEmail]}))
	e.assertLedgerConsistent()
}
