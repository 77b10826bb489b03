package hooks_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	_ "github.com/vipbase/vipbase/pb_migrations"
	"github.com/vipbase/vipbase/vipreseller"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

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
			vipreseller.WithRateLimit(cfg.RateLimit), // 0 (unpaced) unless an option sets it
			vipreseller.WithOrderSpacing(cfg.OrderSpacing),
			vipreseller.WithTimeout(timeout),
			vipreseller.WithRetry(3, time.Millisecond, 5*time.Millisecond))
	}
	return cfg, sb, srv.URL
}

// factory hands the prepared app to an ApiScenario; the scenario's own
// cleanup is harmless because t.Cleanup cleans up again idempotently.
func (e *env) factory(testing.TB) *tests.TestApp { return e.app }

// handler builds the app's real router once per env, for tests that send
// many requests (sequences, concurrency) instead of one ApiScenario.
func (e *env) handler() http.Handler {
	e.muxOnce.Do(func() {
		r, err := apis.NewRouter(e.app)
		require.NoError(e.t, err)
		err = e.app.OnServe().Trigger(&core.ServeEvent{App: e.app, Router: r}, func(se *core.ServeEvent) error {
			mux, err := se.Router.BuildMux()
			e.mux = mux
			return err
		})
		require.NoError(e.t, err)
		// OnServe starts PocketBase's scheduler; tests run cron jobs by hand.
		e.app.Cron().Stop()
	})
	return e.mux
}

func (e *env) poll() hooks.PollStats {
	e.t.Helper()
	st, err := e.svc.PollOrders(context.Background())
	require.NoError(e.t, err)
	return st
}

// ready syncs the catalog; every order test starts from a synced store.
func (e *env) ready() *env {
	e.sync(hooks.ActionFullSync)
	return e
}
