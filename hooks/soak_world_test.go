package hooks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/hooks/wallet"
	"github.com/vipbase/vipbase/vipreseller"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

// The world of TestSoak: one sandbox provider, one data dir, one app at a
// time (plus the frozen remains of a crashed one), the shoppers and the
// clock. The fakes it wires in are in soak_fakes_test.go.

const (
	soakShoppers   = 12
	soakPerPass    = 60 // new shopper requests per poll run ("per minute")
	soakUsers      = 16
	soakTimeout    = 300 * time.Millisecond // provider client timeout: timeouts cost little
	soakFaultRate  = 0.025                  // per order fault rule (eleven rules: ~24% of sends)
	soakOtherRate  = 0.03                   // per status / callback fault rule
	soakRichCredit = 10_000_000
	soakPoorCredit = 60_000
	soakZone       = "2001"
)

type soakWorld struct {
	t   *testing.T
	dir string

	sb     *sandbox.Sandbox
	sbSrv  *httptest.Server
	sbStop context.CancelFunc
	sbDone chan struct{}
	prov   *providerLog
	cbs    *callbackLog

	mu       sync.RWMutex // shared by the poll driver, exclusive for a restart
	cur      *soakApp
	zombies  []*soakApp
	url      atomic.Pointer[string]
	restarts []string
	pollErrs atomic.Int64
	passes   atomic.Int64

	budget   chan struct{} // shopper requests allowed until the next poll run
	shopping atomic.Int64  // shopper requests open right now
	client   *http.Client
	users    []soakUser
	products map[string][]soakProduct // by route category
	stock    map[string]int           // tracked product id → stock after sync

	pay *soakPay // the payment leg (soak_payments_test.go)
	wa  *soakWA  // the WhatsApp leg (soak_notify_test.go)

	toldMu     sync.Mutex
	toldCodes  map[int]int    // HTTP status → count
	toldStatus map[string]int // status in 200 answers → count
	problems   []string       // shopper-side contract violations
}

type soakApp struct {
	app  *core.BaseApp
	svc  *hooks.Service
	srv  *httptest.Server
	kill *killSwitch
}

type soakUser struct {
	id, token string
	poor      bool
}

type soakProduct struct {
	code      string
	id        string
	needsZone bool
	zone      string // what the shopper sends when needsZone: the first of the brand's server list, else soakZone
	min, max  int64
	tracked   bool
}

func newSoakWorld(t *testing.T) *soakWorld {
	dir, err := tests.TempDirClone(templateDir)
	require.NoError(t, err)
	w := &soakWorld{
		t: t, dir: dir, prov: &providerLog{}, cbs: newCallbackLog(),
		client:     &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 2 * soakShoppers}},
		products:   map[string][]soakProduct{},
		stock:      map[string]int{},
		toldCodes:  map[int]int{},
		toldStatus: map[string]int{},
		budget:     make(chan struct{}, soakPerPass),
	}
	w.refill()
	t.Cleanup(w.cleanup)

	w.sb = sandbox.New(sandbox.Config{
		Seed: 20240607, Balance: 10_000_000_000,
		ProcessingAfter: 50 * time.Millisecond, CompleteAfter: 150 * time.Millisecond,
	})
	w.sbSrv = httptest.NewServer(w.prov.wrap(w.sb))
	ctx, cancel := context.WithCancel(context.Background())
	w.sbStop, w.sbDone = cancel, make(chan struct{})
	go func() { defer close(w.sbDone); w.sb.Run(ctx) }()

	w.setupPayments()
	w.setupWhatsApp()
	w.cur = w.startApp()
	app := w.cur.app

	// The migrations turn PocketBase's rate limiter on: every shopper here
	// shares 127.0.0.1. Logs stay off the DB as in tests.NewTestApp.
	s := app.Settings()
	s.RateLimits.Enabled = false
	s.Logs.MaxDays = 0
	require.NoError(t, app.Save(s))

	_, err = w.cur.svc.RunSync(context.Background(), hooks.ActionFullSync, hooks.TriggerAdmin, nil)
	require.NoError(t, err)
	w.loadProducts()
	w.loadPrices()
	w.createUsers()

	// Faults are injected only now: the catalog synced cleanly.
	injectFaults(w.sb)
	return w
}

// startApp boots an app on the shared data dir with the production wiring,
// serves its router on loopback and points the provider's callbacks at it.
func (w *soakWorld) startApp() *soakApp {
	t := w.t
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: w.dir, EncryptionEnv: "pb_test_env"})
	require.NoError(t, app.Bootstrap())

	// A crashed instance writes nothing more: every model write fails, so a
	// transaction caught mid-way rolls back as it would on a real crash.
	kill := newKillSwitch()
	dead := func(e *core.ModelEvent) error {
		if kill.dead.Load() {
			return errProcessDead
		}
		return e.Next()
	}
	app.OnModelCreateExecute().BindFunc(dead)
	app.OnModelUpdateExecute().BindFunc(dead)
	app.OnModelDeleteExecute().BindFunc(dead)

	cfg := hooks.Config{
		APIURL: w.sbSrv.URL + "/api", APIID: w.sb.APIID(), APIKey: w.sb.APIKey(),
		MarkupBasisPoints: 1000, PriceLevel: "special", LowBalanceThreshold: 100_000,
		Timeout: soakTimeout, RateLimit: 0, // no pacing against the in-process sandbox
	}
	cfg.Client = vipreseller.New(cfg.APIID, cfg.APIKey,
		vipreseller.WithBaseURL(cfg.APIURL),
		vipreseller.WithRateLimit(0),
		vipreseller.WithTimeout(soakTimeout),
		vipreseller.WithRetry(3, time.Millisecond, 5*time.Millisecond),
		vipreseller.WithHTTPClient(&http.Client{Transport: kill}))
	w.payConfig(&cfg, kill)
	w.notifyConfig(&cfg, kill)
	svc, err := hooks.Register(app, cfg)
	require.NoError(t, err)

	r, err := apis.NewRouter(app)
	require.NoError(t, err)
	var mux http.Handler
	err = app.OnServe().Trigger(&core.ServeEvent{App: app, Router: r}, func(se *core.ServeEvent) error {
		m, err := se.Router.BuildMux()
		mux = m
		return err
	})
	require.NoError(t, err)
	// OnServe started PocketBase's scheduler. The drive loop is this test's
	// vip_orders_poll; a cron run racing a restart would have its database
	// closed under it (OnTerminate does not wait for cron runs), and the
	// sync crons would copy the provider's stock mid-run.
	app.Cron().Stop()
	a := &soakApp{app: app, svc: svc, kill: kill, srv: httptest.NewServer(w.cbs.wrap(mux))}
	w.sb.SetCallbackURL(a.srv.URL + hooks.WebhookPath)
	w.pay.handler.Store(&mux)
	u := a.srv.URL
	w.url.Store(&u)
	return a
}

// terminate is a graceful stop: OnTerminate waits for in-flight dispatches
// (and the startup sweep); reset closes the databases.
func (w *soakWorld) terminate(a *soakApp, reset bool) {
	ev := &core.TerminateEvent{}
	ev.App = a.app
	err := a.app.OnTerminate().Trigger(ev, func(e *core.TerminateEvent) error {
		if reset {
			return e.App.ResetBootstrapState()
		}
		return nil
	})
	require.NoError(w.t, err)
}

// restart replaces the running app while shoppers keep ordering.
//
// graceful: the HTTP server drains its requests, OnTerminate waits for the
// in-flight dispatches, the databases are closed.
//
// crash: the instance freezes where it stands. Its provider calls never
// return (a send already on the wire still reaches the provider, its answer
// is lost), its model writes fail from now on, its connections are cut.
// Its goroutines are released only at cleanup, after every assertion.
func (w *soakWorld) restart(kind string, atRequest int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	// Mid-flight: shopper requests open (graceful), or an order request on
	// the wire to the provider (crash). The poll driver is parked, so the
	// shoppers get their budget here.
	w.refill()
	busy := func() bool { return w.shopping.Load() >= 3 }
	if kind == "crash" {
		busy = func() bool { return w.prov.ordersOnWire.Load() > 0 }
	}
	for wait := time.Now().Add(3 * time.Second); !busy() && time.Now().Before(wait); {
		time.Sleep(time.Millisecond)
	}
	t0 := time.Now()
	old := w.cur
	w.pay.handler.Store(nil) // gateway notifications meet a closed door until the new instance runs
	var cut []string         // sends the crashed instance had started
	switch kind {
	case "graceful":
		old.srv.Close()
		w.terminate(old, true)
	case "crash":
		old.kill.die()
		old.srv.Listener.Close()
		old.srv.CloseClientConnections()
		w.zombies = append(w.zombies, old)
		time.Sleep(50 * time.Millisecond) // a commit already under way lands
		require.NoError(w.t, old.app.DB().NewQuery("SELECT id FROM orders WHERE status = 'pending' AND dispatch = 'sending'").Column(&cut))
	}
	w.cur = w.startApp()
	// Time passes for what the crashed instance left: its sends are past
	// their "still sending" deadline at the next poll run.
	for _, id := range cut {
		w.exec(w.cur.app, "UPDATE orders SET next_attempt_at = {:past} WHERE id = {:id} AND dispatch = 'sending'",
			dbx.Params{"past": types.NowDateTime().Add(-time.Second).String(), "id": id})
	}
	var left struct {
		Queued int `db:"queued"`
	}
	err := w.cur.app.DB().NewQuery("SELECT COUNT(*) AS queued FROM orders WHERE status = 'pending' AND dispatch = 'queued'").One(&left)
	require.NoError(w.t, err)
	w.restarts = append(w.restarts, fmt.Sprintf("%s@request %d (%s; left queued %d, sending %d)",
		kind, atRequest, time.Since(t0).Round(time.Millisecond), left.Queued, len(cut)))
}

// stopProvider stops transitions and callbacks, then waits for every
// request still being answered.
func (w *soakWorld) stopProvider() {
	w.sbStop()
	<-w.sbDone
	w.sbSrv.Close()
}

func (w *soakWorld) cleanup() {
	// The crashed instance's goroutines wake up to errors and unwind; its
	// writes keep failing. Bounded, in case something is stuck for real.
	for _, z := range w.zombies {
		z.kill.release()
		finished := make(chan struct{})
		go func() {
			defer close(finished)
			z.srv.Close()
			ev := &core.TerminateEvent{}
			ev.App = z.app
			_ = z.app.OnTerminate().Trigger(ev, func(e *core.TerminateEvent) error { return e.App.ResetBootstrapState() })
		}()
		select {
		case <-finished:
		case <-time.After(20 * time.Second):
			w.t.Errorf("the crashed app instance did not unwind within 20s")
		}
	}
	if w.cur != nil && w.cur.app.IsBootstrapped() {
		w.cur.srv.Close()
		_ = w.cur.app.ResetBootstrapState()
	}
	if w.sbStop != nil {
		w.sbStop()
		<-w.sbDone
		w.sbSrv.Close()
	}
	if w.wa != nil {
		w.wa.srv.Close()
	}
	if w.pay != nil {
		w.pay.tp.Close()
		w.pay.mt.Close()
		w.pay.front.Close()
	}
	_ = os.RemoveAll(w.dir)
}

func (w *soakWorld) loadProducts() {
	want := map[string][]string{
		"prepaid":      {"TELKOMSEL_10K", "TELKOMSEL_25K", "XLDHR3", "INDOSAT10", "PLN20", "PLN50", "DANA25"},
		"game":         {"ML14-S14", "ML86-S2", "ML172-S2", "FF5-S13", "FF100-S13", "GI60-S24", "NETFLIX1M-S1"},
		"social-media": {"1001", "1002", "2001", "3249", "3250"},
	}
	cat := map[string]string{"prepaid": hooks.CategoryPrepaid, "game": hooks.CategoryGame, "social-media": hooks.CategorySocial}
	for route, codes := range want {
		for _, code := range codes {
			p, err := w.cur.app.FindFirstRecordByFilter("products", "category = {:c} && code = {:k} && active = true",
				dbx.Params{"c": cat[route], "k": code})
			require.NoError(w.t, err, "product %s/%s", route, code)
			sp := soakProduct{code: code, id: p.Id, needsZone: p.GetBool("needs_zone"), zone: soakZone,
				min: int64(p.GetInt("min")), max: int64(p.GetInt("max")), tracked: p.GetBool("track_stock")}
			if b, err := w.cur.app.FindFirstRecordByFilter("brands", "provider_category = {:c} && name = {:n}",
				dbx.Params{"c": cat[route], "n": p.GetString("brand")}); err == nil && b.GetString("zones") != "" {
				sp.zone, _, _ = strings.Cut(b.GetString("zones"), "=") // Genshin Impact: os_asia
			}
			if sp.tracked {
				w.stock[p.Id] = p.GetInt("stock")
			}
			w.products[route] = append(w.products[route], sp)
		}
	}
}

// createUsers adds shoppers with deposits; the last one is poor (402s).
func (w *soakWorld) createUsers() {
	col, err := w.cur.app.FindCollectionByNameOrId("users")
	require.NoError(w.t, err)
	recs := make([]*core.Record, soakUsers+1)
	var wg sync.WaitGroup
	for i := range recs { // bcrypt is the slow part: hash in parallel
		wg.Add(1)
		go func() {
			defer wg.Done()
			u := core.NewRecord(col)
			u.SetEmail(fmt.Sprintf("soak%02d@example.com", i))
			u.SetPassword("1234567890")
			recs[i] = u
		}()
	}
	wg.Wait()
	for i, u := range recs {
		require.NoError(w.t, w.cur.app.Save(u))
		tok, err := u.NewAuthToken()
		require.NoError(w.t, err)
		credit, poor := int64(soakRichCredit), i == soakUsers
		if poor {
			credit = soakPoorCredit
		}
		require.NoError(w.t, wallet.AddDeposit(w.cur.app, u.Id, credit, "soak deposit"))
		w.users = append(w.users, soakUser{id: u.Id, token: tok, poor: poor})
	}
	w.givePhones(recs)
}

// ---------------------------------------------------------------------------
// Shoppers.

// Ways a shopper sends a request.
const (
	modeKeyed       = iota // Idempotency-Key; resent with it after a lost answer or a 5xx
	modeKeyless            // no key; a lost answer stays unknown to the shopper
	modeDoubleClick        // the same keyed request twice at once
	modeReplay             // keyed, then sent again later with the same key
	modeMismatch           // keyed, then the key reused for another target (409)
)

type soakIntent struct {
	idx    int
	user   int
	route  string // prepaid | game | social-media
	prod   soakProduct
	target string
	zone   string
	qty    int64
	key    string
	mode   int

	// what the shopper was told (filled by shop)
	numbers   []string // order numbers of 200 answers
	told      []string // statuses of 200 answers
	codes     []int    // HTTP statuses; 0 = no answer
	msgs      []string // messages of error answers
	ambiguous bool     // ended without a definite answer
}

func (in *soakIntent) body(target string) []byte {
	var m map[string]any
	switch in.route {
	case "prepaid":
		m = map[string]any{"service": in.prod.code, "phoneNumber": target}
	case "game":
		m = map[string]any{"service": in.prod.code, "userId": target}
		if in.zone != "" {
			m["zoneId"] = in.zone
		}
	default:
		m = map[string]any{"service": in.prod.code, "target": target, "quantity": in.qty}
	}
	b, _ := json.Marshal(m)
	return b
}

// planIntents is the deterministic shopping list. Every request gets its own
// target, whose last three characters pick the sandbox outcome.
func (w *soakWorld) planIntents(n int) []*soakIntent {
	rng := rand.New(rand.NewPCG(7, 11))
	pick := func(weights ...int) int {
		total := 0
		for _, x := range weights {
			total += x
		}
		r := rng.IntN(total)
		for i, x := range weights {
			if r < x {
				return i
			}
			r -= x
		}
		return len(weights) - 1
	}
	out := make([]*soakIntent, n)
	for i := range out {
		in := &soakIntent{idx: i, user: rng.IntN(soakUsers)}
		if rng.IntN(50) == 0 {
			in.user = soakUsers // the poor one
		}
		in.route = []string{"prepaid", "game", "social-media"}[pick(35, 35, 30)]
		prods := w.products[in.route]
		for {
			in.prod = prods[rng.IntN(len(prods))]
			if !in.prod.tracked || rng.IntN(4) == 0 { // stock-tracked items are rarer
				break
			}
		}
		suffix := []string{fmt.Sprintf("1%02d", i%100), "999", "444", "333", "777", "555"}[pick(68, 8, 5, 6, 4, 9)]
		switch in.route {
		case "prepaid":
			in.target = fmt.Sprintf("08%08d%s", i, suffix)
		case "game":
			in.target = fmt.Sprintf("soak%06d%s", i, suffix)
			if in.prod.needsZone {
				in.zone = in.prod.zone
			}
		default:
			in.target = fmt.Sprintf("https://instagram.com/soak%06d%s", i, suffix)
			hi := min(in.prod.max, in.prod.min*20, 2000)
			in.qty = in.prod.min + rng.Int64N(max(hi-in.prod.min, 1))
		}
		in.mode = pick(72, 12, 8, 5, 3)
		if in.mode != modeKeyless {
			in.key = fmt.Sprintf("soak-%d-%d", i, rng.Int64())
		}
		out[i] = in
	}
	return out
}

func (w *soakWorld) post(in *soakIntent, target string) (int, map[string]any, error) {
	u := *w.url.Load() + "/api/orders/" + in.route
	req, err := http.NewRequest(http.MethodPost, u, bytes.NewReader(in.body(target)))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", w.users[in.user].token)
	if in.key != "" {
		req.Header.Set("Idempotency-Key", in.key)
	}
	w.shopping.Add(1)
	defer w.shopping.Add(-1)
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var body map[string]any
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err
	}
	_ = json.Unmarshal(raw, &body)
	return resp.StatusCode, body, nil
}

// send is one shopper request: keyed ones are resent with the same key until
// a definite answer (not a 5xx, not a lost connection), as an app would.
func (w *soakWorld) send(in *soakIntent, target string) (int, map[string]any) {
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, body, err := w.post(in, target)
		w.toldMu.Lock()
		w.toldCodes[code]++
		w.toldMu.Unlock()
		if err == nil && code < 500 {
			return code, body
		}
		if in.key == "" || time.Now().After(deadline) {
			return code, body
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (w *soakWorld) record(in *soakIntent, code int, body map[string]any) {
	w.toldMu.Lock()
	defer w.toldMu.Unlock()
	in.codes = append(in.codes, code)
	msg, _ := body["message"].(string)
	in.msgs = append(in.msgs, msg)
	if code == 0 || code >= 500 {
		in.ambiguous = true
		return
	}
	if code != http.StatusOK {
		return
	}
	d, _ := body["data"].(map[string]any)
	num, _ := d["orderNumber"].(string)
	st, _ := d["status"].(string)
	in.numbers = append(in.numbers, num)
	in.told = append(in.told, st)
	w.toldStatus[st]++
}

func (w *soakWorld) problem(format string, args ...any) {
	w.toldMu.Lock()
	defer w.toldMu.Unlock()
	w.problems = append(w.problems, fmt.Sprintf(format, args...))
}

func (w *soakWorld) shop(in *soakIntent) {
	switch in.mode {
	case modeDoubleClick:
		var wg sync.WaitGroup
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				code, body := w.send(in, in.target)
				w.record(in, code, body)
			}()
		}
		wg.Wait()
		if len(in.numbers) == 2 && in.numbers[0] != in.numbers[1] {
			w.problem("double click with one key placed two orders: %v", in.numbers)
		}
	case modeReplay, modeMismatch:
		code, body := w.send(in, in.target)
		w.record(in, code, body)
		if code != http.StatusOK {
			return
		}
		if in.mode == modeReplay {
			code, body = w.send(in, in.target)
			w.record(in, code, body)
			if code != http.StatusOK || in.numbers[len(in.numbers)-1] != in.numbers[0] {
				w.problem("replay of key %s: HTTP %d, orders %v", in.key, code, in.numbers)
			}
			return
		}
		other := in.target[:len(in.target)-3] + "123"
		code, body = w.send(in, other)
		w.record(in, code, body)
		if msg, _ := body["message"].(string); code != http.StatusConflict || msg != hooks.MsgIdempotencyMismatch {
			w.problem("key %s reused for another target: HTTP %d %q, want 409", in.key, code, msg)
		}
	default:
		code, body := w.send(in, in.target)
		w.record(in, code, body)
	}
}

// ---------------------------------------------------------------------------
// Time: the vip_orders_poll job, with the clock of due orders moved back.

// drive runs the poll job back to back (50 ms apart) while shoppers order.
// Each run is "a minute later" for retried and unknown-outcome orders: their
// backoff is skipped and their reconcile grace ages by a minute, so an
// unknown the provider executed is found in its recent list at the next run,
// and one it never got is given up after about ten runs (failed and refunded,
// or flagged for review when the provider's recent page is full). Every 8th
// run, processing orders older than 3 s (their callbacks lost or late) are
// due for a status check. A send claimed more than 5 s of real time ago
// cannot be in flight any more (300 ms timeout): its "still sending"
// deadline is moved to now.
func (w *soakWorld) drive(stop <-chan struct{}) {
	rng := rand.New(rand.NewPCG(13, 17))
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		case <-time.After(50 * time.Millisecond):
		}
		w.mu.RLock()
		w.age(w.cur.app, i%8 == 0, time.Minute)
		w.poll(w.cur.svc)
		w.injectPayFaults(rng)
		if i%4 == 0 { // vip_payments_check, "5 minutes" later for unpaid ones
			w.agePayments(w.cur.app, false)
			w.checkPayments(w.cur.svc)
		}
		w.mu.RUnlock()
		w.refill()
	}
}

// refill lets shoppers place up to soakPerPass more orders. A poll run
// stands for a minute, and the provider takes at most ~10 game/prepaid and
// ~60 social orders a minute (its 6 s / 1 s throttle, off in this sandbox):
// pacing shoppers by poll runs keeps "orders sent between an unknown outcome
// and its reconciliation" in the range the design relies on (the reconcile
// only sees the provider's newest 100 transactions per endpoint).
func (w *soakWorld) refill() {
	for range soakPerPass {
		select {
		case w.budget <- struct{}{}:
		default:
			return
		}
	}
}

func (w *soakWorld) poll(svc *hooks.Service) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := svc.PollOrders(ctx); err != nil {
		w.pollErrs.Add(1)
		w.t.Logf("poll: %v", err)
	}

	w.passes.Add(1)
}

func (w *soakWorld) exec(app core.App, sql string, params dbx.Params) {
	if _, err := app.DB().NewQuery(sql).Bind(params).Execute(); err != nil {
		w.t.Errorf("time machine: %v\n%s", err, sql)
	}
}

// age moves order clocks back: raw SQL, because this is the test's time
// machine, not an app write (autodate fields refuse Set).
func (w *soakWorld) age(app core.App, processing bool, grace time.Duration) {
	now := types.NowDateTime()
	p := dbx.Params{
		"past":  now.Add(-time.Second).String(),
		"stale": now.Add(soakTimeout + time.Minute - 5*time.Second).String(),
		"old":   now.Add(-3 * time.Second).String(),
		"grace": fmt.Sprintf("-%d seconds", int(grace.Seconds())),
	}
	w.exec(app, "UPDATE orders SET next_attempt_at = {:past} WHERE status = 'pending' AND review = '' "+
		"AND next_attempt_at > {:past} AND (dispatch IN ('retry', 'unknown') "+
		"OR (dispatch = 'sending' AND next_attempt_at <= {:stale}))", p)
	// Time passes for every order alike: aging only the unknown ones would
	// make them look older than sends that really came before them, and
	// reconciliation compares exactly those times.
	w.exec(app, "UPDATE orders SET sent_at = strftime('%Y-%m-%d %H:%M:%fZ', sent_at, {:grace}), "+
		"submitted_at = strftime('%Y-%m-%d %H:%M:%fZ', submitted_at, {:grace}) "+
		"WHERE sent_at != '' AND submitted_at != ''", p)
	if processing {
		w.exec(app, "UPDATE orders SET next_attempt_at = {:past} WHERE status = 'processing' AND review = '' "+
			"AND next_attempt_at > {:past} AND created <= {:old}", p)
	}
}

// drain lets time pass until every order is terminal or flagged for review.
// Orders stuck at the provider (target …777) are settled half by the
// provider (SetStatus: success or error) and half by waiting 72 hours, which
// flags them for review.
func (w *soakWorld) drain(deadline time.Time) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	app, svc := w.cur.app, w.cur.svc
	stuck := map[string]bool{}
	for pass := 0; ; pass++ {
		var open []soakOrder
		require.NoError(w.t, app.DB().NewQuery("SELECT "+soakOrderCols+" FROM orders WHERE status IN ('pending', 'processing') AND review = ''").All(&open))
		if len(open) == 0 {
			return
		}
		if time.Now().After(deadline) {
			byState := map[string]int{}
			for _, o := range open {
				byState[o.Status+"/"+o.Dispatch]++
			}
			w.t.Fatalf("%d orders still open after the drain deadline: %v (e.g. %+v)", len(open), byState, open[0])
		}
		for _, o := range open {
			if o.Status != hooks.OrderProcessing || !strings.HasSuffix(o.Target, "777") || stuck[o.ID] {
				continue
			}
			stuck[o.ID] = true
			switch len(stuck) % 4 {
			case 0:
				require.NoError(w.t, w.sb.SetStatus(o.ExternalID, sandbox.StatusSuccess, "SN-SOAK-"+o.Number))
			case 2:
				require.NoError(w.t, w.sb.SetStatus(o.ExternalID, sandbox.StatusError, "Dibatalkan oleh provider."))
			default:
				w.exec(app, "UPDATE orders SET submitted_at = {:t} WHERE id = {:id}",
					dbx.Params{"t": types.NowDateTime().Add(-73 * time.Hour).String(), "id": o.ID})
			}
		}
		w.exec(app, "UPDATE orders SET next_attempt_at = {:past} WHERE status IN ('pending', 'processing') AND review = ''",
			dbx.Params{"past": types.NowDateTime().Add(-time.Second).String()})
		w.age(app, false, 5*time.Minute)
		if pass >= 2 {
			// Refused (throttle/balance) again and again: now 30 minutes old.
			w.exec(app, "UPDATE orders SET created = {:t} WHERE status = 'pending' AND dispatch = 'retry' AND dispatch_attempts >= 2",
				dbx.Params{"t": types.NowDateTime().Add(-31 * time.Minute).String()})
		}
		w.poll(svc)
		time.Sleep(100 * time.Millisecond) // callbacks of SetStatus, due transitions
	}
}

// ---------------------------------------------------------------------------
// The orders table as the soak reads it (drain, and the checks at the end).

const soakOrderCols = "id, number, user, category, product, service_code, target, zone, quantity, price, status, external_id, " +
	"refunded, remains, review, dispatch, dispatch_attempts, idempotency_key, note, payment"

type soakOrder struct {
	ID         string `db:"id"`
	Number     string `db:"number"`
	User       string `db:"user"`
	Category   string `db:"category"`
	Product    string `db:"product"`
	Code       string `db:"service_code"`
	Target     string `db:"target"`
	Zone       string `db:"zone"`
	Quantity   int64  `db:"quantity"`
	Price      int64  `db:"price"`
	Status     string `db:"status"`
	ExternalID string `db:"external_id"`
	Refunded   int64  `db:"refunded"`
	Remains    int64  `db:"remains"`
	Review     string `db:"review"`
	Dispatch   string `db:"dispatch"`
	Attempts   int    `db:"dispatch_attempts"`
	Key        string `db:"idempotency_key"`
	Note       string `db:"note"`
	Payment    string `db:"payment"`
}

func (w *soakWorld) summary(total, shop, drain time.Duration) string {
	app := w.cur.app
	var rows []struct {
		Status string `db:"status"`
		Review bool   `db:"review"`
		N      int    `db:"n"`
	}
	require.NoError(w.t, app.DB().NewQuery("SELECT status, review != '' AS review, COUNT(*) AS n FROM orders GROUP BY 1, 2").All(&rows))
	orders, parts := 0, []string{}
	for _, r := range rows {
		orders += r.N
		name := r.Status
		if r.Review {
			name += "+review"
		}
		parts = append(parts, fmt.Sprintf("%s %d", name, r.N))
	}
	sort.Strings(parts)
	faults, posts := w.faultsHit()
	var fs []string
	for k, v := range faults {
		fs = append(fs, fmt.Sprintf("%s %d", k, v))
	}
	sort.Strings(fs)
	var told []string
	for k, v := range w.toldStatus {
		told = append(told, fmt.Sprintf("%s %d", k, v))
	}
	sort.Strings(told)
	var codes []string
	for k, v := range w.toldCodes {
		codes = append(codes, fmt.Sprintf("%d×%d", k, v))
	}
	sort.Strings(codes)
	return fmt.Sprintf("soak: %d orders in %s (shopping %s, drain %s, %d poll runs) | final: %s | shoppers got (incl. resends): %s; 200s said: %s | "+
		"provider: %d order POSTs, %d transactions; faults hit: %s | restarts: %s",
		orders, total.Round(100*time.Millisecond), shop.Round(100*time.Millisecond), drain.Round(100*time.Millisecond), w.passes.Load(),
		strings.Join(parts, ", "), strings.Join(codes, " "), strings.Join(told, ", "),
		posts, len(w.sb.Transactions("")), strings.Join(fs, ", "), strings.Join(w.restarts, "; "))
}
