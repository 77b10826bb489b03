package hooks_test

import (
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/mailer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	wasandbox "github.com/vipbase/vipbase/notify/sandbox"
)

// F1: admin alerts are deduped by a hash of the review note text alone, so
// a second guest refund with the same wording (same phone, same amount —
// the note names the order's *status*, not its number) never gets an
// admin_refund_due row at all: INSERT OR IGNORE drops it.
// Found by a review of the outbox (each failed before its fix).

// A second guest owed a refund (same amount, same phone) is a second
// alert: alerts are keyed per payment, not by their text.
func TestNotifyEveryRefundDueAlerts(t *testing.T) {
	var wa *wasandbox.Server
	e := newPayEnv(t, withWhatsApp(t, &wa))
	e.enableMail()
	var orders []string
	for range 2 {
		body := prepaidCheckout("QRIS", "0812-9999-0001")
		body["target"] = "081200000444" // the provider fails it
		order, _, ref, _ := e.checkoutOK("", body)
		require.NoError(t, e.tp.Pay(ref))
		e.settle()
		e.tp.Flush()
		e.sendAll()
		require.Equal(t, hooks.OrderFailed, e.order(order).GetString("status"))
		orders = append(orders, order)
	}
	for _, n := range orders {
		o := e.order(n)
		pay, err := e.app.FindRecordById("payments", o.GetString("payment"))
		require.NoError(t, err)
		require.Positive(t, pay.GetInt("refund_due"), "both guests are owed money")
	}
	rows := e.notifications("template = 'admin_refund_due' && channel = 'whatsapp'", nil)
	assert.Len(t, rows, 2, "one refund alert per payment owed (got %d: the second was deduped by note text)", len(rows))
}

// hangSMTP points every e-mail at a server that accepts and never greets.

func hangSMTP(t *testing.T, e *env) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var conns []net.Conn
	t.Cleanup(func() {
		ln.Close()
		for _, c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	e.app.OnMailerSend().BindFunc(func(me *core.MailerEvent) error {
		me.Mailer = &mailer.SMTPClient{Host: "127.0.0.1", Port: port}
		return me.Next()
	})
}

// F2b: the same hang blocks app termination: OnTerminate waits for the
// outbox worker (s.inflight), which waits for the e-mail lane.

// A mail server that accepts and then never answers does not hold the
// e-mail lane or shutdown.
func TestNotifyStalledSMTPDoesNotBlockShutdown(t *testing.T) {
	e, _ := notifyEnv(t)
	hangSMTP(t, e)
	e.deposit(userEmail, 100_000) // e.do → OnServe → the worker runs
	e.buyPrepaid(userEmail, "081200000333")
	time.Sleep(500 * time.Millisecond) // the worker picks up the e-mail
	done := make(chan error, 1)
	go func() { done <- e.app.OnTerminate().Trigger(&core.TerminateEvent{App: e.app}) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("OnTerminate did not return within 5 s: shutdown hangs on the e-mail send")
	}
}

// F3: a template edit that Validate accepts (every var missing renders "")
// fails for every real send; the rows are written `failed` at enqueue and
// nobody is told (no admin_notify_failing, no log line).

// Recording a refund closes a review; it does not page the operator.
func TestNotifyRecordedRefundIsNoNewReview(t *testing.T) {
	var wa *wasandbox.Server
	e := newPayEnv(t, withWhatsApp(t, &wa))
	e.enableMail()
	body := prepaidCheckout("QRIS", "0812-9999-0001")
	body["target"] = "081200000444"
	order, _, ref, _ := e.checkoutOK("", body)
	require.NoError(t, e.tp.Pay(ref))
	e.settle()
	e.tp.Flush()
	e.sendAll()
	o := e.order(order)
	pay, err := e.app.FindRecordById("payments", o.GetString("payment"))
	require.NoError(t, err)
	r := e.do(http.MethodPost, "/api/admin/payments/refund", superToken, map[string]any{"paymentNumber": pay.GetString("number")})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	e.sendAll()
	for _, row := range e.notifications("template = 'admin_review' && channel = 'whatsapp'", nil) {
		t.Logf("queued: %s — %q", row.GetString("status"), row.GetString("body"))
	}
	assert.Empty(t, e.notifications("template = 'admin_review'", nil), "no 'needs a person' alert for a refund just recorded")
}

// F1b: the same mechanism for a fixed review text: reversed() writes one
// constant note for every payment the gateway reverses, so only the first
// reversal ever pages the operator (until the cleanup deletes that row
// 90 days later).

// The same reason on two payments is two alerts.
func TestNotifyEveryReversalAlerts(t *testing.T) {
	var wa *wasandbox.Server
	e := newPayEnv(t, withWhatsApp(t, &wa))
	e.enableMail()
	const reversal = "The gateway reports a refund or reversal after this payment was applied. Nothing was undone: check the order and the shopper's money."
	var pays []string
	for i := range 2 {
		body := prepaidCheckout("QRIS", "0812-9999-000"+string(rune('1'+i)))
		order, _, ref, _ := e.checkoutOK("", body)
		require.NoError(t, e.tp.Pay(ref))
		e.settle()
		pays = append(pays, e.order(order).GetString("payment"))
	}
	for _, id := range pays { // what reversed() writes, via a Save the observer sees
		p, err := e.app.FindRecordById("payments", id)
		require.NoError(t, err)
		p.Set("review", reversal)
		require.NoError(t, e.app.Save(p))
	}
	rows := e.notifications("template = 'admin_review' && channel = 'whatsapp'", nil)
	assert.Len(t, rows, 2, "one alert per reversed payment")
}

// An auth mail template the operator edited (its own reset link) goes out
// as edited, not replaced by the Indonesian default.
func TestNotifyEditedAuthMailKept(t *testing.T) {
	e, _ := notifyEnv(t)
	users, err := e.app.FindCollectionByNameOrId("users")
	require.NoError(t, err)
	users.ResetPasswordTemplate.Body = `<p>Reset: <a href="{APP_URL}/#/reset/{TOKEN}">here</a></p>`
	require.NoError(t, e.app.Save(users))
	e.app.TestMailer.Reset()
	r := e.do(http.MethodPost, "/api/collections/users/request-password-reset", "", map[string]any{"email": userEmail})
	require.Equal(t, http.StatusNoContent, r.Status, r.Raw)
	require.Eventually(t, func() bool { return e.app.TestMailer.TotalSend() == 1 }, 5*time.Second, 10*time.Millisecond)
	m := e.app.TestMailer.LastMessage()
	assert.True(t, strings.Contains(m.HTML, "/#/reset/"), "the operator's link is gone; got %q", m.Text)
}

// F5: recording a refund (POST /api/admin/payments/refund) appends
// "Refunded: …" to the payment's review, and observePayment treats any new
// review text as a new problem: the operator is paged "Perlu dicek" for
// the refund they just closed, which also starts the 30-minute throttle
// window for admin_review.
