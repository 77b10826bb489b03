package hooks_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
)

// The revision 2 schema: a guest's order or payment (no user) is nobody's
// through the collection API — not another member's, not another guest's —
// and a member sees only their own payments, never the access token.
func TestGuestRowsAreNobodysThroughTheCollectionAPI(t *testing.T) {
	e := newEnv(t).ready()
	product := e.product("prepaid", "TELKOMSEL_10K")
	save := func(collection string, set map[string]any) *core.Record {
		col, err := e.app.FindCollectionByNameOrId(collection)
		require.NoError(t, err)
		r := core.NewRecord(col)
		for k, v := range set {
			r.Set(k, v)
		}
		require.NoError(t, e.app.Save(r))
		return r
	}
	guestOrder := save("orders", map[string]any{"number": "PRE-1-GUEST", "category": "prepaid", "product": product.Id,
		"target": "081234567890", "quantity": 1, "price": 10_000, "status": hooks.OrderUnpaid, "phone": "6281234567890"})
	memberOrder := save("orders", map[string]any{"number": "PRE-1-MEMBR", "user": userIDs[userEmail], "category": "prepaid",
		"product": product.Id, "target": "081234567890", "quantity": 1, "price": 10_000, "status": hooks.OrderExpired})
	save("payments", map[string]any{"number": "PAY-1-GUEST", "purpose": "order", "order": guestOrder.Id, "gateway": "tripay",
		"status": "unpaid", "amount": 10_000, "total": 10_820, "access_token": "secret-guest-token"})
	mine := save("payments", map[string]any{"number": "PAY-1-MEMBR", "purpose": "order", "order": memberOrder.Id,
		"user": userIDs[userEmail], "gateway": "tripay", "status": "expired", "amount": 10_000, "total": 10_820,
		"access_token": "secret-member-token"})

	list := func(collection, token string) []any {
		r := e.do(http.MethodGet, "/api/collections/"+collection+"/records", token, nil)
		require.Equal(t, 200, r.Status, r.Raw)
		assert.NotContains(t, r.Raw, "secret-", "access tokens are hidden")
		items, _ := r.Body["items"].([]any)
		return items
	}
	assert.Empty(t, list("orders", ""), "a guest sees no order")
	assert.Empty(t, list("payments", ""), "a guest sees no payment")
	assert.Len(t, list("orders", userTokens[userEmail]), 1, "a member sees only their own order")
	assert.Empty(t, list("orders", userTokens[otherEmail]))
	payments := list("payments", userTokens[userEmail])
	require.Len(t, payments, 1)
	assert.Equal(t, mine.Id, payments[0].(map[string]any)["id"])
	assert.Empty(t, list("payments", userTokens[otherEmail]))
	assert.Equal(t, 404, e.do(http.MethodGet, "/api/collections/orders/records/"+guestOrder.Id, userTokens[otherEmail], nil).Status)
	assert.Equal(t, 403, e.do(http.MethodGet, "/api/collections/payment_events/records", userTokens[userEmail], nil).Status,
		"payment_events: superusers only")
}
