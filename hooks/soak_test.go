package hooks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"sort"
	"strconv"
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
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/hooks/wallet"
	"github.com/vipbase/vipbase/vipreseller"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

// TestSoak places a few thousand orders across every category through the
// real HTTP routes while the sandbox provider misbehaves (timeouts, 5xx,
// HTML, garbage, answers without trxid, throttling, no provider balance;
// dropped, duplicated and reordered callbacks) and the app is restarted twice
// mid-run: once gracefully, once by a simulated crash. Time is compressed by
// moving the orders' clock fields into the past between runs of the poll job.
// At the end it checks money, the provider's books and what shoppers were told.
//
// CI runs it in its own step without -race: go test -count=1 -run TestSoak ./hooks/
// VIPBASE_SOAK_ORDERS overrides the number of shopper requests (default 2150).
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("soak test: skipped with -short")
	}
	n := 2150
	if v := os.Getenv("VIPBASE_SOAK_ORDERS"); v != "" {
		var err error
		n, err = strconv.Atoi(v)
		require.NoError(t, err, "VIPBASE_SOAK_ORDERS")
	}
	started := time.Now()
	w := newSoakWorld(t)
	intents := w.planIntents(n)

	// Shoppers, the poll job and two restarts, all at once.
	shopStart := time.Now()
	var done atomic.Int64
	work := make(chan *soakIntent)
	var shoppers sync.WaitGroup
	for range soakShoppers {
		shoppers.Add(1)
		go func() {
			defer shoppers.Done()
			for in := range work {
				<-w.budget
				w.shop(in)
				done.Add(1)
			}
		}()
	}
	go func() {
		defer close(work)
		for _, in := range intents {
			work <- in
		}
	}()
	stopDriver := make(chan struct{})
	driverDone := make(chan struct{})
	go func() { defer close(driverDone); w.drive(stopDriver) }()
	for _, r := range []struct {
		at   float64
		kind string
	}{{0.35, "graceful"}, {0.70, "crash"}} {
		for done.Load() < int64(r.at*float64(len(intents))) {
			time.Sleep(10 * time.Millisecond)
		}
		w.restart(r.kind, int(done.Load()))
	}
	shoppers.Wait()
	close(stopDriver)
	<-driverDone
	shopTime := time.Since(shopStart)

	// Let the remaining time pass until every order is settled.
	drainStart := time.Now()
	w.drain(time.Now().Add(60 * time.Second))
	drainTime := time.Since(drainStart)

	// Quiesce: no more callbacks, no more requests; the app's DB stays open.
	w.stopProvider()
	w.mu.Lock()
	cur := w.cur
	cur.srv.Close()
	w.terminate(cur, false)
	w.mu.Unlock()

	w.check(intents)
	t.Logf("%s", w.summary(time.Since(started), shopTime, drainTime))
}

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

var errProcessDead = errors.New("soak: this app instance has crashed")

// ---------------------------------------------------------------------------
// The world: one sandbox provider, one data dir, one app at a time (plus the
// frozen remains of a crashed one).

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
	w.createUsers()

	// Faults are injected only now: the catalog synced cleanly.
	order := func(k sandbox.FaultKind, applied bool) sandbox.Fault {
		return sandbox.Fault{Kind: k, Type: "order", Applied: applied, Rate: soakFaultRate, Times: -1, Delay: 5 * time.Second}
	}
	for _, f := range []sandbox.Fault{
		order(sandbox.FaultTimeout, true), order(sandbox.FaultTimeout, false),
		order(sandbox.FaultHTTP500, true), order(sandbox.FaultHTTP500, false),
		order(sandbox.FaultGarbage, true), order(sandbox.FaultGarbage, false),
		order(sandbox.FaultHTML, true), order(sandbox.FaultNoTrxID, true), order(sandbox.FaultNoTrxID, false),
		order(sandbox.FaultThrottle, false), order(sandbox.FaultInsufficientBalance, false),
		// Read faults are retried by the client; timeouts stay on orders so
		// the sandbox's one-at-a-time callback sender is not held up by the
		// webhook's status confirmations.
		{Kind: sandbox.FaultHTTP500, Type: "status", Rate: soakOtherRate, Times: -1},
		{Kind: sandbox.FaultGarbage, Type: "status", Rate: soakOtherRate, Times: -1},
		{Kind: sandbox.FaultHTML, Type: "status", Rate: soakOtherRate, Times: -1},
		{Kind: sandbox.FaultDropCallback, Rate: soakOtherRate, Times: -1},
		{Kind: sandbox.FaultDuplicateCallback, Rate: soakOtherRate, Times: -1},
		{Kind: sandbox.FaultReorderCallback, Rate: soakOtherRate, Times: -1},
	} {
		w.sb.Inject(f)
	}
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
	var cut []string // sends the crashed instance had started
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
	_ = os.RemoveAll(w.dir)
}

// killSwitch is the provider transport of one app instance; die freezes it.
type killSwitch struct {
	base    http.RoundTripper
	dead    atomic.Bool
	wake    chan struct{}
	wakeOne sync.Once
}

func newKillSwitch() *killSwitch {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	return &killSwitch{base: tr, wake: make(chan struct{})}
}

func (k *killSwitch) die()     { k.dead.Store(true) }
func (k *killSwitch) release() { k.wakeOne.Do(func() { close(k.wake) }) }

func (k *killSwitch) RoundTrip(req *http.Request) (*http.Response, error) {
	if k.dead.Load() {
		<-k.wake
		return nil, errProcessDead
	}
	resp, err := k.base.RoundTrip(req)
	if err == nil {
		// Read the answer here, so that "dead" is decided after it arrived.
		body, rerr := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		if rerr != nil {
			resp, err = nil, rerr
		}
	}
	if k.dead.Load() {
		<-k.wake
		return nil, errProcessDead
	}
	return resp, err
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
			sp := soakProduct{code: code, id: p.Id, needsZone: p.GetBool("needs_zone"),
				min: int64(p.GetInt("min")), max: int64(p.GetInt("max")), tracked: p.GetBool("track_stock")}
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
				in.zone = soakZone
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
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		case <-time.After(50 * time.Millisecond):
		}
		w.mu.RLock()
		w.age(w.cur.app, i%8 == 0, time.Minute)
		w.poll(w.cur.svc)
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
// What the provider saw and answered, and which callbacks the app received.

type provRequest struct {
	ep, typ, target, zone, service, quantity string
	status                                   int
	outcome                                  string
}

type providerLog struct {
	mu           sync.Mutex
	reqs         []provRequest
	ordersOnWire atomic.Int64
}

// teeWriter keeps the answer and lets the sandbox hijack the connection.
type teeWriter struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (tw *teeWriter) WriteHeader(code int) {
	if tw.status == 0 {
		tw.status = code
	}
	tw.ResponseWriter.WriteHeader(code)
}

func (tw *teeWriter) Write(b []byte) (int, error) {
	if tw.status == 0 {
		tw.status = http.StatusOK
	}
	tw.buf.Write(b)
	return tw.ResponseWriter.Write(b)
}

func (tw *teeWriter) Unwrap() http.ResponseWriter { return tw.ResponseWriter }

func (l *providerLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(raw))
		form, _ := url.ParseQuery(string(raw))
		tw := &teeWriter{ResponseWriter: rw}
		if form.Get("type") == "order" {
			l.ordersOnWire.Add(1)
			defer l.ordersOnWire.Add(-1)
		}
		h.ServeHTTP(tw, r)
		req := provRequest{ep: path.Base(r.URL.Path), typ: form.Get("type"), zone: form.Get("data_zone"),
			service: form.Get("service"), quantity: form.Get("quantity"), status: tw.status}
		req.target = form.Get("data_no")
		if req.ep == sandbox.EndpointSocial {
			req.target = form.Get("data")
		}
		req.outcome = classifyAnswer(tw.status, tw.buf.Bytes())
		l.mu.Lock()
		l.reqs = append(l.reqs, req)
		l.mu.Unlock()
	})
}

// classifyAnswer names what a provider answer was, from the app's side.
func classifyAnswer(status int, body []byte) string {
	switch {
	case status == 0 || status == http.StatusGatewayTimeout:
		return "timeout"
	case status >= 500:
		return "http500"
	case bytes.HasPrefix(bytes.TrimSpace(body), []byte("<")):
		return "html"
	}
	var env struct {
		Result  bool            `json:"result"`
		Data    json.RawMessage `json:"data"`
		Message string          `json:"message"`
	}
	if json.Unmarshal(body, &env) != nil {
		return "garbage"
	}
	if !env.Result {
		switch m := strings.ToLower(env.Message); {
		case strings.Contains(m, "transaksi dibatasi"):
			return "throttle"
		case strings.Contains(m, "saldo anda tidak cukup"):
			return "balance"
		}
		return "rejected"
	}
	var d struct {
		TrxID string `json:"trxid"`
	}
	if json.Unmarshal(env.Data, &d) == nil && strings.HasPrefix(string(bytes.TrimSpace(env.Data)), "{") && d.TrxID == "" {
		return "no-trxid"
	}
	return "ok"
}

func (l *providerLog) snapshot() []provRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]provRequest(nil), l.reqs...)
}

type callbackLog struct {
	mu       sync.Mutex
	byTrx    map[string][]string
	received int
	distinct int
	dup      int
	late     int
}

func newCallbackLog() *callbackLog { return &callbackLog{byTrx: map[string][]string{}} }

func terminalProviderStatus(s string) bool {
	return s == sandbox.StatusSuccess || s == sandbox.StatusError || s == sandbox.StatusPartial
}

func (c *callbackLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == hooks.WebhookPath {
			raw, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(raw))
			var cb struct {
				Data struct {
					TrxID  string `json:"trxid"`
					Status string `json:"status"`
				} `json:"data"`
			}
			_ = json.Unmarshal(raw, &cb)
			c.mu.Lock()
			c.received++
			seen := c.byTrx[cb.Data.TrxID]
			dup := false
			for _, s := range seen {
				dup = dup || s == cb.Data.Status
			}
			if dup {
				c.dup++
			} else {
				c.distinct++
			}
			if !terminalProviderStatus(cb.Data.Status) && len(seen) > 0 && terminalProviderStatus(seen[len(seen)-1]) {
				c.late++
			}
			c.byTrx[cb.Data.TrxID] = append(seen, cb.Data.Status)
			c.mu.Unlock()
		}
		h.ServeHTTP(rw, r)
	})
}

// ---------------------------------------------------------------------------
// The end state.

const soakOrderCols = "id, number, user, category, product, service_code, target, zone, quantity, price, status, external_id, " +
	"refunded, remains, review, dispatch, dispatch_attempts, idempotency_key, note"

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
}

func endpointOfCategory(c string) string {
	switch c {
	case hooks.CategoryGame:
		return sandbox.EndpointGame
	case hooks.CategoryPrepaid:
		return sandbox.EndpointPrepaid
	}
	return sandbox.EndpointSocial
}

func (w *soakWorld) check(intents []*soakIntent) {
	t := w.t
	app := w.cur.app
	var orders []soakOrder
	require.NoError(t, app.DB().NewQuery("SELECT "+soakOrderCols+" FROM orders").All(&orders))
	var ledger []struct {
		User   string `db:"user"`
		Type   string `db:"type"`
		Amount int64  `db:"amount"`
		After  int64  `db:"balance_after"`
		Order  string `db:"order"`
	}
	require.NoError(t, app.DB().NewQuery("SELECT [[user]], [[type]], [[amount]], [[balance_after]], [[order]] FROM wallet_transactions ORDER BY rowid").All(&ledger))
	var users []struct {
		ID      string `db:"id"`
		Balance int64  `db:"balance"`
	}
	require.NoError(t, app.DB().NewQuery("SELECT id, balance FROM users").All(&users))
	var events []struct {
		Order string `db:"order"`
		From  string `db:"from"`
		To    string `db:"to"`
	}
	require.NoError(t, app.DB().NewQuery("SELECT [[order]], [[from]], [[to]] FROM order_events ORDER BY rowid").All(&events))

	assert.GreaterOrEqual(t, len(orders), 2000*len(intents)/2150, "orders placed")
	byID := map[string]*soakOrder{}
	byNumber := map[string]*soakOrder{}
	byTarget := map[string]*soakOrder{} // endpoint + target: every order has its own
	for i := range orders {
		o := &orders[i]
		byID[o.ID], byNumber[o.Number] = o, o
		k := endpointOfCategory(o.Category) + "|" + o.Target
		if prev := byTarget[k]; prev != nil {
			t.Errorf("two orders for one shopper request: %s and %s (%s)", prev.Number, o.Number, o.Target)
		}
		byTarget[k] = o
	}

	perCategory := map[string]int{}
	for _, o := range orders {
		perCategory[o.Category]++
	}
	for _, c := range []string{hooks.CategoryGame, hooks.CategoryPrepaid, hooks.CategorySocial} {
		assert.Greater(t, perCategory[c], len(orders)/5, "%s orders", c)
	}
	faults, _ := w.faultsHit()
	for _, k := range []string{"timeout", "http500", "html", "garbage", "no-trxid", "throttle", "balance",
		"status-http500", "status-garbage", "status-html", "cb-duplicate", "cb-reordered", "cb-lost"} {
		assert.Positive(t, faults[k], "fault %s never happened", k)
	}
	assert.Len(t, w.restarts, 2, "restarts")

	// 1. Every order is terminal, or flagged for a person with a reason.
	for _, o := range orders {
		if !hooks.IsTerminal(o.Status) && strings.TrimSpace(o.Review) == "" {
			t.Errorf("order %s is %s (dispatch %s) without a review reason", o.Number, o.Status, o.Dispatch)
		}
	}

	// 2. Money: per user the ledger sums to the balance, every balance_after
	// is the running sum, one purchase per order, one refund per failed or
	// partial order (of the right amount), none otherwise.
	running := map[string]int64{}
	purchases, refunds := map[string][]int64{}, map[string][]int64{}
	for _, l := range ledger {
		running[l.User] += l.Amount
		if running[l.User] != l.After {
			t.Errorf("user %s: balance_after %d, running sum %d", l.User, l.After, running[l.User])
			running[l.User] = l.After
		}
		switch l.Type {
		case wallet.Purchase:
			purchases[l.Order] = append(purchases[l.Order], l.Amount)
		case wallet.Refund:
			refunds[l.Order] = append(refunds[l.Order], l.Amount)
		}
	}
	sum := map[string]int64{}
	for _, l := range ledger {
		sum[l.User] += l.Amount
	}
	for _, u := range users {
		assert.Equal(t, u.Balance, sum[u.ID], "user %s: ledger sum vs balance", u.ID)
		assert.GreaterOrEqual(t, u.Balance, int64(0), "user %s balance", u.ID)
	}
	for _, o := range orders {
		if p := purchases[o.ID]; len(p) != 1 || p[0] != -o.Price {
			t.Errorf("order %s (price %d): purchases %v, want exactly one of %d", o.Number, o.Price, p, -o.Price)
		}
		r := refunds[o.ID]
		switch o.Status {
		case hooks.OrderFailed:
			if len(r) != 1 || r[0] != o.Price || o.Refunded != o.Price {
				t.Errorf("failed order %s (price %d): refunds %v, refunded %d; want exactly one full refund", o.Number, o.Price, r, o.Refunded)
			}
		case hooks.OrderPartial:
			want := o.Price * o.Remains / o.Quantity
			if o.Remains <= 0 || len(r) != 1 || r[0] != want || o.Refunded != want {
				t.Errorf("partial order %s (price %d, %d of %d remain): refunds %v; want exactly one of %d", o.Number, o.Price, o.Remains, o.Quantity, r, want)
			}
		default:
			if len(r) != 0 || o.Refunded != 0 {
				t.Errorf("%s order %s: refunds %v; want none", o.Status, o.Number, r)
			}
		}
	}
	for id := range purchases {
		if byID[id] == nil {
			t.Errorf("purchase for order %s, which does not exist", id)
		}
	}

	// 3. The audit trail ends where the order is.
	last := map[string]string{}
	for _, e := range events {
		if prev, ok := last[e.Order]; ok && prev != e.From {
			t.Errorf("order %s: event %q→%q after %q", e.Order, e.From, e.To, prev)
		}
		last[e.Order] = e.To
	}
	for _, o := range orders {
		if last[o.ID] != o.Status {
			t.Errorf("order %s is %s, its last event says %q", o.Number, o.Status, last[o.ID])
		}
	}

	// 4. Tracked stock: one unit per order that did not fail.
	for pid, before := range w.stock {
		kept := 0
		for _, o := range orders {
			if o.Product == pid && o.Status != hooks.OrderFailed {
				kept++
			}
		}
		p, err := app.FindRecordById("products", pid)
		require.NoError(t, err)
		assert.Equal(t, before-kept, p.GetInt("stock"), "stock of %s", p.GetString("code"))
	}

	// 5. The provider's side. Every provider transaction is one order's,
	// adopted by it, and the two agree on the outcome.
	var trxs []sandbox.Transaction
	for _, ep := range []string{sandbox.EndpointGame, sandbox.EndpointPrepaid, sandbox.EndpointSocial} {
		trxs = append(trxs, w.sb.Transactions(ep)...)
	}
	owned := map[string]bool{}
	for _, trx := range trxs {
		o := byTarget[trx.Endpoint+"|"+trx.Target]
		switch {
		case o == nil:
			t.Errorf("provider transaction %s (%s %s) belongs to no order", trx.TrxID, trx.Endpoint, trx.Target)
			continue
		case owned[o.ID]:
			t.Errorf("order %s bought twice at the provider (also %s)", o.Number, trx.TrxID)
			continue
		case o.ExternalID != trx.TrxID:
			t.Errorf("order %s (%s, %s) has external_id %q, but the provider executed it as %s (%s)",
				o.Number, o.Status, o.Dispatch, o.ExternalID, trx.TrxID, trx.Status)
		}
		owned[o.ID] = true
		want := map[string]string{sandbox.StatusSuccess: hooks.OrderSuccess, sandbox.StatusError: hooks.OrderFailed,
			sandbox.StatusPartial: hooks.OrderPartial}[trx.Status]
		switch {
		case want == "" && o.Review == "":
			t.Errorf("order %s is %s, the provider still has it %s, and no review", o.Number, o.Status, trx.Status)
		case want != "" && o.Status != want:
			t.Errorf("order %s is %s, the provider says %s", o.Number, o.Status, trx.Status)
		case trx.Status == sandbox.StatusPartial && o.Remains != trx.Remain:
			t.Errorf("partial order %s: %d remain, the provider says %d", o.Number, o.Remains, trx.Remain)
		}
	}
	for _, o := range orders {
		if o.ExternalID != "" && !owned[o.ID] {
			t.Errorf("order %s has external_id %s that the provider does not know for it", o.Number, o.ExternalID)
		}
		if (o.Status == hooks.OrderSuccess || o.Status == hooks.OrderPartial) && !owned[o.ID] {
			t.Errorf("order %s is %s without a provider transaction", o.Number, o.Status)
		}
	}

	// 6. The provider received exactly one order request per order that
	// reached it: only refusals before execution (throttle, no balance) are
	// followed by another send, and nothing comes after a send that got
	// through, got rejected or was lost.
	reqs := w.prov.snapshot()
	perOrder := map[string][]provRequest{}
	orderReqs, refused, reached := 0, 0, 0
	for _, r := range reqs {
		if r.typ != "order" {
			continue
		}
		orderReqs++
		if r.outcome == "throttle" || r.outcome == "balance" {
			refused++
		}
		o := byTarget[r.ep+"|"+r.target]
		if o == nil {
			t.Errorf("the provider got an order request for %s %s, which is no order", r.ep, r.target)
			continue
		}
		perOrder[o.ID] = append(perOrder[o.ID], r)
	}
	for _, o := range orders {
		rs := perOrder[o.ID]
		final := 0
		for i, r := range rs {
			if r.service != o.Code || r.zone != o.Zone || (o.Category == hooks.CategorySocial && r.quantity != strconv.FormatInt(o.Quantity, 10)) {
				t.Errorf("order %s sent as %+v", o.Number, r)
			}
			if r.outcome != "throttle" && r.outcome != "balance" {
				final++
				if i != len(rs)-1 {
					t.Errorf("order %s sent again after a %s answer: %v", o.Number, r.outcome, outcomes(rs))
				}
			}
		}
		reached += final
		if final > 1 {
			t.Errorf("order %s reached the provider %d times: %v", o.Number, final, outcomes(rs))
		}
		if owned[o.ID] && final != 1 {
			t.Errorf("order %s was executed by the provider but its sends were %v", o.Number, outcomes(rs))
		}
	}
	sbCount := 0
	for _, ep := range []string{sandbox.EndpointGame, sandbox.EndpointPrepaid, sandbox.EndpointSocial} {
		sbCount += w.sb.Count(ep, "order")
	}
	assert.Equal(t, sbCount, orderReqs, "order requests: sandbox log vs wire log")
	assert.Equal(t, reached, sbCount-refused, "order requests that were not refused before execution = orders that reached the provider")

	// 7. What shoppers were told: every order a shopper got a 200 for exists,
	// is theirs, and a final answer they got did not change. Orders nobody
	// was told about come only from keyless requests whose answer was lost.
	toldOrders := map[string]bool{}
	keylessLost := 0
	for _, in := range intents {
		if in.ambiguous && in.key == "" {
			keylessLost++
		}
		if in.ambiguous && in.key != "" {
			t.Errorf("keyed request %d never got a definite answer: %v", in.idx, in.codes)
		}
		for i, num := range in.numbers {
			o := byNumber[num]
			if o == nil {
				t.Errorf("shopper was told order %q (request %d), which does not exist", num, in.idx)
				continue
			}
			toldOrders[num] = true
			if o.User != w.users[in.user].id || o.Target != in.target {
				t.Errorf("order %s is not what request %d asked for", num, in.idx)
			}
			if hooks.IsTerminal(in.told[i]) && in.told[i] != o.Status {
				t.Errorf("shopper was told order %s is %s; it is now %s", num, in.told[i], o.Status)
			}
		}
		if in.key != "" {
			var keyed []string
			for _, o := range orders {
				if o.Key == in.key {
					keyed = append(keyed, o.Number)
				}
			}
			if len(keyed) > 1 || (len(in.numbers) > 0 && (len(keyed) != 1 || keyed[0] != in.numbers[0])) {
				t.Errorf("key %s: orders %v, shopper told %v", in.key, keyed, in.numbers)
			}
		}
	}
	untold := 0
	for _, o := range orders {
		if !toldOrders[o.Number] {
			untold++
		}
	}
	assert.LessOrEqual(t, untold, keylessLost, "orders nobody was told about vs keyless requests whose answer was lost")
	for _, p := range w.problems {
		t.Error(p)
	}
	for _, in := range intents {
		for i, code := range in.codes {
			ok := false
			switch msg := in.msgs[i]; code {
			case http.StatusOK:
				ok = true
			case http.StatusPaymentRequired:
				ok = w.users[in.user].poor && msg == hooks.MsgInsufficientBalance
			case http.StatusConflict:
				ok = (in.mode == modeMismatch && i == len(in.codes)-1 && msg == hooks.MsgIdempotencyMismatch) ||
					(in.prod.tracked && msg == hooks.MsgOutOfStock)
			default: // no answer or a 5xx: a keyless request's answer was lost
				ok = in.key == "" && (code == 0 || code >= 500)
			}
			if !ok {
				t.Errorf("request %d (%s %s, user %d): HTTP %d %q", in.idx, in.route, in.prod.code, in.user, code, in.msgs[i])
			}
		}
	}
	assert.Zero(t, w.pollErrs.Load(), "poll runs that failed")
}

func outcomes(rs []provRequest) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.outcome
	}
	return out
}

// faultsHit counts the faults that happened, as the app saw them: order and
// status answers by kind, callbacks duplicated, reordered, or lost (dropped
// by the sandbox, or posted while the app was restarting).
func (w *soakWorld) faultsHit() (faults map[string]int, orderPosts int) {
	faults = map[string]int{}
	for _, r := range w.prov.snapshot() {
		switch {
		case r.typ == "order":
			orderPosts++
			if r.outcome != "ok" && r.outcome != "rejected" {
				faults[r.outcome]++
			}
		case r.typ == "status" && r.outcome != "ok" && r.outcome != "rejected":
			faults["status-"+r.outcome]++
		}
	}
	expected := 0
	for _, trx := range w.sb.Transactions("") {
		switch {
		case strings.HasSuffix(trx.Target, "333"): // instant success: no callbacks
		case terminalProviderStatus(trx.Status):
			expected += 2
		default:
			expected++
		}
	}
	w.cbs.mu.Lock()
	defer w.cbs.mu.Unlock()
	faults["cb-duplicate"], faults["cb-reordered"] = w.cbs.dup, w.cbs.late
	faults["cb-lost"] = expected - w.cbs.distinct
	return faults, orderPosts
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
