package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The nickname check calls the provider for anyone, so it is rate-limited
// per IP with PocketBase's own limiter (which this turns on, with its
// defaults for the rest of the API). Operators tune it in Settings.
func init() {
	m.Register(func(app core.App) error {
		s := app.Settings()
		s.RateLimits.Enabled = true
		for _, r := range s.RateLimits.Rules {
			if r.Label == "GET /api/games/nickname" {
				return app.Save(s)
			}
		}
		s.RateLimits.Rules = append(s.RateLimits.Rules, core.RateLimitRule{
			Label: "GET /api/games/nickname", MaxRequests: 20, Duration: 60,
		})
		return app.Save(s)
	}, nil)
}
