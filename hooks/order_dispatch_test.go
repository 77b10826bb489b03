package hooks_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/vipreseller"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

// shortTimeout makes the client give up fast, so FaultTimeout tests are quick.
func shortTimeout(c *hooks.Config, _ *sandbox.Config) {
	c.Timeout = 300 * time.Millisecond
	c.Client = nil // rebuilt by newEnv from c.Timeout
}

func (e *env) buyPrepaid(email, phone string) string {
	e.t.Helper()
	r := e.do(http.MethodPost, prepaidURL, userTokens[email], map[string]any{"service": "TELKOMSEL_10K", "phoneNumber": phone})
	require.Equal(e.t, 200, r.Status, r.Raw)
	return r.data()["orderNumber"].(string)
}

func TestDefiniteRejectionFailsAndRefundsOnce(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 100_000)
	n := e.buyPrepaid(userEmail, "081200000444") // sandbox: refused at once
	o := e.order(n)
	assert.Equal(t, hooks.OrderFailed, o.GetString("status"))
	assert.NotEmpty(t, o.GetString("note"))
	assert.Equal(t, int64(100_000), e.balance(userEmail))
	e.poll()
	assert.Equal(t, 1, e.sb.Count("prepaid", "order"))
	e.assertLedgerConsistent()

	failsLater := e.buyPrepaid(userEmail, "081200000999") // sandbox: error after processing
	e.backdate(failsLater, 2*time.Minute, "next_attempt_at")
	e.poll()
	assert.Equal(t, hooks.OrderFailed, e.order(failsLater).GetString("status"))
	assert.Equal(t, int64(100_000), e.balance(userEmail))
	e.assertLedgerConsistent()
}

func TestProviderBalanceAndThrottleAreRetriedThenFailed(t *testing.T) {
	for _, fault := range []sandbox.FaultKind{sandbox.FaultThrottle, sandbox.FaultInsufficientBalance} {
		t.Run(fault.String(), func(t *testing.T) {
			e := newEnv(t).ready()
			e.deposit(userEmail, 100_000)
			e.sb.Inject(sandbox.Fault{Kind: fault, Endpoint: "prepaid", Type: "order"})
			n := e.buyPrepaid(userEmail, "081200000055")
			o := e.order(n)
			assert.Equal(t, hooks.OrderPending, o.GetString("status"))
			assert.Zero(t, e.count("wallet_transactions", "type = 'refund'", nil))

			e.poll() // not due yet: nothing sent
			assert.Equal(t, 1, e.sb.Count("prepaid", "order"))
			e.backdate(n, time.Minute, "next_attempt_at")
			e.poll()
			assert.Equal(t, 2, e.sb.Count("prepaid", "order"))
			assert.Equal(t, hooks.OrderProcessing, e.order(n).GetString("status"))

			// Refused for 30 minutes → failed + refund.
			e.sb.Inject(sandbox.Fault{Kind: fault, Endpoint: "prepaid", Type: "order", Times: -1})
			late := e.buyPrepaid(userEmail, "081200000066")
			e.backdate(late, 31*time.Minute, "created", "next_attempt_at")
			e.poll()
			assert.Equal(t, hooks.OrderFailed, e.order(late).GetString("status"))
			e.assertLedgerConsistent()
		})
	}
}

func TestCrashWindows(t *testing.T) {
	e := newEnv(t, func(c *hooks.Config, _ *sandbox.Config) { c.ManualDispatch = true }).ready()
	e.deposit(userEmail, 100_000)

	// Committed, then the process died before sending: sent once after restart.
	queued := e.buyPrepaid(userEmail, "081200000077")
	assert.Equal(t, "pending", e.order(queued).GetString("status"))
	assert.Zero(t, e.sb.Count("prepaid", "order"))
	e.poll()
	e.poll()
	assert.Equal(t, 1, e.sb.Count("prepaid", "order"))
	assert.Equal(t, hooks.OrderProcessing, e.order(queued).GetString("status"))

	// The send had started when the process died: reconciled, not resent.
	started := e.buyPrepaid(userEmail, "081200000088")
	o := e.order(started)
	o.Set("dispatch", "sending")
	o.Set("submitted_at", o.GetDateTime("created"))
	require.NoError(t, e.app.Save(o))
	_, err := e.svc.Client().Prepaid.Order(context.Background(), vipreseller.PrepaidOrderParams{Service: "TELKOMSEL_10K", DataNo: "081200000088"})
	require.NoError(t, err) // what the dead process had sent
	e.backdate(started, 2*time.Minute, "next_attempt_at")
	e.poll()
	assert.Equal(t, hooks.OrderSuccess, e.order(started).GetString("status"))
	assert.NotEmpty(t, e.order(started).GetString("external_id"))
	assert.Equal(t, 2, e.sb.Count("prepaid", "order"), "nothing resent")

	// Admin "process" refuses a send whose outcome is unknown.
	unknown := e.buyPrepaid(userEmail, "081200000099")
	o = e.order(unknown)
	o.Set("dispatch", "unknown")
	require.NoError(t, e.app.Save(o))
	r := e.do(http.MethodPost, "/api/orders/process", superToken, map[string]any{"orderNumber": unknown})
	assert.Equal(t, 409, r.Status, r.Raw)
	assert.Equal(t, 2, e.sb.Count("prepaid", "order"))

	// ... and sends a queued one exactly once.
	q := e.buyPrepaid(userEmail, "081200000100")
	r = e.do(http.MethodPost, "/api/orders/process", superToken, map[string]any{"orderNumber": q})
	require.Equal(t, 200, r.Status, r.Raw)
	assert.Equal(t, "processing", r.data()["status"])
	r = e.do(http.MethodPost, "/api/orders/process", superToken, map[string]any{"orderNumber": q})
	assert.Equal(t, 409, r.Status)
	assert.Equal(t, 3, e.sb.Count("prepaid", "order"))
	e.assertLedgerConsistent()
}

func TestPartialRefundAndRacingTransitions(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 1_000_000)
	r := e.do(http.MethodPost, socialURL, userTokens[userEmail], map[string]any{"service": "3249", "target": "https://tiktok.com/@me555", "quantity": 1000})
	require.Equal(t, 200, r.Status, r.Raw)
	n := r.data()["orderNumber"].(string)
	price := int64(r.data()["totalPrice"].(float64))
	assert.True(t, len(n) > 4 && n[:4] == "SMO-")

	// Ten admin rechecks racing each other and the poller: one transition.
	statuses := fire(10, func(int) response {
		return e.do(http.MethodPost, "/api/admin/orders/recheck", superToken, map[string]any{"orderNumber": n})
	})
	assert.Equal(t, 10, statuses[200], "%v", statuses)
	e.poll()
	o := e.order(n)
	require.Equal(t, hooks.OrderPartial, o.GetString("status"))
	remains := int64(o.GetInt("remains"))
	assert.Equal(t, int64(500), remains)
	assert.Equal(t, price*remains/1000, int64(o.GetInt("refunded")))
	assert.Equal(t, 1, e.count("wallet_transactions", "type = 'refund'", nil))
	assert.Equal(t, 1, e.count("order_events", "order = {:o} && to = 'partial'", map[string]any{"o": o.Id}))
	got := e.do(http.MethodGet, socialURL+"?orderNumber="+n, userTokens[userEmail], nil)
	assert.EqualValues(t, 500, got.data()["remains"])

	// Failed after the fact, racing: still one refund.
	r = e.do(http.MethodPost, socialURL, userTokens[userEmail], map[string]any{"service": "3249", "target": "https://tiktok.com/@x777", "quantity": 1000})
	require.Equal(t, 200, r.Status, r.Raw)
	n2 := r.data()["orderNumber"].(string)
	require.NoError(t, e.sb.SetStatus(e.order(n2).GetString("external_id"), "error", "Target private."))
	fire(10, func(int) response {
		return e.do(http.MethodPost, "/api/admin/orders/recheck", superToken, map[string]any{"orderNumber": n2})
	})
	assert.Equal(t, hooks.OrderFailed, e.order(n2).GetString("status"))
	assert.Equal(t, 2, e.count("wallet_transactions", "type = 'refund'", nil))
	// A late "success" cannot undo it.
	require.NoError(t, e.sb.SetStatus(e.order(n2).GetString("external_id"), "success", ""))
	e.do(http.MethodPost, "/api/admin/orders/recheck", superToken, map[string]any{"orderNumber": n2})
	assert.Equal(t, hooks.OrderFailed, e.order(n2).GetString("status"))
	e.assertLedgerConsistent()
}

// An order is claimed for sending only when its send can start: orders
// waiting for the provider's pacing are still queued, so a process that
// dies while they wait leaves them unsent (sent after the restart), never
// "in doubt" and failed as "no provider record" later.
func TestOrdersWaitingForThePacingStayQueued(t *testing.T) {
	e := newEnv(t, func(c *hooks.Config, _ *sandbox.Config) { c.OrderSpacing = time.Second; c.ManualDispatch = true }).ready()
	e.deposit(userEmail, 100_000)
	var ids []string
	for i := range 3 {
		o, _, err := e.svc.CreateOrder(context.Background(), hooks.OrderInput{UserID: userIDs[userEmail],
			Category: hooks.CategoryPrepaid, Service: "TELKOMSEL_10K", Target: fmt.Sprintf("08120000%d321", i), Source: hooks.SourceAPI})
		require.NoError(t, err)
		ids = append(ids, o.Id)
	}
	// Three sends start together; the first goes at once, the others wait
	// 1 s and 2 s for the order spacing — until the "crash" cuts them off.
	ctx, crash := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() { _ = e.svc.Dispatch(ctx, id) })
	}
	require.Eventually(t, func() bool { return e.sb.Count("prepaid", "order") == 1 }, 5*time.Second, 5*time.Millisecond)
	crash()
	wg.Wait()

	dispatch := map[string]int{}
	for _, id := range ids {
		o, err := e.app.FindRecordById("orders", id)
		require.NoError(t, err)
		dispatch[o.GetString("dispatch")]++
		if o.GetString("dispatch") == "queued" {
			assert.Zero(t, o.GetInt("dispatch_attempts"), "never claimed")
			assert.True(t, o.GetDateTime("sent_at").IsZero())
		}
	}
	assert.Equal(t, map[string]int{"sent": 1, "queued": 2}, dispatch)
	assert.Equal(t, 1, e.sb.Count("prepaid", "order"))

	// After the "restart" the sweep sends each waiting order exactly once.
	e.poll()
	assert.Equal(t, 3, e.sb.Count("prepaid", "order"))
	for _, id := range ids {
		o, err := e.app.FindRecordById("orders", id)
		require.NoError(t, err)
		assert.Equal(t, hooks.OrderProcessing, o.GetString("status"))
		assert.Equal(t, 1, o.GetInt("dispatch_attempts"))
	}
	e.assertLedgerConsistent()
}
