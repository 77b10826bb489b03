package sandbox

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/vipbase/vipbase/internal/backoff"
	"github.com/vipbase/vipbase/internal/simhttp"
)

// FaultKind selects what an injected fault does to a send.
type FaultKind int

// Fault kinds. Unless a kind says otherwise the fault replaces the answer
// whatever the request (a wrong token included) and nothing reaches the
// inbox.
const (
	// FaultTransient answers HTTP 200 {"status":false,"reason":Reason},
	// Reason defaulting to ReasonDisconnected: a refusal the client retries.
	FaultTransient FaultKind = iota + 1
	// FaultPermanent answers HTTP 200 {"status":false,"reason":Reason},
	// Reason defaulting to ReasonInvalidTarget: a number that looks right
	// but is not on WhatsApp, say. Pair it with Fault.Target.
	FaultPermanent
	// FaultHTTPError answers Status (default 500) with an HTML page. With
	// Applied the message is delivered first: the "unknown outcome" case.
	FaultHTTPError
	// FaultLatency sleeps Delay (honouring the request context), then
	// answers normally.
	FaultLatency
	// FaultNotJSON answers HTTP 200 text/plain Body (default "OK"). With
	// Applied the message is delivered first.
	FaultNotJSON
	// FaultTimeout hangs until the request context ends or Delay (default
	// 30 s) passes, then drops the connection without an answer. With
	// Applied the message is delivered first.
	FaultTimeout
)

var faultNames = map[FaultKind]string{
	FaultTransient: "transient", FaultPermanent: "permanent", FaultHTTPError: "http-error",
	FaultLatency: "latency", FaultNotJSON: "not-json", FaultTimeout: "timeout",
}

// String names the kind, for test names and logs.
func (k FaultKind) String() string {
	if n, ok := faultNames[k]; ok {
		return n
	}
	return "none"
}

// Fault is a rule that makes matching sends misbehave.
type Fault struct {
	Kind    FaultKind
	Target  string        // only sends whose target field contains this; "" = any
	Times   int           // sends affected; 0 = once, -1 = forever
	Reason  string        // FaultTransient, FaultPermanent: the reason answered
	Status  int           // FaultHTTPError (default 500)
	Delay   time.Duration // FaultLatency, FaultTimeout
	Body    string        // FaultNotJSON (default "OK")
	Applied bool          // FaultHTTPError, FaultNotJSON, FaultTimeout: deliver the message anyway
}

// Inject adds a fault rule. Rules are tried in the order added; the first
// matching one applies and is removed when used up.
func (s *Sandbox) Inject(f Fault) { s.faults.Add(f, f.Times) }

// ClearFaults removes all fault rules.
func (s *Sandbox) ClearFaults() { s.faults.Clear() }

// Faults returns how many fault rules are left.
func (s *Sandbox) Faults() int { return s.faults.Len() }

const html5xx = `<html><head><title>%d %s</title></head><body><center><h1>%d %s</h1></center>` +
	`<hr><center>nginx</center></body></html>`

// serve answers a parsed send, letting at most one fault rule change the
// answer. note receives the fault applied and the JSON outcome (zero for
// answers that are not JSON) before anything is written, so the request
// log is complete by the time the client sees the answer.
func (s *Sandbox) serve(ctx context.Context, w http.ResponseWriter, c call, note func(FaultKind, outcome)) {
	f, ok := s.faults.Take(func(f Fault) bool { return f.Target == "" || strings.Contains(c.target, f.Target) })
	if !ok {
		o := s.handle(c)
		note(0, o)
		writeJSON(w, o)
		return
	}
	// applied carries only the ids of a message delivered under the fault:
	// what was answered was not JSON, so its status stays false.
	var applied outcome
	if f.Applied && (f.Kind == FaultHTTPError || f.Kind == FaultNotJSON || f.Kind == FaultTimeout) {
		applied.answer.ID = s.handle(c).answer.ID
	}
	switch f.Kind {
	case FaultTransient, FaultPermanent:
		reason := f.Reason
		if reason == "" {
			reason = map[FaultKind]string{FaultTransient: ReasonDisconnected, FaultPermanent: ReasonInvalidTarget}[f.Kind]
		}
		o := refuse(http.StatusOK, reason)
		note(f.Kind, o)
		writeJSON(w, o)
	case FaultHTTPError:
		st := f.Status
		if st == 0 {
			st = http.StatusInternalServerError
		}
		note(f.Kind, applied)
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(st)
		txt := http.StatusText(st)
		_, _ = fmt.Fprintf(w, html5xx, st, txt, st, txt)
	case FaultLatency:
		if backoff.Sleep(ctx, f.Delay) != nil {
			note(f.Kind, outcome{})
			simhttp.Abort(w)
			return
		}
		o := s.handle(c)
		note(f.Kind, o)
		writeJSON(w, o)
	case FaultNotJSON:
		body := f.Body
		if body == "" {
			body = "OK"
		}
		note(f.Kind, applied)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(body))
	case FaultTimeout:
		note(f.Kind, applied)
		d := f.Delay
		if d <= 0 {
			d = 30 * time.Second
		}
		_ = backoff.Sleep(ctx, d)
		simhttp.Abort(w)
	default:
		o := s.handle(c)
		note(0, o)
		writeJSON(w, o)
	}
}
