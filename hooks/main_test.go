package hooks_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	_ "github.com/vipbase/vipbase/pb_migrations"
	"github.com/vipbase/vipbase/vipreseller"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

// The template database is migrated once and copied per test (~20 ms each).
var (
	templateDir string
	superToken  string
	userTokens  = map[string]string{} // email → token
	userIDs     = map[string]string{}
)

const (
	superEmail = "admin@example.com"
	userEmail  = "u1@example.com"
	otherEmail = "u2@example.com"
)

func TestMain(m *testing.M) {
	code, err := runTests(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "test setup:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func runTests(m *testing.M) (int, error) {
	dir, err := os.MkdirTemp("", "vipbase_tpl_*")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	templateDir = dir

	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir, EncryptionEnv: "pb_test_env"})
	if err := app.Bootstrap(); err != nil {
		return 0, err
	}
	if err := app.RunAllMigrations(); err != nil {
		return 0, err
	}
	su := core.NewRecord(mustCollection(app, core.CollectionNameSuperusers))
	su.SetEmail(superEmail)
	su.SetPassword("1234567890")
	if err := app.Save(su); err != nil {
		return 0, err
	}
	if superToken, err = su.NewAuthToken(); err != nil {
		return 0, err
	}
	for _, email := range []string{userEmail, otherEmail} {
		u := core.NewRecord(mustCollection(app, "users"))
		u.SetEmail(email)
		u.SetPassword("1234567890")
		if err := app.Save(u); err != nil {
			return 0, err
		}
		tok, err := u.NewAuthToken()
		if err != nil {
			return 0, err
		}
		userTokens[email], userIDs[email] = tok, u.Id
	}
	if err := app.ResetBootstrapState(); err != nil {
		return 0, err
	}
	return m.Run(), nil
}

func mustCollection(app core.App, name string) *core.Collection {
	c, err := app.FindCollectionByNameOrId(name)
	if err != nil {
		panic(err)
	}
	return c
}

// env is one test's world: a PocketBase test app with the production wiring
// and an in-process sandbox provider behind a counting loopback server.
type env struct {
	t   testing.TB
	app *tests.TestApp
	svc *hooks.Service
	sb  *sandbox.Sandbox
	url string

	muxOnce sync.Once
	mux     http.Handler
}

type envOption func(*hooks.Config, *sandbox.Config)

// newEnv builds a fresh world; the app is cleaned up with the test.
func newEnv(t testing.TB, opts ...envOption) *env {
	t.Helper()
	cfg, sb, url := withProvider(t, sandbox.Config{Seed: 1, ProcessingAfter: -1, CompleteAfter: -1}, opts)
	app, err := tests.NewTestApp(templateDir)
	require.NoError(t, err)
	t.Cleanup(app.Cleanup)
	svc, err := hooks.Register(app, cfg)
	require.NoError(t, err)
	return &env{t: t, app: app, svc: svc, sb: sb, url: url}
}

// newUnconfiguredEnv is the app as a production serve without credentials
// runs it: no provider client, no sandbox.
func newUnconfiguredEnv(t testing.TB) *env {
	t.Helper()
	app, err := tests.NewTestApp(templateDir)
	require.NoError(t, err)
	t.Cleanup(app.Cleanup)
	svc, err := hooks.Register(app, hooks.Config{})
	require.NoError(t, err)
	return &env{t: t, app: app, svc: svc}
}

// withProvider applies opts to the test defaults and points the config at
// a fresh sandbox behind a loopback server: the client unpaced, reads
// retried fast, cfg.Timeout (default 5s) as its timeout.
func withProvider(t testing.TB, scfg sandbox.Config, opts []envOption) (hooks.Config, *sandbox.Sandbox, string) {
	t.Helper()
	cfg := hooks.Config{MarkupBasisPoints: 1000, PriceLevel: "special", LowBalanceThreshold: 100_000}
	for _, o := range opts {
		o(&cfg, &scfg)
	}
	sb := sandbox.New(scfg)
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	cfg.APIURL = srv.URL + "/api"
	cfg.APIID, cfg.APIKey = sb.APIID(), sb.APIKey()
	if cfg.Client == nil {
		timeout := cfg.Timeout
		if timeout <= 0 {
			timeout = 5 * time.Second
		}
		cfg.Client = vipreseller.New(cfg.APIID, cfg.APIKey,
			vipreseller.WithBaseURL(cfg.APIURL),
			vipreseller.WithRateLimit(0),
			vipreseller.WithTimeout(timeout),
			vipreseller.WithRetry(3, time.Millisecond, 5*time.Millisecond))
	}
	return cfg, sb, srv.URL
}

// factory hands the prepared app to an ApiScenario; the scenario's own
// cleanup is harmless because t.Cleanup cleans up again idempotently.
func (e *env) factory(testing.TB) *tests.TestApp { return e.app }

func (e *env) record(collection, filter string, params map[string]any) *core.Record {
	e.t.Helper()
	r, err := e.app.FindFirstRecordByFilter(collection, filter, params)
	require.NoError(e.t, err, "%s where %s", collection, filter)
	return r
}

func (e *env) count(collection, filter string, params map[string]any) int {
	e.t.Helper()
	if filter == "" {
		filter = "id != ''"
	}
	recs, err := e.app.FindRecordsByFilter(collection, filter, "", 0, 0, params)
	require.NoError(e.t, err)
	return len(recs)
}
