package hooks_test

import (
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
)

// assertLedgerConsistent checks that every user's ledger sums to the
// balance, and that every order has one purchase and the refunds its status
// calls for.
func (e *env) assertLedgerConsistent() {
	e.t.Helper()
	e.assertBalancesMatchLedger()
	e.assertRefundsMatchStatus()
}

// assertBalancesMatchLedger: for every user the ledger sums to the balance
// and no balance is negative.
func (e *env) assertBalancesMatchLedger() {
	e.t.Helper()
	users, err := e.app.FindAllRecords("users")
	require.NoError(e.t, err)
	for _, u := range users {
		rows, err := e.app.FindRecordsByFilter("wallet_transactions", "user = {:u}", "created", 0, 0, map[string]any{"u": u.Id})
		require.NoError(e.t, err)
		var sum int64
		for _, r := range rows {
			sum += int64(r.GetInt("amount"))
		}
		assert.Equal(e.t, int64(u.GetInt("balance")), sum, "ledger sum of %s", u.GetString("email"))
		assert.GreaterOrEqual(e.t, u.GetInt("balance"), 0)
	}
}

// assertRefundsMatchStatus: every failed order exactly one full refund;
// every success none; every order exactly one purchase.
func (e *env) assertRefundsMatchStatus() {
	e.t.Helper()
	orders, err := e.app.FindAllRecords("orders")
	require.NoError(e.t, err)
	for _, o := range orders {
		refunds := e.count("wallet_transactions", "order = {:o} && type = 'refund'", map[string]any{"o": o.Id})
		purchases := e.count("wallet_transactions", "order = {:o} && type = 'purchase'", map[string]any{"o": o.Id})
		assert.Equal(e.t, 1, purchases, "order %s purchases", o.GetString("number"))
		switch o.GetString("status") {
		case hooks.OrderFailed:
			assert.Equal(e.t, 1, refunds, "failed order %s refunds", o.GetString("number"))
			assert.Equal(e.t, o.GetInt("price"), o.GetInt("refunded"))
		case hooks.OrderSuccess, hooks.OrderPending, hooks.OrderProcessing:
			assert.Zero(e.t, refunds, "order %s (%s) refunds", o.GetString("number"), o.GetString("status"))
		}
	}
}
