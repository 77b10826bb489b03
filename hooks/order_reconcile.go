package hooks

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/vipbase/vipbase/vipreseller"
)

// reconcileListLimit is how many recent provider transactions a reconcile
// looks through (type=status&limit=N) per endpoint.
const reconcileListLimit = 100

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
		// Decided inside, counted once it committed: updateOrder may run
		// the function again (pbsqlite.GroupCommit).
		var adopted, done bool
		err := s.updateOrder(o.Id, func(tx core.App, o *core.Record) error {
			adopted, done = false, false
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
				adopted, done = true, true
				return s.adoptTransaction(tx, o, matches[0], SourceReconcile)
			case len(matches) > 1:
				ids := make([]string, len(matches))
				for i, m := range matches {
					ids[i] = m.TrxID
				}
				o.Set("review", fmt.Sprintf("The send's outcome was unknown and %d VIP-Reseller transactions match it (%s). "+
					"Check them at the provider and set this order's status by hand.", len(matches), strings.Join(ids, ", ")))
				s.app.Logger().Warn("order needs a person: several provider transactions match", "order", o.Id, "number", o.GetString("number"), "trxids", ids)
				return tx.Save(o)
			case since < reconcileGrace:
				o.Set("next_attempt_at", types.NowDateTime().Add(time.Minute))
				return tx.Save(o)
			case !conclusive && o.GetInt("poll_attempts") == 0:
				o.Set("review", fmt.Sprintf("The send's outcome was unknown and this order is not among VIP-Reseller's "+
					"latest %d transactions, which may not reach back far enough. Check the target at the provider "+
					"and set this order's status by hand.", reconcileListLimit))
				s.app.Logger().Warn("order needs a person: not in the provider's recent transactions", "order", o.Id, "number", o.GetString("number"))
				return tx.Save(o)
			default:
				done = true
				_, err := s.failOrder(tx, o, MsgNoProviderRecord, SourceReconcile)
				return err
			}
		})
		if err != nil {
			return settled, err
		}
		if adopted {
			taken[matches[0].TrxID] = true
		}
		if done {
			settled++
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
