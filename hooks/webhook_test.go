package hooks_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

// callback posts a raw callback body to the webhook and waits until the
// inbox has processed it.
func (e *env) callback(body, contentType, signature string, headers ...string) response {
	e.t.Helper()
	r := e.postCallback(body, contentType, signature, headers...)
	e.settleCallbacks()
	return r
}

// postCallback posts a raw callback body and returns the answer at once.
func (e *env) postCallback(body, contentType, signature string, headers ...string) response {
	e.t.Helper()
	req := httptest.NewRequest(http.MethodPost, hooks.WebhookPath, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	if signature != "" {
		req.Header.Set("X-Client-Signature", signature)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	e.handler().ServeHTTP(rec, req)
	return response{Status: rec.Code, Raw: rec.Body.String()}
}

// settleCallbacks waits until the inbox has processed every callback it
// was handed (the webhook answers before processing).
func (e *env) settleCallbacks() {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	require.NoError(e.t, e.svc.WaitWebhooks(ctx), "callbacks still processing after 60 s")
}

// processingOrder places a prepaid order that the sandbox keeps processing
// (target …777), so only callbacks/polls can move it.
func (e *env) processingOrder(phone string) (number, trxid string) {
	e.t.Helper()
	number = e.buyPrepaid(userEmail, phone)
	o := e.order(number)
	require.Equal(e.t, hooks.OrderProcessing, o.GetString("status"))
	return number, o.GetString("external_id")
}

func (e *env) logOutcomes() map[string]int {
	out := map[string]int{}
	recs, err := e.app.FindAllRecords("webhook_logs")
	require.NoError(e.t, err)
	for _, r := range recs {
		out[r.GetString("outcome")]++
	}
	return out
}

func jsonCallback(trxid, status, note string) string {
	return `{"data":{"trxid":"` + trxid + `","data":"081200000777","status":"` + status + `","note":"` + note + `","price":10500}}`
}

func TestWebhookRejectsUnsignedAndForged(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 100_000)
	number, trx := e.processingOrder("081200000777")
	require.NoError(t, e.sb.SetStatus(trx, "error", "Nomor tujuan salah."))
	sig := e.sb.Signature()
	body := jsonCallback(trx, "error", "x")

	for name, s := range map[string]string{
		"missing": "", "wrong": strings.Repeat("0", 32), "upper-case": strings.ToUpper(sig),
		"too short": sig[:31], "too long": sig + "0", "the api key": e.sb.APIKey(),
	} {
		r := e.callback(body, "application/json", s)
		assert.Equal(t, 401, r.Status, name)
	}
	o := e.order(number)
	assert.Equal(t, hooks.OrderProcessing, o.GetString("status"))
	assert.Zero(t, e.count("wallet_transactions", "type = 'refund'", nil))
	// One row per source and reason each minute, counting its requests.
	cronJob(t, e.app, hooks.CronOrdersPoll)() // brings the counts up to date
	assert.Equal(t, map[string]int{"rejected": 2}, e.logOutcomes())
	assert.Equal(t, 2, e.count("webhook_logs", "signature_valid = false", nil))
	missing := e.record("webhook_logs", "error ~ 'missing'", nil)
	assert.Equal(t, 1, missing.GetInt("requests"))
	wrong := e.record("webhook_logs", "error ~ 'invalid'", nil)
	assert.Equal(t, 5, wrong.GetInt("requests"), wrong.GetString("error"))
	logs, err := e.app.FindAllRecords("webhook_logs")
	require.NoError(t, err)
	for _, l := range logs {
		dump, _ := l.MarshalJSON()
		assert.NotContains(t, string(dump), sig, "no signature value in webhook_logs")
		assert.NotContains(t, string(dump), e.sb.APIKey(), "no api key in webhook_logs")
	}
	assert.Zero(t, e.sb.Count("prepaid", "status"), "a forged callback costs no provider call")
}

func TestWebhookFailsClosedWithoutCredentials(t *testing.T) {
	e := newUnconfiguredEnv(t)
	r := e.callback(jsonCallback("VP1", "success", ""), "application/json", "d41d8cd98f00b204e9800998ecf8427e") // md5("")
	assert.Equal(t, 401, r.Status)
	assert.Equal(t, map[string]int{"rejected": 1}, e.logOutcomes())
}

func TestWebhookIPAllowlistAndBodyLimit(t *testing.T) {
	e := newEnv(t, func(c *hooks.Config, _ *sandbox.Config) { c.CallbackIPs = []string{"178.248.73.218"} }).ready()
	r := e.callback(jsonCallback("VP1", "success", ""), "application/json", e.sb.Signature())
	assert.Equal(t, 403, r.Status, "httptest requests come from 192.0.2.1")
	assert.Equal(t, map[string]int{"rejected": 1}, e.logOutcomes())

	e2 := newEnv(t).ready()
	big := `{"data":{"trxid":"VP1","status":"success","note":"` + strings.Repeat("x", 70<<10) + `"}}`
	r = e2.callback(big, "application/json", e2.sb.Signature())
	assert.Equal(t, 413, r.Status)
}

func TestWebhookInvalidBodiesChangeNothing(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 100_000)
	number, trx := e.processingOrder("081200000777")
	for name, body := range map[string]string{
		"malformed":    `{"data":{"trxid":`,
		"wrong types":  `{"data":"success"}`,
		"missing data": `{"result":true}`,
		"no status":    `{"data":{"trxid":"` + trx + `"}}`,
		"odd status":   `{"data":{"trxid":"` + trx + `","status":"exploded"}}`,
		"empty":        ``,
	} {
		r := e.callback(body, "application/json", e.sb.Signature())
		assert.Contains(t, []int{200, 400}, r.Status, name)
	}
	assert.Equal(t, map[string]int{"invalid": 6}, e.logOutcomes())
	assert.Equal(t, hooks.OrderProcessing, e.order(number).GetString("status"))

	r := e.callback(jsonCallback("VPUNKNOWN0001", "success", ""), "application/json", e.sb.Signature())
	assert.Equal(t, 200, r.Status)
	assert.JSONEq(t, `{"success":true}`, r.Raw)
	assert.Equal(t, 1, e.logOutcomes()["unknown_order"])
}

// A body within the 64 KB limit can grow when stored as JSON ('<' becomes
// \u003c); the stored payload still fits the field (128 KB), and the row
// passes the collection's own validation.
func TestWebhookLogPayloadStaysWithinItsField(t *testing.T) {
	e := newEnv(t).ready()
	r := e.callback(strings.Repeat("<", 60<<10), "text/plain", e.sb.Signature())
	assert.Equal(t, 400, r.Status)
	recs, err := e.app.FindAllRecords("webhook_logs")
	require.NoError(t, err)
	require.Len(t, recs, 1)
	assert.Equal(t, hooks.OutcomeInvalid, recs[0].GetString("outcome"))
	raw := string(recs[0].Get("payload").(types.JSONRaw))
	assert.LessOrEqual(t, len(raw), 128<<10)
	assert.Contains(t, raw, `"truncated":true`)
	assert.NoError(t, e.app.Validate(recs[0]))
}

// Callback writes skip PocketBase's save chain but fire its after-save
// hooks once committed, as a Save does: a handler sees the new record and,
// through Original(), what it was before.
func TestWebhookWritesFireAfterSaveHooksLikeASave(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 100_000)
	number, trx := e.processingOrder("081200000777")
	var mu sync.Mutex
	var changes, events []string
	e.app.OnRecordAfterUpdateSuccess("orders").BindFunc(func(ev *core.RecordEvent) error {
		mu.Lock()
		changes = append(changes, ev.Record.Original().GetString("status")+"->"+ev.Record.GetString("status"))
		mu.Unlock()
		return ev.Next()
	})
	e.app.OnRecordAfterCreateSuccess("order_events").BindFunc(func(ev *core.RecordEvent) error {
		mu.Lock()
		events = append(events, ev.Record.GetString("from")+"->"+ev.Record.GetString("to"))
		mu.Unlock()
		return ev.Next()
	})
	require.NoError(t, e.sb.SetStatus(trx, sandbox.StatusSuccess, "SN-HOOK"))
	r := e.callback(jsonCallback(trx, "success", "SN-HOOK"), "application/json", e.sb.Signature())
	require.Equal(t, 200, r.Status, r.Raw)
	assert.Equal(t, hooks.OrderSuccess, e.order(number).GetString("status"))
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"processing->success"}, changes)
	assert.Equal(t, []string{"processing->success"}, events)
}

func TestWebhookAppliesOnceWhateverTheRepeats(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 100_000)
	number, trx := e.processingOrder("081200000777")
	require.NoError(t, e.sb.SetStatus(trx, "error", "Nomor tujuan salah."))
	body := jsonCallback(trx, "error", "Nomor tujuan salah.")

	require.Equal(t, 200, e.callback(body, "application/json", e.sb.Signature()).Status)
	require.Equal(t, 200, e.callback(body, "application/json", e.sb.Signature()).Status)
	statuses := fire(10, func(int) response { return e.callback(body, "application/json", e.sb.Signature()) })
	assert.Equal(t, 10, statuses[200])

	o := e.order(number)
	assert.Equal(t, hooks.OrderFailed, o.GetString("status"))
	assert.Equal(t, "Nomor tujuan salah.", o.GetString("note"))
	assert.Equal(t, 1, e.count("wallet_transactions", "type = 'refund'", nil))
	assert.Equal(t, 1, e.count("order_events", "order = {:o} && to = 'failed' && source = 'webhook'", map[string]any{"o": o.Id}))
	assert.Equal(t, map[string]int{"applied": 1, "duplicate": 11}, e.logOutcomes())
	e.assertLedgerConsistent()
}

func TestWebhookForwardOnlyAndStatusAPIIsTheTruth(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 100_000)

	// A signed "success" while the status API says error: the API wins.
	number, trx := e.processingOrder("081200000777")
	require.NoError(t, e.sb.SetStatus(trx, "error", "Nomor tujuan salah."))
	require.Equal(t, 200, e.callback(jsonCallback(trx, "success", "FAKE-SN"), "application/json", e.sb.Signature()).Status)
	o := e.order(number)
	assert.Equal(t, hooks.OrderFailed, o.GetString("status"))
	assert.Empty(t, o.GetString("sn"))

	// Success, then a late error and a late waiting: stays success.
	number2, trx2 := e.processingOrder("081200001777")
	require.NoError(t, e.sb.SetStatus(trx2, "success", "SN-123"))
	require.Equal(t, 200, e.callback(jsonCallback(trx2, "success", "SN-123"), "application/json", e.sb.Signature()).Status)
	require.NoError(t, e.sb.SetStatus(trx2, "error", "late"))
	e.callback(jsonCallback(trx2, "error", "late"), "application/json", e.sb.Signature())
	e.callback(jsonCallback(trx2, "waiting", ""), "application/json", e.sb.Signature())
	o2 := e.order(number2)
	assert.Equal(t, hooks.OrderSuccess, o2.GetString("status"))
	assert.Equal(t, "SN-123", o2.GetString("sn"))
	assert.Equal(t, 1, e.count("wallet_transactions", "type = 'refund'", nil), "only the first order's refund")
	outcomes := e.logOutcomes()
	assert.Equal(t, 2, outcomes["applied"])
	assert.Equal(t, 2, outcomes["stale"])
	e.assertLedgerConsistent()
}

func TestWebhookDeferredWhenStatusLookupFails(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 100_000)
	number, trx := e.processingOrder("081200000777")
	require.NoError(t, e.sb.SetStatus(trx, "success", "SN-9"))
	e.sb.Inject(sandbox.Fault{Kind: sandbox.FaultHTTP500, Endpoint: "prepaid", Type: "status", Times: -1})
	r := e.callback(jsonCallback(trx, "success", "SN-9"), "application/json", e.sb.Signature())
	assert.Equal(t, 200, r.Status)
	assert.Equal(t, map[string]int{"deferred": 1}, e.logOutcomes())
	assert.Equal(t, hooks.OrderProcessing, e.order(number).GetString("status"))

	e.sb.ClearFaults()
	e.poll() // the deferred order is due at once
	o := e.order(number)
	assert.Equal(t, hooks.OrderSuccess, o.GetString("status"))
	assert.Equal(t, "SN-9", o.GetString("sn"))
	e.assertLedgerConsistent()
}

func TestWebhookAcceptsEveryBodyShape(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 1_000_000)
	shapes := []struct {
		name, contentType string
		body              func(trx string) string
	}{
		{"data object", "application/json", func(trx string) string { return jsonCallback(trx, "success", "SN") }},
		{"data array", "application/json", func(trx string) string {
			return `{"data":[{"trxid":"` + trx + `","status":"success","note":"SN"}]}`
		}},
		{"status envelope", "application/json", func(trx string) string {
			return `{"result":true,"data":[{"trxid":"` + trx + `","status":"success","note":"SN"}],"message":"ok"}`
		}},
		{"flat trxid", "application/json", func(trx string) string { return `{"trxid":"` + trx + `","status":"success","note":"SN"}` }},
		{"flat trx_id sn", "application/json", func(trx string) string { return `{"trx_id":"` + trx + `","status":"success","sn":"SN"}` }},
		{"form flat", "application/x-www-form-urlencoded", func(trx string) string { return "trxid=" + trx + "&status=success&note=SN" }},
		{"form data json", "application/x-www-form-urlencoded", func(trx string) string {
			return "data=" + `%7B%22trxid%22%3A%22` + trx + `%22%2C%22status%22%3A%22success%22%7D`
		}},
		{"form php array", "application/x-www-form-urlencoded", func(trx string) string {
			return "data%5Btrxid%5D=" + trx + "&data%5Bstatus%5D=success"
		}},
	}
	for i, sh := range shapes {
		number, trx := e.processingOrder("08120000" + string(rune('0'+i)) + "777")
		require.NoError(t, e.sb.SetStatus(trx, "success", "SN"))
		r := e.callback(sh.body(trx), sh.contentType, e.sb.Signature())
		assert.Equal(t, 200, r.Status, "%s: %s", sh.name, r.Raw)
		assert.Equal(t, hooks.OrderSuccess, e.order(number).GetString("status"), sh.name)
	}
	assert.Equal(t, map[string]int{"applied": len(shapes)}, e.logOutcomes())
}

func TestSandboxCallbacksCompleteOrdersEndToEnd(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 100_000)
	app := httptest.NewServer(e.handler())
	t.Cleanup(app.Close)
	e.sb.SetCallbackURL(app.URL + hooks.WebhookPath)

	number := e.buyPrepaid(userEmail, "081234567890")
	failing := e.buyPrepaid(userEmail, "081234567999")
	e.sb.Step() // the sandbox sends its callbacks, signed, to our webhook
	e.settleCallbacks()
	assert.Equal(t, hooks.OrderSuccess, e.order(number).GetString("status"))
	assert.NotEmpty(t, e.order(number).GetString("sn"))
	assert.Equal(t, hooks.OrderFailed, e.order(failing).GetString("status"))
	assert.Equal(t, int64(100_000-e.order(number).GetInt("price")), e.balance(userEmail))
	assert.Positive(t, e.sb.CallbacksSent())
	assert.Zero(t, e.logOutcomes()["rejected"])
	e.assertLedgerConsistent()
}

func TestWebhookHealthAndCleanup(t *testing.T) {
	e := newEnv(t).ready()
	e.callback(jsonCallback("VPNOPE", "success", ""), "application/json", e.sb.Signature())
	guest := e.do(http.MethodGet, hooks.WebhookPath, "", nil)
	require.Equal(t, 200, guest.Status)
	assert.Equal(t, "active", guest.data()["status"])
	assert.Equal(t, true, guest.data()["configured"])
	assert.NotNil(t, guest.data()["lastCallbackAt"])
	assert.NotContains(t, guest.Raw, "last24h")
	admin := e.do(http.MethodGet, hooks.WebhookPath, superToken, nil)
	assert.Contains(t, admin.Raw, `"last24h":{"unknown_order":1}`)

	_, err := e.app.DB().NewQuery("UPDATE webhook_logs SET created = {:old}").
		Bind(map[string]any{"old": time.Now().AddDate(0, 0, -31).UTC().Format("2006-01-02 15:04:05.000Z")}).Execute()
	require.NoError(t, err)
	e.callback(jsonCallback("VPNOPE2", "success", ""), "application/json", e.sb.Signature())
	cronJob(t, e.app, hooks.CronLogsCleanup)()
	assert.Equal(t, 1, e.count("webhook_logs", "", nil))
}

// The answer never waits for the provider: a callback is stored and
// answered while its status lookup is still to come, then applied.
func TestWebhookAnswersBeforeTheStatusLookup(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 100_000)
	number, trx := e.processingOrder("081200000777")
	require.NoError(t, e.sb.SetStatus(trx, "success", "SN-1"))
	e.sb.Inject(sandbox.Fault{Kind: sandbox.FaultLatency, Endpoint: "prepaid", Type: "status", Delay: 3 * time.Second})
	statusCalls := e.sb.Count("prepaid", "status")
	r := e.postCallback(jsonCallback(trx, "success", "SN-1"), "application/json", e.sb.Signature())
	assert.Equal(t, 200, r.Status)
	assert.JSONEq(t, `{"success":true}`, r.Raw)
	// Answered with the row stored and the lookup not yet answered.
	row := e.record("webhook_logs", "trx_id = {:t}", map[string]any{"t": trx})
	assert.Equal(t, hooks.OutcomeReceived, row.GetString("outcome"))
	assert.Equal(t, hooks.OrderProcessing, e.order(number).GetString("status"))

	e.settleCallbacks()
	assert.Equal(t, hooks.OutcomeApplied, e.record("webhook_logs", "id = {:id}", map[string]any{"id": row.Id}).GetString("outcome"))
	assert.Equal(t, hooks.OrderSuccess, e.order(number).GetString("status"))
	assert.Equal(t, 1, e.sb.Count("prepaid", "status")-statusCalls)
	assert.Equal(t, 1, e.count("webhook_logs", "", nil), "the same row got its outcome")
}

func TestLateProviderNewsFlagsAnOrderReconcileFailed(t *testing.T) {
	e := newEnv(t, shortTimeout).ready()
	e.deposit(userEmail, 100_000)
	e.sb.Inject(sandbox.Fault{Kind: sandbox.FaultHTTP500, Endpoint: "prepaid", Type: "order"})
	n := e.buyPrepaid(userEmail, "081200000654")
	e.backdate(n, time.Hour, "next_attempt_at", "submitted_at", "sent_at")
	e.poll()
	require.Equal(t, hooks.OrderFailed, e.order(n).GetString("status"))

	body := `{"data":{"trxid":"VPLATE000001","data":"081200000654","status":"success","note":"SN"}}`
	require.Equal(t, 200, e.callback(body, "application/json", e.sb.Signature()).Status)
	assert.Contains(t, e.order(n).GetString("review"), "VPLATE000001")
}
