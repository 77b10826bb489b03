package hooks_test

import (
	"net/http"
	"os"
	"path/filepath"
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

func TestStorefrontServesTheEmbeddedCopyByDefault(t *testing.T) {
	e := newEnv(t) // Config.PublicDir is empty
	index, err := os.ReadFile(filepath.Join("..", "pb_public", "index.html"))
	require.NoError(t, err)
	appJS, err := os.ReadFile(filepath.Join("..", "pb_public", "app.js"))
	require.NoError(t, err)

	r := e.do(http.MethodGet, "/", "", nil)
	require.Equal(t, http.StatusOK, r.Status)
	assert.Equal(t, string(index), r.Raw, "/ is the checkout's index.html, from the binary")

	r = e.do(http.MethodGet, "/app.js", "", nil)
	require.Equal(t, http.StatusOK, r.Status)
	assert.Equal(t, string(appJS), r.Raw)

	r = e.do(http.MethodGet, "/vendor/pocketbase.umd.js", "", nil)
	assert.Equal(t, http.StatusOK, r.Status)

	// Unknown paths fall back to index.html; the embedding Go file is not served.
	for _, path := range []string{"/orders/ABC123", "/embed.go"} {
		r = e.do(http.MethodGet, path, "", nil)
		require.Equal(t, http.StatusOK, r.Status, path)
		assert.Equal(t, string(index), r.Raw, path)
	}

	// Routes registered before the storefront still win.
	r = e.do(http.MethodGet, "/api/health", "", nil)
	assert.Equal(t, http.StatusOK, r.Status)
	assert.NotContains(t, r.Raw, "<html")
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
	r = e.do(http.MethodGet, "/app.js", "", nil)
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

