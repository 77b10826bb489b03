package hooks_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/internal/pbsqlite"
)

// BenchmarkDurability compares PocketBase's default synchronous=NORMAL with
// synchronous=FULL on the main database (data.db; auxiliary.db, the logs,
// stays as PocketBase opens it). In WAL mode NORMAL fsyncs only at
// checkpoints, so the last commits can be lost on power failure (never
// corrupted); FULL fsyncs the WAL on every commit.
//
//   - accept: 50 shoppers place orders through the route with the default
//     3 s dispatch wait and a fast provider, so each answer covers the pay
//     transaction, the dispatch claim, the provider call and the result
//     transaction (3 commits per order). One op = one order.
//
//   - callback: 32 senders complete processing orders as in
//     BenchmarkWebhookThroughput (1 commit per callback). One op = one callback.
//
//     go test -run '^$' -bench BenchmarkDurability -benchtime 1000x ./hooks/
func BenchmarkDurability(b *testing.B) {
	for _, mode := range []string{"NORMAL", "FULL"} {
		connect := pbsqlite.Connect(pbsqlite.Options{Synchronous: mode})
		want := map[string]int64{"NORMAL": 1, "FULL": 2}[mode]
		checkMode := func(b *testing.B, e *env) {
			var got int64
			require.NoError(b, e.app.NonconcurrentDB().NewQuery("PRAGMA synchronous").Row(&got))
			require.Equal(b, want, got, "writer connection synchronous mode")
			require.NoError(b, e.app.ConcurrentDB().NewQuery("PRAGMA synchronous").Row(&got))
			require.Equal(b, want, got, "reader connection synchronous mode")
		}

		b.Run("synchronous="+mode+"/accept", func(b *testing.B) {
			e := newBenchEnv(b, connect).ready()
			checkMode(b, e)
			results := e.benchAccepts(b)
			_, p99 := latencyPercentiles(results)
			b.ReportMetric(p99, "p99-ms")
		})

		b.Run("synchronous="+mode+"/callback", func(b *testing.B) {
			e := newBenchEnv(b, connect).ready()
			checkMode(b, e)
			e.benchCallbacks(b)
		})
	}
}
