package hooks

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Cron job ids, visible in Dashboard › Settings › Crons.
const (
	CronSyncCatalog = "vip_sync_catalog"
	CronSyncStock   = "vip_sync_stock"
	CronSyncBalance = "vip_sync_balance"
	CronOrdersPoll  = "vip_orders_poll"
	CronLogsCleanup = "vip_webhook_logs_cleanup"
)

func (s *Service) registerCrons() {
	s.addCron(CronSyncCatalog, "0 */6 * * *", 30*time.Minute, func(ctx context.Context) error {
		return errors.Join(s.cronSync(ctx, ActionSyncServices), s.cronSync(ctx, ActionSyncProducts))
	})
	s.addCron(CronSyncStock, "*/15 * * * *", 10*time.Minute, func(ctx context.Context) error {
		return s.cronSync(ctx, ActionSyncStock)
	})
	s.addCron(CronSyncBalance, "*/10 * * * *", 2*time.Minute, func(ctx context.Context) error {
		return s.cronSync(ctx, ActionSyncBalance)
	})
	s.addCron(CronOrdersPoll, "* * * * *", 5*time.Minute, func(ctx context.Context) error {
		s.rejects.flush()
		s.payRejects.flush()
		s.sweepInbox(inboxSweepAge)
		s.pollJob(ctx)
		return nil
	})
	s.addCron(CronLogsCleanup, "30 3 * * *", 10*time.Minute, func(context.Context) error {
		days := s.cfg.WebhookLogDays
		if days <= 0 {
			days = 30
		}
		n, err := s.cleanupWebhookLogs(days)
		if err != nil {
			s.app.Logger().Error("webhook log cleanup failed", "error", err)
			return err
		}
		s.app.Logger().Info("webhook log cleanup", "deleted", n, "keptDays", days)
		return nil
	})

	// Orders committed before a crash are picked up right after start,
	// not a minute later.
	s.app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		started := types.NowDateTime()
		s.inflight.Add(1)
		go func() {
			defer s.inflight.Done()
			ctx, cancel := context.WithTimeout(s.stop, 5*time.Minute)
			defer cancel()
			s.pollJobBefore(ctx, started)
		}()
		return se.Next()
	})
}

// pollJob runs PollOrders unless the previous run is still going.
func (s *Service) pollJob(ctx context.Context) { s.pollJobBefore(ctx, types.DateTime{}) }

func (s *Service) pollJobBefore(ctx context.Context, createdBefore types.DateTime) {
	if s.client == nil || !s.polling.TryLock() {
		return
	}
	defer s.polling.Unlock()
	defer s.recoverLog("poll", CronOrdersPoll)
	st, err := s.poll(ctx, createdBefore)
	if err != nil {
		s.app.Logger().Error("vip_orders_poll failed", "error", err)
		return
	}
	if st != (PollStats{}) {
		s.app.Logger().Info("vip_orders_poll", "dispatched", st.Dispatched, "reconciled", st.Reconciled,
			"checked", st.Checked, "failedChecks", st.Failed)
	}
}

// addCron registers a job that never crashes the server (panics are logged)
// and is bounded by a timeout. Overlap is prevented by the job's own lock
// (RunSync's TryLock), which also keeps a cron and an admin click apart.
func (s *Service) addCron(id, expr string, timeout time.Duration, job func(ctx context.Context) error) {
	s.app.Cron().MustAdd(id, expr, func() {
		run := s.crons.start(id)
		defer func() {
			if r := recover(); r != nil {
				s.app.Logger().Error("cron job panicked", "job", id, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				s.crons.finish(run, fmt.Errorf("panic: %v", r))
			}
		}()
		ctx, cancel := context.WithTimeout(s.stop, timeout)
		defer cancel()
		err := job(ctx)
		if err == nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			err = fmt.Errorf("stopped after its %s limit", timeout)
		}
		s.crons.finish(run, err)
	})
}

func (s *Service) cronSync(ctx context.Context, action string) error {
	if s.client == nil {
		return nil // the serve warning already said why
	}
	_, err := s.RunSync(ctx, action, TriggerCron, nil)
	switch {
	case errors.Is(err, ErrSyncBusy):
		s.app.Logger().Info("vip sync skipped: the previous run is still going", "action", action)
		return nil
	case err != nil:
		s.app.Logger().Error("vip sync failed", "action", action, "error", err)
		return fmt.Errorf("%s: %w", action, err)
	}
	return nil
}
