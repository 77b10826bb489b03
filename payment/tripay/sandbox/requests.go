package sandbox

import (
	"encoding/json"
	"net/http"
	"net/url"
	"time"
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
	s.mu.Lock()
	defer s.mu.Unlock()
	rec.At = s.now()
	s.reqs = append(s.reqs, rec)
	return rec
}

func (s *Sandbox) setHTTPStatus(rec *Request, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec.HTTPStatus = status
}

// Requests returns a copy of the request log, oldest first.
func (s *Sandbox) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.reqs))
	for i, r := range s.reqs {
		out[i] = *r
		out[i].Query = cloneValues(r.Query)
		out[i].Body = append([]byte(nil), r.Body...)
	}
	return out
}

// Count returns how many logged requests hit endpoint (faulted and refused
// ones included). Tests use it to prove a create was sent exactly once.
func (s *Sandbox) Count(endpoint string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.reqs {
		if r.Endpoint == endpoint {
			n++
		}
	}
	return n
}

// ResetRequests empties the request log.
func (s *Sandbox) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = nil
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
