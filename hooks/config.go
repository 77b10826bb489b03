package hooks

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/vipbase/vipbase/notify"
	"github.com/vipbase/vipbase/payment"
	"github.com/vipbase/vipbase/payment/tripay"
	"github.com/vipbase/vipbase/vipreseller"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

// DefaultAPIURL is the provider's production base URL.
const DefaultAPIURL = vipreseller.DefaultBaseURL

// Config is everything vipbase needs to know about its provider and policy.
// main builds it from the environment (ConfigFromEnv); tests build it by hand.
type Config struct {
	APIURL string // provider base URL
	APIID  string // credentials; both empty = not configured
	APIKey string

	// PriceLevel is the cost tier (basic|premium|special). Empty = taken from
	// the provider profile's level at the first sync.
	PriceLevel string
	// MarkupBasisPoints is the default markup in 1/100 percent (10% = 1000).
	MarkupBasisPoints int64
	// CallbackIPs, when non-empty, is the allowlist of webhook source IPs.
	CallbackIPs []string
	// Timeout is the per-request timeout to the provider.
	Timeout time.Duration
	// RateLimit is provider requests per second; 0 = unlimited.
	RateLimit float64
	// OrderSpacing is the least time between two order POSTs (0 = off).
	OrderSpacing time.Duration
	// WebhookLogDays is how long webhook_logs rows are kept (default 30).
	WebhookLogDays int
	// LowBalanceThreshold makes sync-balance log a warning below it (rupiah).
	LowBalanceThreshold int64

	// PublicDir, when set, is a directory served at / instead of the
	// storefront embedded in the binary (pb_public); it must exist.
	PublicDir string

	// Sandbox runs the app against an in-process VIP-Reseller simulator.
	Sandbox bool
	// SandboxConfig tunes the simulator when Sandbox is set.
	SandboxConfig sandbox.Config

	// DispatchWait is how long order routes wait for the provider before
	// answering "pending" (default 3s).
	DispatchWait time.Duration
	// ManualDispatch leaves new orders queued for the poller or an admin
	// instead of sending them right after the commit (tests, crash drills).
	ManualDispatch bool

	// Client, when set, is used instead of building one from the fields
	// above (tests point it at an httptest provider).
	Client *vipreseller.Client

	// Tripay (design §2, §11): without the three credentials its channels
	// are not offered. TripayAPIURL defaults to production.
	TripayAPIKey, TripayPrivateKey, TripayMerchantCode string
	TripayAPIURL                                       string
	// Midtrans (design §2): without the Server Key the MIDTRANS channel is
	// not offered. MidtransEnv is production (default) or sandbox; the two
	// URLs, when set, override the environment's.
	MidtransServerKey, MidtransEnv  string
	MidtransSnapURL, MidtransAPIURL string
	// Gateways, when set, replace the gateways built from the fields above
	// (tests point them at simulators).
	Gateways []payment.Gateway

	// PublicURL is the store's public base URL for gateway callback and
	// return URLs (VIPBASE_PUBLIC_URL); "" = Settings › Application URL.
	PublicURL string
	// PaymentExpiry is how long a checkout waits for the money (default
	// 30m), clipped to each channel's window.
	PaymentExpiry time.Duration
	// NoGuestCheckout refuses gateway checkouts without an account
	// (VIPBASE_GUEST_CHECKOUT=false).
	NoGuestCheckout bool
	// TopupMin and TopupMax bound a wallet top-up (defaults Rp 10.000 and
	// Rp 10.000.000).
	TopupMin, TopupMax int64

	// Notifications (design §12). Without FonnteToken WhatsApp messages are
	// marked skipped; FonnteURL defaults to Fonnte's send endpoint. Operator
	// alerts go to AdminWhatsApp (normalised 62…) and AdminEmail.
	FonnteToken, FonnteURL    string
	AdminWhatsApp, AdminEmail string
	// WhatsApp, when set, replaces the Fonnte sender (tests).
	WhatsApp notify.WhatsApp
	// WhatsAppGap is the pause between two WhatsApp sends (default 2 s;
	// negative: none).
	WhatsAppGap time.Duration
	// Now, when set, is the notification outbox's clock (tests of backoff).
	Now func() time.Time
}

// Payment defaults (design §2, §11).
const (
	defaultPaymentExpiry = 30 * time.Minute
	defaultTopupMin      = 10_000
	defaultTopupMax      = 10_000_000
)

// TripayConfigured reports whether Tripay credentials are present.
func (c Config) TripayConfigured() bool {
	return c.TripayAPIKey != "" && c.TripayPrivateKey != "" && c.TripayMerchantCode != ""
}

// Configured reports whether provider credentials are present.
func (c Config) Configured() bool { return c.APIID != "" && c.APIKey != "" }

// ConfigFromEnv reads the VIP_RESELLER_* environment (design §2). It rejects
// malformed values with a message naming the variable, never its secret value.
func ConfigFromEnv() (Config, error) {
	cfg := Config{
		APIURL:              envOr("VIP_RESELLER_API_URL", DefaultAPIURL),
		APIID:               strings.TrimSpace(os.Getenv("VIP_RESELLER_API_ID")),
		APIKey:              strings.TrimSpace(os.Getenv("VIP_RESELLER_API_KEY")),
		PriceLevel:          strings.ToLower(strings.TrimSpace(os.Getenv("VIP_RESELLER_PRICE_LEVEL"))),
		Timeout:             30 * time.Second,
		RateLimit:           5,
		MarkupBasisPoints:   1000,
		LowBalanceThreshold: 100_000,
		TripayAPIKey:        strings.TrimSpace(os.Getenv("TRIPAY_API_KEY")),
		TripayPrivateKey:    strings.TrimSpace(os.Getenv("TRIPAY_PRIVATE_KEY")),
		TripayMerchantCode:  strings.TrimSpace(os.Getenv("TRIPAY_MERCHANT_CODE")),
		TripayAPIURL:        envOr("TRIPAY_API_URL", tripay.DefaultBaseURL),
		PublicURL:           strings.TrimSpace(os.Getenv("VIPBASE_PUBLIC_URL")),
		MidtransServerKey:   strings.TrimSpace(os.Getenv("MIDTRANS_SERVER_KEY")),
		MidtransEnv:         strings.ToLower(strings.TrimSpace(os.Getenv("MIDTRANS_ENV"))),
		MidtransSnapURL:     strings.TrimSpace(os.Getenv("MIDTRANS_SNAP_URL")),
		MidtransAPIURL:      strings.TrimSpace(os.Getenv("MIDTRANS_API_URL")),
		FonnteToken:         strings.TrimSpace(os.Getenv("FONNTE_TOKEN")),
		FonnteURL:           envOr("FONNTE_API_URL", notify.DefaultFonnteURL),
		AdminEmail:          strings.TrimSpace(os.Getenv("VIPBASE_ADMIN_EMAIL")),
	}
	if v := strings.TrimSpace(os.Getenv("VIPBASE_ADMIN_WHATSAPP")); v != "" {
		phone, ok := notify.NormalisePhone(v)
		if !ok {
			return cfg, fmt.Errorf("VIPBASE_ADMIN_WHATSAPP must be an Indonesian mobile number (08… or 628…), not %q", v)
		}
		cfg.AdminWhatsApp = phone
	}
	switch cfg.MidtransEnv {
	case "", "production", "sandbox":
	default:
		return cfg, fmt.Errorf("MIDTRANS_ENV must be production or sandbox, not %q", cfg.MidtransEnv)
	}
	switch cfg.PriceLevel {
	case "", "basic", "premium", "special":
	default:
		return cfg, fmt.Errorf("VIP_RESELLER_PRICE_LEVEL must be basic, premium or special, not %q", cfg.PriceLevel)
	}
	if v := os.Getenv("VIP_RESELLER_MARKUP_PERCENT"); v != "" {
		bp, err := ParseMarkupPercent(v)
		if err != nil {
			return cfg, fmt.Errorf("VIP_RESELLER_MARKUP_PERCENT: %w", err)
		}
		cfg.MarkupBasisPoints = bp
	}
	if v := os.Getenv("VIP_RESELLER_CALLBACK_IPS"); v != "" {
		for _, ip := range strings.Split(v, ",") {
			if ip = strings.TrimSpace(ip); ip != "" {
				cfg.CallbackIPs = append(cfg.CallbackIPs, ip)
			}
		}
	}
	if v := os.Getenv("VIP_RESELLER_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return cfg, fmt.Errorf("VIP_RESELLER_TIMEOUT must be a positive duration like 30s, not %q", v)
		}
		cfg.Timeout = d
	}
	if v := os.Getenv("VIP_RESELLER_RATE_LIMIT"); v != "" {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || r < 0 || math.IsNaN(r) || math.IsInf(r, 0) {
			return cfg, fmt.Errorf("VIP_RESELLER_RATE_LIMIT must be a number ≥ 0, not %q", v)
		}
		cfg.RateLimit = r
	}
	if v := os.Getenv("VIP_RESELLER_ORDER_SPACING"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return cfg, fmt.Errorf("VIP_RESELLER_ORDER_SPACING must be a duration like 6s (0 = off), not %q", v)
		}
		cfg.OrderSpacing = d
	}
	if v := os.Getenv("VIP_RESELLER_WEBHOOK_LOG_DAYS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return cfg, fmt.Errorf("VIP_RESELLER_WEBHOOK_LOG_DAYS must be a whole number of days ≥ 1, not %q", v)
		}
		cfg.WebhookLogDays = n
	}
	if v := os.Getenv("VIP_RESELLER_LOW_BALANCE"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return cfg, fmt.Errorf("VIP_RESELLER_LOW_BALANCE must be whole rupiah ≥ 0, not %q", v)
		}
		cfg.LowBalanceThreshold = n
	}
	if v := os.Getenv("VIPBASE_PAYMENT_EXPIRY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Minute || d > 7*24*time.Hour {
			return cfg, fmt.Errorf("VIPBASE_PAYMENT_EXPIRY must be a duration from 1m to 168h, like 30m, not %q", v)
		}
		cfg.PaymentExpiry = d
	}
	if v := strings.TrimSpace(os.Getenv("VIPBASE_GUEST_CHECKOUT")); v != "" {
		on, err := strconv.ParseBool(v)
		if err != nil {
			return cfg, fmt.Errorf("VIPBASE_GUEST_CHECKOUT must be true or false, not %q", v)
		}
		cfg.NoGuestCheckout = !on
	}
	for _, v := range []struct {
		name string
		dst  *int64
	}{{"VIPBASE_TOPUP_MIN", &cfg.TopupMin}, {"VIPBASE_TOPUP_MAX", &cfg.TopupMax}} {
		if raw := os.Getenv(v.name); raw != "" {
			n, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
			if err != nil || n < 1 || n > maxOrderTotal {
				return cfg, fmt.Errorf("%s must be whole rupiah from 1 to %d, not %q", v.name, maxOrderTotal, raw)
			}
			*v.dst = n
		}
	}
	return cfg, nil
}

// paymentExpiry is how long a new checkout waits for the money.
func (c Config) paymentExpiry() time.Duration {
	if c.PaymentExpiry > 0 {
		return c.PaymentExpiry
	}
	return defaultPaymentExpiry
}

// topupRange is the least and most a wallet top-up may be.
func (c Config) topupRange() (lo, hi int64) {
	lo, hi = c.TopupMin, c.TopupMax
	if lo <= 0 {
		lo = defaultTopupMin
	}
	if hi <= 0 {
		hi = defaultTopupMax
	}
	return lo, hi
}

// ParseMarkupPercent turns "10" or "12.5" into basis points (1000, 1250).
// Money math stays integer; the percent is converted once, here.
func ParseMarkupPercent(s string) (int64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f < 0 || f > 1000 || math.IsNaN(f) {
		return 0, fmt.Errorf("must be a percentage between 0 and 1000, not %q", s)
	}
	return int64(math.Round(f * 100)), nil
}

func envOr(name, def string) string {
	if v := strings.TrimSpace(os.Getenv(name)); v != "" {
		return v
	}
	return def
}
