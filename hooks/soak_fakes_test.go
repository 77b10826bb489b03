package hooks_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

// The fakes of TestSoak: the kill switch that crashes an app instance, the
// faults injected into the sandbox provider, and the taps that log what the
// provider saw and answered and which callbacks the app received.

var errProcessDead = errors.New("soak: this app instance has crashed")

// killSwitch is the provider transport of one app instance; die freezes it.
type killSwitch struct {
	base    http.RoundTripper
	dead    atomic.Bool
	wake    chan struct{}
	wakeOne sync.Once
}

func newKillSwitch() *killSwitch {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	return &killSwitch{base: tr, wake: make(chan struct{})}
}

func (k *killSwitch) die()     { k.dead.Store(true) }
func (k *killSwitch) release() { k.wakeOne.Do(func() { close(k.wake) }) }

func (k *killSwitch) RoundTrip(req *http.Request) (*http.Response, error) {
	if k.dead.Load() {
		<-k.wake
		return nil, errProcessDead
	}
	resp, err := k.base.RoundTrip(req)
	if err == nil {
		// Read the answer here, so that "dead" is decided after it arrived.
		body, rerr := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		if rerr != nil {
			resp, err = nil, rerr
		}
	}
	if k.dead.Load() {
		<-k.wake
		return nil, errProcessDead
	}
	return resp, err
}

// injectFaults makes the provider misbehave: order, status and callback
// faults at soakFaultRate / soakOtherRate, for the whole run.
func injectFaults(sb *sandbox.Sandbox) {
	order := func(k sandbox.FaultKind, applied bool) sandbox.Fault {
		return sandbox.Fault{Kind: k, Type: "order", Applied: applied, Rate: soakFaultRate, Times: -1, Delay: 5 * time.Second}
	}
	for _, f := range []sandbox.Fault{
		order(sandbox.FaultTimeout, true), order(sandbox.FaultTimeout, false),
		order(sandbox.FaultHTTP500, true), order(sandbox.FaultHTTP500, false),
		order(sandbox.FaultGarbage, true), order(sandbox.FaultGarbage, false),
		order(sandbox.FaultHTML, true), order(sandbox.FaultNoTrxID, true), order(sandbox.FaultNoTrxID, false),
		order(sandbox.FaultThrottle, false), order(sandbox.FaultInsufficientBalance, false),
		// Read faults are retried by the client; timeouts stay on orders so
		// the sandbox's one-at-a-time callback sender is not held up by the
		// webhook's status confirmations.
		{Kind: sandbox.FaultHTTP500, Type: "status", Rate: soakOtherRate, Times: -1},
		{Kind: sandbox.FaultGarbage, Type: "status", Rate: soakOtherRate, Times: -1},
		{Kind: sandbox.FaultHTML, Type: "status", Rate: soakOtherRate, Times: -1},
		{Kind: sandbox.FaultDropCallback, Rate: soakOtherRate, Times: -1},
		{Kind: sandbox.FaultDuplicateCallback, Rate: soakOtherRate, Times: -1},
		{Kind: sandbox.FaultReorderCallback, Rate: soakOtherRate, Times: -1},
	} {
		sb.Inject(f)
	}
}

// ---------------------------------------------------------------------------
// What the provider saw and answered, and which callbacks the app received.

type provRequest struct {
	ep, typ, target, zone, service, quantity string
	status                                   int
	outcome                                  string
}

type providerLog struct {
	mu           sync.Mutex
	reqs         []provRequest
	ordersOnWire atomic.Int64
}

// teeWriter keeps the answer and lets the sandbox hijack the connection.
type teeWriter struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (tw *teeWriter) WriteHeader(code int) {
	if tw.status == 0 {
		tw.status = code
	}
	tw.ResponseWriter.WriteHeader(code)
}

func (tw *teeWriter) Write(b []byte) (int, error) {
	if tw.status == 0 {
		tw.status = http.StatusOK
	}
	tw.buf.Write(b)
	return tw.ResponseWriter.Write(b)
}

func (tw *teeWriter) Unwrap() http.ResponseWriter { return tw.ResponseWriter }

func (l *providerLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(raw))
		form, _ := url.ParseQuery(string(raw))
		tw := &teeWriter{ResponseWriter: rw}
		if form.Get("type") == "order" {
			l.ordersOnWire.Add(1)
			defer l.ordersOnWire.Add(-1)
		}
		h.ServeHTTP(tw, r)
		req := provRequest{ep: path.Base(r.URL.Path), typ: form.Get("type"), zone: form.Get("data_zone"),
			service: form.Get("service"), quantity: form.Get("quantity"), status: tw.status}
		req.target = form.Get("data_no")
		if req.ep == sandbox.EndpointSocial {
			req.target = form.Get("data")
		}
		req.outcome = classifyAnswer(tw.status, tw.buf.Bytes())
		l.mu.Lock()
		l.reqs = append(l.reqs, req)
		l.mu.Unlock()
	})
}

// classifyAnswer names what a provider answer was, from the app's side.
func classifyAnswer(status int, body []byte) string {
	switch {
	case status == 0 || status == http.StatusGatewayTimeout:
		return "timeout"
	case status >= 500:
		return "http500"
	case bytes.HasPrefix(bytes.TrimSpace(body), []byte("<")):
		return "html"
	}
	var env struct {
		Result  bool            `json:"result"`
		Data    json.RawMessage `json:"data"`
		Message string          `json:"message"`
	}
	if json.Unmarshal(body, &env) != nil {
		return "garbage"
	}
	if !env.Result {
		switch m := strings.ToLower(env.Message); {
		case strings.Contains(m, "transaksi dibatasi"):
			return "throttle"
		case strings.Contains(m, "saldo anda tidak cukup"):
			return "balance"
		}
		return "rejected"
	}
	var d struct {
		TrxID string `json:"trxid"`
	}
	if json.Unmarshal(env.Data, &d) == nil && strings.HasPrefix(string(bytes.TrimSpace(env.Data)), "{") && d.TrxID == "" {
		return "no-trxid"
	}
	return "ok"
}

func (l *providerLog) snapshot() []provRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]provRequest(nil), l.reqs...)
}

type callbackLog struct {
	mu       sync.Mutex
	byTrx    map[string][]string
	received int
	distinct int
	dup      int
	late     int
}

func newCallbackLog() *callbackLog { return &callbackLog{byTrx: map[string][]string{}} }

func terminalProviderStatus(s string) bool {
	return s == sandbox.StatusSuccess || s == sandbox.StatusError || s == sandbox.StatusPartial
}

func (c *callbackLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == hooks.WebhookPath {
			raw, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(raw))
			var cb struct {
				Data struct {
					TrxID  string `json:"trxid"`
					Status string `json:"status"`
				} `json:"data"`
			}
			_ = json.Unmarshal(raw, &cb)
			c.mu.Lock()
			c.received++
			seen := c.byTrx[cb.Data.TrxID]
			dup := false
			for _, s := range seen {
				dup = dup || s == cb.Data.Status
			}
			if dup {
				c.dup++
			} else {
				c.distinct++
			}
			if !terminalProviderStatus(cb.Data.Status) && len(seen) > 0 && terminalProviderStatus(seen[len(seen)-1]) {
				c.late++
			}
			c.byTrx[cb.Data.TrxID] = append(seen, cb.Data.Status)
			c.mu.Unlock()
		}
		h.ServeHTTP(rw, r)
	})
}

// faultsHit counts the faults that happened, as the app saw them: order and
// status answers by kind, callbacks duplicated, reordered, or lost (dropped
// by the sandbox, or posted while the app was restarting).
func (w *soakWorld) faultsHit() (faults map[string]int, orderPosts int) {
	faults = map[string]int{}
	for _, r := range w.prov.snapshot() {
		switch {
		case r.typ == "order":
			orderPosts++
			if r.outcome != "ok" && r.outcome != "rejected" {
				faults[r.outcome]++
			}
		case r.typ == "status" && r.outcome != "ok" && r.outcome != "rejected":
			faults["status-"+r.outcome]++
		}
	}
	expected := 0
	for _, trx := range w.sb.Transactions("") {
		switch {
		case strings.HasSuffix(trx.Target, "333"): // instant success: no callbacks
		case terminalProviderStatus(trx.Status):
			expected += 2
		default:
			expected++
		}
	}
	w.cbs.mu.Lock()
	defer w.cbs.mu.Unlock()
	faults["cb-duplicate"], faults["cb-reordered"] = w.cbs.dup, w.cbs.late
	faults["cb-lost"] = expected - w.cbs.distinct
	return faults, orderPosts
}
