package hooks

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vipbase/vipbase/vipreseller"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

// DocumentedCallbackIP is the source IP of provider callbacks per its docs.
const DocumentedCallbackIP = "178.248.73.218"

// vipCommand is `vipbase vip check|sync`. PocketBase drops RunE errors from
// the exit code, so failures exit(1) themselves: scripts can rely on it.
func (s *Service) vipCommand() *cobra.Command {
	root := &cobra.Command{Use: "vip", Short: "VIP-Reseller provider tools (check, sync)"}

	var publicURL string
	check := &cobra.Command{
		Use:   "check",
		Short: "Check the provider connection: profile, balance, service counts, callback URL",
		Run: func(cmd *cobra.Command, _ []string) {
			ctx, cancel := context.WithTimeout(cmd.Context(), 3*time.Minute)
			defer cancel()
			if err := s.Check(ctx, cmd.OutOrStdout(), publicURL); err != nil {
				fmt.Fprintln(cmd.ErrOrStderr(), "FAILED:", err)
				os.Exit(1)
			}
		},
	}
	check.Flags().StringVar(&publicURL, "public-url", "", "the store's public base URL, for the callback URL line (default: Settings › Application URL)")

	syncCmd := &cobra.Command{
		Use:       "sync [all|services|products|stock|balance]",
		Short:     "Sync the catalog from the provider, as the admin route and crons do",
		Args:      cobra.MaximumNArgs(1),
		ValidArgs: []string{"all", "services", "products", "stock", "balance"},
		Run: func(cmd *cobra.Command, args []string) {
			what := "all"
			if len(args) == 1 {
				what = args[0]
			}
			action, known := map[string]string{"all": ActionFullSync, "services": ActionSyncServices,
				"products": ActionSyncProducts, "stock": ActionSyncStock, "balance": ActionSyncBalance}[what]
			if !known {
				fmt.Fprintf(cmd.ErrOrStderr(), "FAILED: unknown sync %q; use all, services, products, stock or balance\n", what)
				os.Exit(1)
			}
			if err := s.app.RunAllMigrations(); err != nil {
				fmt.Fprintln(cmd.ErrOrStderr(), "FAILED: migrations:", err)
				os.Exit(1)
			}
			out := cmd.OutOrStdout()
			run, err := s.RunSync(cmd.Context(), action, TriggerCLI, func(line string) { fmt.Fprintln(out, line) })
			if run != nil {
				fmt.Fprintf(out, "sync run %s: %s\n", run.Id, run.GetString("status"))
			}
			if err != nil {
				fmt.Fprintln(cmd.ErrOrStderr(), "FAILED:", err)
				os.Exit(1)
			}
		},
	}
	var addr string
	sandboxCmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run the built-in VIP-Reseller simulator alone (for 'vip check' and client experiments)",
		Run: func(cmd *cobra.Command, _ []string) {
			srv, err := sandbox.StartOn(addr, s.cfg.SandboxConfig)
			if err != nil {
				fmt.Fprintln(cmd.ErrOrStderr(), "FAILED:", err)
				os.Exit(1)
			}
			defer srv.Close()
			fmt.Fprintf(cmd.OutOrStdout(), "VIP-Reseller sandbox listening; try:\n  VIP_RESELLER_API_URL=%s VIP_RESELLER_API_ID=%s VIP_RESELLER_API_KEY=%s vipbase vip check\n",
				srv.URL, srv.APIID(), srv.APIKey())
			<-cmd.Context().Done()
		},
	}
	sandboxCmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8091", "loopback address to listen on")
	root.AddCommand(check, syncCmd, sandboxCmd)
	return root
}

// Check prints the provider report of `vip check` to w.
func (s *Service) Check(ctx context.Context, w io.Writer, publicURL string) error {
	if s.client == nil {
		return errors.New(notConfiguredHint)
	}
	fmt.Fprintf(w, "VIP-Reseller check — %s\n", s.client.BaseURL())
	p, err := s.client.Profile.Get(ctx)
	if err != nil {
		return explainProviderError(err, s.client.BaseURL())
	}
	tier := s.cfg.PriceLevel
	if tier == "" {
		tier = vipreseller.LevelTier(p.Level)
	}
	fmt.Fprintf(w, "  account    %s (%s), level %s → price tier %s\n", p.Username, p.FullName, p.Level, tier)
	fmt.Fprintf(w, "  balance    Rp %s\n", Rupiah(p.Balance))
	if p.Balance < s.cfg.LowBalanceThreshold {
		fmt.Fprintf(w, "             ⚠ below the low-balance threshold of Rp %s: orders may fail\n", Rupiah(s.cfg.LowBalanceThreshold))
	}
	for _, category := range Categories {
		rows, err := s.fetchServices(ctx, category)
		if err != nil {
			return fmt.Errorf("%s services: %w", category, explainProviderError(err, s.client.BaseURL()))
		}
		available := 0
		for _, r := range rows {
			if r.Status == vipreseller.ServiceAvailable {
				available++
			}
		}
		fmt.Fprintf(w, "  services   %-8s %6d (available %d)\n", category, len(rows), available)
	}
	if publicURL == "" {
		publicURL = s.app.Settings().Meta.AppURL
	}
	callback := strings.TrimRight(publicURL, "/") + WebhookPath
	if publicURL == "" || strings.Contains(publicURL, "localhost") || strings.Contains(publicURL, "127.0.0.1") {
		callback += "   (set your public URL: --public-url or Settings › Application URL)"
	}
	fmt.Fprintf(w, "  callback   set this Callback URL in Profil › Pengaturan API: %s\n", callback)
	fmt.Fprintf(w, "  whitelist  add this server's public IP in Pengaturan API › Whitelist IP and set API Status to Production;\n")
	fmt.Fprintf(w, "             callbacks come from %s (set VIP_RESELLER_CALLBACK_IPS=%s to enforce it)\n", DocumentedCallbackIP, DocumentedCallbackIP)
	fmt.Fprintln(w, "OK")
	return nil
}

// explainProviderError turns a provider failure into what the operator should do.
func explainProviderError(err error, baseURL string) error {
	var apiErr *vipreseller.APIError
	if errors.As(err, &apiErr) {
		msg := strings.ToLower(apiErr.Message)
		switch {
		case strings.HasPrefix(msg, "ip ") || strings.Contains(msg, "not permitted") || strings.Contains(msg, "whitelist"):
			return fmt.Errorf("the provider refused this server's IP (%s): add it in Pengaturan API › Whitelist IP", apiErr.Message)
		case strings.Contains(msg, "key") || strings.Contains(msg, "signature") || strings.Contains(msg, "sign"):
			return fmt.Errorf("the provider rejected the credentials (%s): check VIP_RESELLER_API_ID and VIP_RESELLER_API_KEY", apiErr.Message)
		}
		return fmt.Errorf("the provider refused: %s", apiErr.Message)
	}
	if errors.Is(err, vipreseller.ErrTransport) {
		return fmt.Errorf("cannot reach VIP-Reseller at %s: %w", baseURL, err)
	}
	return err
}
