package hooks_test

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks/wallet"
	_ "github.com/vipbase/vipbase/pb_migrations"
)

func (e *env) record(collection, filter string, params map[string]any) *core.Record {
	e.t.Helper()
	r, err := e.app.FindFirstRecordByFilter(collection, filter, params)
	require.NoError(e.t, err, "%s where %s", collection, filter)
	return r
}

func (e *env) count(collection, filter string, params map[string]any) int {
	e.t.Helper()
	if filter == "" {
		filter = "id != ''"
	}
	recs, err := e.app.FindRecordsByFilter(collection, filter, "", 0, 0, params)
	require.NoError(e.t, err)
	return len(recs)
}

func (e *env) deposit(email string, amount int64) {
	e.t.Helper()
	require.NoError(e.t, wallet.AddDeposit(e.app, userIDs[email], amount, "test deposit"))
}

func (e *env) balance(email string) int64 {
	e.t.Helper()
	u, err := e.app.FindRecordById("users", userIDs[email])
	require.NoError(e.t, err)
	return int64(u.GetInt("balance"))
}

func (e *env) order(number string) *core.Record {
	e.t.Helper()
	return e.record("orders", "number = {:n}", map[string]any{"n": number})
}

// backdate moves an order's clock fields into the past, as if time passed.
func (e *env) backdate(number string, d time.Duration, fields ...string) {
	e.t.Helper()
	o := e.order(number)
	for _, f := range fields {
		base := o.GetDateTime(f)
		if base.IsZero() {
			base = types.NowDateTime()
		}
		// raw SQL: autodate fields (created) refuse Set, and this is a test's
		// time machine, not an app write.
		_, err := e.app.DB().NewQuery("UPDATE orders SET [[" + f + "]] = {:v} WHERE id = {:id}").
			Bind(dbx.Params{"v": base.Add(-d).String(), "id": o.Id}).Execute()
		require.NoError(e.t, err)
	}
}

func dbxEq(col string, v any) dbx.Expression { return dbx.HashExp{col: v} }

func dbxTrue(col string) dbx.Expression { return dbx.HashExp{col: true} }

func dispatchOf(e *env, number string) string {
	o := e.order(number)
	return o.GetString("dispatch")
}
