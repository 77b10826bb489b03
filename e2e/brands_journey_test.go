//go:build browser

package e2e

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// brandRow is a brands row as the REST API shows it.
type brandRow struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
	Category    string `json:"category"`
	Popular     bool   `json:"popular"`
}

// tileGroup is one heading and its tiles, as the home shows them.
type tileGroup struct {
	Group string `json:"group"`
	Title string `json:"title"`
	Tiles []struct {
		Brand string `json:"brand"`
		Name  string `json:"name"`
	} `json:"tiles"`
}

const tileGroupsJS = `Array.from(document.querySelectorAll('[data-testid="brand-group"]')).map((g) => ({
  group: g.dataset.group,
  title: g.querySelector('h2').textContent.trim(),
  tiles: Array.from(g.querySelectorAll('[data-testid="brand-tile"]')).map((t) => ({ brand: t.dataset.brand, name: t.querySelector('.tile-name').textContent.trim() })),
}))`

// TestBrandsJourney is the operator naming the shop and a brand over REST,
// then a shopper on a phone: the home shows the store's name, the brands as
// tiles under Indonesian headings with tidy names and the edited one first
// in its group, the customer-service footer; a tile opens its products and
// the brand's help text sits above the order form's target field.
func TestBrandsJourney(t *testing.T) {
	a := startApp(t)
	b := newBrowser(t)

	var store struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	a.mustCall(t, "GET", "/api/collections/store/records?perPage=1", nil, &store)
	if len(store.Items) != 1 {
		t.Fatalf("store rows: %+v", store.Items)
	}
	a.mustCall(t, "PATCH", "/api/collections/store/records/"+store.Items[0].ID, map[string]any{
		"name": "Toko Juara", "tagline": "Top up cepat 24 jam", "cs_whatsapp": "0812-3456-7890", "cs_email": "cs@tokojuara.test",
		"terms":         "1. Pastikan ID tujuan benar.\n2. Pesanan yang sudah diproses tidak dapat dibatalkan.",
		"refund_policy": "Pesanan gagal dikembalikan penuh dalam 1×24 jam.",
	}, nil)

	var list struct {
		Items []brandRow `json:"items"`
	}
	a.mustCall(t, "GET", "/api/collections/brands/records?perPage=500&filter="+url.QueryEscape(`name="Spotify Premium"`), nil, &list)
	if len(list.Items) != 1 || list.Items[0].Category != "streaming" || list.Items[0].Popular {
		t.Fatalf("Spotify's brand row as synced: %+v", list.Items)
	}
	const help = "Akun dikirim ke email Anda setelah pembayaran."
	a.mustCall(t, "PATCH", "/api/collections/brands/records/"+list.Items[0].ID,
		map[string]any{"display_name": "Spotify", "popular": true, "help": help}, nil)

	b.openHomeOnPhone(a)
	b.textIs("store name in the header", tid("logo"), "Toko Juara")
	b.textIs("tagline", tid("store-tagline"), "Top up cepat 24 jam")

	groups := run(b, "read the tiles", 5*time.Second, chromedp.Evaluate[[]tileGroup](tileGroupsJS))
	byGroup := map[string]tileGroup{}
	var order []string
	for _, g := range groups {
		byGroup[g.Group] = g
		order = append(order, g.Group)
		for _, tile := range g.Tiles {
			if strings.HasSuffix(tile.Name, " A") || strings.HasSuffix(tile.Name, " B") || strings.Contains(tile.Name, "INDO") {
				b.fail("tidy names", fmt.Errorf("tile %q (%s) keeps a provider suffix", tile.Name, tile.Brand))
			}
		}
	}
	if len(order) == 0 || order[0] != "popular" {
		b.fail("popular first", fmt.Errorf("groups %v", order))
	}
	for group, title := range map[string]string{"popular": "Populer", "game": "Game", "streaming": "Streaming & Aplikasi",
		"pulsa": "Pulsa & Data", "social": "Sosial Media"} {
		if byGroup[group].Title != title || len(byGroup[group].Tiles) == 0 {
			b.fail("group "+group, fmt.Errorf("%+v", byGroup[group]))
		}
	}
	if s := byGroup["streaming"].Tiles[0]; s.Brand != "Spotify Premium" || s.Name != "Spotify" {
		b.fail("the edited, popular brand leads its group", fmt.Errorf("first streaming tile %+v", s))
	}
	popular := map[string]bool{}
	for _, tile := range byGroup["popular"].Tiles {
		popular[tile.Name] = true
	}
	for _, name := range []string{"Spotify", "Mobile Legends", "Telkomsel"} {
		if !popular[name] {
			b.fail("popular tiles", fmt.Errorf("%q missing from %+v", name, byGroup["popular"].Tiles))
		}
	}

	// The footer: customer service and the texts.
	href := run(b, "WhatsApp link", 5*time.Second, chromedp.Evaluate[string](`document.querySelector('[data-testid="footer-cs-whatsapp"]').href`))
	if href != "https://wa.me/6281234567890" {
		b.fail("WhatsApp link", fmt.Errorf("href %q", href))
	}
	b.textIs("e-mail", tid("footer-cs-email"), "cs@tokojuara.test")
	b.do("open the terms", 10*time.Second,
		chromedp.Click(chromedp.CSS(`[data-testid="footer-terms"] summary`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="footer-terms"] .legal-text`)),
	)
	if got := b.text("terms", chromedp.CSS(`[data-testid="footer-terms"] .legal-text`)); !strings.Contains(got, "Pastikan ID tujuan benar.") {
		b.fail("terms text", fmt.Errorf("%q", got))
	}
	b.do("the refund policy is there too", 5*time.Second, chromedp.WaitVisible(tid("footer-refund")))
	b.do("back to the top", 5*time.Second, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	b.shot("brands-home-phone")
	b.screen("brands-home-phone-top")
	b.do("scroll to the streaming group", 5*time.Second, chromedp.Evaluate[chromedp.Void](
		`document.querySelector('[data-testid="brand-group"][data-group="streaming"]').scrollIntoView()`))
	b.screen("brands-home-phone-middle")
	b.do("scroll to the footer", 5*time.Second, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, document.body.scrollHeight)`))
	b.screen("brands-home-phone-footer")

	// A tile opens its products; the help text sits above the target field.
	b.do("tap Spotify", 15*time.Second,
		chromedp.Click(chromedp.CSS(`[data-testid="brand-group"][data-group="streaming"] [data-testid="brand-tile"][data-brand="Spotify Premium"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="brand-head"][data-brand="Spotify Premium"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="product"][data-code^="SPOTIFY"]`)),
	)
	b.textIs("brand heading", chromedp.CSS(`[data-testid="brand-head"] .brand-name`), "Spotify")
	codes := run(b, "product codes", 5*time.Second, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('[data-testid="products"] [data-testid="product"]')).map((p) => p.dataset.code)`))
	for _, c := range codes {
		if !strings.HasPrefix(c, "SPOTIFY") {
			b.fail("only Spotify's products", fmt.Errorf("codes %v", codes))
		}
	}
	b.shot("brand-products-phone")
	b.do("let the scroll settle", 5*time.Second, chromedp.Sleep(600*time.Millisecond))
	b.screen("brand-products-phone-screen")
	b.do("choose a Spotify product", 15*time.Second,
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-testid="product"][data-code=%q]`, codes[0]))),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`[data-testid="order-form"][data-code=%q]`, codes[0]))),
		chromedp.WaitVisible(tid("brand-help")),
	)
	b.textIs("help above the target", tid("brand-help"), help)
	if !strings.HasPrefix(b.text("order heading", tid("order-product")), "Spotify — ") {
		b.fail("order heading", fmt.Errorf("%q", b.text("order heading", tid("order-product"))))
	}
	above := run(b, "help before the target field", 5*time.Second, chromedp.Evaluate[bool](
		`!!(document.querySelector('[data-testid="brand-help"]').compareDocumentPosition(document.querySelector('[data-testid="input-target"]')) & Node.DOCUMENT_POSITION_FOLLOWING)`))
	if !above {
		b.fail("help above the target", fmt.Errorf("brand-help is not before input-target"))
	}
	b.screen("brand-order-phone-screen") // before shot: a full-page capture moves the scroll
	b.shot("brand-order-phone")

	// A tile's page is /beli/<brand>; "Semua produk" leads back to the home,
	// whose search box filters the tiles (and still the products).
	if at := run(b, "brand page", 5*time.Second, chromedp.Evaluate[string](`location.pathname`)); at != "/beli/spotify" {
		b.fail("Spotify's page", fmt.Errorf("at %s, want /beli/spotify", at))
	}
	b.do("search legends", 10*time.Second,
		chromedp.Click(tid("brand-back")),
		chromedp.WaitVisible(tid("search")),
		chromedp.SendKeys(tid("search"), "legends"),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-testid="brand-tile"][data-brand="Free Fire"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="brand-tile"][data-brand^="Mobile Legends"]`)),
	)

	// Desktop: the same home, wider grid.
	b.do("open the home on a desktop", 30*time.Second,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(a.store+"/"),
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`html[data-ready="true"] [data-testid="brand-tile"]`)),
	)
	b.shot("brands-home-desktop")
	b.screen("brands-home-desktop-screen")
	if msgs := b.consoleErrors(); len(msgs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(msgs, "\n"))
	}
	t.Logf("screenshots: %s", b.artifacts)
}

// screen saves what the viewport shows (shot saves the whole page).
func (b *browser) screen(name string) {
	b.t.Helper()
	buf := run(b, "screenshot "+name, 15*time.Second, chromedp.CaptureScreenshot())
	if err := os.WriteFile(filepath.Join(b.artifacts, name+".png"), buf, 0o644); err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
	}
}
