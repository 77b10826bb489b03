package hooks_test

// Shared machinery of the performance benchmarks (bench_*_test.go). They run
// only with -bench; plain `go test ./...` compiles them and runs none.
//
// The benchmarks use a production-like app: a core.BaseApp bootstrapped by
// hand from a copy of the migrated template (no tests.TestApp event-counting
// hooks, request logs on as in production, the rate limiter off), the
// production wiring (hooks.Register), the real router behind a loopback
// httptest server, and the in-process sandbox provider behind another
// loopback server. The provider client's rate limit is 0 (unlimited).

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/hooks/wallet"
	"github.com/vipbase/vipbase/internal/pbsqlite"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

// benchProduct is the prepaid product every order benchmark buys.
const benchProduct = "TELKOMSEL_10K"

// newBenchEnv is newEnv for benchmarks: same sandbox and config defaults,
// but a hand-built BaseApp (with production's pbsqlite.Connect unless
// another connect is given) instead of a
// tests.TestApp, a provider balance that never runs out, and PocketBase's
// rate limiter (enabled by a migration) switched off.
func newBenchEnv(b *testing.B, connect core.DBConnectFunc, opts ...envOption) *env {
	b.Helper()
	cfg, sb, url := withProvider(b, sandbox.Config{Seed: 1, ProcessingAfter: -1, CompleteAfter: -1, Balance: 1 << 50}, opts)
	if connect == nil {
		connect = pbsqlite.Connect(pbsqlite.Options{PinAllocatorPages: true}) // what main.go ships
	}
	dir, err := tests.TempDirClone(templateDir)
	require.NoError(b, err)
	base := core.NewBaseApp(core.BaseAppConfig{DataDir: dir, EncryptionEnv: "pb_test_env", DBConnect: connect})
	require.NoError(b, base.Bootstrap())
	require.NoError(b, base.RunAllMigrations())
	// A TestApp without NewTestApp's event-counting hooks: Cleanup still
	// fires OnTerminate (which waits for background dispatches) and removes
	// the directory.
	app := &tests.TestApp{BaseApp: base, TestMailer: &tests.TestMailer{}}
	b.Cleanup(app.Cleanup)

	svc, err := hooks.Register(app, cfg)
	require.NoError(b, err)
	s := app.Settings()
	s.RateLimits.Enabled = false
	require.NoError(b, app.Save(s))
	return &env{t: b, app: app, svc: svc, sb: sb, url: url}
}

// serve puts the app's real router behind a loopback HTTP server.
func (e *env) serve(b *testing.B) string {
	srv := httptest.NewServer(e.handler())
	b.Cleanup(srv.Close)
	return srv.URL
}

// benchHTTPClient keeps enough idle connections for every sender, so the
// load generator measures the server, not TCP connection churn.
func benchHTTPClient() *http.Client {
	return &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{
		MaxIdleConns: 512, MaxIdleConnsPerHost: 512, IdleConnTimeout: time.Minute}}
}

func post(c *http.Client, url string, body []byte, headers ...string) (int, []byte, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	return res.StatusCode, raw, err
}

// shopper is a user with a token and a wallet.
type shopper struct {
	id, token string
}

const shopperDeposit = int64(1_000_000_000)

// addShoppers creates n users, each with a deposit through svc.Deposit. The
// bench copy of the users collection hashes passwords at bcrypt's minimum
// cost: logins are not measured, and cost 10 would spend seconds here.
func (e *env) addShoppers(b *testing.B, n int) []shopper {
	b.Helper()
	col, err := e.app.FindCollectionByNameOrId("users")
	require.NoError(b, err)
	if f, ok := col.Fields.GetByName("password").(*core.PasswordField); ok {
		f.Cost = 4
		require.NoError(b, e.app.Save(col))
	}
	out := make([]shopper, n)
	for i := range out {
		u := core.NewRecord(col)
		u.SetEmail(fmt.Sprintf("shopper%03d@bench.local", i))
		u.SetPassword("1234567890")
		require.NoError(b, e.app.Save(u))
		tok, err := u.NewAuthToken()
		require.NoError(b, err)
		require.NoError(b, wallet.AddDeposit(e.app, u.Id, shopperDeposit, "bench deposit"))
		out[i] = shopper{id: u.Id, token: tok}
	}
	return out
}

// processingOrders places n prepaid orders (CreateOrder + Dispatch, the
// route's own path) that the sandbox keeps processing (target …777), then
// marks each transaction success at the provider, so the status API will
// confirm a success callback. It returns the trxids.
func (e *env) processingOrders(b *testing.B, userID string, n int) []string {
	b.Helper()
	trx := make([]string, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				id, err := e.placeDirect(userID, fmt.Sprintf("0812%07d777", i))
				if err == nil {
					trx[i], err = e.confirmAtProvider(id, i)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	require.NoError(b, <-errs)
	return trx
}

func (e *env) placeDirect(userID, target string) (string, error) {
	o, _, err := e.svc.CreateOrder(context.Background(), hooks.OrderInput{UserID: userID,
		Category: hooks.CategoryPrepaid, Service: benchProduct, Target: target, Source: hooks.SourceAPI})
	if err != nil {
		return "", err
	}
	return o.Id, e.svc.Dispatch(context.Background(), o.Id)
}

func (e *env) confirmAtProvider(orderID string, i int) (string, error) {
	o, err := e.app.FindRecordById("orders", orderID)
	if err != nil {
		return "", err
	}
	if o.GetString("status") != hooks.OrderProcessing || o.GetString("external_id") == "" {
		return "", fmt.Errorf("setup order %s is %s (trxid %q), want processing", o.GetString("number"),
			o.GetString("status"), o.GetString("external_id"))
	}
	trx := o.GetString("external_id")
	return trx, e.sb.SetStatus(trx, sandbox.StatusSuccess, fmt.Sprintf("SN%010d", i))
}

// sendCallbacks has `workers` goroutines POST one signed success callback
// per trxid to the webhook over loopback HTTP, counting each in done. It
// returns how many did not answer 200 and the first such answer.
func sendCallbacks(c *http.Client, baseURL, sig string, trx []string, workers int, done *atomic.Int64) (failed int64, firstErr string) {
	var next, bad atomic.Int64
	var errOnce sync.Once
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(trx) {
					return
				}
				body := []byte(`{"data":{"trxid":"` + trx[i] + `","status":"success","note":"SN"}}`)
				code, raw, err := post(c, baseURL+hooks.WebhookPath, body, "X-Client-Signature", sig)
				if err != nil || code != http.StatusOK {
					bad.Add(1)
					errOnce.Do(func() { firstErr = fmt.Sprintf("callback %d: %d %s %v", i, code, raw, err) })
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	return bad.Load(), firstErr
}

// orderResult is one shopper request as the shopper saw it.
type orderResult struct {
	latency time.Duration
	status  int
	state   string // data.status
}

// placeOrders has one goroutine per shopper place orders through
// POST /api/orders/prepaid over loopback HTTP until n orders were placed in
// all: back to back when every is 0, else each shopper starts one order
// every `every` (staggered; a late shopper goes at once). Targets end in 1:
// the sandbox accepts them.
func placeOrders(c *http.Client, baseURL string, shoppers []shopper, n int, every time.Duration, done *atomic.Int64) []orderResult {
	results := make([]orderResult, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for g, sh := range shoppers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slot := start.Add(every * time.Duration(g) / time.Duration(len(shoppers)))
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if every > 0 {
					time.Sleep(time.Until(slot))
					slot = slot.Add(every)
				}
				body := []byte(`{"service":"` + benchProduct + `","phoneNumber":"0813` + fmt.Sprintf("%07d", i) + `1"}`)
				t0 := time.Now()
				code, raw, err := post(c, baseURL+"/api/orders/prepaid", body, "Authorization", sh.token)
				r := orderResult{latency: time.Since(t0), status: code}
				if err != nil {
					r.status = -1
				}
				var out struct {
					Data struct {
						Status string `json:"status"`
					} `json:"data"`
				}
				_ = json.Unmarshal(raw, &out)
				r.state = out.Data.Status
				results[i] = r
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	return results
}

// checkOrderResults requires every placement to have been accepted.
func checkOrderResults(b *testing.B, results []orderResult) {
	b.Helper()
	for i, r := range results {
		if r.status != http.StatusOK || (r.state != hooks.OrderPending && r.state != hooks.OrderProcessing && r.state != hooks.OrderSuccess) {
			b.Fatalf("order %d: HTTP %d, status %q", i, r.status, r.state)
		}
	}
}

// latencyPercentiles returns p50 and p99 in milliseconds (nearest rank).
func latencyPercentiles(results []orderResult) (p50, p99 float64) {
	if len(results) == 0 {
		return 0, 0
	}
	lat := make([]time.Duration, len(results))
	for i, r := range results {
		lat[i] = r.latency
	}
	slices.Sort(lat)
	rank := func(p float64) float64 {
		k := max(int(math.Ceil(p*float64(len(lat))))-1, 0)
		return float64(lat[k].Microseconds()) / 1000
	}
	return rank(0.50), rank(0.99)
}

func (e *env) scalar(b *testing.B, query string, params ...dbx.Params) int64 {
	b.Helper()
	q := e.app.DB().NewQuery(query)
	if len(params) > 0 {
		q = q.Bind(params[0])
	}
	var n int64
	require.NoError(b, q.Row(&n), query)
	return n
}

// waitDispatched waits (outside the timer) until no order is pending, i.e.
// every dispatch, slow provider included, has its answer recorded.
func (e *env) waitDispatched(b *testing.B, timeout time.Duration) {
	b.Helper()
	deadline := time.Now().Add(timeout)
	for e.scalar(b, "SELECT COUNT(*) FROM orders WHERE status = 'pending'") > 0 {
		if time.Now().After(deadline) {
			b.Fatalf("%d orders still pending after %s", e.scalar(b, "SELECT COUNT(*) FROM orders WHERE status = 'pending'"), timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// verifyPlaced checks the orders of shoppers: n orders, each sent to the
// provider once, each with exactly one purchase, no refund, no balance below
// zero, and every balance equal to the deposit minus what was bought and to
// its ledger sum.
func (e *env) verifyPlaced(b *testing.B, shoppers []shopper, n int) {
	b.Helper()
	e.waitDispatched(b, 30*time.Second)
	var total int64
	for _, sh := range shoppers {
		p := dbx.Params{"u": sh.id}
		orders := e.scalar(b, "SELECT COUNT(*) FROM orders WHERE user = {:u}", p)
		total += orders
		spent := e.scalar(b, "SELECT COALESCE(SUM(price), 0) FROM orders WHERE user = {:u}", p)
		ledger := e.scalar(b, "SELECT COALESCE(SUM(amount), 0) FROM wallet_transactions WHERE user = {:u}", p)
		balance := e.scalar(b, "SELECT balance FROM users WHERE id = {:u}", p)
		purchases := e.scalar(b, "SELECT COUNT(*) FROM wallet_transactions WHERE user = {:u} AND type = 'purchase'", p)
		require.Equal(b, orders, purchases, "one purchase per order")
		require.Equal(b, shopperDeposit-spent, balance, "balance = deposit - orders")
		require.Equal(b, ledger, balance, "balance = ledger sum")
	}
	require.EqualValues(b, n, total, "orders placed by the shoppers")
	require.Zero(b, e.scalar(b, "SELECT COUNT(*) FROM wallet_transactions WHERE type = 'refund'"), "refunds")
	require.Zero(b, e.scalar(b, "SELECT COUNT(*) FROM users WHERE balance < 0"), "negative balances")
	require.Zero(b, e.scalar(b, "SELECT COUNT(*) FROM orders WHERE external_id = ''"), "orders without a trxid")
	require.Zero(b, e.scalar(b, "SELECT COUNT(*) FROM orders WHERE status NOT IN ('processing', 'success')"), "orders not accepted")
}

// verifyCallbacks checks that the callback orders are all success, each with
// exactly one success event (from the webhook) and one applied log row.
func (e *env) verifyCallbacks(b *testing.B, trx []string) {
	b.Helper()
	n := int64(len(trx))
	p := dbx.Params{"p": "0812%777"}
	require.Equal(b, n, e.scalar(b, "SELECT COUNT(*) FROM orders WHERE target LIKE {:p} AND status = 'success'", p), "orders completed")
	require.Equal(b, n, e.scalar(b, "SELECT COUNT(*) FROM order_events ev JOIN orders o ON o.id = [[ev.order]] "+
		"WHERE o.target LIKE {:p} AND [[ev.to]] = 'success' AND ev.source = 'webhook'", p), "success events")
	require.Equal(b, n, e.scalar(b, "SELECT COUNT(DISTINCT [[ev.order]]) FROM order_events ev JOIN orders o ON o.id = [[ev.order]] "+
		"WHERE o.target LIKE {:p} AND [[ev.to]] = 'success'", p), "orders with a success event")
	require.Equal(b, n, e.scalar(b, "SELECT COUNT(*) FROM webhook_logs WHERE outcome = 'applied'"), "applied callbacks")
	require.Equal(b, n, e.scalar(b, "SELECT COUNT(*) FROM webhook_logs"), "callbacks logged")
}

// peakRSSMB is the process's peak resident set (VmHWM), in MB.
func peakRSSMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// cpuTime is the process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// machineBusy is the CPU time all processes have used so far (/proc/stat,
// every CPU, idle and iowait excluded).
func machineBusy() time.Duration {
	raw, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(raw), "\n")
	f := strings.Fields(line)
	var busy int64
	for i := 1; i < len(f) && i <= 8; i++ {
		if i == 4 || i == 5 { // idle, iowait
			continue
		}
		n, _ := strconv.ParseInt(f[i], 10, 64)
		busy += n
	}
	return time.Duration(busy) * 10 * time.Millisecond // USER_HZ = 100
}

// meter measures the timed part of a benchmark: the CPU this process spent
// (app + in-process provider + load generator) and the CPU everything else
// on the shared machine spent meanwhile. CPU per op does not depend on the
// neighbours; wall-clock rates do, so "others-%" says how much of the
// machine was not ours (0-100 % of all cores).
type meter struct {
	cpu, busy, wall time.Duration
	c0, b0          time.Duration
	t0              time.Time
	profile, trace  *os.File
}

// start begins a measurement. With BENCH_CPUPROFILE=file or
// BENCH_TRACE=file set, the timed part (and only it, setup excluded) is
// CPU-profiled or execution-traced into that file.
func (m *meter) start() {
	if path := os.Getenv("BENCH_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil && pprof.StartCPUProfile(f) == nil {
			m.profile = f
		}
	}
	if path := os.Getenv("BENCH_TRACE"); path != "" {
		if f, err := os.Create(path); err == nil && trace.Start(f) == nil {
			m.trace = f
		}
	}
	m.c0, m.b0, m.t0 = cpuTime(), machineBusy(), time.Now()
}

func (m *meter) stop() {
	if m.trace != nil {
		trace.Stop()
		m.trace.Close()
		m.trace = nil
	}
	if m.profile != nil {
		pprof.StopCPUProfile()
		m.profile.Close()
		m.profile = nil
	}
	m.cpu += cpuTime() - m.c0
	m.busy += machineBusy() - m.b0
	m.wall += time.Since(m.t0)
}

func (m *meter) report(b *testing.B, ops int) {
	b.ReportMetric(float64(m.cpu.Microseconds())/1000/float64(ops), "cpu-ms/op")
	if m.wall > 0 {
		others := float64(m.busy-m.cpu) / float64(m.wall) / float64(runtime.NumCPU()) * 100
		b.ReportMetric(max(others, 0), "others-%")
	}
}

func perSecond(n int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// benchCallbacks measures b.N signed callbacks over loopback HTTP, sent by
// webhookSenders goroutines, each confirmed by the status API and
// completing one processing order; then it verifies every order.
func (e *env) benchCallbacks(b *testing.B) {
	e.deposit(userEmail, int64(b.N)*20_000)
	trx := e.processingOrders(b, userIDs[userEmail], b.N)
	url, client := e.serve(b), benchHTTPClient()

	var done atomic.Int64
	var m meter
	b.ResetTimer()
	m.start()
	failed, firstErr := sendCallbacks(client, url, e.sb.Signature(), trx, webhookSenders, &done)
	e.waitInbox(b) // answered is not applied: the timer runs until every callback is processed
	b.StopTimer()
	m.stop()
	m.report(b, b.N)
	b.ReportMetric(perSecond(int64(b.N), b.Elapsed()), "callbacks/s")
	require.Zero(b, failed, firstErr)
	e.verifyCallbacks(b, trx)
}

// waitInbox returns once the webhook's inbox has processed every callback
// and no row is left `received`.
func (e *env) waitInbox(b *testing.B) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	require.NoError(b, e.svc.WaitWebhooks(ctx))
	require.Zero(b, e.scalar(b, "SELECT COUNT(*) FROM webhook_logs WHERE outcome = 'received'"), "callbacks left unprocessed")
}

// benchAccepts measures b.N orders placed flat out by shopperCount shoppers
// over loopback HTTP, then verifies every order was accepted, debited and
// sent once. It returns the per-order results for latency metrics.
func (e *env) benchAccepts(b *testing.B) []orderResult {
	shoppers := e.addShoppers(b, shopperCount)
	url, client := e.serve(b), benchHTTPClient()
	e.sb.ResetRequests()

	var done atomic.Int64
	var m meter
	b.ResetTimer()
	m.start()
	results := placeOrders(client, url, shoppers, b.N, 0, &done)
	b.StopTimer()
	m.stop()
	m.report(b, b.N)
	b.ReportMetric(perSecond(int64(b.N), b.Elapsed()), "orders/s")
	checkOrderResults(b, results)
	e.verifyPlaced(b, shoppers, b.N)
	require.Equal(b, b.N, e.sb.Count(sandbox.EndpointPrepaid, "order"), "each order sent once")
	return results
}
