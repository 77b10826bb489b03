// Package simhttp holds the HTTP plumbing shared by the simulators
// (vipreseller/sandbox, payment/tripay/sandbox): a loopback server with a
// background loop, a status-recording writer, the request log, fault rules
// and PHP-like JSON encoding. What a simulator answers stays in its own
// package; only the machinery around the answers lives here.
package simhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Server serves a handler on a listener and runs a background loop (a
// simulator's clock-driven transitions) until Close.
type Server struct {
	srv    *http.Server
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

// Serve serves h on ln and runs loop in its own goroutine with a context that
// Close cancels. loop may be nil.
func Serve(ln net.Listener, h http.Handler, loop func(context.Context)) *Server {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		srv:    &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second},
		cancel: cancel,
		done:   make(chan struct{}),
	}
	go func() { _ = s.srv.Serve(ln) }()
	go func() {
		defer close(s.done)
		if loop != nil {
			loop(ctx)
		}
	}()
	return s
}

// Close stops the listener and closes open connections (so requests hung by
// a fault end with them), then cancels the loop and waits for it to return.
// It is idempotent.
func (s *Server) Close() {
	s.once.Do(func() {
		_ = s.srv.Close()
		s.cancel()
		<-s.done
	})
}

// StatusWriter records the status code for a request log and lets
// http.ResponseController reach the underlying writer (for Hijack).
type StatusWriter struct {
	http.ResponseWriter
	Status int // the status written; 0 until something is written
}

// WriteHeader records the first status and passes code on.
func (w *StatusWriter) WriteHeader(code int) {
	if w.Status == 0 {
		w.Status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write records an implicit 200 when no status was written yet.
func (w *StatusWriter) Write(b []byte) (int, error) {
	if w.Status == 0 {
		w.Status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap returns the underlying writer, for http.ResponseController.
func (w *StatusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Abort ends a request without an answer: the connection is closed when it
// can be hijacked, otherwise a bodyless 504 is written.
func Abort(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		_ = conn.Close()
		return
	}
	w.WriteHeader(http.StatusGatewayTimeout)
}

// Marshal encodes v like PHP's json_encode closely enough: no HTML escaping
// and no trailing newline. It panics on an unencodable value, since only the
// simulators' own types get here.
func Marshal(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(fmt.Sprintf("sandbox: marshal %T: %v", v, err))
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}
