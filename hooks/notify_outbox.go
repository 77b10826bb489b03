package hooks

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/vipbase/vipbase/notify"
)

// The notification outbox (design §12). A row is written in the same
// transaction as the change that causes it, under a unique dedupe key
// (INSERT OR IGNORE), so a duplicate callback, a second poll or a restart
// can never queue a second message, and a rollback takes the message with
// it. The worker (notify_worker.go) sends after the commit.

// Notification channels and statuses (notifications.channel / .status).
const (
	ChannelWhatsApp = "whatsapp"
	ChannelEmail    = "email"

	NotifyQueued  = "queued"
	NotifySending = "sending"
	NotifySent    = "sent"
	NotifyFailed  = "failed"
	NotifySkipped = "skipped"
)

// message is one event to tell someone about, on every channel it has an
// address for.
type message struct {
	template string
	key      string // the event's dedupe key; the channel is appended
	vars     map[string]any

	order, payment, user string // relations kept on the rows
	whatsapp, email      string // recipients; "" = not by that channel
}

// enqueue writes m's outbox rows in tx: one per channel with an address
// that the template allows, rendered now. An inactive template writes
// nothing; a missing one falls back to its default (notify.Defaults).
func (s *Service) enqueue(tx core.App, m message) error {
	if m.whatsapp == "" && m.email == "" {
		return nil
	}
	t, ok, err := s.notificationTemplate(tx, m.template)
	if err != nil || !ok {
		return err
	}
	if m.vars == nil {
		m.vars = map[string]any{}
	}
	if _, set := m.vars["Store"]; !set {
		m.vars["Store"] = s.storeName()
	}
	vars, err := json.Marshal(m.vars)
	if err != nil {
		return fmt.Errorf("notification %s: vars: %w", m.key, err)
	}
	now := s.nowDT().String()
	queued := false
	for _, ch := range []struct{ name, to string }{{ChannelWhatsApp, m.whatsapp}, {ChannelEmail, m.email}} {
		if ch.to == "" || (t.channel != "all" && t.channel != ch.name) {
			continue
		}
		status, lastErr := NotifyQueued, ""
		body, err := notify.Render(t.body, m.vars)
		subject := ""
		if err == nil && ch.name == ChannelEmail {
			subject, err = notify.Render(t.subject, m.vars)
		}
		switch {
		case err != nil: // an edit that Validate let through (it renders without values), or odd values
			status, lastErr = NotifyFailed, "template "+m.template+": "+err.Error()
			tx.Logger().Error("notification not sent: its template does not render; fix it in notification_templates",
				"template", m.template, "channel", ch.name, "key", m.key, "error", err.Error())
		case !s.channelConfigured(ch.name):
			// Kept for the record, with no worker pass to find that out.
			status, lastErr = NotifySkipped, s.notConfiguredReason(ch.name)
		}
		_, err = tx.DB().NewQuery(`INSERT OR IGNORE INTO notifications
			(id, channel, "to", template, vars, subject, body, "order", payment, user, dedupe_key, status,
			 attempts, next_attempt_at, last_error, provider_id, sent_at, created, updated)
			VALUES ({:id}, {:channel}, {:to}, {:template}, {:vars}, {:subject}, {:body}, {:order}, {:payment}, {:user},
			 {:key}, {:status}, 0, {:now}, {:err}, '', '', {:now}, {:now})`).Bind(dbx.Params{
			"id": core.GenerateDefaultRandomId(), "channel": ch.name, "to": truncate(ch.to, 200), "template": m.template,
			"vars": string(vars), "subject": truncate(strings.TrimSpace(subject), 300), "body": truncate(body, 8000),
			"order": m.order, "payment": m.payment, "user": m.user, "key": truncate(m.key+":"+ch.name, 200),
			"status": status, "now": now, "err": truncate(lastErr, 2000),
		}).Execute()
		if err != nil {
			return fmt.Errorf("notification %s: %w", m.key, err)
		}
		queued = queued || status == NotifyQueued
	}
	if queued {
		afterCommit(tx, s.outbox.wake)
	}
	return nil
}

// channelConfigured is whether messages of channel can go out at all.
func (s *Service) channelConfigured(channel string) bool {
	switch channel {
	case ChannelWhatsApp:
		return s.cfg.WhatsApp != nil || s.fonnte.Configured()
	case ChannelEmail:
		return s.mailConfigured()
	}
	return true
}

// afterCommit runs fn once tx commits (at once outside a transaction).
func afterCommit(tx core.App, fn func()) {
	info := tx.TxInfo()
	if info == nil {
		fn()
		return
	}
	info.OnComplete(func(txErr error) error {
		if txErr == nil {
			fn()
		}
		return nil
	})
}

// template is a notification_templates row as enqueue uses it.
type notifyTemplate struct{ channel, subject, body string }

func (s *Service) notificationTemplate(tx core.App, key string) (notifyTemplate, bool, error) {
	var row struct {
		Channel string `db:"channel"`
		Subject string `db:"subject"`
		Body    string `db:"body"`
		Active  bool   `db:"active"`
	}
	err := tx.DB().NewQuery("SELECT channel, subject, body, active FROM notification_templates WHERE key = {:key}").
		Bind(dbx.Params{"key": key}).One(&row)
	if err == nil {
		return notifyTemplate{row.Channel, row.Subject, row.Body}, row.Active, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return notifyTemplate{}, false, fmt.Errorf("notification template %s: %w", key, err)
	}
	d, ok := notify.DefaultTemplate(key)
	return notifyTemplate{"all", d.Subject, d.Body}, ok && d.Active, nil
}

// storeName is what messages sign with: Settings › Application name.
// adminAlert queues an operator alert to VIPBASE_ADMIN_WHATSAPP and
// VIPBASE_ADMIN_EMAIL. key identifies the event; the worker throttles a
// kind to one message per 30 minutes (the rest counted in the next).
func (s *Service) adminAlert(tx core.App, template, key string, vars map[string]any) error {
	return s.enqueue(tx, message{template: template, key: key, vars: vars,
		whatsapp: s.cfg.AdminWhatsApp, email: s.cfg.AdminEmail})
}

// noteKey is a short stable digest of a review note: one alert per
// distinct reason, however many rows carry it.
func noteKey(note string) string {
	sum := sha256.Sum256([]byte(note))
	return hex.EncodeToString(sum[:8])
}
