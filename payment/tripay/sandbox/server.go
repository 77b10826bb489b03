package sandbox

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Server is a Sandbox listening on loopback with its expiry loop running.
type Server struct {
	*Sandbox
	URL string // the base URL, like Tripay's: http://127.0.0.1:41234/api-sandbox/

	srv    *http.Server
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

// Start listens on 127.0.0.1:0, serves the sandbox and runs Step every 50 ms
// until Close.
func Start(cfg Config) (*Server, error) { return StartOn("127.0.0.1:0", cfg) }

// StartOn is Start on a chosen address.
func StartOn(addr string, cfg Config) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox: listen: %w", err)
	}
	sb := New(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		Sandbox: sb,
		URL:     "http://" + ln.Addr().String() + "/api-sandbox/",
		srv:     &http.Server{Handler: sb, ReadHeaderTimeout: 10 * time.Second},
		cancel:  cancel,
		done:    make(chan struct{}),
	}
	go func() { _ = s.srv.Serve(ln) }()
	go func() {
		defer close(s.done)
		sb.Run(ctx)
	}()
	return s, nil
}

// Close stops the listener and closes open connections (hung Timeout faults
// end with them), stops the expiry loop and pending notification
// deliveries. It is idempotent.
func (s *Server) Close() {
	s.once.Do(func() {
		_ = s.srv.Close()
		s.cancel()
		<-s.done
		s.Sandbox.Close()
	})
}
