package hooks_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
