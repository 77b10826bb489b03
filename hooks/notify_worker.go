package hooks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/mailer"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/vipbase/vipbase/notify"
)

// The outbox worker (design §12): sends within moments of the commit
// (enqueue wakes it after the transaction), outside any transaction, one
// claimed row at a time per channel. WhatsApp is paced; a failure is
// retried after 30 s, 2 min, 10 min, 1 h and 6 h, then the row is failed
// and the operator told (admin_notify_failing, itself throttled). A row
// left `sending` by a crash goes back to the queue after 5 minutes. An
// operator alert of one kind is sent at most every 30 minutes; the ones
// that queued meanwhile are counted in the next.

// notifyBackoff is the wait after each failed attempt; one more failure
// after the last fails the row.
var notifyBackoff = []time.Duration{30 * time.Second, 2 * time.Minute, 10 * time.Minute, time.Hour, 6 * time.Hour}

const (
	notifyStuckAfter   = 5 * time.Minute
	notifyAlertWindow  = 30 * time.Minute
	notifyBatch        = 20
	defaultWhatsAppGap = 2 * time.Second
)

// outbox is the worker's state on the Service.
type outbox struct {
	wakeCh chan struct{} // buffered 1: "rows were committed"
	lanes  sync.Map      // channel → *sync.Mutex: one sender per channel
	// lastWhatsApp is when the last WhatsApp send ended (held under the
	// WhatsApp lane), so the gap holds across worker passes too.
	lastWhatsApp time.Time
	warned       sync.Map // channel → true: the "not configured" warning was logged
}

func newOutbox() outbox { return outbox{wakeCh: make(chan struct{}, 1)} }

// wake tells the worker that rows were committed; it never blocks.
func (o *outbox) wake() {
	select {
	case o.wakeCh <- struct{}{}:
	default:
	}
}

func (o *outbox) lane(channel string) *sync.Mutex {
	m, _ := o.lanes.LoadOrStore(channel, &sync.Mutex{})
	return m.(*sync.Mutex)
}

// NotifyStats counts what one SendNotifications pass did.
type NotifyStats struct {
	Sent, Retried, Failed, Skipped, Throttled int
}

func (a *NotifyStats) add(b NotifyStats) {
	a.Sent, a.Retried, a.Failed = a.Sent+b.Sent, a.Retried+b.Retried, a.Failed+b.Failed
	a.Skipped, a.Throttled = a.Skipped+b.Skipped, a.Throttled+b.Throttled
}

// now is the outbox's clock (Config.Now in tests).
func (s *Service) now() time.Time {
	if s.cfg.Now != nil {
		return s.cfg.Now()
	}
	return time.Now()
}

func (s *Service) nowDT() types.DateTime {
	dt, _ := types.ParseDateTime(s.now().UTC())
	return dt
}

// startOutbox runs the worker until terminate.
func (s *Service) startOutbox() {
	s.inflight.Add(1)
	go func() {
		defer s.inflight.Done()
		for {
			if _, err := s.SendNotifications(s.stop); err != nil && s.stop.Err() == nil {
				s.app.Logger().Error("notifications: send pass failed", "error", err)
			}
			select {
			case <-s.stop.Done():
				return
			case <-s.outbox.wakeCh:
			case <-time.After(s.untilNextNotification()):
			}
		}
	}()
}

// untilNextNotification is how long the worker may sleep: until the next
// retry falls due, at most a minute (the vip_notify cron sweeps too).
func (s *Service) untilNextNotification() time.Duration {
	var next types.DateTime
	err := s.app.DB().NewQuery("SELECT MIN(next_attempt_at) FROM notifications WHERE status = 'queued'").Row(&next)
	wait := time.Minute
	if err == nil && !next.IsZero() {
		wait = min(wait, max(next.Time().Sub(s.now()), 50*time.Millisecond))
	}
	return wait
}

// SendNotifications sends every due outbox row, WhatsApp and e-mail side by
// side, and returns what it did. It is the worker's pass and the vip_notify
// sweep; safe to call concurrently (a channel busy elsewhere is skipped).
func (s *Service) SendNotifications(ctx context.Context) (NotifyStats, error) {
	stuck := s.nowDT().Add(-notifyStuckAfter)
	if _, err := s.app.DB().NewQuery("UPDATE notifications SET status = 'queued', next_attempt_at = {:now} " +
		"WHERE status = 'sending' AND updated < {:stuck}").
		Bind(dbx.Params{"now": s.nowDT(), "stuck": stuck}).Execute(); err != nil {
		return NotifyStats{}, err
	}
	var total NotifyStats
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for _, ch := range []string{ChannelWhatsApp, ChannelEmail} {
		wg.Go(func() {
			defer func() { // a sender's panic must not take the store down with it
				if r := recover(); r != nil {
					s.app.Logger().Error("notifications: a send panicked; its row goes back to the queue after 5 minutes",
						"channel", ch, "panic", fmt.Sprint(r))
				}
			}()
			st, err := s.sendLane(ctx, ch)
			mu.Lock()
			defer mu.Unlock()
			total.add(st)
			if err != nil && firstErr == nil {
				firstErr = err
			}
		})
	}
	wg.Wait()
	return total, firstErr
}

// outboxRow is a claimed notification.
type outboxRow struct {
	ID       string `db:"id"`
	Channel  string `db:"channel"`
	To       string `db:"to"`
	Template string `db:"template"`
	Vars     string `db:"vars"`
	Subject  string `db:"subject"`
	Body     string `db:"body"`
	Attempts int    `db:"attempts"`
}

// sendLane sends one channel's due rows until none is left.
func (s *Service) sendLane(ctx context.Context, channel string) (NotifyStats, error) {
	var st NotifyStats
	lane := s.outbox.lane(channel)
	if !lane.TryLock() {
		return st, nil
	}
	defer lane.Unlock()
	gap := s.cfg.WhatsAppGap
	if gap == 0 {
		gap = defaultWhatsAppGap
	}
	for ctx.Err() == nil {
		var rows []outboxRow
		err := s.app.DB().NewQuery(`SELECT id, channel, "to", template, vars, subject, body, attempts FROM notifications
			WHERE status = 'queued' AND channel = {:ch} AND next_attempt_at <= {:now}
			ORDER BY next_attempt_at, created LIMIT {:n}`).
			Bind(dbx.Params{"ch": channel, "now": s.nowDT(), "n": notifyBatch}).All(&rows)
		if err != nil || len(rows) == 0 {
			return st, err
		}
		for _, r := range rows {
			if ctx.Err() != nil {
				return st, nil
			}
			claimed, err := s.claimNotification(r.ID)
			if err != nil {
				return st, err
			}
			if !claimed {
				continue
			}
			r.Attempts++
			if channel == ChannelWhatsApp && gap > 0 {
				select { // one at a time, a moment apart: Fonnte bans bursts
				case <-ctx.Done():
				case <-time.After(time.Until(s.outbox.lastWhatsApp.Add(gap))):
				}
			}
			one, err := s.deliver(ctx, r)
			st.add(one)
			if channel == ChannelWhatsApp && one.Sent+one.Retried+one.Failed > 0 {
				s.outbox.lastWhatsApp = time.Now()
			}
			if err != nil {
				return st, err
			}
		}
	}
	return st, nil
}

func (s *Service) claimNotification(id string) (bool, error) {
	res, err := s.app.DB().NewQuery("UPDATE notifications SET status = 'sending', attempts = attempts + 1, updated = {:now} " +
		"WHERE id = {:id} AND status = 'queued' AND next_attempt_at <= {:now}").Bind(dbx.Params{"id": id, "now": s.nowDT()}).Execute()
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// deliver makes one attempt at a claimed row and records the result.
func (s *Service) deliver(ctx context.Context, r outboxRow) (NotifyStats, error) {
	if strings.HasPrefix(r.Template, "admin_") {
		held, err := s.throttleAlert(&r)
		if err != nil || held {
			return NotifyStats{Throttled: 1}, err
		}
	}
	var id string
	var err error
	switch r.Channel {
	case ChannelWhatsApp:
		id, err = s.whatsApp().Send(ctx, r.To, r.Body)
	case ChannelEmail:
		err = s.sendEmail(ctx, r)
	default:
		err = &notify.SendError{Permanent: true, Reason: "unknown channel " + r.Channel}
	}
	if ctx.Err() != nil && err != nil {
		// Shutting down mid-send: the stuck-row rule brings it back.
		return NotifyStats{}, nil
	}
	now := s.nowDT()
	set := dbx.Params{"id": r.ID, "now": now}
	var st NotifyStats
	var q string
	switch {
	case err == nil:
		st.Sent = 1
		q, set["pid"] = "status = 'sent', sent_at = {:now}, provider_id = {:pid}, last_error = ''", truncate(id, 200)
	case errors.Is(err, notify.ErrNotConfigured) || errors.Is(err, errMailNotConfigured):
		st.Skipped = 1
		reason := s.notConfiguredReason(r.Channel)
		q, set["err"] = "status = 'skipped', last_error = {:err}", reason
	case notify.IsPermanent(err) || r.Attempts > len(notifyBackoff):
		st.Failed = 1
		q, set["err"] = "status = 'failed', last_error = {:err}", truncate(err.Error(), 2000)
	default:
		st.Retried = 1
		q, set["err"] = "status = 'queued', next_attempt_at = {:next}, last_error = {:err}", truncate(err.Error(), 2000)
		set["next"] = now.Add(notifyBackoff[r.Attempts-1])
	}
	if _, werr := s.app.DB().NewQuery("UPDATE notifications SET " + q + ", updated = {:now} WHERE id = {:id}").
		Bind(set).Execute(); werr != nil {
		return st, werr
	}
	if st.Failed == 1 {
		s.app.Logger().Warn("notifications: a message could not be sent; giving up", "template", r.Template,
			"channel", r.Channel, "attempts", r.Attempts, "error", err.Error())
		if r.Template != notify.AdminNotifyFailing {
			if aerr := s.adminAlert(s.app, notify.AdminNotifyFailing, "admin_notify_failing:"+r.ID, map[string]any{
				"Template": r.Template, "To": r.To, "Channel": r.Channel, "Error": truncate(err.Error(), 300)}); aerr != nil {
				return st, aerr
			}
		}
	}
	return st, nil
}

// throttleAlert holds an operator alert while one of its kind went out in
// the last 30 minutes; otherwise it folds the other queued alerts of the
// kind into this one (Count) and lets it go.
func (s *Service) throttleAlert(r *outboxRow) (bool, error) {
	var last types.DateTime
	if err := s.app.DB().NewQuery("SELECT MAX(sent_at) FROM notifications WHERE template = {:t} AND channel = {:ch} AND status = 'sent'").
		Bind(dbx.Params{"t": r.Template, "ch": r.Channel}).Row(&last); err != nil {
		return false, err
	}
	if !last.IsZero() && s.now().Sub(last.Time()) < notifyAlertWindow {
		_, err := s.app.DB().NewQuery("UPDATE notifications SET status = 'queued', attempts = attempts - 1, " +
			"next_attempt_at = {:next}, updated = {:now} WHERE id = {:id}").
			Bind(dbx.Params{"id": r.ID, "next": last.Add(notifyAlertWindow), "now": s.nowDT()}).Execute()
		return true, err
	}
	res, err := s.app.DB().NewQuery("UPDATE notifications SET status = 'skipped', last_error = {:why}, updated = {:now} " +
		"WHERE template = {:t} AND channel = {:ch} AND status = 'queued' AND id != {:id}").
		Bind(dbx.Params{"t": r.Template, "ch": r.Channel, "id": r.ID, "now": s.nowDT(),
			"why": "counted in notification " + r.ID + " (one alert of a kind per 30 minutes)"}).Execute()
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		vars := map[string]any{}
		_ = json.Unmarshal([]byte(r.Vars), &vars)
		vars["Count"] = n
		if t, _, terr := s.notificationTemplate(s.app, r.Template); terr == nil {
			if body, rerr := notify.Render(t.body, vars); rerr == nil {
				r.Body = body
			}
		}
	}
	return false, nil
}

// whatsApp is the configured sender: Config.WhatsApp, else Fonnte.
func (s *Service) whatsApp() notify.WhatsApp {
	if s.cfg.WhatsApp != nil {
		return s.cfg.WhatsApp
	}
	return s.fonnte
}

var errMailNotConfigured = errors.New("e-mail is not configured")

// mailConfigured: Settings › Mail has SMTP on (or the sandbox catches mail).
func (s *Service) mailConfigured() bool { return s.app.Settings().SMTP.Enabled || s.cfg.Sandbox }

// mailTimeout bounds one e-mail send: PocketBase's SMTP client has no
// deadline and no context, and a server that accepts and then stalls would
// hold the e-mail lane (and shutdown) forever. Well under notifyStuckAfter.
const mailTimeout = 30 * time.Second

func (s *Service) sendEmail(ctx context.Context, r outboxRow) error {
	if !s.mailConfigured() {
		return errMailNotConfigured
	}
	meta := s.app.Settings().Meta
	msg := &mailer.Message{
		From:    mail.Address{Address: meta.SenderAddress, Name: meta.SenderName},
		To:      []mail.Address{{Address: r.To}},
		Subject: r.Subject,
		Text:    r.Body,
		HTML:    notify.RenderHTML(r.Body),
	}
	done := make(chan error, 1) // the send may outlive us; it never blocks on this
	go func() { done <- s.app.NewMailClient().Send(msg) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(mailTimeout):
		return &notify.SendError{Reason: "the mail server did not answer within " + mailTimeout.String()}
	}
}

// notConfiguredReason is the skipped row's reason; the first of a channel
// is also logged once (not once per row).
func (s *Service) notConfiguredReason(channel string) string {
	reason := "WhatsApp is not configured: set FONNTE_TOKEN"
	if channel == ChannelEmail {
		reason = "e-mail is not configured: turn on SMTP in Settings › Mail"
	}
	if _, seen := s.outbox.warned.LoadOrStore(channel, true); !seen {
		s.app.Logger().Warn("notifications: "+reason+"; its messages are marked skipped", "channel", channel)
	}
	return reason
}
