package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The nickname check calls the provider for anyone, so it is rate-limited
// per IP with PocketBase's own limiter (which this turns on, with its
// defaults for the rest of the API). The webhook gets its own rule: all
// callbacks come from one provider IP and must not hit the default "/api/"
// limit (30/s) in a burst, but an unauthenticated flood stays bounded. Operators tune both in Settings.
func init() {
	m.Register(func(app core.App) error {
		s := app.Settings()
		s.RateLimits.Enabled = true
		want := []core.RateLimitRule{
			{Label: "GET /api/games/nickname", MaxRequests: 20, Duration: 60},
			{Label: "POST /api/webhooks/vip-reseller", MaxRequests: 300, Duration: 1},
		}
	next:
		for _, w := range want {
			for _, r := range s.RateLimits.Rules {
				if r.Label == w.Label {
					continue next
				}
			}
			s.RateLimits.Rules = append(s.RateLimits.Rules, w)
		}
		return app.Save(s)
	}, nil)
}
