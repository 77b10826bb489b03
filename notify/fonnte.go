package notify

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/vipbase/vipbase/internal/redact"
	"github.com/vipbase/vipbase/internal/restclient"
)

// DefaultFonnteURL is Fonnte's send endpoint.
const DefaultFonnteURL = "https://api.fonnte.com/send"

// Defaults applied by NewFonnte.
const (
	DefaultFonnteTimeout = 20 * time.Second
	// fonnteBodyLimit caps an answer: Fonnte's are a few hundred bytes.
	fonnteBodyLimit = 64 << 10
)

var _ WhatsApp = (*Fonnte)(nil)

// Fonnte sends WhatsApp messages through Fonnte (api.fonnte.com) with one
// device token. It is safe for concurrent use.
type Fonnte struct {
	token      string
	url        string
	timeout    time.Duration
	httpClient *http.Client
	logger     *slog.Logger

	http   *resty.Client
	redact redact.Redactor
}

// FonnteOption configures a Fonnte in NewFonnte.
type FonnteOption func(*Fonnte)

// WithURL points the client at another send URL (the sandbox's Server.URL).
func WithURL(u string) FonnteOption { return func(f *Fonnte) { f.url = strings.TrimSpace(u) } }

// WithHTTPClient sets the underlying HTTP client (proxies, transport). It is
// copied, so the caller's value is not modified.
func WithHTTPClient(hc *http.Client) FonnteOption { return func(f *Fonnte) { f.httpClient = hc } }

// WithTimeout bounds each send. Zero or negative means no bound beyond ctx.
func WithTimeout(d time.Duration) FonnteOption { return func(f *Fonnte) { f.timeout = d } }

// WithLogger receives one debug line per send (masked target, HTTP status,
// duration, redacted error). Messages and the token are never logged.
func WithLogger(l *slog.Logger) FonnteOption { return func(f *Fonnte) { f.logger = l } }

// NewFonnte returns a sender for the device token. It does not contact
// Fonnte; with an empty token every Send returns ErrNotConfigured.
func NewFonnte(token string, opts ...FonnteOption) *Fonnte {
	f := &Fonnte{
		token:   strings.TrimSpace(token),
		url:     DefaultFonnteURL,
		timeout: DefaultFonnteTimeout,
	}
	for _, o := range opts {
		o(f)
	}
	f.redact = redact.New(f.token)
	f.http = restclient.New(f.httpClient, "vipbase-notify") // never retried here: the outbox retries
	if f.logger == nil {
		f.logger = slog.New(slog.DiscardHandler)
	}
	return f
}

// Configured reports whether a token is set.
func (f *Fonnte) Configured() bool { return f.token != "" }

// Send posts one message (form target, message, countryCode=62; header
// Authorization: <token>) and returns Fonnte's message id. It is not
// retried: a timeout may still have queued the message, and the outbox
// decides whether a second copy is worth the risk.
func (f *Fonnte) Send(ctx context.Context, to, message string) (string, error) {
	if !f.Configured() {
		return "", ErrNotConfigured
	}
	target, ok := NormalisePhone(to)
	if !ok {
		return "", &SendError{Permanent: true, Reason: "not an Indonesian mobile number: " + f.redact.String(mask(to))}
	}
	if strings.TrimSpace(message) == "" {
		return "", &SendError{Permanent: true, Reason: "empty message"}
	}
	start := time.Now()
	id, status, err := f.post(ctx, target, message)
	f.log(ctx, target, status, time.Since(start), err)
	return id, err
}

func (f *Fonnte) log(ctx context.Context, target string, status int, d time.Duration, err error) {
	if !f.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("target", mask(target)),
		slog.Int("http_status", status),
		slog.Duration("duration", d),
	}
	if err != nil {
		// Already redacted where built; again in case a future path forgets.
		attrs = append(attrs, slog.String("error", f.redact.String(err.Error())))
	}
	f.logger.LogAttrs(ctx, slog.LevelDebug, "fonnte send", attrs...)
}
