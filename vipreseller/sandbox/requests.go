package sandbox

import (
	"net/url"
	"time"
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
	rec := &Request{Endpoint: ep, Type: typ, Form: clean}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec.At = s.now()
	s.reqs = append(s.reqs, rec)
	if n := s.cfg.RequestLogLimit; n > 0 && len(s.reqs) > n {
		s.reqs[0] = nil
		s.reqs = s.reqs[1:] // append reallocates now and then, freeing the old front
	}
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
		out[i].Form = cloneValues(r.Form)
	}
	return out
}

// Count returns how many logged requests hit endpoint with type typ ("" for
// profile). Tests use it to prove an order was sent exactly once.
func (s *Sandbox) Count(endpoint, typ string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.reqs {
		if r.Endpoint == endpoint && r.Type == typ {
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
