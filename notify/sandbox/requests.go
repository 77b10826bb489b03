package sandbox

import (
	"net/http"
	"time"
)

// Request is one logged request to the send endpoint (or to a path the
// sandbox does not serve). The token and the message text are never kept:
// accepted messages are in the inbox.
type Request struct {
	At          time.Time // sandbox clock when it arrived
	Method      string
	Path        string
	Target      string    // the target form field as posted
	CountryCode string    // the countryCode form field as posted ("" = absent)
	Authorized  bool      // Authorization equalled the token
	Fault       FaultKind // the injected fault that shaped the answer; 0 = none
	HTTPStatus  int       // status written; 0 while in flight or when the connection was dropped
	Status      bool      // the JSON answer's status (false for non-JSON answers)
	Reason      string    // the JSON answer's reason, when status is false
	ID          string    // the first message id, when delivered (also under an Applied fault)
}

// logRequest records a request as it arrives, so hung requests are visible.
func (s *Sandbox) logRequest(r *http.Request, c call) *Request {
	s.hits.Add(1)
	rec := &Request{Method: r.Method, Path: r.URL.Path, Target: c.target, CountryCode: c.countryCode, Authorized: s.tokenOK(c.auth)}
	return s.reqs.Add(rec, func(r *Request) { r.At = s.now() })
}

// noteAnswer records what a request is answered, before it is written.
func (s *Sandbox) noteAnswer(rec *Request, f FaultKind, o outcome) {
	s.reqs.Update(rec, func(r *Request) {
		r.Fault = f
		r.Status, r.Reason = o.answer.Status, o.answer.Reason
		if len(o.answer.ID) > 0 {
			r.ID = o.answer.ID[0]
		}
	})
}

// logWriter records the HTTP status in the request log as it is written,
// before the client can see it, so a test reading Requests right after
// its call returned finds it. It lets http.ResponseController reach the
// underlying writer (for Hijack).
type logWriter struct {
	http.ResponseWriter
	s       *Sandbox
	rec     *Request
	written bool
}

func (w *logWriter) WriteHeader(code int) {
	if !w.written {
		w.written = true
		w.s.reqs.Update(w.rec, func(r *Request) { r.HTTPStatus = code })
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *logWriter) Write(b []byte) (int, error) {
	if !w.written {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap returns the underlying writer, for http.ResponseController.
func (w *logWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Requests returns a copy of the request log, oldest first (at most the
// last 1000 requests).
func (s *Sandbox) Requests() []Request { return s.reqs.Entries(nil) }

// Hits returns how many requests reached the sandbox since the last
// ResetRequests — faulted, refused and unknown paths included. Tests use it
// to prove a message was sent exactly once.
func (s *Sandbox) Hits() int { return int(s.hits.Load()) }

// ResetRequests empties the request log and sets Hits to 0.
func (s *Sandbox) ResetRequests() {
	s.reqs.Reset()
	s.hits.Store(0)
}
