package hooks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/payment"
	"github.com/vipbase/vipbase/payment/midtrans"
	midsandbox "github.com/vipbase/vipbase/payment/midtrans/sandbox"
	"github.com/vipbase/vipbase/payment/tripay"
	tripaysandbox "github.com/vipbase/vipbase/payment/tripay/sandbox"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

// benchGateways are the gateways every payment benchmark runs through: the
// same engine, two simulators, each driven the way its shopper pays.
var benchGateways = []string{"tripay", "midtrans"}

// benchGW is one gateway simulator as the payment benchmarks drive it.
type benchGW struct {
	name    string // the notification route: hooks.PaymentNotifyPath(name)
	channel string // what a shopper picks at checkout

	// pay makes the payment paid at the simulator.
	pay func(p *core.Record) error
	// notices returns the signed "paid" notifications sent since mark
	// (a count of earlier deliveries), after waiting for every send.
	notices func(mark int) []benchNotice
	mark    func() int
	// slowStatus makes the status API answer after d (0: clear faults).
	slowStatus func(d time.Duration)
}

// benchNotice is one signed notification as the gateway would post it.
type benchNotice struct {
	body    []byte
	headers []string
}

// benchGatewayEnv is a bench app paid through a fresh simulator of the
// named gateway whose own notifications go to a sink (the benchmark
// replays them). timed, when set, records each create's time.
func benchGatewayEnv(b *testing.B, name string, timed *timedTransport) (*env, *benchGW) {
	b.Helper()
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"success":true}`))
	}))
	b.Cleanup(sink.Close)
	var hc http.Client
	hc.Transport = &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}
	if timed != nil {
		timed.base = hc.Transport
		hc.Transport = timed
	}
	var gw payment.Gateway
	var bg *benchGW
	switch name {
	case "tripay":
		tp, err := tripaysandbox.Start(tripaysandbox.Config{Seed: 99, CallbackURL: sink.URL, RetrySchedule: []time.Duration{}})
		require.NoError(b, err)
		b.Cleanup(tp.Close)
		gw = tripay.New(tp.APIKey(), tp.PrivateKey(), tp.MerchantCode(), tripay.WithBaseURL(tp.URL), tripay.WithHTTPClient(&hc))
		bg = &benchGW{name: name, channel: "QRIS",
			pay:  func(p *core.Record) error { return tp.Pay(p.GetString("reference")) },
			mark: func() int { return len(tp.Deliveries()) },
			notices: func(mark int) []benchNotice {
				tp.Flush()
				var out []benchNotice
				for _, d := range tp.Deliveries()[mark:] {
					out = append(out, benchNotice{d.Body, []string{tripay.SignatureHeader, d.Signature, "X-Callback-Event", "payment_status"}})
				}
				return out
			},
			slowStatus: func(d time.Duration) {
				tp.ClearFaults()
				if d > 0 {
					tp.Inject(tripaysandbox.Fault{Kind: tripaysandbox.FaultLatency, Endpoint: tripaysandbox.EndpointDetail, Delay: d, Times: -1})
				}
			}}
	case "midtrans":
		mt, err := midsandbox.Start(midsandbox.Config{Seed: 5, NotificationURL: sink.URL, RetrySchedule: []time.Duration{}})
		require.NoError(b, err)
		b.Cleanup(mt.Close)
		gw = midtrans.New(mt.ServerKey(), midtrans.WithSnapURL(mt.SnapURL), midtrans.WithCoreURL(mt.CoreURL), midtrans.WithHTTPClient(&hc))
		bg = &benchGW{name: name, channel: "MIDTRANS",
			pay: func(p *core.Record) error {
				n := p.GetString("number")
				if err := mt.PickMethod(n, midsandbox.MethodQRIS); err != nil {
					return err
				}
				return mt.Pay(n)
			},
			mark: func() int { return len(mt.Deliveries()) },
			notices: func(mark int) []benchNotice {
				mt.Flush()
				var out []benchNotice
				for _, d := range mt.Deliveries()[mark:] {
					if d.Status == midsandbox.StatusSettlement {
						out = append(out, benchNotice{body: d.Body})
					}
				}
				return out
			},
			slowStatus: func(d time.Duration) {
				mt.ClearFaults()
				if d > 0 {
					mt.Inject(midsandbox.Fault{Kind: midsandbox.FaultLatency, Endpoint: midsandbox.EndpointStatus, Delay: d, Times: -1})
				}
			}}
	default:
		b.Fatalf("no bench gateway %q", name)
	}
	e := newBenchEnv(b, nil, func(c *hooks.Config, _ *sandbox.Config) { c.Gateways = []payment.Gateway{gw} }).ready()
	return e, bg
}

// paidNotifications makes n guest checkouts, pays each at the simulator
// and returns the signed paid notifications it sent.
func (g *benchGW) paidNotifications(b *testing.B, e *env, n int, tag string) []benchNotice {
	b.Helper()
	mark := g.mark()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	var failed atomic.Int64
	var firstErr atomic.Value
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			c, err := e.svc.Checkout(context.Background(), hooks.CheckoutInput{
				OrderInput: hooks.OrderInput{Category: hooks.CategoryPrepaid, Service: benchProduct,
					Target: fmt.Sprintf("0813%s%06d1", tag, i), Source: hooks.SourceCheckout},
				Channel: g.channel, Phone: fmt.Sprintf("0812%08d", i)})
			if err == nil {
				err = g.pay(c.Payment)
			}
			if err != nil {
				failed.Add(1)
				firstErr.CompareAndSwap(nil, err.Error())
			}
		})
	}
	wg.Wait()
	require.Zero(b, failed.Load(), "checkouts that failed: %v", firstErr.Load())
	d := g.notices(mark)
	require.Len(b, d, n)
	return d
}

// post sends one notification to the app.
func (g *benchGW) post(c *http.Client, url string, n benchNotice) (int, []byte, error) {
	return post(c, url+hooks.PaymentNotifyPath(g.name), n.body, n.headers...)
}

// timedTransport records how long each gateway create took, by our
// payment number (Tripay's merchant_ref, Midtrans's order_id), so a
// checkout's own time can be told from the gateway's.
type timedTransport struct {
	base http.RoundTripper
	mu   sync.Mutex
	took map[string]time.Duration
}

func (t *timedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	var ref string
	if r.Body != nil && r.Method == http.MethodPost {
		raw, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(raw))
		var b struct {
			MerchantRef string `json:"merchant_ref"`
			Details     struct {
				OrderID string `json:"order_id"`
			} `json:"transaction_details"`
		}
		_ = json.Unmarshal(raw, &b)
		ref = b.MerchantRef + b.Details.OrderID
	}
	t0 := time.Now()
	resp, err := t.base.RoundTrip(r)
	if ref != "" {
		t.mu.Lock()
		t.took[ref] += time.Since(t0)
		t.mu.Unlock()
	}
	return resp, err
}
