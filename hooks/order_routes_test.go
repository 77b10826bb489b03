package hooks_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

func TestAdminStatusChangesMoveMoneyInTheSameTransaction(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 100_000)
	number, _ := e.processingOrder("081200000777")
	o := e.order(number)
	url := "/api/collections/orders/records/" + o.Id

	r := e.do(http.MethodPatch, url, superToken, map[string]any{"status": "failed", "note": "Dibatalkan admin"})
	require.Equal(t, 200, r.Status, r.Raw)
	assert.Equal(t, int64(100_000), e.balance(userEmail), "refunded")
	assert.Equal(t, 1, e.count("order_events", "order = {:o} && source = 'admin' && to = 'failed'", map[string]any{"o": o.Id}))

	r = e.do(http.MethodPatch, url, superToken, map[string]any{"status": "processing"})
	assert.Equal(t, 400, r.Status, "a finished order is never reopened (a stale dashboard form would)")
	assert.Equal(t, hooks.OrderFailed, e.order(number).GetString("status"))

	r = e.do(http.MethodPatch, url, superToken, map[string]any{"status": "success"})
	require.Equal(t, 200, r.Status, r.Raw)
	assert.Equal(t, 1, e.count("wallet_transactions", "type = 'refund'", nil), "no second money movement")
	assert.Equal(t, 1, e.count("order_events", "order = {:o} && source = 'admin' && to = 'success' && note ~ 'No money was moved'",
		map[string]any{"o": o.Id}))
	e.assertBalancesMatchLedger()
}

func TestReviewAndProviderReasonsStayHiddenFromShoppers(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 100_000)
	e.sb.Inject(sandbox.Fault{Kind: sandbox.FaultInsufficientBalance, Endpoint: "prepaid", Type: "order"})
	n := e.buyPrepaid(userEmail, "081200000111")
	o := e.order(n)
	o.Set("review", "internal")
	require.NoError(t, e.app.Save(o))
	r := e.do(http.MethodGet, "/api/collections/orders/records/"+o.Id, userTokens[userEmail], nil)
	require.Equal(t, 200, r.Status)
	assert.NotContains(t, r.Raw, "internal")
	assert.NotContains(t, r.Raw, "Saldo")
}

func TestOrderRoutesPerRole(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 500_000)
	res := e.do(http.MethodPost, gameURL, userTokens[userEmail], map[string]any{"service": "ML86-S2", "userId": "12345678", "zoneId": "1234"})
	require.Equal(t, 200, res.Status, res.Raw)
	number := res.data()["orderNumber"].(string)
	assert.True(t, strings.HasPrefix(number, "ORD-"))
	assert.Equal(t, "1234", res.data()["zoneId"])

	for _, sc := range []struct {
		name, method, url, token string
		status                   int
	}{
		{"guest create", http.MethodPost, gameURL, "", 401},
		{"superuser create", http.MethodPost, gameURL, superToken, 403},
		{"guest get", http.MethodGet, gameURL + "?orderNumber=" + number, "", 401},
		{"other user get", http.MethodGet, gameURL + "?orderNumber=" + number, userTokens[otherEmail], 404},
		{"owner get other category", http.MethodGet, prepaidURL + "?orderNumber=" + number, userTokens[userEmail], 404},
		{"owner get", http.MethodGet, gameURL + "?orderNumber=" + number, userTokens[userEmail], 200},
		{"superuser get", http.MethodGet, gameURL + "?orderNumber=" + number, superToken, 200},
		{"unknown number", http.MethodGet, gameURL + "?orderNumber=ORD-1-XXXXX", userTokens[userEmail], 404},
		{"guest process", http.MethodPost, "/api/orders/process", "", 401},
		{"user process", http.MethodPost, "/api/orders/process", userTokens[userEmail], 403},
		{"user recheck", http.MethodPost, "/api/admin/orders/recheck", userTokens[userEmail], 403},
	} {
		before := e.count("orders", "", nil)
		r := e.do(sc.method, sc.url, sc.token, map[string]any{"service": "ML86-S2", "userId": "12345678", "zoneId": "1234", "orderNumber": number})
		assert.Equal(t, sc.status, r.Status, "%s: %s", sc.name, r.Raw)
		assert.Equal(t, before, e.count("orders", "", nil), sc.name)
	}
	assert.Equal(t, 1, e.sb.Count("game-feature", "order"))
	e.assertLedgerConsistent()
}

// The game and social routes, like prepaid, refuse a stale price the
// shopper saw (amount; social totalPrice) with 409 price_changed.
func TestGameAndSocialRoutesHonourTheShownPrice(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 1_000_000)
	gamePrice := int64(e.product("game", "FF100-S13").GetInt("price"))
	perK := int64(e.product("social", "3249").GetInt("price"))
	total := (perK*1000 + 999) / 1000
	link := "https://tiktok.com/@x/video/1"

	e.assertErrorCodes(t, []errorCase{
		{name: "game, stale amount", method: "POST", url: gameURL, token: userTokens[userEmail],
			body: map[string]any{"service": "FF100-S13", "userId": "123456", "amount": gamePrice - 1}, status: 409, code: "price_changed"},
		{name: "social, stale totalPrice", method: "POST", url: socialURL, token: userTokens[userEmail],
			body: map[string]any{"service": "3249", "target": link, "quantity": 1000, "totalPrice": total + 1}, status: 409, code: "price_changed"},
	})
	assert.Zero(t, e.count("orders", "", nil))
	assert.Equal(t, int64(1_000_000), e.balance(userEmail))
	assert.Zero(t, e.sb.Count("game-feature", "order")+e.sb.Count("social-media", "order"))

	r := e.do(http.MethodPost, gameURL, userTokens[userEmail], map[string]any{"service": "FF100-S13", "userId": "123456", "amount": gamePrice})
	require.Equal(t, 200, r.Status, r.Raw)
	assert.EqualValues(t, gamePrice, r.data()["amount"])
	r = e.do(http.MethodPost, socialURL, userTokens[userEmail], map[string]any{"service": "3249", "target": link, "quantity": 1000, "totalPrice": total})
	require.Equal(t, 200, r.Status, r.Raw)
	assert.EqualValues(t, total, r.data()["totalPrice"])
	assert.Equal(t, 1_000_000-gamePrice-total, e.balance(userEmail))
	e.assertLedgerConsistent()
}
