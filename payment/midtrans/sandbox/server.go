package sandbox

import (
	"fmt"
	"net"

	"github.com/vipbase/vipbase/internal/simhttp"
)

// Server is a Sandbox listening on loopback with its expiry loop running.
type Server struct {
	*Sandbox
	SnapURL string // like Midtrans's Snap base: http://127.0.0.1:41234/snap/v1/
	CoreURL string // like Midtrans's Core API base: http://127.0.0.1:41234/v2/

	srv *simhttp.Server
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
	base := "http://" + ln.Addr().String() + "/"
	return &Server{
		Sandbox: sb,
		SnapURL: base + "snap/v1/",
		CoreURL: base + "v2/",
		srv:     simhttp.Serve(ln, sb, sb.Run),
	}, nil
}

// Close stops the listener and closes open connections (hung Timeout faults
// end with them), stops the expiry loop and pending notification
// deliveries. It is idempotent.
func (s *Server) Close() {
	s.srv.Close()
	s.Sandbox.Close()
}
