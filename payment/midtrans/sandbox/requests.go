package sandbox

import (
	"net/http"
	"net/url"
	"time"

	"github.com/vipbase/vipbase/internal/simhttp"
)

// Request is one logged HTTP request. The Authorization header is never kept.
type Request struct {
	Endpoint string // EndpointCreate, EndpointStatus, … (or the unknown path)
	Method   string
	OrderID  string // status, cancel, expire: the order_id of the path
	Token    string // the hosted page: the token of the path
	Query    url.Values
	Body     []byte
	// OverrideNotification is the X-Override-Notification header of a create.
	OverrideNotification string
	At                   time.Time // sandbox clock when it arrived
	HTTPStatus           int       // status written; 0 while in flight or when the connection was dropped
}

// logRequest records a request as it arrives, so hung requests are visible.
func (s *Sandbox) logRequest(ep, id string, r *http.Request, body []byte) *Request {
	rec := &Request{Endpoint: ep, Method: r.Method, Query: r.URL.Query(), Body: append([]byte(nil), body...),
		OverrideNotification: r.Header.Get("X-Override-Notification")}
	if ep == EndpointPayPage {
		rec.Token = id
	} else {
		rec.OrderID = id
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
