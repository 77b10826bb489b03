package hooks_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

// A price a person types locks itself; clearing the lock gives the markup
// back at once; no active product is saved below cost.
func TestTypedPriceLocksAndNeverBelowCost(t *testing.T) {
	e := newEnv(t).ready()
	p := e.product("game", "ML14-S14")
	require.Equal(t, 3235, p.GetInt("cost"))
	require.Equal(t, 3600, p.GetInt("price"))
	url := "/api/collections/products/records/" + p.Id

	r := e.do(http.MethodPatch, url, superToken, map[string]any{"price": 3900})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	p = e.product("game", "ML14-S14")
	assert.True(t, p.GetBool("price_locked"), "typing a price locks it")
	e.sync(hooks.ActionFullSync)
	assert.Equal(t, 3900, e.product("game", "ML14-S14").GetInt("price"), "the sync keeps a typed price")

	r = e.do(http.MethodPatch, url, superToken, map[string]any{"price": 3000})
	assert.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
	assert.Equal(t, "below_cost", r.data()["code"], r.Raw)
	assert.Contains(t, r.Raw, "ML14-S14")
	assert.Equal(t, 3900, e.product("game", "ML14-S14").GetInt("price"))
	r = e.do(http.MethodPatch, url, superToken, map[string]any{"price": 3000, "active": false})
	require.Equal(t, http.StatusOK, r.Status, "an inactive product may hold any price: %s", r.Raw)
	r = e.do(http.MethodPatch, url, superToken, map[string]any{"active": true})
	assert.Equal(t, "below_cost", r.data()["code"], "nor switched on below cost: %s", r.Raw)

	r = e.do(http.MethodPatch, url, superToken, map[string]any{"price_locked": false, "active": true})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	p = e.product("game", "ML14-S14")
	assert.Equal(t, 3600, p.GetInt("price"), "unlocked: the markup's price, in the same save")
	assert.True(t, p.GetBool("active"))
}

// A cost that rises above a locked price switches the product off and
// tells the operator once; when the cost comes back down, the product is
// on again.
func TestCostAboveLockedPriceDisables(t *testing.T) {
	e := newEnv(t, func(c *hooks.Config, _ *sandbox.Config) { c.AdminWhatsApp = opsPhone }).ready()
	p := e.product("game", "ML14-S14")
	r := e.do(http.MethodPatch, "/api/collections/products/records/"+p.Id, superToken, map[string]any{"price": 3500})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)

	require.NoError(t, e.sb.SetServicePrice("game-feature", "ML14-S14", 4000, 3900, 3800))
	e.sync(hooks.ActionFullSync)
	p = e.product("game", "ML14-S14")
	assert.False(t, p.GetBool("active"), "not sold below cost")
	assert.True(t, p.GetBool("auto_disabled"))
	assert.Equal(t, 3500, p.GetInt("price"), "the typed price stays")
	alerts := e.notifications("template = 'admin_review'", nil)
	require.Len(t, alerts, 1)
	assert.Contains(t, alerts[0].GetString("body"), "ML14-S14")
	assert.Contains(t, alerts[0].GetString("body"), "Rp 3.800")
	r = e.do(http.MethodPost, "/api/orders/game", userTokens[userEmail], map[string]any{"service": "ML14-S14", "userId": "12345678", "zoneId": "2001"})
	assert.Equal(t, http.StatusNotFound, r.Status, "not for sale: %s", r.Raw)

	e.sync(hooks.ActionFullSync)
	assert.False(t, e.product("game", "ML14-S14").GetBool("active"), "stays off while the cost is above the price")
	assert.Len(t, e.notifications("template = 'admin_review'", nil), 1, "one alert for one cost")

	require.NoError(t, e.sb.SetServicePrice("game-feature", "ML14-S14", 3400, 3300, 3200))
	e.sync(hooks.ActionFullSync)
	p = e.product("game", "ML14-S14")
	assert.True(t, p.GetBool("active"), "the cost fell back under the price: on again")
	assert.False(t, p.GetBool("auto_disabled"))
}

// A stale form (old cost and price sent back after the sync raised the
// cost) cannot write the old cost and sell below the new one.
func TestStaleProductFormCannotSellBelowCost(t *testing.T) {
	e := newEnv(t).ready()
	stale := e.product("game", "ML14-S14")
	require.NoError(t, e.sb.SetServicePrice("game-feature", "ML14-S14", 4400, 4300, 4200))
	e.sync(hooks.ActionFullSync)
	r := e.do(http.MethodPatch, "/api/collections/products/records/"+stale.Id, superToken,
		map[string]any{"name": "ML 14 Diamonds", "cost": stale.GetInt("cost"), "price": stale.GetInt("price")})
	assert.Equal(t, "below_cost", r.data()["code"], r.Raw)
	p := e.product("game", "ML14-S14")
	assert.Equal(t, 4200, p.GetInt("cost"))
	assert.GreaterOrEqual(t, p.GetInt("price"), 4200)
}
