package sandbox

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vipbase/vipbase/internal/simhttp"
)

// Default credentials and profile used when Config leaves them empty.
const (
	DefaultAPIID    = "SANDBOX1"
	DefaultAPIKey   = "sandbox-api-key-0123456789abcdef0123456789abcdef0123456789abcdef01"
	DefaultUsername = "sandbox"
	DefaultFullName = "VIP Sandbox"
	DefaultLevel    = "Special"
	DefaultBalance  = int64(50_000_000)
)

// Endpoint names as they appear in the URL path, Request.Endpoint and
// Transaction.Endpoint.
const (
	EndpointProfile = "profile"
	EndpointGame    = "game-feature"
	EndpointPrepaid = "prepaid"
	EndpointSocial  = "social-media"
)

// Errors returned by the test helpers that mutate the sandbox.
var (
	ErrUnknownEndpoint    = errors.New("sandbox: unknown endpoint")
	ErrUnknownService     = errors.New("sandbox: unknown service")
	ErrUnknownTransaction = errors.New("sandbox: unknown transaction")
	ErrInvalidStatus      = errors.New("sandbox: invalid status")
	ErrNotStockTracked    = errors.New("sandbox: service is not stock-tracked")
)

// Config configures a Sandbox. The zero value is usable: every empty field
// gets the documented default.
type Config struct {
	APIID, APIKey string // accepted credentials; DefaultAPIID / DefaultAPIKey if empty

	Username, FullName, Level string // profile; DefaultUsername, DefaultFullName, DefaultLevel if empty

	Balance int64 // starting provider balance; DefaultBalance if 0 (use SetBalance for 0)

	// GameServices, PrepaidServices and SocialServices size the generated
	// catalog per category (0 = 60 / 80 / 40). The well-known rows are always
	// present, so a smaller number still yields them.
	GameServices, PrepaidServices, SocialServices int

	Seed int64 // makes the catalog, trxids, SNs and fault rates deterministic

	ProcessingAfter time.Duration // waiting → processing delay; 0 = 1s, negative = immediately
	CompleteAfter   time.Duration // processing → terminal delay; 0 = 2s, negative = immediately

	CallbackURL    string       // where status callbacks are POSTed ("" = none)
	CallbackClient *http.Client // default: a client with a 5s timeout

	// OrderGap throttles game/prepaid orders of the account (0 = off);
	// social-media orders use OrderGap/6, like the provider's 6 s / 1 s.
	OrderGap time.Duration

	Now func() time.Time // clock; default time.Now. Must be safe for concurrent use.

	// RequestLogLimit keeps only the most recent N requests in the log, for
	// long benchmarks (0 = keep all). Count and Requests see only those.
	RequestLogLimit int

	// StatePath, when set, makes the sandbox outlive its process: Open loads
	// the transactions (statuses, schedules, refunds), balance, stock,
	// throttle times and undelivered callbacks from this file, and Run (so
	// Start) writes them back atomically at most once a second while they
	// change, and once more when it stops. SaveState writes on demand.
	// "" (the default) keeps everything in memory. See persist.go.
	StatePath string

	// OnStateError, when set, is told when a write of StatePath by Run
	// fails (from Run's goroutine; once per distinct error in a row).
	OnStateError func(error)
}

// Sandbox is an in-memory VIP-Reseller provider. It is an http.Handler and
// safe for concurrent use.
type Sandbox struct {
	cfg  Config
	sign string

	// sendMu serialises callback delivery so callbacks leave in the order their
	// transitions happened even when Step runs from several goroutines.
	sendMu sync.Mutex

	mu          sync.Mutex
	callbackURL string
	balance     int64
	catalogs    map[string]*catalog
	txns        map[string]*txn
	all         []*txn
	byEndpoint  map[string][]*txn
	pending     map[string]int // social service+target → non-terminal orders
	sched       schedHeap
	outbox      []event
	held        map[string][]event   // reordered callbacks waiting for the trx's next one
	faults      simhttp.Rules[Fault] // has its own lock; taken under mu
	faultRNG    *rand.Rand
	trxRNG      *rand.Rand
	lastOrder   map[string]time.Time
	reqs        simhttp.Log[Request] // has its own lock
	rev         uint64               // bumped by every change that StatePath keeps

	// saveMu serialises state writes; savedRev, lastSave and lastSaveErr are
	// guarded by it.
	saveMu      sync.Mutex
	savedRev    uint64
	lastSave    time.Time
	lastSaveErr string

	callbacksSent atomic.Int64
}

// New builds a sandbox with a generated catalog. It does not start any
// goroutine; call Run (or use Start) to have transitions applied over time.
// With Config.StatePath set it is Open, and panics if the state file exists
// but cannot be loaded; use Open to get that error instead.
func New(cfg Config) *Sandbox {
	s, err := Open(cfg)
	if err != nil {
		panic(err)
	}
	return s
}

// Open is New that reports a state file (Config.StatePath) that exists but
// cannot be read or parsed. A missing file is a fresh start.
func Open(cfg Config) (*Sandbox, error) {
	s := newSandbox(cfg)
	if s.cfg.StatePath != "" {
		if err := s.loadState(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func newSandbox(cfg Config) *Sandbox {
	cfg = withDefaults(cfg)
	sum := md5.Sum([]byte(cfg.APIID + cfg.APIKey))
	s := &Sandbox{
		cfg:         cfg,
		sign:        hex.EncodeToString(sum[:]),
		callbackURL: cfg.CallbackURL,
		balance:     cfg.Balance,
		catalogs:    generateCatalogs(cfg),
		txns:        make(map[string]*txn),
		byEndpoint:  make(map[string][]*txn),
		pending:     make(map[string]int),
		held:        make(map[string][]event),
		faultRNG:    rand.New(rand.NewPCG(uint64(cfg.Seed), 0xfa017)),
		trxRNG:      rand.New(rand.NewPCG(uint64(cfg.Seed), 0x7e1d)),
		lastOrder:   make(map[string]time.Time),
	}
	s.reqs.SetLimit(cfg.RequestLogLimit)
	return s
}

func withDefaults(cfg Config) Config {
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&cfg.APIID, DefaultAPIID)
	def(&cfg.APIKey, DefaultAPIKey)
	def(&cfg.Username, DefaultUsername)
	def(&cfg.FullName, DefaultFullName)
	def(&cfg.Level, DefaultLevel)
	if cfg.Balance == 0 {
		cfg.Balance = DefaultBalance
	}
	cfg.ProcessingAfter = delay(cfg.ProcessingAfter, time.Second)
	cfg.CompleteAfter = delay(cfg.CompleteAfter, 2*time.Second)
	if cfg.CallbackClient == nil {
		cfg.CallbackClient = &http.Client{Timeout: 5 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return cfg
}

func delay(d, def time.Duration) time.Duration {
	switch {
	case d == 0:
		return def
	case d < 0:
		return 0
	}
	return d
}

// Run calls Step every 50ms until ctx is done. With Config.StatePath set it
// also writes the state when it changed (at most once a second) and a last
// time when ctx is done.
func (s *Sandbox) Run(ctx context.Context) {
	tk := time.NewTicker(50 * time.Millisecond)
	defer tk.Stop()
	for {
		select {
		case <-ctx.Done():
			s.autosave(true)
			return
		case <-tk.C:
			s.Step()
			s.autosave(false)
		}
	}
}

// APIID returns the accepted API ID.
func (s *Sandbox) APIID() string { return s.cfg.APIID }

// APIKey returns the accepted API key.
func (s *Sandbox) APIKey() string { return s.cfg.APIKey }

// Signature returns md5(APIID+APIKey) as lowercase hex: the accepted sign and
// the X-Client-Signature header of callbacks.
func (s *Sandbox) Signature() string { return s.sign }

// Balance returns the provider balance of the account.
func (s *Sandbox) Balance() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.balance
}

// SetBalance sets the provider balance of the account.
func (s *Sandbox) SetBalance(b int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.balance = b
	s.rev++
}

// SetCallbackURL changes where callbacks are POSTed ("" = none), for callers
// that only know their own address after the sandbox started.
func (s *Sandbox) SetCallbackURL(url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.callbackURL = url
}

// CallbacksSent returns how many callback POSTs got an HTTP response (any
// status). Dropped callbacks are not counted; duplicated ones count twice.
func (s *Sandbox) CallbacksSent() int { return int(s.callbacksSent.Load()) }

func (s *Sandbox) now() time.Time { return s.cfg.Now() }

// tier returns the price tier for the configured account level, mapped the
// way resellers map it: Special/H2H/Admin pay special, Premium premium, any
// other level basic.
func (s *Sandbox) tier() string {
	switch strings.ToLower(strings.TrimSpace(s.cfg.Level)) {
	case "special", "h2h", "admin":
		return "special"
	case "premium":
		return "premium"
	}
	return "basic"
}
