//go:build browser

// Package e2e drives the storefront (pb_public/) in headless Chromium against
// a real `vipbase serve --sandbox`, and checks what the shopper sees against
// the REST API. Run it with:
//
//	go test -tags browser -count=1 ./e2e/
//
// It needs Chromium (CHROME_PATH, else /usr/bin/chromium). On a failed step it
// saves a screenshot and prints its path; it always saves phone and desktop
// screenshots of the store into the same directory under os.TempDir().
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

const (
	suEmail    = "admin@example.com"
	suPassword = "pass-word-123"

	// finalWait bounds the wait for an order's final status: the sandbox
	// finishes an order about 3 s after it is placed and calls the webhook; the
	// vip_orders_poll cron (once a minute) is the fallback.
	finalWait = 90 * time.Second
)

var binDir, binPath string

func TestMain(m *testing.M) { os.Exit(buildAndRun(m)) }

// buildAndRun builds the app once for every test of the package.
func buildAndRun(m *testing.M) int {
	root, err := filepath.Abs("..")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	dir, err := os.MkdirTemp("", "vipbase-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "vipbase"), ".")
	build.Dir = root
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: go build:", err)
		return 1
	}
	// The binary runs from its own directory; pb_public there is the checkout's,
	// whether serve looks next to the executable or in its working directory.
	if err := os.Symlink(filepath.Join(root, "pb_public"), filepath.Join(dir, "pb_public")); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	binDir, binPath = dir, filepath.Join(dir, "vipbase")
	return m.Run()
}

// TestStorefrontJourney is one shopper's visit: sign up, receive a deposit,
// make a typing mistake, check a game nickname, buy one prepaid item that
// succeeds and one that fails, and read the order and wallet history.
func TestStorefrontJourney(t *testing.T) {
	started := time.Now()
	a := startApp(t)
	t.Logf("app ready in %s (%s)", time.Since(started).Round(time.Millisecond), a.url)
	b := newBrowser(t)
	tel := a.product(t, "TELKOMSEL_10K")
	ml := a.product(t, "ML86-S2")

	// The catalog is public: products and rupiah prices before any login.
	b.do("open the store", 30*time.Second,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
		chromedp.Navigate(a.store+"/"),
		chromedp.WaitVisible(chromedp.CSS(`html[data-ready="true"] [data-testid="product"]`)),
		chromedp.Evaluate[chromedp.Void](`window.__e2eNoReload = true`),
	)
	b.shot("store-phone-guest")

	// Sign up through the form.
	email := fmt.Sprintf("shopper%d@vipbase.test", time.Now().UnixNano())
	password := "rahasia-123"
	b.do("sign up", 20*time.Second,
		chromedp.Click(tid("nav-signup")),
		chromedp.WaitVisible(tid("auth-password-confirm")),
		chromedp.SendKeys(tid("auth-email"), email),
		chromedp.SendKeys(tid("auth-password"), password),
		chromedp.SendKeys(tid("auth-password-confirm"), password),
		chromedp.Click(tid("auth-submit")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="balance"][data-amount="0"]`)),
	)
	b.textIs("balance", tid("balance"), "Rp 0")
	user := a.userByEmail(t, email)

	// A deposit by the operator shows up live (wallet realtime event).
	const deposit = 100000
	a.deposit(t, user, deposit, "Deposit uji e2e")
	b.do("see the deposit", 15*time.Second, chromedp.WaitVisible(balanceIs(deposit)))
	b.textIs("balance", tid("balance"), "Rp 100.000")
	b.do("record balance changes", 5*time.Second, chromedp.Evaluate[chromedp.Void](recorderJS))

	// A 4-digit phone number is refused with its field error; nothing is charged.
	b.do("choose Telkomsel 10.000", 15*time.Second,
		chromedp.Click(tid("tab-prepaid")),
		chromedp.Click(chromedp.CSS(`[data-testid="brand"][data-brand="TELKOMSEL"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="product"][data-code="TELKOMSEL_10K"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="order-form"][data-code="TELKOMSEL_10K"]`)),
	)
	b.textIs("price", tid("order-price"), rupiah(tel.Price))
	// The rule is the server's: the form sends it and shows the field code's text.
	b.expectRefusal(400, "/api/checkout")
	b.do("type a 4-digit number", 10*time.Second,
		chromedp.SendKeys(tid("input-target"), "1234"),
	)
	if line, want := b.confirmSheet(), "Pastikan benar — Nomor HP: 1234"; line != want {
		b.fail("confirmation sheet", fmt.Errorf("account line %q, want %q", line, want))
	}
	b.do("confirm the 4-digit number", 10*time.Second,
		chromedp.Click(tid("confirm-pay")),
		chromedp.WaitVisible(tid("error-target")),
		chromedp.WaitNotVisible(tid("confirm-sheet")),
	)
	b.textIs("inline error", tid("error-target"), "Harus 6–20 digit angka.")
	b.shot("validation-phone")
	if n := len(a.orders(t, user)); n != 0 {
		b.fail("no order after a validation error", fmt.Errorf("%d orders exist", n))
	}
	if bal := a.balance(t, user); bal != deposit {
		b.fail("nothing charged after a validation error", fmt.Errorf("balance %d, want %d", bal, deposit))
	}

	// Mobile Legends needs a zone: the server says so, then the nickname is shown.
	b.expectRefusal(400, "/api/games/nickname")
	b.do("choose Mobile Legends 86 diamonds", 15*time.Second,
		chromedp.Click(tid("tab-game")),
		chromedp.Click(chromedp.CSS(`[data-testid="brand"][data-name="Mobile Legends"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="product"][data-code="ML86-S2"]`)),
		chromedp.WaitVisible(tid("input-zone")),
		chromedp.SendKeys(tid("input-target"), "12345678"),
		chromedp.Click(tid("check-nickname")),
		chromedp.WaitVisible(tid("error-zone")),
	)
	b.textIs("zone required", tid("error-zone"), "Game ini memerlukan Zone ID / Server.")
	b.do("check the nickname", 15*time.Second,
		chromedp.SendKeys(tid("input-zone"), "2001"),
		chromedp.Click(tid("check-nickname")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="nickname-result"].ok`)),
	)
	want := a.nickname(t, ml.NicknameCode, "12345678", "2001")
	b.textIs("nickname", tid("nickname-result"), "✓ "+want)

	// A purchase with the wallet that succeeds: the operator picked from the
	// number typed, followed live to its SN, paid once although "Ya, bayar"
	// is double-clicked.
	b.do("type the number: Telkomsel, then 10.000", 15*time.Second,
		chromedp.Click(tid("tab-prepaid")),
		chromedp.WaitVisible(tid("input-detect-phone")),
		chromedp.SendKeys(tid("input-detect-phone"), "0812 3456 7890"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="detect-result"][data-operator="telkomsel"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="product"][data-code="TELKOMSEL_10K"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="order-form"][data-code="TELKOMSEL_10K"]`)),
	)
	if got := b.value("input-target"); got != "081234567890" {
		b.fail("the detected number in the form", fmt.Errorf("input-target %q", got))
	}
	okStart := time.Now()
	okNumber := b.buy(a, user, tel, "081234567890")
	b.waitStatus(okNumber, "success")
	okTook := time.Since(okStart)
	b.do("balance after the purchase", 10*time.Second, chromedp.WaitVisible(balanceIs(deposit-tel.Price)))
	b.textIs("balance", tid("balance"), rupiah(deposit-tel.Price))
	okSN := b.text("sn", tid("order-sn"))
	if okSN == "" {
		b.fail("SN shown", fmt.Errorf("empty SN"))
	}
	b.shot("order-success-phone")

	// A purchase that fails (target ends in 999): refunded, balance restored.
	b.do("back to the store", 15*time.Second,
		chromedp.Click(tid("nav-store")),
		chromedp.Click(chromedp.CSS(`[data-testid="product"][data-code="TELKOMSEL_10K"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="order-form"][data-code="TELKOMSEL_10K"]`)),
	)
	failNumber := b.buy(a, user, tel, "081234567999")
	b.waitStatus(failNumber, "failed")
	b.textIs("refund", tid("order-refund"), "Dana dikembalikan "+rupiah(tel.Price))
	b.do("balance restored", 10*time.Second, chromedp.WaitVisible(balanceIs(deposit-tel.Price)))
	b.shot("order-failed-phone")
	seen := run(b, "balance history", 5*time.Second, chromedp.Evaluate[[]string](`window.__e2eBalances`))
	if got, want := strings.Join(seen, ","), fmt.Sprintf("%d,%d,%d", deposit-tel.Price, deposit-2*tel.Price, deposit-tel.Price); !strings.HasSuffix(got, want) {
		b.fail("balance shown after each order", fmt.Errorf("balances shown %s, want them to end with %s", got, want))
	}

	// Order history lists both, with the SN; the wallet lists the ledger.
	b.do("order history", 15*time.Second,
		chromedp.Click(tid("nav-orders")),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`[data-testid="order-row"][data-number=%q][data-status="success"]`, okNumber))),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`[data-testid="order-row"][data-number=%q][data-status="failed"]`, failNumber))),
	)
	if n := run(b, "count order rows", 5*time.Second, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="order-row"]').length`)); n != 2 {
		b.fail("order history", fmt.Errorf("%d rows, want 2", n))
	}
	b.textIs("SN in history", chromedp.CSS(fmt.Sprintf(`[data-number=%q] [data-testid="order-row-sn"]`, okNumber)), "SN: "+okSN)
	b.shot("orders-phone")
	b.do("wallet history", 15*time.Second,
		chromedp.Click(tid("nav-wallet")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="wallet-row"]:nth-child(4)`)),
	)
	types := run(b, "wallet rows", 5*time.Second, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('[data-testid="wallet-row"]'), r => r.dataset.type + ':' + r.dataset.amount)`))
	wantTypes := []string{
		fmt.Sprintf("refund:%d", tel.Price), fmt.Sprintf("purchase:%d", -tel.Price),
		fmt.Sprintf("purchase:%d", -tel.Price), fmt.Sprintf("deposit:%d", deposit),
	}
	if strings.Join(types, " ") != strings.Join(wantTypes, " ") {
		b.fail("wallet history", fmt.Errorf("rows %v, want %v", types, wantTypes))
	}
	b.textIs("wallet balance", tid("wallet-balance"), rupiah(deposit-tel.Price))
	b.shot("wallet-phone")

	// The same story through the REST API: exactly these orders, a ledger
	// that adds up to the balance.
	orders := a.orders(t, user)
	if len(orders) != 2 {
		t.Fatalf("REST: %d orders, want 2: %+v", len(orders), orders)
	}
	byNumber := map[string]order{}
	for _, o := range orders {
		byNumber[o.Number] = o
	}
	if o := byNumber[okNumber]; o.Status != "success" || o.SN != okSN || o.Refunded != 0 || o.Price != tel.Price || o.Target != "081234567890" {
		t.Errorf("REST: success order %+v, want success with SN %q", o, okSN)
	}
	if o := byNumber[failNumber]; o.Status != "failed" || o.Refunded != tel.Price || o.Target != "081234567999" {
		t.Errorf("REST: failed order %+v, want failed and refunded %d", o, tel.Price)
	}
	ledger := a.ledger(t, user)
	var sum int64
	for _, w := range ledger {
		sum += w.Amount
	}
	bal := a.balance(t, user)
	if len(ledger) != 4 || sum != bal || bal != deposit-tel.Price || ledger[len(ledger)-1].BalanceAfter != bal {
		t.Errorf("REST: ledger %+v sums to %d, balance %d, want 4 rows summing to %d", ledger, sum, bal, deposit-tel.Price)
	}

	// Log out and back in: the session ends and comes back with the balance.
	b.do("log out", 10*time.Second,
		chromedp.Click(tid("nav-logout")),
		chromedp.WaitVisible(tid("nav-login")),
	)
	b.do("log in", 20*time.Second,
		chromedp.Click(tid("nav-login")),
		chromedp.WaitVisible(tid("auth-email")),
		chromedp.SendKeys(tid("auth-email"), email),
		chromedp.SendKeys(tid("auth-password"), password),
		chromedp.Click(tid("auth-submit")),
		chromedp.WaitVisible(balanceIs(deposit-tel.Price)),
	)

	// Desktop layout, for the record.
	b.do("desktop store", 15*time.Second,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Click(tid("nav-store")),
		chromedp.Click(chromedp.CSS(`[data-testid="product"][data-code="TELKOMSEL_10K"]`)),
		chromedp.WaitVisible(tid("order-form")),
	)
	b.shot("store-desktop")

	if msgs := b.consoleErrors(); len(msgs) > 0 {
		b.fail("browser console", fmt.Errorf("errors:\n%s", strings.Join(msgs, "\n")))
	}
	if noReload := run(b, "no reload", 5*time.Second, chromedp.Evaluate[bool](`window.__e2eNoReload === true`)); !noReload {
		b.fail("single page", fmt.Errorf("the page reloaded during the journey"))
	}
	t.Logf("success order %s final after %s; webhook: %s", okNumber, okTook.Round(100*time.Millisecond), a.webhookSummary(t))
	t.Logf("screenshots: %s", b.artifacts)
	t.Logf("journey took %s", time.Since(started).Round(time.Millisecond))
}

// recorderJS remembers every balance the header shows from now on.
const recorderJS = `(() => {
  const el = document.querySelector('[data-testid="balance"]');
  window.__e2eBalances = [];
  new MutationObserver(() => {
    const v = el.dataset.amount, l = window.__e2eBalances;
    if (l[l.length - 1] !== v) l.push(v);
  }).observe(el, {attributes: true, attributeFilter: ['data-amount']});
})()`

// statusRecorderJS remembers the statuses the order view shows, so the test
// can tell that the final one arrived live and not with the first load.
const statusRecorderJS = `(() => {
  const el = document.querySelector('[data-testid="order-view"]');
  window.__e2eStatuses = [];
  new MutationObserver(() => {
    const v = (el.dataset.number || '') + ':' + (el.dataset.status || '');
    const l = window.__e2eStatuses;
    if (el.dataset.status && l[l.length - 1] !== v) l.push(v);
  }).observe(el, {attributes: true, attributeFilter: ['data-status', 'data-number']});
})()`

// buy fills the target of the selected product (a member's wallet, SALDO, is
// the payment the form picks), double-clicks "Beli sekarang", sends
// the same attempt once more, and returns the number of the order the page
// shows: one order, however often the attempt reaches the server.
func (b *browser) buy(a *app, user string, p product, target string) string {
	b.t.Helper()
	before := len(a.orders(b.t, user))
	b.do("fill "+target, 10*time.Second,
		chromedp.Evaluate[chromedp.Void](statusRecorderJS),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid="input-target"]').value = ''`),
		chromedp.SendKeys(tid("input-target"), target),
	)
	b.textIs("price", tid("order-price"), rupiah(p.Price))
	b.do("the wallet is the payment", 10*time.Second,
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="channel"][data-code="SALDO"] input:checked`)))
	// A real double click on the sheet's "Ya, bayar": two presses; the second
	// must not buy again.
	b.confirmSheet()
	pt := run(b, "locate Bayar", 5*time.Second, chromedp.Evaluate[[]float64](`(() => {
	  const r = document.querySelector('[data-testid="confirm-pay"]');
	  r.scrollIntoView({block: 'center'});
	  const b = r.getBoundingClientRect();
	  return [b.left + b.width / 2, b.top + b.height / 2];
	})()`))
	b.do("double-click Bayar", 15*time.Second,
		chromedp.MouseClickXY(pt[0], pt[1]),
		chromedp.MouseClickXY(pt[0], pt[1], chromedp.ClickCount(2)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="order-view"][data-number]:not([data-number=""]) [data-testid="order-status"]`)),
	)
	num := run(b, "order number", 5*time.Second, chromedp.Evaluate[string](`document.querySelector('[data-testid="order-view"]').dataset.number`))
	if !regexp.MustCompile(`^PRE-\d+-[A-Z0-9]{5}$`).MatchString(num) {
		b.fail("order number", fmt.Errorf("%q", num))
	}
	// The same attempt submitted again (as a click that lands after the answer
	// but before the page switched would) reaches the server with the same
	// Idempotency-Key and gets the same order back.
	posts := `performance.getEntriesByType('resource').filter(e => /\/api\/checkout$/.test(e.name)).length`
	sent := run(b, "count order requests", 5*time.Second, chromedp.Evaluate[int](posts))
	b.do("send the same attempt again", 15*time.Second,
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid="order-form"]').requestSubmit(document.querySelector('[data-testid="confirm-pay"]'))`),
		chromedp.Poll[chromedp.Void](fmt.Sprintf("%s > %d", posts, sent), chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.Sleep(300*time.Millisecond),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`[data-testid="order-view"][data-number=%q]`, num))),
	)
	if at := run(b, "location", 5*time.Second, chromedp.Evaluate[string](`location.pathname`)); at != "/pesanan/"+num {
		b.fail("same order after a re-send", fmt.Errorf("page at %s, want /pesanan/%s", at, num))
	}
	if n := len(a.orders(b.t, user)); n != before+1 {
		b.fail("one order per attempt", fmt.Errorf("%d orders after buying %s, want %d", n, target, before+1))
	}
	return num
}

// waitStatus waits for the order view to show a final status that came in
// through realtime after the page had shown an earlier one.
func (b *browser) waitStatus(number, status string) {
	b.t.Helper()
	b.do("order "+number+" "+status, finalWait,
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`[data-testid="order-view"][data-number=%q][data-status=%q]`, number, status))))
	src := run(b, "update source", 5*time.Second, chromedp.Evaluate[string](`document.querySelector('[data-testid="order-view"]').dataset.source`))
	seen := run(b, "statuses shown", 5*time.Second, chromedp.Evaluate[[]string](`window.__e2eStatuses`))
	if src != "realtime" || len(seen) < 2 || seen[len(seen)-1] != number+":"+status {
		b.fail("live status of "+number, fmt.Errorf("statuses shown %v, last update from %q; want an earlier status, then %s from realtime", seen, src, status))
	}
	b.textIs("status badge", tid("order-status"), map[string]string{"success": "Berhasil", "failed": "Gagal"}[status])
}

// ---------- the app under test ----------

type app struct {
	url   string // the app (API, dashboard)
	store string // where the browser opens the storefront
	su    string // superuser token
}

type product struct {
	ID           string `json:"id"`
	Code         string `json:"code"`
	Brand        string `json:"brand"`
	Price        int64  `json:"price"`
	NicknameCode string `json:"nickname_code"`
}

type order struct {
	Number   string `json:"number"`
	Status   string `json:"status"`
	Target   string `json:"target"`
	Price    int64  `json:"price"`
	SN       string `json:"sn"`
	Refunded int64  `json:"refunded"`
}

type ledgerRow struct {
	Type         string `json:"type"`
	Amount       int64  `json:"amount"`
	BalanceAfter int64  `json:"balance_after"`
}

func startApp(t *testing.T) *app {
	t.Helper()
	dataDir := t.TempDir()
	if out, err := exec.Command(binPath, "superuser", "upsert", suEmail, suPassword, "--dir", dataDir).CombinedOutput(); err != nil {
		t.Fatalf("superuser upsert: %v\n%s", err, out)
	}
	addr := freeAddr(t)
	logPath := filepath.Join(dataDir, "serve.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	// --dev=false: PocketBase takes a binary under os.TempDir() for `go run` and
	// would turn on dev mode (every SQL statement logged); run it as in production.
	cmd := exec.Command(binPath, "serve", "--sandbox", "--dev=false", "--dir", dataDir, "--http", addr)
	cmd.Dir = binDir
	// The gateway sends the shopper back to the store's public URL (/bayar/…):
	// here, the address the app listens on.
	cmd.Env = append(os.Environ(), "VIPBASE_PUBLIC_URL=http://"+addr)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatalf("start serve: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		logFile.Close()
		if t.Failed() {
			if out, err := os.ReadFile(logPath); err == nil {
				t.Logf("serve log (last 4 KB):\n%s", tail(out, 4096))
			}
		}
	})

	a := &app{url: "http://" + addr}
	a.store = a.url
	deadline := time.Now().Add(60 * time.Second)
	for {
		var list struct {
			TotalItems int `json:"totalItems"`
		}
		status, _ := a.call("GET", "/api/collections/products/records?perPage=1&filter="+
			url.QueryEscape(`code="TELKOMSEL_10K" || code="ML86-S2"`), "", nil, &list)
		if status == 200 && list.TotalItems == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the catalog never appeared (last status %d)", status)
		}
		time.Sleep(250 * time.Millisecond)
	}
	var auth struct {
		Token string `json:"token"`
	}
	if status, body := a.call("POST", "/api/collections/_superusers/auth-with-password", "",
		map[string]string{"identity": suEmail, "password": suPassword}, &auth); status != 200 {
		t.Fatalf("superuser login: %d %s", status, body)
	}
	a.su = auth.Token
	a.checkStorefront(t)
	return a
}

// checkStorefront makes sure the app itself serves pb_public at "/". With
// VIPBASE_E2E_PROXY_STATIC=1 a missing route is only logged, and the test
// serves pb_public itself in front of the app (a stopgap, same origin).
func (a *app) checkStorefront(t *testing.T) {
	t.Helper()
	resp, err := http.Get(a.url + "/")
	if err == nil {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 200 && bytes.Contains(body, []byte(`data-testid="order-form"`)) {
			return
		}
		err = fmt.Errorf("GET / answered %d without the storefront", resp.StatusCode)
	}
	msg := fmt.Sprintf("the app does not serve pb_public at /: %v", err)
	if os.Getenv("VIPBASE_E2E_PROXY_STATIC") != "1" {
		t.Fatal(msg + " (set VIPBASE_E2E_PROXY_STATIC=1 to test the storefront through a stopgap proxy)")
	}
	t.Log("WARNING: " + msg + "; serving it from the test, API proxied")
	target, _ := url.Parse(a.url)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.FlushInterval = -1 // realtime is server-sent events
	files := http.FileServer(http.Dir(filepath.Join(binDir, "pb_public")))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") || strings.HasPrefix(r.URL.Path, "/_/") {
			proxy.ServeHTTP(w, r)
			return
		}
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	a.store = srv.URL
}

// call sends a JSON request and decodes a JSON answer into out.
func (a *app) call(method, path, token string, in, out any) (int, string) {
	return a.callWith(method, path, token, nil, in, out)
}

// callWith is call with extra request headers.
func (a *app) callWith(method, path, token string, headers map[string]string, in, out any) (int, string) {
	var body io.Reader
	if in != nil {
		buf, _ := json.Marshal(in)
		body = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, a.url+path, body)
	if err != nil {
		return 0, err.Error()
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			return resp.StatusCode, "decode: " + err.Error()
		}
	}
	return resp.StatusCode, string(raw)
}

func (a *app) mustCall(t *testing.T, method, path string, in, out any) {
	t.Helper()
	if status, body := a.call(method, path, a.su, in, out); status != 200 {
		t.Fatalf("%s %s: %d %s", method, path, status, body)
	}
}

func (a *app) product(t *testing.T, code string) product {
	t.Helper()
	var list struct {
		Items []product `json:"items"`
	}
	a.mustCall(t, "GET", "/api/collections/products/records?filter="+url.QueryEscape(fmt.Sprintf("code=%q", code)), nil, &list)
	if len(list.Items) != 1 || list.Items[0].Price <= 0 {
		t.Fatalf("product %s: %+v", code, list.Items)
	}
	return list.Items[0]
}

func (a *app) userByEmail(t *testing.T, email string) string {
	t.Helper()
	var list struct {
		Items []struct {
			ID      string `json:"id"`
			Balance int64  `json:"balance"`
		} `json:"items"`
	}
	a.mustCall(t, "GET", "/api/collections/users/records?filter="+url.QueryEscape(fmt.Sprintf("email=%q", email)), nil, &list)
	if len(list.Items) != 1 || list.Items[0].Balance != 0 {
		t.Fatalf("signed-up user %s: %+v", email, list.Items)
	}
	return list.Items[0].ID
}

func (a *app) deposit(t *testing.T, user string, amount int64, note string) {
	t.Helper()
	a.mustCall(t, "POST", "/api/collections/wallet_transactions/records",
		map[string]any{"user": user, "type": "deposit", "amount": amount, "note": note}, nil)
}

func (a *app) balance(t *testing.T, user string) int64 {
	t.Helper()
	var u struct {
		Balance int64 `json:"balance"`
	}
	a.mustCall(t, "GET", "/api/collections/users/records/"+user, nil, &u)
	return u.Balance
}

func (a *app) orders(t *testing.T, user string) []order {
	t.Helper()
	var list struct {
		Items []order `json:"items"`
	}
	a.mustCall(t, "GET", "/api/collections/orders/records?perPage=100&filter="+url.QueryEscape(fmt.Sprintf("user=%q", user)), nil, &list)
	return list.Items
}

func (a *app) ledger(t *testing.T, user string) []ledgerRow {
	t.Helper()
	var list struct {
		Items []ledgerRow `json:"items"`
	}
	a.mustCall(t, "GET", "/api/collections/wallet_transactions/records?perPage=100&sort=created&filter="+
		url.QueryEscape(fmt.Sprintf("user=%q", user)), nil, &list)
	return list.Items
}

func (a *app) nickname(t *testing.T, game, userID, zone string) string {
	t.Helper()
	var res struct {
		Data struct {
			Nickname string `json:"nickname"`
		} `json:"data"`
	}
	a.mustCall(t, "GET", "/api/games/nickname?"+url.Values{"game": {game}, "userId": {userID}, "zoneId": {zone}}.Encode(), nil, &res)
	if res.Data.Nickname == "" {
		t.Fatal("REST nickname: empty")
	}
	return res.Data.Nickname
}

// webhookSummary says whether callbacks reached the webhook (its superuser
// GET reports the last 24 h by outcome), for the log.
func (a *app) webhookSummary(t *testing.T) string {
	status, body := a.call("GET", "/api/webhooks/vip-reseller", a.su, nil, nil)
	if status != 200 {
		return fmt.Sprintf("GET /api/webhooks/vip-reseller answered %d (orders finished by polling)", status)
	}
	return strings.TrimSpace(body)
}

// ---------- the browser ----------

type browser struct {
	t         *testing.T
	ctx       context.Context
	artifacts string

	mu       sync.Mutex
	console  []string
	refusals []string // "<status> <path>": answers the journey provokes on purpose
}

// expectRefusal declares that the next request to path is answered with
// status on purpose (the server's validation): Chromium logs every 4xx
// resource as a console error, and this one is not a defect.
func (b *browser) expectRefusal(status int, path string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refusals = append(b.refusals, fmt.Sprintf("%d %s", status, path))
}

func chromiumPath() string {
	if p := os.Getenv("CHROME_PATH"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	if _, err := os.Stat(chromiumPath()); err != nil {
		t.Fatalf("Chromium not found at %s (install it, or set CHROME_PATH): %v", chromiumPath(), err)
	}
	profile, err := os.MkdirTemp("", "vipbase-e2e-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	artifacts, err := os.MkdirTemp("", "vipbase-e2e-artifacts-")
	if err != nil {
		t.Fatal(err)
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(390, 844),
	)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
		_ = os.RemoveAll(profile)
	})
	b := &browser{t: t, ctx: ctx, artifacts: artifacts}
	if err := chromedp.Do(ctx); err != nil { // starts the browser, with no timeout
		t.Fatalf("start Chromium: %v", err)
	}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				b.mu.Lock()
				if !b.expectedRefusal(m.String(), m.URL) {
					b.console = append(b.console, fmt.Sprintf("%s (%s:%d)", m, m.URL, m.Line+1))
				}
				b.mu.Unlock()
			}
		}
	}()
	return b
}

// expectedRefusal consumes the declared refusal a console message reports,
// if any (b.mu held).
func (b *browser) expectedRefusal(text, url string) bool {
	for i, r := range b.refusals {
		status, path, _ := strings.Cut(r, " ")
		if strings.Contains(text, "status of "+status+" ") && strings.Contains(url, path) {
			b.refusals = slices.Delete(b.refusals, i, i+1)
			return true
		}
	}
	return false
}

func (b *browser) consoleErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.console...)
}

// do runs the steps of one named stage; a failure saves a screenshot.
func (b *browser) do(name string, timeout time.Duration, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.fail(name, err)
	}
}

// run is do for one action with a value (methods cannot be generic).
func run[T any](b *browser, name string, timeout time.Duration, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.fail(name, err)
	}
	return v
}

func (b *browser) text(name string, sel chromedp.CSS) string {
	b.t.Helper()
	return strings.TrimSpace(run(b, name, 10*time.Second, chromedp.TextContent(sel)))
}

func (b *browser) textIs(name string, sel chromedp.CSS, want string) {
	b.t.Helper()
	if got := b.text(name, sel); got != want {
		b.fail(name, fmt.Errorf("%s shows %q, want %q", sel, got, want))
	}
}

func (b *browser) fail(name string, err error) {
	b.t.Helper()
	path := b.shot("failed-" + name)
	var console string
	if msgs := b.consoleErrors(); len(msgs) > 0 {
		console = "\nconsole errors:\n" + strings.Join(msgs, "\n")
	}
	b.t.Fatalf("%s: %v\nscreenshot: %s%s", name, err, path, console)
}

// shot saves a full-page PNG into the artifacts directory and returns its path.
func (b *browser) shot(name string) string {
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return "(no screenshot: " + err.Error() + ")"
	}
	path := filepath.Join(b.artifacts, regexp.MustCompile(`[^A-Za-z0-9._-]+`).ReplaceAllString(name, "-")+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		return "(no screenshot: " + err.Error() + ")"
	}
	return path
}

// ---------- helpers ----------

// openHomeOnPhone opens the store's home at phone size (390×844) and waits
// for its brand tiles.
func (b *browser) openHomeOnPhone(a *app) {
	b.t.Helper()
	b.do("open the store on a phone", 30*time.Second,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
		chromedp.Navigate(a.store+"/"),
		chromedp.WaitVisible(chromedp.CSS(`html[data-ready="true"] [data-testid="brand-tile"]`)),
	)
}

func tid(name string) chromedp.CSS { return chromedp.CSS(fmt.Sprintf(`[data-testid=%q]`, name)) }

func balanceIs(amount int64) chromedp.CSS {
	return chromedp.CSS(fmt.Sprintf(`[data-testid="balance"][data-amount="%d"]`, amount))
}

// rupiah formats like Intl.NumberFormat('id-ID'): Rp 12.500.
func rupiah(n int64) string {
	s := fmt.Sprint(n)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, '.')
		}
		out = append(out, s[i])
	}
	return "Rp " + string(out)
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
