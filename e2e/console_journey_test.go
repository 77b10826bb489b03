//go:build browser

package e2e

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// consoleWait bounds what the console shows live: a realtime event, and the
// queue and today's numbers it reloads after one (a fraction of a second).
const consoleWait = 15 * time.Second

// TestConsoleJourney is an operator on a phone at /console/: a mistyped
// password is refused in Indonesian, then the superuser logs in; a member's
// prepaid orders (placed over REST) appear in the live feed without a
// reload; an order the operator flags for review shows in "Perlu ditangani",
// where a recheck asks the provider (one request however often it is
// tapped) and "Gagalkan & refund" fails it and gives the member the money
// back; a guest's paid order that the provider fails owes a refund, which
// "Tandai sudah direfund" records; today's numbers count the orders;
// provider, crons and health show.
func TestConsoleJourney(t *testing.T) {
	started := time.Now()
	a := startApp(t)
	a.checkConsoleServed(t)
	b := newBrowser(t)
	tel := a.product(t, "TELKOMSEL_10K")

	// A member with money, shopping through the REST API.
	email := fmt.Sprintf("console%d@vipbase.test", time.Now().UnixNano())
	const password = "rahasia-123"
	a.mustCall(t, "POST", "/api/collections/users/records", map[string]any{"email": email, "password": password, "passwordConfirm": password}, nil)
	user := a.userByEmail(t, email)
	const deposit = 100000
	a.deposit(t, user, deposit, "Deposit uji konsol")
	member := a.login(t, email, password)

	b.do("open the console", 30*time.Second,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
		chromedp.Navigate(a.store+"/console"),
		chromedp.WaitVisible(chromedp.CSS(`html[data-ready="true"] [data-testid="console-email"]`)),
	)
	if loc := run(b, "location", 5*time.Second, chromedp.Evaluate[string](`location.pathname`)); loc != "/console/" {
		b.fail("console URL", fmt.Errorf("at %s, want /console/", loc))
	}

	// A wrong password: PocketBase's 400, shown in Indonesian.
	b.expectRefusal(400, "/api/collections/_superusers/auth-with-password")
	b.do("wrong password", 15*time.Second,
		chromedp.SendKeys(tid("console-email"), suEmail),
		chromedp.SendKeys(tid("console-password"), "salah-sandi"),
		chromedp.Click(tid("console-login")),
		chromedp.WaitVisible(tid("console-login-error")),
	)
	b.textIs("login error", tid("console-login-error"), "Email atau kata sandi salah, atau akun ini bukan superuser.")
	b.shot("console-login-error-phone")

	b.typeInto("console-password", suPassword)
	b.do("log in", 20*time.Second,
		chromedp.Click(tid("console-login")),
		chromedp.WaitVisible(tid("console-main")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="console-feed"][data-loaded="true"][data-live="on"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="console-today"][data-loaded="true"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="console-queue"][data-loaded="true"]`)),
		chromedp.Evaluate[chromedp.Void](`window.__e2eNoReload = true`),
	)
	b.textIs("who", tid("console-who"), "Masuk sebagai "+suEmail)
	stores := run(b, "auth storage", 5*time.Second, chromedp.Evaluate[[]bool](
		`[!!localStorage.getItem('vipbase_console_auth'), !!localStorage.getItem('pocketbase_auth')]`))
	if !stores[0] || stores[1] {
		b.fail("own auth storage", fmt.Errorf("vipbase_console_auth set %v, the storefront's pocketbase_auth set %v", stores[0], stores[1]))
	}
	ordersBefore := b.consoleStat("today-orders")

	// An order placed now shows in the feed live, then its success.
	okNumber := a.consolePrepaid(t, member, "081234567890")
	b.do("the order appears live", consoleWait, chromedp.WaitVisible(chromedp.CSS(
		fmt.Sprintf(`[data-testid="feed-item"][data-number=%q][data-live="true"]`, okNumber))))
	b.textIs("feed product", chromedp.CSS(fmt.Sprintf(`[data-testid="feed-item"][data-number=%q] [data-testid="feed-product"]`, okNumber)), a.consoleOrder(t, okNumber).ServiceName)
	b.textIs("feed price", chromedp.CSS(fmt.Sprintf(`[data-testid="feed-item"][data-number=%q] [data-testid="feed-price"]`, okNumber)), rupiah(tel.Price))
	b.do("its success arrives live", finalWait, chromedp.WaitVisible(chromedp.CSS(
		fmt.Sprintf(`[data-testid="feed-item"][data-number=%q][data-status="success"]`, okNumber))))
	b.textIs("feed badge", chromedp.CSS(fmt.Sprintf(`[data-testid="feed-item"][data-number=%q] [data-testid="status-badge"]`, okNumber)), "Berhasil")

	// An order that stays processing (target ending in 777), flagged by the
	// operator as needing a person.
	stuck := a.consolePrepaid(t, member, "081234567777")
	b.do("the stuck order appears live", consoleWait, chromedp.WaitVisible(chromedp.CSS(
		fmt.Sprintf(`[data-testid="feed-item"][data-number=%q][data-status="processing"]`, stuck))))
	stuckID := a.consoleOrder(t, stuck).ID
	const reason = "Uji konsol: pembeli bilang pulsa belum masuk."
	a.mustCall(t, "PATCH", "/api/collections/orders/records/"+stuckID, map[string]any{"review": reason}, nil)
	item := fmt.Sprintf(`[data-testid="queue-item"][data-number=%q]`, stuck)
	b.do("it needs a person", consoleWait, chromedp.WaitVisible(chromedp.CSS(item)))
	b.textIs("review reason", chromedp.CSS(item+` [data-testid="queue-reason"]`), reason)
	href := run(b, "dashboard link", 5*time.Second, chromedp.Evaluate[string](
		fmt.Sprintf(`document.querySelector('%s [data-testid="queue-link"]').getAttribute('href')`, item)))
	if want := "/_/#/collections?collection=orders&recordId=" + stuckID; href != want {
		b.fail("dashboard link", fmt.Errorf("%q, want %q", href, want))
	}
	for _, absent := range []string{"queue-process", "queue-refunded"} {
		if n := run(b, "no "+absent, 5*time.Second, chromedp.Evaluate[int](
			fmt.Sprintf(`document.querySelectorAll('%s [data-testid=%q]').length`, item, absent))); n != 0 {
			b.fail("actions that apply", fmt.Errorf("%s offered for a processing order with a trxid", absent))
		}
	}

	// Recheck, tapped twice at once: one request, its answer shown.
	recheckPosts := `performance.getEntriesByType('resource').filter(e => e.name.endsWith('/api/admin/orders/recheck')).length`
	b.do("recheck", consoleWait,
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
		  const btn = document.querySelector('%s [data-testid="queue-recheck"]');
		  btn.click(); btn.click();
		})()`, item)),
		chromedp.WaitVisible(chromedp.CSS(item+` [data-testid="queue-result"][data-ok="true"]`)),
	)
	b.textIs("recheck answer", chromedp.CSS(item+` [data-testid="queue-result"]`), "Dicek ulang: status Diproses")
	if n := run(b, "recheck requests", 5*time.Second, chromedp.Evaluate[int](recheckPosts)); n != 1 {
		b.fail("one recheck per tap burst", fmt.Errorf("%d requests", n))
	}
	b.shot("console-queue-phone")

	// "Gagalkan & refund" (confirmed): failed, refunded to the wallet, live.
	b.do("fail and refund", consoleWait,
		chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`),
		chromedp.Click(chromedp.CSS(item+` [data-testid="queue-fail"]`)),
		chromedp.WaitVisible(chromedp.CSS(item+`[data-status="failed"] [data-testid="queue-result"][data-ok="true"]`)),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`[data-testid="feed-item"][data-number=%q][data-status="failed"]`, stuck))),
	)
	b.textIs("fail answer", chromedp.CSS(item+` [data-testid="queue-result"]`), "Digagalkan; dana "+rupiah(tel.Price)+" dikembalikan ke saldo.")
	if n := run(b, "no more fail button", 5*time.Second, chromedp.Evaluate[int](
		fmt.Sprintf(`document.querySelectorAll('%s [data-testid="queue-fail"]').length`, item))); n != 0 {
		b.fail("actions that apply", fmt.Errorf("queue-fail still offered for a failed order"))
	}
	if o := a.orderByNumber(t, stuck); o.Status != "failed" || o.Refunded != tel.Price {
		t.Errorf("REST: failed order %+v, want failed and refunded %d", o, tel.Price)
	}
	if bal := a.balance(t, user); bal != deposit-tel.Price {
		t.Errorf("REST: balance %d, want %d (one order paid, one refunded)", bal, deposit-tel.Price)
	}

	// The failed order's review is handled: "Tandai selesai" with a note
	// clears it (the item leaves the queue) and keeps it in the history.
	b.do("resolve the review", consoleWait,
		chromedp.Evaluate[chromedp.Void](`window.prompt = () => 'sudah dihubungi'`),
		chromedp.Click(chromedp.CSS(item+` [data-testid="queue-resolve"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(item)),
	)
	if o := a.consoleOrder(t, stuck); o.Review != "" {
		t.Errorf("REST: review %q left after Tandai selesai", o.Review)
	}

	// A guest pays by QRIS and the provider fails the order (target ending
	// in 999): no wallet to refund, so the payment owes the money. The
	// operator returns it and records that here ("Tandai sudah direfund").
	guestOrder, guestPay := a.consoleGuestPaid(t, "081234567999", "081298765432")
	gItem := fmt.Sprintf(`[data-testid="queue-item"][data-number=%q]`, guestOrder)
	b.do("the refund due needs a person", finalWait,
		chromedp.WaitVisible(chromedp.CSS(gItem+`[data-status="failed"] [data-testid="queue-refunded"]`)))
	if n := run(b, "one item per refund due", 5*time.Second, chromedp.Evaluate[int](
		fmt.Sprintf(`document.querySelectorAll('[data-testid="queue-item"][data-number=%q]').length`, guestPay))); n != 0 {
		b.fail("one item per refund due", fmt.Errorf("the payment %s is listed besides its order", guestPay))
	}
	b.shot("console-refund-due-phone")
	b.do("record the refund", consoleWait,
		chromedp.Evaluate[chromedp.Void](`window.prompt = () => 'BCA 1234567890'`),
		chromedp.Click(chromedp.CSS(gItem+` [data-testid="queue-refunded"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(gItem)),
	)
	if p := a.payment(t, guestPay); p.Status != "refunded" {
		t.Errorf("REST: payment %+v after the refund was recorded, want refunded", p)
	}

	// Today's numbers count the three orders (reloaded after the realtime events).
	b.do("today counts the orders", consoleWait, chromedp.Poll[chromedp.Void](
		fmt.Sprintf(`Number(document.querySelector('[data-testid="today-orders"]').dataset.value) >= %d`, ordersBefore+3),
		chromedp.WithPollingTimeout(consoleWait)))
	if rev := b.consoleStat("today-revenue"); rev < tel.Price {
		b.fail("today's revenue", fmt.Errorf("%d, want at least the success order's %d", rev, tel.Price))
	}
	b.do("today counts the success and the failures", consoleWait,
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="today-success-failed"][data-value="1/2"]`)))
	b.textIs("success/failed", tid("today-success-failed"), "1 / 2")

	// Provider, syncs and crons; the balance read on request.
	b.do("provider balance", 30*time.Second,
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="console-provider"][data-loaded="true"] [data-testid="sync-row"][data-action="full-sync"][data-status="success"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="cron-row"][data-id="vip_orders_poll"]`)),
		chromedp.Click(tid("provider-sync-balance")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="provider-result"].ok`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="sync-row"][data-action="sync-balance"][data-status="success"]`)),
	)
	if bal := b.text("provider balance", tid("provider-balance")); !strings.HasPrefix(bal, "Rp ") {
		b.fail("provider balance", fmt.Errorf("shows %q", bal))
	}

	// Health: the callbacks of the two orders, after "Muat ulang".
	b.do("health", consoleWait,
		chromedp.Click(tid("console-refresh")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="console-health"][data-loaded="true"] [data-testid="health-webhook-chip"]`)),
	)
	if n := b.text("failing notifications", tid("health-notify-count")); n != "0" {
		t.Logf("failing notifications: %s", n)
	}
	b.shot("console-phone")

	b.do("desktop", 15*time.Second,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Sleep(300*time.Millisecond),
	)
	b.shot("console-desktop")

	// Log out: the console's session ends, the storefront's key untouched.
	b.do("log out", 10*time.Second,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
		chromedp.Click(tid("console-logout")),
		chromedp.WaitVisible(tid("console-login")),
	)
	if kept := run(b, "auth cleared", 5*time.Second, chromedp.Evaluate[bool](`!!localStorage.getItem('vipbase_console_auth')`)); kept {
		b.fail("log out", fmt.Errorf("vipbase_console_auth still stored"))
	}
	if msgs := b.consoleErrors(); len(msgs) > 0 {
		b.fail("browser console", fmt.Errorf("errors:\n%s", strings.Join(msgs, "\n")))
	}
	if noReload := run(b, "no reload", 5*time.Second, chromedp.Evaluate[bool](`window.__e2eNoReload === true`)); !noReload {
		b.fail("single page", fmt.Errorf("the console reloaded during the journey"))
	}
	t.Logf("screenshots: %s", b.artifacts)
	t.Logf("console journey took %s", time.Since(started).Round(time.Millisecond))
}

// checkConsoleServed makes sure the binary serves pb_public/console at
// /console/ (and redirects /console there), not the storefront's fallback.
func (a *app) checkConsoleServed(t *testing.T) {
	t.Helper()
	resp, err := http.Get(a.url + "/console")
	if err != nil {
		t.Fatalf("GET /console: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Request.URL.Path != "/console/" || !strings.Contains(string(body), `data-testid="console-login-form"`) {
		t.Fatalf("GET /console: %d at %s, console page %v", resp.StatusCode, resp.Request.URL.Path, strings.Contains(string(body), "console-login-form"))
	}
}

// consolePrepaid buys Telkomsel 10.000 for target as the member and returns
// the order number.
func (a *app) consolePrepaid(t *testing.T, token, target string) string {
	t.Helper()
	var res struct {
		Data struct {
			OrderNumber string `json:"orderNumber"`
		} `json:"data"`
	}
	if status, body := a.call("POST", "/api/orders/prepaid", token,
		map[string]string{"service": "TELKOMSEL_10K", "phoneNumber": target}, &res); status != 200 || res.Data.OrderNumber == "" {
		t.Fatalf("POST /api/orders/prepaid %s: %d %s", target, status, body)
	}
	return res.Data.OrderNumber
}

// consoleGuestPaid checks out Telkomsel 10.000 for target as a guest by
// QRIS and pays it on the Tripay simulator (its control API, as the pay
// page's Bayar button does); it returns the order and payment numbers.
func (a *app) consoleGuestPaid(t *testing.T, target, phone string) (string, string) {
	t.Helper()
	var res struct {
		Data checkoutView `json:"data"`
	}
	body := map[string]any{"category": "prepaid", "service": "TELKOMSEL_10K", "target": target, "channel": "QRIS", "phone": phone}
	if status, raw := a.call("POST", "/api/checkout", "", body, &res); status != 201 && status != 200 {
		t.Fatalf("POST /api/checkout: %d %s", status, raw)
	}
	base, ref, ok := strings.Cut(res.Data.Payment.CheckoutURL, "sandbox/pay/")
	if !ok || ref == "" {
		t.Fatalf("checkout URL %q is not the Tripay simulator's pay page", res.Data.Payment.CheckoutURL)
	}
	resp, err := http.PostForm(base+"sandbox/control", url.Values{"action": {"pay"}, "reference": {ref}})
	if err != nil {
		t.Fatalf("pay %s on the simulator: %v", ref, err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("pay %s on the simulator: %d %s", ref, resp.StatusCode, raw)
	}
	return res.Data.Order.OrderNumber, res.Data.Payment.Number
}

// consoleOrder is the order's id and product name, by number.
func (a *app) consoleOrder(t *testing.T, number string) consoleOrderRow {
	t.Helper()
	var list struct {
		Items []consoleOrderRow `json:"items"`
	}
	a.mustCall(t, "GET", "/api/collections/orders/records?filter="+url.QueryEscape(fmt.Sprintf("number=%q", number)), nil, &list)
	if len(list.Items) != 1 {
		t.Fatalf("order %s: %+v", number, list.Items)
	}
	return list.Items[0]
}

type consoleOrderRow struct {
	ID          string `json:"id"`
	ServiceName string `json:"service_name"`
	Review      string `json:"review"`
}

// consoleStat is the number behind one of the console's figures.
func (b *browser) consoleStat(name string) int64 {
	b.t.Helper()
	v := run(b, name, 5*time.Second, chromedp.Evaluate[string](
		fmt.Sprintf(`document.querySelector('[data-testid=%q]').dataset.value || '0'`, name)))
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		b.fail(name, fmt.Errorf("data-value %q", v))
	}
	return n
}
