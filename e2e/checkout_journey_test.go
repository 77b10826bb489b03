//go:build browser

package e2e

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestGuestCheckoutJourney is a guest paying through Tripay on a phone: pick
// Telkomsel 10.000, give the number and a WhatsApp number, pay by QRIS on the
// gateway's (simulated) page, come back to the invoice and see the order
// succeed; then a virtual account checkout shows its pay code, and the order
// is found again by its number and the WhatsApp number.
func TestGuestCheckoutJourney(t *testing.T) {
	started := time.Now()
	a := startApp(t)
	b := newBrowser(t)
	tel := a.product(t, "TELKOMSEL_10K")
	const whatsapp, whatsappIntl = "0812 9876 5432", "6281298765432"

	b.do("open the store as a guest", 30*time.Second,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
		chromedp.Navigate(a.store+"/"),
		chromedp.WaitVisible(chromedp.CSS(`html[data-ready="true"] [data-testid="product"]`)),
	)
	b.pickProduct("TELKOMSEL_10K")
	qris := a.channel(t, tel.Price, "QRIS")
	if n := run(b, "no wallet for guests", 5*time.Second, chromedp.Evaluate[int](
		`document.querySelectorAll('[data-testid="channel"][data-code="SALDO"]').length`)); n != 0 {
		b.fail("no wallet for guests", fmt.Errorf("SALDO offered to a guest"))
	}
	b.do("fill the number, WhatsApp and QRIS", 10*time.Second,
		chromedp.SendKeys(tid("input-target"), "081234567890"),
		chromedp.SendKeys(tid("input-phone"), whatsapp),
		chromedp.Click(chromedp.CSS(`[data-testid="channel"][data-code="QRIS"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="channel"][data-code="QRIS"] input:checked`)),
	)
	b.textIs("fee", tid("order-fee"), rupiah(qris.Fee))
	b.textIs("total", tid("order-total"), rupiah(qris.Total))
	b.shot("channels-phone")

	before := len(a.guestOrders(t, whatsappIntl))
	number := b.checkout()
	if n := len(a.guestOrders(t, whatsappIntl)); n != before+1 {
		b.fail("one checkout per attempt", fmt.Errorf("%d guest orders after a double click, want %d", n, before+1))
	}
	b.do("the QR is drawn", 15*time.Second, chromedp.WaitVisible(chromedp.CSS(`[data-testid="invoice"] canvas[data-testid="invoice-qr"]`)))
	view := a.checkoutView(t, number, b.storedToken(number))
	if view.Payment.Channel != "QRIS" || view.Payment.QRString == "" || view.Payment.Total != view.Payment.Amount+view.Payment.Fee || view.Payment.Amount != tel.Price {
		b.fail("checkout as the API says", fmt.Errorf("payment %+v for price %d", view.Payment, tel.Price))
	}
	b.textIs("invoice total", tid("invoice-total"), rupiah(view.Payment.Total))
	b.shot("invoice-qris-phone")
	href := run(b, "checkout link", 5*time.Second, chromedp.Evaluate[string](`document.querySelector('[data-testid="invoice-checkout-link"]').href`))
	if href != view.Payment.CheckoutURL {
		b.fail("checkout link", fmt.Errorf("link %q, API %q", href, view.Payment.CheckoutURL))
	}

	// Pay on the simulator's page, then come back to the invoice as a
	// returning guest would (a fresh page load: the token is on the device).
	// The simulator's page has no favicon.
	b.expectRefusal(404, "/favicon.ico")
	b.do("pay on the Tripay page", 20*time.Second,
		chromedp.Navigate(href),
		chromedp.WaitVisible(chromedp.CSS(`form:has(input[name="action"][value="pay"]) button`)),
		chromedp.Click(chromedp.CSS(`form:has(input[name="action"][value="pay"]) button`)),
	)
	// Paid, the simulator sends the shopper to the store's return URL.
	// (the page then adds the guest's token to the address: it can be shared)
	if got, want := b.waitLocation(a.store+"/", 15*time.Second), a.store+"/bayar/"+number; got != want && got != want+"?token="+b.storedToken(number) {
		t.Errorf("the gateway sent the shopper to %s, want %s", got, want)
	}
	b.do("back to the invoice", 20*time.Second,
		chromedp.Navigate(a.store+"/bayar/"+number),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`[data-testid="invoice"][data-number=%q]`, number))),
	)
	b.do("the order succeeds", finalWait,
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="invoice"][data-state="success"] [data-testid="invoice-sn"]`)))
	b.textIs("status", tid("invoice-status"), "Berhasil")
	b.shot("invoice-success-phone")

	// The same story through the REST API.
	pay := a.payment(t, number)
	if pay.Status != "paid" || pay.Total != view.Payment.Total {
		t.Errorf("REST: payment %+v, want paid for %d", pay, view.Payment.Total)
	}
	if n := a.appliedEvents(t, pay.ID); n != 1 {
		t.Errorf("REST: %d applied payment_events for %s, want 1", n, number)
	}
	o := a.orderByNumber(t, view.Order.OrderNumber)
	if o.Status != "success" || o.SN == "" || o.Target != "081234567890" {
		t.Errorf("REST: order %+v, want success with an SN", o)
	}
	b.textIs("SN", tid("invoice-sn"), o.SN)

	// A virtual account: the pay code, with a copy button.
	b.do("back to the store", 15*time.Second, chromedp.Click(tid("nav-store")))
	b.pickProduct("TELKOMSEL_10K")
	b.do("fill and choose BRI VA", 10*time.Second,
		chromedp.SendKeys(tid("input-target"), "081234567891"),
		chromedp.Click(chromedp.CSS(`[data-testid="channel-group"][data-group="va"] > summary`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="channel"][data-code="BRIVA"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="channel"][data-code="BRIVA"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="channel"][data-code="BRIVA"] input:checked`)),
	)
	if got := run(b, "WhatsApp remembered", 5*time.Second, chromedp.Evaluate[string](`document.querySelector('[data-testid="input-phone"]').value`)); got == "" {
		b.fail("WhatsApp remembered", fmt.Errorf("the WhatsApp field is empty on the second purchase"))
	}
	va := b.checkout()
	b.do("the pay code is shown", 10*time.Second, chromedp.WaitVisible(tid("invoice-paycode")), chromedp.WaitVisible(tid("copy-paycode")))
	vaView := a.checkoutView(t, va, b.storedToken(va))
	if vaView.Payment.PayCode == "" {
		t.Fatalf("REST: VA payment without a pay code: %+v", vaView.Payment)
	}
	b.textIs("pay code", tid("invoice-paycode"), vaView.Payment.PayCode)
	b.textIs("VA total", tid("invoice-total"), rupiah(vaView.Payment.Total))
	b.shot("invoice-va-phone")
	// "Cek pembayaran" asks the gateway now: still unpaid, said so; the button
	// rests a few seconds (the server allows one check per 5 s).
	b.do("Cek pembayaran", 20*time.Second,
		chromedp.Click(tid("check-payment")),
		chromedp.WaitVisible(tid("check-result")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="check-payment"]:disabled`)),
	)
	b.textIs("check result", tid("check-result"), "Pembayaran belum diterima. Selesaikan pembayaran, lalu cek lagi.")

	// "Lacak pesanan": the first order, by its number and the WhatsApp number.
	b.do("track the first order", 15*time.Second,
		chromedp.Click(tid("nav-track")),
		chromedp.WaitVisible(tid("input-track-number")),
		chromedp.SendKeys(tid("input-track-number"), view.Order.OrderNumber),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid="input-track-phone"]').value = ''`),
		chromedp.SendKeys(tid("input-track-phone"), whatsapp),
		chromedp.Click(tid("track-submit")),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`[data-testid="track-result"][data-number=%q] [data-testid="track-status"][data-state="success"]`, view.Order.OrderNumber))),
	)
	b.shot("track-phone")

	if msgs := b.consoleErrors(); len(msgs) > 0 {
		b.fail("browser console", fmt.Errorf("errors:\n%s", strings.Join(msgs, "\n")))
	}
	t.Logf("screenshots: %s", b.artifacts)
	t.Logf("guest journey took %s", time.Since(started).Round(time.Millisecond))
}

// pickProduct opens the prepaid tab and chooses a product; its channels load.
func (b *browser) pickProduct(code string) {
	b.t.Helper()
	b.do("choose "+code, 15*time.Second,
		chromedp.Click(tid("tab-prepaid")),
		chromedp.Click(chromedp.CSS(`[data-testid="brand"][data-brand="TELKOMSEL"]`)),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-testid="product"][data-code=%q]`, code))),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`[data-testid="order-form"][data-code=%q]`, code))),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="channel"][data-code="QRIS"]`)),
	)
}

// doubleTapToInvoice double-clicks the button with data-testid testid, as
// a hurried thumb does, and returns the payment number of the unpaid
// invoice the page then shows.
func (b *browser) doubleTapToInvoice(testid, label string) string {
	b.t.Helper()
	pt := run(b, "locate "+label, 5*time.Second, chromedp.Evaluate[[]float64](fmt.Sprintf(`(() => {
	  const r = document.querySelector('[data-testid=%q]');
	  r.scrollIntoView({block: 'center'});
	  const b = r.getBoundingClientRect();
	  return [b.left + b.width / 2, b.top + b.height / 2];
	})()`, testid)))
	b.do("double-tap "+label, 30*time.Second,
		chromedp.MouseClickXY(pt[0], pt[1]),
		chromedp.MouseClickXY(pt[0], pt[1], chromedp.ClickCount(2)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="invoice"][data-state="unpaid"] [data-testid="invoice-total"]`)),
	)
	return run(b, "payment number", 5*time.Second, chromedp.Evaluate[string](`document.querySelector('[data-testid="invoice"]').dataset.number`))
}

// confirmSheet presses "Beli sekarang" and waits until the confirmation
// sheet can be confirmed (its nickname check answered); it returns the
// sheet's account line.
func (b *browser) confirmSheet() string {
	b.t.Helper()
	b.do("Beli sekarang", 20*time.Second,
		chromedp.Click(tid("pay")),
		chromedp.WaitVisible(chromedp.CSS(`dialog[open][data-testid="confirm-sheet"] [data-testid="confirm-pay"]:not([disabled])`)),
	)
	return b.text("confirm account", tid("confirm-account"))
}

// checkout presses "Beli sekarang", double-clicks the sheet's "Ya, bayar"
// and returns the payment number of the invoice the page shows.
func (b *browser) checkout() string {
	b.t.Helper()
	b.confirmSheet()
	num := b.doubleTapToInvoice("confirm-pay", "Ya, bayar")
	if !regexp.MustCompile(`^PAY-\d+-[A-Z0-9]{5}$`).MatchString(num) {
		b.fail("payment number", fmt.Errorf("%q", num))
	}
	if at := run(b, "location", 5*time.Second, chromedp.Evaluate[string](`location.pathname`)); at != "/bayar/"+num {
		b.fail("invoice route", fmt.Errorf("page at %s, want /bayar/%s", at, num))
	}
	return num
}

// waitLocation waits, across navigations, for the page's URL to start with
// prefix and returns it (the last URL seen when it never does).
func (b *browser) waitLocation(prefix string, timeout time.Duration) string {
	b.t.Helper()
	deadline := time.Now().Add(timeout)
	last := ""
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, time.Second)
		href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState === 'complete' ? location.href : ''`))
		cancel()
		if err == nil && href != "" {
			last = href
			if strings.HasPrefix(href, prefix) {
				return href
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return last
}

// storedToken is the access token the page kept for a payment.
func (b *browser) storedToken(number string) string {
	b.t.Helper()
	tok := run(b, "stored token", 5*time.Second, chromedp.Evaluate[string](fmt.Sprintf(
		`(JSON.parse(localStorage.getItem('vipbase.payments') || '{}')[%q] || {}).token || ''`, number)))
	if tok == "" {
		b.fail("stored token", fmt.Errorf("no token for %s in localStorage", number))
	}
	return tok
}

type channelView struct {
	Code    string `json:"code"`
	Group   string `json:"group"`
	Gateway string `json:"gateway"`
	Fee     int64  `json:"fee"`
	Total   int64  `json:"total"`
}

type checkoutView struct {
	Order struct {
		OrderNumber string `json:"orderNumber"`
		Status      string `json:"status"`
	} `json:"order"`
	Payment struct {
		Number      string `json:"number"`
		Gateway     string `json:"gateway"`
		Channel     string `json:"channel"`
		Status      string `json:"status"`
		Amount      int64  `json:"amount"`
		Fee         int64  `json:"fee"`
		Total       int64  `json:"total"`
		PayCode     string `json:"payCode"`
		QRString    string `json:"qrString"`
		CheckoutURL string `json:"checkoutUrl"`
	} `json:"payment"`
}

type paymentRow struct {
	ID        string `json:"id"`
	Gateway   string `json:"gateway"`
	Status    string `json:"status"`
	Total     int64  `json:"total"`
	RefundDue int64  `json:"refund_due"`
}

// channel is one channel of GET /api/payments/channels as a guest sees it.
func (a *app) channel(t *testing.T, amount int64, code string) channelView {
	t.Helper()
	var res struct {
		Data []channelView `json:"data"`
	}
	if status, body := a.call("GET", fmt.Sprintf("/api/payments/channels?amount=%d", amount), "", nil, &res); status != 200 {
		t.Fatalf("channels: %d %s", status, body)
	}
	for _, c := range res.Data {
		if c.Code == code {
			return c
		}
	}
	t.Fatalf("channel %s not offered for %d: %+v", code, amount, res.Data)
	return channelView{}
}

func (a *app) checkoutView(t *testing.T, number, token string) checkoutView {
	t.Helper()
	var res struct {
		Data checkoutView `json:"data"`
	}
	if status, body := a.call("GET", "/api/checkout/"+number+"?token="+url.QueryEscape(token), "", nil, &res); status != 200 {
		t.Fatalf("checkout %s: %d %s", number, status, body)
	}
	return res.Data
}

func (a *app) guestOrders(t *testing.T, phone string) []order {
	t.Helper()
	var list struct {
		Items []order `json:"items"`
	}
	a.mustCall(t, "GET", "/api/collections/orders/records?perPage=100&filter="+url.QueryEscape(fmt.Sprintf(`user="" && phone=%q`, phone)), nil, &list)
	return list.Items
}

func (a *app) orderByNumber(t *testing.T, number string) order {
	t.Helper()
	var list struct {
		Items []order `json:"items"`
	}
	a.mustCall(t, "GET", "/api/collections/orders/records?filter="+url.QueryEscape(fmt.Sprintf("number=%q", number)), nil, &list)
	if len(list.Items) != 1 {
		t.Fatalf("order %s: %+v", number, list.Items)
	}
	return list.Items[0]
}

func (a *app) payment(t *testing.T, number string) paymentRow {
	t.Helper()
	var list struct {
		Items []paymentRow `json:"items"`
	}
	a.mustCall(t, "GET", "/api/collections/payments/records?filter="+url.QueryEscape(fmt.Sprintf("number=%q", number)), nil, &list)
	if len(list.Items) != 1 {
		t.Fatalf("payment %s: %+v", number, list.Items)
	}
	return list.Items[0]
}

// appliedEvents counts the payment's notifications that were applied.
func (a *app) appliedEvents(t *testing.T, paymentID string) int {
	t.Helper()
	var list struct {
		TotalItems int `json:"totalItems"`
	}
	a.mustCall(t, "GET", "/api/collections/payment_events/records?perPage=1&filter="+
		url.QueryEscape(fmt.Sprintf(`payment=%q && outcome="applied"`, paymentID)), nil, &list)
	return list.TotalItems
}

// appliedEventsFrom counts the payment's notifications from gateway that were applied.
func (a *app) appliedEventsFrom(t *testing.T, paymentID, gateway string) int {
	t.Helper()
	var list struct {
		TotalItems int `json:"totalItems"`
	}
	a.mustCall(t, "GET", "/api/collections/payment_events/records?perPage=1&filter="+
		url.QueryEscape(fmt.Sprintf(`payment=%q && gateway=%q && outcome="applied"`, paymentID, gateway)), nil, &list)
	return list.TotalItems
}

// TestMidtransGuestJourney is a guest paying through Midtrans Snap on a phone:
// Telkomsel 10.000 with the MIDTRANS channel, the invoice sends the shopper to
// Midtrans's (simulated) hosted page, where QRIS is picked and paid; the
// page's finish link brings the shopper back to the invoice (with Midtrans's
// query, dropped from the address), which follows the order to its SN.
func TestMidtransGuestJourney(t *testing.T) {
	started := time.Now()
	a := startApp(t)
	b := newBrowser(t)
	tel := a.product(t, "TELKOMSEL_10K")
	mid := a.channel(t, tel.Price, "MIDTRANS")
	if mid.Gateway != "midtrans" || mid.Fee != 0 || mid.Total != tel.Price {
		t.Fatalf("REST: MIDTRANS channel %+v for price %d", mid, tel.Price)
	}

	b.do("open the store as a guest", 30*time.Second,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
		chromedp.Navigate(a.store+"/"),
		chromedp.WaitVisible(chromedp.CSS(`html[data-ready="true"] [data-testid="product"]`)),
	)
	b.pickProduct("TELKOMSEL_10K")
	b.do("fill the number, WhatsApp and Midtrans", 10*time.Second,
		chromedp.SendKeys(tid("input-target"), "081234567890"),
		chromedp.SendKeys(tid("input-phone"), "0812 1111 2222"),
		chromedp.Click(chromedp.CSS(`[data-testid="channel-group"][data-group="midtrans"] > summary`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="channel"][data-code="MIDTRANS"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="channel"][data-code="MIDTRANS"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="channel"][data-code="MIDTRANS"] input:checked`)),
	)
	b.textIs("Midtrans group", chromedp.CSS(`[data-testid="channel-group"][data-group="midtrans"] .ch-head`), "Midtrans")
	b.textIs("Midtrans fee line", chromedp.CSS(`[data-testid="channel"][data-code="MIDTRANS"] .ch-fee`), "Tanpa biaya tambahan · pilih metode di halaman Midtrans")
	b.textIs("fee", tid("order-fee"), "Gratis")
	b.textIs("total", tid("order-total"), rupiah(tel.Price))
	b.shot("channels-midtrans-phone")

	number := b.checkout()
	b.do("the Midtrans link", 15*time.Second, chromedp.WaitVisible(chromedp.CSS(`[data-testid="invoice"] [data-testid="invoice-checkout-link"][data-gateway="midtrans"]`)))
	view := a.checkoutView(t, number, b.storedToken(number))
	if view.Payment.Gateway != "midtrans" || view.Payment.Channel != "MIDTRANS" || view.Payment.QRString != "" || view.Payment.PayCode != "" ||
		view.Payment.Total != tel.Price || !strings.Contains(view.Payment.CheckoutURL, "/snap/v2/vtweb/") {
		b.fail("checkout as the API says", fmt.Errorf("payment %+v for price %d", view.Payment, tel.Price))
	}
	b.textIs("invoice total", tid("invoice-total"), rupiah(view.Payment.Total))
	b.textIs("Midtrans link", tid("invoice-checkout-link"), "Bayar di halaman Midtrans (simulasi)")
	shown := run(b, "the invoice", 5*time.Second, chromedp.Evaluate[map[string]any](`(() => {
	  const inv = document.querySelector('[data-testid="invoice"]');
	  return {qr: inv.querySelectorAll('[data-testid="invoice-qr-box"], canvas').length,
	    code: inv.querySelectorAll('[data-testid="invoice-paycode"]').length,
	    howto: inv.querySelectorAll('[data-testid="invoice-instructions"]').length,
	    check: inv.querySelectorAll('[data-testid="check-payment"]').length,
	    countdown: (inv.querySelector('[data-testid="invoice-countdown"]') || {}).textContent || '',
	    text: inv.innerText};
	})()`))
	if shown["qr"].(float64) != 0 || shown["code"].(float64) != 0 || shown["howto"].(float64) != 0 {
		b.fail("no QR, pay code or Tripay instructions", fmt.Errorf("%v", shown))
	}
	if shown["check"].(float64) != 1 || !strings.HasPrefix(shown["countdown"].(string), "Sisa waktu ") {
		b.fail("countdown and Cek pembayaran", fmt.Errorf("%v", shown))
	}
	if txt := shown["text"].(string); strings.Contains(txt, "Tripay") {
		b.fail("no Tripay label", fmt.Errorf("the Midtrans invoice says %q", txt))
	}
	b.shot("invoice-midtrans-phone")
	href := run(b, "checkout link", 5*time.Second, chromedp.Evaluate[string](`document.querySelector('[data-testid="invoice-checkout-link"]').href`))
	if href != view.Payment.CheckoutURL {
		b.fail("checkout link", fmt.Errorf("link %q, API %q", href, view.Payment.CheckoutURL))
	}

	// Through to Midtrans's page: QRIS, Bayar, back to the store.
	b.expectRefusal(404, "/favicon.ico")
	b.do("open the Midtrans page", 20*time.Second,
		chromedp.Click(tid("invoice-checkout-link")),
		chromedp.WaitVisible(tid("method-qris")),
	)
	b.do("pick QRIS and pay", 20*time.Second,
		chromedp.Click(tid("method-qris")),
		chromedp.WaitVisible(chromedp.CSS(`[data-status="pending"]`)),
		chromedp.Click(chromedp.CSS(`button[data-testid="pay"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-status="settlement"]`)),
		chromedp.WaitVisible(tid("finish")),
	)
	b.shot("midtrans-page-paid-phone")
	finish := run(b, "finish link", 5*time.Second, chromedp.Evaluate[string](`document.querySelector('[data-testid="finish"]').href`))
	if want := a.store + "/bayar/" + number + "?"; !strings.HasPrefix(finish, want) || !strings.Contains(finish, "order_id=") {
		t.Errorf("finish link %s, want %s…order_id=…", finish, want)
	}
	b.do("back to the store", 20*time.Second,
		chromedp.Click(tid("finish")),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`html[data-ready="true"] [data-testid="invoice"][data-number=%q]`, number))),
	)
	// Midtrans's query is dropped; the guest's address carries the invoice's token.
	if at, want := run(b, "location", 5*time.Second, chromedp.Evaluate[string](`location.pathname + location.search`)), "/bayar/"+number+"?token="+b.storedToken(number); at != want {
		t.Errorf("back from Midtrans the page is at %s, want %s", at, want)
	}
	b.do("the order succeeds", finalWait,
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="invoice"][data-state="success"] [data-testid="invoice-sn"]`)))
	b.textIs("status", tid("invoice-status"), "Berhasil")
	b.shot("invoice-midtrans-success-phone")

	// The same story through the REST API.
	pay := a.payment(t, number)
	if pay.Status != "paid" || pay.Gateway != "midtrans" || pay.Total != view.Payment.Total {
		t.Errorf("REST: payment %+v, want paid on midtrans for %d", pay, view.Payment.Total)
	}
	if n := a.appliedEventsFrom(t, pay.ID, "midtrans"); n < 1 {
		t.Errorf("REST: no applied midtrans payment_events for %s", number)
	}
	o := a.orderByNumber(t, view.Order.OrderNumber)
	if o.Status != "success" || o.SN == "" || o.Target != "081234567890" {
		t.Errorf("REST: order %+v, want success with an SN", o)
	}
	b.textIs("SN", tid("invoice-sn"), o.SN)
	if msgs := b.consoleErrors(); len(msgs) > 0 {
		b.fail("browser console", fmt.Errorf("errors:\n%s", strings.Join(msgs, "\n")))
	}
	t.Logf("screenshots: %s", b.artifacts)
	t.Logf("Midtrans journey took %s", time.Since(started).Round(time.Millisecond))
}

// TestMemberTopupJourney is a member topping up the wallet through Tripay:
// "Isi saldo" on the wallet page, DANA (an e-wallet), paid on the gateway's page, and the
// balance grows by the amount (the fee is the gateway's).
func TestMemberTopupJourney(t *testing.T) {
	a := startApp(t)
	b := newBrowser(t)
	email := fmt.Sprintf("member%d@vipbase.test", time.Now().UnixNano())
	const password = "rahasia-123"
	a.mustCall(t, "POST", "/api/collections/users/records", map[string]any{"email": email, "password": password, "passwordConfirm": password}, nil)
	user := a.userByEmail(t, email)
	const amount = 50000

	b.do("log in", 30*time.Second,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
		chromedp.Navigate(a.store+"/masuk"),
		chromedp.WaitVisible(chromedp.CSS(`html[data-ready="true"] [data-testid="auth-email"]`)),
		chromedp.SendKeys(tid("auth-email"), email),
		chromedp.SendKeys(tid("auth-password"), password),
		chromedp.Click(tid("auth-submit")),
		chromedp.WaitVisible(balanceIs(0)),
	)
	b.do("top up by DANA (an e-wallet)", 20*time.Second,
		chromedp.Click(tid("nav-wallet")),
		chromedp.WaitVisible(tid("topup-form")),
		chromedp.Click(chromedp.CSS(`[data-testid="topup-chips"] button[data-amount="50000"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="topup-channel-group"][data-group="ewallet"] > summary`)),
		chromedp.Click(chromedp.CSS(`[data-testid="topup-channel-group"][data-group="ewallet"] > summary`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="topup-channel"][data-code="DANA"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="topup-channel"][data-code="DANA"]`)),
	)
	if n := run(b, "no wallet to top up the wallet", 5*time.Second, chromedp.Evaluate[int](
		`document.querySelectorAll('[data-testid="topup-channel"][data-code="SALDO"]').length`)); n != 0 {
		b.fail("no wallet to top up the wallet", fmt.Errorf("SALDO offered for a top-up"))
	}
	b.shot("topup-phone")
	b.do("Isi saldo", 20*time.Second,
		chromedp.Click(tid("topup-submit")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="invoice"][data-state="unpaid"] [data-testid="invoice-checkout-link"]`)),
	)
	number := run(b, "payment number", 5*time.Second, chromedp.Evaluate[string](`document.querySelector('[data-testid="invoice"]').dataset.number`))
	dana := a.channel(t, amount, "DANA")
	b.textIs("top-up total", tid("invoice-total"), rupiah(dana.Total))
	href := run(b, "checkout link", 5*time.Second, chromedp.Evaluate[string](`document.querySelector('[data-testid="invoice-checkout-link"]').href`))
	b.expectRefusal(404, "/favicon.ico")
	b.do("pay on the Tripay page", 20*time.Second,
		chromedp.Navigate(href),
		chromedp.Click(chromedp.CSS(`form:has(input[name="action"][value="pay"]) button`)),
	)
	b.waitLocation(a.store+"/", 15*time.Second)
	b.do("the top-up lands", finalWait,
		chromedp.Navigate(a.store+"/bayar/"+number),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="invoice"][data-state="success"]`)),
		chromedp.WaitVisible(balanceIs(amount)),
	)
	b.shot("topup-paid-phone")
	if p := a.payment(t, number); p.Status != "paid" || p.Total != dana.Total {
		t.Errorf("REST: top-up payment %+v, want paid for %d", p, dana.Total)
	}
	if bal := a.balance(t, user); bal != amount {
		t.Errorf("REST: balance %d after the top-up, want %d", bal, amount)
	}

	// A member may pay an order through the gateway too (no WhatsApp needed);
	// the unpaid order in the history leads back to its invoice.
	b.do("store", 15*time.Second, chromedp.Click(tid("nav-store")))
	b.pickProduct("TELKOMSEL_10K")
	b.do("choose QRIS over the wallet", 10*time.Second,
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="channel"][data-code="SALDO"] input:checked`)),
		chromedp.SendKeys(tid("input-target"), "081234567890"),
		chromedp.Click(chromedp.CSS(`[data-testid="channel-group"][data-group="qris"] > summary`)),
		chromedp.Click(chromedp.CSS(`[data-testid="channel"][data-code="QRIS"]`)),
	)
	pay := b.checkout()
	view := a.checkoutView(t, pay, b.storedToken(pay))
	b.do("the unpaid order leads to its invoice", 15*time.Second,
		chromedp.Click(tid("nav-orders")),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-testid="order-row"][data-number=%q][data-status="unpaid"]`, view.Order.OrderNumber))),
		chromedp.Click(tid("order-invoice-link")),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`[data-testid="invoice"][data-number=%q][data-state="unpaid"]`, pay))),
	)
	if bal := a.balance(t, user); bal != amount {
		t.Errorf("REST: balance %d after an unpaid gateway checkout, want %d", bal, amount)
	}
	if msgs := b.consoleErrors(); len(msgs) > 0 {
		b.fail("browser console", fmt.Errorf("errors:\n%s", strings.Join(msgs, "\n")))
	}
}
