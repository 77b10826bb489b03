package sandbox

import (
	_ "embed" // the inbox page
	"encoding/json"
	"net/http"
	"strings"
)

// Paths of InboxHandler, matched on the end of the request path so the
// handler works under any mount point.
const (
	// InboxPath is where the hooks mount the page in serve --sandbox, and
	// where Server serves it.
	InboxPath = "/_sandbox/inbox"
	// MessagesSuffix ends the path of the JSON feed: <mount>/messages.json.
	MessagesSuffix = "/messages.json"
	// ResetSuffix ends the path that empties the inbox: POST <mount>/reset
	// with the header X-Sandbox-Inbox: reset (a header a cross-site form
	// cannot send).
	ResetSuffix = "/reset"
)

//go:embed inbox.html
var inboxPage []byte

// pageCSP allows the page only its inline script and style and fetches to
// its own origin; an e-mail's HTML part is shown in a sandboxed srcdoc
// frame, which inherits this policy, so it loads nothing from outside.
const pageCSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; " +
	"connect-src 'self'; img-src data:; frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"

// InboxHandler serves the inbox page and its feed. Mounted at M (for
// example InboxPath, registered for both M and M/{path...}), it answers:
//
//   - GET|HEAD …/messages.json (any path ending so): the messages, newest
//     first, as a JSON array of Message; ?since=<id> only those newer than
//     id (400 for an id that is not a number);
//   - POST …/reset with X-Sandbox-Inbox: reset: empties the inbox (204);
//   - GET|HEAD any other path (M, M/, M/index.html): the page, one
//     self-contained HTML document that polls <its own path without a
//     trailing slash>/messages.json every 2 s and renders every message
//     client-side with textContent;
//   - anything else: 405.
//
// Every answer is Cache-Control: no-store. The handler never checks who
// asks: mount it only in sandbox mode.
func (in *Inbox) InboxHandler() http.Handler {
	return http.HandlerFunc(in.serveInbox)
}

func (in *Inbox) serveInbox(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	path := strings.TrimRight(r.URL.Path, "/")
	get := r.Method == http.MethodGet || r.Method == http.MethodHead
	switch {
	case strings.HasSuffix(path, MessagesSuffix) && get:
		in.serveMessages(w, r)
	case strings.HasSuffix(path, ResetSuffix) && r.Method == http.MethodPost:
		if r.Header.Get("X-Sandbox-Inbox") != "reset" {
			http.Error(w, "missing header X-Sandbox-Inbox: reset", http.StatusBadRequest)
			return
		}
		in.Reset()
		w.WriteHeader(http.StatusNoContent)
	case get && !strings.HasSuffix(path, MessagesSuffix) && !strings.HasSuffix(path, ResetSuffix):
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", pageCSP)
		h.Set("Referrer-Policy", "no-referrer")
		_, _ = w.Write(inboxPage)
	default:
		h.Set("Allow", allowed(path))
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

func allowed(path string) string {
	if strings.HasSuffix(path, ResetSuffix) {
		return http.MethodPost
	}
	return "GET, HEAD"
}

func (in *Inbox) serveMessages(w http.ResponseWriter, r *http.Request) {
	msgs, ok := in.Since(r.URL.Query().Get("since"))
	if !ok {
		http.Error(w, "since must be a message id", http.StatusBadRequest)
		return
	}
	// encoding/json escapes <, > and & as \u003c…: the feed is inert even
	// if something renders it as HTML.
	body, err := json.Marshal(msgs)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(body)
}
