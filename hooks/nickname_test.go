package hooks_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

func TestNicknameRoute(t *testing.T) {
	e := newEnv(t).ready()
	const url = "/api/games/nickname"
	ok := e.do(http.MethodGet, url+"?game=free-fire&userId=12345678", "", nil)
	require.Equal(t, 200, ok.Status, ok.Raw)
	name := ok.data()["nickname"]
	assert.NotEmpty(t, name)
	again := e.do(http.MethodGet, url+"?game=free-fire&userId=12345678", "", nil)
	assert.Equal(t, name, again.data()["nickname"])
	assert.Equal(t, 1, e.sb.Count("game-feature", "get-nickname"), "the second answer comes from the cache")

	// A product code works too, and brings its zone rule.
	byProduct := e.do(http.MethodGet, url+"?game=ML86-S2&userId=12345678", "", nil)
	assert.Equal(t, 400, byProduct.Status, byProduct.Raw)
	assert.Contains(t, byProduct.Raw, "zoneId")
	byProduct = e.do(http.MethodGet, url+"?game=ML86-S2&userId=12345678&zoneId=2001", "", nil)
	assert.Equal(t, 200, byProduct.Status, byProduct.Raw)

	missing := e.do(http.MethodGet, url+"?game=free-fire&userId=11111404", "", nil)
	assert.Equal(t, 404, missing.Status, missing.Raw)
	for _, q := range []string{"?userId=123", "?game=free-fire&userId=a%20b", "?game=tetris&userId=123"} {
		assert.Equal(t, 400, e.do(http.MethodGet, url+q, "", nil).Status, q)
	}
	before := e.sb.Count("game-feature", "get-nickname")

	// PocketBase's per-IP limiter guards it (20 a minute).
	limited := 0
	for i := range 25 {
		if r := e.do(http.MethodGet, url+"?game=free-fire&userId=9000000"+string(rune('a'+i)), "", nil); r.Status == 429 {
			limited++
			assert.Equal(t, "rate_limited", r.data()["code"], r.Raw)
		}
	}
	assert.Positive(t, limited)
	assert.LessOrEqual(t, e.sb.Count("game-feature", "get-nickname")-before, 20)
}

// Provider maintenance during a check is "try again", and the player is
// found as soon as the provider is back (nothing was cached as not found).
func TestNicknameDoesNotCacheATransientRefusal(t *testing.T) {
	e := newEnv(t).ready()
	const url = "/api/games/nickname?game=free-fire&userId=12345678"
	e.sb.Inject(sandbox.Fault{Kind: sandbox.FaultMaintenance, Endpoint: "game-feature", Type: "get-nickname", Times: 1})
	down := e.do(http.MethodGet, url, "", nil)
	assert.Equal(t, 502, down.Status, down.Raw)
	assert.Equal(t, "provider_unavailable", down.data()["code"])
	up := e.do(http.MethodGet, url, "", nil)
	require.Equal(t, 200, up.Status, up.Raw)
	assert.NotEmpty(t, up.data()["nickname"])
	assert.Equal(t, 2, e.sb.Count("game-feature", "get-nickname"))
}

// A crowd of nickname checks cannot take the provider budget of orders:
// with the production pacing (5 req/s) they get a bounded share, the rest
// are told to try again without a provider call, and an order placed in
// the middle of them is sent.
func TestNicknameChecksCannotDelayAnOrder(t *testing.T) {
	e := newEnv(t, func(c *hooks.Config, _ *sandbox.Config) { c.RateLimit = 5 }).ready()
	s := e.app.Settings()
	s.RateLimits.Enabled = false // many shoppers, not one IP
	require.NoError(t, e.app.Save(s))
	e.deposit(userEmail, 100_000)
	before := e.sb.Count("game-feature", "get-nickname")

	const crowd = 60
	var wg sync.WaitGroup
	codes := make([]int, crowd)
	for i := range crowd {
		wg.Go(func() {
			r := e.do(http.MethodGet, fmt.Sprintf("/api/games/nickname?game=free-fire&userId=%d", 70000000+i), "", nil)
			codes[i] = r.Status
			if r.Status == 503 {
				assert.Equal(t, "provider_busy", r.data()["code"])
			}
		})
	}
	number := e.buyPrepaid(userEmail, "081234567890")
	wg.Wait()

	sent := e.sb.Count("game-feature", "get-nickname") - before
	busy := 0
	for _, c := range codes {
		if c == 503 {
			busy++
		}
	}
	assert.Equal(t, crowd, busy+sent, "every check either reached the provider or was told to try again: %v", codes)
	assert.LessOrEqual(t, sent, 3, "nickname checks stay within their share")
	assert.Equal(t, 1, e.sb.Count("prepaid", "order"))
	assert.Equal(t, hooks.OrderProcessing, e.order(number).GetString("status"), "the order was sent while the crowd waited")
}
