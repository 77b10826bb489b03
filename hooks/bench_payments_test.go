package hooks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/payment"
	"github.com/vipbase/vipbase/payment/midtrans"
	midsandbox "github.com/vipbase/vipbase/payment/midtrans/sandbox"
	"github.com/vipbase/vipbase/payment/tripay"
	tripaysandbox "github.com/vipbase/vipbase/payment/tripay/sandbox"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

// The payment benchmarks (design §11, issue "Payments I"): the app with the
// in-process Tripay simulator behind a loopback server, its notifications
// posted by the benchmark itself (bodies and signatures the simulator made).

// benchPayEnv is a bench app paid through a fresh Tripay simulator whose
// own notifications go to a sink (the benchmark replays them).
func benchPayEnv(b *testing.B, timed *timedTransport) (*env, *tripaysandbox.Server) {
	b.Helper()
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"success":true}`))
	}))
	b.Cleanup(sink.Close)
	tp, err := tripaysandbox.Start(tripaysandbox.Config{Seed: 99, CallbackURL: sink.URL, RetrySchedule: []time.Duration{}})
	require.NoError(b, err)
	b.Cleanup(tp.Close)
	hc := &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}}
	if timed != nil {
		timed.base = hc.Transport
		hc = &http.Client{Transport: timed}
	}
	gw := tripay.New(tp.APIKey(), tp.PrivateKey(), tp.MerchantCode(), tripay.WithBaseURL(tp.URL), tripay.WithHTTPClient(hc))
	e := newBenchEnv(b, nil, func(c *hooks.Config, _ *sandbox.Config) { c.Gateways = []payment.Gateway{gw} }).ready()
	return e, tp
}

// paidNotifications makes n guest QRIS checkouts, pays each at the
// simulator and returns the signed PAID notifications it sent.
func paidNotifications(b *testing.B, e *env, tp *tripaysandbox.Server, n int, tag string) []tripaysandbox.Delivery {
	b.Helper()
	before := len(tp.Deliveries())
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	var failed atomic.Int64
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			c, err := e.svc.Checkout(context.Background(), hooks.CheckoutInput{
				OrderInput: hooks.OrderInput{Category: hooks.CategoryPrepaid, Service: benchProduct,
					Target: fmt.Sprintf("0813%s%06d1", tag, i), Source: hooks.SourceCheckout},
				Channel: "QRIS", Phone: fmt.Sprintf("0812%08d", i)})
			if err != nil {
				failed.Add(1)
				return
			}
			if err := tp.Pay(c.Payment.GetString("reference")); err != nil {
				failed.Add(1)
			}
		})
	}
	wg.Wait()
	require.Zero(b, failed.Load(), "checkouts that failed")
	tp.Flush()
	d := tp.Deliveries()[before:]
	require.Len(b, d, n)
	return d
}

// sendNotifications posts every delivery to the app with `workers`
// senders; it returns each answer's latency.
func sendNotifications(b *testing.B, c *http.Client, url string, ds []tripaysandbox.Delivery, workers int) []time.Duration {
	lat := make([]time.Duration, len(ds))
	var next atomic.Int64
	var bad atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(ds) {
					return
				}
				t0 := time.Now()
				code, raw, err := post(c, url+hooks.PaymentNotifyPath("tripay"), ds[i].Body,
					tripay.SignatureHeader, ds[i].Signature, "X-Callback-Event", "payment_status")
				lat[i] = time.Since(t0)
				if err != nil || code != http.StatusOK {
					bad.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprintf("HTTP %d %s %v", code, raw, err))
				}
			}
		})
	}
	wg.Wait()
	require.Zero(b, bad.Load(), "%v", firstErr.Load())
	return lat
}

func (e *env) waitPayments(b *testing.B) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	require.NoError(b, e.svc.WaitPayments(ctx))
	require.Zero(b, e.scalar(b, "SELECT COUNT(*) FROM payment_events WHERE outcome = 'received'"), "notifications left unprocessed")
}

func percentileMS(d []time.Duration, p float64) float64 {
	s := slices.Clone(d)
	slices.Sort(s)
	return float64(s[max(int(math.Ceil(p*float64(len(s))))-1, 0)].Microseconds()) / 1000
}

// notifyBurst is how many notifications one BenchmarkPaymentNotifyAck op sends.
const notifyBurst = 300

// BenchmarkPaymentNotifyAck: signed PAID notifications arrive while Tripay's
// status API answers after 1 s. Each is stored and answered at once;
// confirmation happens behind the answer. burst: 300 at once (300
// senders); paced: the same 300 spread over 1.5 s (200/s). One op = 300
// notifications.
//
//	go test -run '^$' -bench BenchmarkPaymentNotifyAck -benchtime 3x ./hooks/
//
// Target: answer p99 < 50 ms. Also reports the seconds until the 300 were
// applied (every payment paid, every order queued) and peak RSS.
func BenchmarkPaymentNotifyAck(b *testing.B) {
	for _, load := range []string{"burst", "paced"} {
		b.Run(load, func(b *testing.B) {
			spread := time.Duration(0)
			if load == "paced" {
				spread = 1500 * time.Millisecond
			}
			benchNotifyAck(b, spread)
		})
	}
}

func benchNotifyAck(b *testing.B, spread time.Duration) {
	e, tp := benchPayEnv(b, nil)
	url, client := e.serve(b), benchHTTPClient()
	var answers []time.Duration
	var applied time.Duration
	b.ResetTimer()
	for burst := range b.N {
		b.StopTimer()
		tp.ClearFaults()
		ds := paidNotifications(b, e, tp, notifyBurst, fmt.Sprintf("%02d", burst))
		if os.Getenv("BENCH_NO_LATENCY") == "" {
			tp.Inject(tripaysandbox.Fault{Kind: tripaysandbox.FaultLatency, Endpoint: tripaysandbox.EndpointDetail, Delay: time.Second, Times: -1})
		}
		warmConnections(client, url, notifyBurst)
		b.StartTimer()
		start := time.Now()
		var m meter // BENCH_CPUPROFILE / BENCH_TRACE: the answers only
		m.start()
		answers = append(answers, sendNotificationsSpread(b, client, url, ds, spread)...)
		m.stop()
		e.waitPayments(b)
		applied += time.Since(start)
	}
	b.StopTimer()
	b.ReportMetric(percentileMS(answers, 0.50), "answer-p50-ms")
	b.ReportMetric(percentileMS(answers, 0.99), "answer-p99-ms")
	b.ReportMetric(applied.Seconds()/float64(b.N), "applied-s/op")
	b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
	require.EqualValues(b, b.N*notifyBurst, e.scalar(b, "SELECT COUNT(*) FROM payments WHERE status = 'paid'"))
	require.EqualValues(b, b.N*notifyBurst, e.scalar(b, "SELECT COUNT(*) FROM orders WHERE status != 'unpaid'"))
}

// sendNotificationsSpread posts every delivery from its own goroutine, the
// i-th starting i/len × spread after the first (0: all at once), and
// returns each answer's latency.
func sendNotificationsSpread(b *testing.B, c *http.Client, url string, ds []tripaysandbox.Delivery, spread time.Duration) []time.Duration {
	lat := make([]time.Duration, len(ds))
	codes := make([]int, len(ds))
	start := time.Now()
	var wg sync.WaitGroup
	for i := range ds {
		wg.Go(func() {
			time.Sleep(time.Until(start.Add(spread * time.Duration(i) / time.Duration(len(ds)))))
			t0 := time.Now()
			codes[i], _, _ = post(c, url+hooks.PaymentNotifyPath("tripay"), ds[i].Body,
				tripay.SignatureHeader, ds[i].Signature, "X-Callback-Event", "payment_status")
			lat[i] = time.Since(t0)
		})
	}
	wg.Wait()
	for i, code := range codes {
		require.Equal(b, http.StatusOK, code, "notification %d", i)
	}
	return lat
}

// BenchmarkPaymentNotifyThroughput measures sustained notifications per
// second: 32 senders post signed PAID notifications, each confirmed with
// the simulator's transaction/detail over loopback HTTP and settling one
// order (paid, queued, sent to the provider sandbox). Next to it, in the
// same run, bare-create is PocketBase's own REST create on the same kind of
// app. One op = one notification / one create.
//
//	go test -run '^$' -bench BenchmarkPaymentNotifyThroughput -benchtime 3000x ./hooks/
//
// Target: ≥ 300 notifications/s.
func BenchmarkPaymentNotifyThroughput(b *testing.B) {
	b.Run("notifications", func(b *testing.B) {
		e, tp := benchPayEnv(b, nil)
		url, client := e.serve(b), benchHTTPClient()
		ds := paidNotifications(b, e, tp, b.N, "77")
		var m meter
		b.ResetTimer()
		m.start()
		sendNotifications(b, client, url, ds, webhookSenders)
		e.waitPayments(b) // answered is not applied: the timer runs until every one is settled
		b.StopTimer()
		m.stop()
		m.report(b, b.N)
		b.ReportMetric(perSecond(int64(b.N), b.Elapsed()), "notifications/s")
		b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
		require.EqualValues(b, b.N, e.scalar(b, "SELECT COUNT(*) FROM payments WHERE status = 'paid'"))
		require.EqualValues(b, b.N, e.scalar(b, "SELECT COUNT(*) FROM payment_events WHERE outcome = 'applied'"))
		e.svc.WaitDispatches()
		require.Equal(b, b.N, e.sb.Count(sandbox.EndpointPrepaid, "order"), "each paid order sent once")
	})
	b.Run("midtrans-notifications", func(b *testing.B) {
		sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
		b.Cleanup(sink.Close)
		mt, err := midsandbox.Start(midsandbox.Config{Seed: 5, NotificationURL: sink.URL, RetrySchedule: []time.Duration{}})
		require.NoError(b, err)
		b.Cleanup(mt.Close)
		gw := midtrans.New(mt.ServerKey(), midtrans.WithSnapURL(mt.SnapURL), midtrans.WithCoreURL(mt.CoreURL),
			midtrans.WithHTTPClient(&http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}}))
		e := newBenchEnv(b, nil, func(c *hooks.Config, _ *sandbox.Config) { c.Gateways = []payment.Gateway{gw} }).ready()
		url, client := e.serve(b), benchHTTPClient()
		var bodies [][]byte
		var mu sync.Mutex
		var wg sync.WaitGroup
		sem := make(chan struct{}, 16)
		for i := range b.N {
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				c, err := e.svc.Checkout(context.Background(), hooks.CheckoutInput{
					OrderInput: hooks.OrderInput{Category: hooks.CategoryPrepaid, Service: benchProduct,
						Target: fmt.Sprintf("0813%07d1", i), Source: hooks.SourceCheckout},
					Channel: "MIDTRANS", Phone: fmt.Sprintf("0812%08d", i)})
				if err == nil {
					n := c.Payment.GetString("number")
					if err = mt.PickMethod(n, midsandbox.MethodQRIS); err == nil {
						err = mt.Pay(n)
					}
				}
				if err != nil {
					mu.Lock()
					bodies = append(bodies, nil)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		mt.Flush()
		require.Empty(b, bodies, "checkouts that failed")
		for _, d := range mt.Deliveries() {
			if d.Status == midsandbox.StatusSettlement {
				bodies = append(bodies, d.Body)
			}
		}
		require.Len(b, bodies, b.N)
		var next, bad atomic.Int64
		var m meter
		b.ResetTimer()
		m.start()
		var senders sync.WaitGroup
		for range webhookSenders {
			senders.Go(func() {
				for {
					i := int(next.Add(1) - 1)
					if i >= len(bodies) {
						return
					}
					if code, _, err := post(client, url+hooks.PaymentNotifyPath("midtrans"), bodies[i]); err != nil || code != http.StatusOK {
						bad.Add(1)
					}
				}
			})
		}
		senders.Wait()
		e.waitPayments(b)
		b.StopTimer()
		m.stop()
		m.report(b, b.N)
		b.ReportMetric(perSecond(int64(b.N), b.Elapsed()), "notifications/s")
		require.Zero(b, bad.Load())
		require.EqualValues(b, b.N, e.scalar(b, "SELECT COUNT(*) FROM payments WHERE status = 'paid'"))
	})
	b.Run("bare-create", benchBareCreate)
}

// timedTransport records how long each gateway create took, by our
// payment number (merchant_ref), so a checkout's own time can be told
// from the gateway's.
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
		}
		_ = json.Unmarshal(raw, &b)
		ref = b.MerchantRef
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

// BenchmarkCheckout: 50 guest shoppers check out with QRIS through
// POST /api/checkout over loopback HTTP (order unpaid + payment in one
// transaction, then the gateway's create): paced, each shopper starting one
// checkout a second (staggered), and saturated, back to back. Reports the
// answer p50/p99 and our own time (the answer minus the gateway create it
// waited for). One op = one checkout.
//
//	go test -run '^$' -bench BenchmarkCheckout -benchtime 500x ./hooks/
//
// Target: own-p99 < 50 ms (paced).
func BenchmarkCheckout(b *testing.B) {
	for _, load := range []string{"paced", "saturated"} {
		b.Run(load, func(b *testing.B) {
			every := time.Duration(0)
			if load == "paced" {
				every = time.Second
			}
			benchCheckout(b, every)
		})
	}
}

func benchCheckout(b *testing.B, every time.Duration) {
	timed := &timedTransport{took: map[string]time.Duration{}}
	e, _ := benchPayEnv(b, timed)
	url, client := e.serve(b), benchHTTPClient()
	const shoppers = 50
	total := make([]time.Duration, b.N)
	own := make([]time.Duration, b.N)
	var next, bad atomic.Int64
	var firstErr atomic.Value
	var m meter
	b.ResetTimer()
	m.start()
	var wg sync.WaitGroup
	for sh := range shoppers {
		wg.Go(func() {
			due := time.Now().Add(every * time.Duration(sh) / shoppers)
			for {
				if every > 0 {
					time.Sleep(time.Until(due))
					due = due.Add(every)
				}
				i := int(next.Add(1) - 1)
				if i >= b.N {
					return
				}
				body, _ := json.Marshal(map[string]any{"category": "prepaid", "service": benchProduct,
					"target": fmt.Sprintf("0813%08d1", i), "channel": "QRIS", "phone": fmt.Sprintf("0812%08d", i)})
				t0 := time.Now()
				code, raw, err := post(client, url+"/api/checkout", body, "Idempotency-Key", fmt.Sprintf("bench-%d", i))
				total[i] = time.Since(t0)
				var out struct {
					Data struct {
						Payment struct {
							Number string `json:"number"`
						} `json:"payment"`
					} `json:"data"`
				}
				if err != nil || code != http.StatusCreated || json.Unmarshal(raw, &out) != nil {
					bad.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprintf("HTTP %d %s %v", code, raw, err))
					continue
				}
				timed.mu.Lock()
				own[i] = total[i] - timed.took[out.Data.Payment.Number]
				timed.mu.Unlock()
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	m.stop()
	m.report(b, b.N)
	require.Zero(b, bad.Load(), "%v", firstErr.Load())
	b.ReportMetric(percentileMS(total, 0.50), "answer-p50-ms")
	b.ReportMetric(percentileMS(total, 0.99), "answer-p99-ms")
	b.ReportMetric(percentileMS(own, 0.50), "own-p50-ms")
	b.ReportMetric(percentileMS(own, 0.99), "own-p99-ms")
	b.ReportMetric(perSecond(int64(b.N), b.Elapsed()), "checkouts/s")
	b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
	require.EqualValues(b, b.N, e.scalar(b, "SELECT COUNT(*) FROM payments WHERE status = 'unpaid' AND reference != ''"))
	require.EqualValues(b, 0, e.sb.Count(sandbox.EndpointPrepaid, "order"), "nothing sent while unpaid")
}
