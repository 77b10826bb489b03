package hooks_test

import (
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/stretchr/testify/require"
)

// webhookSenders is how many callbacks are in flight at once.
const webhookSenders = 32

// BenchmarkWebhookThroughput measures sustained callbacks per second: 32
// concurrent senders POST signed success callbacks over loopback HTTP, each
// completing one processing order (status confirmed by the in-process
// sandbox's status API over loopback HTTP, client rate limit 0). Next to it,
// in the same run, bare-create is PocketBase's own REST record create
// (POST /api/collections/bench_items/records as superuser, 32 senders) on
// the same kind of app and server. One op = one callback / one create.
//
//	go test -run '^$' -bench BenchmarkWebhookThroughput -benchtime 3000x ./hooks/
//
// Target: ≥ 1,500 callbacks/s and ≥ half the bare-create rate.
func BenchmarkWebhookThroughput(b *testing.B) {
	b.Run("callbacks", func(b *testing.B) {
		e := newBenchEnv(b, nil).ready()
		e.benchCallbacks(b)
	})

	b.Run("bare-create", func(b *testing.B) {
		e := newBenchEnv(b, nil)
		col := core.NewBaseCollection("bench_items")
		col.Fields.Add(&core.TextField{Name: "name", Max: 200},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true})
		require.NoError(b, e.app.Save(col)) // create rule nil: superusers only
		url, client := e.serve(b), benchHTTPClient()

		var next, bad atomic.Int64
		var firstErr string
		var once sync.Once
		var wg sync.WaitGroup
		var m meter
		b.ResetTimer()
		m.start()
		for range webhookSenders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := next.Add(1) - 1
					if i >= int64(b.N) {
						return
					}
					code, raw, err := post(client, url+"/api/collections/bench_items/records",
						[]byte(`{"name":"item `+strconv.FormatInt(i, 10)+`"}`), "Authorization", superToken)
					if err != nil || code != http.StatusOK {
						bad.Add(1)
						once.Do(func() { firstErr = string(raw) })
					}
				}
			}()
		}
		wg.Wait()
		b.StopTimer()
		m.stop()
		m.report(b, b.N)
		b.ReportMetric(perSecond(int64(b.N), b.Elapsed()), "creates/s")
		require.Zero(b, bad.Load(), firstErr)
		require.EqualValues(b, b.N, e.scalar(b, "SELECT COUNT(*) FROM bench_items"))
	})
}
