package hooks_test

import (
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
)

// writeLog counts the services/products rows a sync saves, by collection and
// by record id, through the same after-save hooks realtime rides on.
type writeLog struct {
	mu      sync.Mutex
	created map[string]int
	updated map[string]int
	ids     map[string]int
}

func watchCatalogWrites(e *env) *writeLog {
	w := &writeLog{}
	w.reset()
	for _, col := range []string{"services", "products"} {
		e.app.OnRecordAfterUpdateSuccess(col).BindFunc(func(ev *core.RecordEvent) error {
			w.mu.Lock()
			w.updated[ev.Record.Collection().Name]++
			w.ids[ev.Record.Id]++
			w.mu.Unlock()
			return ev.Next()
		})
		e.app.OnRecordAfterCreateSuccess(col).BindFunc(func(ev *core.RecordEvent) error {
			w.mu.Lock()
			w.created[ev.Record.Collection().Name]++
			w.mu.Unlock()
			return ev.Next()
		})
	}
	return w
}

func (w *writeLog) reset() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.created, w.updated, w.ids = map[string]int{}, map[string]int{}, map[string]int{}
}

func (w *writeLog) snapshot() (created, updated, ids map[string]int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.created, w.updated, w.ids
}

// rowStamps is `updated` (and, for services, `stock_checked_at`) of every
// services and products row, by collection/id.
func rowStamps(e *env) map[string]string {
	e.t.Helper()
	out := map[string]string{}
	for _, col := range []string{"services", "products"} {
		recs, err := e.app.FindAllRecords(col)
		require.NoError(e.t, err)
		for _, r := range recs {
			out[col+"/"+r.Id] = r.GetString("updated") + " " + r.GetString("stock_checked_at")
		}
	}
	return out
}

// changedStamps lists the keys whose stamps differ between two rowStamps.
func changedStamps(before, after map[string]string) []string {
	var out []string
	for k, v := range after {
		if before[k] != v {
			out = append(out, k)
		}
	}
	return out
}

type fullCounts map[string]map[string]map[string]int

func fullSyncCounts(t testing.TB, run *core.Record) fullCounts {
	var c fullCounts
	require.NoError(t, run.UnmarshalJSONField("counts", &c))
	return c
}

func TestFullResyncWithUnchangedStockWritesNothing(t *testing.T) {
	e := newEnv(t)
	w := watchCatalogWrites(e)

	first := fullSyncCounts(t, e.sync(hooks.ActionFullSync))["stock"]["game"]
	listedGame := e.count("services", "category = 'game' && listed = true", nil)
	assert.Equal(t, listedGame, first["checked"], "every never-asked game service is probed once")
	assert.Equal(t, first["checked"], first["updated"], "first answers are all new")
	assert.Zero(t, first["unchanged"])
	tracked := e.count("services", "category = 'game' && stock >= 0 && stock_checked_at != ''", nil)
	require.GreaterOrEqual(t, tracked, 2, "the sandbox has stock-tracked game services (NETFLIX1M-S1, SPOTIFY1M-S1, ...)")
	assert.Equal(t, tracked, first["tracked"])
	assert.Equal(t, tracked, e.count("products", "track_stock = true", nil))
	assert.Equal(t, 12, e.product("game", "NETFLIX1M-S1").GetInt("stock"))

	// Second full-sync of the identical catalog: nothing to write.
	before := rowStamps(e)
	asked := e.sb.Count("game-feature", "service-stock")
	w.reset()
	time.Sleep(5 * time.Millisecond) // a rewrite would get a visibly newer `updated`
	full := fullSyncCounts(t, e.sync(hooks.ActionFullSync))
	created, updated, _ := w.snapshot()
	assert.Zero(t, created["services"]+created["products"])
	assert.Zero(t, updated["services"], "no services row saved")
	assert.Zero(t, updated["products"], "no products row saved (no realtime event)")
	assert.Empty(t, changedStamps(before, rowStamps(e)), "no `updated`/`stock_checked_at` moved")
	stock := full["stock"]["game"]
	assert.Equal(t, tracked, stock["checked"], "only stock-tracked services are asked again")
	assert.Equal(t, tracked, e.sb.Count("game-feature", "service-stock")-asked)
	assert.Equal(t, tracked, stock["tracked"])
	assert.Equal(t, tracked, stock["unchanged"])
	assert.Zero(t, stock["updated"])
	assert.Zero(t, stock["unsupported"], "unsupported services are remembered, not asked again")
	for _, part := range []string{"services", "products"} {
		for _, cat := range hooks.Categories {
			assert.Zero(t, full[part][cat]["created"]+full[part][cat]["updated"], "%s %s", part, cat)
		}
	}

	// A real stock change is written once, to the service and its product.
	require.NoError(t, e.sb.SetStock("NETFLIX1M-S1", 3))
	svc, prod := e.service("game", "NETFLIX1M-S1"), e.product("game", "NETFLIX1M-S1")
	before = rowStamps(e)
	w.reset()
	time.Sleep(5 * time.Millisecond)
	stock = fullSyncCounts(t, e.sync(hooks.ActionFullSync))["stock"]["game"]
	_, updated, ids := w.snapshot()
	assert.Equal(t, 1, updated["services"])
	assert.Equal(t, 1, updated["products"])
	assert.Equal(t, map[string]int{svc.Id: 1, prod.Id: 1}, ids)
	assert.ElementsMatch(t, []string{"services/" + svc.Id, "products/" + prod.Id}, changedStamps(before, rowStamps(e)))
	assert.Equal(t, 1, stock["updated"])
	assert.Equal(t, tracked-1, stock["unchanged"])
	assert.Equal(t, 3, e.service("game", "NETFLIX1M-S1").GetInt("stock"))
	assert.Equal(t, 3, e.product("game", "NETFLIX1M-S1").GetInt("stock"))
	assert.NotEqual(t, svc.GetString("stock_checked_at"), e.service("game", "NETFLIX1M-S1").GetString("stock_checked_at"),
		"a changed value is stamped")

	// And not again on the next run.
	w.reset()
	stock = fullSyncCounts(t, e.sync(hooks.ActionFullSync))["stock"]["game"]
	_, updated, _ = w.snapshot()
	assert.Zero(t, updated["services"]+updated["products"])
	assert.Equal(t, tracked, stock["unchanged"])
}

func TestSyncStockRewritesOnlyADivergedProduct(t *testing.T) {
	e := newEnv(t)
	e.sync(hooks.ActionFullSync)
	w := watchCatalogWrites(e)

	// The product's stock drifted from the provider's (e.g. a local order
	// took a unit the provider has not counted yet): only it is rewritten.
	p := e.product("game", "SPOTIFY1M-S1")
	p.Set("stock", 5)
	require.NoError(t, e.app.Save(p))
	w.reset()
	stock := runCounts(t, e.sync(hooks.ActionSyncStock))["game"]
	_, updated, ids := w.snapshot()
	assert.Zero(t, updated["services"], "the service's stock did not change")
	assert.Equal(t, map[string]int{p.Id: 1}, ids)
	assert.Equal(t, 8, e.product("game", "SPOTIFY1M-S1").GetInt("stock"))
	assert.Equal(t, 1, stock["updated"])
	assert.Equal(t, stock["checked"]-1, stock["unchanged"])
}

func TestSyncStockWithoutProductsStoresServicesOnly(t *testing.T) {
	e := newEnv(t)
	e.sync(hooks.ActionSyncServices)
	first := runCounts(t, e.sync(hooks.ActionSyncStock))["game"]
	assert.Equal(t, first["checked"], first["updated"])
	assert.Equal(t, 12, e.service("game", "NETFLIX1M-S1").GetInt("stock"))
	assert.Zero(t, e.count("products", "", nil))

	again := runCounts(t, e.sync(hooks.ActionSyncStock))["game"]
	assert.Zero(t, again["updated"])
	assert.Equal(t, again["checked"], again["unchanged"])

	// Products created afterwards pick the stock up on the next stock sync.
	e.sync(hooks.ActionSyncProducts)
	picked := runCounts(t, e.sync(hooks.ActionSyncStock))["game"]
	assert.Equal(t, picked["tracked"], picked["updated"], "each tracked product is written once")
	assert.True(t, e.product("game", "NETFLIX1M-S1").GetBool("track_stock"))
	assert.Equal(t, 12, e.product("game", "NETFLIX1M-S1").GetInt("stock"))
}
