package hooks

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/vipbase/vipbase/vipreseller"
)

// WebhookPath is where VIP-Reseller sends callbacks.
const WebhookPath = "/api/webhooks/vip-reseller"

// webhookBodyLimit: a callback is a few hundred bytes; 64 KB is generous.
const webhookBodyLimit = 64 << 10

// webhookLookupWait bounds the status confirmation of one callback.
const webhookLookupWait = 5 * time.Second

// Outcomes of a callback beyond applied/duplicate/stale (webhook_logs.outcome).
const (
	OutcomeUnknownOrder = "unknown_order"
	OutcomeRejected     = "rejected"
	OutcomeInvalid      = "invalid"
	OutcomeDeferred     = "deferred"
	OutcomeError        = "error"
)

func (s *Service) registerWebhook() {
	s.app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		// webhook_logs is the callback log (every request, with its outcome);
		// PocketBase's request log keeps only the webhook's failed requests.
		se.Router.POST(WebhookPath, s.handleWebhook).Bind(apis.BodyLimit(webhookBodyLimit), apis.SkipSuccessActivityLog())
		se.Router.GET(WebhookPath, s.handleWebhookHealth)
		return se.Next()
	})
}

// handleWebhook receives a callback. It is a hint: before a terminal
// transition the provider's status API is asked, and its answer is applied.
func (s *Service) handleWebhook(e *core.RequestEvent) error {
	ip := e.RealIP()
	body, err := io.ReadAll(e.Request.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return apiError(http.StatusRequestEntityTooLarge, CodeBodyTooLarge, "Callback body too large.", nil)
		}
		return apiError(http.StatusBadRequest, CodeInvalidCallback, "Could not read the callback.", err)
	}
	// Until the signature checks out the body is anybody's: keep a short
	// sample only, so forged traffic cannot fill the database.
	logBase := webhookLog{ip: ip, payload: map[string]any{"sample": truncate(s.redactText(string(body)), 512)}}

	if len(s.cfg.CallbackIPs) > 0 && !slices.Contains(s.cfg.CallbackIPs, ip) {
		logBase.outcome, logBase.err = OutcomeRejected, "source IP "+ip+" is not in VIP_RESELLER_CALLBACK_IPS"
		s.logWebhook(logBase)
		return apiError(http.StatusForbidden, CodeSourceNotAllowed, "Callback source not allowed.", nil)
	}
	if err := vipreseller.VerifyCallback(s.cfg.APIID, s.cfg.APIKey, e.Request.Header.Get(vipreseller.CallbackSignatureHeader)); err != nil {
		logBase.outcome, logBase.err = OutcomeRejected, err.Error()
		s.logWebhook(logBase)
		return apiError(http.StatusUnauthorized, CodeSignatureInvalid, "Invalid callback signature.", nil)
	}
	logBase.signatureValid = true
	logBase.payload = s.redactPayload(body, e.Request.Header.Get("Content-Type"))

	items, err := vipreseller.ParseCallback(body, e.Request.Header.Get("Content-Type"))
	if err != nil {
		logBase.outcome, logBase.err = OutcomeInvalid, err.Error()
		s.logWebhook(logBase)
		return apiError(http.StatusBadRequest, CodeInvalidCallback, "Invalid callback: "+err.Error(), nil)
	}
	for _, it := range items {
		s.handleCallbackItem(e.Request.Context(), logBase, it)
	}
	return e.JSON(http.StatusOK, map[string]any{"success": true})
}

// handleCallbackItem applies one transaction update and logs its outcome,
// in the same transaction when it changes the order.
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
			if err != nil {
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
	if err != nil {
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

// logWebhook stores a log row that comes with no order change.
func (s *Service) logWebhook(l webhookLog) {
	_ = s.writes.Do(func(tx core.App) error { return s.saveWebhookLog(tx, l) })
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
		if err := s.app.Save(o); err != nil {
			s.app.Logger().Error("webhook: could not flag an order for review", "order", o.Id, "error", err)
			continue
		}
		s.app.Logger().Warn("order needs a person: provider reported a transaction after reconciliation failed it",
			"order", o.Id, "number", o.GetString("number"), "trxid", it.TrxID)
	}
}
