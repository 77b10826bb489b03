//go:build browser

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestGuestInvoiceOutcomesJourney is a guest on a desktop whose purchases
// do not end in a delivery: a virtual-account invoice left to expire says so
// (nothing was charged), and a paid order the provider fails shows the
// refund the store owes, also after a reload of the invoice.
func TestGuestInvoiceOutcomesJourney(t *testing.T) {
	a := startApp(t)
	b := newBrowser(t)
	const whatsapp = "0812 7777 0202"

	b.do("open the store on a desktop", 30*time.Second,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(a.store+"/"),
		chromedp.WaitVisible(chromedp.CSS(`html[data-ready="true"] [data-testid="product"]`)),
	)

	// A virtual account that expires before it is paid.
	b.pickProduct("TELKOMSEL_10K")
	b.do("fill and choose BRI VA", 10*time.Second,
		chromedp.SendKeys(tid("input-target"), "081234567891"),
		chromedp.SendKeys(tid("input-phone"), whatsapp),
		chromedp.Click(chromedp.CSS(`[data-testid="channel-group"][data-group="va"] > summary`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="channel"][data-code="BRIVA"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="channel"][data-code="BRIVA"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="channel"][data-code="BRIVA"] input:checked`)),
	)
	va := b.checkout()
	b.do("the pay code", 10*time.Second, chromedp.WaitVisible(tid("invoice-paycode")))
	vaView := a.checkoutView(t, va, b.storedToken(va))
	b.expectRefusal(404, "/favicon.ico") // the simulator's page has none
	b.do("expire it on the Tripay page", 20*time.Second,
		chromedp.Navigate(vaView.Payment.CheckoutURL),
		chromedp.WaitVisible(chromedp.CSS(`form:has(input[name="action"][value="expire"]) button`)),
		chromedp.Click(chromedp.CSS(`form:has(input[name="action"][value="expire"]) button`)),
		chromedp.Sleep(300*time.Millisecond),
	)
	b.do("the invoice says it expired", finalWait,
		chromedp.Navigate(a.store+"/bayar/"+va),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`[data-testid="invoice"][data-number=%q][data-state="expired"]`, va))),
	)
	if text := b.text("expired note", chromedp.CSS(`[data-testid="invoice"] .refund-box`)); !strings.HasPrefix(text, "Waktu pembayaran habis.") || !strings.Contains(text, "Tidak ada dana yang terpotong.") {
		b.fail("expired note", fmt.Errorf("%q", text))
	}
	b.shot("invoice-expired-desktop")
	if p := a.payment(t, va); p.Status != "expired" {
		b.fail("REST: expired payment", fmt.Errorf("%+v", p))
	}
	if o := a.orderByNumber(t, vaView.Order.OrderNumber); o.Status != "expired" {
		b.fail("REST: expired order", fmt.Errorf("%+v", o))
	}

	// A paid order the provider fails (its simulator fails numbers ending in
	// 999): the guest has no wallet, so the invoice says what the store owes.
	b.do("back to the store", 15*time.Second, chromedp.Click(tid("nav-store")))
	b.pickProduct("TELKOMSEL_10K")
	b.do("a number the provider fails, QRIS", 10*time.Second,
		chromedp.SendKeys(tid("input-target"), "081234567999"),
		chromedp.Click(chromedp.CSS(`[data-testid="channel"][data-code="QRIS"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="channel"][data-code="QRIS"] input:checked`)),
	)
	number := b.checkout()
	view := a.checkoutView(t, number, b.storedToken(number))
	b.expectRefusal(404, "/favicon.ico")
	b.do("pay on the Tripay page", 20*time.Second,
		chromedp.Navigate(view.Payment.CheckoutURL),
		chromedp.WaitVisible(chromedp.CSS(`form:has(input[name="action"][value="pay"]) button`)),
		chromedp.Click(chromedp.CSS(`form:has(input[name="action"][value="pay"]) button`)),
	)
	b.waitLocation(a.store+"/", 15*time.Second)
	failed := chromedp.CSS(fmt.Sprintf(`html[data-ready="true"] [data-testid="invoice"][data-number=%q][data-state="failed"] [data-testid="invoice-refund"]`, number))
	b.do("the order fails", finalWait, chromedp.Navigate(a.store+"/bayar/"+number), chromedp.WaitVisible(failed))
	p := a.payment(t, number)
	if p.Status != "paid" || p.RefundDue <= 0 {
		b.fail("REST: a refund due", fmt.Errorf("payment %+v", p))
	}
	if o := a.orderByNumber(t, view.Order.OrderNumber); o.Status != "failed" {
		b.fail("REST: failed order", fmt.Errorf("%+v", o))
	}
	want := "Dana " + rupiah(p.RefundDue) + " akan dikembalikan oleh admin. Kami menghubungi Anda lewat WhatsApp."
	b.textIs("refund due", tid("invoice-refund"), want)
	b.shot("invoice-refund-due-desktop")

	// A reload shows the same invoice: number, state and the refund line.
	b.do("reload the invoice", 20*time.Second, chromedp.Reload(), chromedp.WaitVisible(failed))
	b.textIs("refund due after a reload", tid("invoice-refund"), want)
	if at := run(b, "location", 5*time.Second, chromedp.Evaluate[string](`location.pathname`)); at != "/bayar/"+number {
		b.fail("the invoice's address", fmt.Errorf("at %s", at))
	}

	// The address, shared to another phone (nothing stored there), opens the
	// same invoice: it carries the invoice's token.
	shared := run(b, "address", 5*time.Second, chromedp.Evaluate[string](`location.href`))
	if want := "?token=" + b.storedToken(number); !strings.HasSuffix(shared, want) {
		b.fail("a shareable address", fmt.Errorf("%s, want …%s", shared, want))
	}
	other := newBrowser(t)
	other.do("open the shared address elsewhere", 30*time.Second,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
		chromedp.Navigate(shared),
		chromedp.WaitVisible(failed),
	)
	other.textIs("refund due elsewhere", tid("invoice-refund"), want)
	if msgs := other.consoleErrors(); len(msgs) > 0 {
		other.fail("browser console elsewhere", fmt.Errorf("errors:\n%s", strings.Join(msgs, "\n")))
	}

	if msgs := b.consoleErrors(); len(msgs) > 0 {
		b.fail("browser console", fmt.Errorf("errors:\n%s", strings.Join(msgs, "\n")))
	}
}
