package hooks_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
)

func (e *env) brand(providerCategory, name string) *core.Record {
	return e.record("brands", "provider_category = {:c} && name = {:n}", map[string]any{"c": providerCategory, "n": name})
}

func TestTidyBrandName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Mobile Legends A", "Mobile Legends"},
		{"Mobile Legends B", "Mobile Legends"},
		{"  Mobile   Legends  A ", "Mobile Legends"},
		{"Mobile Legends Gift", "Mobile Legends Gift"},
		{"PUBGM INDO A", "PUBG Mobile"},
		{"PUBG Mobile (Global)", "PUBG Mobile"},
		{"Genshin Impact [ID]", "Genshin Impact"},
		{"Free Fire Max", "Free Fire Max"},
		{"Ragnarok M", "Ragnarok M"},   // only supplier letters A–E go
		{"Valorant ID C", "Valorant"},  // letter, then region
		{"A", "A"},                     // never to nothing
		{"Global", "Global"},           // one word stays
		{"TELKOMSEL", "Telkomsel"},     // shouted long words in title case
		{"INDOSAT", "Indosat"},         //
		{"XL", "XL"},                   // short ones are acronyms
		{"PLN", "PLN"},                 //
		{"DANA", "DANA"},               //
		{"GO PAY", "GoPay"},            // known spellings
		{"SHOPEE PAY", "ShopeePay"},    //
		{"GOOGLE PLAY", "Google Play"}, //
		{"TRI", "Tri"},                 //
		{"iQIYI Premium", "iQIYI Premium"},
		{"Call of Duty Mobile", "Call of Duty Mobile"},
	} {
		assert.Equal(t, c.want, hooks.TidyBrandName(c.in), c.in)
	}
}

func TestBrandCategory(t *testing.T) {
	for _, c := range []struct {
		provider, brand string
		types           []string
		want            string
	}{
		{"game", "Mobile Legends A", nil, hooks.BrandGame},
		{"game", "Netflix Premium", nil, hooks.BrandStreaming},
		{"game", "Spotify Premium", nil, hooks.BrandStreaming},
		{"game", "Vidio Premier", nil, hooks.BrandStreaming},
		{"game", "Disney+ Hotstar", nil, hooks.BrandStreaming},
		{"game", "Canva Pro", nil, hooks.BrandStreaming},
		{"game", "Steam Wallet IDR", nil, hooks.BrandVoucher},
		{"game", "Review Game", nil, hooks.BrandGame}, // "viu" is a word, not a substring
		{"prepaid", "TELKOMSEL", []string{"paket-internet", "pulsa-reguler"}, hooks.BrandPulsa},
		{"prepaid", "XL DATA", []string{"paket-internet"}, hooks.BrandData},
		{"prepaid", "PLN", []string{"token-pln"}, hooks.BrandPLN},
		{"prepaid", "DANA", []string{"saldo-emoney"}, hooks.BrandEmoney},
		{"prepaid", "GOOGLE PLAY", []string{"voucher-game"}, hooks.BrandVoucher},
		{"prepaid", "NEW", []string{"something-new"}, hooks.BrandPulsa},
		{"social", "TikTok", nil, hooks.BrandSocial},
	} {
		assert.Equal(t, c.want, hooks.BrandCategory(c.provider, c.brand, c.types), c.brand)
	}
}

// The sync makes one row per (category, brand) of active products, with a
// tidy name, a grouping category and the popular flag.
func TestSyncCreatesBrands(t *testing.T) {
	e := newEnv(t)
	run := e.sync(hooks.ActionFullSync)

	var distinct int
	require.NoError(t, e.app.DB().NewQuery("SELECT COUNT(*) FROM (SELECT DISTINCT category, brand FROM products WHERE active = 1)").Row(&distinct))
	require.Positive(t, distinct)
	assert.Equal(t, distinct, e.count("brands", "", nil))
	var counts map[string]map[string]map[string]int
	require.NoError(t, run.UnmarshalJSONField("counts", &counts))
	assert.Equal(t, distinct, counts["products"]["brands"]["created"])

	for _, c := range []struct {
		provider, name, display, category string
		popular                           bool
	}{
		{"game", "Mobile Legends A", "Mobile Legends", "game", true},
		{"game", "Mobile Legends B", "Mobile Legends", "game", true},
		{"game", "Mobile Legends Gift", "Mobile Legends Gift", "game", false},
		{"game", "Free Fire", "Free Fire", "game", true},
		{"game", "Netflix Premium", "Netflix Premium", "streaming", false},
		{"game", "Spotify Premium", "Spotify Premium", "streaming", false},
		{"prepaid", "TELKOMSEL", "Telkomsel", "pulsa", true},
		{"prepaid", "XL", "XL", "pulsa", false},
		{"social", "TikTok", "TikTok", "social", false},
	} {
		b := e.brand(c.provider, c.name)
		assert.Equal(t, c.display, b.GetString("display_name"), c.name)
		assert.Equal(t, c.category, b.GetString("category"), c.name)
		assert.Equal(t, c.popular, b.GetBool("popular"), c.name)
		assert.True(t, b.GetBool("active"), c.name)
		assert.False(t, b.GetBool("edited"), c.name)
	}
	// A game whose servers are known gets them as its zone list; others none.
	assert.Equal(t, "os_asia=Asia\nos_usa=America\nos_euro=Europe\nos_cht=TW, HK, MO", e.brand("game", "Genshin Impact").GetString("zones"))
	assert.Empty(t, e.brand("game", "Mobile Legends A").GetString("zones"))
}

// An unchanged catalog writes no brand row.
func TestBrandResyncWritesNothing(t *testing.T) {
	e := newEnv(t)
	e.sync(hooks.ActionFullSync)
	writes := 0
	count := func(ev *core.ModelEvent) error { writes++; return ev.Next() }
	e.app.OnModelAfterUpdateSuccess("brands").BindFunc(count)
	e.app.OnModelAfterCreateSuccess("brands").BindFunc(count)

	run := e.sync(hooks.ActionSyncProducts)
	assert.Zero(t, writes)
	c := runCounts(t, run)["brands"]
	assert.Zero(t, c["created"]+c["updated"])
	assert.Equal(t, e.count("brands", "", nil), c["unchanged"])
	e.sync(hooks.ActionFullSync)
	assert.Zero(t, writes)
}

// A person's edit (dashboard or REST) marks the row edited; the sync never
// changes it again, not even when its products all go inactive. A row
// nobody edited is switched off then, and the public sees active rows only.
func TestBrandEditsWinAndInactiveBrandsHide(t *testing.T) {
	e := newEnv(t)
	e.sync(hooks.ActionFullSync)
	ml := e.brand("game", "Mobile Legends A")
	ffmax := e.brand("game", "Free Fire Max")

	r := e.do(http.MethodPatch, "/api/collections/brands/records/"+ml.Id, superToken,
		map[string]any{"display_name": "MLBB", "help": "Buka profil: ID (Zone) di bawah nama."})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.True(t, e.brand("game", "Mobile Legends A").GetBool("edited"))

	// Every product of both brands goes inactive.
	for _, brand := range []string{"Mobile Legends A", "Free Fire Max"} {
		ps, err := e.app.FindAllRecords("products", dbxEq("brand", brand))
		require.NoError(t, err)
		require.NotEmpty(t, ps, brand)
		for _, p := range ps {
			p.Set("active", false)
			require.NoError(t, e.app.Save(p))
		}
	}
	run := e.sync(hooks.ActionSyncProducts)
	c := runCounts(t, run)["brands"]
	assert.Equal(t, 1, c["deactivated"])
	assert.Equal(t, 1, c["edited"])

	ml = e.brand("game", "Mobile Legends A")
	assert.Equal(t, "MLBB", ml.GetString("display_name"), "the edit survives the sync")
	assert.True(t, ml.GetBool("active"), "an edited row keeps what the person set")
	assert.False(t, e.brand("game", "Free Fire Max").GetBool("active"))

	// Public read: active rows only, without the edited flag.
	r = e.do(http.MethodGet, "/api/collections/brands/records?perPage=500", "", nil)
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	items := r.Body["items"].([]any)
	assert.Len(t, items, e.count("brands", "active = true", nil))
	for _, it := range items {
		row := it.(map[string]any)
		assert.NotEqual(t, ffmax.Id, row["id"])
		assert.NotContains(t, row, "edited")
	}
	r = e.do(http.MethodGet, "/api/collections/brands/records/"+ffmax.Id, "", nil)
	assert.Equal(t, http.StatusNotFound, r.Status)

	// Giving the row back to the sync: edited=false sent explicitly.
	r = e.do(http.MethodPatch, "/api/collections/brands/records/"+ml.Id, superToken, map[string]any{"edited": false})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	e.sync(hooks.ActionSyncProducts)
	ml = e.brand("game", "Mobile Legends A")
	assert.False(t, ml.GetBool("edited"))
	assert.Equal(t, "Mobile Legends", ml.GetString("display_name"))
	assert.False(t, ml.GetBool("active"))
}

// Shoppers and guests read; only superusers write.
func TestBrandsShopperCannotWrite(t *testing.T) {
	e := newEnv(t)
	e.sync(hooks.ActionFullSync)
	ml := e.brand("game", "Mobile Legends A")
	before := e.count("brands", "", nil)
	for _, token := range []string{"", userTokens[userEmail]} {
		r := e.do(http.MethodPost, "/api/collections/brands/records", token,
			map[string]any{"provider_category": "game", "name": "Fake", "display_name": "Fake", "category": "game", "active": true})
		assert.Contains(t, []int{http.StatusBadRequest, http.StatusForbidden}, r.Status, r.Raw)
		r = e.do(http.MethodPatch, "/api/collections/brands/records/"+ml.Id, token, map[string]any{"display_name": "Hacked"})
		assert.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, r.Status, r.Raw)
		r = e.do(http.MethodDelete, "/api/collections/brands/records/"+ml.Id, token, nil)
		assert.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, r.Status, r.Raw)
	}
	assert.Equal(t, before, e.count("brands", "", nil))
	ml = e.brand("game", "Mobile Legends A")
	assert.Equal(t, "Mobile Legends", ml.GetString("display_name"))
	assert.False(t, ml.GetBool("edited"))

	r := e.do(http.MethodGet, "/api/collections/brands/records?perPage=1", userTokens[userEmail], nil)
	assert.Equal(t, http.StatusOK, r.Status)
}
