package hooks_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/vipreseller"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

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

func TestUnknownOutcomeIsReconciledNeverResent(t *testing.T) {
	for _, fault := range []sandbox.FaultKind{sandbox.FaultTimeout, sandbox.FaultHTTP500, sandbox.FaultGarbage, sandbox.FaultHTML, sandbox.FaultNoTrxID} {
		t.Run(fault.String(), func(t *testing.T) {
			e := newEnv(t, shortTimeout).ready()
			e.deposit(userEmail, 100_000)

			// The provider executed this one, but we never heard back.
			e.sb.Inject(sandbox.Fault{Kind: fault, Endpoint: "prepaid", Type: "order", Applied: true, Delay: 2 * time.Second})
			found := e.buyPrepaid(userEmail, "081200000011")
			// This one never reached the provider's books.
			e.sb.Inject(sandbox.Fault{Kind: fault, Endpoint: "prepaid", Type: "order", Delay: 2 * time.Second})
			lost := e.buyPrepaid(userEmail, "081200000022")

			assert.Equal(t, 2, e.sb.Count("prepaid", "order"), "each order POSTed exactly once")
			for _, n := range []string{found, lost} {
				o := e.order(n)
				assert.Equal(t, hooks.OrderPending, o.GetString("status"))
				assert.Empty(t, o.GetString("external_id"))
			}
			assert.Zero(t, e.count("wallet_transactions", "type = 'refund'", nil), "unknown is never refunded")

			// Within the grace period: the found one is adopted, the lost one waits.
			e.backdate(found, 2*time.Minute, "next_attempt_at")
			e.backdate(lost, 2*time.Minute, "next_attempt_at")
			e.poll()
			// The test sandbox completes at once, so adoption lands on success.
			assert.Equal(t, hooks.OrderSuccess, e.order(found).GetString("status"))
			assert.NotEmpty(t, e.order(found).GetString("external_id"))
			assert.Equal(t, 1, e.count("order_events", "order.number = {:n} && source = 'reconcile'", map[string]any{"n": found}))
			assert.Equal(t, hooks.OrderPending, e.order(lost).GetString("status"))

			// After the grace period the lost one is failed with one refund.
			e.backdate(lost, 15*time.Minute, "next_attempt_at", "submitted_at", "sent_at")
			e.poll()
			e.backdate(lost, 15*time.Minute, "next_attempt_at")
			e.poll()
			assert.Equal(t, hooks.OrderFailed, e.order(lost).GetString("status"))
			assert.Equal(t, 2, e.sb.Count("prepaid", "order"), "reconciliation never resends")
			assert.Equal(t, 1, e.count("wallet_transactions", "type = 'refund'", nil))
			e.assertLedgerConsistent()
		})
	}
}

func TestAmbiguousReconcileGoesToReview(t *testing.T) {
	e := newEnv(t, shortTimeout).ready()
	e.deposit(userEmail, 100_000)
	e.sb.Inject(sandbox.Fault{Kind: sandbox.FaultHTTP500, Endpoint: "prepaid", Type: "order", Applied: true, Times: 2})
	a := e.buyPrepaid(userEmail, "081200000033")
	b := e.buyPrepaid(userEmail, "081200000033")
	e.backdate(a, time.Hour, "next_attempt_at", "submitted_at", "sent_at")
	e.backdate(b, time.Hour, "next_attempt_at", "submitted_at", "sent_at")
	e.poll()
	for _, n := range []string{a, b} {
		o := e.order(n)
		assert.Equal(t, hooks.OrderPending, o.GetString("status"))
		assert.Contains(t, o.GetString("review"), "2 VIP-Reseller transactions match")
	}
	assert.Zero(t, e.count("wallet_transactions", "type = 'refund'", nil))
	e.poll()
	assert.Equal(t, 2, e.sb.Count("prepaid", "order"))
	e.assertLedgerConsistent()
}
