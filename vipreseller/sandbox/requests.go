package sandbox

import (
	"net/url"
	"time"

	"github.com/vipbase/vipbase/internal/simhttp"
)

// Request is one logged API call. Form holds the POST values without key and
// sign, so logs and assertions never carry the credentials.
type Request struct {
	Endpoint   string // game-feature, prepaid, social-media, profile (or the unknown path segment)
	Type       string // the type param; always "" for profile
	Form       url.Values
	At         time.Time // sandbox clock when the request arrived
	HTTPStatus int       // status written; 0 while in flight or when the connection was dropped
}

// logRequest records a request as it arrives, so hung requests are visible.
func (s *Sandbox) logRequest(ep, typ string, form url.Values) *Request {
	clean := make(url.Values, len(form))
	for k, v := range form {
		if k == "key" || k == "sign" {
			continue
		}
		clean[k] = append([]string(nil), v...)
	}
	return s.reqs.Add(&Request{Endpoint: ep, Type: typ, Form: clean}, func(r *Request) { r.At = s.now() })
}

func (s *Sandbox) setHTTPStatus(rec *Request, status int) {
	s.reqs.Update(rec, func(r *Request) { r.HTTPStatus = status })
}

// Requests returns a copy of the request log, oldest first.
func (s *Sandbox) Requests() []Request {
	return s.reqs.Entries(func(r Request) Request {
		r.Form = simhttp.CloneValues(r.Form)
		return r
	})
}

// Count returns how many logged requests hit endpoint with type typ ("" for
// profile). Tests use it to prove an order was sent exactly once.
func (s *Sandbox) Count(endpoint, typ string) int {
	return s.reqs.Count(func(r *Request) bool { return r.Endpoint == endpoint && r.Type == typ })
}

// ResetRequests empties the request log.
func (s *Sandbox) ResetRequests() { s.reqs.Reset() }
