package hooks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/hooks/wallet"
)

// handler builds the app's real router once per env, for tests that send
// many requests (sequences, concurrency) instead of one ApiScenario.
func (e *env) handler() http.Handler {
	e.muxOnce.Do(func() {
		r, err := apis.NewRouter(e.app)
		require.NoError(e.t, err)
		err = e.app.OnServe().Trigger(&core.ServeEvent{App: e.app, Router: r}, func(se *core.ServeEvent) error {
			mux, err := se.Router.BuildMux()
			e.mux = mux
			return err
		})
		require.NoError(e.t, err)
		// OnServe starts PocketBase's scheduler; tests run cron jobs by hand.
		e.app.Cron().Stop()
	})
	return e.mux
}

// response is a decoded JSON answer.
type response struct {
	Status int
	Body   map[string]any
	Raw    string
}

func (r response) data() map[string]any {
	d, _ := r.Body["data"].(map[string]any)
	return d
}

func (e *env) do(method, url, token string, body any, headers ...string) response {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(e.t, err)
		rd = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, url, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	e.handler().ServeHTTP(rec, req)
	out := response{Status: rec.Code, Raw: rec.Body.String()}
	_ = json.Unmarshal(rec.Body.Bytes(), &out.Body)
	return out
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

func (e *env) poll() hooks.PollStats {
	e.t.Helper()
	st, err := e.svc.PollOrders(context.Background())
	require.NoError(e.t, err)
	return st
}

// ready syncs the catalog; every order test starts from a synced store.
func (e *env) ready() *env {
	e.sync(hooks.ActionFullSync)
	return e
}

func dbxEq(col string, v any) dbx.Expression { return dbx.HashExp{col: v} }
func dbxTrue(col string) dbx.Expression      { return dbx.HashExp{col: true} }
