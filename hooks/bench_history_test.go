package hooks_test

import (
	"fmt"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
)

// historySize is a store some months in: this many finished orders.
const historySize = 50_000

// seedHistory inserts n finished orders of another user with raw SQL (a
// fixture, not an app write: no hooks, no ledger), each with its trxid.
func (e *env) seedHistory(b *testing.B, n int) {
	b.Helper()
	product := e.product(hooks.CategoryPrepaid, benchProduct)
	now := types.NowDateTime().String()
	require.NoError(b, e.app.RunInTransaction(func(tx core.App) error {
		for i := range n {
			_, err := tx.DB().Insert("orders", dbx.Params{
				"id": core.GenerateDefaultRandomId(), "number": fmt.Sprintf("PRE-1-H%07d", i), "user": userIDs[otherEmail],
				"category": hooks.CategoryPrepaid, "product": product.Id, "service_code": benchProduct,
				"target": fmt.Sprintf("0899%07d1", i), "quantity": 1, "price": 11_600, "status": hooks.OrderSuccess,
				"external_id": fmt.Sprintf("HIST%08d", i), "dispatch": "sent", "created": now, "updated": now,
			}).Execute()
			if err != nil {
				return err
			}
		}
		return nil
	}))
}

// BenchmarkLargeHistory repeats two measurements on a store that already
// holds 50,000 finished orders: "callbacks" as in BenchmarkWebhookThroughput,
// "orders" as the accept half of BenchmarkDurability (50 shoppers, default
// dispatch wait, fast provider: pay + claim + send + result per answer).
// Every trxid lookup (webhook, the dispatch result's clash check, ?trxId=,
// reconcile) should cost the same whatever the history. One op = one
// callback / one order.
//
//	go test -run '^$' -bench BenchmarkLargeHistory -benchtime 300x ./hooks/
func BenchmarkLargeHistory(b *testing.B) {
	b.Run("callbacks", func(b *testing.B) {
		e := newBenchEnv(b, nil).ready()
		e.seedHistory(b, historySize)
		e.benchCallbacks(b)
	})

	b.Run("orders", func(b *testing.B) {
		e := newBenchEnv(b, nil).ready()
		e.seedHistory(b, historySize)
		e.benchAccepts(b)
	})
}
