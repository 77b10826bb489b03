package sandbox

import (
	"context"
	"net/http"
	"time"

	"github.com/vipbase/vipbase/internal/backoff"
	"github.com/vipbase/vipbase/internal/simhttp"
)

// FaultKind selects what an injected fault does.
type FaultKind int

// Fault kinds. Request faults match Fault.Endpoint ("" = any API endpoint;
// the hosted page is never faulted); notification faults ignore it.
const (
	// FaultTimeout hangs until the request context ends or Delay (default
	// 30 s) passes, then drops the connection without an answer. On create
	// the transaction is created first (if the request is valid): the
	// "unknown outcome" case. Cancel and expire are applied too.
	FaultTimeout FaultKind = iota + 1
	// FaultHTTPError answers Status (default 500) with an HTML page. Nothing
	// is applied unless Applied.
	FaultHTTPError
	// FaultGarbage answers with the real JSON cut in half (the operation is
	// applied first, like Timeout).
	FaultGarbage
	// FaultLatency sleeps Delay (honouring the request context), then answers normally.
	FaultLatency

	// FaultNotifyDuplicate sends the notification twice (the second after
	// the first was accepted or gave up).
	FaultNotifyDuplicate
	// FaultNotifyDelay sends the notification Delay (default 200 ms) late;
	// later notifications of the transaction do not wait for it.
	FaultNotifyDelay
	// FaultNotifyLost never sends the notification (nor its retries).
	FaultNotifyLost
	// FaultNotifyOutOfOrder holds the notification back and sends it right
	// after the transaction's next one (or at ReleaseHeld).
	FaultNotifyOutOfOrder
	// FaultNotifyBadSignature sends the notification with a signature_key
	// computed with a wrong server key.
	FaultNotifyBadSignature
	// FaultNotifyLatePending sends the transaction's pending notification
	// again right after its next non-pending one (a settlement, usually):
	// the late pending of docs/payments-api.md §3.2. It waits for a
	// non-pending notification, so it can be injected before PickMethod.
	FaultNotifyLatePending
)

var faultNames = map[FaultKind]string{
	FaultTimeout: "timeout", FaultHTTPError: "http-error", FaultGarbage: "garbage", FaultLatency: "latency",
	FaultNotifyDuplicate: "notify-duplicate", FaultNotifyDelay: "notify-delay", FaultNotifyLost: "notify-lost",
	FaultNotifyOutOfOrder: "notify-out-of-order", FaultNotifyBadSignature: "notify-bad-signature",
	FaultNotifyLatePending: "notify-late-pending",
}

// String names the kind, for test names and logs.
func (k FaultKind) String() string {
	if n, ok := faultNames[k]; ok {
		return n
	}
	return "unknown"
}

func (k FaultKind) isNotify() bool { return k >= FaultNotifyDuplicate }

// Fault is a rule that makes matching requests or notifications misbehave.
type Fault struct {
	Kind     FaultKind
	Endpoint string        // request faults: EndpointCreate, EndpointStatus, …; "" = any
	Times    int           // requests/notifications affected; 0 = once, -1 = forever
	Delay    time.Duration // Timeout, Latency, NotifyDelay
	Status   int           // HTTPError (default 500)
	Applied  bool          // HTTPError: apply the operation anyway
}

// Inject adds a fault rule. Rules are tried in the order added; the first
// matching one applies and is removed when used up.
func (s *Sandbox) Inject(f Fault) { s.faults.Add(f, f.Times) }

// ClearFaults removes all fault rules.
func (s *Sandbox) ClearFaults() { s.faults.Clear() }

func (s *Sandbox) takeRequestFault(ep string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults.Take(func(r Fault) bool {
		return !r.Kind.isNotify() && (r.Endpoint == "" || r.Endpoint == ep)
	})
}

func (s *Sandbox) takeNotifyFaultLocked(status string) (Fault, bool) {
	return s.faults.Take(func(r Fault) bool {
		return r.Kind.isNotify() && (r.Kind != FaultNotifyLatePending || status != StatusPending)
	})
}

const html5xx = `<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head>` +
	`<body><h1>Internal Server Error</h1><p>Sorry, something went wrong.</p></body></html>`

// serve answers an API request, letting at most one fault rule change the answer.
func (s *Sandbox) serve(ctx context.Context, w http.ResponseWriter, c call) {
	f, ok := s.takeRequestFault(c.ep)
	if !ok {
		writeReply(w, s.handle(c))
		return
	}
	switch f.Kind {
	case FaultTimeout:
		if c.ep != EndpointStatus {
			s.handle(c)
		}
		d := f.Delay
		if d <= 0 {
			d = 30 * time.Second
		}
		_ = backoff.Sleep(ctx, d)
		simhttp.Abort(w)
	case FaultHTTPError:
		if f.Applied {
			s.handle(c)
		}
		st := f.Status
		if st == 0 {
			st = http.StatusInternalServerError
		}
		writeReply(w, reply{status: st, ctype: "text/html; charset=UTF-8", body: []byte(html5xx)})
	case FaultGarbage:
		rep := s.handle(c)
		rep.body = rep.body[:len(rep.body)/2]
		writeReply(w, rep)
	case FaultLatency:
		if backoff.Sleep(ctx, f.Delay) != nil {
			simhttp.Abort(w)
			return
		}
		writeReply(w, s.handle(c))
	default:
		writeReply(w, s.handle(c))
	}
}
