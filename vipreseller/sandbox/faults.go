package sandbox

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/vipbase/vipbase/internal/backoff"
	"github.com/vipbase/vipbase/internal/simhttp"
)

// FaultKind selects what an injected fault does.
type FaultKind int

// Fault kinds. Request faults match by Endpoint and Type; callback faults
// (Drop, Duplicate, Reorder) by Endpoint only.
const (
	// FaultLatency sleeps Delay (honouring the request context), then answers normally.
	FaultLatency FaultKind = iota + 1
	// FaultTimeout hangs until the request context ends or Delay (default
	// 60s) passes, then drops the connection without an answer.
	FaultTimeout
	// FaultHTTP500 answers 500 with an HTML body.
	FaultHTTP500
	// FaultHTML answers 200 with an HTML error page.
	FaultHTML
	// FaultGarbage answers 200 with truncated JSON.
	FaultGarbage
	// FaultNoTrxID answers an order with result:true but no trxid (orders only).
	FaultNoTrxID
	// FaultThrottle refuses an order with the throttle message (orders only).
	FaultThrottle
	// FaultInsufficientBalance refuses an order for lack of balance (orders only).
	FaultInsufficientBalance
	// FaultEmptyList answers a services request with result:true and data:[].
	FaultEmptyList
	// FaultDropCallback does not send the callback.
	FaultDropCallback
	// FaultDuplicateCallback sends the callback twice.
	FaultDuplicateCallback
	// FaultReorderCallback holds a non-terminal callback back and sends it
	// after the trx's next callback.
	FaultReorderCallback
	// FaultMaintenance refuses any request with the provider's maintenance
	// message (result:false): a definite answer that says nothing about the
	// request itself.
	FaultMaintenance
)

// MsgMaintenance is the refusal of FaultMaintenance.
const MsgMaintenance = "Ada pemeliharaan sistem API/transaksi, coba lagi nanti."

var faultNames = map[FaultKind]string{
	FaultLatency: "latency", FaultTimeout: "timeout", FaultHTTP500: "http500", FaultHTML: "html",
	FaultGarbage: "garbage", FaultNoTrxID: "no-trxid", FaultThrottle: "throttle",
	FaultInsufficientBalance: "insufficient-balance", FaultEmptyList: "empty-list",
	FaultDropCallback: "drop-callback", FaultDuplicateCallback: "duplicate-callback",
	FaultReorderCallback: "reorder-callback", FaultMaintenance: "maintenance",
}

// String names the kind, for test names and logs.
func (k FaultKind) String() string {
	if n, ok := faultNames[k]; ok {
		return n
	}
	return "unknown"
}

func (k FaultKind) isCallback() bool {
	return k == FaultDropCallback || k == FaultDuplicateCallback || k == FaultReorderCallback
}

// failsResponse reports whether an order fault replaces the answer, so
// Applied makes sense for it.
func (k FaultKind) failsResponse() bool {
	switch k {
	case FaultTimeout, FaultHTTP500, FaultHTML, FaultGarbage, FaultNoTrxID:
		return true
	}
	return false
}

// appliesTo reports whether a request fault kind is meaningful for a type.
func (k FaultKind) appliesTo(typ string) bool {
	switch k {
	case FaultNoTrxID, FaultThrottle, FaultInsufficientBalance:
		return typ == "order"
	case FaultEmptyList:
		return typ == "services"
	}
	return !k.isCallback()
}

// Fault is a rule that makes matching requests or callbacks misbehave.
type Fault struct {
	Kind     FaultKind
	Endpoint string // "" = any endpoint
	Type     string // "" = any type (callback faults ignore Type)
	// Applied makes an order fault that fails the answer (Timeout, HTTP500,
	// HTML, Garbage, NoTrxID) create and debit the transaction first, so the
	// order really exists upstream.
	Applied bool
	Times   int           // matching requests/callbacks affected; 0 = once, -1 = forever
	Rate    float64       // if >0, the fraction of matching requests affected (seeded), combined with Times
	Delay   time.Duration // for Latency and Timeout
}

// Inject adds a fault rule. Rules are tried in the order they were added;
// the first matching rule affects a request, and is removed when used up.
func (s *Sandbox) Inject(f Fault) { s.faults.Add(f, f.Times) }

// ClearFaults removes all fault rules.
func (s *Sandbox) ClearFaults() { s.faults.Clear() }

// takeLocked consumes and returns the first rule accepted by match that
// also passes its Rate.
func (s *Sandbox) takeLocked(match func(Fault) bool) (Fault, bool) {
	return s.faults.Take(func(f Fault) bool {
		return match(f) && (f.Rate <= 0 || s.faultRNG.Float64() < f.Rate)
	})
}

func (s *Sandbox) takeRequestFault(ep, typ string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.takeLocked(func(r Fault) bool {
		return r.Kind.appliesTo(typ) && (r.Endpoint == "" || r.Endpoint == ep) && (r.Type == "" || r.Type == typ)
	})
}

func (s *Sandbox) takeCallbackFaultLocked(ep string, isTerminal bool) (Fault, bool) {
	return s.takeLocked(func(r Fault) bool {
		return r.Kind.isCallback() && (r.Endpoint == "" || r.Endpoint == ep) &&
			(r.Kind != FaultReorderCallback || !isTerminal)
	})
}

const (
	html500 = `<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head>` +
		`<body><h1>Internal Server Error</h1><p>The server encountered an internal error and was unable to complete your request.</p></body></html>`
	htmlPage = `<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>VIPayment - Sedang Pemeliharaan</title></head>` +
		`<body><h1>Sedang dalam pemeliharaan</h1><p>Silakan coba beberapa saat lagi.</p></body></html>`
	garbageOrder = `{"result":true,"data":{"trxid":"VP`
)

// serve answers a request, letting at most one fault rule change the answer.
func (s *Sandbox) serve(ctx context.Context, w http.ResponseWriter, method, ep, typ string, form url.Values) {
	f, ok := s.takeRequestFault(ep, typ)
	if !ok {
		writeReply(w, s.handle(method, ep, typ, form, orderOpts{}))
		return
	}
	applied := f.Applied && typ == "order" && f.Kind.failsResponse()
	var real reply
	if applied && f.Kind != FaultNoTrxID {
		real = s.handle(method, ep, typ, form, orderOpts{})
	}
	switch f.Kind {
	case FaultLatency:
		if backoff.Sleep(ctx, f.Delay) != nil {
			simhttp.Abort(w)
			return
		}
		writeReply(w, s.handle(method, ep, typ, form, orderOpts{}))
	case FaultTimeout:
		d := f.Delay
		if d <= 0 {
			d = 60 * time.Second
		}
		_ = backoff.Sleep(ctx, d)
		simhttp.Abort(w)
	case FaultHTTP500:
		writeReply(w, reply{status: http.StatusInternalServerError, ctype: "text/html; charset=UTF-8", body: []byte(html500)})
	case FaultHTML:
		writeReply(w, reply{status: http.StatusOK, ctype: "text/html; charset=UTF-8", body: []byte(htmlPage)})
	case FaultGarbage:
		writeReply(w, reply{status: http.StatusOK, ctype: "application/json", body: s.garbage(applied, real, method, ep, typ, form)})
	case FaultNoTrxID:
		if applied {
			writeReply(w, s.handle(method, ep, typ, form, orderOpts{noTrxID: true}))
			return
		}
		target := form.Get("data_no")
		if ep == EndpointSocial {
			target = form.Get("data")
		}
		writeReply(w, okReply(map[string]string{"data": target, "status": StatusWaiting, "note": ""}, msgOrderOK))
	case FaultThrottle:
		writeReply(w, failReply("Transaksi dibatasi, coba lagi dalam 6 detik."))
	case FaultInsufficientBalance:
		writeReply(w, failReply(msgNoBalance))
	case FaultEmptyList:
		writeReply(w, reply{status: http.StatusOK, ctype: "application/json", body: listBody(nil)})
	case FaultMaintenance:
		writeReply(w, failReply(MsgMaintenance))
	default:
		writeReply(w, s.handle(method, ep, typ, form, orderOpts{}))
	}
}

// garbage is a truncated body: an applied order is cut right after its
// trxid starts, other requests are cut in half; an unapplied order gets a
// fixed fragment.
func (s *Sandbox) garbage(applied bool, real reply, method, ep, typ string, form url.Values) []byte {
	if typ == "order" && !applied {
		return []byte(garbageOrder)
	}
	body := real.body
	if !applied {
		body = s.handle(method, ep, typ, form, orderOpts{}).body
	}
	if i := bytes.Index(body, []byte(`"trxid":"VP`)); i >= 0 {
		return body[:i+len(`"trxid":"VP`)]
	}
	return body[:len(body)/2]
}
