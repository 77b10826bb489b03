package hooks

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/vipbase/vipbase/vipreseller"
)

// Dispatch policy (design §5).
const (
	// retryWindow: an order the provider keeps refusing for balance or
	// throttling is failed and refunded after this long.
	retryWindow = 30 * time.Minute
	// reconcileGrace: an unknown-outcome order that the provider's recent
	// transactions still do not show after this long is failed and refunded.
	reconcileGrace = 10 * time.Minute
	// reviewAfter: a processing order without a final status is flagged for
	// a person after this long.
	reviewAfter = 72 * time.Hour
)

// retrySchedule spaces sends after a balance/throttle refusal.
var retrySchedule = []time.Duration{15 * time.Second, 30 * time.Second, time.Minute, 2 * time.Minute, 5 * time.Minute}

// errNotClaimed means another caller claimed the order first (or it is no
// longer due): nothing is sent.
var errNotClaimed = errors.New("order not claimed")

// Dispatch sends a pending order to the provider, at most once. The order
// is claimed (queued/retry → sending) in a short transaction only when the
// send can start — after the order spacing and the rate limiter
// (vipreseller.WithClaim) — so a route, the sweeper and an admin click
// racing for the same order send it once, a crash while waiting for the
// limiter leaves the order queued (sent after the restart), and a crash
// after the claim leaves "sending", which is reconciled, never resent. No
// transaction is open during the provider call.
func (s *Service) Dispatch(ctx context.Context, orderID string) error {
	o, err := s.app.FindRecordById("orders", orderID)
	if err != nil {
		return err
	}
	if !dispatchDue(o) {
		return nil
	}
	claimed := false
	claim := func() error {
		return s.updateOrder(orderID, func(tx core.App, o *core.Record) error {
			claimed = false
			if !dispatchDue(o) {
				return errNotClaimed
			}
			now := types.NowDateTime()
			o.Set("dispatch", dispatchSending)
			o.Set("dispatch_attempts", o.GetInt("dispatch_attempts")+1)
			if o.GetDateTime("submitted_at").IsZero() {
				o.Set("submitted_at", now)
			}
			o.Set("sent_at", now) // the reconcile grace counts from the latest send
			// If we are still "sending" at this time the process died or hung
			// mid-send: the sweeper then reconciles instead.
			o.Set("next_attempt_at", now.Add(s.sendTimeout()+time.Minute))
			if err := tx.Save(o); err != nil {
				return err
			}
			claimed = true
			return nil
		})
	}
	// The waits before the claim end with ctx; once claimed, the POST runs
	// to the client's timeout whatever happens to the caller.
	trx, sendErr := s.sendOrder(vipreseller.WithClaim(ctx, claim), o)
	switch {
	case errors.Is(sendErr, errNotClaimed):
		return nil
	case !claimed:
		// Nothing was claimed, so nothing was sent: the order stays as it
		// is (queued, or retry) for the next sweep.
		if sendErr != nil && ctx.Err() == nil {
			return fmt.Errorf("dispatch %s: not sent: %w", orderID, sendErr)
		}
		return nil
	}
	return s.applySendResult(orderID, trx, sendErr)
}

// dispatchDue reports whether an order may be claimed for sending now.
func dispatchDue(o *core.Record) bool {
	if o.GetString("status") != OrderPending {
		return false
	}
	switch o.GetString("dispatch") {
	case dispatchQueued:
		return true
	case dispatchRetry:
		return !o.GetDateTime("next_attempt_at").After(types.NowDateTime())
	}
	return false
}

func (s *Service) sendTimeout() time.Duration {
	if s.cfg.Timeout > 0 {
		return s.cfg.Timeout
	}
	return 30 * time.Second
}

// sendOrder is the one provider order POST for an order. Never retried.
func (s *Service) sendOrder(ctx context.Context, o *core.Record) (*vipreseller.Transaction, error) {
	code, target := o.GetString("service_code"), o.GetString("target")
	switch o.GetString("category") {
	case CategoryGame:
		return s.client.Game.Order(ctx, vipreseller.GameOrderParams{Service: code, DataNo: target, Zone: o.GetString("zone")})
	case CategoryPrepaid:
		return s.client.Prepaid.Order(ctx, vipreseller.PrepaidOrderParams{Service: code, DataNo: target})
	default:
		return s.client.Social.Order(ctx, vipreseller.SocialOrderParams{Service: code, Data: target, Quantity: int64(o.GetInt("quantity"))})
	}
}

// applySendResult records what the order POST told us (design §5).
func (s *Service) applySendResult(orderID string, trx *vipreseller.Transaction, sendErr error) error {
	var apiErr *vipreseller.APIError
	log := s.app.Logger().With("order", orderID)
	return s.updateOrder(orderID, func(tx core.App, o *core.Record) error {
		switch {
		case sendErr == nil:
			return s.adoptTransaction(tx, o, *trx, SourceDispatch)

		case errors.As(sendErr, &apiErr) && apiErr.Retryable():
			// The provider's reason (its balance, its throttle) is the
			// operator's business: it goes to the log, not to the shopper.
			if time.Since(o.GetDateTime("created").Time()) >= retryWindow {
				log.Warn("order failed: VIP-Reseller refused it for 30 minutes", "reason", apiErr.Message)
				_, err := s.failOrder(tx, o, "The provider could not take the order in time.", SourceDispatch)
				return err
			}
			attempt := min(o.GetInt("dispatch_attempts")-1, len(retrySchedule)-1)
			o.Set("dispatch", dispatchRetry)
			o.Set("next_attempt_at", types.NowDateTime().Add(retrySchedule[max(attempt, 0)]))
			log.Warn("VIP-Reseller refused the order for now; will send again", "reason", apiErr.Message)
			return tx.Save(o)

		case errors.As(sendErr, &apiErr):
			_, err := s.failOrder(tx, o, apiErr.Message, SourceDispatch)
			return err

		case !errors.Is(sendErr, vipreseller.ErrUnknownOutcome):
			// The client guarantees that anything which may have reached the
			// provider is ErrUnknownOutcome; this never left (for example a
			// context cancelled while waiting for the rate limiter).
			o.Set("dispatch", dispatchQueued)
			o.Set("next_attempt_at", types.NowDateTime())
			log.Warn("order was not sent; queued again", "error", sendErr)
			return tx.Save(o)

		default:
			// Timeout, 5xx, garbage: the provider may have bought it. Keep
			// the money where it is and find out; never send it again.
			o.Set("dispatch", dispatchUnknown)
			o.Set("next_attempt_at", types.NowDateTime().Add(time.Minute))
			log.Warn("order outcome unknown; it will be reconciled, not resent", "error", sendErr)
			return tx.Save(o)
		}
	})
}

// adoptTransaction stores the provider's trxid on the order and applies the
// status the provider reported with it.
func (s *Service) adoptTransaction(tx core.App, o *core.Record, trx vipreseller.Transaction, source string) error {
	if o.GetString("external_id") == "" {
		clash, _ := tx.FindFirstRecordByData("orders", "external_id", trx.TrxID)
		if clash != nil && clash.Id != o.Id {
			o.Set("review", "VIP-Reseller returned trxid "+trx.TrxID+", which already belongs to order "+
				clash.GetString("number")+". Check both at the provider.")
			o.Set("dispatch", dispatchUnknown)
			return tx.Save(o)
		}
		o.Set("external_id", trx.TrxID)
	}
	o.Set("dispatch", dispatchSent)
	if trx.Price > 0 {
		o.Set("cost", trx.Price) // the provider's charge is authoritative
	}
	news := newsFrom(trx)
	if orderStatusFor(news.Status) == "" {
		news.Status = vipreseller.StatusWaiting // accepted with an odd status: poll it
	}
	_, err := s.applyNews(tx, o, news, source)
	return err
}

// dispatchAsync starts Dispatch in the background (tracked, so shutdown and
// tests wait for it) and returns a channel closed when it is done.
func (s *Service) dispatchAsync(orderID string) <-chan struct{} {
	done := make(chan struct{})
	s.inflight.Add(1)
	s.dispatches.Add(1)
	go func() {
		defer s.inflight.Done()
		defer s.dispatches.Done()
		defer close(done)
		defer s.recoverLog("dispatch", orderID)
		// Shutdown ends the waits before the claim (the order stays queued
		// and is sent after the restart), never a send already claimed.
		ctx, cancel := context.WithTimeout(s.stop, s.sendTimeout()+30*time.Second)
		defer cancel()
		if err := s.Dispatch(ctx, orderID); err != nil {
			s.app.Logger().Error("dispatch failed", "order", orderID, "error", err)
		}
	}()
	return done
}

func (s *Service) recoverLog(what, id string) {
	if r := recover(); r != nil {
		s.app.Logger().Error(what+" panicked", "id", id, "panic", r)
	}
}

// WaitDispatches returns once every background dispatch started so far has
// finished. For tests and tools.
func (s *Service) WaitDispatches() { s.dispatches.Wait() }
