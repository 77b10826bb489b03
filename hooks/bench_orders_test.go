package hooks_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

// shopperCount is how many shoppers order at once.
const shopperCount = 50

// slowProvider adds 1 s to every order POST of every endpoint.
var slowProvider = sandbox.Fault{Kind: sandbox.FaultLatency, Endpoint: "", Type: "order", Delay: time.Second, Times: -1}

// quickAnswer makes order routes answer as soon as the order is committed
// and debited (they wait at most 1 ms for the provider instead of 3 s), so
// the route's latency is the accept step: HTTP + auth + validation + the
// pay-and-insert transaction + ≤ 1 ms + one re-read.
func quickAnswer(c *hooks.Config, _ *sandbox.Config) { c.DispatchWait = time.Millisecond }

// BenchmarkOrderAccept: 50 shoppers place prepaid orders through
// POST /api/orders/prepaid over loopback HTTP, with a fast provider and with
// one that takes 1 s for every order POST. The latency is the accept step
// (see quickAnswer), measured by the client. "paced": each shopper places one
// order per second (50 orders/s offered, staggered), the store's busy hour
// many times over; "saturated": back to back, no think time, so latency is
// queueing (Little's law: 50 / accepts/s). One op = one order; ns/op of a
// paced run is set by the pace. Every order is verified accepted, debited
// once, sent once and (after the timer) given its trxid. peak-RSS-MB is the
// process's VmHWM (app + in-process provider + load generator).
//
//	go test -run '^$' -bench BenchmarkOrderAccept -benchtime 500x ./hooks/
//
// Targets: accept p99 < 50 ms excluding the provider's time; RSS < 200 MB.
func BenchmarkOrderAccept(b *testing.B) {
	for _, mode := range []string{"fast", "slow"} {
		for _, load := range []string{"paced", "saturated"} {
			b.Run(mode+"-provider/"+load, func(b *testing.B) {
				every := time.Duration(0)
				if load == "paced" {
					every = time.Second
				}
				e := newBenchEnv(b, nil, quickAnswer).ready()
				shoppers := e.addShoppers(b, shopperCount)
				if mode == "slow" {
					e.sb.Inject(slowProvider)
				}
				url, client := e.serve(b), benchHTTPClient()
				e.sb.ResetRequests()

				var done atomic.Int64
				var m meter
				b.ResetTimer()
				m.start()
				results := placeOrders(client, url, shoppers, b.N, every, &done)
				b.StopTimer()
				m.stop()
				elapsed := b.Elapsed()
				m.report(b, b.N)

				checkOrderResults(b, results)
				p50, p99 := latencyPercentiles(results)
				b.ReportMetric(p50, "p50-ms")
				b.ReportMetric(p99, "p99-ms")
				b.ReportMetric(perSecond(int64(b.N), elapsed), "accepts/s")
				e.verifyPlaced(b, shoppers, b.N)
				require.Equal(b, b.N, e.sb.Count(sandbox.EndpointPrepaid, "order"), "each order sent once")
				b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
			})
		}
	}
}

// BenchmarkMixedLoad shows that no transaction is open during a provider
// call: 50 shoppers place orders (as in BenchmarkOrderAccept) while 32
// senders deliver success callbacks for other orders, both at once, with a
// fast provider and with a 1 s order POST. If the writer were held during
// the provider call, the slow case would collapse to a few writes per
// second. Rates are counted over the window in which both groups ran. One op
// = one order and one callback.
//
//	go test -run '^$' -bench BenchmarkMixedLoad -benchtime 1500x ./hooks/
func BenchmarkMixedLoad(b *testing.B) {
	for _, mode := range []string{"fast", "slow"} {
		b.Run(mode+"-provider", func(b *testing.B) {
			e := newBenchEnv(b, nil, quickAnswer).ready()
			shoppers := e.addShoppers(b, shopperCount)
			e.deposit(userEmail, int64(b.N)*20_000)
			trx := e.processingOrders(b, userIDs[userEmail], b.N)
			if mode == "slow" {
				e.sb.Inject(slowProvider)
			}
			url, client := e.serve(b), benchHTTPClient()
			e.sb.ResetRequests()

			var ordersDone, callbacksDone atomic.Int64
			var results []orderResult
			var failed int64
			var firstErr string
			// window ends when the first group finishes: the other group's
			// count at that moment is what it did while both ran.
			var windowOrders, windowCallbacks atomic.Int64
			var windowEnd atomic.Int64
			start := time.Now()
			endWindow := func() {
				if windowEnd.CompareAndSwap(0, int64(time.Since(start))) {
					windowOrders.Store(ordersDone.Load())
					windowCallbacks.Store(callbacksDone.Load())
				}
			}
			var m meter
			b.ResetTimer()
			m.start()
			start = time.Now()
			ch := make(chan struct{})
			go func() {
				defer close(ch)
				failed, firstErr = sendCallbacks(client, url, e.sb.Signature(), trx, webhookSenders, &callbacksDone)
				endWindow()
			}()
			results = placeOrders(client, url, shoppers, b.N, 0, &ordersDone)
			endWindow()
			<-ch
			b.StopTimer()
			m.stop()
			m.report(b, b.N)

			window := time.Duration(windowEnd.Load())
			b.ReportMetric(perSecond(windowOrders.Load(), window), "accepts/s")
			b.ReportMetric(perSecond(windowCallbacks.Load(), window), "callbacks/s")
			_, p99 := latencyPercentiles(results)
			b.ReportMetric(p99, "accept-p99-ms")
			checkOrderResults(b, results)
			require.Zero(b, failed, firstErr)
			e.verifyCallbacks(b, trx)
			e.verifyPlaced(b, shoppers, b.N)
			require.Equal(b, b.N, e.sb.Count(sandbox.EndpointPrepaid, "order"), "each shopper order sent once")
		})
	}
}
