package sandbox

import (
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/vipbase/vipbase/internal/simhttp"
)

// Server is a Sandbox listening on loopback. Besides the send endpoint it
// serves the inbox page at InboxPath, as serve --sandbox does.
type Server struct {
	*Sandbox

	base string // http://127.0.0.1:<port>
	srv  *simhttp.Server
}

// Start listens on 127.0.0.1:0 and serves a new sandbox until Close.
func Start(cfg Config) (*Server, error) { return StartOn("127.0.0.1:0", cfg) }

// StartOn is Start on a chosen address.
func StartOn(addr string, cfg Config) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox: listen: %w", err)
	}
	sb := New(cfg)
	s := &Server{Sandbox: sb, base: "http://" + ln.Addr().String()}
	inbox := sb.InboxHandler()
	s.srv = simhttp.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == InboxPath || strings.HasPrefix(r.URL.Path, InboxPath+"/") {
			inbox.ServeHTTP(w, r)
			return
		}
		sb.ServeHTTP(w, r)
	}), nil)
	return s, nil
}

// URL returns the send URL, for notify.WithURL: http://127.0.0.1:<port>/send.
func (s *Server) URL() string { return s.base + "/send" }

// InboxURL returns the inbox page's URL: http://127.0.0.1:<port>/_sandbox/inbox.
func (s *Server) InboxURL() string { return s.base + InboxPath }

// Close stops the listener and closes open connections (hung Timeout faults
// end with them). It is idempotent.
func (s *Server) Close() { s.srv.Close() }
