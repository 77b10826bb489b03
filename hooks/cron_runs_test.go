package hooks_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

// GET /api/admin/crons: every job with its schedule and the result of its
// last run in this process (PocketBase's own list has no results).
func TestCronRunsAreReported(t *testing.T) {
	e := newEnv(t).ready()
	e.app.Cron().Stop()
	run := func(id string) {
		for _, j := range e.app.Cron().Jobs() {
			if j.Id() == id {
				j.Run()
				return
			}
		}
		t.Fatalf("no cron job %s", id)
	}
	byID := func() map[string]map[string]any {
		r := e.do(http.MethodGet, "/api/admin/crons", superToken, nil)
		require.Equal(t, http.StatusOK, r.Status, r.Raw)
		out := map[string]map[string]any{}
		for _, j := range r.Body["data"].([]any) {
			m := j.(map[string]any)
			out[m["id"].(string)] = m
		}
		return out
	}
	jobs := byID()
	require.Contains(t, jobs, hooks.CronSyncBalance)
	assert.Equal(t, "never", jobs[hooks.CronSyncBalance]["status"])
	assert.Equal(t, "*/10 * * * *", jobs[hooks.CronSyncBalance]["expression"])

	run(hooks.CronSyncBalance)
	jobs = byID()
	assert.Equal(t, "ok", jobs[hooks.CronSyncBalance]["status"])
	assert.EqualValues(t, 1, jobs[hooks.CronSyncBalance]["runs"])
	assert.NotEmpty(t, jobs[hooks.CronSyncBalance]["finished"])

	e.sb.Inject(sandbox.Fault{Kind: sandbox.FaultHTML, Endpoint: sandbox.EndpointProfile, Times: -1})
	run(hooks.CronSyncBalance)
	jobs = byID()
	assert.Equal(t, "failed", jobs[hooks.CronSyncBalance]["status"])
	assert.Contains(t, jobs[hooks.CronSyncBalance]["error"], "sync-balance")
	assert.EqualValues(t, 2, jobs[hooks.CronSyncBalance]["runs"])
	assert.EqualValues(t, 1, jobs[hooks.CronSyncBalance]["failures"])

	assert.Equal(t, http.StatusUnauthorized, e.do(http.MethodGet, "/api/admin/crons", "", nil).Status)
	assert.Equal(t, http.StatusForbidden, e.do(http.MethodGet, "/api/admin/crons", userTokens[userEmail], nil).Status)
}
