package hooks_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
)

// page is what GET path serves.
func (e *env) page(path string) (int, string) {
	e.t.Helper()
	rec := httptest.NewRecorder()
	e.handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Code, rec.Body.String()
}

func (e *env) storeID() string {
	e.t.Helper()
	recs, err := e.app.FindAllRecords("store")
	require.NoError(e.t, err)
	require.Len(e.t, recs, 1, "one store row")
	return recs[0].Id
}

// The store row names the shop: <title>, description and Open Graph tags
// of every storefront page as served, the favicon from the logo, and the
// messages' signature. One row, public read, superuser write.
func TestStoreIdentity(t *testing.T) {
	e, wa := notifyEnv(t)
	code, page := e.page("/")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, "<title>Toko Contoh — Top up game, pulsa &amp; sosial media</title>", "no store name yet: Settings › Application name")
	assert.Contains(t, page, `<meta property="og:title" content="Toko Contoh — Top up game, pulsa &amp; sosial media">`)

	id := e.storeID()
	url := "/api/collections/store/records/" + id
	r := e.do(http.MethodPatch, url, superToken, map[string]any{"name": "Toko <Maju>", "tagline": "Top up murah 24 jam", "cs_whatsapp": "0812-3456-7890"})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Equal(t, "6281234567890", r.Body["cs_whatsapp"], "normalised")
	for _, path := range []string{"/", "/index.html", "/lacak/PRE-1-ABCDE"} {
		code, page = e.page(path)
		if code == http.StatusMovedPermanently {
			continue // /index.html → /
		}
		require.Equal(t, http.StatusOK, code, path)
		assert.Contains(t, page, "<title>Toko &lt;Maju&gt; — Top up murah 24 jam</title>", path)
		assert.Contains(t, page, `<meta name="description" content="Top up murah 24 jam">`, path)
		assert.Contains(t, page, `<meta property="og:site_name" content="Toko &lt;Maju&gt;">`, path)
		assert.NotContains(t, page, "<Maju>", "escaped")
	}
	assert.NotContains(t, page, "vipbase-mode", "not the sandbox")
	_, css := e.page("/app.css")
	assert.NotContains(t, css, "og:title", "only the page is rendered")

	// A logo becomes the favicon and og:image.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("logo", "logo.png")
	require.NoError(t, err)
	_, _ = fw.Write(tinyPNG)
	require.NoError(t, mw.Close())
	r = e.do(http.MethodPatch, url, superToken, rawBody(body.String()), "Content-Type", mw.FormDataContentType())
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	_, page = e.page("/")
	assert.Regexp(t, `<link rel="icon" href="/api/files/[a-z0-9_]+/`+id+`/logo_[a-z0-9]+\.png\?thumb=64x64">`, page)
	assert.Contains(t, page, `<meta property="og:image" content="`)

	// The messages sign with the store's name.
	e.memberPhone(userEmail, memberWA, true)
	e.deposit(userEmail, 100_000)
	e.buyPrepaid(userEmail, "081200000444") // the sandbox refuses it at once: order_failed
	e.sendAll()
	msgs := whatsapps(wa, memberWA)
	require.NotEmpty(t, msgs)
	assert.True(t, strings.Contains(msgs[0], "Toko <Maju>"), msgs[0])

	// One row, public read, superuser write.
	r = e.do(http.MethodPost, "/api/collections/store/records", superToken, map[string]any{"name": "Kedua"})
	assert.Equal(t, "store_single_row", r.data()["code"], r.Raw)
	r = e.do(http.MethodDelete, url, superToken, nil)
	assert.Equal(t, "store_single_row", r.data()["code"], r.Raw)
	assert.Equal(t, http.StatusOK, e.do(http.MethodGet, "/api/collections/store/records", "", nil).Status, "public read")
	r = e.do(http.MethodPatch, url, userTokens[userEmail], map[string]any{"name": "Punyaku"})
	assert.NotEqual(t, http.StatusOK, r.Status, r.Raw)
	r = e.do(http.MethodPatch, url, superToken, map[string]any{"cs_whatsapp": "12345"})
	assert.Contains(t, r.Raw, "validation_phone")
}

// tinyPNG is a 1×1 PNG.
var tinyPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")

// A brand's page (/beli/<slug>) is served with the brand's title,
// description and Open Graph tags, for link previews; the home's title
// rides along for the storefront. An unknown slug is the store's page.
func TestBrandPageHead(t *testing.T) {
	e := newEnv(t).ready()
	assert.Equal(t, "mobile-legends", hooks.BrandSlug("Mobile Legends"))
	assert.Equal(t, "pubg-mobile", hooks.BrandSlug(" PUBG  Mobile! "))
	assert.Equal(t, "call-of-duty-mobile", hooks.BrandSlug("Call of Duty® Mobile"))

	code, page := e.page("/beli/mobile-legends")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, "<title>Mobile Legends — ")
	assert.Contains(t, page, `<meta property="og:title" content="Mobile Legends — `)
	assert.Contains(t, page, `<meta name="description" content="Top up Mobile Legends di `)
	assert.Contains(t, page, `<meta name="vipbase-home-title" content="`)
	assert.Equal(t, 1, strings.Count(page, "<title>"))
	assert.Contains(t, page, `<script type="module" src="/js/main.js">`, "the storefront's page")

	ml := e.brand("game", "Mobile Legends A")
	ml.Set("help", "ID ada di profil game, contoh 12345678 (2001)")
	require.NoError(t, e.app.Save(ml))
	_, page = e.page("/beli/mobile-legends")
	assert.Contains(t, page, `<meta property="og:description" content="ID ada di profil game, contoh 12345678 (2001)">`)

	code, page = e.page("/beli/tidak-ada")
	require.Equal(t, http.StatusOK, code)
	assert.NotContains(t, page, "Top up tidak-ada")
	_, home := e.page("/")
	assert.Equal(t, pageBody(home), pageBody(page), "an unknown brand: the store's page")
}
