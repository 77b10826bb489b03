package pb_migrations

import (
	"slices"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Shopper-friendly rate limits (per client IP; operators tune them in
// Dashboard › Settings › Rate limits, README "Going live").
//
// PocketBase's default "*:auth" rule, 2 requests per 3 s, answers a
// shopper's immediate retry after one mistyped password with 429. 10 per
// 60 s lets a person retry at once, several times, and still holds a
// password guesser to 14,400 tries a day per IP and collection (the default
// allowed 57,600). It is changed only while it is exactly PocketBase's
// default: an operator's own value stays.
//
// Sign-up ("users:create", which wins over the default "*:create" of 20 per
// 5 s) allows 10 per 10 min: a shopper retries a refused form a few times,
// a script gets 1,440 accounts a day per IP. The checkout and order tracking
// routes are public and reach the provider or the database for anyone, so
// they get rules now, before they exist. Labels an operator already has, with
// any audience, are left as they are.
var shopperRateLimits = []core.RateLimitRule{
	{Label: "users:create", MaxRequests: 10, Duration: 600},
	{Label: "POST /api/checkout", MaxRequests: 10, Duration: 60},
	{Label: "GET /api/orders/track", MaxRequests: 20, Duration: 60},
}

var (
	pocketBaseAuthRule = core.RateLimitRule{Label: "*:auth", MaxRequests: 2, Duration: 3}
	shopperAuthRule    = core.RateLimitRule{Label: "*:auth", MaxRequests: 10, Duration: 60}
)

func init() {
	m.Register(func(app core.App) error {
		s := app.Settings()
		rules := s.RateLimits.Rules
		if i := slices.Index(rules, pocketBaseAuthRule); i >= 0 {
			rules[i] = shopperAuthRule
		}
		for _, w := range append([]core.RateLimitRule{shopperAuthRule}, shopperRateLimits...) {
			if !slices.ContainsFunc(rules, func(r core.RateLimitRule) bool { return r.Label == w.Label }) {
				rules = append(rules, w)
			}
		}
		s.RateLimits.Rules = rules
		return app.Save(s)
	}, func(app core.App) error {
		// Undo only what is still as this migration left it.
		s := app.Settings()
		rules := slices.DeleteFunc(s.RateLimits.Rules, func(r core.RateLimitRule) bool {
			return slices.Contains(shopperRateLimits, r)
		})
		if i := slices.Index(rules, shopperAuthRule); i >= 0 {
			rules[i] = pocketBaseAuthRule
		}
		s.RateLimits.Rules = rules
		return app.Save(s)
	})
}
