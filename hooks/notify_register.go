package hooks

import (
	"context"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/vipbase/vipbase/notify"
	wasandbox "github.com/vipbase/vipbase/notify/sandbox"
)

// Cron ids of the notification outbox (design §8).
const (
	CronNotify        = "vip_notify"
	CronNotifyCleanup = "vip_notify_cleanup"
)

// notifyKeepDays is how long sent (and skipped) notifications are kept.
const notifyKeepDays = 90

// registerNotifications wires the outbox: the observers of every order,
// payment and sync-run write made through PocketBase's Save (writeRecord
// observes its own), the worker, the crons, the dashboard guards and the
// Indonesian auth mails.
func (s *Service) registerNotifications() {
	if s.cfg.FonnteToken != "" || s.cfg.WhatsApp == nil {
		opts := []notify.FonnteOption{notify.WithLogger(s.app.Logger())}
		if s.cfg.FonnteURL != "" {
			opts = append(opts, notify.WithURL(s.cfg.FonnteURL))
		}
		s.fonnte = notify.NewFonnte(s.cfg.FonnteToken, opts...)
	}
	observe := func(e *core.RecordEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		return s.observeWrite(e.App, e.Record)
	}
	s.app.OnRecordCreateExecute("orders", "payments", "sync_runs").BindFunc(observe)
	s.app.OnRecordUpdateExecute("orders", "payments", "sync_runs").BindFunc(observe)

	s.app.OnRecordValidate("notification_templates").BindFunc(func(e *core.RecordEvent) error {
		errs := validation.Errors{}
		for _, f := range []string{"subject", "body"} {
			if err := notify.Validate(e.Record.GetString(f)); err != nil {
				errs[f] = validation.NewError("validation_invalid_template", err.Error())
			}
		}
		if len(errs) > 0 {
			return errs
		}
		return e.Next()
	})
	s.app.OnRecordValidate("users").BindFunc(normalisePhoneField("phone"))
	// WhatsApp messages are on by default (design §12): a sign-up that
	// does not say otherwise gets them.
	s.app.OnRecordCreateRequest("users").BindFunc(func(e *core.RecordRequestEvent) error {
		if info, err := e.RequestInfo(); err == nil {
			if _, said := info.Body["notify_whatsapp"]; !said {
				e.Record.Set("notify_whatsapp", true)
			}
		}
		return e.Next()
	})
	s.registerAuthMails()
	if s.cfg.Sandbox {
		s.sandboxMail()
	}

	s.addCron(CronNotify, "* * * * *", 5*time.Minute, func(ctx context.Context) error {
		if _, err := s.SendNotifications(ctx); err != nil {
			s.app.Logger().Error("vip_notify failed", "error", err)
			return err
		}
		return nil
	})
	s.addCron(CronNotifyCleanup, "45 3 * * *", 10*time.Minute, func(context.Context) error {
		n, err := s.cleanupNotifications(notifyKeepDays)
		if err != nil {
			s.app.Logger().Error("notification cleanup failed", "error", err)
			return err
		}
		s.app.Logger().Info("notification cleanup", "deleted", n, "keptDays", notifyKeepDays)
		return nil
	})
	s.app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if s.waSandbox != nil {
			h := s.waSandbox.InboxHandler()
			serve := func(e *core.RequestEvent) error { h.ServeHTTP(e.Response, e.Request); return nil }
			se.Router.GET(wasandbox.InboxPath, serve)
			se.Router.GET(wasandbox.InboxPath+"/{rest...}", serve)
			se.Router.POST(wasandbox.InboxPath+"/{rest...}", serve)
		} else {
			// Not the storefront's index.html fallback: the storefront asks
			// here whether it runs in the sandbox.
			gone := func(e *core.RequestEvent) error { return e.NotFoundError("", nil) }
			se.Router.GET(wasandbox.InboxPath, gone)
			se.Router.GET(wasandbox.InboxPath+"/{rest...}", gone)
		}
		s.startOutbox()
		return se.Next()
	})
}

// cleanupNotifications deletes sent and skipped rows older than days.
func (s *Service) cleanupNotifications(days int) (int64, error) {
	res, err := s.app.DB().NewQuery("DELETE FROM notifications WHERE status IN ('sent', 'skipped') AND created < {:before}").
		Bind(dbx.Params{"before": s.nowDT().Add(-time.Duration(days) * 24 * time.Hour)}).Execute()
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// WaitNotifications sends everything due now and returns once nothing
// queued is due and no send is under way (tests; the worker does this on
// its own). A row a crash left `sending` is not waited for.
func (s *Service) WaitNotifications(ctx context.Context) error {
	for {
		if _, err := s.SendNotifications(ctx); err != nil {
			return err
		}
		for _, ch := range []string{ChannelWhatsApp, ChannelEmail} {
			lane := s.outbox.lane(ch) // a pass another goroutine runs
			lane.Lock()
			lane.Unlock() //nolint:staticcheck // waiting for it, not guarding anything
		}
		var due int
		if err := s.app.DB().NewQuery("SELECT COUNT(*) FROM notifications WHERE status = 'queued' AND next_attempt_at <= {:now}").
			Bind(dbx.Params{"now": s.nowDT()}).Row(&due); err != nil {
			return err
		}
		if due == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// normalisePhoneField stores a record's WhatsApp number as 62…, refusing
// one that is not an Indonesian mobile number (empty stays empty).
func normalisePhoneField(field string) func(e *core.RecordEvent) error {
	return func(e *core.RecordEvent) error {
		if raw := strings.TrimSpace(e.Record.GetString(field)); raw != "" {
			phone, ok := notify.NormalisePhone(raw)
			if !ok {
				return validation.Errors{field: errPhoneInvalid}
			}
			e.Record.Set(field, phone)
		}
		return e.Next()
	}
}
