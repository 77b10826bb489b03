package sandbox

import (
	"context"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/vipbase/vipbase/internal/simhttp"
)

// DefaultServerKey is the server key accepted when Config leaves it empty.
// It looks like a Midtrans sandbox key (SB-Mid-server-…).
const DefaultServerKey = "SB-Mid-server-vipbaseSandbox0123456789"

// DefaultMerchantID is the merchant_id of every answer when Config leaves
// it empty; Midtrans merchant ids are G + 9 digits.
const DefaultMerchantID = "G123456789"

// Transaction statuses, as Midtrans spells them (transaction_status).
// StatusNotStarted is the sandbox's own name for a Snap transaction whose
// shopper has not picked a method yet: it never appears on the wire (the
// status API answers 404 for it).
const (
	StatusNotStarted = "not_started"
	StatusPending    = "pending"
	StatusSettlement = "settlement"
	StatusCapture    = "capture"
	StatusDeny       = "deny"
	StatusCancel     = "cancel"
	StatusExpire     = "expire"
	StatusRefund     = "refund"
)

// Fraud statuses (fraud_status).
const (
	FraudAccept    = "accept"
	FraudChallenge = "challenge"
	FraudDeny      = "deny"
)

// Errors of the control API.
var (
	ErrUnknownTransaction = errors.New("sandbox: unknown transaction")
	ErrUnknownMethod      = errors.New("sandbox: unknown payment method")
	ErrMethodNotEnabled   = errors.New("sandbox: payment method not in enabled_payments")
	ErrMethodChosen       = errors.New("sandbox: a payment method was already picked")
	ErrNotPending         = errors.New("sandbox: transaction is not pending")
	ErrNotPaid            = errors.New("sandbox: transaction is not settled (or captured and accepted)")
	ErrNotChallenged      = errors.New("sandbox: transaction is not a capture in fraud challenge")
	ErrNotCard            = errors.New("sandbox: a fraud challenge needs the credit_card method")
	ErrExpired            = errors.New("sandbox: transaction expired; use PayAfterExpiry")
	ErrNotExpired         = errors.New("sandbox: transaction is not expired nor past its expiry")
	errUnknownAction      = errors.New("sandbox: unknown page action")
)

// DefaultRetrySchedule is Midtrans's notification retry schedule (about 2,
// 10, 30, 90 and 210 minutes) compressed from minutes to milliseconds;
// RealRetrySchedule is the uncompressed one. How many of the retries are
// used depends on the receiver's answer (see the package doc).
var (
	DefaultRetrySchedule = []time.Duration{2 * time.Millisecond, 10 * time.Millisecond, 30 * time.Millisecond, 90 * time.Millisecond, 210 * time.Millisecond}
	RealRetrySchedule    = []time.Duration{2 * time.Minute, 10 * time.Minute, 30 * time.Minute, 90 * time.Minute, 210 * time.Minute}
)

// DefaultExpiry is the payment window when a create sends no expiry, and
// the lifetime of a Snap token whose shopper never picks a method (INF).
const DefaultExpiry = 24 * time.Hour

// Config configures a Sandbox. The zero value is usable.
type Config struct {
	ServerKey  string // DefaultServerKey if empty
	MerchantID string // DefaultMerchantID if empty

	Seed int64 // makes tokens, transaction ids and VA numbers deterministic

	// NotificationURL is the dashboard's Payment Notification URL: it gets
	// the notifications of transactions created without an
	// X-Override-Notification header. "" = such notifications are not sent.
	NotificationURL string
	CallbackClient  *http.Client // default: a client with a 5 s timeout (Midtrans wants 2xx within 5 s)

	// RetrySchedule is the wait before each retry of an unaccepted
	// notification. nil = DefaultRetrySchedule; an empty non-nil slice = no
	// retries. The receiver's answer caps how many are used.
	RetrySchedule []time.Duration

	// PublicURL, when set, is the base (e.g. http://127.0.0.1:8090/midtrans/)
	// of redirect_url; otherwise the Host and path prefix of the create
	// request are used.
	PublicURL string

	Now func() time.Time // clock; default time.Now. Must be safe for concurrent use.
}

// Sandbox is an in-memory Midtrans (Snap + Core API). It is an http.Handler
// and safe for concurrent use.
type Sandbox struct {
	cfg Config

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup // notification deliveries in flight

	mu              sync.Mutex
	notificationURL string
	txns            map[string]*txn // by order_id: the current one
	tokens          map[string]*txn
	all             []*txn
	faults          simhttp.Rules[Fault] // has its own lock; taken under mu
	rng             *rand.Rand
	reqs            simhttp.Log[Request] // has its own lock
	deliveries      []Delivery
	closed          bool
}

// New builds a sandbox. It starts no goroutine until a notification is due;
// expiry is applied lazily on reads and by Step (Start runs Step every 50 ms).
func New(cfg Config) *Sandbox {
	if cfg.ServerKey == "" {
		cfg.ServerKey = DefaultServerKey
	}
	if cfg.MerchantID == "" {
		cfg.MerchantID = DefaultMerchantID
	}
	if cfg.RetrySchedule == nil {
		cfg.RetrySchedule = DefaultRetrySchedule
	}
	if cfg.CallbackClient == nil {
		// 3xx must reach the retry policy (no retries), not be followed.
		cfg.CallbackClient = &http.Client{Timeout: 5 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Sandbox{
		cfg:             cfg,
		ctx:             ctx,
		cancel:          cancel,
		notificationURL: cfg.NotificationURL,
		txns:            make(map[string]*txn),
		tokens:          make(map[string]*txn),
		rng:             rand.New(rand.NewPCG(uint64(cfg.Seed), 0x3d1d7a5)),
	}
}

// ServerKey returns the accepted server key (Basic auth user) that also
// signs notifications.
func (s *Sandbox) ServerKey() string { return s.cfg.ServerKey }

// MerchantID returns the merchant_id the sandbox answers with.
func (s *Sandbox) MerchantID() string { return s.cfg.MerchantID }

// Signature is the signature_key of a notification or status answer:
// lowercase hex SHA512(order_id + status_code + gross_amount + server key),
// over the strings exactly as sent (gross_amount like "10000.00").
func (s *Sandbox) Signature(orderID, statusCode, grossAmount string) string {
	return sha512Hex(orderID + statusCode + grossAmount + s.cfg.ServerKey)
}

func sha512Hex(msg string) string {
	sum := sha512.Sum512([]byte(msg))
	return hex.EncodeToString(sum[:])
}

// SetNotificationURL changes the dashboard's notification URL ("" = none).
func (s *Sandbox) SetNotificationURL(url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.notificationURL = url
}

// Flush waits until every notification delivery started so far (and those
// they trigger) has finished, retries included. Held (out-of-order)
// notifications wait for their transaction's next one and are not waited for.
func (s *Sandbox) Flush() { s.wg.Wait() }

// Close stops pending deliveries (retries and delays end at once) and waits
// for them. Later status changes send nothing. It is idempotent.
func (s *Sandbox) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
}

// Run calls Step every 50 ms until ctx is done.
func (s *Sandbox) Run(ctx context.Context) {
	tk := time.NewTicker(50 * time.Millisecond)
	defer tk.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tk.C:
			s.Step()
		}
	}
}

// Step expires every transaction whose window has passed (a pending one
// sends its expire notification; a not-started one lapses silently) and
// returns how many it expired.
func (s *Sandbox) Step() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	now := s.now()
	for _, t := range s.all {
		if s.expireDueLocked(t, now) {
			n++
		}
	}
	return n
}

func (s *Sandbox) now() time.Time { return s.cfg.Now() }
