package sandbox

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/vipbase/vipbase/internal/simhttp"
)

// Fixed sandbox credentials used when Config leaves them empty. They look
// like Tripay's sandbox credentials (DEV- API key, dashed private key,
// T-prefixed merchant code).
const (
	DefaultAPIKey       = "DEV-vipbaseSandboxKey0123456789abcdefghijklmnop"
	DefaultPrivateKey   = "Vb7sX-q2LmN-8dRtY-kP4wZ-aC9eF"
	DefaultMerchantCode = "T12345"
)

// Transaction statuses, as Tripay spells them.
const (
	StatusUnpaid  = "UNPAID"
	StatusPaid    = "PAID"
	StatusExpired = "EXPIRED"
	StatusFailed  = "FAILED"
	StatusRefund  = "REFUND"
)

// Errors of the control API.
var (
	ErrUnknownTransaction = errors.New("sandbox: unknown transaction")
	ErrNotUnpaid          = errors.New("sandbox: transaction is not UNPAID")
	ErrNotPaid            = errors.New("sandbox: transaction is not PAID")
	ErrExpired            = errors.New("sandbox: transaction expired; use PayAfterExpiry")
	ErrUnknownChannel     = errors.New("sandbox: unknown channel")
)

// DefaultRetrySchedule is the compressed retry schedule: Tripay retries an
// unaccepted notification every 2 minutes, at most 3 times
// (RealRetrySchedule); tests get 3 retries 50 ms apart.
var (
	DefaultRetrySchedule = []time.Duration{50 * time.Millisecond, 50 * time.Millisecond, 50 * time.Millisecond}
	RealRetrySchedule    = []time.Duration{2 * time.Minute, 2 * time.Minute, 2 * time.Minute}
)

// Config configures a Sandbox. The zero value is usable.
type Config struct {
	APIKey, PrivateKey, MerchantCode string // DefaultAPIKey / DefaultPrivateKey / DefaultMerchantCode if empty

	Seed int64 // makes references, pay codes and QR strings deterministic

	// CallbackURL receives notifications of transactions created without a
	// callback_url (the dashboard default). "" = such notifications are not sent.
	CallbackURL    string
	CallbackClient *http.Client // default: a client with a 5 s timeout

	// RetrySchedule is the wait before each retry of an unaccepted
	// notification. nil = DefaultRetrySchedule; an empty non-nil slice = no retries.
	RetrySchedule []time.Duration

	// MerchantPaysFee charges every channel's fee to the merchant
	// (fee_merchant) instead of the shopper (fee_customer, closed payment).
	MerchantPaysFee bool

	// PublicURL, when set, is the base (e.g. http://127.0.0.1:8090/api-sandbox/)
	// used in checkout_url and pay_url; otherwise the Host and path prefix of
	// the create request are used.
	PublicURL string

	Now func() time.Time // clock; default time.Now. Must be safe for concurrent use.
}

// Sandbox is an in-memory Tripay. It is an http.Handler and safe for
// concurrent use.
type Sandbox struct {
	cfg Config

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup // notification deliveries in flight

	mu          sync.Mutex
	callbackURL string
	channels    []*channel
	txns        map[string]*txn
	all         []*txn
	faults      simhttp.Rules[Fault] // has its own lock; taken under mu
	rng         *rand.Rand
	reqs        simhttp.Log[Request] // has its own lock
	deliveries  []Delivery
	closed      bool
}

// New builds a sandbox. It starts no goroutine until a notification is due;
// expiry is applied lazily on reads and by Step (Start runs Step every 50 ms).
func New(cfg Config) *Sandbox {
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&cfg.APIKey, DefaultAPIKey)
	def(&cfg.PrivateKey, DefaultPrivateKey)
	def(&cfg.MerchantCode, DefaultMerchantCode)
	if cfg.RetrySchedule == nil {
		cfg.RetrySchedule = DefaultRetrySchedule
	}
	if cfg.CallbackClient == nil {
		cfg.CallbackClient = &http.Client{Timeout: 5 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Sandbox{
		cfg:         cfg,
		ctx:         ctx,
		cancel:      cancel,
		callbackURL: cfg.CallbackURL,
		channels:    defaultChannels(cfg.MerchantPaysFee),
		txns:        make(map[string]*txn),
		rng:         rand.New(rand.NewPCG(uint64(cfg.Seed), 0x7219a7)),
	}
}

// APIKey returns the accepted API key (Authorization: Bearer <key>).
func (s *Sandbox) APIKey() string { return s.cfg.APIKey }

// PrivateKey returns the private key that signs creates and notifications.
func (s *Sandbox) PrivateKey() string { return s.cfg.PrivateKey }

// MerchantCode returns the merchant code.
func (s *Sandbox) MerchantCode() string { return s.cfg.MerchantCode }

// CreateSignature is the signature a create for merchantRef and amount must
// carry: lowercase hex HMAC-SHA256(private_key, merchant_code+merchant_ref+amount).
func (s *Sandbox) CreateSignature(merchantRef string, amount int64) string {
	return hmacHex(s.cfg.PrivateKey, s.cfg.MerchantCode+merchantRef+strconv.FormatInt(amount, 10))
}

// CallbackSignature is the X-Callback-Signature of a notification body.
func (s *Sandbox) CallbackSignature(body []byte) string {
	return hmacHex(s.cfg.PrivateKey, string(body))
}

func hmacHex(key, msg string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

// SetCallbackURL changes the default callback URL ("" = none).
func (s *Sandbox) SetCallbackURL(url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.callbackURL = url
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

// Step expires every UNPAID transaction whose expired_time has passed (each
// sends its EXPIRED notification) and returns how many it expired.
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
