package hooks

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/vipbase/vipbase/vipreseller"
)

// pollBatch bounds one poll run per kind of work; the next minute continues.
const pollBatch = 200

// pollWorkers is how many processing orders one poll run checks at once.
const pollWorkers = 8

// PollStats is what one poll run did.
type PollStats struct {
	Dispatched, Reconciled, Checked, Failed int
}

// pollSchedule is the per-order backoff between status checks of a
// processing order: 1, 2, 5, 15, 60 minutes, then hourly.
var pollSchedule = []time.Duration{time.Minute, 2 * time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour}

func pollDelay(attempt int) time.Duration {
	if attempt < len(pollSchedule) {
		return pollSchedule[attempt]
	}
	return time.Hour
}

// PollOrders is the vip_orders_poll job: send queued and due-retry orders,
// turn stuck sends into reconciliations, reconcile unknown outcomes and ask
// about processing orders that are due. Safe to run any time, concurrently
// with routes and callbacks: every change goes through a re-read in a
// transaction.
func (s *Service) PollOrders(ctx context.Context) (PollStats, error) {
	return s.poll(ctx, types.DateTime{})
}

// poll is PollOrders, limited to orders created before createdBefore when
// it is set (the startup sweep only recovers what the last process left).
// Its phases run in this order on purpose; each takes at most pollBatch
// orders and the next run continues.
func (s *Service) poll(ctx context.Context, createdBefore types.DateTime) (PollStats, error) {
	var st PollStats
	if s.client == nil {
		return st, ErrNotConfigured
	}
	run := pollRun{s: s, now: types.NowDateTime().String(), createdBefore: createdBefore}
	if err := run.recoverStuckSends(); err != nil {
		return st, err
	}
	if err := run.reconcileUnknown(ctx, &st); err != nil {
		return st, err
	}
	if err := run.sendDue(ctx, &st); err != nil {
		return st, err
	}
	if err := run.checkProcessing(ctx, &st); err != nil {
		return st, err
	}
	return st, ctx.Err()
}

// pollRun is one poll's view: the same "now" for every phase.
type pollRun struct {
	s             *Service
	now           string
	createdBefore types.DateTime
}

func (r pollRun) find(filter string) ([]*core.Record, error) {
	params := dbx.Params{"now": r.now}
	if !r.createdBefore.IsZero() {
		filter = "(" + filter + ") && created < {:before}"
		params["before"] = r.createdBefore.String()
	}
	return r.s.app.FindRecordsByFilter("orders", filter, "created", pollBatch, 0, params)
}

// recoverStuckSends: sends that never finished (the process died mid-call)
// may exist upstream, so they become unknown → reconciled, never resent.
func (r pollRun) recoverStuckSends() error {
	stuck, err := r.find("status = 'pending' && dispatch = 'sending' && next_attempt_at <= {:now}")
	if err != nil {
		return err
	}
	for _, o := range stuck {
		err := r.s.updateOrder(o.Id, func(tx core.App, o *core.Record) error {
			if o.GetString("status") != OrderPending || o.GetString("dispatch") != dispatchSending {
				return nil
			}
			o.Set("dispatch", dispatchUnknown) // next_attempt_at is past: reconciled in this run
			return tx.Save(o)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// reconcileUnknown looks for unknown outcomes among the provider's recent
// transactions, one list per endpoint. A list that cannot be read is tried
// again next run.
func (r pollRun) reconcileUnknown(ctx context.Context, st *PollStats) error {
	unknown, err := r.find("status = 'pending' && review = '' && dispatch = 'unknown' && next_attempt_at <= {:now}")
	if err != nil {
		return err
	}
	byEndpoint := map[vipreseller.Endpoint][]*core.Record{}
	for _, o := range unknown {
		ep := endpointFor(o.GetString("category"))
		byEndpoint[ep] = append(byEndpoint[ep], o)
	}
	for ep, orders := range byEndpoint {
		n, err := r.s.reconcile(ctx, ep, orders)
		st.Reconciled += n
		if err != nil {
			r.s.app.Logger().Warn("poll: reconcile could not list provider transactions; will try again", "endpoint", string(ep), "error", err)
		}
	}
	return nil
}

// sendDue sends queued orders (a crash after commit) and retries that are
// due. After the reconcile on purpose: a backlog sent first would push the
// unknown orders' transactions out of the provider's recent list.
func (r pollRun) sendDue(ctx context.Context, st *PollStats) error {
	due, err := r.find("status = 'pending' && review = '' && (dispatch = 'queued' || (dispatch = 'retry' && next_attempt_at <= {:now}))")
	if err != nil {
		return err
	}
	for _, o := range due {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err := r.s.Dispatch(ctx, o.Id); err != nil {
			r.s.app.Logger().Error("poll: dispatch failed", "order", o.Id, "error", err)
		}
		st.Dispatched++
	}
	return nil
}

// checkProcessing asks about processing orders without news, each by its
// own backoff. A few at a time: concurrent checks share status pages behind
// the provider's rate limiter (Client.Confirm); each write stays its own
// short transaction.
func (r pollRun) checkProcessing(ctx context.Context, st *PollStats) error {
	processing, err := r.find("status = 'processing' && review = '' && external_id != '' && next_attempt_at <= {:now}")
	if err != nil {
		return err
	}
	var (
		mu  sync.Mutex
		wg  sync.WaitGroup
		sem = make(chan struct{}, pollWorkers)
	)
	for _, o := range processing {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			defer r.s.recoverLog("poll check", o.Id)
			err := r.s.checkProcessing(ctx, o)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				r.s.app.Logger().Warn("poll: status check failed; will try again", "order", o.Id, "error", err)
				st.Failed++
				return
			}
			st.Checked++
		})
	}
	wg.Wait()
	return nil
}

// checkProcessing asks the provider about one processing order and applies
// the answer; without a final answer it schedules the next check, and after
// 72 hours it asks a person to look.
func (s *Service) checkProcessing(ctx context.Context, o *core.Record) error {
	trx, err := s.client.Confirm(ctx, endpointFor(o.GetString("category")), o.GetString("external_id"))
	var apiErr *vipreseller.APIError
	if err != nil && !errors.As(err, &apiErr) {
		return err
	}
	if apiErr != nil {
		// "Transaksi tidak ditemukan." for an accepted trxid is odd but not
		// final: keep asking on the backoff, and the 72-hour review catches it.
		s.app.Logger().Warn("poll: the provider does not know an accepted trxid", "order", o.Id, "message", apiErr.Message)
	}
	return s.updateOrder(o.Id, func(tx core.App, o *core.Record) error {
		if o.GetString("status") != OrderProcessing {
			return nil // a callback got there first
		}
		if err == nil {
			outcome, aerr := s.applyNews(tx, o, newsFrom(trx), SourcePoll)
			if aerr != nil || outcome == OutcomeApplied {
				return aerr
			}
		}
		attempts := o.GetInt("poll_attempts") + 1
		o.Set("poll_attempts", attempts)
		o.Set("checked_at", types.NowDateTime())
		o.Set("next_attempt_at", types.NowDateTime().Add(pollDelay(attempts)))
		if since := o.GetDateTime("submitted_at"); !since.IsZero() && time.Since(since.Time()) > reviewAfter {
			o.Set("review", "No final status from VIP-Reseller after 72 hours; check trxid "+o.GetString("external_id")+" at the provider.")
			s.app.Logger().Warn("order needs a person: no final status after 72 hours", "order", o.Id, "number", o.GetString("number"))
		}
		return tx.Save(o)
	})
}
