package hooks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/vipbase/vipbase/payment"
	"github.com/vipbase/vipbase/payment/midtrans"
	"github.com/vipbase/vipbase/payment/tripay"
)

// Gateway notifications (design §11): verified over the raw body, stored
// as a payment_events row `received`, answered at once; off the request the
// payment is confirmed with the gateway's status API and *that* answer is
// applied. The row is the durable record: what a crash leaves `received`
// is processed after the start, and a lookup that fails is retried by
// vip_payments_check.

// paymentNotifyLimit is the body limit of a gateway notification.
const paymentNotifyLimit = 64 << 10

// paymentConfirmWait bounds one confirmation in the background.
const paymentConfirmWait = 30 * time.Second

// notifyGateways are the gateways whose notification routes exist, whether
// configured or not (unconfigured: every notification is refused).
var notifyGateways = []string{tripay.Name, midtrans.Name}

// notifyAnswer is what each gateway expects once a notification is taken.
var notifyAnswer = map[string]any{"success": true}

func (s *Service) registerPaymentNotifications() {
	s.app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		for _, name := range notifyGateways {
			se.Router.POST(PaymentNotifyPath(name), s.handlePaymentNotify(name)).
				Bind(apis.BodyLimit(paymentNotifyLimit), apis.SkipSuccessActivityLog())
		}
		s.startPaymentInbox()
		return se.Next()
	})
}

// handlePaymentNotify takes one gateway's notifications.
func (s *Service) handlePaymentNotify(name string) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		body, err := io.ReadAll(e.Request.Body)
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				return apiError(http.StatusRequestEntityTooLarge, CodeBodyTooLarge, "Notification body too large.", nil)
			}
			return apiError(http.StatusBadRequest, CodeInvalidCallback, "Could not read the notification.", err)
		}
		ev := paymentEvent{gateway: name, ip: e.RealIP(), body: body}
		gw := s.gateway(name)
		// Unsigned or wrongly signed: anybody's traffic, counted per source
		// and minute rather than stored one row each.
		if gw == nil || !gw.Configured() {
			s.payRejects.count(ev.ip, name+": the gateway's credentials are not configured", s.sample(body))
			return apiError(http.StatusUnauthorized, CodeSignatureInvalid, "Invalid notification signature.", nil)
		}
		n, err := gw.Verify(e.Request.Header, body)
		switch {
		case errors.Is(err, payment.ErrNoSignature), errors.Is(err, payment.ErrBadSignature):
			s.payRejects.count(ev.ip, name+": "+err.Error(), s.sample(body))
			return apiError(http.StatusUnauthorized, CodeSignatureInvalid, "Invalid notification signature.", nil)
		case err != nil:
			ev.signed, ev.outcome, ev.err = true, OutcomeInvalid, err.Error()
			s.logPaymentEvent(ev)
			return apiError(http.StatusBadRequest, CodeInvalidCallback, "Could not read the notification.", nil)
		}
		ev.signed, ev.outcome, ev.note = true, OutcomeReceived, n
		id, err := s.storePaymentEvent(ev)
		if err != nil {
			// Not stored, not taken: the gateway sends it again.
			return apiError(http.StatusInternalServerError, CodeInternal, "", err)
		}
		s.payInbox.enqueue(id)
		return e.JSON(http.StatusOK, notifyAnswer)
	}
}

// paymentEvent is one notification as it is logged.
type paymentEvent struct {
	gateway, ip string
	body        []byte
	signed      bool
	outcome     string
	err         string
	note        payment.Notification
}

// logPaymentEvent stores a refused notification; failing to is only logged.
func (s *Service) logPaymentEvent(ev paymentEvent) {
	if _, err := s.storePaymentEvent(ev); err != nil {
		s.app.Logger().Error("payments: could not log a notification", "gateway", ev.gateway, "error", err)
	}
}

// storePaymentEvent writes the payment_events row (through payReceipts:
// one INSERT for a burst). The payload is the body as sent when it is
// signed JSON, else a short redacted sample (anybody can send anything
// until the signature checks out).
func (s *Service) storePaymentEvent(ev paymentEvent) (string, error) {
	row := paymentEventRow{id: core.GenerateDefaultRandomId(), gateway: ev.gateway, ip: truncate(ev.ip, 100),
		signed: ev.signed, outcome: ev.outcome, err: truncate(ev.err, 2000),
		reference: truncate(ev.note.Reference, 100), status: truncate(ev.note.RawStatus, 50)}
	if ev.signed && json.Valid(ev.body) {
		row.payload = string(ev.body)
	} else {
		row.payload = string(encodeLogPayload(s.sample(ev.body)))
	}
	// The payment is looked up by the worker, not here: the answer to a
	// burst waits for nothing but its own INSERT.
	return row.id, s.payReceipts.add([]paymentEventRow{row})
}

// paymentEventRow is one payment_events row as first stored.
type paymentEventRow struct {
	id, gateway, payment, reference, status, payload, ip, outcome, err string
	signed                                                             bool
}

// insertPaymentEvents writes rows with one INSERT (created = updated = now).
func insertPaymentEvents(tx core.App, rows []paymentEventRow) error {
	cols := []string{"id", "gateway", "payment", "reference", "status", "payload", "ip", "signature_valid", "outcome",
		"error", "requests", "created", "updated"}
	params := dbx.Params{"now": types.NowDateTime().String()}
	values := make([]string, len(rows))
	for i, r := range rows {
		p := func(name string, v any) string {
			key := fmt.Sprintf("%s%d", name, i)
			params[key] = v
			return "{:" + key + "}"
		}
		values[i] = "(" + strings.Join([]string{p("i", r.id), p("g", r.gateway), p("pm", r.payment), p("r", r.reference),
			p("s", r.status), p("p", r.payload), p("ip", r.ip), p("v", r.signed), p("o", r.outcome), p("e", r.err),
			"1", "{:now}", "{:now}"}, ", ") + ")"
	}
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = "[[" + c + "]]"
	}
	_, err := tx.DB().NewQuery("INSERT INTO {{payment_events}} (" + strings.Join(quoted, ", ") + ") VALUES " + strings.Join(values, ", ")).
		Bind(params).Execute()
	return err
}

// notificationNumber is our payment number in a stored notification:
// Tripay's merchant_ref, Midtrans's order_id.
func notificationNumber(payload string) string {
	var n struct {
		MerchantRef string `json:"merchant_ref"`
		OrderID     string `json:"order_id"`
	}
	_ = json.Unmarshal([]byte(payload), &n)
	return firstNonEmpty(n.MerchantRef, n.OrderID)
}

// findPayment is the payment a gateway names, by our number or its reference.
func (s *Service) findPayment(number, gateway, reference string) *core.Record {
	if number != "" {
		if p, err := s.app.FindFirstRecordByData("payments", "number", number); err == nil {
			return p
		}
	}
	if reference != "" {
		if p, err := s.app.FindFirstRecordByFilter("payments", "gateway = {:g} && reference = {:r}",
			dbx.Params{"g": gateway, "r": reference}); err == nil {
			return p
		}
	}
	return nil
}

// paymentWorkers confirm notifications at once: each waits for one status
// call (a second or more when the gateway is slow), not for the database.
const paymentWorkers = 64

// startPaymentInbox starts the notification workers and queues what the
// last process left `received`.
func (s *Service) startPaymentInbox() {
	s.payInbox.once.Do(func() {
		for range paymentWorkers {
			s.inflight.Go(func() {
				for {
					select {
					case <-s.stop.Done():
						return
					case id := <-s.payInbox.queue:
						s.runPaymentEvent(id)
					}
				}
			})
		}
		s.sweepPaymentEvents()
	})
}

func (s *Service) sweepPaymentEvents() {
	var ids []string
	err := s.app.DB().Select("id").From("payment_events").Where(dbx.NewExp("outcome = 'received'")).
		OrderBy("created").Limit(inboxSweep).Column(&ids)
	if err != nil {
		s.app.Logger().Error("payments: could not look for unprocessed notifications", "error", err)
		return
	}
	if len(ids) > 0 {
		s.app.Logger().Info("payments: processing notifications received earlier", "rows", len(ids))
		s.payInbox.enqueue(ids...)
	}
}

func (s *Service) runPaymentEvent(id string) {
	defer s.payInbox.done(id)
	defer s.recoverLog("payment notification", id)
	s.payReceipts.yield()
	ctx, cancel := context.WithTimeout(s.stop, paymentConfirmWait)
	defer cancel()
	s.processPaymentEvent(ctx, id)
}

// processPaymentEvent confirms one received notification with the status
// API and applies the answer; the row gets the outcome.
func (s *Service) processPaymentEvent(ctx context.Context, id string) {
	ev, err := s.app.FindRecordById("payment_events", id)
	if err != nil || ev.GetString("outcome") != OutcomeReceived {
		return
	}
	finish := func(outcome, msg string) {
		err := s.writes.Do(func(tx core.App) error {
			ev.Set("outcome", outcome)
			ev.Set("error", truncate(msg, 2000))
			return s.writeRecord(tx, ev)
		})
		if err != nil {
			s.app.Logger().Error("payments: could not record a notification's outcome", "event", id, "error", err)
		}
	}
	gw := s.gateway(ev.GetString("gateway"))
	var p *core.Record
	if pid := ev.GetString("payment"); pid != "" {
		p, _ = s.app.FindRecordById("payments", pid)
	}
	if p == nil {
		p = s.findPayment(notificationNumber(ev.GetString("payload")), ev.GetString("gateway"), ev.GetString("reference"))
	}
	if p == nil || gw == nil {
		finish(OutcomeUnknownPayment, "no payment with this reference")
		return
	}
	ref := p.GetString("reference")
	if ref == "" {
		ref = ev.GetString("reference")
	}
	// Only a status asked after this notification arrived can confirm it:
	// an answer already on its way may predate the payment.
	// (created is stored to the millisecond: a lookup started within that
	// millisecond may still predate the notification, so it does not count).
	t, err := s.confirm(ctx, gw, ref, ev.GetDateTime("created").Time().Add(time.Millisecond))
	if err != nil {
		s.app.Logger().Warn("payments: could not confirm a notification; vip_payments_check asks again",
			"payment", p.GetString("number"), "error", err)
		finish(OutcomeDeferred, "status lookup failed: "+err.Error())
		return
	}
	outcome, err := s.settle(p.Id, t, SourcePayment, func(tx core.App, outcome string) error {
		ev.Set("payment", p.Id)
		ev.Set("outcome", outcome)
		return s.writeRecord(tx, ev)
	})
	if err != nil {
		s.app.Logger().Error("payments: could not apply a confirmed status", "payment", p.GetString("number"), "error", err)
		if outcome == "" {
			outcome = OutcomeError
		}
		finish(outcome, err.Error())
	}
}

// settle applies a confirmed transaction to the payment in one transaction
// (with also, when set, in the same transaction) and dispatches the order
// it paid for after the commit.
func (s *Service) settle(paymentID string, t payment.Transaction, source string, also func(tx core.App, outcome string) error) (string, error) {
	var outcome, dispatch string
	err := s.writes.Do(func(tx core.App) error {
		outcome, dispatch = "", ""
		p, err := tx.FindRecordById("payments", paymentID)
		if err != nil {
			return err
		}
		outcome, dispatch, err = s.applyPayment(tx, p, t, source)
		if err != nil {
			return err
		}
		if also != nil {
			return also(tx, outcome)
		}
		return nil
	})
	if err != nil {
		return outcome, err
	}
	if dispatch != "" && !s.cfg.ManualDispatch {
		s.dispatchAsync(dispatch)
	}
	return outcome, nil
}

// confirm asks the gateway's status API for a transaction. Concurrent asks
// for the same one share a request, but only one that started at or after
// since: news that arrived after a lookup was sent is never answered by
// that lookup (it may predate a payment made in between).
func (s *Service) confirm(ctx context.Context, gw payment.Gateway, reference string, since time.Time) (payment.Transaction, error) {
	key := gw.Name() + "\x00" + reference
	g := &s.payConfirms
	g.mu.Lock()
	if f, ok := g.m[key]; ok && !f.started.Before(since) {
		g.mu.Unlock()
		select {
		case <-f.done:
			return f.t, f.err
		case <-ctx.Done():
			return payment.Transaction{}, ctx.Err()
		}
	}
	f := &confirmFlight{done: make(chan struct{}), started: time.Now()}
	if g.m == nil {
		g.m = map[string]*confirmFlight{}
	}
	g.m[key] = f
	g.mu.Unlock()

	f.t, f.err = gw.Status(ctx, reference)
	g.mu.Lock()
	if g.m[key] == f {
		delete(g.m, key)
	}
	g.mu.Unlock()
	close(f.done)
	return f.t, f.err
}

type confirmFlight struct {
	done    chan struct{}
	started time.Time
	t       payment.Transaction
	err     error
}

type confirmGroup struct {
	mu sync.Mutex
	m  map[string]*confirmFlight
}

// WaitPayments returns once every notification handed to the workers has
// been processed, or ctx ends. For tests and tools.
func (s *Service) WaitPayments(ctx context.Context) error { return s.payInbox.wait(ctx) }
