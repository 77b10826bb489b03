package hooks

import (
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// A brand's page (/beli/<slug>) is served with its own <title>, description
// and Open Graph tags, so a link shared on WhatsApp previews "Top up Mobile
// Legends" rather than the store's home (link previews run no JavaScript).
// The page is the storefront's index.html either way; the storefront finds
// the brand by the same slug.

// BrandSlug is a brand's address segment as the storefront makes it: the
// shown name in lower case, every run of other characters than a–z and 0–9
// one "-" ("Mobile Legends" → "mobile-legends").
func BrandSlug(display string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(display) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	return b.String()
}

// brandBySlug is the first active brand (the storefront's order: popular,
// sort, name) whose shown name makes slug.
func (s *Service) brandBySlug(slug string) *core.Record {
	rows, err := s.app.FindRecordsByFilter("brands", "active = true", "-popular,sort,display_name", 0, 0)
	if err != nil {
		return nil
	}
	for _, r := range rows {
		if BrandSlug(r.GetString("display_name")) == slug {
			return r
		}
	}
	return nil
}

// serveBrandPage answers GET /beli/{slug}: the index with the brand's head.
func (s *Service) serveBrandPage(fsys fs.FS) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		raw, err := fs.ReadFile(fsys, "index.html")
		if err != nil {
			return e.NotFoundError("", nil)
		}
		var own *pageHead
		if b := s.brandBySlug(e.Request.PathValue("slug")); b != nil {
			own = s.brandHead(b)
		}
		page, _ := s.renderPage(raw, time.Time{}, own)
		e.Response.Header().Set("Cache-Control", "no-cache")
		return e.Blob(http.StatusOK, "text/html; charset=utf-8", page)
	}
}

// brandHead is what a brand's page says of itself.
func (s *Service) brandHead(b *core.Record) *pageHead {
	name := b.GetString("display_name")
	h := &pageHead{title: name + " — " + s.storeName(), desc: strings.TrimSpace(b.GetString("help"))}
	if h.desc == "" {
		h.desc = "Top up " + name + " di " + s.storeName() + ": pilih nominal, bayar dengan QRIS, e-wallet, virtual account atau gerai retail."
	}
	if logo := b.GetString("logo"); logo != "" {
		h.image = "/api/files/" + b.Collection().Id + "/" + b.Id + "/" + logo
	}
	return h
}
