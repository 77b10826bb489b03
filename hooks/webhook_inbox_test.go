package hooks_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

// insertReceived stores a `received` row as the webhook does, as if the
// process had died after answering and before processing it.
func (e *env) insertReceived(trxid, status string, age time.Duration) *core.Record {
	e.t.Helper()
	col, err := e.app.FindCollectionByNameOrId("webhook_logs")
	require.NoError(e.t, err)
	r := core.NewRecord(col)
	r.Set("source", "vip-reseller")
	r.Set("trx_id", trxid)
	r.Set("status", status)
	r.Set("payload", map[string]any{"trxid": trxid, "status": status, "note": "SN-R", "data": "081200000777"})
	r.Set("ip", "178.248.73.218")
	r.Set("signature_valid", true)
	r.Set("outcome", hooks.OutcomeReceived)
	require.NoError(e.t, e.app.Save(r))
	if age > 0 {
		_, err := e.app.DB().NewQuery("UPDATE webhook_logs SET created = {:c} WHERE id = {:id}").
			Bind(map[string]any{"c": types.NowDateTime().Add(-age).String(), "id": r.Id}).Execute()
		require.NoError(e.t, err)
	}
	return r
}

func (e *env) outcomeOf(id string) string {
	e.t.Helper()
	r, err := e.app.FindRecordById("webhook_logs", id)
	require.NoError(e.t, err)
	return r.GetString("outcome")
}

// Rows a crash left `received` are processed when the app starts again.
func TestWebhookRowsLeftReceivedAreProcessedAtStart(t *testing.T) {
	e := newEnv(t) // not served yet: this is the restart
	left := e.insertReceived("VPNOSUCH01", "success", time.Minute)
	e.handler() // serve: the inbox starts and sweeps
	e.settleCallbacks()
	assert.Equal(t, hooks.OutcomeUnknownOrder, e.outcomeOf(left.Id))
}

// ...and a row the queue missed is found by the minute sweep, the order
// confirmed with the provider and completed once.
func TestWebhookSweepFinishesAReceivedRow(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 100_000)
	number, trx := e.processingOrder("081200000777")
	require.NoError(t, e.sb.SetStatus(trx, "success", "SN-R"))
	young := e.insertReceived(trx, "success", 0)
	old := e.insertReceived(trx, "success", time.Minute)

	cronJob(t, e.app, hooks.CronOrdersPoll)()
	e.settleCallbacks()
	assert.Equal(t, hooks.OutcomeApplied, e.outcomeOf(old.Id))
	assert.Equal(t, hooks.OutcomeReceived, e.outcomeOf(young.Id), "a young row is the queue's, not the sweep's")
	o := e.order(number)
	assert.Equal(t, hooks.OrderSuccess, o.GetString("status"))
	assert.Equal(t, "SN-R", o.GetString("sn"))

	// Processed later, the duplicate changes nothing.
	_, err := e.app.DB().NewQuery("UPDATE webhook_logs SET created = {:c} WHERE id = {:id}").
		Bind(map[string]any{"c": types.NowDateTime().Add(-time.Minute).String(), "id": young.Id}).Execute()
	require.NoError(t, err)
	cronJob(t, e.app, hooks.CronOrdersPoll)()
	e.settleCallbacks()
	assert.Equal(t, hooks.OutcomeDuplicate, e.outcomeOf(young.Id))
	e.assertLedgerConsistent()
}

func itemsBody(n int, trx func(i int) string) string {
	items := make([]string, n)
	for i := range n {
		items[i] = fmt.Sprintf(`{"trxid":%q,"status":"success","note":"SN%d"}`, trx(i), i)
	}
	return `{"data":[` + strings.Join(items, ",") + `]}`
}

// A callback with several items is one row per item holding only its own
// item (the body is stored once), grouped by request; beyond the cap it is
// refused with one row.
func TestWebhookMultiItemCallbacksAreStoredOnceAndCapped(t *testing.T) {
	e := newEnv(t).ready()
	body := itemsBody(3, func(i int) string { return fmt.Sprintf("VPMULTI%03d", i) })
	r := e.callback(body, "application/json", e.sb.Signature())
	require.Equal(t, 200, r.Status, r.Raw)
	rows, err := e.app.FindAllRecords("webhook_logs")
	require.NoError(t, err)
	require.Len(t, rows, 3)
	stored := 0
	for _, row := range rows {
		assert.Equal(t, hooks.OutcomeUnknownOrder, row.GetString("outcome"))
		assert.NotEmpty(t, row.GetString("request"))
		assert.Equal(t, rows[0].GetString("request"), row.GetString("request"))
		assert.Contains(t, row.GetString("payload"), row.GetString("trx_id"))
		stored += len(row.GetString("payload"))
	}
	assert.Less(t, stored, 2*len(body), "the items are stored once, not the body per item")

	// 64 KB of tiny items: refused, one row.
	huge := itemsBody(1000, func(i int) string { return fmt.Sprintf("VP%d", i) })
	require.Less(t, len(huge), 64<<10)
	r = e.callback(huge, "application/json", e.sb.Signature())
	assert.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
	assert.Contains(t, r.Raw, `"code":"too_many_items"`)
	assert.Equal(t, 4, e.count("webhook_logs", "", nil))
	invalid := e.record("webhook_logs", "outcome = 'invalid'", nil)
	assert.Contains(t, invalid.GetString("error"), "1000 transactions")
	assert.Less(t, len(invalid.GetString("payload")), 1024, "only a sample of a refused body")
}

// A flood of unsigned or forged callbacks costs one row per source and
// reason each minute, however many requests; the allowlist refusal says so.
func TestWebhookRefusedFloodCostsBoundedRows(t *testing.T) {
	e := newEnv(t).ready()
	const flood = 250 // under the webhook's rate limit (300/s per IP)
	for i := range flood {
		sig := ""
		if i%2 == 1 {
			sig = strings.Repeat("0", 32)
		}
		r := e.postCallback(jsonCallback(fmt.Sprint("VPF", i), "success", ""), "application/json", sig)
		require.Equal(t, 401, r.Status)
	}
	cronJob(t, e.app, hooks.CronOrdersPoll)()
	rows, err := e.app.FindAllRecords("webhook_logs")
	require.NoError(t, err)
	require.Len(t, rows, 2, "one row per reason for the one source IP")
	total := 0
	for _, r := range rows {
		assert.Equal(t, hooks.OutcomeRejected, r.GetString("outcome"))
		assert.False(t, r.GetBool("signature_valid"))
		total += r.GetInt("requests")
		assert.Less(t, len(r.GetString("payload")), 4096, "a few samples, not every body")
	}
	assert.Equal(t, flood, total)

	ipOnly := newEnv(t, func(c *hooks.Config, _ *sandbox.Config) { c.CallbackIPs = []string{"178.248.73.218"} }).ready()
	r := ipOnly.callback(jsonCallback("VP1", "success", ""), "application/json", ipOnly.sb.Signature())
	assert.Equal(t, 403, r.Status)
	row := ipOnly.record("webhook_logs", "outcome = 'rejected'", nil)
	assert.Contains(t, row.GetString("error"), "VIP_RESELLER_CALLBACK_IPS")
	assert.NotContains(t, row.GetString("error"), "signature")
}
