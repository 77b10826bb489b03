package hooks

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"github.com/vipbase/vipbase/vipreseller"
)

// WebhookPath is where VIP-Reseller sends callbacks.
const WebhookPath = "/api/webhooks/vip-reseller"

// webhookBodyLimit: a callback is a few hundred bytes; 64 KB is generous.
const webhookBodyLimit = 64 << 10

// webhookMaxItems caps the transactions of one callback. The provider sends
// one; a list of thousands (64 KB of tiny items) is refused, not stored as
// thousands of rows.
const webhookMaxItems = 100

// webhookLookupWait bounds the status confirmation of one callback in the
// background; what the rate limiter cannot serve in time is left to the
// poller (outcome deferred).
const webhookLookupWait = 45 * time.Second

// Outcomes of a callback beyond applied/duplicate/stale (webhook_logs.outcome).
const (
	OutcomeReceived     = "received" // stored and answered; processing in the background
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
		s.startInbox()
		return se.Next()
	})
}

// handleWebhook receives a callback (design §6): verified, stored as
// `received` rows and answered at once; confirming it with the provider's
// status API and applying the answer happen in the background
// (webhook_inbox.go), so the answer never waits on our own provider calls.
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
	// Until the signature checks out the body is anybody's: refusals are
	// counted per source IP and minute with a few samples (webhook_rejects.go),
	// so a flood costs a bounded number of rows.
	if len(s.cfg.CallbackIPs) > 0 && !slices.Contains(s.cfg.CallbackIPs, ip) {
		s.rejects.count(ip, rejectSourceIP, s.sample(body))
		return apiError(http.StatusForbidden, CodeSourceNotAllowed, "Callback source not allowed.", nil)
	}
	if err := vipreseller.VerifyCallback(s.cfg.APIID, s.cfg.APIKey, e.Request.Header.Get(vipreseller.CallbackSignatureHeader)); err != nil {
		s.rejects.count(ip, err.Error(), s.sample(body))
		return apiError(http.StatusUnauthorized, CodeSignatureInvalid, "Invalid callback signature.", nil)
	}

	contentType := e.Request.Header.Get("Content-Type")
	items, err := vipreseller.ParseCallback(body, contentType)
	if err == nil && len(items) > webhookMaxItems {
		err = fmt.Errorf("%d transactions in one callback; at most %d are accepted", len(items), webhookMaxItems)
		s.logWebhook(webhookLog{ip: ip, signatureValid: true, outcome: OutcomeInvalid, err: err.Error(), payload: s.sample(body)})
		return apiError(http.StatusBadRequest, CodeTooManyItems, "Too many transactions in one callback.", nil)
	}
	if err != nil {
		s.logWebhook(webhookLog{ip: ip, signatureValid: true, outcome: OutcomeInvalid, err: err.Error(),
			payload: s.redactPayload(body, contentType)})
		return apiError(http.StatusBadRequest, CodeInvalidCallback, "Invalid callback: "+err.Error(), nil)
	}
	ids, err := s.receiveCallback(ip, items)
	if err != nil {
		s.app.Logger().Error("webhook: could not store a callback", "ip", ip, "items", len(items), "error", err)
		return apiError(http.StatusInternalServerError, CodeInternal, "The callback could not be stored; send it again.", err)
	}
	s.inbox.enqueue(ids...)
	return e.JSON(http.StatusOK, map[string]any{"success": true})
}

// receiveCallback stores one `received` row per transaction of a verified
// callback, each with its own item as payload (the body is stored once,
// whatever the number of items); the rows of one multi-item callback share
// a request id. It returns once the rows are committed.
func (s *Service) receiveCallback(ip string, items []vipreseller.CallbackItem) ([]string, error) {
	request := ""
	if len(items) > 1 {
		request = core.GenerateDefaultRandomId()
	}
	logs := make([]webhookLog, len(items))
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = core.GenerateDefaultRandomId()
		logs[i] = webhookLog{id: ids[i], ip: ip, signatureValid: true, outcome: OutcomeReceived,
			trxID: it.TrxID, status: it.Status, request: request, payload: s.redactRaw(it.Raw)}
	}
	return ids, s.receipts.add(logs)
}

// sample is what is kept of a body nobody vouched for.
func (s *Service) sample(body []byte) map[string]any {
	return map[string]any{"sample": truncate(s.redactText(string(body)), 512)}
}
