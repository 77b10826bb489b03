package hooks

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/vipbase/vipbase/payment"
)

// vip_payments_check (design §8, §11): unpaid payments past their expiry,
// or without news for a while, are asked of their gateway, so a lost
// notification costs minutes, not money; expired ones are closed.
const (
	CronPaymentsCheck = "vip_payments_check"
	// expiryGrace is how long past its expiry an unpaid payment stays open
	// for a notification still on its way.
	expiryGrace = 2 * time.Minute
	// quietCheck is the least time without news before an unpaid payment
	// is asked about; it grows with the payment's age: a quarter of it (a
	// day-long VA is not asked every 5 minutes), at most an hour.
	quietCheck = 5 * time.Minute
	// unopenedGrace is how long a payment without a gateway reference may
	// wait for its create before a lookup that finds nothing closes it.
	unopenedGrace      = 2 * time.Minute
	paymentsCheckBatch = 200
)

func (s *Service) registerPaymentsCheck() {
	s.addCron(CronPaymentsCheck, "* * * * *", 5*time.Minute, func(ctx context.Context) error { s.CheckPayments(ctx); return nil })
}

// CheckPayments is the vip_payments_check job; it returns how many
// payments it asked about. Runs never overlap.
func (s *Service) CheckPayments(ctx context.Context) int {
	if !s.payChecking.TryLock() {
		s.app.Logger().Info("payments check skipped: the previous run is still going")
		return 0
	}
	defer s.payChecking.Unlock()
	// Due: past the expiry and its grace, never asked, or quiet for
	// max(quietCheck, min(age/4, 1 h)) — computed here, so rows not yet due never take the
	// batch from those that are. Oldest news first.
	var due []*core.Record
	err := s.app.RecordQuery("payments").
		Where(dbx.HashExp{"status": PaymentUnpaid}).
		AndWhere(dbx.NewExp("(expires_at <= {:expired} OR checked_at = '' OR "+
			"(julianday('now') - julianday(checked_at)) * 86400 >= "+
			"max({:quiet}, min((julianday('now') - julianday(created)) * 86400 / 4, {:most})))",
			dbx.Params{"expired": types.NowDateTime().Add(-expiryGrace).String(),
				"quiet": quietCheck.Seconds(), "most": time.Hour.Seconds()})).
		OrderBy("checked_at").Limit(paymentsCheckBatch).All(&due)
	if err != nil {
		s.app.Logger().Error("payments check: could not list unpaid payments", "error", err)
		return 0
	}
	checked, failed := 0, 0
	for _, p := range due {
		if ctx.Err() != nil {
			break
		}
		checked++
		if err := s.checkPayment(ctx, p); err != nil {
			failed++
			s.app.Logger().Warn("payments check: no answer from the gateway; asked again later", "payment", p.GetString("number"), "error", err)
		}
	}
	if checked > 0 {
		s.app.Logger().Info("payments check", "asked", checked, "failed", failed)
	}
	return checked
}

// checkPayment asks the gateway about one payment and applies the answer;
// an unpaid payment past its expiry (and the grace) is closed.
func (s *Service) checkPayment(ctx context.Context, p *core.Record) error {
	gw := s.gateway(p.GetString("gateway"))
	if gw == nil {
		s.touchPayment(p.Id) // to the back of the queue: it must not hold up the others
		return errors.New("gateway " + p.GetString("gateway") + " is not configured: the payment cannot be checked or closed")
	}
	var (
		t   payment.Transaction
		err error
	)
	if p.GetString("reference") == "" {
		// A checkout may be opening it right now: wait for it, then look
		// again (it may have its reference now).
		defer s.openings.lock(p.Id)()
		if fresh, ferr := s.app.FindRecordById("payments", p.Id); ferr == nil {
			if fresh.GetString("status") != PaymentUnpaid {
				return nil
			}
			p = fresh
		}
	}
	if ref := p.GetString("reference"); ref != "" {
		t, err = s.confirm(ctx, gw, ref, time.Now())
	} else {
		// The create never answered: it is found by our number, or it
		// never happened.
		t, err = gw.Find(ctx, p.GetString("number"))
		if errors.Is(err, payment.ErrNotFound) {
			if time.Since(p.GetDateTime("created").Time()) < unopenedGrace {
				return nil
			}
			return s.closeUnopened(p.Id, PaymentFailed, "The gateway never created this payment.")
		}
	}
	if err != nil {
		s.touchPayment(p.Id)
		return err
	}
	if _, err := s.settle(p.Id, t, SourcePayment, nil); err != nil {
		return err
	}
	if t.Status != payment.StatusUnpaid || t.Hold != "" {
		return nil // applied, paid with the wrong amount, or held for a person: never closed as if unpaid
	}
	fresh, err := s.app.FindRecordById("payments", p.Id)
	if err != nil || fresh.GetString("status") != PaymentUnpaid {
		return err
	}
	if exp := fresh.GetDateTime("expires_at"); !exp.IsZero() && time.Now().After(exp.Time().Add(expiryGrace)) {
		// The gateway still says unpaid after the window: we stop waiting,
		// and a gateway that can be told so is told first (nobody pays a
		// closed checkout there). A payment it confirms later anyway
		// re-opens the order (applyPayment).
		if ex, ok := gw.(payment.Expirer); ok {
			if err := ex.Expire(ctx, fresh.GetString("reference")); err != nil {
				return fmt.Errorf("expire at %s: %w", gw.Name(), err)
			}
		}
		return s.writes.Do(func(tx core.App) error {
			p, err := tx.FindRecordById("payments", p.Id)
			if err != nil || p.GetString("status") != PaymentUnpaid {
				return err
			}
			return s.closePayment(tx, p, PaymentExpired, SourcePayment, "Not paid in time.")
		})
	}
	return nil
}

// touchPayment records that a payment was asked about, for the backoff.
func (s *Service) touchPayment(id string) {
	_ = s.writes.Do(func(tx core.App) error {
		_, err := tx.DB().Update("payments", dbx.Params{"checked_at": types.NowDateTime().String()}, dbx.HashExp{"id": id}).Execute()
		return err
	})
}
