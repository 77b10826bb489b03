package hooks_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

func (e *env) sync(action string) *core.Record {
	e.t.Helper()
	run, err := e.svc.RunSync(context.Background(), action, hooks.TriggerAdmin, nil)
	require.NoError(e.t, err, action)
	require.Equal(e.t, "success", run.GetString("status"))
	return run
}

func (e *env) service(category, code string) *core.Record {
	return e.record("services", "category = {:c} && code = {:k}", map[string]any{"c": category, "k": code})
}

func (e *env) product(category, code string) *core.Record {
	return e.record("products", "category = {:c} && code = {:k}", map[string]any{"c": category, "k": code})
}

func runCounts(t testing.TB, run *core.Record) map[string]map[string]int {
	var c map[string]map[string]int
	require.NoError(t, run.UnmarshalJSONField("counts", &c))
	return c
}

func TestSyncServicesMapsEveryCategory(t *testing.T) {
	e := newEnv(t)
	run := e.sync(hooks.ActionSyncServices)
	counts := runCounts(t, run)

	// Every provider row arrives once; the prepaid list's empty first row does not.
	assert.Equal(t, e.sb.ServiceCount("game-feature"), counts["game"]["created"])
	assert.Equal(t, e.sb.ServiceCount("prepaid"), counts["prepaid"]["created"])
	assert.Equal(t, e.sb.ServiceCount("social-media"), counts["social"]["created"])
	assert.Equal(t, e.sb.ServiceCount("prepaid"), e.count("services", "category = 'prepaid'", nil))
	assert.Zero(t, e.count("services", "code = ''", nil))

	ml := e.service("game", "ML14-S14")
	assert.Equal(t, "Mobile Legends A", ml.GetString("brand"))
	assert.Equal(t, "14 Diamonds ( 13 + 1 Bonus )", ml.GetString("name"))
	assert.Equal(t, []int{3310, 3260, 3235}, []int{ml.GetInt("price_basic"), ml.GetInt("price_premium"), ml.GetInt("price_special")})
	assert.True(t, ml.GetBool("listed"))
	assert.NotEmpty(t, ml.GetString("raw"))

	xl := e.service("prepaid", "XLDHR3")
	assert.Equal(t, "XL", xl.GetString("brand"))
	assert.Equal(t, "paket-internet", xl.GetString("type"))
	assert.Equal(t, "23:44 - 00:16", xl.GetString("maintenance"), "the provider's 'maintenace' typo must map")
	assert.True(t, xl.GetBool("multi_trx"))
	assert.Equal(t, []int{48225, 48200, 48175}, []int{xl.GetInt("price_basic"), xl.GetInt("price_premium"), xl.GetInt("price_special")})

	tiktok := e.service("social", "3249")
	assert.Equal(t, "TikTok", tiktok.GetString("brand"))
	assert.Equal(t, 100, tiktok.GetInt("min"))
	assert.Equal(t, 100000, tiktok.GetInt("max"))
	assert.Positive(t, tiktok.GetInt("price_special"))
}

func TestResyncWithoutChangesWritesNothing(t *testing.T) {
	e := newEnv(t)
	e.sync(hooks.ActionFullSync)
	e.app.ResetEventCalls()

	run := e.sync(hooks.ActionSyncServices)
	counts := runCounts(t, run)
	for _, cat := range hooks.Categories {
		assert.Zero(t, counts[cat]["created"]+counts[cat]["updated"]+counts[cat]["delisted"], cat)
		assert.Positive(t, counts[cat]["unchanged"], cat)
	}
	run = e.sync(hooks.ActionSyncProducts)
	counts = runCounts(t, run)
	for _, cat := range hooks.Categories {
		assert.Zero(t, counts[cat]["created"]+counts[cat]["updated"], cat)
	}
	run = e.sync(hooks.ActionSyncStock)
	counts = runCounts(t, run)
	assert.Zero(t, counts["game"]["updated"])
	assert.Positive(t, counts["game"]["unchanged"])
	assert.Equal(t, counts["game"]["checked"], counts["game"]["unchanged"])
	// Only the three sync_runs rows were written (created, then finished).
	assert.Equal(t, 3, e.app.EventCalls["OnRecordCreate"])
	assert.Equal(t, 3, e.app.EventCalls["OnRecordUpdate"])
}

func TestSellPriceRoundsUpToHundreds(t *testing.T) {
	for _, c := range []struct{ cost, bp, want int64 }{
		{3235, 1000, 3600}, // 3558.5 → 3559 → 3600
		{10000, 1000, 11000},
		{10001, 1000, 11100},
		{48175, 0, 48200},
		{0, 1000, 0},
		{100, 1250, 200}, // 112.5 → 113 → 200
		{1, 0, 100},
	} {
		assert.Equal(t, c.want, hooks.SellPrice(c.cost, c.bp), "cost %d markup %d", c.cost, c.bp)
	}
}

func TestProductsPricingLockAndOverride(t *testing.T) {
	e := newEnv(t)
	e.sync(hooks.ActionFullSync)
	p := e.product("game", "ML14-S14")
	assert.Equal(t, 3235, p.GetInt("cost"))
	assert.Equal(t, 3600, p.GetInt("price"))
	assert.True(t, p.GetBool("active"))
	assert.Equal(t, "mobile-legends", p.GetString("nickname_code"))
	assert.True(t, p.GetBool("needs_zone"))
	assert.Equal(t, e.service("game", "ML14-S14").Id, p.GetString("service"))

	p.Set("price_locked", true)
	p.Set("price", 9999)
	require.NoError(t, e.app.Save(p))
	other := e.product("game", "ML86-S2")
	other.Set("markup_percent", 20)
	require.NoError(t, e.app.Save(other))

	require.NoError(t, e.sb.SetServicePrice("game-feature", "ML14-S14", 4000, 3900, 3800))
	e.sync(hooks.ActionFullSync)
	p = e.product("game", "ML14-S14")
	assert.Equal(t, 9999, p.GetInt("price"), "a locked price is never changed by sync")
	assert.Equal(t, 3800, p.GetInt("cost"), "cost still follows the provider")
	other = e.product("game", "ML86-S2")
	cost := int64(other.GetInt("cost"))
	assert.Equal(t, hooks.SellPrice(cost, 2000), int64(other.GetInt("price")))
}

func TestProductsAutoDisableAndReenable(t *testing.T) {
	e := newEnv(t)
	e.sync(hooks.ActionFullSync)

	manual := e.product("prepaid", "TELKOMSEL_25K")
	manual.Set("active", false)
	require.NoError(t, e.app.Save(manual))

	require.NoError(t, e.sb.SetServiceStatus("prepaid", "TELKOMSEL_10K", "empty"))
	require.NoError(t, e.sb.SetServiceStatus("prepaid", "TELKOMSEL_25K", "empty"))
	require.NoError(t, e.sb.RemoveService("prepaid", "XLDHR3"))
	run := e.sync(hooks.ActionFullSync)
	var full map[string]map[string]map[string]int
	require.NoError(t, run.UnmarshalJSONField("counts", &full))
	assert.Equal(t, 1, full["services"]["prepaid"]["delisted"])

	assert.False(t, e.service("prepaid", "XLDHR3").GetBool("listed"))
	for _, code := range []string{"TELKOMSEL_10K", "XLDHR3"} {
		p := e.product("prepaid", code)
		assert.False(t, p.GetBool("active"), code)
		assert.True(t, p.GetBool("auto_disabled"), code)
	}
	assert.False(t, e.product("prepaid", "TELKOMSEL_25K").GetBool("auto_disabled"), "a person's switch-off is not sync's")

	require.NoError(t, e.sb.SetServiceStatus("prepaid", "TELKOMSEL_10K", "available"))
	require.NoError(t, e.sb.SetServiceStatus("prepaid", "TELKOMSEL_25K", "available"))
	e.sync(hooks.ActionFullSync)
	back := e.product("prepaid", "TELKOMSEL_10K")
	assert.True(t, back.GetBool("active"))
	assert.False(t, back.GetBool("auto_disabled"))
	assert.False(t, e.product("prepaid", "TELKOMSEL_25K").GetBool("active"), "a person's deactivation survives sync")
}

func TestSyncKeepsCatalogOnEmptyOrGarbageList(t *testing.T) {
	e := newEnv(t)
	e.sync(hooks.ActionSyncServices)
	prepaid := e.count("services", "category = 'prepaid' && listed = true", nil)
	social := e.count("services", "category = 'social' && listed = true", nil)

	e.sb.Inject(sandbox.Fault{Kind: sandbox.FaultEmptyList, Endpoint: "prepaid", Type: "services"})
	e.sb.Inject(sandbox.Fault{Kind: sandbox.FaultGarbage, Endpoint: "social-media", Type: "services", Times: -1})
	run, err := e.svc.RunSync(context.Background(), hooks.ActionSyncServices, hooks.TriggerAdmin, nil)
	require.Error(t, err)
	require.NotNil(t, run)
	assert.Equal(t, "failed", run.GetString("status"))
	assert.Contains(t, run.GetString("error"), "prepaid")
	assert.Contains(t, run.GetString("error"), "social")
	assert.Equal(t, prepaid, e.count("services", "category = 'prepaid' && listed = true", nil))
	assert.Equal(t, social, e.count("services", "category = 'social' && listed = true", nil))
	// The healthy category was still refreshed.
	assert.Contains(t, runCounts(t, run), "game")
}

func TestSyncStockAndBalance(t *testing.T) {
	e := newEnv(t)
	e.sync(hooks.ActionFullSync)
	netflix := e.product("game", "NETFLIX1M-S1")
	assert.True(t, netflix.GetBool("track_stock"))
	assert.Equal(t, -1, e.service("game", "ML14-S14").GetInt("stock"), "unsupported stock is remembered")
	assert.False(t, e.product("game", "ML14-S14").GetBool("track_stock"))

	require.NoError(t, e.sb.SetStock("NETFLIX1M-S1", 3))
	before := e.sb.Count("game-feature", "service-stock")
	e.sync(hooks.ActionSyncStock)
	assert.Equal(t, 3, e.product("game", "NETFLIX1M-S1").GetInt("stock"))
	// Only stock-tracked services are asked again, not the whole catalog.
	asked := e.sb.Count("game-feature", "service-stock") - before
	assert.Equal(t, e.count("services", "category = 'game' && stock >= 0 && stock_checked_at != ''", nil), asked)

	run := e.sync(hooks.ActionSyncBalance)
	var counts map[string]any
	require.NoError(t, run.UnmarshalJSONField("counts", &counts))
	assert.EqualValues(t, e.sb.Balance(), counts["balance"])
	assert.Equal(t, "Special", counts["level"])
}

func TestPriceTierFollowsProfileLevel(t *testing.T) {
	e := newEnv(t, func(c *hooks.Config, s *sandbox.Config) { c.PriceLevel = ""; s.Level = "Basic" })
	e.sync(hooks.ActionFullSync)
	assert.Equal(t, 3310, e.product("game", "ML14-S14").GetInt("cost"))
}

func TestAdminSyncRoutesAuthorization(t *testing.T) {
	const url = "/api/admin/vip-sync"
	body := func(action string) *strings.Reader { return strings.NewReader(`{"action":"` + action + `"}`) }
	scenarios := []struct {
		name    string
		method  string
		url     string
		token   string
		body    *strings.Reader
		status  int
		content []string
		after   func(t testing.TB, e *env)
	}{
		{"guest sync", http.MethodPost, url, "", body("sync-balance"), 401, []string{`"status":401`}, func(t testing.TB, e *env) {
			assert.Zero(t, e.sb.Count("profile", ""))
			assert.Zero(t, e.count("sync_runs", "", nil))
		}},
		{"user sync", http.MethodPost, url, userTokens[userEmail], body("sync-balance"), 403, nil, func(t testing.TB, e *env) {
			assert.Zero(t, e.sb.Count("profile", ""))
		}},
		{"superuser unknown action", http.MethodPost, url, superToken, body("nope"), 400,
			[]string{"full-sync, sync-services, sync-products, sync-stock, sync-balance"}, func(t testing.TB, e *env) {
				assert.Zero(t, e.count("sync_runs", "", nil))
			}},
		{"superuser sync-services", http.MethodPost, url, superToken, body("sync-services"), 200,
			[]string{`"success":true`, `"action":"sync-services"`, `"status":"success"`, `"trigger":"admin"`}, func(t testing.TB, e *env) {
				assert.Equal(t, 1, e.count("sync_runs", "action = 'sync-services' && status = 'success'", nil))
				assert.Positive(t, e.count("services", "", nil))
			}},
		{"guest status", http.MethodGet, url + "?action=status", "", nil, 401, nil, nil},
		{"user low-stock", http.MethodGet, url + "?action=low-stock", userTokens[userEmail], nil, 403, nil, nil},
		{"superuser status", http.MethodGet, url + "?action=status", superToken, nil, 200, []string{`"configured":true`, `"runs"`}, nil},
		{"superuser bad info action", http.MethodGet, url + "?action=x", superToken, nil, 400, []string{"low-stock, status"}, nil},
		{"guest profile", http.MethodGet, "/api/admin/vip/profile", "", nil, 401, nil, nil},
		{"user profile", http.MethodGet, "/api/admin/vip/profile", userTokens[otherEmail], nil, 403, nil, nil},
		{"superuser profile", http.MethodGet, "/api/admin/vip/profile", superToken, nil, 200,
			[]string{`"username":"sandbox"`, `"level":"Special"`}, nil},
	}
	for _, sc := range scenarios {
		e := newEnv(t)
		headers := map[string]string{}
		if sc.token != "" {
			headers["Authorization"] = sc.token
		}
		s := tests.ApiScenario{
			Name: sc.name, Method: sc.method, URL: sc.url, Headers: headers,
			ExpectedStatus: sc.status, ExpectedContent: sc.content, TestAppFactory: e.factory,
			DisableTestAppCleanup: true,
			AfterTestFunc: func(t testing.TB, _ *tests.TestApp, _ *http.Response) {
				if sc.after != nil {
					sc.after(t, e)
				}
			},
		}
		if sc.body != nil {
			s.Body = sc.body
		}
		if len(sc.content) == 0 {
			s.ExpectedContent = []string{`"status"`}
		}
		s.Test(t)
	}
}

func TestLowStockRoute(t *testing.T) {
	e := newEnv(t)
	e.sync(hooks.ActionFullSync)
	require.NoError(t, e.sb.SetStock("SPOTIFY1M-S1", 2))
	e.sync(hooks.ActionSyncStock)
	p := e.product("game", "SPOTIFY1M-S1")
	p.Set("low_stock_threshold", 5)
	require.NoError(t, e.app.Save(p))
	(&tests.ApiScenario{
		Name: "low stock", Method: http.MethodGet, URL: "/api/admin/vip-sync?action=low-stock",
		Headers: map[string]string{"Authorization": superToken}, ExpectedStatus: 200,
		ExpectedContent:    []string{`"code":"SPOTIFY1M-S1"`, `"stock":2`, `"cost":`},
		NotExpectedContent: []string{`"code":"NETFLIX1M-S1"`},
		TestAppFactory:     e.factory, DisableTestAppCleanup: true,
	}).Test(t)
}

func TestCatalogCronDoesNotOverlap(t *testing.T) {
	e := newEnv(t)
	e.sb.Inject(sandbox.Fault{Kind: sandbox.FaultLatency, Endpoint: "game-feature", Type: "services", Delay: time.Second})
	job := cronJob(t, e.app, hooks.CronSyncCatalog)
	done := make(chan struct{})
	go func() { job(); close(done) }()
	require.Eventually(t, func() bool { return e.count("sync_runs", "action = 'sync-services'", nil) == 1 },
		5*time.Second, 10*time.Millisecond)
	job() // the first run is still inside the provider call: this one must skip
	<-done
	assert.Equal(t, 1, e.count("sync_runs", "action = 'sync-services'", nil))
	assert.Equal(t, 1, e.sb.Count("game-feature", "services"))
}

func cronJob(t testing.TB, app core.App, id string) func() {
	for _, j := range app.Cron().Jobs() {
		if j.Id() == id {
			return j.Run
		}
	}
	t.Fatalf("cron %s is not registered", id)
	return nil
}
