package hooks

import (
	"context"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

// startSandbox runs the in-process provider simulator on loopback and points
// the configuration at it. Only --sandbox gets here: a production serve
// without credentials never falls back to it.
func (s *Service) startSandbox() error {
	srv, err := sandbox.Start(s.cfg.SandboxConfig)
	if err != nil {
		return err
	}
	s.sandbox = srv
	s.cfg.APIURL = srv.URL
	s.cfg.APIID = srv.APIID()
	s.cfg.APIKey = srv.APIKey()

	s.app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		callback := "http://" + loopbackAddr(se.Server.Addr) + "/api/webhooks/vip-reseller"
		srv.SetCallbackURL(callback)
		fmt.Fprintf(os.Stderr, "Sandbox provider: %s (callbacks → %s)\n", srv.URL, callback)
		fmt.Fprintf(os.Stderr, "  try: VIP_RESELLER_API_URL=%s VIP_RESELLER_API_ID=%s VIP_RESELLER_API_KEY=<sandbox key> vipbase vip check\n",
			srv.URL, srv.APIID())
		go s.sandboxFirstSync()
		return se.Next()
	})
	return nil
}

// sandboxFirstSync fills an empty catalog so the demo store has products.
func (s *Service) sandboxFirstSync() {
	n, err := s.app.CountRecords("services")
	if err != nil || n > 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if _, err := s.RunSync(ctx, ActionFullSync, TriggerStartup, nil); err != nil {
		s.app.Logger().Error("sandbox: first catalog sync failed", "error", err)
	}
}

// loopbackAddr turns a listen address (":8090", "0.0.0.0:8090") into one the
// in-process sandbox can call.
func loopbackAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
