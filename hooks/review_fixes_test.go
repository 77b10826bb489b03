package hooks_test

// Regression tests for the findings of the money-path review.

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/vipreseller"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

func TestBatchCannotCreateOrders(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 100_000)
	s := e.app.Settings()
	s.Batch.Enabled = true
	require.NoError(t, e.app.Save(s))
	p := e.product("prepaid", "TELKOMSEL_10K")
	start := time.Now()
	r := e.do(http.MethodPost, "/api/batch", userTokens[userEmail], map[string]any{"requests": []map[string]any{{
		"method": "POST", "url": "/api/collections/orders/records",
		"body": map[string]any{"user": userIDs[userEmail], "product": p.Id, "target": "081234567890"},
	}}})
	assert.Equal(t, 400, r.Status, r.Raw)
	assert.Less(t, time.Since(start), 2*time.Second, "refused at once, not after the batch timeout")
	time.Sleep(100 * time.Millisecond) // a stray goroutine would have committed by now
	assert.Zero(t, e.count("orders", "", nil))
	assert.Equal(t, int64(100_000), e.balance(userEmail))
	assert.Zero(t, e.sb.Count("prepaid", "order"))
}

func TestReconcileNeverFailsOnAFullPage(t *testing.T) {
	e := newEnv(t, shortTimeout).ready()
	e.deposit(userEmail, 10_000_000)
	e.sb.Inject(sandbox.Fault{Kind: sandbox.FaultHTTP500, Endpoint: "prepaid", Type: "order", Applied: true})
	lost := e.buyPrepaid(userEmail, "081200000123")
	// 100 newer transactions push it out of type=status&limit=100.
	for i := range 100 {
		_, err := e.svc.Client().Prepaid.Order(context.Background(), vipreseller.PrepaidOrderParams{
			Service: "TELKOMSEL_10K", DataNo: fmt.Sprintf("08130000%03d1", i)})
		require.NoError(t, err)
	}
	e.backdate(lost, time.Hour, "next_attempt_at", "submitted_at", "sent_at")
	e.poll()
	o := e.order(lost)
	assert.Equal(t, hooks.OrderPending, o.GetString("status"), "not failed: the page may not reach back far enough")
	assert.Contains(t, o.GetString("review"), "latest 100 transactions")
	assert.Zero(t, e.count("wallet_transactions", "type = 'refund'", nil))
}

func TestRetriedOrderGetsTheFullGraceAfterItsRealSend(t *testing.T) {
	e := newEnv(t, shortTimeout).ready()
	e.deposit(userEmail, 100_000)
	e.sb.Inject(sandbox.Fault{Kind: sandbox.FaultInsufficientBalance, Endpoint: "prepaid", Type: "order"})
	n := e.buyPrepaid(userEmail, "081200000321")
	require.Equal(t, "retry", dispatchOf(e, n))
	// Twelve minutes later the retry's answer is lost (the provider kept it).
	e.backdate(n, 12*time.Minute, "created", "submitted_at", "sent_at", "next_attempt_at")
	e.sb.Inject(sandbox.Fault{Kind: sandbox.FaultHTTP500, Endpoint: "prepaid", Type: "order"})
	e.poll()
	require.Equal(t, "unknown", dispatchOf(e, n))
	e.backdate(n, 2*time.Minute, "next_attempt_at", "sent_at")
	e.poll()
	o := e.order(n)
	assert.Equal(t, hooks.OrderPending, o.GetString("status"), "two minutes after the real send is within the grace")
	assert.Zero(t, e.count("wallet_transactions", "type = 'refund'", nil))
}

func dispatchOf(e *env, number string) string {
	o := e.order(number)
	return o.GetString("dispatch")
}

func TestAdminStatusChangesMoveMoneyInTheSameTransaction(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 100_000)
	number, _ := e.processingOrder("081200000777")
	o := e.order(number)
	url := "/api/collections/orders/records/" + o.Id

	r := e.do(http.MethodPatch, url, superToken, map[string]any{"status": "failed", "note": "Dibatalkan admin"})
	require.Equal(t, 200, r.Status, r.Raw)
	assert.Equal(t, int64(100_000), e.balance(userEmail), "refunded")
	assert.Equal(t, 1, e.count("order_events", "order = {:o} && source = 'admin' && to = 'failed'", map[string]any{"o": o.Id}))

	r = e.do(http.MethodPatch, url, superToken, map[string]any{"status": "processing"})
	assert.Equal(t, 400, r.Status, "a finished order is never reopened (a stale dashboard form would)")
	assert.Equal(t, hooks.OrderFailed, e.order(number).GetString("status"))

	r = e.do(http.MethodPatch, url, superToken, map[string]any{"status": "success"})
	require.Equal(t, 200, r.Status, r.Raw)
	assert.Equal(t, 1, e.count("wallet_transactions", "type = 'refund'", nil), "no second money movement")
	assert.Equal(t, 1, e.count("order_events", "order = {:o} && source = 'admin' && to = 'success' && note ~ 'No money was moved'",
		map[string]any{"o": o.Id}))
	e.assertBalancesMatchLedger()
}

func TestLateProviderNewsFlagsAnOrderReconcileFailed(t *testing.T) {
	e := newEnv(t, shortTimeout).ready()
	e.deposit(userEmail, 100_000)
	e.sb.Inject(sandbox.Fault{Kind: sandbox.FaultHTTP500, Endpoint: "prepaid", Type: "order"})
	n := e.buyPrepaid(userEmail, "081200000654")
	e.backdate(n, time.Hour, "next_attempt_at", "submitted_at", "sent_at")
	e.poll()
	require.Equal(t, hooks.OrderFailed, e.order(n).GetString("status"))

	body := `{"data":{"trxid":"VPLATE000001","data":"081200000654","status":"success","note":"SN"}}`
	require.Equal(t, 200, e.callback(body, "application/json", e.sb.Signature()).Status)
	assert.Contains(t, e.order(n).GetString("review"), "VPLATE000001")
}

func TestSocialQuantityIsCapped(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 100_000)
	p := e.product("social", "3249")
	p.Set("max", 0)
	require.NoError(t, e.app.Save(p))
	r := e.do(http.MethodPost, socialURL, userTokens[userEmail], map[string]any{"service": "3249", "target": "x", "quantity": int64(1) << 50})
	assert.Equal(t, 400, r.Status, r.Raw)
	assert.Zero(t, e.count("orders", "", nil))
}

func TestReviewAndProviderReasonsStayHiddenFromShoppers(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 100_000)
	e.sb.Inject(sandbox.Fault{Kind: sandbox.FaultInsufficientBalance, Endpoint: "prepaid", Type: "order"})
	n := e.buyPrepaid(userEmail, "081200000111")
	o := e.order(n)
	o.Set("review", "internal")
	require.NoError(t, e.app.Save(o))
	r := e.do(http.MethodGet, "/api/collections/orders/records/"+o.Id, userTokens[userEmail], nil)
	require.Equal(t, 200, r.Status)
	assert.NotContains(t, r.Raw, "internal")
	assert.NotContains(t, r.Raw, "Saldo")
}

func TestFullPageThatReachesBackPastTheSendIsConclusive(t *testing.T) {
	e := newEnv(t, shortTimeout).ready()
	e.deposit(userEmail, 10_000_000)
	var earlier []string
	for i := range 100 {
		earlier = append(earlier, e.buyPrepaid(userEmail, fmt.Sprintf("0812%08d", i)))
	}
	e.sb.Inject(sandbox.Fault{Kind: sandbox.FaultHTTP500, Endpoint: "prepaid", Type: "order"})
	lost := e.buyPrepaid(userEmail, "081299999990")
	// The hundred were sent twenty minutes ago, the lost one fifteen.
	for _, n := range earlier {
		e.backdate(n, 20*time.Minute, "sent_at")
	}
	e.backdate(lost, 15*time.Minute, "next_attempt_at", "submitted_at", "sent_at")
	e.poll()
	o := e.order(lost)
	assert.Equal(t, hooks.OrderFailed, o.GetString("status"), "review: %q", o.GetString("review"))
	assert.Equal(t, 1, e.count("wallet_transactions", "type = 'refund'", nil))
}

func TestShutdownWaitsForARunningPoll(t *testing.T) {
	e := newEnv(t, func(c *hooks.Config, _ *sandbox.Config) { c.ManualDispatch = true }).ready()
	e.deposit(userEmail, 100_000)
	n := e.buyPrepaid(userEmail, "081200000123")
	e.sb.Inject(sandbox.Fault{Kind: sandbox.FaultLatency, Endpoint: "prepaid", Type: "order", Delay: time.Second})
	done := make(chan struct{})
	// The poll job skips while another poll holds the lock (the startup
	// sweep may still be running): run it until a poll has the order.
	go func() {
		defer close(done)
		for dispatchOf(e, n) == "queued" {
			cronJob(t, e.app, hooks.CronOrdersPoll)()
			time.Sleep(5 * time.Millisecond)
		}
	}()
	require.Eventually(t, func() bool { return dispatchOf(e, n) == "sending" }, 30*time.Second, 2*time.Millisecond)
	ev := &core.TerminateEvent{}
	ev.App = e.app
	require.NoError(t, e.app.OnTerminate().Trigger(ev, func(*core.TerminateEvent) error { return nil }))
	// By the time terminate returns, the send in flight has been recorded.
	assert.Equal(t, "sent", dispatchOf(e, n))
	assert.Equal(t, hooks.OrderProcessing, e.order(n).GetString("status"))
	<-done
	cronJob(t, e.app, hooks.CronOrdersPoll)() // after terminate: does nothing
	assert.Equal(t, 1, e.sb.Count("prepaid", "order"))
}

func TestAbsenceSeenEarlyStillCountsWhenThePageMovesOn(t *testing.T) {
	e := newEnv(t, shortTimeout).ready()
	e.deposit(userEmail, 10_000_000)
	e.sb.Inject(sandbox.Fault{Kind: sandbox.FaultHTTP500, Endpoint: "prepaid", Type: "order"})
	lost := e.buyPrepaid(userEmail, "081299999991")
	// Two minutes after the send the page still reaches back: absent.
	e.backdate(lost, 2*time.Minute, "next_attempt_at", "submitted_at", "sent_at")
	e.poll()
	require.Equal(t, hooks.OrderPending, e.order(lost).GetString("status"))
	require.Equal(t, 1, e.order(lost).GetInt("poll_attempts"))
	// Then a busy hour fills the page with others' transactions.
	for i := range 100 {
		_, err := e.svc.Client().Prepaid.Order(context.Background(), vipreseller.PrepaidOrderParams{
			Service: "TELKOMSEL_10K", DataNo: fmt.Sprintf("08140000%03d1", i)})
		require.NoError(t, err)
	}
	e.backdate(lost, 15*time.Minute, "next_attempt_at", "submitted_at", "sent_at")
	e.poll()
	o := e.order(lost)
	assert.Equal(t, hooks.OrderFailed, o.GetString("status"), "review: %q", o.GetString("review"))
	assert.Equal(t, 1, e.count("wallet_transactions", "type = 'refund'", nil))
}
