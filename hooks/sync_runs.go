package hooks

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Sync actions accepted by the admin route, the CLI and the crons.
const (
	ActionFullSync     = "full-sync"
	ActionSyncServices = "sync-services"
	ActionSyncProducts = "sync-products"
	ActionSyncStock    = "sync-stock"
	ActionSyncBalance  = "sync-balance"
)

// SyncActions lists the valid actions in the order an operator reads them.
var SyncActions = []string{ActionFullSync, ActionSyncServices, ActionSyncProducts, ActionSyncStock, ActionSyncBalance}

// Sync triggers stored on sync_runs.
const (
	TriggerCron    = "cron"
	TriggerAdmin   = "admin"
	TriggerCLI     = "cli"
	TriggerStartup = "startup"
)

// ErrSyncBusy means the same kind of sync is already running; a second one
// would only race the first for the same rows.
var ErrSyncBusy = errors.New("a sync of this kind is already running")

// syncGuards keeps syncs from overlapping: catalog actions (services,
// products, full) share one lock because they write the same rows.
type syncGuards struct {
	catalog, stock, balance sync.Mutex
}

func (g *syncGuards) forAction(action string) *sync.Mutex {
	switch action {
	case ActionSyncStock:
		return &g.stock
	case ActionSyncBalance:
		return &g.balance
	default:
		return &g.catalog
	}
}

// Progress receives one human line per step of a sync (CLI progress).
type Progress func(line string)

// RunSync performs action and records it as a sync_runs row, which it returns.
// The row is returned even when the sync failed (its status says so).
func (s *Service) RunSync(ctx context.Context, action, trigger string, progress Progress) (*core.Record, error) {
	if !isSyncAction(action) {
		return nil, fmt.Errorf("unknown sync action %q (valid: %s)", action, strings.Join(SyncActions, ", "))
	}
	if s.client == nil {
		return nil, ErrNotConfigured
	}
	lock := s.syncs.forAction(action)
	if !lock.TryLock() {
		return nil, ErrSyncBusy
	}
	defer lock.Unlock()
	if progress == nil {
		progress = func(string) {}
	}

	run, err := s.startRun(action, trigger)
	if err != nil {
		return nil, err
	}
	started := time.Now()
	counts := map[string]any{}
	var syncErr error
	switch action {
	case ActionSyncServices:
		syncErr = s.syncServices(ctx, counts, progress)
	case ActionSyncProducts:
		syncErr = s.syncProducts(ctx, counts, progress)
	case ActionSyncStock:
		syncErr = s.syncStock(ctx, counts, progress)
	case ActionSyncBalance:
		syncErr = s.syncBalance(ctx, counts, progress)
	case ActionFullSync:
		services, products, stock := map[string]any{}, map[string]any{}, map[string]any{}
		counts["services"], counts["products"], counts["stock"] = services, products, stock
		// Products are priced from whatever services are stored, so a
		// category that failed to refresh still keeps sensible products.
		syncErr = errors.Join(
			s.syncServices(ctx, services, progress),
			s.syncProducts(ctx, products, progress),
			s.syncStock(ctx, stock, progress),
		)
	}
	s.finishRun(run, counts, syncErr)
	s.app.Logger().Info("vip sync finished", "action", action, "trigger", trigger,
		"status", run.GetString("status"), "duration", time.Since(started).Round(time.Millisecond).String(),
		"counts", counts, "error", run.GetString("error"))
	return run, syncErr
}

func isSyncAction(action string) bool {
	return slices.Contains(SyncActions, action)
}

func (s *Service) startRun(action, trigger string) (*core.Record, error) {
	col, err := s.app.FindCachedCollectionByNameOrId("sync_runs")
	if err != nil {
		return nil, err
	}
	run := core.NewRecord(col)
	run.Set("action", action)
	run.Set("trigger", trigger)
	run.Set("status", "running")
	run.Set("started", types.NowDateTime())
	if err := s.app.Save(run); err != nil {
		return nil, fmt.Errorf("record sync run: %w", err)
	}
	return run, nil
}

func (s *Service) finishRun(run *core.Record, counts map[string]any, syncErr error) {
	run.Set("counts", counts)
	run.Set("finished", types.NowDateTime())
	if syncErr != nil {
		run.Set("status", "failed")
		run.Set("error", truncate(syncErr.Error(), 5000))
	} else {
		run.Set("status", "success")
	}
	// With its operator alert (a failed run), in one transaction.
	if err := s.app.RunInTransaction(func(tx core.App) error { return tx.Save(run) }); err != nil {
		s.app.Logger().Error("vip sync: cannot record the run's result", "run", run.Id, "error", err)
	}
}

// lastRuns returns the newest sync_runs row per action.
func (s *Service) lastRuns() (map[string]*core.Record, error) {
	out := map[string]*core.Record{}
	for _, action := range SyncActions {
		recs, err := s.app.FindRecordsByFilter("sync_runs", "action = {:a}", "-started", 1, 0, map[string]any{"a": action})
		if err != nil {
			return nil, err
		}
		if len(recs) > 0 {
			out[action] = recs[0]
		}
	}
	return out, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n-- // never cut a character in half
	}
	return s[:n]
}
