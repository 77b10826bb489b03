// Package tripay is the Tripay (closed payment) client: transactions,
// channels, fees and callback verification, as payments-api.md §1 describes
// them. It implements payment.Gateway and imports no PocketBase.
package tripay

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/vipbase/vipbase/internal/backoff"
	"github.com/vipbase/vipbase/internal/restclient"
	"github.com/vipbase/vipbase/payment"
)

// Base URLs; endpoint names are appended. Sandbox and production have
// separate credentials.
const (
	DefaultBaseURL = "https://tripay.co.id/api/"
	SandboxBaseURL = "https://tripay.co.id/api-sandbox/"
)

// Name is the gateway's id (payments.gateway).
const Name = "tripay"

// Defaults applied by New; see the matching options.
const (
	DefaultTimeout    = 30 * time.Second
	DefaultMaxTries   = 3
	DefaultMinBackoff = 500 * time.Millisecond
	DefaultMaxBackoff = 5 * time.Second
	// DefaultBodyLimit caps an answer; the channel list is a few KiB, so a
	// larger body is a broken answer, not something to buffer.
	DefaultBodyLimit = 4 << 20
)

var _ payment.Gateway = (*Client)(nil)

// Client talks to Tripay for one merchant. It is safe for concurrent use.
type Client struct {
	apiKey, privateKey, merchantCode string

	baseURL    string
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
	// now is the clock for expiry windows.
	now func() time.Time
}

// Option configures a Client in New.
type Option func(*Client)

// WithBaseURL points the client at another API root (SandboxBaseURL, the
// in-process simulator). A missing trailing slash is added.
func WithBaseURL(u string) Option {
	return func(c *Client) { c.baseURL = strings.TrimRight(strings.TrimSpace(u), "/") + "/" }
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

// WithRetry sets how reads (detail, transactions, channels, fees) are
// retried after a transport failure: at most maxTries attempts, backoff
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

// New returns a client for the merchant. It does not contact Tripay; an
// unconfigured client answers every call with payment.ErrNotConfigured and
// verifies no notification.
func New(apiKey, privateKey, merchantCode string, opts ...Option) *Client {
	c := &Client{
		apiKey:       strings.TrimSpace(apiKey),
		privateKey:   strings.TrimSpace(privateKey),
		merchantCode: strings.TrimSpace(merchantCode),
		baseURL:      DefaultBaseURL,
		timeout:      DefaultTimeout,
		maxTries:     DefaultMaxTries,
		minBackoff:   DefaultMinBackoff,
		maxBackoff:   DefaultMaxBackoff,
		bodyLimit:    DefaultBodyLimit,
		sleep:        backoff.Sleep,
		jitter:       backoff.Jitter,
		now:          time.Now,
	}
	for _, o := range opts {
		o(c)
	}
	c.maxTries, c.maxBackoff = backoff.Limits(c.maxTries, c.minBackoff, c.maxBackoff)
	c.redact = c.redactorWith()
	c.http = restclient.New(c.httpClient, "vipbase-tripay") // retries are ours: per operation, never for a create
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Name is "tripay".
func (c *Client) Name() string { return Name }

// Configured reports whether the API key, private key and merchant code are
// all set.
func (c *Client) Configured() bool {
	return c.apiKey != "" && c.privateKey != "" && c.merchantCode != ""
}

// BaseURL returns the API root requests go to, with its trailing slash.
func (c *Client) BaseURL() string { return c.baseURL }

// Verify checks a callback with this merchant's private key; see
// VerifyNotification. An unconfigured client verifies nothing.
func (c *Client) Verify(header http.Header, body []byte) (payment.Notification, error) {
	if !c.Configured() {
		return payment.Notification{}, payment.ErrNotConfigured
	}
	return verifyNotification(c.privateKey, c.redact, header, body)
}
