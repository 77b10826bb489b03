package hooks_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

// bigCatalog is a 10,000-service sandbox catalog: 4000 game, 4000 prepaid,
// 2000 social.
func bigCatalog(_ *hooks.Config, s *sandbox.Config) {
	s.GameServices, s.PrepaidServices, s.SocialServices = 4000, 4000, 2000
}

// BenchmarkCatalogSync syncs a 10,000-service catalog (sandbox over loopback
// HTTP, client rate limit 0) with svc.RunSync: "first" from an empty store
// (products/first: services already stored, no products yet), "resync" again
// with nothing changed. full-sync is services + products + stock.
//
//	go test -run '^$' -bench BenchmarkCatalogSync -benchtime 3x ./hooks/
//
// Targets (2 cores): first sync < 2 s, unchanged re-sync < 0.5 s.
func BenchmarkCatalogSync(b *testing.B) {
	run := func(b *testing.B, e *env, action string) map[string]map[string]int {
		r, err := e.svc.RunSync(context.Background(), action, hooks.TriggerAdmin, nil)
		require.NoError(b, err, action)
		require.Equal(b, "success", r.GetString("status"), r.GetString("error"))
		if action != hooks.ActionFullSync {
			return runCounts(b, r)
		}
		var full struct {
			Services, Products map[string]map[string]int
		}
		require.NoError(b, r.UnmarshalJSONField("counts", &full))
		c := full.Services
		for cat, v := range full.Products {
			c["products-"+cat] = v
		}
		return c
	}
	sum := func(c map[string]map[string]int, key string) (n int) {
		for _, v := range c {
			n += v[key]
		}
		return n
	}

	for _, action := range []string{hooks.ActionSyncServices, hooks.ActionSyncProducts, hooks.ActionFullSync} {
		b.Run(action+"/first", func(b *testing.B) {
			var m meter
			for range b.N {
				b.StopTimer()
				e := newBenchEnv(b, nil, bigCatalog)
				total := e.sb.ServiceCount(sandbox.EndpointGame) + e.sb.ServiceCount(sandbox.EndpointPrepaid) + e.sb.ServiceCount(sandbox.EndpointSocial)
				require.GreaterOrEqual(b, total, 10_000)
				if action == hooks.ActionSyncProducts {
					run(b, e, hooks.ActionSyncServices)
				}
				b.StartTimer()
				m.start()
				c := run(b, e, action)
				m.stop()
				b.StopTimer()
				want := total
				if action == hooks.ActionFullSync {
					want = 2 * total // services and products
				}
				require.Equal(b, want, sum(c, "created"), "rows created")
				b.ReportMetric(float64(total), "services")
				e.app.Cleanup() // free the disk now; the b.Cleanup repeat is a no-op
				b.StartTimer()
			}
			m.report(b, b.N)
		})
		b.Run(action+"/resync", func(b *testing.B) {
			e := newBenchEnv(b, nil, bigCatalog)
			total := e.sb.ServiceCount(sandbox.EndpointGame) + e.sb.ServiceCount(sandbox.EndpointPrepaid) + e.sb.ServiceCount(sandbox.EndpointSocial)
			run(b, e, hooks.ActionFullSync)
			var m meter
			b.ResetTimer()
			for range b.N {
				m.start()
				c := run(b, e, action)
				m.stop()
				b.StopTimer()
				want := total
				if action == hooks.ActionFullSync {
					want = 2 * total
				}
				require.Equal(b, want, sum(c, "unchanged"), "rows unchanged")
				require.Zero(b, sum(c, "created")+sum(c, "updated")+sum(c, "delisted")+sum(c, "disabled")+sum(c, "enabled"), "rows written")
				b.StartTimer()
			}
			m.report(b, b.N)
			b.ReportMetric(float64(total), "services")
		})
	}
}
