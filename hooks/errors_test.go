package hooks_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

// errorCase is one request that must be refused with a stable code.
type errorCase struct {
	name               string
	method, url, token string
	body               any
	status             int
	code               string
	field, fieldCode   string // a field error, when the answer has one
	headers            []string
}

func (e *env) assertErrorCodes(t *testing.T, cases []errorCase) {
	t.Helper()
	for _, c := range cases {
		r := e.do(c.method, c.url, c.token, c.body, c.headers...)
		assert.Equal(t, c.status, r.Status, "%s: %s", c.name, r.Raw)
		assert.Equal(t, c.code, r.data()["code"], "%s: %s", c.name, r.Raw)
		if c.field != "" {
			f, _ := r.data()[c.field].(map[string]any)
			assert.Equal(t, c.fieldCode, f["code"], "%s: %s", c.name, r.Raw)
		}
	}
}

// Every custom route answers its errors with data.code, PocketBase's own
// middlewares in front of it (auth) included. The order inputs' own field
// codes are in TestOrderValidationWritesNothing.
func TestEveryCustomRouteErrorCarriesACode(t *testing.T) {
	e := newEnv(t, func(c *hooks.Config, _ *sandbox.Config) { c.ManualDispatch = true }).ready()
	e.deposit(userEmail, 100_000)
	user, super := userTokens[userEmail], superToken
	queued := e.buyPrepaid(userEmail, "081234567890") // manual dispatch: stays queued
	const process, recheck, nickname = "/api/orders/process", "/api/admin/orders/recheck", "/api/games/nickname"

	e.assertErrorCodes(t, []errorCase{
		{name: "order without login", method: "POST", url: prepaidURL, body: map[string]any{}, status: 401, code: "auth_required"},
		{name: "order with a bad token", method: "POST", url: gameURL, token: "nope", body: map[string]any{}, status: 401, code: "auth_required"},
		{name: "order body not JSON", method: "POST", url: socialURL, token: user, body: "[", status: 400, code: "invalid_body"},
		{name: "idempotency key too long", method: "POST", url: prepaidURL, token: user,
			body:    map[string]any{"service": "TELKOMSEL_10K", "phoneNumber": "081234567890"},
			headers: []string{"Idempotency-Key", strings.Repeat("k", 201)},
			status:  400, code: "validation_failed", field: "idempotency_key", fieldCode: "validation_idempotency_key_length"},
		{name: "get an unknown order", method: "GET", url: prepaidURL + "?orderNumber=PRE-1-NOPE", token: user, status: 404, code: "order_not_found"},
		{name: "get another's order", method: "GET", url: prepaidURL + "?orderNumber=" + queued, token: userTokens[otherEmail], status: 404, code: "order_not_found"},
		{name: "get without login", method: "GET", url: gameURL + "?orderNumber=x", status: 401, code: "auth_required"},

		{name: "process as a shopper", method: "POST", url: process, token: user, body: map[string]any{"orderNumber": queued}, status: 403, code: "forbidden"},
		{name: "process without a number", method: "POST", url: process, token: super, body: map[string]any{}, status: 400, code: "invalid_body"},
		{name: "process an unknown order", method: "POST", url: process, token: super, body: map[string]any{"orderNumber": "NOPE"}, status: 404, code: "order_not_found"},
		{name: "recheck an unsent order", method: "POST", url: recheck, token: super, body: map[string]any{"orderNumber": queued}, status: 409, code: "order_not_sent"},

		{name: "nickname without a game", method: "GET", url: nickname + "?userId=123456", status: 400, code: "validation_failed", field: "game", fieldCode: "validation_game_required"},
		{name: "nickname bad user id", method: "GET", url: nickname + "?game=free-fire&userId=a%20b", status: 400, code: "validation_failed", field: "userId", fieldCode: "validation_target_game_id"},
		{name: "nickname zone needed", method: "GET", url: nickname + "?game=ML86-S2&userId=123456", status: 400, code: "validation_failed", field: "zoneId", fieldCode: "validation_zone_required"},
		{name: "nickname unknown game", method: "GET", url: nickname + "?game=tetris&userId=123456", status: 400, code: "nickname_unsupported"},
		{name: "nickname no such player", method: "GET", url: nickname + "?game=free-fire&userId=11111404", status: 404, code: "player_not_found"},

		{name: "sync as a shopper", method: "POST", url: "/api/admin/vip-sync", token: user, body: map[string]any{"action": "full-sync"}, status: 403, code: "forbidden"},
		{name: "sync an unknown action", method: "POST", url: "/api/admin/vip-sync", token: super, body: map[string]any{"action": "everything"}, status: 400, code: "unknown_action"},
		{name: "sync info unknown action", method: "GET", url: "/api/admin/vip-sync?action=x", token: super, status: 400, code: "unknown_action"},
		{name: "profile without login", method: "GET", url: "/api/admin/vip/profile", status: 401, code: "auth_required"},

		{name: "callback unsigned", method: "POST", url: hooks.WebhookPath, body: map[string]any{"data": map[string]any{"trxid": "x"}}, status: 401, code: "signature_invalid"},
		{name: "callback garbage", method: "POST", url: hooks.WebhookPath, body: "{", headers: []string{"X-Client-Signature", e.sb.Signature()}, status: 400, code: "invalid_callback"},

		// The SDK's create of an order takes the order path and its codes.
		{name: "SDK order with server fields", method: "POST", url: "/api/collections/orders/records", token: user,
			body: map[string]any{"user": userIDs[userEmail], "product": "x", "price": 1}, status: 400, code: "server_fields"},
		{name: "SDK order without product", method: "POST", url: "/api/collections/orders/records", token: user,
			body: map[string]any{"user": userIDs[userEmail], "target": "081234567890"}, status: 400, code: "validation_failed", field: "product", fieldCode: "validation_product_required"},
	})

	// Process: a sent order is not pending any more.
	r := e.do("POST", process, super, map[string]any{"orderNumber": queued})
	require.Equal(t, 200, r.Status, r.Raw)
	e.assertErrorCodes(t, []errorCase{
		{name: "process a sent order", method: "POST", url: process, token: super, body: map[string]any{"orderNumber": queued}, status: 409, code: "order_not_pending"},
	})

	// A superuser cannot reopen a finished order.
	o := e.order(queued)
	o.Set("status", hooks.OrderSuccess)
	require.NoError(t, e.app.Save(o))
	e.assertErrorCodes(t, []errorCase{
		{name: "reopen a finished order", method: "PATCH", url: "/api/collections/orders/records/" + o.Id, token: super,
			body: map[string]any{"status": "processing"}, status: 400, code: "order_final"},
	})
}

func TestErrorCodesWithoutProvider(t *testing.T) {
	e := newUnconfiguredEnv(t)
	user, super := userTokens[userEmail], superToken
	e.assertErrorCodes(t, []errorCase{
		{name: "order", method: "POST", url: gameURL, token: user, body: map[string]any{"service": "X", "userId": "123456"}, status: 503, code: "not_configured"},
		{name: "nickname", method: "GET", url: "/api/games/nickname?game=free-fire&userId=123456", status: 503, code: "not_configured"},
		{name: "sync", method: "POST", url: "/api/admin/vip-sync", token: super, body: map[string]any{"action": "full-sync"}, status: 503, code: "not_configured"},
		{name: "profile", method: "GET", url: "/api/admin/vip/profile", token: super, status: 503, code: "not_configured"},
		{name: "callback fails closed", method: "POST", url: hooks.WebhookPath, body: map[string]any{}, headers: []string{"X-Client-Signature", "d41d8cd98f00b204e9800998ecf8427e"}, status: 401, code: "signature_invalid"},
	})
}

// The wallet guards answer with codes too (dashboard and SDK).
func TestWalletGuardCodes(t *testing.T) {
	e := newEnv(t)
	const ledger = "/api/collections/wallet_transactions/records"
	uid := userIDs[userEmail]
	e.deposit(userEmail, 1_000)
	row := e.record("wallet_transactions", "user = {:u}", map[string]any{"u": uid})
	e.assertErrorCodes(t, []errorCase{
		{name: "edit a balance", method: "PATCH", url: "/api/collections/users/records/" + uid, token: superToken, body: map[string]any{"balance": 5}, status: 400, code: "balance_read_only"},
		{name: "edit a ledger row", method: "PATCH", url: ledger + "/" + row.Id, token: superToken, body: map[string]any{"amount": 5}, status: 400, code: "ledger_append_only"},
		{name: "hand-made refund", method: "POST", url: ledger, token: superToken, body: map[string]any{"user": uid, "type": "refund", "amount": 5}, status: 400, code: "ledger_type_not_allowed"},
		{name: "zero deposit", method: "POST", url: ledger, token: superToken, body: map[string]any{"user": uid, "type": "deposit", "amount": 0}, status: 400, code: "invalid_amount"},
		{name: "overdraw", method: "POST", url: ledger, token: superToken, body: map[string]any{"user": uid, "type": "adjustment", "amount": -1_001}, status: 400, code: "insufficient_balance"},
	})
}

// Every code the server can answer is documented in the README's API section.
func TestErrorCodesAreDocumented(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	codes := regexp.MustCompile(`(?m)^\s*Code\w+\s*= "([a-z_]+)"|validation\.NewError\("([a-z_]+)"`)
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	files = slices.DeleteFunc(append(files, "wallet/guards.go"), func(f string) bool { return strings.HasSuffix(f, "_test.go") })
	for _, file := range files {
		src, err := os.ReadFile(file)
		require.NoError(t, err)
		found := codes.FindAllStringSubmatch(string(src), -1)
		for _, m := range found {
			code := m[1] + m[2]
			assert.True(t, strings.Contains(string(readme), "`"+code+"`"), "%s: %s is not in the README", file, code)
		}
	}
}
