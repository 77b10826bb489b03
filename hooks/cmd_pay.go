package hooks

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/vipbase/vipbase/payment"
	"github.com/vipbase/vipbase/payment/midtrans"
	"github.com/vipbase/vipbase/payment/tripay"
)

// payCheckAmount is the amount the channel table shows each fee on: a
// typical game top-up every channel group takes.
const payCheckAmount = 50_000

// errNoGateway names what to set; a store without a gateway takes only the
// wallet, which nobody can top up.
var errNoGateway = errors.New("no payment gateway is configured: set TRIPAY_API_KEY, TRIPAY_PRIVATE_KEY and TRIPAY_MERCHANT_CODE, or MIDTRANS_SERVER_KEY (or run serve --sandbox)")

// payCommand is `vipbase pay check`. Like `vip check` it exits 1 itself on
// failure, since PocketBase drops RunE errors from the exit code.
func (s *Service) payCommand() *cobra.Command {
	root := &cobra.Command{Use: "pay", Short: "Payment gateway tools (check)"}

	var publicURL string
	check := &cobra.Command{
		Use:   "check",
		Short: "Check each payment gateway: credentials, merchant, channels with fees and limits, callback URL",
		Run: func(cmd *cobra.Command, _ []string) {
			ctx, cancel := context.WithTimeout(cmd.Context(), 2*time.Minute)
			defer cancel()
			if err := s.PayCheck(ctx, cmd.OutOrStdout(), publicURL); err != nil {
				fmt.Fprintln(cmd.ErrOrStderr(), "FAILED:", err)
				os.Exit(1)
			}
		},
	}
	check.Flags().StringVar(&publicURL, "public-url", "", "the store's public base URL, for the callback URL line (default: VIPBASE_PUBLIC_URL, else Settings › Application URL)")
	root.AddCommand(check)
	return root
}

// PayCheck prints the report of `pay check` to w: every configured gateway
// is checked, so one report shows all that needs fixing; the error names
// each gateway that failed. Secrets are never printed: only the base URL
// and the merchant code identify the account.
func (s *Service) PayCheck(ctx context.Context, w io.Writer, publicURL string) error {
	var gateways []payment.Gateway
	for _, gw := range s.gateways {
		if gw.Configured() {
			gateways = append(gateways, gw)
		}
	}
	if len(gateways) == 0 {
		return errNoGateway
	}
	fmt.Fprintln(w, "Payment gateway check")
	var failed []error
	for _, gw := range gateways {
		if err := s.checkGateway(ctx, w, gw, publicURL); err != nil {
			failed = append(failed, fmt.Errorf("%s: %w", gw.Name(), err))
		}
	}
	if len(failed) > 0 {
		return errors.Join(failed...)
	}
	fmt.Fprintln(w, "OK")
	return nil
}

// checkGateway prints one gateway's section. The callback line is printed
// even when the gateway refused: it is needed to fix the setup either way.
func (s *Service) checkGateway(ctx context.Context, w io.Writer, gw payment.Gateway, publicURL string) error {
	baseURL, merchant := s.gatewayAccount(gw)
	mode := "production"
	if strings.Contains(baseURL, "api-sandbox") || strings.Contains(baseURL, ".sandbox.") || strings.Contains(baseURL, "127.0.0.1") {
		mode = "sandbox"
	}
	if merchant == "" {
		merchant = "(unknown)"
	}
	fmt.Fprintf(w, "%s — %s (%s), merchant %s\n", gw.Name(), baseURL, mode, merchant)

	list, err := gw.Channels(ctx)
	if err == nil && gw.Name() == midtrans.Name {
		// Midtrans lists no channels: the key is tried on a status lookup
		// of an order that does not exist (404 = accepted, 401 = refused).
		_, err = gw.Status(ctx, "VIPBASE-PAY-CHECK")
	}
	if err != nil {
		err = explainGatewayError(gw.Name(), baseURL, err)
		fmt.Fprintf(w, "  credentials  ✗ %v\n", err)
	} else {
		fmt.Fprintln(w, "  credentials  accepted (the API key; the private key and merchant code are first checked by a checkout's signature)")
		err = printChannels(w, gw.Name(), list)
	}
	printCallback(w, gw.Name(), s.gatewayCallbackURL(gw.Name(), publicURL))
	return err
}

// gatewayAccount is the API root and merchant code shown for gw: the
// client's own base URL when it tells it (it is where requests really go),
// else the configured one.
func (s *Service) gatewayAccount(gw payment.Gateway) (baseURL, merchant string) {
	switch gw.Name() {
	case tripay.Name:
		baseURL, merchant = s.cfg.TripayAPIURL, s.cfg.TripayMerchantCode
	case midtrans.Name:
		merchant = "(the Server Key's account)"
	}
	if c, ok := gw.(interface{ CoreURL() string }); ok {
		baseURL = c.CoreURL()
	}
	if b, ok := gw.(interface{ BaseURL() string }); ok {
		baseURL = b.BaseURL()
	}
	if m, ok := gw.(interface{ MerchantCode() string }); ok {
		merchant = m.MerchantCode()
	}
	return withoutUserinfo(baseURL), merchant
}

// withoutUserinfo drops user:password@ from a URL before it is printed.
func withoutUserinfo(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	u.User = nil
	return u.String()
}

// explainGatewayError turns a failed channel read into what the operator
// should do. The channel list needs only the API key, so a refusal there is
// a refusal of the key (or of the account behind it).
func explainGatewayError(gateway, baseURL string, err error) error {
	keyVar := "the gateway's API key"
	switch gateway {
	case tripay.Name:
		keyVar = "TRIPAY_API_KEY"
	case midtrans.Name:
		keyVar = "MIDTRANS_SERVER_KEY (and MIDTRANS_ENV)"
	}
	var refused *payment.RefusedError
	if errors.As(err, &refused) {
		return &explainedError{err: err, msg: fmt.Sprintf("the gateway refused the credentials (%s): check %s, and that it belongs to %s (sandbox and production keys differ)",
			refused.Message, keyVar, baseURL)}
	}
	if errors.Is(err, payment.ErrTransport) {
		return fmt.Errorf("cannot reach the gateway at %s: %w", baseURL, err)
	}
	return err
}

// explainedError is advice in place of err's text; err stays reachable
// through errors.Is/As.
type explainedError struct {
	err error
	msg string
}

func (e *explainedError) Error() string { return e.msg }

func (e *explainedError) Unwrap() error { return e.err }

// printChannels prints the active channels as a table and the disabled
// ones by code; without an active channel the store cannot take payments,
// which is a failure.
func printChannels(w io.Writer, gateway string, list []payment.Channel) error {
	var active, disabled []payment.Channel
	for _, ch := range list {
		if ch.Active {
			active = append(active, ch)
		} else {
			disabled = append(disabled, ch)
		}
	}
	fmt.Fprintf(w, "  channels     %d active, %d disabled\n", len(active), len(disabled))
	if len(active) > 0 {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "    code\tname\tgroup\tcustomer fee\ton Rp %s\tamount\texpiry\n", Rupiah(payCheckAmount))
		for _, ch := range active {
			fmt.Fprintf(tw, "    %s\t%s\t%s\t%s\t%s\t%s\t%s\n", ch.Code, ch.Name, ch.Group,
				feeText(ch.Customer), feeExample(ch), amountRange(ch), expiryWindow(ch))
		}
		tw.Flush()
	}
	if len(disabled) > 0 {
		codes := make([]string, len(disabled))
		for i, ch := range disabled {
			codes[i] = ch.Code
		}
		fmt.Fprintf(w, "  disabled     %s (enable them in the gateway's dashboard to offer them)\n", strings.Join(codes, ", "))
	}
	if len(active) == 0 {
		fmt.Fprintf(w, "  ⚠ no active channel: shoppers cannot pay through %s; activate channels in its merchant dashboard\n", gateway)
		return errors.New("no active payment channel: the store cannot take payments through this gateway")
	}
	return nil
}

// feeText is a fee rule the Indonesian way: "Rp 750 + 0,70 %", "3 % (min Rp 1.000)".
func feeText(f payment.Fee) string {
	var parts []string
	if f.Flat > 0 {
		parts = append(parts, "Rp "+Rupiah(f.Flat))
	}
	if f.Percent > 0 {
		p := fmt.Sprintf("%d", f.Percent/100)
		if f.Percent%100 != 0 {
			p += fmt.Sprintf(",%02d", f.Percent%100)
		}
		parts = append(parts, p+" %")
	}
	text := strings.Join(parts, " + ")
	if text == "" {
		text = "none"
	}
	var bounds []string
	if f.Min > 0 {
		bounds = append(bounds, "min Rp "+Rupiah(f.Min))
	}
	if f.Max > 0 {
		bounds = append(bounds, "max Rp "+Rupiah(f.Max))
	}
	if len(bounds) > 0 {
		text += " (" + strings.Join(bounds, ", ") + ")"
	}
	return text
}

// feeExample is the customer fee on payCheckAmount, or why there is none.
func feeExample(ch payment.Channel) string {
	if !ch.Accepts(payCheckAmount) {
		return "(outside limits)"
	}
	return "Rp " + Rupiah(ch.Customer.For(payCheckAmount))
}

func amountRange(ch payment.Channel) string {
	hi := "no maximum"
	if ch.MaxAmount > 0 {
		hi = "Rp " + Rupiah(ch.MaxAmount)
	}
	return "Rp " + Rupiah(ch.MinAmount) + " – " + hi
}

func expiryWindow(ch payment.Channel) string {
	if ch.MinExpiry <= 0 && ch.MaxExpiry <= 0 {
		return "gateway default"
	}
	hi := "gateway default"
	if ch.MaxExpiry > 0 {
		hi = shortDuration(ch.MaxExpiry)
	}
	return shortDuration(ch.MinExpiry) + " – " + hi
}

// shortDuration prints whole hours and minutes as "24h", "90m", "15m".
func shortDuration(d time.Duration) string {
	switch {
	case d > 0 && d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

// gatewayCallbackURL is the --public-url based notification URL when the
// flag is given, else the one checkouts send.
func (s *Service) gatewayCallbackURL(gateway, publicURL string) string {
	if u := strings.TrimRight(strings.TrimSpace(publicURL), "/"); u != "" {
		return u + PaymentNotifyPath(gateway)
	}
	return s.paymentCallbackURL(gateway)
}

// printCallback prints the URL to paste in the gateway's dashboard, with a
// warning when the gateway could not reach it from the internet.
func printCallback(w io.Writer, gateway, callback string) {
	where := "the gateway's merchant dashboard"
	switch gateway {
	case tripay.Name:
		where = "the Tripay merchant dashboard (Pengaturan › Callback URL)"
	case midtrans.Name:
		where = "the Midtrans dashboard (Settings › Payment › Notification URL)"
	}
	const hint = "set your public URL: --public-url, VIPBASE_PUBLIC_URL or Settings › Application URL"
	switch {
	case callback == "":
		callback = "(unknown: " + hint + ")"
	case !publiclyReachable(callback):
		callback += "   (⚠ the gateway cannot reach this address; " + hint + ")"
	}
	fmt.Fprintf(w, "  callback     paste this Callback URL in %s: %s\n", where, callback)
}

// publiclyReachable reports whether raw's host could be reached by a
// gateway on the internet: not localhost, not a loopback or unspecified IP.
func publiclyReachable(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return false
	}
	host := strings.ToLower(u.Hostname())
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return false
	}
	if ip := net.ParseIP(host); ip != nil && (ip.IsLoopback() || ip.IsUnspecified()) {
		return false
	}
	return true
}
