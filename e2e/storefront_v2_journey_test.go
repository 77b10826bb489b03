//go:build browser

package e2e

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// topupRecorderJS wraps fetch: it remembers the Idempotency-Key of every
// POST /api/wallet/topup, and while window.__e2eLoseTopup > 0 it lets a
// request reach the server but throws its answer away (a phone losing the
// connection after sending), so the page sees a network error.
const topupRecorderJS = `(() => {
  window.__e2eTopupKeys = [];
  window.__e2eLoseTopup = 0;
  const real = window.fetch;
  window.fetch = async function (input, init) {
    const u = typeof input === 'string' ? input : input.url;
    if (!/\/api\/wallet\/topup$/.test(u)) return real.apply(this, arguments);
    const hdrs = new Headers((init && init.headers) || {});
    window.__e2eTopupKeys.push(hdrs.get('Idempotency-Key') || '');
    const res = await real.apply(this, arguments);
    if (window.__e2eLoseTopup > 0) { window.__e2eLoseTopup--; throw new TypeError('Failed to fetch'); }
    return res;
  };
})()`

// TestTopupIdempotencyJourney is a member topping up the wallet on a phone
// whose connection drops: the first "Isi saldo" reaches the server but its
// answer is lost; the shopper double-taps again, and the same
// Idempotency-Key brings back the invoice the server already opened (one
// payments row). The server answers a replay of that key with the same
// payment; a later top-up of the same amount is a new key and a new invoice.
func TestTopupIdempotencyJourney(t *testing.T) {
	a := startApp(t)
	b := newBrowser(t)
	email := fmt.Sprintf("topup%d@vipbase.test", time.Now().UnixNano())
	const password = "rahasia-123"
	a.mustCall(t, "POST", "/api/collections/users/records", map[string]any{"email": email, "password": password, "passwordConfirm": password}, nil)
	user := a.userByEmail(t, email)

	b.do("log in", 30*time.Second,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
		chromedp.Navigate(a.store+"/masuk"),
		chromedp.WaitVisible(chromedp.CSS(`html[data-ready="true"] [data-testid="auth-email"]`)),
		chromedp.SendKeys(tid("auth-email"), email),
		chromedp.SendKeys(tid("auth-password"), password),
		chromedp.Click(tid("auth-submit")),
		chromedp.WaitVisible(balanceIs(0)),
		chromedp.Evaluate[chromedp.Void](topupRecorderJS),
	)
	b.do("choose 50.000 by QRIS", 20*time.Second,
		chromedp.Click(tid("nav-wallet")),
		chromedp.WaitVisible(tid("topup-form")),
		chromedp.Click(chromedp.CSS(`[data-testid="topup-chips"] button[data-amount="50000"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="topup-channel"][data-code="QRIS"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="topup-channel"][data-code="QRIS"]`)),
	)

	// The answer of the first press is lost: the page says so and stays.
	b.do("Isi saldo, answer lost", 20*time.Second,
		chromedp.Evaluate[chromedp.Void](`window.__e2eLoseTopup = 1`),
		chromedp.Click(tid("topup-submit")),
		chromedp.Poll[chromedp.Void](`document.querySelector('[data-testid="topup-error"]').textContent.includes('Tidak dapat terhubung')`,
			chromedp.WithPollingTimeout(15*time.Second)),
	)
	b.shot("topup-lost-answer-phone")
	if n := len(a.deposits(t, user)); n != 1 {
		b.fail("the lost request opened an invoice", fmt.Errorf("%d payments rows, want 1", n))
	}

	// The shopper double-taps "Isi saldo": one invoice, the one already opened.
	number := b.doubleTapToInvoice("topup-submit", "Isi saldo")
	b.shot("topup-one-invoice-phone")
	keys := run(b, "keys sent", 5*time.Second, chromedp.Evaluate[[]string](`window.__e2eTopupKeys`))
	if len(keys) < 2 || keys[0] == "" || strings.Count(strings.Join(keys, " "), keys[0]) != len(keys) {
		b.fail("one key per intended top-up", fmt.Errorf("keys sent %q, want one non-empty key, sent at least twice", keys))
	}
	rows := a.deposits(t, user)
	if len(rows) != 1 || rows[0].Number != number || rows[0].Key != keys[0] {
		b.fail("one invoice", fmt.Errorf("payments rows %+v, want one: %s with key %s", rows, number, keys[0]))
	}

	// The server answers a replay of the key with the same payment.
	token := a.login(t, email, password)
	var replay struct {
		Data struct {
			Payment struct {
				Number string `json:"number"`
			} `json:"payment"`
		} `json:"data"`
	}
	if status, body := a.callWith("POST", "/api/wallet/topup", token, map[string]string{"Idempotency-Key": keys[0]},
		map[string]any{"amount": 50000, "channel": "QRIS"}, &replay); status != 200 || replay.Data.Payment.Number != number {
		t.Errorf("REST replay: %d %s, want 200 with payment %s", status, body, number)
	}

	// After it went through, the next top-up is a new one.
	b.do("top up again", 30*time.Second,
		chromedp.Click(tid("nav-wallet")),
		chromedp.WaitVisible(tid("topup-form")),
		chromedp.Click(chromedp.CSS(`[data-testid="topup-chips"] button[data-amount="50000"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="topup-channel"][data-code="QRIS"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="topup-channel"][data-code="QRIS"]`)),
		chromedp.Click(tid("topup-submit")),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`[data-testid="invoice"][data-state="unpaid"]:not([data-number=%q]) [data-testid="invoice-total"]`, number))),
	)
	keys = run(b, "keys sent", 5*time.Second, chromedp.Evaluate[[]string](`window.__e2eTopupKeys`))
	if last := keys[len(keys)-1]; last == keys[0] || last == "" {
		b.fail("a new key after success", fmt.Errorf("keys sent %q", keys))
	}
	if n := len(a.deposits(t, user)); n != 2 {
		b.fail("a second top-up", fmt.Errorf("%d payments rows, want 2", n))
	}
	if msgs := b.consoleErrors(); len(msgs) > 0 {
		b.fail("browser console", fmt.Errorf("errors:\n%s", strings.Join(msgs, "\n")))
	}
	t.Logf("screenshots: %s", b.artifacts)
}

type depositRow struct {
	Number string `json:"number"`
	Key    string `json:"idempotency_key"`
	Status string `json:"status"`
}

// deposits are the member's top-up payments rows, oldest first.
func (a *app) deposits(t *testing.T, user string) []depositRow {
	t.Helper()
	var list struct {
		Items []depositRow `json:"items"`
	}
	a.mustCall(t, "GET", "/api/collections/payments/records?perPage=100&sort=created&filter="+
		url.QueryEscape(fmt.Sprintf(`user=%q && purpose="deposit"`, user)), nil, &list)
	return list.Items
}

// login is a member's auth token.
func (a *app) login(t *testing.T, email, password string) string {
	t.Helper()
	var auth struct {
		Token string `json:"token"`
	}
	if status, body := a.call("POST", "/api/collections/users/auth-with-password", "",
		map[string]string{"identity": email, "password": password}, &auth); status != 200 {
		t.Fatalf("login %s: %d %s", email, status, body)
	}
	return auth.Token
}

// inboxMessage is one message of the sandbox inbox's JSON feed.
type inboxMessage struct {
	Channel string `json:"channel"`
	To      string `json:"to"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// emailsTo are the sandbox inbox's e-mails to an address, newest first.
func (a *app) emailsTo(t *testing.T, to string) []inboxMessage {
	t.Helper()
	var all []inboxMessage
	if status, body := a.call("GET", "/_sandbox/inbox/messages.json", "", nil, &all); status != 200 {
		t.Fatalf("inbox feed: %d %s", status, body)
	}
	var out []inboxMessage
	for _, m := range all {
		if m.Channel == "email" && strings.EqualFold(m.To, to) {
			out = append(out, m)
		}
	}
	return out
}

// TestForgotPasswordJourney is the demo shopper who forgot the password, on
// a phone: "Lupa kata sandi?" under the login form asks for the e-mail and
// says the same whether the address has an account or not; the sandbox
// inbox gets the reset mail (for the account only), whose link is
// PocketBase's dashboard page (hooks/notify_mail.go); the token of that mail
// sets a new password, and the shopper logs in with it.
func TestForgotPasswordJourney(t *testing.T) {
	a := startApp(t)
	b := newBrowser(t)
	const stranger = "bukan-pelanggan@vipbase.test"

	b.do("open the login form", 30*time.Second,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
		chromedp.Navigate(a.store+"/masuk"),
		chromedp.WaitVisible(chromedp.CSS(`html[data-ready="true"] [data-testid="auth-email"]`)),
		chromedp.SendKeys(tid("auth-email"), demoEmail),
	)
	b.textIs("forgot link", tid("auth-forgot-link"), "Lupa kata sandi?")
	b.shot("login-forgot-link-phone")
	b.do("Lupa kata sandi?", 10*time.Second,
		chromedp.Click(tid("auth-forgot-link")),
		chromedp.WaitVisible(tid("forgot-form")),
	)
	if got := b.value("forgot-email"); got != demoEmail {
		b.fail("the typed e-mail comes along", fmt.Errorf("forgot-email holds %q", got))
	}
	b.do("send the reset link", 15*time.Second,
		chromedp.Click(tid("forgot-submit")),
		chromedp.WaitVisible(tid("forgot-result")),
	)
	b.textIs("answer", tid("forgot-result"), "Jika e-mail terdaftar, tautan reset sudah dikirim.")
	b.shot("forgot-sent-phone")

	// An address without an account reads the same.
	b.do("an unknown address", 15*time.Second,
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid="forgot-email"]').value = ''`),
		chromedp.SendKeys(tid("forgot-email"), stranger),
		chromedp.Click(tid("forgot-submit")),
		chromedp.WaitVisible(tid("forgot-result")),
	)
	b.textIs("same answer", tid("forgot-result"), "Jika e-mail terdaftar, tautan reset sudah dikirim.")

	// The inbox: one reset mail for the demo shopper, none for the stranger.
	var mail inboxMessage
	deadline := time.Now().Add(inboxWait)
	for {
		if m := a.emailsTo(t, demoEmail); len(m) > 0 {
			mail = m[0]
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no reset mail for %s in the sandbox inbox", demoEmail)
		}
		time.Sleep(300 * time.Millisecond)
	}
	if !strings.Contains(mail.Subject, "Atur ulang kata sandi") {
		t.Errorf("reset mail subject %q", mail.Subject)
	}
	link := regexp.MustCompile(`https?://\S+/reset-sandi/(\S+)`).FindStringSubmatch(mail.Body)
	if link == nil {
		t.Fatalf("reset mail without the store's reset link:\n%s", mail.Body)
	}
	if m := a.emailsTo(t, stranger); len(m) != 0 {
		t.Errorf("mails to an address without an account: %+v", m)
	}
	b.expectRefusal(404, "/favicon.ico")
	b.do("the inbox shows the mail", 20*time.Second,
		chromedp.Navigate(a.store+"/_sandbox/inbox"),
		chromedp.WaitVisible(tid("inbox-thread")),
	)
	b.shot("forgot-inbox-phone")

	// The mail's link opens the store's page: two different passwords are
	// refused there, the same one twice is saved and leads to the login.
	const fresh = "sandi-baru-123"
	b.do("open the reset link", 30*time.Second,
		chromedp.Navigate(link[0]),
		chromedp.WaitVisible(chromedp.CSS(`html[data-ready="true"] [data-testid="reset-password"]`)),
		chromedp.SendKeys(tid("reset-password"), fresh),
		chromedp.SendKeys(tid("reset-confirm"), fresh+"x"),
		chromedp.Click(tid("reset-submit")),
		chromedp.WaitVisible(tid("error-reset-confirm")),
	)
	b.textIs("passwords differ", tid("error-reset-confirm"), "Kata sandi tidak sama.")
	b.shot("reset-page-phone")
	b.typeInto("reset-confirm", fresh)
	b.do("save the new password", 20*time.Second,
		chromedp.Click(tid("reset-submit")),
		chromedp.WaitVisible(tid("auth-email")),
	)
	b.textIs("back to the login", tid("notice"), "Kata sandi sudah diganti. Silakan masuk dengan kata sandi baru.")
	// The link works once.
	b.expectRefusal(400, "/api/collections/users/confirm-password-reset")
	b.do("the link again", 30*time.Second,
		chromedp.Navigate(link[0]),
		chromedp.WaitVisible(chromedp.CSS(`html[data-ready="true"] [data-testid="reset-password"]`)),
		chromedp.SendKeys(tid("reset-password"), "sandi-lain-456"),
		chromedp.SendKeys(tid("reset-confirm"), "sandi-lain-456"),
		chromedp.Click(tid("reset-submit")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="reset-error"]:not(:empty)`)),
	)
	b.textIs("a used link", tid("reset-error"), "Tautan ini tidak berlaku lagi (sudah dipakai atau kedaluwarsa). Minta tautan baru.")
	b.do("log in with the new password", 30*time.Second,
		chromedp.Navigate(a.store+"/masuk"),
		chromedp.WaitVisible(chromedp.CSS(`html[data-ready="true"] [data-testid="auth-email"]`)),
		chromedp.SendKeys(tid("auth-email"), demoEmail),
		chromedp.SendKeys(tid("auth-password"), fresh),
		chromedp.Click(tid("auth-submit")),
		chromedp.WaitVisible(balanceIs(demoDeposit)),
	)
	if msgs := b.consoleErrors(); len(msgs) > 0 {
		b.fail("browser console", fmt.Errorf("errors:\n%s", strings.Join(msgs, "\n")))
	}
	t.Logf("screenshots: %s", b.artifacts)
}

// targetField is what the order form's target field shows.
type targetField struct {
	Kind      string `json:"kind"`
	Label     string `json:"label"`
	Hint      string `json:"hint"`
	Inputmode string `json:"inputmode"`
	Zone      bool   `json:"zone"`
}

const targetFieldJS = `(() => {
  const f = document.querySelector('[data-testid="account-fields"] [data-field="target"]');
  return {kind: f.dataset.kind, label: f.querySelector('label').textContent.trim(), hint: f.querySelector('.hint').textContent.trim(),
    inputmode: document.querySelector('[data-testid="input-target"]').getAttribute('inputmode'),
    zone: !document.querySelector('[data-testid="account-fields"] [data-field="zone"]').hidden};
})()`

// openTile taps a brand's tile on the home and its first product (or the
// product code given), and returns what the target field asks for.
func (b *browser) openTile(group, brand, code string) targetField {
	b.t.Helper()
	sel := `[data-testid="products"] [data-testid="product"]`
	if code != "" {
		sel = fmt.Sprintf(`[data-testid="products"] [data-testid="product"][data-code=%q]`, code)
	}
	b.do("tap "+brand, 20*time.Second,
		chromedp.Click(tid("nav-store")),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-testid="brand-group"][data-group=%q] [data-testid="brand-tile"][data-brand=%q]`, group, brand))),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`[data-testid="brand-head"][data-brand=%q]`, brand))),
		chromedp.Click(chromedp.CSS(sel)),
		chromedp.WaitVisible(tid("order-form")),
		chromedp.WaitVisible(tid("input-target")),
	)
	return run(b, "target field of "+brand, 5*time.Second, chromedp.Evaluate[targetField](targetFieldJS))
}

// TestBrandTargetFieldsJourney is a shopper on a phone opening one brand of
// each kind: the target field asks what the brand's category needs —
// streaming and apps the account's number (never "User ID"), a voucher the
// WhatsApp number, a game its User ID with the zone only where the product
// needs one, PLN the meter number, e-money the registered number.
func TestBrandTargetFieldsJourney(t *testing.T) {
	a := startApp(t)
	b := newBrowser(t)
	b.openHomeOnPhone(a)
	for _, c := range []struct {
		group, brand, code string
		want               targetField
		shot               string
	}{
		{"streaming", "Spotify Premium", "", targetField{Kind: "streaming", Label: "No. HP akun", Inputmode: "tel"}, "field-streaming-phone"},
		{"streaming", "Netflix Premium", "", targetField{Kind: "streaming", Label: "No. HP akun", Inputmode: "tel"}, ""},
		{"voucher", "GOOGLE PLAY", "", targetField{Kind: "voucher", Label: "No. WhatsApp", Inputmode: "tel"}, "field-voucher-phone"},
		{"game", "Mobile Legends A", "", targetField{Kind: "game", Label: "User ID", Inputmode: "text", Zone: true}, "field-game-zone-phone"},
		{"game", "Free Fire", "", targetField{Kind: "game", Label: "User ID", Inputmode: "text"}, ""},
		{"game", "Genshin Impact", "", targetField{Kind: "game", Label: "User ID", Inputmode: "text", Zone: true}, ""},
		{"pln", "PLN", "", targetField{Kind: "pln", Label: "Nomor meter / ID pelanggan", Inputmode: "numeric"}, ""},
		{"emoney", "DANA", "", targetField{Kind: "emoney", Label: "Nomor HP terdaftar", Inputmode: "tel"}, ""},
		{"pulsa", "TELKOMSEL", "TELKOMSEL_10K", targetField{Kind: "pulsa", Label: "Nomor HP", Inputmode: "tel"}, ""},
	} {
		got := b.openTile(c.group, c.brand, c.code)
		hint := got.Hint
		got.Hint = ""
		if got != c.want {
			b.fail("target field of "+c.brand, fmt.Errorf("%+v (hint %q), want %+v", got, hint, c.want))
		}
		if c.want.Kind != "game" && strings.Contains(got.Label+hint, "User ID") {
			b.fail("no User ID for "+c.brand, fmt.Errorf("label %q hint %q", got.Label, hint))
		}
		if c.shot != "" {
			b.do("show the form", 5*time.Second, chromedp.Evaluate[chromedp.Void](
				`document.querySelector('[data-testid="order-form"]').scrollIntoView({block: 'start'})`))
			b.shot(c.shot)
		}
	}

	// Genshin Impact's servers are known (brands.zones): a list, not a box,
	// and the server's name in the confirmation.
	b.openTile("game", "Genshin Impact", "")
	servers := run(b, "server list", 5*time.Second, chromedp.Evaluate[[]string](`(() => {
	  const s = document.querySelector('[data-testid="select-zone"]');
	  return s.hidden || !document.querySelector('[data-testid="input-zone"]').hidden ? [] : Array.from(s.options, (o) => o.value + '=' + o.textContent);
	})()`))
	if got := strings.Join(servers, "|"); got != "=Pilih server|os_asia=Asia|os_usa=America|os_euro=Europe|os_cht=TW, HK, MO" {
		b.fail("Genshin's servers", fmt.Errorf("list %q", got))
	}
	b.do("pick Asia", 10*time.Second,
		chromedp.SendKeys(tid("input-target"), "812345678"),
		chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector('[data-testid="select-zone"]'); s.value = 'os_asia'; s.dispatchEvent(new Event('change', {bubbles: true})); })()`),
		chromedp.Click(chromedp.CSS(`[data-testid="channel"][data-code="QRIS"]`)),
		chromedp.SendKeys(tid("input-phone"), "081299990000"),
	)
	if got := b.value("input-zone"); got != "os_asia" {
		b.fail("the list writes the zone", fmt.Errorf("input-zone %q", got))
	}
	b.do("the sheet names the server", 20*time.Second,
		chromedp.Click(tid("pay")),
		chromedp.WaitVisible(chromedp.CSS(`dialog[open][data-testid="confirm-sheet"] .confirm-id.ok`)),
	)
	if line := b.text("sheet account", tid("confirm-account")); !strings.HasSuffix(line, " (812345678/Asia)") {
		b.fail("the server by name", fmt.Errorf("%q", line))
	}
	b.do("close the sheet", 5*time.Second, chromedp.Click(tid("confirm-back")), chromedp.WaitNotVisible(tid("confirm-sheet")))
	if msgs := b.consoleErrors(); len(msgs) > 0 {
		b.fail("browser console", fmt.Errorf("errors:\n%s", strings.Join(msgs, "\n")))
	}
	t.Logf("screenshots: %s", b.artifacts)
}

// kindTabsJS are the operator page's tabs: kind, label, selected.
const kindTabsJS = `(() => {
  const box = document.querySelector('[data-testid="kind-tabs"]');
  return box.hidden ? [] : Array.from(box.querySelectorAll('[data-testid="kind-tab"]'), (b) => b.dataset.kind + ':' + b.textContent.trim() + ':' + b.getAttribute('aria-selected'));
})()`

const shownCodesJS = `Array.from(document.querySelectorAll('[data-testid="products"] [data-testid="product"]'), (p) => p.dataset.code)`

// TestPulsaDataJourney is a shopper buying pulsa or a data plan on a phone.
// The operator sells data under a second provider brand too (TELKOMSEL
// DATA, whose brands row says "data"): the home still shows Telkomsel once,
// under "Pulsa & Data", with no "Paket Data" group; its page splits the
// products into "Pulsa" and "Paket Data" tabs, the second brand's data plan
// among them. Then the number box: 0817…, +62896… and 62852… pick XL, Tri
// and Telkomsel and show their products; 0800… is not an operator's; the
// number goes into the order form of the product chosen.
func TestPulsaDataJourney(t *testing.T) {
	a := startApp(t)
	b := newBrowser(t)
	a.mustCall(t, "POST", "/api/collections/brands/records", map[string]any{
		"category": "data", "name": "TELKOMSEL DATA", "provider_category": "prepaid", "display_name": "Telkomsel Data", "active": true}, nil)
	a.mustCall(t, "POST", "/api/collections/products/records", map[string]any{
		"category": "prepaid", "code": "TSELDATA1", "name": "Telkomsel Data 1 GB / 7 Hari", "brand": "TELKOMSEL DATA",
		"type": "paket-internet", "price": 9000, "active": true}, nil)

	b.openHomeOnPhone(a)
	groups := run(b, "read the tiles", 5*time.Second, chromedp.Evaluate[[]tileGroup](tileGroupsJS))
	telkomsel := 0
	for _, g := range groups {
		if g.Group == "data" || g.Title == "Paket Data" {
			b.fail("no Paket Data group", fmt.Errorf("group %+v", g))
		}
		for _, tile := range g.Tiles {
			if strings.HasPrefix(strings.ToLower(tile.Name), "telkomsel") && g.Group == "pulsa" {
				telkomsel++
			}
		}
		if g.Group == "pulsa" && g.Title != "Pulsa & Data" {
			b.fail("pulsa group title", fmt.Errorf("%q", g.Title))
		}
	}
	if telkomsel != 1 {
		b.fail("one Telkomsel tile", fmt.Errorf("%d Telkomsel tiles in %+v", telkomsel, groups))
	}

	// Telkomsel's page: Pulsa and Paket Data tabs.
	b.do("tap Telkomsel", 20*time.Second,
		chromedp.Click(chromedp.CSS(`[data-testid="brand-group"][data-group="pulsa"] [data-testid="brand-tile"][data-brand="TELKOMSEL"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="brand-head"][data-brand="TELKOMSEL"]`)),
		chromedp.WaitVisible(tid("kind-tabs")),
	)
	if tabs := run(b, "tabs", 5*time.Second, chromedp.Evaluate[[]string](kindTabsJS)); strings.Join(tabs, " ") != "pulsa:Pulsa:true data:Paket Data:false" {
		b.fail("Pulsa and Paket Data tabs", fmt.Errorf("tabs %q", tabs))
	}
	chips := run(b, "chips", 5*time.Second, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('[data-testid="brands"] [data-brand]'), (c) => c.dataset.brand)`))
	for _, c := range chips {
		if c == "TELKOMSEL DATA" {
			b.fail("one Telkomsel chip", fmt.Errorf("chips %q", chips))
		}
	}
	codes := run(b, "pulsa codes", 5*time.Second, chromedp.Evaluate[[]string](shownCodesJS))
	for _, c := range codes {
		if !strings.HasPrefix(c, "TELKOMSEL_") {
			b.fail("only pulsa under Pulsa", fmt.Errorf("codes %q", codes))
		}
	}
	if len(codes) == 0 {
		b.fail("pulsa products", fmt.Errorf("none shown"))
	}
	b.shot("operator-pulsa-tab-phone")
	b.do("Paket Data", 10*time.Second,
		chromedp.Click(chromedp.CSS(`[data-testid="kind-tab"][data-kind="data"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="kind-tab"][data-kind="data"][aria-selected="true"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="product"][data-code="TSELDATA1"]`)),
	)
	codes = run(b, "data codes", 5*time.Second, chromedp.Evaluate[[]string](shownCodesJS))
	for _, c := range codes {
		if !strings.HasPrefix(c, "TSELCS") && c != "TSELDATA1" {
			b.fail("only data plans under Paket Data", fmt.Errorf("codes %q", codes))
		}
	}
	b.shot("operator-data-tab-phone")

	// The number box picks the operator from the prefix.
	b.do("the number box is there", 5*time.Second,
		chromedp.Click(chromedp.CSS(`[data-testid="kind-tab"][data-kind="pulsa"]`)),
		chromedp.WaitVisible(tid("input-detect-phone")))
	for _, c := range []struct{ number, brand, first, shown string }{
		{"0817 1234 5678", "XL", "XL", "Operator: XL"},
		{"+62896-1234-5678", "TRI", "TRI", "Operator: Tri"},
		{"6285212345678", "TELKOMSEL", "TELKOMSEL_", "Operator: Telkomsel"},
	} {
		b.do("type "+c.number, 10*time.Second,
			chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid="input-detect-phone"]').value = ''`),
			chromedp.SendKeys(tid("input-detect-phone"), c.number),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="detect-result"][data-state="ok"]`)),
			chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`[data-testid="brand-head"][data-brand=%q]`, c.brand))),
			chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`[data-testid="brands"] [data-brand=%q][aria-pressed="true"]`, c.brand))),
		)
		b.textIs("operator of "+c.number, tid("detect-result"), c.shown)
		codes := run(b, "products of "+c.brand, 5*time.Second, chromedp.Evaluate[[]string](shownCodesJS))
		if len(codes) == 0 || !strings.HasPrefix(codes[0], c.first) {
			b.fail("products of "+c.brand, fmt.Errorf("codes %q", codes))
		}
		if c.brand == "XL" {
			b.shot("detect-xl-phone")
		}
	}
	b.do("a number of no operator", 10*time.Second,
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid="input-detect-phone"]').value = ''`),
		chromedp.SendKeys(tid("input-detect-phone"), "0800123456"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="detect-result"][data-state="unknown"]`)),
	)
	b.textIs("unknown number", tid("detect-result"), "Nomor tidak dikenali, pilih operator.")
	b.shot("detect-unknown-phone")
	b.do("the box in view", 5*time.Second, chromedp.Evaluate[chromedp.Void](
		`document.querySelector('[data-testid="phone-detect"]').scrollIntoView({block: 'center'})`), chromedp.Sleep(300*time.Millisecond))
	b.screen("detect-unknown-phone-screen")

	// A Telkomsel number, then a product: the form holds the number.
	b.do("a Telkomsel number and Telkomsel 10.000", 15*time.Second,
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid="input-detect-phone"]').value = ''`),
		chromedp.SendKeys(tid("input-detect-phone"), "081234567890"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="detect-result"][data-operator="telkomsel"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="product"][data-code="TELKOMSEL_10K"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="order-form"][data-code="TELKOMSEL_10K"]`)),
	)
	if got := b.value("input-target"); got != "081234567890" {
		b.fail("the number goes into the form", fmt.Errorf("input-target holds %q", got))
	}
	b.shot("detect-order-phone")
	if msgs := b.consoleErrors(); len(msgs) > 0 {
		b.fail("browser console", fmt.Errorf("errors:\n%s", strings.Join(msgs, "\n")))
	}
	t.Logf("screenshots: %s", b.artifacts)
}
