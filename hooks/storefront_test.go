package hooks_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

func withPublicDir(dir string) envOption {
	return func(c *hooks.Config, _ *sandbox.Config) { c.PublicDir = dir }
}

// pageBody is a page without what the store row fills in (from <title> to
// the favicon line).
func pageBody(page string) string {
	i, j := strings.Index(page, "<title>"), strings.Index(page, `<link rel="icon"`)
	if i < 0 || j < i {
		return page
	}
	return page[:i] + page[j:]
}

func TestStorefrontServesTheEmbeddedCopyByDefault(t *testing.T) {
	e := newEnv(t) // Config.PublicDir is empty
	index, err := os.ReadFile(filepath.Join("..", "pb_public", "index.html"))
	require.NoError(t, err)
	mainJS, err := os.ReadFile(filepath.Join("..", "pb_public", "js", "main.js"))
	require.NoError(t, err)

	r := e.do(http.MethodGet, "/", "", nil)
	require.Equal(t, http.StatusOK, r.Status)
	assert.Equal(t, pageBody(string(index)), pageBody(r.Raw), "/ is the checkout's index.html, from the binary")
	assert.Contains(t, r.Raw, `<meta property="og:title"`, "with the store's identity in its head (TestStoreIdentity)")

	r = e.do(http.MethodGet, "/js/main.js", "", nil)
	require.Equal(t, http.StatusOK, r.Status)
	assert.Equal(t, string(mainJS), r.Raw)

	// Every module the page and its modules import is served as JavaScript:
	// a browser refuses a module script of any other type.
	modules := regexp.MustCompile(`(?:src|href)="(/(?:js|vendor)/[^"]+\.m?js)"`).FindAllStringSubmatch(string(index), -1)
	require.NotEmpty(t, modules)
	imported := regexp.MustCompile(`from '\./([a-z]+\.js)'`)
	seen := map[string]bool{}
	for _, m := range modules {
		seen[m[1]] = true
	}
	for path := range seen {
		r := e.do(http.MethodGet, path, "", nil)
		assert.Equal(t, http.StatusOK, r.Status, path)
		assert.Contains(t, r.Header.Get("Content-Type"), "javascript", path)
		assert.NotContains(t, r.Raw, "<html", path+" is the file, not the index fallback")
		for _, dep := range imported.FindAllStringSubmatch(r.Raw, -1) {
			assert.True(t, seen["/js/"+dep[1]], "%s imports %s, which index.html does not preload", path, dep[1])
		}
	}

	// Unknown paths fall back to index.html (the storefront's own pages have
	// paths: a shared /bayar/… link opens the invoice); the embedding Go file is not served.
	for _, path := range []string{"/orders/ABC123", "/bayar/PAY123?token=abc", "/lacak/INV1", "/beli/mobile-legends", "/embed.go"} {
		r = e.do(http.MethodGet, path, "", nil)
		require.Equal(t, http.StatusOK, r.Status, path)
		assert.Equal(t, pageBody(string(index)), pageBody(r.Raw), path)
	}

	// Routes registered before the storefront still win.
	r = e.do(http.MethodGet, "/api/health", "", nil)
	assert.Equal(t, http.StatusOK, r.Status)
	assert.NotContains(t, r.Raw, "<html")

	// Compressed for a browser that asks (the page and the modules are text);
	// a crawler finds robots.txt.
	for _, path := range []string{"/", "/js/checkout.js", "/vendor/pocketbase.es.mjs", "/app.css"} {
		r = e.do(http.MethodGet, path, "", nil, "Accept-Encoding", "gzip")
		require.Equal(t, http.StatusOK, r.Status, path)
		assert.Equal(t, "gzip", r.Header.Get("Content-Encoding"), path)
		zr, err := gzip.NewReader(strings.NewReader(r.Raw))
		require.NoError(t, err, path)
		plain, err := io.ReadAll(zr)
		require.NoError(t, err, path)
		assert.Less(t, len(r.Raw), len(plain)/2, "%s: %d bytes gzipped of %d", path, len(r.Raw), len(plain))
	}
	r = e.do(http.MethodGet, "/robots.txt", "", nil)
	require.Equal(t, http.StatusOK, r.Status)
	assert.Contains(t, r.Raw, "Disallow: /api/")
}

func TestStorefrontPublicDirOverridesTheEmbeddedCopy(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "index.html"), []byte("<p>toko sendiri</p>"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "promo.txt"), []byte("diskon"), 0o644))
	e := newEnv(t, withPublicDir(dir))

	r := e.do(http.MethodGet, "/", "", nil)
	require.Equal(t, http.StatusOK, r.Status)
	assert.Equal(t, "<p>toko sendiri</p>", r.Raw)
	r = e.do(http.MethodGet, "/promo.txt", "", nil)
	require.Equal(t, http.StatusOK, r.Status)
	assert.Equal(t, "diskon", r.Raw)
	// Nothing of the embedded storefront leaks through.
	r = e.do(http.MethodGet, "/js/main.js", "", nil)
	assert.Equal(t, "<p>toko sendiri</p>", r.Raw, "index fallback of the override")
}

func TestStorefrontBadPublicDirStopsServe(t *testing.T) {
	file := filepath.Join(t.TempDir(), "index.html")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o644))
	for name, dir := range map[string]string{
		"missing":         filepath.Join(t.TempDir(), "nope"),
		"not a directory": file,
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, withPublicDir(dir))
			r, err := apis.NewRouter(e.app)
			require.NoError(t, err)
			started := false
			err = e.app.OnServe().Trigger(&core.ServeEvent{App: e.app, Router: r}, func(*core.ServeEvent) error {
				started = true // where serve would start listening
				return nil
			})
			e.app.Cron().Stop()
			require.Error(t, err)
			assert.False(t, started, "serve must not start")
			assert.Contains(t, err.Error(), "--publicDir")
			assert.Contains(t, err.Error(), dir)
			assert.True(t, strings.Contains(err.Error(), "no such directory") || strings.Contains(err.Error(), "not a directory"), err.Error())
		})
	}
}

// The shopper-facing rate limits (pb_migrations/*_shopper_rate_limits.go).

func rule(t *testing.T, app core.App, label string) core.RateLimitRule {
	t.Helper()
	for _, r := range app.Settings().RateLimits.Rules {
		if r.Label == label {
			return r
		}
	}
	t.Fatalf("no rate limit rule %q in %v", label, app.Settings().RateLimits.Rules)
	return core.RateLimitRule{}
}

func TestShopperRateLimitDefaults(t *testing.T) {
	e := newEnv(t)
	rl := e.app.Settings().RateLimits
	require.True(t, rl.Enabled)
	for _, want := range []core.RateLimitRule{
		{Label: "*:auth", MaxRequests: 10, Duration: 60},
		{Label: "users:create", MaxRequests: 10, Duration: 600},
		{Label: "GET /api/games/nickname", MaxRequests: 20, Duration: 60},
		{Label: "POST /api/checkout", MaxRequests: 10, Duration: 60},
		{Label: "GET /api/orders/track", MaxRequests: 20, Duration: 60},
		{Label: "POST /api/webhooks/vip-reseller", MaxRequests: 300, Duration: 1},
		// PocketBase's own defaults for the rest stay.
		{Label: "*:create", MaxRequests: 20, Duration: 5},
		{Label: "/api/", MaxRequests: 300, Duration: 10},
	} {
		assert.Equal(t, want, rule(t, e.app, want.Label))
	}
	// The labels are the ones PocketBase looks up for these requests, most
	// specific first (apis/middlewares_rate_limit.go).
	for _, c := range []struct {
		labels []string
		want   string
	}{
		{[]string{"users:authWithPassword", "users:auth", "*:authWithPassword", "*:auth",
			"POST /api/collections/users/auth-with-password", "/api/collections/users/auth-with-password"}, "*:auth"},
		{[]string{"users:create", "*:create", "POST /api/collections/users/records", "/api/collections/users/records"}, "users:create"},
		{[]string{"POST /api/checkout", "/api/checkout"}, "POST /api/checkout"},
		{[]string{"GET /api/orders/track", "/api/orders/track"}, "GET /api/orders/track"},
	} {
		got, ok := rl.FindRateLimitRule(c.labels)
		require.True(t, ok, c.labels)
		assert.Equal(t, c.want, got.Label, c.labels)
	}
}

func TestMistypedPasswordRetryIsNotRateLimited(t *testing.T) {
	e := newEnv(t)
	login := func(password string) int {
		return e.do(http.MethodPost, "/api/collections/users/auth-with-password", "",
			map[string]string{"identity": userEmail, "password": password}).Status
	}
	// PocketBase's default (2 per 3 s) answered the third of these with 429.
	assert.Equal(t, http.StatusBadRequest, login("1234567899"))
	assert.Equal(t, http.StatusBadRequest, login("1234567809"))
	assert.Equal(t, http.StatusOK, login("1234567890"))
	// The limit is still there: the 11th attempt in a minute is refused.
	for range 7 {
		assert.Equal(t, http.StatusBadRequest, login("wrong-password"))
	}
	assert.Equal(t, http.StatusTooManyRequests, login("1234567890"))
}

func TestSignUpRetryIsNotRateLimited(t *testing.T) {
	e := newEnv(t)
	signUp := func(email, password, confirm string) int {
		return e.do(http.MethodPost, "/api/collections/users/records", "", map[string]string{
			"email": email, "password": password, "passwordConfirm": confirm}).Status
	}
	assert.Equal(t, http.StatusBadRequest, signUp("baru@vipbase.test", "rahasia-123", "rahasia-124"))
	assert.Equal(t, http.StatusBadRequest, signUp("baru@vipbase.test", "pendek", "pendek"))
	assert.Equal(t, http.StatusOK, signUp("baru@vipbase.test", "rahasia-123", "rahasia-123"))
}

// shopperRateLimitsMigration is the migration under test, found by its file.
func shopperRateLimitsMigration(t *testing.T) *core.Migration {
	t.Helper()
	for _, m := range core.AppMigrations.Items() {
		if strings.HasSuffix(m.File, "_shopper_rate_limits.go") {
			return m
		}
	}
	t.Fatal("no *_shopper_rate_limits.go migration registered")
	return nil
}

func TestShopperRateLimitsKeepTheOperatorsRules(t *testing.T) {
	e := newEnv(t)
	mig := shopperRateLimitsMigration(t)

	// As an operator might have it before the migration runs: their own auth
	// limit, their own checkout rule for guests, no sign-up rule.
	s := e.app.Settings()
	s.RateLimits.Rules = []core.RateLimitRule{
		{Label: "*:auth", MaxRequests: 5, Duration: 30},
		{Label: "POST /api/checkout", Audience: core.RateLimitRuleAudienceGuest, MaxRequests: 3, Duration: 60},
		{Label: "/api/", MaxRequests: 100, Duration: 10},
	}
	require.NoError(t, e.app.Save(s))
	require.NoError(t, mig.Up(e.app))
	assert.Equal(t, []core.RateLimitRule{
		{Label: "*:auth", MaxRequests: 5, Duration: 30},
		{Label: "POST /api/checkout", Audience: core.RateLimitRuleAudienceGuest, MaxRequests: 3, Duration: 60},
		{Label: "/api/", MaxRequests: 100, Duration: 10},
		{Label: "users:create", MaxRequests: 10, Duration: 600},
		{Label: "GET /api/orders/track", MaxRequests: 20, Duration: 60},
	}, e.app.Settings().RateLimits.Rules)

	// Down removes only what is still as the migration left it.
	require.NoError(t, mig.Down(e.app))
	assert.Equal(t, []core.RateLimitRule{
		{Label: "*:auth", MaxRequests: 5, Duration: 30},
		{Label: "POST /api/checkout", Audience: core.RateLimitRuleAudienceGuest, MaxRequests: 3, Duration: 60},
		{Label: "/api/", MaxRequests: 100, Duration: 10},
	}, e.app.Settings().RateLimits.Rules)

	// PocketBase's untouched default auth rule is the one it replaces.
	s = e.app.Settings()
	s.RateLimits.Rules = []core.RateLimitRule{{Label: "*:auth", MaxRequests: 2, Duration: 3}}
	require.NoError(t, e.app.Save(s))
	require.NoError(t, mig.Up(e.app))
	assert.Equal(t, core.RateLimitRule{Label: "*:auth", MaxRequests: 10, Duration: 60}, rule(t, e.app, "*:auth"))
	require.NoError(t, mig.Down(e.app))
	assert.Equal(t, []core.RateLimitRule{{Label: "*:auth", MaxRequests: 2, Duration: 3}}, e.app.Settings().RateLimits.Rules)
}
