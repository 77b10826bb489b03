package hooks_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/vipreseller"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

func TestVipCheckReport(t *testing.T) {
	e := newEnv(t)
	var out bytes.Buffer
	err := e.svc.Check(context.Background(), &out, "https://toko.example")
	require.NoError(t, err)
	report := out.String()
	for _, want := range []string{
		"account    sandbox (VIP Sandbox), level Special → price tier special",
		"balance    Rp 50.000.000",
		"services   game", "services   prepaid", "services   social",
		"https://toko.example/api/webhooks/vip-reseller",
		"Whitelist IP", "178.248.73.218", "OK",
	} {
		assert.Contains(t, report, want)
	}
	assert.NotContains(t, report, e.sb.APIKey())

	// Same provider, wrong key: a second registration on a spare app.
	spare, err := tests.NewTestApp(templateDir)
	require.NoError(t, err)
	t.Cleanup(spare.Cleanup)
	bad := mustRegister(t, spare, hooks.Config{Client: vipreseller.New(e.sb.APIID(), "wrong-key",
		vipreseller.WithBaseURL(e.url+"/api"), vipreseller.WithRateLimit(0))})
	err = bad.Check(context.Background(), &bytes.Buffer{}, "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "check VIP_RESELLER_API_ID and VIP_RESELLER_API_KEY")
	assert.NotContains(t, err.Error(), "wrong-key")

	down := mustRegister(t, spare, hooks.Config{Client: vipreseller.New("id", "key",
		vipreseller.WithBaseURL("http://127.0.0.1:1/api"), vipreseller.WithRetry(1, time.Millisecond, time.Millisecond))})
	err = down.Check(context.Background(), &bytes.Buffer{}, "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cannot reach VIP-Reseller")
}

func mustRegister(t testing.TB, app core.App, cfg hooks.Config) *hooks.Service {
	svc, err := hooks.Register(app, cfg)
	require.NoError(t, err)
	return svc
}

func TestProcessingOrderGoesToReviewAfter72Hours(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 100_000)
	number := e.buyPrepaid(userEmail, "081200000777") // the sandbox never finishes it
	e.backdate(number, 2*time.Hour, "next_attempt_at")
	e.poll()
	o := e.order(number)
	assert.Equal(t, 1, o.GetInt("poll_attempts"))
	assert.Empty(t, o.GetString("review"))

	e.backdate(number, 73*time.Hour, "next_attempt_at", "submitted_at")
	e.poll()
	o = e.order(number)
	assert.Equal(t, hooks.OrderProcessing, o.GetString("status"))
	assert.Contains(t, o.GetString("review"), "72 hours")
	before := e.sb.Count("prepaid", "status")
	e.backdate(number, 2*time.Hour, "next_attempt_at")
	e.poll()
	assert.Equal(t, before, e.sb.Count("prepaid", "status"), "an order under review is left to the person")
	e.assertLedgerConsistent()
}

func TestSandboxModeStartsAStoreOnce(t *testing.T) {
	app, err := tests.NewTestApp(templateDir)
	require.NoError(t, err)
	t.Cleanup(app.Cleanup)
	svc := mustRegister(t, app, hooks.Config{Sandbox: true, RateLimit: 0, MarkupBasisPoints: 1000,
		SandboxConfig: sandbox.Config{Seed: 3}})
	require.NotNil(t, svc.Sandbox())
	serve := func() {
		r, err := apis.NewRouter(app)
		require.NoError(t, err)
		require.NoError(t, app.OnServe().Trigger(&core.ServeEvent{App: app, Router: r, Server: &http.Server{Addr: "127.0.0.1:8090"}},
			func(*core.ServeEvent) error { return nil }))
	}
	serve()
	require.Eventually(t, func() bool {
		n, _ := app.CountRecords("products", dbxTrue("active"))
		return n > 0
	}, 60*time.Second, 50*time.Millisecond)
	demo, err := app.FindAuthRecordByEmail("users", hooks.DemoEmail)
	require.NoError(t, err)
	assert.Equal(t, hooks.DemoDeposit, demo.GetInt("balance"))
	assert.True(t, demo.ValidatePassword(hooks.DemoPassword))

	serve() // a restart on the same data
	deposits, err := app.FindAllRecords("wallet_transactions", dbxEq("user", demo.Id))
	require.NoError(t, err)
	assert.Len(t, deposits, 1, "the demo deposit is made once")
	users, err := app.FindAllRecords("users", dbxEq("email", hooks.DemoEmail))
	require.NoError(t, err)
	assert.Len(t, users, 1)
}
