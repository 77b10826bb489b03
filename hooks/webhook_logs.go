package hooks

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/vipbase/vipbase/vipreseller"
)

// webhookLog is one webhook_logs row. With an id it is a row of the
// inbox: inserted `received`, then finished with its outcome.
type webhookLog struct {
	id, request                            string
	trxID, status, ip, outcome, order, err string
	signatureValid                         bool
	requests                               int // how many requests the row stands for (0: one)
	payload                                any
}

// errCallbackDone means the row was finished by an earlier run: the run
// that finds it so changes nothing.
var errCallbackDone = errors.New("callback already processed")

// webhookLogPayloadMax is the payload field's MaxSize.
const webhookLogPayloadMax = 128 << 10

// saveWebhookLog writes l in tx: an inbox row (l.id) gets its outcome, if
// it is still `received` (errCallbackDone otherwise); any other row is
// inserted.
func (s *Service) saveWebhookLog(tx core.App, l webhookLog) error {
	if l.id == "" {
		return s.insertWebhookLog(tx, l)
	}
	// One conditional UPDATE (no hooks: the rows are superuser-only, and
	// this runs once per callback on the writer's hottest path).
	res, err := tx.DB().NewQuery("UPDATE {{webhook_logs}} SET [[outcome]] = {:o}, [[order]] = {:order}, [[error]] = {:e}, " +
		"[[updated]] = {:now} WHERE [[id]] = {:id} AND [[outcome]] = 'received'").
		Bind(dbx.Params{"o": l.outcome, "order": l.order, "e": truncate(l.err, 2000), "now": types.NowDateTime().String(), "id": l.id}).
		Execute()
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errCallbackDone
	}
	return nil
}

// insertWebhookLog adds l as a new row (with l.id when set). writeRecord:
// the values are kept within the fields here, lengths truncated and the
// outcome one of the select's values.
func (s *Service) insertWebhookLog(tx core.App, l webhookLog) error {
	payload := encodeLogPayload(l.payload)
	col, err := tx.FindCachedCollectionByNameOrId("webhook_logs")
	if err != nil {
		return err
	}
	r := core.NewRecord(col)
	r.Id = l.id
	r.Set("source", "vip-reseller")
	r.Set("trx_id", truncate(l.trxID, 100))
	r.Set("status", truncate(l.status, 50))
	r.Set("payload", types.JSONRaw(payload))
	r.Set("ip", truncate(l.ip, 100))
	r.Set("signature_valid", l.signatureValid)
	r.Set("outcome", l.outcome)
	r.Set("order", l.order)
	r.Set("error", truncate(l.err, 2000))
	r.Set("request", l.request)
	r.Set("requests", max(l.requests, 1))
	return s.writeWebhookLog(tx, r)
}

// encodeLogPayload is a row's payload as stored: JSON within the field's
// MaxSize (re-encoding can outgrow the 64 KB body: '<' becomes \u003c), a
// sample when it does not fit.
func encodeLogPayload(v any) []byte {
	payload, err := json.Marshal(v)
	if err != nil {
		return []byte("null")
	}
	if len(payload) > webhookLogPayloadMax {
		payload, _ = json.Marshal(map[string]any{"truncated": true, "sample": truncate(string(payload), 4096)})
	}
	return payload
}

func (s *Service) writeWebhookLog(tx core.App, r *core.Record) error {
	err := s.writeRecord(tx, r)
	if err != nil {
		s.app.Logger().Error("webhook: could not save the log row", "outcome", r.GetString("outcome"), "error", err)
	}
	return err
}

// logWebhook stores a log row that comes with no order change.
func (s *Service) logWebhook(l webhookLog) {
	err := s.writes.Do(func(tx core.App) error { return s.saveWebhookLog(tx, l) })
	if err != nil && !errors.Is(err, errCallbackDone) {
		s.app.Logger().Error("webhook: a callback's outcome was not recorded", "trxid", l.trxID, "outcome", l.outcome, "error", err)
	}
}

// redactPayload keeps the body as received (JSON as JSON, anything else as
// text) with any credential that might be echoed in it blanked out.
func (s *Service) redactPayload(body []byte, contentType string) any {
	text := s.redactText(string(body))
	var v any
	if json.Unmarshal([]byte(text), &v) == nil {
		return v
	}
	if form, err := url.ParseQuery(text); err == nil && strings.Contains(contentType, "form") {
		return map[string]any{"form": form}
	}
	return map[string]any{"raw": text}
}

// redactRaw is a parsed callback item (always JSON, from
// vipreseller.ParseCallback) with any credential blanked out, without
// decoding it again: the replacement is plain text inside JSON strings.
func (s *Service) redactRaw(raw json.RawMessage) json.RawMessage {
	return json.RawMessage(s.redactText(string(raw)))
}

// redactText blanks out any credential that appears in text.
func (s *Service) redactText(text string) string {
	for _, secret := range []string{s.cfg.APIKey, s.cfg.APIID, s.signature()} {
		if len(secret) >= 4 {
			text = strings.ReplaceAll(text, secret, "[redacted]")
		}
	}
	return text
}

func (s *Service) signature() string {
	if s.cfg.APIID == "" || s.cfg.APIKey == "" {
		return ""
	}
	return vipreseller.Sign(s.cfg.APIID, s.cfg.APIKey)
}

// handleWebhookHealth answers GET WebhookPath.
func (s *Service) handleWebhookHealth(e *core.RequestEvent) error {
	data := map[string]any{"status": "active", "configured": s.cfg.Configured(), "lastCallbackAt": nil}
	var last struct {
		Created string `db:"created"`
	}
	err := s.app.DB().Select("created").From("webhook_logs").Where(dbx.HashExp{"signature_valid": true}).
		OrderBy("created DESC").Limit(1).One(&last)
	if err == nil {
		data["lastCallbackAt"] = last.Created
	}
	if e.HasSuperuserAuth() {
		counts, err := outcomeCounts(s.app, "webhook_logs", 24*time.Hour)
		if err != nil {
			return apiError(http.StatusInternalServerError, CodeInternal, "", err)
		}
		data["last24h"] = counts
	}
	return ok(e, data)
}

// cleanupWebhookLogs deletes log rows older than the retention. Raw SQL on
// purpose: superuser-only rows, no hooks or realtime to serve, and a
// single statement instead of thousands of saves.
func (s *Service) cleanupWebhookLogs(days int) (int64, error) {
	cutoff := types.NowDateTime().AddDate(0, 0, -days).String()
	res, err := s.app.DB().NewQuery("DELETE FROM webhook_logs WHERE created < {:cutoff}").
		Bind(dbx.Params{"cutoff": cutoff}).Execute()
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
