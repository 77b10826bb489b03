package hooks_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWalletOnlyMovesThroughTheLedger(t *testing.T) {
	e := newEnv(t)
	const ledger = "/api/collections/wallet_transactions/records"
	uid := userIDs[userEmail]

	// A superuser deposit (dashboard/API) changes the balance with its row.
	r := e.do(http.MethodPost, ledger, superToken, map[string]any{"user": uid, "type": "deposit", "amount": 50_000, "note": "transfer BCA"})
	require.Equal(t, 200, r.Status, r.Raw)
	assert.EqualValues(t, 50_000, r.Body["balance_after"])
	assert.Equal(t, int64(50_000), e.balance(userEmail))

	r = e.do(http.MethodPost, ledger, superToken, map[string]any{"user": uid, "type": "adjustment", "amount": -20_000, "note": "koreksi"})
	require.Equal(t, 200, r.Status, r.Raw)
	assert.Equal(t, int64(30_000), e.balance(userEmail))
	rowID := r.Body["id"].(string)

	for name, c := range map[string]struct {
		method, url, token string
		body               map[string]any
		status             int
	}{
		"adjustment below zero": {http.MethodPost, ledger, superToken, map[string]any{"user": uid, "type": "adjustment", "amount": -30_001}, 400},
		"negative deposit":      {http.MethodPost, ledger, superToken, map[string]any{"user": uid, "type": "deposit", "amount": -5}, 400},
		"zero deposit":          {http.MethodPost, ledger, superToken, map[string]any{"user": uid, "type": "deposit", "amount": 0}, 400},
		"hand-made refund":      {http.MethodPost, ledger, superToken, map[string]any{"user": uid, "type": "refund", "amount": 5}, 400},
		"hand-made purchase":    {http.MethodPost, ledger, superToken, map[string]any{"user": uid, "type": "purchase", "amount": -5}, 400},
		"user deposits":         {http.MethodPost, ledger, userTokens[userEmail], map[string]any{"user": uid, "type": "deposit", "amount": 5}, 403},
		"edit a ledger row":     {http.MethodPatch, ledger + "/" + rowID, superToken, map[string]any{"amount": 1}, 400},
		"delete a ledger row":   {http.MethodDelete, ledger + "/" + rowID, superToken, nil, 400},
		"user edits own balance": {http.MethodPatch, "/api/collections/users/records/" + uid, userTokens[userEmail],
			map[string]any{"balance": 9_999_999}, 400},
		"superuser edits balance": {http.MethodPatch, "/api/collections/users/records/" + uid, superToken,
			map[string]any{"balance": 9_999_999}, 400},
		"sign up with a balance": {http.MethodPost, "/api/collections/users/records", "",
			map[string]any{"email": "rich@example.com", "password": "1234567890", "passwordConfirm": "1234567890", "balance": 1_000_000}, 400},
	} {
		res := e.do(c.method, c.url, c.token, c.body)
		assert.Equal(t, c.status, res.Status, "%s: %s", name, res.Raw)
	}
	assert.Equal(t, int64(30_000), e.balance(userEmail))
	assert.Equal(t, 2, e.count("wallet_transactions", "", nil))

	// A profile edit still works and does not touch the balance.
	r = e.do(http.MethodPatch, "/api/collections/users/records/"+uid, userTokens[userEmail], map[string]any{"name": "Budi"})
	require.Equal(t, 200, r.Status, r.Raw)
	assert.Equal(t, int64(30_000), e.balance(userEmail))

	// Shoppers see only their own ledger.
	mine := e.do(http.MethodGet, ledger, userTokens[userEmail], nil)
	assert.EqualValues(t, 2, mine.Body["totalItems"])
	theirs := e.do(http.MethodGet, ledger, userTokens[otherEmail], nil)
	assert.EqualValues(t, 0, theirs.Body["totalItems"])
	e.assertLedgerConsistent()
}
