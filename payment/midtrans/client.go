// Package midtrans is the Midtrans client: Snap for creating a payment on
// Midtrans's hosted page, the Core API for its status and for expiring it,
// and notification verification, as payments-api.md §2 describes them. It
// implements payment.Gateway and payment.Expirer and imports no PocketBase.
//
// It does not use the official SDK (github.com/midtrans/midtrans-go): that
// SDK fixes its base URLs (reachable only behind an HTTP-client interface),
// keeps its configuration in package-level globals (one merchant per
// process, awkward in parallel tests) and has no helper for the
// notification signature. The three calls needed here are small, and a
// resty client with configurable base URLs tests against a simulator as the
// Tripay client does.
package midtrans

import (
	"context"
	"encoding/base64"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/vipbase/vipbase/internal/backoff"
	"github.com/vipbase/vipbase/internal/restclient"
	"github.com/vipbase/vipbase/payment"
)

// Base URLs; endpoint paths are appended. Sandbox and production have
// separate server keys.
const (
	SnapProductionURL = "https://app.midtrans.com/snap/v1/"
	SnapSandboxURL    = "https://app.sandbox.midtrans.com/snap/v1/"
	CoreProductionURL = "https://api.midtrans.com/v2/"
	CoreSandboxURL    = "https://api.sandbox.midtrans.com/v2/"
)

// Environments for WithEnvironment.
const (
	EnvironmentSandbox    = "sandbox"
	EnvironmentProduction = "production"
)

// Name is the gateway's id (payments.gateway).
const Name = "midtrans"

// ChannelCode is the one channel Midtrans offers here: its hosted page
// lets the shopper pick the method.
const ChannelCode = "MIDTRANS"

// Defaults applied by New; see the matching options.
const (
	DefaultTimeout    = 30 * time.Second
	DefaultMaxTries   = 3
	DefaultMinBackoff = 500 * time.Millisecond
	DefaultMaxBackoff = 5 * time.Second
	// DefaultBodyLimit caps an answer; Midtrans answers a few hundred
	// bytes, so a larger body is a broken answer, not something to buffer.
	DefaultBodyLimit = 1 << 20
)

var (
	_ payment.Gateway = (*Client)(nil)
	_ payment.Expirer = (*Client)(nil)
)

// Client talks to Midtrans for one merchant. It is safe for concurrent use.
type Client struct {
	serverKey string

	snapURL    string
	coreURL    string
	timeout    time.Duration
	maxTries   int
	minBackoff time.Duration
	maxBackoff time.Duration
	bodyLimit  int64
	httpClient *http.Client
	logger     *slog.Logger

	http   *resty.Client
	redact redactor
	// sleep waits between read retries; a field so tests skip the wait.
	sleep func(ctx context.Context, d time.Duration) error
	// jitter returns a value in [0, n); a field so tests can pin it.
	jitter func(n int64) int64
	// now is the clock for the expiry window sent with a create.
	now func() time.Time
}

// Option configures a Client in New.
type Option func(*Client)

// WithSnapURL points creates at another Snap root (the simulator). A
// missing trailing slash is added.
func WithSnapURL(u string) Option { return func(c *Client) { c.snapURL = withSlash(u) } }

// WithCoreURL points status and expire calls at another Core API root (the
// simulator). A missing trailing slash is added.
func WithCoreURL(u string) Option { return func(c *Client) { c.coreURL = withSlash(u) } }

// WithEnvironment sets both roots to Midtrans's sandbox ("sandbox") or
// production (anything else, the default): a typo must not send production
// keys somewhere unexpected, and sandbox keys are simply refused there.
// Later WithSnapURL/WithCoreURL options override it.
func WithEnvironment(env string) Option {
	return func(c *Client) {
		if strings.EqualFold(strings.TrimSpace(env), EnvironmentSandbox) {
			c.snapURL, c.coreURL = SnapSandboxURL, CoreSandboxURL
			return
		}
		c.snapURL, c.coreURL = SnapProductionURL, CoreProductionURL
	}
}

// WithTimeout bounds each HTTP request (each try of a read, the single try
// of a create). Zero or negative means no bound beyond ctx.
func WithTimeout(d time.Duration) Option { return func(c *Client) { c.timeout = d } }

// WithHTTPClient sets the underlying HTTP client (proxies, transport). It is
// copied, so the caller's value is not modified.
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.httpClient = hc } }

// WithLogger receives one debug line per HTTP request (operation, HTTP
// status, duration, attempt, redacted error). Bodies are never logged.
func WithLogger(l *slog.Logger) Option { return func(c *Client) { c.logger = l } }

// WithRetry sets how status reads and expires (both idempotent) are retried
// after a transport failure or a 5xx: at most maxTries attempts, backoff
// doubling from minBackoff to maxBackoff with jitter. A create is never
// retried, whatever is set here. maxTries below 1 means 1.
func WithRetry(maxTries int, minBackoff, maxBackoff time.Duration) Option {
	return func(c *Client) { c.maxTries, c.minBackoff, c.maxBackoff = maxTries, minBackoff, maxBackoff }
}

// WithBodyLimit caps how many bytes of an answer are read; a longer answer
// is a transport failure. n ≤ 0 keeps DefaultBodyLimit.
func WithBodyLimit(n int64) Option {
	return func(c *Client) {
		if n > 0 {
			c.bodyLimit = n
		}
	}
}

func withSlash(u string) string { return strings.TrimRight(strings.TrimSpace(u), "/") + "/" }

// New returns a client for the merchant's Server Key, on production unless
// told otherwise. It does not contact Midtrans; an unconfigured client
// answers every call with payment.ErrNotConfigured and verifies no
// notification.
func New(serverKey string, opts ...Option) *Client {
	c := &Client{
		serverKey:  strings.TrimSpace(serverKey),
		snapURL:    SnapProductionURL,
		coreURL:    CoreProductionURL,
		timeout:    DefaultTimeout,
		maxTries:   DefaultMaxTries,
		minBackoff: DefaultMinBackoff,
		maxBackoff: DefaultMaxBackoff,
		bodyLimit:  DefaultBodyLimit,
		sleep:      backoff.Sleep,
		jitter:     backoff.Jitter,
		now:        time.Now,
	}
	for _, o := range opts {
		o(c)
	}
	c.maxTries, c.maxBackoff = backoff.Limits(c.maxTries, c.minBackoff, c.maxBackoff)
	c.redact = newRedactor(c.serverKey)
	c.http = restclient.New(c.httpClient, "vipbase-midtrans") // retries are ours: per operation, never for a create
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Name is "midtrans".
func (c *Client) Name() string { return Name }

// Configured reports whether the Server Key is set.
func (c *Client) Configured() bool { return c.serverKey != "" }

// SnapURL returns the Snap root creates go to, with its trailing slash.
func (c *Client) SnapURL() string { return c.snapURL }

// CoreURL returns the Core API root status and expire calls go to, with its
// trailing slash.
func (c *Client) CoreURL() string { return c.coreURL }

// basicAuth is the Authorization header: HTTP Basic with the Server Key as
// user and an empty password.
func basicAuth(serverKey string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(serverKey+":"))
}

// Channels returns the one MIDTRANS channel without asking Midtrans (it has
// no channel list API): its hosted page offers the methods, the merchant
// pays the fees, and there is no amount limit worth knowing beyond Rp 1.
func (c *Client) Channels(ctx context.Context) ([]payment.Channel, error) {
	if !c.Configured() {
		return nil, payment.ErrNotConfigured
	}
	return []payment.Channel{{
		Code:      ChannelCode,
		Name:      "Midtrans (QRIS, GoPay, ShopeePay, Virtual Account)",
		Group:     payment.GroupQRIS,
		Gateway:   Name,
		MinAmount: 1,
		Active:    true,
	}}, nil
}

// Verify checks a notification with this merchant's Server Key; see
// VerifyNotification. An unconfigured client verifies nothing.
func (c *Client) Verify(header http.Header, body []byte) (payment.Notification, error) {
	if !c.Configured() {
		return payment.Notification{}, payment.ErrNotConfigured
	}
	return verifyNotification(c.serverKey, c.redact, body)
}
