package hooks_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/hooks/wallet"
	wasandbox "github.com/vipbase/vipbase/notify/sandbox"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

// sandboxServe runs the OnServe chain of app as `serve --sandbox` does, on a
// real loopback listener, and returns the base URL, what the chain printed
// to stderr, and a stop function (the store goes "down").
func sandboxServe(t *testing.T, app core.App) (base, printed string, stop func()) {
	t.Helper()
	probe, err := net.Listen("tcp", "127.0.0.1:0") // a free port, listened on later like apis.Serve does
	require.NoError(t, err)
	addr := probe.Addr().String()
	require.NoError(t, probe.Close())
	srv := &http.Server{Addr: addr, ReadHeaderTimeout: 10 * time.Second}
	r, err := apis.NewRouter(app)
	require.NoError(t, err)

	// Not parallel-safe; no hooks test runs in parallel.
	rd, wr, err := os.Pipe()
	require.NoError(t, err)
	orig := os.Stderr
	os.Stderr = wr
	out := make(chan string)
	go func() {
		b, _ := io.ReadAll(rd)
		out <- string(b)
	}()
	// As in apis.Serve, the listener opens only at the end of the OnServe
	// chain; the pause stands for a slow start, so a callback sent before
	// the store listens would be lost.
	err = app.OnServe().Trigger(&core.ServeEvent{App: app, Router: r, Server: srv}, func(se *core.ServeEvent) error {
		mux, err := se.Router.BuildMux()
		if err != nil {
			return err
		}
		se.Server.Handler = mux
		time.Sleep(300 * time.Millisecond)
		ln, err := net.Listen("tcp", se.Server.Addr)
		if err != nil {
			return err
		}
		go func() { _ = se.Server.Serve(ln) }()
		return nil
	})
	os.Stderr = orig
	_ = wr.Close()
	printed = <-out
	require.NoError(t, err)
	app.Cron().Stop() // the test drives everything itself
	return "http://" + addr, printed, func() { _ = srv.Close() }
}

func httpJSON(t *testing.T, method, url, token string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	raw, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

func orderStatus(t *testing.T, app core.App, number string) string {
	t.Helper()
	o, err := app.FindFirstRecordByData("orders", "number", number)
	require.NoError(t, err)
	return o.GetString("status")
}

// A restart of `serve --sandbox` on the same data dir keeps the simulator's
// transactions: an order that was processing is still followable (status
// lookups find its trxid), one whose completion fell due while the app was
// down completes right after start with its callback, and the printed
// `vip check` line carries the simulator's key, never a configured one.
func TestSandboxModeRestartKeepsOrdersInFlight(t *testing.T) {
	const realKey = "real-provider-key-that-must-never-be-printed"
	cfg := hooks.Config{Sandbox: true, MarkupBasisPoints: 1000, APIID: "REAL1234", APIKey: realKey,
		SandboxConfig: sandbox.Config{Seed: 3, ProcessingAfter: -1, CompleteAfter: 3 * time.Second}}

	app1, err := tests.NewTestApp(templateDir)
	require.NoError(t, err)
	t.Cleanup(app1.Cleanup)
	svc1 := mustRegister(t, app1, cfg)
	base, printed, stop := sandboxServe(t, app1)
	t.Cleanup(stop)
	assert.Contains(t, printed, "VIP_RESELLER_API_KEY="+svc1.Sandbox().APIKey()+" vipbase vip check")
	assert.Contains(t, printed, "VIP_RESELLER_API_ID="+svc1.Sandbox().APIID()+" ")
	assert.NotContains(t, printed, realKey)
	assert.NotContains(t, printed, "<sandbox key>")
	assert.Contains(t, printed, "Operator console: "+base+"/console/")
	res, err := http.Get(base + "/")
	require.NoError(t, err)
	index, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Contains(t, string(index), `<meta name="vipbase-mode" content="sandbox">`, "the storefront knows it is the sandbox without probing")
	require.Eventually(t, func() bool {
		n, _ := app1.CountRecords("products", dbxTrue("active"))
		return n > 0
	}, 60*time.Second, 50*time.Millisecond)
	require.NoError(t, wallet.AddDeposit(app1, userIDs[userEmail], 100_000, "test deposit"))
	u, err := app1.FindRecordById("users", userIDs[userEmail])
	require.NoError(t, err)
	u.Set("phone", "0812 0000 0999")
	u.Set("notify_whatsapp", true)
	require.NoError(t, app1.Save(u))

	buy := func(phone string) (number, trxid string) {
		code, body := httpJSON(t, http.MethodPost, base+"/api/orders/prepaid", userTokens[userEmail],
			map[string]any{"service": "TELKOMSEL_10K", "phoneNumber": phone})
		require.Equal(t, http.StatusOK, code, body)
		number = body["data"].(map[string]any)["orderNumber"].(string)
		require.Equal(t, hooks.OrderProcessing, orderStatus(t, app1, number))
		o, err := app1.FindFirstRecordByData("orders", "number", number)
		require.NoError(t, err)
		return number, o.GetString("external_id")
	}
	stuckNo, stuckTrx := buy("081200000777") // processing until the sandbox is told otherwise
	doneNo, doneTrx := buy("081200000123")   // success 3 s after the order
	placed := time.Now()

	require.Equal(t, hooks.OrderProcessing, orderStatus(t, app1, doneNo), "not done before the restart")
	// Down: the store stops listening, then terminates (the sandbox with it).
	stop()
	require.NoError(t, app1.OnTerminate().Trigger(&core.TerminateEvent{App: app1}, func(e *core.TerminateEvent) error {
		return app1.ResetBootstrapState()
	}))
	state, err := os.ReadFile(filepath.Join(app1.DataDir(), hooks.SandboxStateFile))
	require.NoError(t, err, "the sandbox saved its state in the data dir")
	assert.Contains(t, string(state), stuckTrx)
	assert.Contains(t, string(state), doneTrx)
	time.Sleep(time.Until(placed.Add(4 * time.Second))) // the completion falls due while down

	// Up again on the same data.
	app2, err := tests.NewTestApp(app1.DataDir())
	require.NoError(t, err)
	t.Cleanup(app2.Cleanup)
	svc2 := mustRegister(t, app2, cfg)
	base2, _, stop2 := sandboxServe(t, app2)
	t.Cleanup(stop2)

	require.Eventually(t, func() bool { return orderStatus(t, app2, doneNo) == hooks.OrderSuccess },
		15*time.Second, 50*time.Millisecond, "the completion that fell due while down arrives by callback")
	logs, err := app2.FindAllRecords("webhook_logs", dbxEq("trx_id", doneTrx))
	require.NoError(t, err)
	assert.NotEmpty(t, logs, "a callback reached the restarted store")
	assert.Equal(t, svc2.Sandbox().APIKey(), svc1.Sandbox().APIKey())

	// The shopper's WhatsApp message and e-mail show in the sandbox inbox.
	var inbox []struct{ Channel, To, Subject, Body string }
	require.Eventually(t, func() bool {
		inbox = nil
		resp, err := http.Get(base2 + wasandbox.InboxPath + wasandbox.MessagesSuffix)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		if json.NewDecoder(resp.Body).Decode(&inbox) != nil {
			return false
		}
		seen := map[string]bool{}
		for _, m := range inbox {
			seen[m.Channel+" "+m.To] = seen[m.Channel+" "+m.To] || strings.Contains(m.Body, doneNo)
		}
		return seen[wasandbox.ChannelWhatsApp+" 6281200000999"] && seen[wasandbox.ChannelEmail+" "+userEmail]
	}, 15*time.Second, 100*time.Millisecond, "the success message for %s reaches the inbox by WhatsApp and e-mail", doneNo)
	page, err := http.Get(base2 + wasandbox.InboxPath)
	require.NoError(t, err)
	html, _ := io.ReadAll(page.Body)
	_ = page.Body.Close()
	assert.Equal(t, http.StatusOK, page.StatusCode)
	assert.Contains(t, string(html), "inbox-")

	// A superuser's reset link never shows on the (unauthenticated) page.
	suCode, _ := httpJSON(t, http.MethodPost, base2+"/api/collections/_superusers/request-password-reset", "", map[string]any{"email": superEmail})
	require.Equal(t, http.StatusNoContent, suCode)
	require.Eventually(t, func() bool {
		for _, m := range svc2.WhatsAppSandbox().For(superEmail) {
			return strings.Contains(m.Body, "superuser") && !strings.Contains(m.Body+m.HTML, "confirm-password-reset")
		}
		return false
	}, 10*time.Second, 50*time.Millisecond, "the superuser's mail is listed without its link")

	tr, ok := svc2.Sandbox().Transaction(stuckTrx)
	require.True(t, ok, "the restarted sandbox knows the processing order's trxid")
	assert.Equal(t, sandbox.StatusProcessing, tr.Status)
	code, body := httpJSON(t, http.MethodPost, base2+"/api/admin/orders/recheck", superToken, map[string]any{"orderNumber": stuckNo})
	require.Equal(t, http.StatusOK, code, "a status lookup at the provider finds it: %v", body)
	assert.Equal(t, hooks.OrderProcessing, body["data"].(map[string]any)["status"])
	code, body = httpJSON(t, http.MethodGet, base2+"/api/orders/prepaid?orderNumber="+stuckNo, userTokens[userEmail], nil)
	require.Equal(t, http.StatusOK, code, body)
	assert.Equal(t, hooks.OrderProcessing, body["data"].(map[string]any)["status"])

	require.NoError(t, svc2.Sandbox().SetStatus(stuckTrx, sandbox.StatusSuccess, "0123456789"))
	require.Eventually(t, func() bool { return orderStatus(t, app2, stuckNo) == hooks.OrderSuccess },
		15*time.Second, 50*time.Millisecond, "the order is still followed to its end")
	assert.False(t, strings.Contains(string(state), realKey), "the state file holds no key")
}
