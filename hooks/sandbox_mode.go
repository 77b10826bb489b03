package hooks

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/vipbase/vipbase/hooks/wallet"
	wasandbox "github.com/vipbase/vipbase/notify/sandbox"
	midsandbox "github.com/vipbase/vipbase/payment/midtrans/sandbox"
	tripaysandbox "github.com/vipbase/vipbase/payment/tripay/sandbox"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

// SandboxStateFile is where --sandbox mode keeps the simulator's
// transactions, inside the PocketBase data dir, so orders in flight survive
// a restart (unless SandboxConfig.StatePath names another file).
const SandboxStateFile = "sandbox_state.json"

// startSandbox runs the in-process provider simulator on loopback and points
// the configuration at it. Only --sandbox gets here: a production serve
// without credentials never falls back to it.
func (s *Service) startSandbox() error {
	cfg := s.cfg.SandboxConfig
	if cfg.StatePath == "" {
		cfg.StatePath = filepath.Join(s.app.DataDir(), SandboxStateFile)
	}
	if cfg.OnStateError == nil {
		path := cfg.StatePath
		cfg.OnStateError = func(err error) {
			s.app.Logger().Error("sandbox: could not save the simulator's state", "path", path, "error", err)
		}
	}
	srv, err := sandbox.Start(cfg)
	if err != nil {
		return err
	}
	s.sandbox = srv
	// The simulator's own credentials replace any VIP_RESELLER_* from the
	// environment, so the real provider's key is never used — or printed —
	// in this mode.
	s.cfg.APIURL = srv.URL
	s.cfg.APIID = srv.APIID()
	s.cfg.APIKey = srv.APIKey()

	// The Tripay simulator likewise replaces any TRIPAY_* credentials.
	pay, err := tripaysandbox.Start(tripaysandbox.Config{})
	if err != nil {
		srv.Close()
		return fmt.Errorf("start Tripay simulator: %w", err)
	}
	s.tripaySandbox = pay
	s.cfg.TripayAPIURL = pay.URL
	s.cfg.TripayAPIKey, s.cfg.TripayPrivateKey, s.cfg.TripayMerchantCode = pay.APIKey(), pay.PrivateKey(), pay.MerchantCode()

	// And the Midtrans simulator any MIDTRANS_*.
	mid, err := midsandbox.Start(midsandbox.Config{})
	if err != nil {
		pay.Close()
		srv.Close()
		return fmt.Errorf("start Midtrans simulator: %w", err)
	}
	s.midSandbox = mid
	s.cfg.MidtransServerKey, s.cfg.MidtransEnv = mid.ServerKey(), "sandbox"
	s.cfg.MidtransSnapURL, s.cfg.MidtransAPIURL = mid.SnapURL, mid.CoreURL

	// WhatsApp goes to the fake Fonnte, whose inbox is /_sandbox/inbox
	// (e-mail is caught there too: sandboxMail); operator alerts go to a
	// sandbox operator unless VIPBASE_ADMIN_* name one.
	wa, err := wasandbox.Start(wasandbox.Config{})
	if err != nil {
		mid.Close()
		pay.Close()
		srv.Close()
		return fmt.Errorf("start WhatsApp simulator: %w", err)
	}
	s.waSandbox = wa
	s.cfg.FonnteToken, s.cfg.FonnteURL = wa.Token(), wa.URL()
	if s.cfg.AdminWhatsApp == "" && s.cfg.AdminEmail == "" {
		s.cfg.AdminWhatsApp, s.cfg.AdminEmail = sandboxOperatorPhone, sandboxOperatorEmail
	}

	s.app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		callback := "http://" + loopbackAddr(se.Server.Addr) + WebhookPath
		s.payCallbackBase = "http://" + loopbackAddr(se.Server.Addr)
		if s.cfg.PublicURL == "" {
			// The gateway's pay page sends the shopper back to this store,
			// not to the dashboard's default Application URL.
			s.cfg.PublicURL = s.payCallbackBase
		}
		// Not secrets: the simulator accepts them on loopback only.
		fmt.Fprintf(os.Stderr, "Sandbox provider: %s (callbacks → %s; state in %s)\n", srv.URL, callback, cfg.StatePath)
		fmt.Fprintf(os.Stderr, "  try: VIP_RESELLER_API_URL=%s VIP_RESELLER_API_ID=%s VIP_RESELLER_API_KEY=%s vipbase vip check\n",
			srv.URL, srv.APIID(), srv.APIKey())
		fmt.Fprintf(os.Stderr, "Sandbox Tripay: %s (merchant %s)\n", pay.URL, pay.MerchantCode())
		fmt.Fprintf(os.Stderr, "Sandbox Midtrans: %s (Core %s)\n", mid.SnapURL, mid.CoreURL)
		fmt.Fprintf(os.Stderr, "Sandbox inbox (WhatsApp and e-mail): %s%s\n", s.payCallbackBase, wasandbox.InboxPath)
		fmt.Fprintf(os.Stderr, "Storefront: %s/ · Operator console: %s/console/ (a superuser's login: the dashboard's installer link, or `vipbase superuser upsert EMAIL PASSWORD`)\n",
			s.payCallbackBase, s.payCallbackBase)
		if err := s.ensureDemoUser(); err != nil {
			s.app.Logger().Error("sandbox: could not create the demo shopper", "error", err)
		}
		s.inflight.Add(1)
		go func() {
			defer s.inflight.Done()
			s.sandboxFirstSync()
		}()
		if err := se.Next(); err != nil {
			return err
		}
		// Only now is the store listening: callbacks that fell due while it
		// was down (queued by the durable simulator) can be delivered.
		srv.SetCallbackURL(callback)
		return nil
	})
	return nil
}

// sandboxFirstSync fills an empty catalog so the demo store has products.
func (s *Service) sandboxFirstSync() {
	n, err := s.app.CountRecords("services")
	if err != nil || n > 0 {
		return
	}
	ctx, cancel := context.WithTimeout(s.stop, 5*time.Minute)
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

// The operator of --sandbox mode, whose alerts appear in the inbox.
const (
	sandboxOperatorPhone = "6281100000000"
	sandboxOperatorEmail = "operator@sandbox.vipbase.local"
)

// Demo shopper of --sandbox mode. The password is public on purpose: this
// account exists only in sandbox mode, against a simulated provider.
const (
	DemoEmail    = "demo@vipbase.test"
	DemoPassword = "demo12345"
	DemoDeposit  = 1_000_000
)

// ensureDemoUser creates the demo shopper with a starting deposit once;
// restarts find it and add nothing.
func (s *Service) ensureDemoUser() error {
	if _, err := s.app.FindAuthRecordByEmail("users", DemoEmail); err == nil {
		fmt.Fprintf(os.Stderr, "Demo shopper: %s / %s\n", DemoEmail, DemoPassword)
		return nil
	}
	col, err := s.app.FindCollectionByNameOrId("users")
	if err != nil {
		return err
	}
	u := core.NewRecord(col)
	u.SetEmail(DemoEmail)
	u.SetPassword(DemoPassword)
	u.SetVerified(true)
	u.Set("name", "Pembeli Demo")
	u.Set("phone", "6281200000001") // the demo's WhatsApp messages show in the inbox
	u.Set("notify_whatsapp", true)
	return s.app.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(u); err != nil {
			return err
		}
		if _, err := wallet.Apply(tx, wallet.Entry{User: u.Id, Type: wallet.Deposit, Amount: DemoDeposit, Note: "Saldo demo"}); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "Demo shopper created: %s / %s with Rp %s\n", DemoEmail, DemoPassword, Rupiah(DemoDeposit))
		return nil
	})
}
