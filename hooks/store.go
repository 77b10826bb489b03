package hooks

import (
	"bytes"
	"html"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// The store's identity lives in the one-row `store` collection (design §10):
// name, tagline, logo, customer-service contacts, terms. Messages sign with
// its name; the storefront's index.html gets its <title>, description,
// favicon and Open Graph tags from it, as served (crawlers and link previews
// run no JavaScript).

// CodeStoreSingleRow refuses a second store row or deleting the only one.
const CodeStoreSingleRow = "store_single_row"

const defaultStoreName = "vipbase"

// storeRow is the store's row, or nil.
//
// Every message signs with it, so it is read once and kept until the row
// is saved again (callers only read it).
func (s *Service) storeRow() *core.Record {
	if r := s.storeCache.Load(); r != nil {
		return r
	}
	recs, err := s.app.FindRecordsByFilter("store", "", "created", 1, 0)
	if err != nil || len(recs) == 0 {
		return nil
	}
	s.storeCache.Store(recs[0])
	return recs[0]
}

// storeName is what the shop calls itself: the store row's name, else
// Settings › Application name, else "vipbase".
func (s *Service) storeName() string {
	if r := s.storeRow(); r != nil {
		if n := strings.TrimSpace(r.GetString("name")); n != "" {
			return n
		}
	}
	if n := strings.TrimSpace(s.app.Settings().Meta.AppName); n != "" && n != "Acme" {
		return n
	}
	return defaultStoreName
}

func (s *Service) registerStore() {
	s.app.OnRecordCreateRequest("store").BindFunc(func(e *core.RecordRequestEvent) error {
		if n, _ := e.App.CountRecords("store"); n > 0 {
			return apiError(http.StatusBadRequest, CodeStoreSingleRow, "The store has one row: edit it instead of adding another.", nil)
		}
		return e.Next()
	})
	s.app.OnRecordDeleteRequest("store").BindFunc(func(e *core.RecordRequestEvent) error {
		return apiError(http.StatusBadRequest, CodeStoreSingleRow, "The store's row cannot be deleted: edit it instead.", nil)
	})
	s.app.OnRecordValidate("store").BindFunc(normalisePhoneField("cs_whatsapp"))
	forget := func(e *core.RecordEvent) error {
		s.storeCache.Store(nil)
		return e.Next()
	}
	s.app.OnRecordAfterCreateSuccess("store").BindFunc(forget)
	s.app.OnRecordAfterUpdateSuccess("store").BindFunc(forget)
	s.app.OnRecordAfterDeleteSuccess("store").BindFunc(forget)
}

// storeIndexFS serves fsys with its root index.html filled in from the
// store row.
type storeIndexFS struct {
	fs.FS
	s *Service
}

func (f storeIndexFS) Open(name string) (fs.File, error) {
	file, err := f.FS.Open(name)
	if err != nil || name != "index.html" {
		return file, err
	}
	defer file.Close()
	info, err := file.Stat()
	if err != nil {
		return nil, err
	}
	raw, err := fs.ReadFile(f.FS, name)
	if err != nil {
		return nil, err
	}
	page, mod := f.s.renderIndex(raw, info.ModTime())
	return &memFile{Reader: bytes.NewReader(page), info: memInfo{name: info.Name(), size: int64(len(page)), mod: mod}}, nil
}

// renderIndex puts the store's identity into the page's head: the page's
// own <title> and favicon line are replaced, the rest added after <title>.
func (s *Service) renderIndex(page []byte, mod time.Time) ([]byte, time.Time) {
	return s.renderPage(page, mod, nil)
}

// pageHead is what a page says of itself instead of the store's home: a
// brand's page (storefront_brand.go). Image is a path under the public URL.
type pageHead struct{ title, desc, image string }

func (s *Service) renderPage(page []byte, mod time.Time, own *pageHead) ([]byte, time.Time) {
	r := s.storeRow()
	name, tagline, icon, image := s.storeName(), "", "", ""
	if r != nil {
		tagline = strings.TrimSpace(r.GetString("tagline"))
		if logo := r.GetString("logo"); logo != "" {
			base := "/api/files/" + r.Collection().Id + "/" + r.Id + "/" + logo
			icon, image = base+"?thumb=64x64", base
		}
		if r.GetDateTime("updated").Time().After(mod) {
			mod = r.GetDateTime("updated").Time()
		}
	}
	title := name
	if tagline != "" {
		title += " — " + tagline
	}
	desc := tagline
	if desc == "" {
		desc = "Top up game, pulsa, data, PLN, e-money dan sosial media di " + name + "."
	}
	home := title
	if own != nil {
		title, desc = own.title, own.desc
		if own.image != "" {
			image = own.image
		}
	}
	esc := html.EscapeString
	head := `<title>` + esc(title) + `</title>
  <meta name="description" content="` + esc(desc) + `">
  <meta property="og:type" content="website">
  <meta property="og:site_name" content="` + esc(name) + `">
  <meta property="og:title" content="` + esc(title) + `">
  <meta property="og:description" content="` + esc(desc) + `">
  <meta name="vipbase-home-title" content="` + esc(home) + `">`
	if s.waSandbox != nil {
		// serve --sandbox: the storefront links the simulated inbox
		// without probing for it.
		head += `
  <meta name="vipbase-mode" content="sandbox">`
	}
	if image != "" {
		head += `
  <meta property="og:image" content="` + esc(s.publicURL()+image) + `">`
	}
	out := replaceBetween(page, "<title>", "</title>", head)
	if icon != "" {
		out = bytes.Replace(out, []byte(`<link rel="icon" href="data:,">`), []byte(`<link rel="icon" href="`+esc(icon)+`">`), 1)
	}
	return out, mod
}

// replaceBetween replaces the first open…close (both included) with repl.
func replaceBetween(page []byte, open, close, repl string) []byte {
	i := bytes.Index(page, []byte(open))
	j := bytes.Index(page, []byte(close))
	if i < 0 || j < i {
		return page
	}
	out := append([]byte{}, page[:i]...)
	out = append(out, repl...)
	return append(out, page[j+len(close):]...)
}

type memFile struct {
	*bytes.Reader
	info memInfo
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Close() error               { return nil }

type memInfo struct {
	name string
	size int64
	mod  time.Time
}

func (i memInfo) Name() string       { return i.name }
func (i memInfo) Size() int64        { return i.size }
func (i memInfo) Mode() fs.FileMode  { return 0o444 }
func (i memInfo) ModTime() time.Time { return i.mod }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }
