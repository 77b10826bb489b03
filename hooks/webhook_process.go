package hooks

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/vipbase/vipbase/vipreseller"
)

// processCallback finishes one `received` webhook_logs row: it reads the
// item back from the row, confirms a terminal claim with the provider's
// status API, applies the answer and sets the row's final outcome, in the
// same transaction as the order change. A row that is no longer `received`
// (processed by an earlier run) is left alone.
func (s *Service) processCallback(ctx context.Context, id string) {
	var row struct {
		TrxID   string `db:"trx_id"`
		Status  string `db:"status"`
		Payload string `db:"payload"`
		Outcome string `db:"outcome"`
	}
	err := s.app.DB().Select("trx_id", "status", "payload", "outcome").From("webhook_logs").
		Where(dbx.HashExp{"id": id}).One(&row)
	if err != nil || row.Outcome != OutcomeReceived {
		return
	}
	log := webhookLog{id: id, trxID: row.TrxID, status: row.Status}
	items, err := vipreseller.ParseCallback([]byte(row.Payload), "application/json")
	if err != nil || len(items) != 1 {
		log.outcome, log.err = OutcomeInvalid, "the stored callback cannot be read back"
		s.logWebhook(log)
		return
	}
	s.handleCallbackItem(ctx, log, items[0])
}

// handleCallbackItem applies one transaction update and sets its row's
// outcome, in the same transaction when it changes the order.
func (s *Service) handleCallbackItem(ctx context.Context, log webhookLog, it vipreseller.CallbackItem) {
	log.trxID, log.status = it.TrxID, it.Status
	if it.TrxID == "" || orderStatusFor(it.Status) == "" {
		log.outcome, log.err = OutcomeInvalid, "a callback needs a trxid and a known status"
		s.logWebhook(log)
		return
	}
	o, err := findOrderByTrx(s.app, it.TrxID)
	if errors.Is(err, sql.ErrNoRows) {
		log.outcome = OutcomeUnknownOrder
		s.logWebhook(log)
		s.flagReconcileMistake(it)
		return
	}
	if err != nil {
		log.outcome, log.err = OutcomeError, "order lookup failed: "+err.Error()
		s.logWebhook(log)
		s.app.Logger().Error("webhook: could not look up the order of a callback", "trxid", it.TrxID, "error", err)
		return
	}
	log.order = o.ID
	news := providerNews{Status: strings.ToLower(it.Status), Note: it.Note}

	// A terminal claim is confirmed with the provider first; a forward
	// "processing" hint is cheap and safe to take as it is.
	if claim := orderStatusFor(news.Status); IsTerminal(claim) && !IsTerminal(o.Status) {
		// Confirm coalesces a burst of callbacks into shared status pages,
		// and the wait is bounded: what the limiter cannot serve in time is
		// left to the poller instead of holding the provider's request open.
		lookupCtx, cancel := context.WithTimeout(ctx, webhookLookupWait)
		trx, err := s.client.Confirm(lookupCtx, endpointFor(o.Category), it.TrxID)
		cancel()
		if err != nil && s.stop.Err() != nil {
			return // shutting down: left `received`, processed after the next start
		}
		if err != nil {
			log.outcome, log.err = OutcomeDeferred, "status lookup failed; the poller will finish: "+err.Error()
			err = s.updateOrder(o.ID, func(tx core.App, o *core.Record) error {
				if o.GetString("status") == OrderProcessing {
					o.Set("next_attempt_at", types.NowDateTime()) // poll it at the next tick
					if err := s.writeRecord(tx, o); err != nil {
						return err
					}
				}
				return s.saveWebhookLog(tx, log)
			})
			if err != nil && !errors.Is(err, errCallbackDone) {
				s.app.Logger().Error("webhook: could not record a deferred callback", "trxid", it.TrxID, "error", err)
			}
			return
		}
		news = newsFrom(trx)
	}
	err = s.updateOrder(o.ID, func(tx core.App, o *core.Record) error {
		outcome, err := s.applyNews(tx, o, news, SourceWebhook)
		if err != nil {
			return err
		}
		log.outcome = outcome
		return s.saveWebhookLog(tx, log)
	})
	if err != nil && !errors.Is(err, errCallbackDone) {
		log.outcome, log.err = OutcomeError, err.Error()
		s.logWebhook(log)
		s.app.Logger().Error("webhook: could not apply a callback", "trxid", it.TrxID, "order", o.ID, "error", err)
	}
}

// orderRef is what a callback needs to know about its order before the
// write: a narrow row, several times cheaper to read than the record (a
// reader connection's page cache is dropped by every commit, so under a
// stream of callbacks each wide read starts cold).
type orderRef struct {
	ID       string `db:"id"`
	Status   string `db:"status"`
	Category string `db:"category"`
}

// findOrderByTrx finds the order of a provider trxid (sql.ErrNoRows: none).
func findOrderByTrx(app core.App, trxid string) (orderRef, error) {
	var o orderRef
	err := app.DB().NewQuery("SELECT id, status, category FROM orders WHERE external_id = {:trx} LIMIT 1").
		Bind(dbx.Params{"trx": trxid}).One(&o)
	return o, err
}

// flagReconcileMistake handles news about a trxid no order has: if an order
// for the same target was failed by reconciliation ("no record"), the
// provider may have executed it after all — a person must look, because the
// shopper was refunded for something that may be delivered.
func (s *Service) flagReconcileMistake(it vipreseller.CallbackItem) {
	if it.Target == "" || orderStatusFor(it.Status) == OrderFailed {
		return
	}
	suspects, err := s.app.FindRecordsByFilter("orders",
		"status = 'failed' && external_id = '' && target = {:t} && note = {:n} && review = ''", "-created", 10, 0,
		dbx.Params{"t": it.Target, "n": MsgNoProviderRecord})
	if err != nil {
		return
	}
	for _, o := range suspects {
		o.Set("review", "VIP-Reseller later reported trxid "+it.TrxID+" ("+it.Status+") for this target after this order "+
			"was failed and refunded by reconciliation. Check whether it was delivered.")
		// With its operator alert, in one transaction.
		if err := s.app.RunInTransaction(func(tx core.App) error { return tx.Save(o) }); err != nil {
			s.app.Logger().Error("webhook: could not flag an order for review", "order", o.Id, "error", err)
			continue
		}
		s.app.Logger().Warn("order needs a person: provider reported a transaction after reconciliation failed it",
			"order", o.Id, "number", o.GetString("number"), "trxid", it.TrxID)
	}
}
