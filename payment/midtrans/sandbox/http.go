package sandbox

import (
	"bytes"
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/vipbase/vipbase/internal/simhttp"
)

// Endpoint names, in Request.Endpoint, Count and Fault.Endpoint.
const (
	EndpointCreate  = "snap/transactions" // POST {snap}/transactions
	EndpointStatus  = "status"            // GET {core}/{order_id}/status
	EndpointCancel  = "cancel"            // POST {core}/{order_id}/cancel
	EndpointExpire  = "expire"            // POST {core}/{order_id}/expire
	EndpointPayPage = "snap/vtweb"        // GET/POST /snap/v2/vtweb/{token}, the hosted page
)

// Midtrans's messages, as its APIs answer them.
const (
	msgUnauthorized = "Access denied due to unauthorized transaction, please check client or server key"
	msgNotFound     = "Transaction doesn't exist."
	msgCannotModify = "Merchant cannot modify the status of the transaction"
	msgDuplicate    = "transaction_details.order_id sudah digunakan"
)

// reply is a complete HTTP answer, built under the lock and written outside it.
type reply struct {
	status int
	ctype  string
	body   []byte
	header http.Header
}

func jsonReply(status int, v any) reply {
	return reply{status: status, ctype: "application/json", body: simhttp.Marshal(v)}
}

// coreError is the Core API's error answer; the HTTP status matches status_code.
func coreError(status int, code, msg string) reply {
	return jsonReply(status, map[string]string{"status_code": code, "status_message": msg})
}

// snapError is Snap's error answer: {"error_messages": [...]}.
func snapError(status int, msgs ...string) reply {
	return jsonReply(status, map[string][]string{"error_messages": msgs})
}

func writeReply(w http.ResponseWriter, rep reply) {
	for k, v := range rep.header {
		w.Header()[k] = v
	}
	if rep.ctype != "" {
		w.Header().Set("Content-Type", rep.ctype)
	}
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body)
}

// route finds the endpoint from the end of the path, so any base works
// (/snap/v1/…, /v2/…, or a prefix before them): the prefix before the Snap
// paths (for redirect_url) and the token or order_id.
func route(path string) (ep, prefix, id string, ok bool) {
	const page = "/snap/v2/vtweb/"
	if i := strings.Index(path, page); i >= 0 {
		id = strings.Trim(path[i+len(page):], "/")
		return EndpointPayPage, path[:i+1], id, id != "" && !strings.Contains(id, "/")
	}
	p := strings.TrimRight(path, "/")
	if strings.HasSuffix(p, "/transactions") {
		prefix = strings.TrimSuffix(p, "transactions")
		prefix = strings.TrimSuffix(prefix, "snap/v1/")
		return EndpointCreate, prefix, "", true
	}
	segs := strings.Split(strings.Trim(p, "/"), "/")
	if n := len(segs); n >= 2 {
		switch last := segs[n-1]; last {
		case EndpointStatus, EndpointCancel, EndpointExpire:
			return last, "", segs[n-2], segs[n-2] != ""
		}
	}
	return strings.Trim(p, "/"), "", "", false
}

// ServeHTTP serves Snap's create, the Core API's status, cancel and expire
// under any base path, and the hosted payment page. Other paths get 404.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ep, prefix, id, known := route(r.URL.Path)
	body := readBody(w, r)
	rec := s.logRequest(ep, id, r, body)
	sw := &simhttp.StatusWriter{ResponseWriter: w}
	defer func() { s.setHTTPStatus(rec, sw.Status) }()
	if !known {
		http.NotFound(sw, r)
		return
	}
	if ep == EndpointPayPage {
		writeReply(sw, s.servePage(r, body, id))
		return
	}
	base := s.cfg.PublicURL
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host + prefix
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	user, _, hasAuth := r.BasicAuth()
	s.serve(r.Context(), sw, call{ep: ep, method: r.Method, id: id, authed: hasAuth && s.keyOK(user),
		override: r.Header.Get("X-Override-Notification"), appendURL: r.Header.Get("X-Append-Notification"),
		body: body, base: base})
}

func (s *Sandbox) keyOK(user string) bool {
	return subtle.ConstantTimeCompare([]byte(user), []byte(s.cfg.ServerKey)) == 1
}

func readBody(w http.ResponseWriter, r *http.Request) []byte {
	if r.Body == nil {
		return nil
	}
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(http.MaxBytesReader(w, r.Body, 1<<20))
	return buf.Bytes()
}

// call is one API request, read and ready to answer.
type call struct {
	ep, method, id      string
	authed              bool
	override, appendURL string
	body                []byte
	base                string
}

// handle is the fault-free request path: auth, method, then the operation.
// The password of the Basic auth is ignored, as Midtrans documents it empty.
func (s *Sandbox) handle(c call) reply {
	if c.ep == EndpointCreate {
		if !c.authed {
			// Snap answers error_messages; the status fields make it readable
			// by a client that parses Core answers too.
			return jsonReply(http.StatusUnauthorized, map[string]any{"status_code": "401", "status_message": msgUnauthorized,
				"error_messages": []string{msgUnauthorized, "Visit https://snap-docs.midtrans.com/#request-headers for more details"}})
		}
		if c.method != http.MethodPost {
			return snapError(http.StatusMethodNotAllowed, "Method not allowed")
		}
		return s.create(c)
	}
	if !c.authed {
		return coreError(http.StatusUnauthorized, "401", msgUnauthorized)
	}
	want := http.MethodPost
	if c.ep == EndpointStatus {
		want = http.MethodGet
	}
	if c.method != want {
		return coreError(http.StatusMethodNotAllowed, "405", "Method not allowed")
	}
	switch c.ep {
	case EndpointStatus:
		return s.status(c.id)
	case EndpointCancel:
		return s.coreCancel(c.id)
	case EndpointExpire:
		return s.coreExpire(c.id)
	}
	return coreError(http.StatusNotFound, "404", msgNotFound)
}
