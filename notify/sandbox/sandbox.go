package sandbox

import (
	"crypto/rand"
	"crypto/subtle"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vipbase/vipbase/internal/simhttp"
)

// DefaultKeep is how many messages the inbox keeps when Config.Keep is 0.
const DefaultKeep = 500

// requestLogLimit bounds the request log, so a long serve --sandbox session
// does not grow without end. Hits keeps counting past it.
const requestLogLimit = 1000

// Config configures a Sandbox. The zero value is usable.
type Config struct {
	// Token is the device token the Authorization header must carry.
	// "" = a random one, see Sandbox.Token.
	Token string
	// Keep bounds the inbox: the oldest messages are dropped beyond it.
	// 0 = DefaultKeep.
	Keep int
	// Now is the clock for Message.At and Request.At; default time.Now.
	// It must be safe for concurrent use.
	Now func() time.Time
}

// Sandbox is an in-memory Fonnte send endpoint with an inbox. It is an
// http.Handler for the send endpoint (see the package doc), embeds the
// *Inbox every accepted message lands in, and is safe for concurrent use.
type Sandbox struct {
	*Inbox

	token string
	now   func() time.Time

	mu        sync.Mutex
	requestID int64

	faults simhttp.Rules[Fault] // has its own lock
	reqs   simhttp.Log[Request] // has its own lock, bounded by requestLogLimit
	hits   atomic.Int64         // requests since ResetRequests, past the log's bound too
}

// New builds a sandbox. It starts no goroutine.
func New(cfg Config) *Sandbox {
	if cfg.Token == "" {
		cfg.Token = rand.Text() // 26 base32 characters, like a device token in length and alphabet
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	in := NewInbox(cfg.Keep)
	in.now = cfg.Now
	s := &Sandbox{Inbox: in, token: cfg.Token, now: cfg.Now, requestID: 2000000}
	s.reqs.SetLimit(requestLogLimit)
	return s
}

// Token returns the device token the sandbox accepts (Authorization: <token>).
func (s *Sandbox) Token() string { return s.token }

func (s *Sandbox) tokenOK(got string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.token)) == 1
}

func (s *Sandbox) nextRequestID() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requestID++
	return s.requestID
}
