package hooks_test

import (
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
)

const rulesURL = "/api/collections/pricing_rules/records"

// countProductWrites counts saved product rows from now on.
func (e *env) countProductWrites() *atomic.Int64 {
	var n atomic.Int64
	e.app.OnModelAfterUpdateSuccess("products").BindFunc(func(me *core.ModelEvent) error {
		n.Add(1)
		return me.Next()
	})
	return &n
}

// prices is every product's public price by code.
func (e *env) prices() map[string]int {
	e.t.Helper()
	recs, err := e.app.FindAllRecords("products")
	require.NoError(e.t, err)
	out := map[string]int{}
	for _, r := range recs {
		out[r.GetString("category")+"/"+r.GetString("code")] = r.GetInt("price")
	}
	return out
}

// The migration seeds rules that suit the niche: thin fixed margins on
// PPOB and e-money, percentages on games and social media.
func TestSeededPricing(t *testing.T) {
	require.Len(t, seededRules, 9)
	e := newEnv(t)
	col, err := e.app.FindCollectionByNameOrId("pricing_rules")
	require.NoError(t, err)
	for _, data := range seededRules {
		r := core.NewRecord(col)
		for k, v := range data {
			if k != "id" && k != "created" && k != "updated" {
				r.Set(k, v)
			}
		}
		require.NoError(t, e.app.Save(r))
	}
	e.sync(hooks.ActionFullSync)
	for _, c := range []struct {
		category, code string
		want           func(cost int) int
	}{
		{"prepaid", "TELKOMSEL_10K", func(c int) int { return up(c+1000, 100) }},
		{"prepaid", "PLN50", func(c int) int { return up(c+2000, 100) }},
		{"prepaid", "DANA25", func(c int) int { return up(c+1500, 100) }},
		{"game", "ML14-S14", func(c int) int { return up((c*108+99)/100, 100) }},
		{"social", "3249", func(c int) int { return up((c*115+99)/100, 100) }},
	} {
		p := e.product(c.category, c.code)
		assert.Equal(t, c.want(p.GetInt("cost")), p.GetInt("price"), "%s (cost %d)", c.code, p.GetInt("cost"))
	}
}

func up(v, step int) int { return (v + step - 1) / step * step }

// A rule saved in the dashboard reprices in that same request, writing
// only the products whose price changed; precedence product > brand >
// category > default; deleting the rule gives the default back.
func TestPricingRuleRepricesInTheSameRequest(t *testing.T) {
	e := newEnv(t).ready()
	before := e.prices()
	writes := e.countProductWrites()

	r := e.do(http.MethodPost, rulesURL, superToken, map[string]any{"category": "prepaid", "markup_fixed": 1000, "rounding": 100, "active": true})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	after := e.prices()
	changed := 0
	for k, v := range after {
		if v != before[k] {
			changed++
		}
	}
	tsel := e.product("prepaid", "TELKOMSEL_10K")
	assert.Equal(t, up(tsel.GetInt("cost")+1000, 100), tsel.GetInt("price"), "repriced before the answer")
	assert.Greater(t, changed, 0)
	assert.EqualValues(t, changed, writes.Load(), "one write per changed product, none for the others")
	for k, v := range after {
		if k[:5] == "game/" {
			assert.Equal(t, before[k], v, "%s: another category is not touched", k)
		}
	}

	rule := r.Body["id"].(string)
	writes.Store(0)
	r = e.do(http.MethodPatch, rulesURL+"/"+rule, superToken, map[string]any{"note": "pulsa +1000"})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Zero(t, writes.Load(), "a rule saved without a price change writes no product")

	// Brand beats category; product beats brand.
	r = e.do(http.MethodPost, rulesURL, superToken, map[string]any{"brand": "pln", "markup_percent": 1, "active": true})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	pln := e.product("prepaid", "PLN50")
	assert.Equal(t, (pln.GetInt("cost")*101+99)/100, pln.GetInt("price"), "PLN +1 %, no rounding")
	r = e.do(http.MethodPost, rulesURL, superToken, map[string]any{"product": pln.Id, "markup_fixed": 777, "active": true})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Equal(t, pln.GetInt("cost")+777, e.product("prepaid", "PLN50").GetInt("price"))

	// A locked price stays; an inactive rule does nothing; bad rounding is refused.
	lockedBefore := e.product("game", "ML14-S14").GetInt("price")
	p := e.product("game", "ML14-S14")
	require.Equal(t, http.StatusOK, e.do(http.MethodPatch, "/api/collections/products/records/"+p.Id, superToken, map[string]any{"price": lockedBefore + 100}).Status)
	r = e.do(http.MethodPost, rulesURL, superToken, map[string]any{"category": "game", "markup_percent": 50, "active": true})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Equal(t, lockedBefore+100, e.product("game", "ML14-S14").GetInt("price"), "locked")
	ml86 := e.product("game", "ML86-S2")
	assert.Equal(t, up((ml86.GetInt("cost")*150+99)/100, 0+1), ml86.GetInt("price"))
	r = e.do(http.MethodPost, rulesURL, superToken, map[string]any{"category": "social", "markup_percent": 90, "active": false})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Equal(t, before["social/3249"], e.prices()["social/3249"])
	r = e.do(http.MethodPost, rulesURL, superToken, map[string]any{"category": "social", "markup_percent": 5, "rounding": 30, "active": true})
	assert.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
	assert.Contains(t, r.Raw, "validation_rounding")

	// Deleting the category rule: the default again for the other pulsa.
	require.Equal(t, http.StatusNoContent, e.do(http.MethodDelete, rulesURL+"/"+rule, superToken, nil).Status)
	assert.Equal(t, before["prepaid/TELKOMSEL_10K"], e.prices()["prepaid/TELKOMSEL_10K"])

	// The next sync keeps all of it (no writes for unchanged prices).
	writes.Store(0)
	e.sync(hooks.ActionSyncProducts)
	assert.Zero(t, writes.Load())
}

// A member of a level pays their level's price, recorded on the order and
// in the ledger; everyone else the public price. Only the store sets a
// level.
func TestMemberLevelPrices(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 100_000)
	e.deposit(otherEmail, 100_000)
	r := e.do(http.MethodPost, rulesURL, superToken, map[string]any{"category": "prepaid", "level": "reseller", "markup_fixed": 200, "active": true})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	p := e.product("prepaid", "TELKOMSEL_10K")
	public, cost := p.GetInt("price"), p.GetInt("cost")
	var levels map[string]int
	require.NoError(t, p.UnmarshalJSONField("prices", &levels))
	assert.Equal(t, map[string]int{"reseller": cost + 200}, levels)

	r = e.do(http.MethodPatch, "/api/collections/users/records/"+userIDs[userEmail], userTokens[userEmail], map[string]any{"level": "reseller"})
	assert.Equal(t, http.StatusForbidden, r.Status, "a member cannot pick their own level: %s", r.Raw)
	r = e.do(http.MethodPatch, "/api/collections/users/records/"+userIDs[userEmail], superToken, map[string]any{"level": "reseller"})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)

	reseller := e.order(e.buyPrepaid(userEmail, "081200000123"))
	assert.Equal(t, cost+200, reseller.GetInt("price"))
	assert.Equal(t, int64(100_000-cost-200), e.balance(userEmail))
	plain := e.order(e.buyPrepaid(otherEmail, "081200000124"))
	assert.Equal(t, public, plain.GetInt("price"))
	assert.Equal(t, int64(100_000-public), e.balance(otherEmail))

	r = e.do(http.MethodPost, prepaidURL, userTokens[userEmail], map[string]any{"service": "TELKOMSEL_10K", "phoneNumber": "081200000125", "amount": public})
	assert.Equal(t, http.StatusConflict, r.Status, "the public price is not the reseller's: %s", r.Raw)
	assert.Equal(t, "price_changed", r.data()["code"])
	e.assertLedgerConsistent()
}

// A member of a level checking out through a gateway is invoiced their
// level's price, and the product read through the SDK carries it.
func TestMemberLevelPriceAtCheckout(t *testing.T) {
	e := newPayEnv(t)
	r := e.do(http.MethodPost, rulesURL, superToken, map[string]any{"category": "prepaid", "level": "reseller", "markup_fixed": 300, "active": true})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	r = e.do(http.MethodPatch, "/api/collections/users/records/"+userIDs[userEmail], superToken, map[string]any{"level": "reseller"})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	p := e.product("prepaid", "TELKOMSEL_10K")
	want := p.GetInt("cost") + 300

	r = e.do(http.MethodGet, "/api/collections/products/records/"+p.Id, userTokens[userEmail], nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.EqualValues(t, map[string]any{"reseller": float64(want)}, r.Body["prices"], "the SDK read shows the level prices")

	order, pay, _, _ := e.checkoutOK(userTokens[userEmail], prepaidCheckout("QRIS", ""))
	assert.Equal(t, want, e.order(order).GetInt("price"))
	assert.Equal(t, want, e.record("payments", "number = {:n}", map[string]any{"n": pay}).GetInt("amount"))
	_, guestPay, _, _ := e.checkoutOK("", prepaidCheckout("QRIS", "081299998888"))
	assert.Equal(t, p.GetInt("price"), e.record("payments", "number = {:n}", map[string]any{"n": guestPay}).GetInt("amount"), "a guest pays the public price")
}

// What changed while the store was down (an upgrade seeding rules, a new
// default markup, a price written behind its back) is repriced when it
// starts: only the products whose price is wrong are written.
func TestRepricedAtStart(t *testing.T) {
	e := newEnv(t).ready()
	stale := e.product("prepaid", "TELKOMSEL_10K")
	want := stale.GetInt("price")
	other := e.product("prepaid", "TELKOMSEL_25K")
	_, err := e.app.DB().NewQuery("UPDATE products SET price = 1 WHERE id = {:id}").Bind(map[string]any{"id": stale.Id}).Execute()
	require.NoError(t, err)

	require.NoError(t, e.app.OnBootstrap().Trigger(&core.BootstrapEvent{App: e.app}, func(*core.BootstrapEvent) error { return nil }))
	assert.Equal(t, want, e.product("prepaid", "TELKOMSEL_10K").GetInt("price"), "the stale price is put right")
	assert.Equal(t, other.GetString("updated"), e.product("prepaid", "TELKOMSEL_25K").GetString("updated"), "a right price is not written")
}
