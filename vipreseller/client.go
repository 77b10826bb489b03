package vipreseller

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/vipbase/vipbase/internal/backoff"
	"github.com/vipbase/vipbase/internal/redact"
	"github.com/vipbase/vipbase/internal/restclient"
)

// DefaultBaseURL is the provider's API root; endpoint names are appended.
const DefaultBaseURL = "https://vip-reseller.co.id/api"

// Defaults applied by New; see the matching options.
const (
	DefaultTimeout    = 30 * time.Second
	DefaultRateLimit  = 5.0 // requests per second
	DefaultMaxTries   = 3
	DefaultMinBackoff = 500 * time.Millisecond
	DefaultMaxBackoff = 5 * time.Second
)

// maxBody caps how much of an answer is read. The full game catalog is a few
// MiB; anything past this is treated as a broken (truncated) answer rather
// than buffered without bound.
const maxBody = 64 << 20

// ErrNotConfigured is returned, without any request being sent, when the
// client lacks the API ID or the API key.
var ErrNotConfigured = errors.New("vipreseller: API ID and API key are not configured")

// Client talks to the provider. It is safe for concurrent use. Each API area
// is a field so calls read like the provider's docs:
// c.Game.Order(ctx, GameOrderParams{...}).
type Client struct {
	// Profile is the account endpoint (/profile).
	Profile *ProfileAPI
	// Game is the game-feature endpoint: games, vouchers, premium apps.
	Game *GameAPI
	// Prepaid is the prepaid endpoint: pulsa, data, PLN tokens, e-money.
	Prepaid *PrepaidAPI
	// Social is the social-media (SMM) endpoint.
	Social *SocialAPI

	apiID, apiKey, sign string
	baseURL             string
	timeout             time.Duration
	maxTries            int
	minBackoff          time.Duration
	maxBackoff          time.Duration
	rate                float64
	httpClient          *http.Client
	logger              *slog.Logger

	http    *resty.Client
	limiter *limiter
	// orderLimiter spaces order POSTs only (WithOrderSpacing).
	orderLimiter *limiter
	// lowLimiter is the share of the rate low-priority calls may use.
	lowLimiter   *limiter
	orderSpacing time.Duration
	bodyLimit    int64 // maxBody; a field so tests can exercise truncation cheaply
	redact       redact.Redactor
	// sleep waits between read retries; a field so tests can skip the wait.
	sleep func(ctx context.Context, d time.Duration) error
	// jitter returns a value in [0, n); a field so tests can pin it.
	jitter func(n int64) int64

	confirms confirmBatches // Confirm's coalescing, per endpoint
}

// Option configures a Client in New.
type Option func(*Client)

// WithBaseURL points the client at another API root, such as the sandbox
// provider. A trailing slash is tolerated.
func WithBaseURL(u string) Option {
	return func(c *Client) { c.baseURL = strings.TrimRight(strings.TrimSpace(u), "/") }
}

// WithTimeout bounds each HTTP request (each try of a read, the single try
// of an order). Zero or negative means no per-request bound beyond ctx.
func WithTimeout(d time.Duration) Option {
	return func(c *Client) { c.timeout = d }
}

// WithHTTPClient sets the underlying HTTP client (proxies, custom transport).
// The client is copied, so the caller's value is not modified.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) { c.httpClient = hc }
}

// WithRateLimit paces all requests of this client to perSecond per second;
// 0 turns pacing off (the in-process sandbox benchmarks run that way).
func WithRateLimit(perSecond float64) Option {
	return func(c *Client) { c.rate = perSecond }
}

// WithOrderSpacing keeps at least d between two order POSTs of this client
// (on top of the rate limit), for accounts the provider throttles per order
// ("Transaksi dibatasi, coba lagi dalam 6 detik."). 0, the default, is off.
func WithOrderSpacing(d time.Duration) Option {
	return func(c *Client) { c.orderSpacing = d }
}

// WithRetry sets how read operations are retried after a transport failure:
// at most maxTries attempts in total, with exponential backoff from
// minBackoff to maxBackoff plus jitter. Orders are never retried, whatever is
// set here. maxTries below 1 means 1.
func WithRetry(maxTries int, minBackoff, maxBackoff time.Duration) Option {
	return func(c *Client) {
		c.maxTries, c.minBackoff, c.maxBackoff = maxTries, minBackoff, maxBackoff
	}
}

// WithLogger receives one debug line per HTTP request (endpoint, type, HTTP
// status, duration, attempt, redacted error). Form values are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) { c.logger = l }
}

// New returns a client for the account identified by apiID and apiKey. It
// does not contact the provider; an unconfigured client answers every call
// with ErrNotConfigured.
func New(apiID, apiKey string, opts ...Option) *Client {
	c := &Client{
		apiID:      strings.TrimSpace(apiID),
		apiKey:     strings.TrimSpace(apiKey),
		baseURL:    DefaultBaseURL,
		timeout:    DefaultTimeout,
		maxTries:   DefaultMaxTries,
		minBackoff: DefaultMinBackoff,
		maxBackoff: DefaultMaxBackoff,
		rate:       DefaultRateLimit,
		sleep:      backoff.Sleep,
		jitter:     backoff.Jitter,
		bodyLimit:  maxBody,
	}
	for _, o := range opts {
		o(c)
	}
	c.maxTries, c.maxBackoff = backoff.Limits(c.maxTries, c.minBackoff, c.maxBackoff)
	// The sign is constant per account, so it is computed once.
	c.sign = Sign(c.apiID, c.apiKey)
	c.redact = redact.New(c.apiKey, c.sign, c.apiID)

	c.http = restclient.New(c.httpClient, "vipbase-vipreseller") // retries are ours: per operation, and never for orders
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	c.limiter = newLimiter(c.rate)
	c.lowLimiter = newLimiter(c.rate * lowShare)
	c.orderLimiter = &limiter{interval: c.orderSpacing, now: time.Now, sleep: backoff.Sleep}

	c.Profile = &ProfileAPI{c: c}
	c.Game = &GameAPI{c: c}
	c.Prepaid = &PrepaidAPI{c: c}
	c.Social = &SocialAPI{c: c}
	return c
}

// Configured reports whether both the API ID and the API key are set.
func (c *Client) Configured() bool { return c.apiID != "" && c.apiKey != "" }

// BaseURL returns the API root requests go to, without a trailing slash.
func (c *Client) BaseURL() string { return c.baseURL }

// Status looks up transactions on the endpoint they were ordered on; status
// lookups are per endpoint, a prepaid trxid is unknown to game-feature.
func (c *Client) Status(ctx context.Context, ep Endpoint, p StatusParams) ([]Transaction, error) {
	switch ep {
	case EndpointGame:
		return c.Game.Status(ctx, p)
	case EndpointPrepaid:
		return c.Prepaid.Status(ctx, p)
	case EndpointSocial:
		return c.Social.Status(ctx, p)
	}
	return nil, fmt.Errorf("vipreseller: status: endpoint %q has no transactions", ep)
}
