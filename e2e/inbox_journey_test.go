//go:build browser

package e2e

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// inboxWait bounds the wait for a WhatsApp message in the sandbox inbox
// after its order finished: the outbox worker is woken by the commit and
// paces WhatsApp sends 2 s apart.
const inboxWait = 20 * time.Second

// The sandbox's demo shopper (hooks.DemoEmail, hooks.DemoPassword, hooks.DemoDeposit).
const (
	demoEmail    = "demo@vipbase.test"
	demoPassword = "demo12345"
	demoDeposit  = 1_000_000
)

// TestSandboxInboxJourney follows the shop's WhatsApp messages into the
// sandbox inbox (/_sandbox/inbox), on a 375 px phone: a guest who keeps
// "Kirim status pesanan ke WhatsApp saya" checked gets the payment and the
// success message of the order; a guest who unchecks it gets none; a member
// sets the WhatsApp number in Dompet → Akun (a bad number is refused and
// not saved) and gets the success message of a wallet purchase there.
func TestSandboxInboxJourney(t *testing.T) {
	started := time.Now()
	a := startApp(t)
	b := newBrowser(t)
	tel := a.product(t, "TELKOMSEL_10K")

	// In sandbox mode the store links to the inbox, in a new tab.
	b.do("open the store as a guest", 30*time.Second,
		chromedp.EmulateViewport(375, 812, chromedp.EmulateScale(2)),
		chromedp.Navigate(a.store+"/"),
		chromedp.WaitVisible(chromedp.CSS(`html[data-ready="true"] [data-testid="product"]`)),
		chromedp.WaitVisible(tid("sandbox-inbox-link")),
	)
	link := run(b, "inbox link", 5*time.Second, chromedp.Evaluate[map[string]string](`(() => {
	  const l = document.querySelector('[data-testid="sandbox-inbox-link"]');
	  return {href: l.href, target: l.target, rel: l.rel, text: l.textContent.trim()};
	})()`))
	if link["href"] != a.store+"/_sandbox/inbox" || link["target"] != "_blank" || !slices.Contains(strings.Fields(link["rel"]), "noopener") ||
		link["text"] != "Kotak masuk simulasi (WhatsApp & email)" {
		b.fail("inbox link", fmt.Errorf("%v", link))
	}

	// Guest 1 keeps the WhatsApp messages (the default).
	b.pickProduct("TELKOMSEL_10K")
	b.textIs("WhatsApp checkbox label", chromedp.CSS(`label:has([data-testid="input-notify-whatsapp"])`), "Kirim status pesanan ke WhatsApp saya")
	if !b.checked("input-notify-whatsapp") {
		b.fail("WhatsApp checkbox", fmt.Errorf("not checked by default"))
	}
	b.fillGuest("081299990001")
	b.shot("checkout-notify-phone")
	first := b.payGuestByQRIS(a, tel)

	// Guest 2 unchecks it.
	b.do("back to the store", 15*time.Second, chromedp.Click(tid("nav-store")))
	b.pickProduct("TELKOMSEL_10K")
	b.fillGuest("081299990002")
	b.do("uncheck WhatsApp", 5*time.Second, chromedp.Click(tid("input-notify-whatsapp")))
	if b.checked("input-notify-whatsapp") {
		b.fail("uncheck WhatsApp", fmt.Errorf("still checked"))
	}
	b.shot("checkout-notify-off-phone")
	second := b.payGuestByQRIS(a, tel)
	if on := a.orderNotify(t, first); !on {
		t.Errorf("REST: order %s has notify_whatsapp false, want true (checkbox left checked)", first)
	}
	if on := a.orderNotify(t, second); on {
		t.Errorf("REST: order %s has notify_whatsapp true, want false (checkbox unchecked)", second)
	}

	// The inbox: both messages of the first order, none for the second guest.
	// The inbox page has no favicon of its own.
	b.expectRefusal(404, "/favicon.ico")
	b.do("open the inbox", 20*time.Second,
		chromedp.Navigate(a.store+"/_sandbox/inbox"),
		chromedp.Poll[chromedp.Void](`document.querySelector('[data-testid="inbox-thread"]') || !document.querySelector('[data-testid="inbox-empty"]').hidden`,
			chromedp.WithPollingInterval(200*time.Millisecond)),
	)
	b.waitWhatsApp("6281299990001", "payment received for "+first, func(m string) bool {
		return strings.Contains(m, "pembayaran kamu sudah kami terima") && strings.Contains(m, "No. pesanan: *"+first+"*")
	})
	b.waitWhatsApp("6281299990001", "success of "+first, func(m string) bool {
		return strings.Contains(m, "Pesanan *"+first+"* berhasil")
	})
	b.noWhatsApp("6281299990002", second)
	b.shot("inbox-phone")

	// A member: Dompet → Akun shows the account's number and choice.
	b.do("log in as the demo shopper", 30*time.Second,
		chromedp.Navigate(a.store+"/masuk"),
		chromedp.WaitVisible(chromedp.CSS(`html[data-ready="true"] [data-testid="auth-email"]`)),
		chromedp.SendKeys(tid("auth-email"), demoEmail),
		chromedp.SendKeys(tid("auth-password"), demoPassword),
		chromedp.Click(tid("auth-submit")),
		chromedp.WaitVisible(balanceIs(demoDeposit)),
		chromedp.WaitNotVisible(tid("toast")), // "Berhasil masuk." would cover the card in the screenshots
	)
	user := a.userID(t, demoEmail)
	b.do("open Dompet", 15*time.Second,
		chromedp.Click(tid("nav-wallet")),
		chromedp.WaitVisible(tid("account-form")),
		chromedp.ScrollIntoView(tid("account-form")),
	)
	if got := b.value("input-account-phone"); got != "6281200000001" {
		b.fail("account phone", fmt.Errorf("shows %q, want the stored 6281200000001", got))
	}
	if !b.checked("input-account-notify") {
		b.fail("account toggle", fmt.Errorf("WhatsApp messages shown off for the demo shopper"))
	}
	b.shot("account-phone")

	// A bad number: the field says so, nothing is saved.
	b.expectRefusal(400, "/api/collections/users/records/")
	b.typeInto("input-account-phone", "12345")
	b.do("save a bad number", 15*time.Second,
		chromedp.Click(tid("account-save")),
		chromedp.WaitVisible(tid("error-account-phone")),
	)
	b.textIs("bad number", tid("error-account-phone"), "Nomor WhatsApp tidak valid. Contoh: 081234567890.")
	b.textIs("nothing saved said", tid("account-result"), "")
	b.shot("account-invalid-phone")
	if u := a.user(t, user); u.Phone != "6281200000001" || !u.NotifyWhatsApp {
		t.Errorf("REST: after a refused number the account has %+v, want 6281200000001 with messages on", u)
	}

	// A good number, typed the local way, stored normalised.
	b.typeInto("input-account-phone", "081299990003")
	b.do("save the number", 15*time.Second,
		chromedp.Click(tid("account-save")),
		chromedp.Poll[chromedp.Void](`document.querySelector('[data-testid="account-result"]').textContent === 'Tersimpan.'`,
			chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.WaitEnabled(tid("account-save")),
	)
	if msg := b.text("error cleared", tid("error-account-phone")); msg != "" {
		b.fail("error cleared", fmt.Errorf("still shows %q", msg))
	}
	b.shot("account-saved-phone")
	if u := a.user(t, user); u.Phone != "6281299990003" || !u.NotifyWhatsApp {
		t.Errorf("REST: the account has %+v, want 6281299990003 with messages on", u)
	}
	if got := run(b, "auth record", 5*time.Second, chromedp.Evaluate[string](
		`(JSON.parse(localStorage.getItem('pocketbase_auth') || '{}').record || {}).phone || ''`)); got != "6281299990003" {
		b.fail("auth record refreshed", fmt.Errorf("the stored auth record has phone %q", got))
	}

	// A wallet purchase: the member's account decides, no checkbox at checkout.
	b.do("back to the store", 15*time.Second, chromedp.Click(tid("nav-store")))
	b.pickProduct("TELKOMSEL_10K")
	if n := run(b, "no checkbox for members", 5*time.Second, chromedp.Evaluate[int](
		`[...document.querySelectorAll('[data-testid="input-notify-whatsapp"]')].filter((e) => e.checkVisibility()).length`)); n != 0 {
		b.fail("no checkbox for members", fmt.Errorf("the WhatsApp checkbox is shown to a member"))
	}
	third := b.buy(a, user, tel, "081234567890")
	b.waitStatus(third, "success")
	b.shot("member-order-success-phone")

	b.do("open the inbox again", 20*time.Second,
		chromedp.Navigate(a.store+"/_sandbox/inbox"),
		chromedp.WaitVisible(tid("inbox-thread")),
	)
	b.waitWhatsApp("6281299990003", "success of "+third, func(m string) bool {
		return strings.Contains(m, "Pesanan *"+third+"* berhasil")
	})
	// By now the worker has long had the second guest's order.
	b.noWhatsApp("6281299990002", second)
	if n := a.whatsAppTo(t, "6281299990002"); n != 0 {
		t.Errorf("REST: %d WhatsApp notifications to 6281299990002, want none", n)
	}
	b.shot("inbox-member-phone")

	if msgs := b.consoleErrors(); len(msgs) > 0 {
		b.fail("browser console", fmt.Errorf("errors:\n%s", strings.Join(msgs, "\n")))
	}
	t.Logf("screenshots: %s", b.artifacts)
	t.Logf("inbox journey took %s", time.Since(started).Round(time.Millisecond))
}

// fillGuest fills the picked product's number, the guest's WhatsApp number
// (replacing the one the device remembered) and QRIS.
func (b *browser) fillGuest(whatsapp string) {
	b.t.Helper()
	b.typeInto("input-phone", whatsapp)
	b.do("fill the number and QRIS", 10*time.Second,
		chromedp.SendKeys(tid("input-target"), "081234567890"),
		chromedp.Click(chromedp.CSS(`[data-testid="channel"][data-code="QRIS"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="channel"][data-code="QRIS"] input:checked`)),
		chromedp.ScrollIntoView(tid("input-notify-whatsapp")),
	)
}

// payGuestByQRIS checks out, pays on the Tripay simulator's page as
// TestGuestCheckoutJourney does, comes back to the invoice, waits for the
// order to succeed and returns its order number.
func (b *browser) payGuestByQRIS(a *app, p product) string {
	b.t.Helper()
	order := b.payOnTripay(a, p, b.checkout())
	b.do("the SN on the invoice", 5*time.Second, chromedp.WaitVisible(tid("invoice-sn")))
	return order
}

// payOnTripay pays the invoice on screen (payment number) on the Tripay
// simulator's page, comes back to it, waits for the order to succeed and
// returns its order number.
func (b *browser) payOnTripay(a *app, p product, number string) string {
	b.t.Helper()
	view := a.checkoutView(b.t, number, b.storedToken(number))
	if view.Payment.Amount != p.Price || view.Order.OrderNumber == "" {
		b.fail("checkout as the API says", fmt.Errorf("%+v", view))
	}
	href := run(b, "checkout link", 5*time.Second, chromedp.Evaluate[string](`document.querySelector('[data-testid="invoice-checkout-link"]').href`))
	b.expectRefusal(404, "/favicon.ico")
	b.do("pay on the Tripay page", 20*time.Second,
		chromedp.Navigate(href),
		chromedp.WaitVisible(chromedp.CSS(`form:has(input[name="action"][value="pay"]) button`)),
		chromedp.Click(chromedp.CSS(`form:has(input[name="action"][value="pay"]) button`)),
	)
	b.waitLocation(a.store+"/", 15*time.Second)
	b.do("back to the invoice", 20*time.Second,
		chromedp.Navigate(a.store+"/bayar/"+number),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`[data-testid="invoice"][data-number=%q]`, number))),
	)
	b.do("order "+view.Order.OrderNumber+" succeeds", finalWait,
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="invoice"][data-state="success"]`)),
		chromedp.WaitVisible(tid("sandbox-hint")),
	)
	b.shot("invoice-success-" + view.Order.OrderNumber)
	return view.Order.OrderNumber
}

// typeInto replaces an input's value by typing.
func (b *browser) typeInto(name, text string) {
	b.t.Helper()
	b.do("type "+text+" into "+name, 10*time.Second,
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector('[data-testid=%q]').value = ''`, name)),
		chromedp.SendKeys(tid(name), text),
	)
}

func (b *browser) checked(name string) bool {
	b.t.Helper()
	return run(b, name+" checked", 5*time.Second, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector('[data-testid=%q]').checked`, name)))
}

func (b *browser) value(name string) string {
	b.t.Helper()
	return run(b, name+" value", 5*time.Second, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector('[data-testid=%q]').value`, name)))
}

// whatsAppShown is the text of every WhatsApp message the inbox page shows to a number.
func (b *browser) whatsAppShown(to string) []string {
	b.t.Helper()
	return run(b, "inbox messages to "+to, 5*time.Second, chromedp.Evaluate[[]string](fmt.Sprintf(
		`Array.from(document.querySelectorAll('[data-testid="inbox-thread"][data-to=%q] [data-testid="inbox-message"][data-channel="whatsapp"]'), (m) => m.innerText)`, to)))
}

// waitWhatsApp waits (the page updates itself) for a WhatsApp message to a
// number that satisfies match.
func (b *browser) waitWhatsApp(to, what string, match func(string) bool) {
	b.t.Helper()
	deadline := time.Now().Add(inboxWait)
	for {
		msgs := b.whatsAppShown(to)
		if slices.ContainsFunc(msgs, match) {
			return
		}
		if time.Now().After(deadline) {
			b.fail("WhatsApp to "+to+": "+what, fmt.Errorf("not in the inbox after %s; messages shown to %s: %q", inboxWait, to, msgs))
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// noWhatsApp checks that the inbox shows no thread for a number.
func (b *browser) noWhatsApp(to, number string) {
	b.t.Helper()
	if n := run(b, "no thread for "+to, 5*time.Second, chromedp.Evaluate[int](fmt.Sprintf(
		`document.querySelectorAll('[data-testid="inbox-thread"][data-to=%q]').length`, to))); n != 0 {
		b.fail("no WhatsApp to "+to, fmt.Errorf("the inbox has a thread for %s (order %s opted out): %q", to, number, b.whatsAppShown(to)))
	}
}

type userRow struct {
	ID             string `json:"id"`
	Phone          string `json:"phone"`
	NotifyWhatsApp bool   `json:"notify_whatsapp"`
	Balance        int64  `json:"balance"`
}

func (a *app) userID(t *testing.T, email string) string {
	t.Helper()
	var list struct {
		Items []userRow `json:"items"`
	}
	a.mustCall(t, "GET", "/api/collections/users/records?filter="+url.QueryEscape(fmt.Sprintf("email=%q", email)), nil, &list)
	if len(list.Items) != 1 {
		t.Fatalf("user %s: %+v", email, list.Items)
	}
	return list.Items[0].ID
}

func (a *app) user(t *testing.T, id string) userRow {
	t.Helper()
	var u userRow
	a.mustCall(t, "GET", "/api/collections/users/records/"+id, nil, &u)
	return u
}

// orderNotify is the order's notify_whatsapp, as the checkout stored it.
func (a *app) orderNotify(t *testing.T, number string) bool {
	t.Helper()
	var list struct {
		Items []struct {
			NotifyWhatsApp bool `json:"notify_whatsapp"`
		} `json:"items"`
	}
	a.mustCall(t, "GET", "/api/collections/orders/records?filter="+url.QueryEscape(fmt.Sprintf("number=%q", number)), nil, &list)
	if len(list.Items) != 1 {
		t.Fatalf("order %s: %+v", number, list.Items)
	}
	return list.Items[0].NotifyWhatsApp
}

// whatsAppTo counts the outbox's WhatsApp rows to a number, whatever their status.
func (a *app) whatsAppTo(t *testing.T, to string) int {
	t.Helper()
	var list struct {
		TotalItems int `json:"totalItems"`
	}
	a.mustCall(t, "GET", "/api/collections/notifications/records?perPage=1&filter="+
		url.QueryEscape(fmt.Sprintf(`channel="whatsapp" && to=%q`, to)), nil, &list)
	return list.TotalItems
}
