package sandbox

import (
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/vipbase/vipbase/internal/simhttp"
)

// Request is one logged HTTP request. Signature fields and the
// Authorization header are never kept.
type Request struct {
	Endpoint   string // EndpointCreate, EndpointDetail, … (or the unknown path)
	Method     string
	Query      url.Values // the URL query
	Body       []byte     // the request body (JSON or form), without its signature field
	At         time.Time  // sandbox clock when it arrived
	HTTPStatus int        // status written; 0 while in flight or when the connection was dropped
}

// logRequest records a request as it arrives, so hung requests are visible.
func (s *Sandbox) logRequest(ep string, r *http.Request, body []byte) *Request {
	rec := &Request{Endpoint: ep, Method: r.Method, Query: r.URL.Query(), Body: append([]byte(nil), body...)}
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) == nil {
		if _, ok := obj["signature"]; ok {
			delete(obj, "signature")
			rec.Body, _ = json.Marshal(obj)
		}
	} else if form, err := url.ParseQuery(string(body)); err == nil && form.Has("signature") {
		form.Del("signature")
		rec.Body = []byte(form.Encode())
	}
	return s.reqs.Add(rec, func(r *Request) { r.At = s.now() })
}

func (s *Sandbox) setHTTPStatus(rec *Request, status int) {
	s.reqs.Update(rec, func(r *Request) { r.HTTPStatus = status })
}

// Requests returns a copy of the request log, oldest first.
func (s *Sandbox) Requests() []Request {
	return s.reqs.Entries(func(r Request) Request {
		r.Query = simhttp.CloneValues(r.Query)
		r.Body = append([]byte(nil), r.Body...)
		return r
	})
}

// Count returns how many logged requests hit endpoint (faulted and refused
// ones included). Tests use it to prove a create was sent exactly once.
func (s *Sandbox) Count(endpoint string) int {
	return s.reqs.Count(func(r *Request) bool { return r.Endpoint == endpoint })
}

// ResetRequests empties the request log.
func (s *Sandbox) ResetRequests() { s.reqs.Reset() }
