package hooks_test

// Fresh-eyes review of the Tripay money paths: the scenarios a reviewer
// found wrong (now fixed: confirmations joining a status call that predates
// the news, a removed gateway's payments starving vip_payments_check) and
// cases the code got right that were not tested before.

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/payment"
	"github.com/vipbase/vipbase/payment/tripay"
	tripaysandbox "github.com/vipbase/vipbase/payment/tripay/sandbox"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

// gatedGateway holds one status answer back (after the gateway gave it)
// until released, so another caller can join the same confirmation.
type gatedGateway struct {
	payment.Gateway
	armed   atomic.Bool
	entered chan struct{}
	release chan struct{}
}

func (g *gatedGateway) Status(ctx context.Context, ref string) (payment.Transaction, error) {
	t, err := g.Gateway.Status(ctx, ref)
	if g.armed.CompareAndSwap(true, false) {
		close(g.entered)
		select {
		case <-g.release:
		case <-ctx.Done():
		}
	}
	return t, err
}

func withGatedGateway(g *gatedGateway) envOption {
	return func(c *hooks.Config, _ *sandbox.Config) {
		g.Gateway = c.Gateways[0]
		c.Gateways = []payment.Gateway{g}
	}
}

// Two notifications of one payment close together — EXPIRED, then PAID
// (the gateway kept the transaction open and the shopper paid late, the
// case design §11 re-opens the order for) — are confirmed by one status
// call: confirm coalesces by reference, so the PAID notification joins the
// EXPIRED one's call, which the gateway answered *before* the money came.
// Both apply EXPIRED (applied, then stale), Tripay was answered success,
// and vip_payments_check only looks at unpaid payments: nothing ever asks
// again. The shopper's confirmed money is lost and the order stays expired.
func TestReviewStaleCoalescedStatusLosesPayment(t *testing.T) {
	t.Parallel()
	g := &gatedGateway{entered: make(chan struct{}), release: make(chan struct{})}
	e := newPayEnv(t, withGatedGateway(g))
	order, number, ref, _ := e.checkoutOK(userTokens[userEmail], prepaidCheckout("QRIS", ""))
	e.settle()

	g.armed.Store(true)
	require.NoError(t, e.tp.Expire(ref))
	<-g.entered // the EXPIRED notification's worker holds the gateway's EXPIRED

	require.NoError(t, e.tp.PayAfterExpiry(ref))
	e.tp.Flush()                       // the app took the PAID notification ...
	time.Sleep(300 * time.Millisecond) // ... and its worker waits on the same call
	close(g.release)
	e.settle()

	// Whatever runs later, the money must end up applied.
	e.checkPayments()
	e.settle()
	assert.Equal(t, hooks.PaymentPaid, e.payment(number).Status, "the gateway says PAID: a confirmed payment is never lost")
	assert.Contains(t, []string{hooks.OrderPending, hooks.OrderProcessing, hooks.OrderSuccess}, e.order(order).GetString("status"))
	assert.Equal(t, 1, e.sb.Count("prepaid", "order"))
}

// The same coalescing without the expiry: "Cek pembayaran" (or the cron)
// asks while the shopper pays; the notification is answered with the
// earlier UNPAID and recorded `duplicate`. The paid order then waits for
// the next quiet check (5 minutes, up to an hour for a long VA) instead of
// being sent at once.
func TestReviewPaidNotificationDuringCheckAppliedAtOnce(t *testing.T) {
	t.Parallel()
	g := &gatedGateway{entered: make(chan struct{}), release: make(chan struct{})}
	e := newPayEnv(t, withGatedGateway(g))
	order, number, ref, token := e.checkoutOK("", prepaidCheckout("QRIS", "081234567890"))
	e.settle()

	g.armed.Store(true)
	var r response
	done := make(chan struct{})
	go func() {
		defer close(done)
		r = e.do(http.MethodPost, "/api/checkout/"+number+"/check?token="+token, "", nil)
	}()
	<-g.entered
	require.NoError(t, e.tp.Pay(ref))
	e.tp.Flush()
	time.Sleep(300 * time.Millisecond)
	close(g.release)
	<-done
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	e.waitPayments()

	assert.Equal(t, hooks.PaymentPaid, e.payment(number).Status, "the notification said PAID and the gateway agrees")
	assert.NotEqual(t, hooks.OrderUnpaid, e.order(order).GetString("status"))
	assert.Equal(t, 1, e.sb.Count("prepaid", "order"))
}

// Payments of a gateway that is no longer configured (credentials removed
// while they were open) fail checkPayment before touchPayment, so their
// checked_at never moves: ordered by checked_at they fill every
// vip_payments_check batch (200) for ever, and a Tripay payment whose
// notification was lost is never asked about again. They are also never
// closed, so their orders hold tracked stock for ever.
func TestReviewUnconfiguredGatewayStarvesPaymentsCheck(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	col, err := e.app.FindCollectionByNameOrId("payments")
	require.NoError(t, err)
	old := time.Now().UTC().Add(-2 * time.Hour)
	require.NoError(t, e.app.RunInTransaction(func(tx core.App) error {
		for i := range 200 {
			p := core.NewRecord(col)
			p.Set("number", fmt.Sprintf("PAY-1-OLD%03d", i))
			p.Set("purpose", "deposit")
			p.Set("user", userIDs[userEmail])
			p.Set("gateway", "midtrans") // not configured in this env
			p.Set("channel", "MIDTRANS")
			p.Set("amount", 50_000)
			p.Set("total", 50_000)
			p.Set("status", hooks.PaymentUnpaid)
			p.Set("expires_at", old.Add(time.Hour))
			p.Set("checked_at", old)
			if err := tx.Save(p); err != nil {
				return err
			}
		}
		return nil
	}))

	_, number, ref, _ := e.checkoutOK(userTokens[userEmail], prepaidCheckout("QRIS", ""))
	e.tp.Inject(tripaysandbox.Fault{Kind: tripaysandbox.FaultNotifyLost})
	require.NoError(t, e.tp.Pay(ref))
	e.settle()
	require.Equal(t, hooks.PaymentUnpaid, e.payment(number).Status, "the notification was lost")
	e.backdatePayment(number, 10*time.Minute, "checked_at", "created")

	for range 3 {
		e.checkPayments()
	}
	e.settle()
	assert.Equal(t, hooks.PaymentPaid, e.payment(number).Status, "a lost notification costs minutes, not money")
}

// A signed notification that names payment A but carries B's reference
// (A's reference not stored yet: a crash between create and store) is
// confirmed with B's status: the answer's merchant_ref is B's, so nothing
// happens to A.
func TestReviewNotificationConfirmedWithAnotherPaymentsStatus(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	orderA, numberA, _, _ := e.checkoutOK("", prepaidCheckout("QRIS", "081234567890"))
	_, numberB, refB, _ := e.checkoutOK("", prepaidCheckout("QRIS", "081234567891"))
	require.NoError(t, e.tp.Pay(refB))
	e.settle()
	require.Equal(t, hooks.PaymentPaid, e.payment(numberB).Status)
	sent := e.sb.Count("prepaid", "order")

	_, err := e.app.DB().NewQuery("UPDATE payments SET reference = '' WHERE number = {:n}").
		Bind(map[string]any{"n": numberA}).Execute()
	require.NoError(t, err)
	body := paidBody(numberA, refB, e.payment(numberB).Total)
	r := e.notify(body, tripay.Sign(e.tp.PrivateKey(), body))
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	e.waitPayments()

	assert.Equal(t, hooks.PaymentUnpaid, e.payment(numberA).Status)
	assert.Empty(t, e.payment(numberA).Reference, "B's reference is not adopted by A")
	assert.Equal(t, hooks.OrderUnpaid, e.order(orderA).GetString("status"))
	assert.Equal(t, sent, e.sb.Count("prepaid", "order"), "nothing more sent")
	assert.GreaterOrEqual(t, e.events("mismatch"), 1)
}

// A late payment for an order whose tracked stock ran out meanwhile: the
// order is not re-opened, no unit is taken, a guest is owed the money;
// tracking the order shows neither the review note nor the full number.
func TestReviewLatePaymentOutOfStockGuest(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	e.trackStock(1)
	price := e.price()
	order, number, ref, _ := e.checkoutOK("", prepaidCheckout("QRIS", "081234567890"))
	require.Equal(t, 0, e.stock())
	require.NoError(t, e.tp.Expire(ref))
	e.settle()
	require.Equal(t, hooks.OrderExpired, e.order(order).GetString("status"))
	require.Equal(t, 1, e.stock(), "stock back")
	// Someone else buys the last unit from the wallet.
	e.deposit(otherEmail, price)
	r := e.checkout(userTokens[otherEmail], prepaidCheckout("SALDO", ""))
	require.Contains(t, []int{200, 201}, r.Status, r.Raw)
	e.svc.WaitDispatches()
	require.Equal(t, 0, e.stock())
	sent := e.sb.Count("prepaid", "order")

	require.NoError(t, e.tp.PayAfterExpiry(ref))
	e.settle()
	p := e.payment(number)
	assert.Equal(t, hooks.PaymentPaid, p.Status)
	assert.Equal(t, price, p.RefundDue)
	assert.Equal(t, hooks.OrderExpired, e.order(order).GetString("status"))
	assert.Equal(t, 0, e.stock(), "no unit taken for an order that is not re-opened")
	assert.Equal(t, sent, e.sb.Count("prepaid", "order"), "never sent")

	tr := e.do(http.MethodGet, "/api/orders/track?number="+order+"&phone=081234567890", "", nil)
	require.Equal(t, http.StatusOK, tr.Status, tr.Raw)
	assert.NotContains(t, tr.Raw, "6281234567890")
	assert.NotContains(t, tr.Raw, "Refund Rp")
	assert.NotContains(t, tr.Raw, "access_token")

	// Once more from the cron and a duplicate: still owed once.
	e.checkPayments()
	assert.Equal(t, price, e.payment(number).RefundDue)
	assert.Equal(t, 0, e.stock())
}

// The shopper replays the Idempotency-Key after the payment expired and
// after it was paid late: the first checkout is answered each time, no
// second order, payment or gateway transaction, sent once.
func TestReviewIdempotentReplayAfterExpiryAndLatePayment(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	body := prepaidCheckout("QRIS", "081234567890")
	first := e.checkout("", body, "Idempotency-Key", "k-1")
	require.Equal(t, http.StatusCreated, first.Status, first.Raw)
	number := first.data()["payment"].(map[string]any)["number"].(string)
	ref := e.payment(number).Reference
	require.NoError(t, e.tp.Expire(ref))
	e.settle()

	again := e.checkout("", body, "Idempotency-Key", "k-1")
	require.Equal(t, http.StatusOK, again.Status, again.Raw)
	assert.Equal(t, number, again.data()["payment"].(map[string]any)["number"])
	assert.Equal(t, hooks.PaymentExpired, again.data()["payment"].(map[string]any)["status"])

	require.NoError(t, e.tp.PayAfterExpiry(ref))
	e.settle()
	again = e.checkout("", body, "Idempotency-Key", "k-1")
	require.Equal(t, http.StatusOK, again.Status, again.Raw)
	assert.Equal(t, hooks.PaymentPaid, again.data()["payment"].(map[string]any)["status"])
	assert.Equal(t, 1, e.count("orders", "", nil))
	assert.Equal(t, 1, e.count("payments", "", nil))
	assert.Len(t, e.tp.Transactions(), 1)
	assert.Equal(t, 1, e.sb.Count("prepaid", "order"))

	// Another guest phone under the same key is another checkout, never
	// the first one's token.
	other := e.checkout("", prepaidCheckout("QRIS", "081234567899"), "Idempotency-Key", "k-1")
	require.Equal(t, http.StatusCreated, other.Status, other.Raw)
	assert.NotEqual(t, number, other.data()["payment"].(map[string]any)["number"])
	assert.NotEqual(t, first.data()["accessToken"], other.data()["accessToken"])
}

// Many checkouts paid at once with duplicate notifications, "Cek
// pembayaran" clicks and cron runs racing: every payment applied once, one
// ledger pair per member order, each order sent once.
func TestReviewConcurrentConfirmersApplyOnce(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	const n = 8
	type co struct{ order, number, ref, token string }
	cos := make([]co, n)
	for i := range cos {
		tok := ""
		body := prepaidCheckout("QRIS", fmt.Sprintf("08123456780%d", i))
		if i%2 == 0 {
			tok = userTokens[userEmail]
		}
		cos[i].order, cos[i].number, cos[i].ref, cos[i].token = e.checkoutOK(tok, body)
	}
	e.tp.Inject(tripaysandbox.Fault{Kind: tripaysandbox.FaultNotifyDuplicate, Times: -1})
	var wg sync.WaitGroup
	for _, c := range cos {
		require.NoError(t, e.tp.Pay(c.ref))
		wg.Go(func() { e.do(http.MethodPost, "/api/checkout/"+c.number+"/check?token="+c.token, "", nil) })
		wg.Go(func() { e.svc.CheckPayments(context.Background()) })
	}
	wg.Wait()
	e.settle()
	e.checkPayments()
	e.settle()
	for _, c := range cos {
		assert.Equal(t, hooks.PaymentPaid, e.payment(c.number).Status)
	}
	assert.Equal(t, n, e.sb.Count("prepaid", "order"), "each sent once")
	assert.Len(t, e.ledger(userEmail, "deposit"), n/2)
	assert.Len(t, e.ledger(userEmail, "purchase"), n/2)
	e.assertBalancesMatchLedger()
}
