package hooks_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

// The payment benchmarks (design §11, issue "Payments I"): the app with the
// in-process Tripay simulator behind a loopback server, its notifications
// posted by the benchmark itself (bodies and signatures the simulator made).

// sendNotifications posts every delivery to the app with `workers`
// senders; it returns each answer's latency.
func (g *benchGW) sendNotifications(b *testing.B, c *http.Client, url string, ds []benchNotice, workers int) []time.Duration {
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
				code, raw, err := g.post(c, url, ds[i])
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

// BenchmarkPaymentNotifyAck: signed paid notifications arrive while the
// gateway's status API answers after 1 s. Each is stored and answered at
// once; confirmation happens behind the answer. burst: 300 at once (300
// senders); paced: the same 300 spread over 1.5 s (200/s). Both gateways:
// Tripay callbacks and Midtrans settlement notifications. One op = 300
// notifications.
//
//	go test -run '^$' -bench BenchmarkPaymentNotifyAck -benchtime 3x ./hooks/
//
// Target: answer p99 < 50 ms. Also reports the seconds until the 300 were
// applied (every payment paid, every order queued) and peak RSS.
func BenchmarkPaymentNotifyAck(b *testing.B) {
	for _, gw := range benchGateways {
		for _, load := range []string{"burst", "paced"} {
			b.Run(gw+"/"+load, func(b *testing.B) {
				spread := time.Duration(0)
				if load == "paced" {
					spread = 1500 * time.Millisecond
				}
				benchNotifyAck(b, gw, spread)
			})
		}
	}
}

func benchNotifyAck(b *testing.B, gateway string, spread time.Duration) {
	e, gw := benchGatewayEnv(b, gateway, nil)
	url, client := e.serve(b), benchHTTPClient()
	var answers []time.Duration
	var applied time.Duration
	b.ResetTimer()
	for burst := range b.N {
		b.StopTimer()
		gw.slowStatus(0)
		ds := gw.paidNotifications(b, e, notifyBurst, fmt.Sprintf("%02d", burst))
		if os.Getenv("BENCH_NO_LATENCY") == "" {
			gw.slowStatus(time.Second)
		}
		warmConnections(client, url, notifyBurst)
		b.StartTimer()
		start := time.Now()
		var m meter // BENCH_CPUPROFILE / BENCH_TRACE: the answers only
		m.start()
		answers = append(answers, gw.sendNotificationsSpread(b, client, url, ds, spread)...)
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
func (g *benchGW) sendNotificationsSpread(b *testing.B, c *http.Client, url string, ds []benchNotice, spread time.Duration) []time.Duration {
	lat := make([]time.Duration, len(ds))
	codes := make([]int, len(ds))
	start := time.Now()
	var wg sync.WaitGroup
	for i := range ds {
		wg.Go(func() {
			time.Sleep(time.Until(start.Add(spread * time.Duration(i) / time.Duration(len(ds)))))
			t0 := time.Now()
			codes[i], _, _ = g.post(c, url, ds[i])
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
	for _, gw := range benchGateways {
		name := "notifications"
		if gw != "tripay" {
			name = gw + "-notifications"
		}
		b.Run(name, func(b *testing.B) { benchNotifyThroughput(b, gw) })
	}
	b.Run("bare-create", benchBareCreate)
}

func benchNotifyThroughput(b *testing.B, gateway string) {
	e, gw := benchGatewayEnv(b, gateway, nil)
	url, client := e.serve(b), benchHTTPClient()
	ds := gw.paidNotifications(b, e, b.N, "77")
	var m meter
	b.ResetTimer()
	m.start()
	gw.sendNotifications(b, client, url, ds, webhookSenders)
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
}

// BenchmarkCheckout: 50 guest shoppers check out through POST
// /api/checkout over loopback HTTP (order unpaid + payment in one
// transaction, then the gateway's create; QRIS at Tripay, the Snap page at
// Midtrans): paced, each shopper starting one checkout a second
// (staggered), and saturated, back to back. Reports the answer p50/p99 and
// our own time (the answer minus the gateway create it waited for). One op
// = one checkout.
//
//	go test -run '^$' -bench BenchmarkCheckout -benchtime 500x ./hooks/
//
// Target: own-p99 < 50 ms (paced).
func BenchmarkCheckout(b *testing.B) {
	for _, gw := range benchGateways {
		for _, load := range []string{"paced", "saturated"} {
			b.Run(gw+"/"+load, func(b *testing.B) {
				every := time.Duration(0)
				if load == "paced" {
					every = time.Second
				}
				benchCheckout(b, gw, every)
			})
		}
	}
}

func benchCheckout(b *testing.B, gateway string, every time.Duration) {
	timed := &timedTransport{took: map[string]time.Duration{}}
	e, gw := benchGatewayEnv(b, gateway, timed)
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
					"target": fmt.Sprintf("0813%08d1", i), "channel": gw.channel, "phone": fmt.Sprintf("0812%08d", i)})
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
