package hooks

import (
	"context"
	"errors"
	"fmt"
	"strings"
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

// reconcileListLimit is how many recent provider transactions a reconcile
// looks through (type=status&limit=N) per endpoint.
const reconcileListLimit = 100

// PollStats is what one poll run did.
type PollStats struct {
	Dispatched, Reconciled, Checked, Failed int
}

// endpointFor is the provider API area of an order category.
func endpointFor(category string) vipreseller.Endpoint {
	switch category {
	case CategoryGame:
		return vipreseller.EndpointGame
	case CategoryPrepaid:
		return vipreseller.EndpointPrepaid
	default:
		return vipreseller.EndpointSocial
	}
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
func (s *Service) poll(ctx context.Context, createdBefore types.DateTime) (PollStats, error) {
	var st PollStats
	if s.client == nil {
		return st, ErrNotConfigured
	}
	now := types.NowDateTime().String()
	findOrders := func(filter, now string) ([]*core.Record, error) {
		params := dbx.Params{"now": now}
		if !createdBefore.IsZero() {
			filter = "(" + filter + ") && created < {:before}"
			params["before"] = createdBefore.String()
		}
		return s.app.FindRecordsByFilter("orders", filter, "created", pollBatch, 0, params)
	}

	// 1. sends that never finished (process died mid-call): the order may
	// exist upstream, so it becomes unknown → reconciled, never resent.
	stuck, err := findOrders("status = 'pending' && dispatch = 'sending' && next_attempt_at <= {:now}", now)
	if err != nil {
		return st, err
	}
	for _, o := range stuck {
		err := s.updateOrder(o.Id, func(tx core.App, o *core.Record) error {
			if o.GetString("status") != OrderPending || o.GetString("dispatch") != dispatchSending {
				return nil
			}
			o.Set("dispatch", dispatchUnknown) // next_attempt_at is past: reconciled in this run
			return tx.Save(o)
		})
		if err != nil {
			return st, err
		}
	}

	// 2. unknown outcomes: look for them among the provider's recent transactions.
	unknown, err := findOrders("status = 'pending' && review = '' && dispatch = 'unknown' && next_attempt_at <= {:now}", now)
	if err != nil {
		return st, err
	}
	byEndpoint := map[vipreseller.Endpoint][]*core.Record{}
	for _, o := range unknown {
		ep := endpointFor(o.GetString("category"))
		byEndpoint[ep] = append(byEndpoint[ep], o)
	}
	for ep, orders := range byEndpoint {
		n, err := s.reconcile(ctx, ep, orders)
		st.Reconciled += n
		if err != nil {
			s.app.Logger().Warn("poll: reconcile could not list provider transactions; will try again", "endpoint", string(ep), "error", err)
		}
	}

	// 3. queued (crash after commit) and retries that are due. After the
	// reconcile on purpose: a backlog sent first would push the unknown
	// orders' transactions out of the provider's recent list.
	due, err := findOrders("status = 'pending' && review = '' && (dispatch = 'queued' || (dispatch = 'retry' && next_attempt_at <= {:now}))", now)
	if err != nil {
		return st, err
	}
	for _, o := range due {
		if ctx.Err() != nil {
			return st, ctx.Err()
		}
		if err := s.Dispatch(ctx, o.Id); err != nil {
			s.app.Logger().Error("poll: dispatch failed", "order", o.Id, "error", err)
		}
		st.Dispatched++
	}

	// 4. processing orders without news, by their own backoff.
	processing, err := findOrders("status = 'processing' && review = '' && external_id != '' && next_attempt_at <= {:now}", now)
	if err != nil {
		return st, err
	}
	// A few at a time: concurrent checks share status pages behind the
	// provider's rate limiter (Client.Confirm); each write stays its own
	// short transaction.
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
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			defer s.recoverLog("poll check", o.Id)
			err := s.checkProcessing(ctx, o)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				s.app.Logger().Warn("poll: status check failed; will try again", "order", o.Id, "error", err)
				st.Failed++
				return
			}
			st.Checked++
		}()
	}
	wg.Wait()
	return st, ctx.Err()
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
			s.app.Logger().Warn("order needs a person: no final status after 72 hours", "order", o.GetString("number"))
		}
		return tx.Save(o)
	})
}

// reconcile matches unknown-outcome orders against the endpoint's recent
// transactions: one match → adopt its trxid; none after the grace period →
// failed + refund; several → review by a person. It returns how many
// orders it settled.
func (s *Service) reconcile(ctx context.Context, ep vipreseller.Endpoint, orders []*core.Record) (int, error) {
	list, err := s.client.Status(ctx, ep, vipreseller.StatusParams{Limit: reconcileListLimit})
	var apiErr *vipreseller.APIError
	if errors.As(err, &apiErr) && apiErr.NotFound() {
		list, err = nil, nil // no transactions at all
	}
	if err != nil {
		return 0, err
	}
	// trxids already owned by an order cannot be another order's.
	ids := make([]any, 0, len(list))
	for _, t := range list {
		ids = append(ids, t.TrxID)
	}
	taken := map[string]bool{}
	var oldestOwned time.Time // the earliest send among our orders on this page
	if len(ids) > 0 {
		var owned []*core.Record
		if err := s.app.RecordQuery("orders").AndWhere(dbx.In("external_id", ids...)).All(&owned); err != nil {
			return 0, err
		}
		for _, o := range owned {
			taken[o.GetString("external_id")] = true
			if t := lastSend(o); !t.IsZero() && (oldestOwned.IsZero() || t.Before(oldestOwned)) {
				oldestOwned = t
			}
		}
	}
	// A full page may have cut off older transactions: then "no match" is
	// evidence only if the page reaches back past this send, i.e. it holds
	// a transaction of ours whose send had ended before this one began.
	full := len(list) >= reconcileListLimit
	reachesBack := func(o *core.Record) bool {
		return !oldestOwned.IsZero() && oldestOwned.Before(lastSend(o).Add(-s.sendTimeout()))
	}
	settled := 0
	for _, o := range orders {
		var matches []vipreseller.Transaction
		for _, t := range list {
			if !taken[t.TrxID] && transactionMatches(o, t) {
				matches = append(matches, t)
			}
		}
		err := s.updateOrder(o.Id, func(tx core.App, o *core.Record) error {
			if o.GetString("status") != OrderPending || o.GetString("dispatch") != dispatchUnknown {
				return nil
			}
			// A page that reaches back past the send, read once the send has
			// settled (the provider had time to book it), is evidence of
			// absence. It is remembered (poll_attempts counts such looks for
			// unknown orders), because by the end of the grace a busy store
			// has pushed the order off the provider's recent page.
			since := time.Since(lastSend(o))
			conclusive := !full || reachesBack(o)
			if len(matches) == 0 && conclusive && since >= s.sendTimeout()+time.Minute {
				o.Set("poll_attempts", o.GetInt("poll_attempts")+1)
			}
			switch {
			case len(matches) == 1:
				taken[matches[0].TrxID] = true
				settled++
				return s.adoptTransaction(tx, o, matches[0], SourceReconcile)
			case len(matches) > 1:
				ids := make([]string, len(matches))
				for i, m := range matches {
					ids[i] = m.TrxID
				}
				o.Set("review", fmt.Sprintf("The send's outcome was unknown and %d VIP-Reseller transactions match it (%s). "+
					"Check them at the provider and set this order's status by hand.", len(matches), strings.Join(ids, ", ")))
				s.app.Logger().Warn("order needs a person: several provider transactions match", "order", o.GetString("number"), "trxids", ids)
				return tx.Save(o)
			case since < reconcileGrace:
				o.Set("next_attempt_at", types.NowDateTime().Add(time.Minute))
				return tx.Save(o)
			case !conclusive && o.GetInt("poll_attempts") == 0:
				o.Set("review", fmt.Sprintf("The send's outcome was unknown and this order is not among VIP-Reseller's "+
					"latest %d transactions, which may not reach back far enough. Check the target at the provider "+
					"and set this order's status by hand.", reconcileListLimit))
				s.app.Logger().Warn("order needs a person: not in the provider's recent transactions", "order", o.GetString("number"))
				return tx.Save(o)
			default:
				settled++
				_, err := s.failOrder(tx, o, MsgNoProviderRecord, SourceReconcile)
				return err
			}
		})
		if err != nil {
			return settled, err
		}
	}
	return settled, nil
}

// MsgNoProviderRecord is the note of an order failed by reconciliation.
const MsgNoProviderRecord = "VIP-Reseller has no record of this order."

// lastSend is when the order's latest send started.
func lastSend(o *core.Record) time.Time {
	if t := o.GetDateTime("sent_at"); !t.IsZero() {
		return t.Time()
	}
	return o.GetDateTime("submitted_at").Time()
}

// pickTrx returns the item of a status answer that is trxid. An answer
// about other transactions (a provider ignoring the trxid parameter) is no
// answer at all: applying it would move the wrong order.
func pickTrx(list []vipreseller.Transaction, trxid string) (vipreseller.Transaction, bool) {
	for _, t := range list {
		if t.TrxID == trxid {
			return t, true
		}
	}
	return vipreseller.Transaction{}, false
}

// transactionMatches tells whether a provider transaction is this order:
// same target (and zone), same service.
func transactionMatches(o *core.Record, t vipreseller.Transaction) bool {
	if !strings.EqualFold(strings.TrimSpace(t.Data), o.GetString("target")) {
		return false
	}
	if o.GetString("category") == CategoryGame && strings.TrimSpace(t.Zone) != o.GetString("zone") {
		return false
	}
	code, name := o.GetString("service_code"), o.GetString("service_name")
	switch {
	case t.Code != "":
		return t.Code == code
	case t.Service == code:
		return true
	default:
		return name != "" && (t.Service == name || strings.HasSuffix(t.Service, " - "+name))
	}
}
