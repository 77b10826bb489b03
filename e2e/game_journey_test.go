//go:build browser

package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestGuestGameJourney is the store's promise on a phone: a guest finds
// Mobile Legends by its tile, picks 86 diamonds, fills the ID and server,
// WhatsApp and QRIS, and "Beli sekarang" opens a confirmation sheet that
// names the player before anything is charged. A mistyped ID is stopped
// there (no order); the right one is paid on the Tripay simulator's page and
// the diamonds arrive (SN) on the invoice.
func TestGuestGameJourney(t *testing.T) {
	a := startApp(t)
	b := newBrowser(t)
	ml := a.product(t, "ML86-S2")
	const whatsapp, whatsappIntl = "0813 5555 0101", "6281355550101"
	qris := a.channel(t, ml.Price, "QRIS")

	b.openHomeOnPhone(a)
	// The brand's page asks in steps: 1 the account, 2 the nominal, then
	// 3 payment and 4 contact once a nominal is chosen.
	b.do("tap Mobile Legends", 15*time.Second,
		chromedp.Click(chromedp.CSS(`[data-testid="brand-tile"][data-name="Mobile Legends"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="step-account"] [data-testid="input-zone"]`)),
	)
	if at := run(b, "location", 5*time.Second, chromedp.Evaluate[string](`location.pathname + ' ' + document.title`)); !strings.HasPrefix(at, "/beli/mobile-legends Mobile Legends — ") {
		b.fail("the brand's page", fmt.Errorf("at %q, want /beli/mobile-legends titled Mobile Legends — …", at))
	}
	b.do("1: a mistyped ID and the server", 10*time.Second,
		chromedp.SendKeys(tid("input-target"), "12345404"),
		chromedp.SendKeys(tid("input-zone"), "2001"),
	)
	b.screen("steps-account-phone")

	// The cheapest nominal: a virtual account does not take it, and says why.
	b.do("2: the cheapest nominal", 10*time.Second,
		chromedp.Click(chromedp.CSS(`[data-testid="products"] [data-testid="product"]:first-child`)),
		chromedp.WaitVisible(tid("order-form")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="channel-group"][data-group="va"]`)),
	)
	b.textIs("VA group", chromedp.CSS(`[data-testid="channel-group"][data-group="va"] .ch-from`), "tidak tersedia")
	off := run(b, "a VA channel", 5*time.Second, chromedp.Evaluate[string](`(() => {
	  const c = document.querySelector('[data-testid="channel"][data-group="va"]');
	  return (c.querySelector('input').disabled ? 'disabled ' : '') + c.querySelector('.ch-fee').textContent;
	})()`))
	if !regexp.MustCompile(`^disabled Tidak tersedia untuk nominal ini · min\. Rp [\d.]+$`).MatchString(off) {
		b.fail("an unusable channel explained", fmt.Errorf("%q", off))
	}
	b.do("2: 86 diamonds", 10*time.Second,
		chromedp.Click(chromedp.CSS(`[data-testid="product"][data-code="ML86-S2"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="order-form"][data-code="ML86-S2"]`)),
	)
	if got := b.value("input-target") + "/" + b.value("input-zone"); got != "12345404/2001" {
		b.fail("the account stays when the nominal is chosen", fmt.Errorf("%q", got))
	}
	steps := run(b, "steps", 5*time.Second, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('[data-view="store"] .step-title'), (s) => s.textContent.replace(/\s+/g, ' ').trim()).filter((t, i, all) => all.indexOf(t) === i)`))
	if got := strings.Join(steps, " | "); got != "1 Data akun | 2 Pilih nominal | 3 Pilih pembayaran | 4 Kontak" {
		b.fail("the steps in order", fmt.Errorf("%q", got))
	}
	b.do("3 and 4: QRIS and WhatsApp", 10*time.Second,
		chromedp.Click(chromedp.CSS(`[data-testid="channel"][data-code="QRIS"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="channel"][data-code="QRIS"] input:checked`)),
		chromedp.SendKeys(tid("input-phone"), whatsapp),
	)
	b.textIs("total", tid("order-total"), rupiah(qris.Total))

	// The provider does not know 12345404: the sheet says so and cannot be
	// confirmed.
	b.expectRefusal(404, "/api/games/nickname")
	b.do("Beli sekarang with the wrong ID", 20*time.Second,
		chromedp.Click(tid("pay")),
		chromedp.WaitVisible(chromedp.CSS(`dialog[open][data-testid="confirm-sheet"] .confirm-id.bad`)),
	)
	b.textIs("unknown player", tid("confirm-account"), "ID 12345404/2001 tidak ditemukan. Periksa lagi ID dan server Anda.")
	if off := run(b, "confirm disabled", 5*time.Second, chromedp.Evaluate[bool](`document.querySelector('[data-testid="confirm-pay"]').disabled`)); !off {
		b.fail("a wrong ID cannot be confirmed", fmt.Errorf("Ya, bayar is enabled"))
	}
	b.screen("confirm-wrong-id-phone")
	b.do("back to fix the ID", 10*time.Second,
		chromedp.Click(tid("confirm-back")),
		chromedp.WaitNotVisible(tid("confirm-sheet")),
	)
	if n := len(a.guestOrders(t, whatsappIntl)); n != 0 {
		b.fail("nothing ordered before the confirmation", fmt.Errorf("%d guest orders", n))
	}
	b.typeInto("input-target", "12345678")

	// The right ID: the sheet names the player, the product, QRIS and the total.
	line := b.confirmSheet()
	want := a.nickname(t, ml.NicknameCode, "12345678", "2001") // the sheet's answer, cached
	if wantLine := "Pastikan ID benar: " + want + " (12345678/2001)"; line != wantLine {
		b.fail("nickname in the confirmation", fmt.Errorf("%q, want %q", line, wantLine))
	}
	b.textIs("sheet total", tid("confirm-total"), rupiah(qris.Total))
	b.screen("confirm-sheet-phone")
	if n := len(a.guestOrders(t, whatsappIntl)); n != 0 {
		b.fail("nothing ordered while the sheet is open", fmt.Errorf("%d guest orders", n))
	}

	number := b.doubleTapToInvoice("confirm-pay", "Ya, bayar")
	orderNumber := b.payOnTripay(a, ml, number)
	if list := a.guestOrders(t, whatsappIntl); len(list) != 1 {
		b.fail("one order", fmt.Errorf("%d guest orders after a double tap, want 1", len(list)))
	}
	o := a.orderByNumber(t, orderNumber)
	if o.Status != "success" || o.Target != "12345678" {
		b.fail("delivered", fmt.Errorf("order %+v", o))
	}
	// The provider's note for a game top-up is the SN when it sends one.
	if o.SN != "" {
		b.textIs("SN on the invoice", tid("invoice-sn"), o.SN)
	} else {
		b.textIs("success on the invoice", chromedp.CSS(`[data-testid="invoice"][data-state="success"] .sn-box`), "Pesanan berhasil.")
	}

	// The brand's page is a link that opens by itself (shared, reloaded).
	b.do("open /beli/mobile-legends", 20*time.Second,
		chromedp.Navigate(a.store+"/beli/mobile-legends"),
		chromedp.WaitVisible(chromedp.CSS(`html[data-ready="true"] [data-testid="brand-head"][data-brand^="Mobile Legends"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="product"][data-code="ML86-S2"]`)),
	)
}

// TestGuestPLNTokenJourney is a guest buying a PLN token on a phone: the
// invoice labels the delivered SN "Token listrik", its 20 digits in groups
// of four with a copy button, and a reload of the invoice keeps it so.
func TestGuestPLNTokenJourney(t *testing.T) {
	a := startApp(t)
	b := newBrowser(t)
	pln := a.product(t, "PLN20")
	b.openHomeOnPhone(a)
	b.do("PLN, Rp 20.000, a meter number, WhatsApp and QRIS", 20*time.Second,
		chromedp.Click(chromedp.CSS(`[data-testid="brand-tile"][data-name="PLN"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="product"][data-code="PLN20"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="order-form"][data-code="PLN20"]`)),
		chromedp.SendKeys(tid("input-target"), "12345678901"),
		chromedp.SendKeys(tid("input-phone"), "0812 4444 0303"),
		chromedp.Click(chromedp.CSS(`[data-testid="channel"][data-code="QRIS"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="channel"][data-code="QRIS"] input:checked`)),
	)
	order := b.payGuestByQRIS(a, pln)
	o := a.orderByNumber(t, order)
	digits := regexp.MustCompile(`\D`).ReplaceAllString(o.SN, "")
	if o.Status != "success" || len(digits) != 20 {
		t.Fatalf("REST: order %+v, want success with a 20-digit token", o)
	}
	grouped := regexp.MustCompile(`(\d{4})`).ReplaceAllString(digits, "$1 ")
	grouped = grouped[:len(grouped)-1]
	check := func(when string) {
		b.textIs("label "+when, chromedp.CSS(`[data-testid="invoice-sn-box"] [data-testid="sn-label"]`), "Token listrik")
		b.textIs("token "+when, tid("invoice-sn"), grouped)
		b.do("copy button "+when, 5*time.Second, chromedp.WaitVisible(chromedp.CSS(`[data-testid="invoice-sn-box"] [data-testid="copy-sn"]`)))
	}
	check("live")
	b.screen("invoice-pln-token-phone")
	b.do("reload the invoice", 20*time.Second,
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`html[data-ready="true"] [data-testid="invoice"][data-state="success"] [data-testid="invoice-sn"]`)),
	)
	check("after a reload")
	if msgs := b.consoleErrors(); len(msgs) > 0 {
		b.fail("browser console", fmt.Errorf("errors:\n%s", strings.Join(msgs, "\n")))
	}
}
