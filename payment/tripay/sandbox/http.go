package sandbox

import (
	"bytes"
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/vipbase/vipbase/internal/simhttp"
)

// Endpoint names, as in the URL path after the base (…/api-sandbox/), in
// Request.Endpoint and in Fault.Endpoint.
const (
	EndpointCreate       = "transaction/create"
	EndpointDetail       = "transaction/detail"
	EndpointCheckStatus  = "transaction/check-status"
	EndpointTransactions = "merchant/transactions"
	EndpointChannels     = "merchant/payment-channel"
	EndpointFeeCalc      = "merchant/fee-calculator"
	EndpointPayPage      = "sandbox/pay"     // GET sandbox/pay/{reference}
	EndpointControl      = "sandbox/control" // POST, the control API over HTTP
)

// Tripay's messages (English, as its API answers).
const (
	msgInvalidAPIKey = "Invalid API Key"
	msgBadSignature  = "Invalid signature"
	msgNotFound      = "Transaction not found"
)

var apiEndpoints = []string{EndpointCreate, EndpointDetail, EndpointCheckStatus, EndpointTransactions, EndpointChannels, EndpointFeeCalc}

// reply is a complete HTTP answer, built under the lock and written outside it.
type reply struct {
	status int
	ctype  string
	body   []byte
	header http.Header
}

type envelope struct {
	Success bool   `json:"success"`
	Message string `json:"message"`
	Data    any    `json:"data,omitempty"`
}

func okReply(data any, msg string) reply {
	return reply{status: http.StatusOK, ctype: "application/json", body: simhttp.Marshal(envelope{true, msg, data})}
}

func failReply(status int, msg string) reply {
	return reply{status: status, ctype: "application/json", body: simhttp.Marshal(envelope{false, msg, nil})}
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

// route finds the endpoint at the end of the path (any prefix: /api/,
// /api-sandbox/, none), the prefix before it and, for the pay page, the
// reference.
func route(path string) (ep, prefix, ref string, ok bool) {
	if i := strings.Index(path, "/"+EndpointPayPage+"/"); i >= 0 {
		ref = strings.Trim(path[i+len(EndpointPayPage)+2:], "/")
		return EndpointPayPage, path[:i+1], ref, ref != "" && !strings.Contains(ref, "/")
	}
	p := strings.TrimRight(path, "/")
	for _, e := range append(apiEndpoints, EndpointControl) {
		if p == e || strings.HasSuffix(p, "/"+e) {
			return e, p[:len(p)-len(e)], "", true
		}
	}
	return strings.Trim(p, "/"), "", "", false
}

// ServeHTTP serves the Tripay API endpoints under any base path, the pay
// page and the HTTP control API. Other paths get 404.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ep, prefix, ref, known := route(r.URL.Path)
	body := readBody(w, r)
	rec := s.logRequest(ep, r, body)
	sw := &simhttp.StatusWriter{ResponseWriter: w}
	defer func() { s.setHTTPStatus(rec, sw.Status) }()
	if !known {
		http.NotFound(sw, r)
		return
	}
	switch ep {
	case EndpointPayPage:
		writeReply(sw, s.payPage(ref, prefix))
		return
	case EndpointControl:
		writeReply(sw, s.controlHTTP(r, body, prefix))
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
	s.serve(r.Context(), sw, call{ep: ep, method: r.Method, auth: r.Header.Get("Authorization"),
		ctype: r.Header.Get("Content-Type"), query: r.URL.Query(), body: body, base: base})
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
	ep, method, auth, ctype string
	query                   map[string][]string
	body                    []byte
	base                    string
}

// handle is the fault-free request path: auth, then the operation.
func (s *Sandbox) handle(c call) reply {
	key, found := strings.CutPrefix(c.auth, "Bearer ")
	if !found || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(key)), []byte(s.cfg.APIKey)) != 1 {
		return failReply(http.StatusUnauthorized, msgInvalidAPIKey)
	}
	wantPost := c.ep == EndpointCreate
	if (c.method == http.MethodPost) != wantPost {
		return failReply(http.StatusMethodNotAllowed, "Method not allowed")
	}
	switch c.ep {
	case EndpointCreate:
		return s.create(c)
	case EndpointDetail:
		return s.detail(c.query)
	case EndpointCheckStatus:
		return s.checkStatus(c.query)
	case EndpointTransactions:
		return s.merchantTransactions(c.query)
	case EndpointChannels:
		return s.paymentChannels(c.query)
	case EndpointFeeCalc:
		return s.feeCalculator(c.query)
	}
	return failReply(http.StatusNotFound, "Not found")
}
