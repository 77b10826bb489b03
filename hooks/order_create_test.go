package hooks_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

const (
	prepaidURL = "/api/orders/prepaid"
	gameURL    = "/api/orders/game"
	socialURL  = "/api/orders/social-media"
)

func TestPrepaidOrderHappyPath(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 100_000)
	price := int64(e.product("prepaid", "TELKOMSEL_10K").GetInt("price"))

	res := e.do(http.MethodPost, prepaidURL, userTokens[userEmail], map[string]any{"service": "TELKOMSEL_10K", "phoneNumber": "081234567890"})
	require.Equal(t, 200, res.Status, res.Raw)
	d := res.data()
	assert.Equal(t, true, res.Body["success"])
	assert.Equal(t, "processing", d["status"])
	assert.Equal(t, "TELKOMSEL_10K", d["service"])
	assert.Equal(t, "081234567890", d["phoneNumber"])
	assert.EqualValues(t, price, d["amount"])
	assert.True(t, strings.HasPrefix(d["orderNumber"].(string), "PRE-"))
	assert.NotEmpty(t, d["externalId"])
	assert.Equal(t, 1, e.sb.Count("prepaid", "order"))
	assert.Equal(t, 100_000-price, e.balance(userEmail))

	// No callback in this test: the poller finds the final status.
	number := d["orderNumber"].(string)
	e.backdate(number, 2*60e9, "next_attempt_at")
	e.poll()
	o := e.order(number)
	assert.Equal(t, hooks.OrderSuccess, o.GetString("status"))
	assert.NotEmpty(t, o.GetString("sn"))
	assert.False(t, o.GetDateTime("completed_at").IsZero())
	assert.Equal(t, 3, e.count("order_events", "order = {:o}", map[string]any{"o": o.Id}), "pending, processing, success")
	assert.Equal(t, 1, e.sb.Count("prepaid", "order"))

	got := e.do(http.MethodGet, prepaidURL+"?orderNumber="+number, userTokens[userEmail], nil)
	require.Equal(t, 200, got.Status)
	assert.Equal(t, "success", got.data()["status"])
	byTrx := e.do(http.MethodGet, prepaidURL+"?trxId="+o.GetString("external_id"), userTokens[userEmail], nil)
	assert.Equal(t, number, byTrx.data()["orderNumber"])
	e.assertLedgerConsistent()
}

func TestOrderValidationWritesNothing(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 1_000_000)
	inactive := e.product("prepaid", "TELKOMSEL_25K")
	inactive.Set("active", false)
	require.NoError(t, e.app.Save(inactive))

	// Every refusal names a stable code, and bad input names its field.
	cases := []struct {
		name, url        string
		body             map[string]any
		status           int
		code             string
		field, fieldCode string
	}{
		{"prepaid short", prepaidURL, map[string]any{"service": "TELKOMSEL_10K", "phoneNumber": "0812"}, 400, "validation_failed", "phoneNumber", "validation_target_digits"},
		{"prepaid letters", prepaidURL, map[string]any{"service": "TELKOMSEL_10K", "phoneNumber": "08123abc901"}, 400, "validation_failed", "phoneNumber", "validation_target_digits"},
		{"prepaid too long", prepaidURL, map[string]any{"service": "TELKOMSEL_10K", "phoneNumber": "081234567890123456789"}, 400, "validation_failed", "phoneNumber", "validation_target_digits"},
		{"phone without 0/62", prepaidURL, map[string]any{"service": "TELKOMSEL_10K", "phoneNumber": "81234567890"}, 400, "validation_failed", "phoneNumber", "validation_target_phone_prefix"},
		{"game bad id", gameURL, map[string]any{"service": "FF100-S13", "userId": "12 34"}, 400, "validation_failed", "userId", "validation_target_game_id"},
		{"game empty id", gameURL, map[string]any{"service": "FF100-S13", "userId": ""}, 400, "validation_failed", "userId", "validation_target_game_id"},
		{"game zone required", gameURL, map[string]any{"service": "ML86-S2", "userId": "123456"}, 400, "validation_failed", "zoneId", "validation_zone_required"},
		{"game zone invalid", gameURL, map[string]any{"service": "ML86-S2", "userId": "123456", "zoneId": "12/3"}, 400, "validation_failed", "zoneId", "validation_zone_invalid"},
		{"game zone off the server list", gameURL, map[string]any{"service": "GI60-S24", "userId": "812345678", "zoneId": "os_mars"}, 400, "validation_failed", "zoneId", "validation_zone_unlisted"},
		{"social empty target", socialURL, map[string]any{"service": "3249", "target": "", "quantity": 1000}, 400, "validation_failed", "target", "validation_target_link"},
		{"social long target", socialURL, map[string]any{"service": "3249", "target": strings.Repeat("a", 501), "quantity": 1000}, 400, "validation_failed", "target", "validation_target_link"},
		{"social under min", socialURL, map[string]any{"service": "3249", "target": "https://tiktok.com/@x", "quantity": 10}, 400, "validation_failed", "quantity", "validation_quantity_range"},
		{"social over max", socialURL, map[string]any{"service": "3249", "target": "https://tiktok.com/@x", "quantity": 100001}, 400, "validation_failed", "quantity", "validation_quantity_range"},
		{"no service", prepaidURL, map[string]any{"phoneNumber": "081234567890"}, 400, "validation_failed", "service", "validation_product_required"},
		{"not JSON", prepaidURL, map[string]any{"service": []int{1}}, 400, "invalid_body", "", ""},
		{"unknown service", prepaidURL, map[string]any{"service": "NOPE", "phoneNumber": "081234567890"}, 404, "product_not_found", "", ""},
		{"wrong category", gameURL, map[string]any{"service": "TELKOMSEL_10K", "userId": "123456"}, 404, "product_not_found", "", ""},
		{"inactive product", prepaidURL, map[string]any{"service": "TELKOMSEL_25K", "phoneNumber": "081234567890"}, 404, "product_not_found", "", ""},
		{"price changed", prepaidURL, map[string]any{"service": "TELKOMSEL_10K", "phoneNumber": "081234567890", "amount": 1}, 409, "price_changed", "", ""},
	}
	for _, c := range cases {
		r := e.do(http.MethodPost, c.url, userTokens[userEmail], c.body)
		assert.Equal(t, c.status, r.Status, "%s: %s", c.name, r.Raw)
		assert.Equal(t, c.code, r.data()["code"], "%s: %s", c.name, r.Raw)
		if c.field != "" {
			field, _ := r.data()[c.field].(map[string]any)
			assert.Equal(t, c.fieldCode, field["code"], "%s: %s", c.name, r.Raw)
		}
	}
	assert.Zero(t, e.count("orders", "", nil))
	assert.Equal(t, 1, e.count("wallet_transactions", "", nil), "only the deposit")
	assert.Equal(t, int64(1_000_000), e.balance(userEmail))
	assert.Zero(t, e.sb.Count("prepaid", "order")+e.sb.Count("game-feature", "order")+e.sb.Count("social-media", "order"))

	// A server from the list is taken.
	r := e.do(http.MethodPost, gameURL, userTokens[userEmail], map[string]any{"service": "GI60-S24", "userId": "812345678", "zoneId": "os_asia"})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Equal(t, "os_asia", r.data()["zoneId"])
}

func TestInsufficientBalanceAndMeterTarget(t *testing.T) {
	e := newEnv(t).ready()
	price := int64(e.product("prepaid", "PLN20").GetInt("price"))
	e.deposit(userEmail, price-1)
	r := e.do(http.MethodPost, prepaidURL, userTokens[userEmail], map[string]any{"service": "PLN20", "phoneNumber": "12345678901"})
	assert.Equal(t, 402, r.Status, r.Raw)
	assert.Equal(t, "Insufficient balance.", r.Body["message"])
	assert.Equal(t, "insufficient_balance", r.data()["code"])
	assert.Zero(t, e.count("orders", "", nil))
	assert.Equal(t, price-1, e.balance(userEmail))

	e.deposit(userEmail, 1)
	// A PLN meter number needs no phone prefix.
	r = e.do(http.MethodPost, prepaidURL, userTokens[userEmail], map[string]any{"service": "PLN20", "phoneNumber": "12345678901", "amount": price})
	require.Equal(t, 200, r.Status, r.Raw)
	assert.Zero(t, e.balance(userEmail))
	e.assertLedgerConsistent()
}

func TestNotConfiguredAnswers503(t *testing.T) {
	e := newUnconfiguredEnv(t)
	r := e.do(http.MethodPost, prepaidURL, userTokens[userEmail], map[string]any{"service": "X", "phoneNumber": "081234567890"})
	assert.Equal(t, 503, r.Status)
	assert.Equal(t, "VIP-Reseller is not configured.", r.Body["message"])
	assert.Equal(t, "not_configured", r.data()["code"])
	assert.Zero(t, e.count("orders", "", nil))
}

func TestIdempotencyKey(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 100_000)
	body := map[string]any{"service": "TELKOMSEL_10K", "phoneNumber": "081234567890"}
	first := e.do(http.MethodPost, prepaidURL, userTokens[userEmail], body, "Idempotency-Key", "k-1")
	require.Equal(t, 200, first.Status, first.Raw)
	again := e.do(http.MethodPost, prepaidURL, userTokens[userEmail], body, "Idempotency-Key", "k-1")
	require.Equal(t, 200, again.Status, again.Raw)
	assert.Equal(t, first.data()["orderNumber"], again.data()["orderNumber"])

	other := e.do(http.MethodPost, prepaidURL, userTokens[userEmail], map[string]any{"service": "TELKOMSEL_10K", "phoneNumber": "081299999990"}, "Idempotency-Key", "k-1")
	assert.Equal(t, 409, other.Status, other.Raw)

	// The same key of another user is another order.
	e.deposit(otherEmail, 100_000)
	theirs := e.do(http.MethodPost, prepaidURL, userTokens[otherEmail], body, "Idempotency-Key", "k-1")
	require.Equal(t, 200, theirs.Status, theirs.Raw)
	assert.NotEqual(t, first.data()["orderNumber"], theirs.data()["orderNumber"])

	// A double-click: ten parallel submits with one key → one order.
	var wg sync.WaitGroup
	numbers := make([]any, 10)
	for i := range numbers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := e.do(http.MethodPost, prepaidURL, userTokens[userEmail], map[string]any{"service": "TELKOMSEL_10K", "phoneNumber": "081200000001"}, "Idempotency-Key", "dbl")
			numbers[i] = r.data()["orderNumber"]
		}()
	}
	wg.Wait()
	for _, n := range numbers {
		assert.Equal(t, numbers[0], n)
	}
	assert.Equal(t, 3, e.count("orders", "", nil))
	assert.Equal(t, 3, e.sb.Count("prepaid", "order"))
	e.assertLedgerConsistent()
}

func TestSDKCreateTakesTheSamePath(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 100_000)
	p := e.product("game", "FF100-S13")
	const url = "/api/collections/orders/records"

	forged := e.do(http.MethodPost, url, userTokens[userEmail], map[string]any{"user": userIDs[userEmail], "product": p.Id,
		"target": "123456", "price": 1, "status": "success", "external_id": "VPX", "refunded": 5})
	assert.Equal(t, 400, forged.Status, forged.Raw)
	assert.Contains(t, forged.Body["message"], "price")
	assert.Contains(t, forged.Body["message"], "status")

	someoneElse := e.do(http.MethodPost, url, userTokens[userEmail], map[string]any{"user": userIDs[otherEmail], "product": p.Id, "target": "123456"})
	assert.Equal(t, 400, someoneElse.Status, someoneElse.Raw)
	guest := e.do(http.MethodPost, url, "", map[string]any{"product": p.Id, "target": "123456"})
	assert.Equal(t, 400, guest.Status, guest.Raw)
	bad := e.do(http.MethodPost, url, userTokens[userEmail], map[string]any{"user": userIDs[userEmail], "product": p.Id, "target": "bad id!"})
	assert.Equal(t, 400, bad.Status, bad.Raw)
	assert.Zero(t, e.count("orders", "", nil))

	okRes := e.do(http.MethodPost, url, userTokens[userEmail], map[string]any{"user": userIDs[userEmail], "product": p.Id, "target": "123456", "quantity": 7})
	require.Equal(t, 200, okRes.Status, okRes.Raw)
	assert.EqualValues(t, p.GetInt("price"), okRes.Body["price"])
	assert.EqualValues(t, 1, okRes.Body["quantity"], "games are always quantity 1")
	assert.NotContains(t, okRes.Raw, `"cost"`)
	assert.Equal(t, "processing", okRes.Body["status"])
	assert.Equal(t, int64(100_000-p.GetInt("price")), e.balance(userEmail))
	assert.Equal(t, 1, e.sb.Count("game-feature", "order"))

	// Updates of orders stay superuser-only.
	id := okRes.Body["id"].(string)
	upd := e.do(http.MethodPatch, url+"/"+id, userTokens[userEmail], map[string]any{"status": "failed"})
	assert.Equal(t, 403, upd.Status, upd.Raw)
	e.assertLedgerConsistent()
}

func TestConcurrentOrdersAgainstStockAndBalance(t *testing.T) {
	e := newEnv(t, func(_ *hooks.Config, s *sandbox.Config) {}).ready()
	require.NoError(t, e.sb.SetStock("NETFLIX1M-S1", 1))
	e.sync(hooks.ActionSyncStock)
	require.Equal(t, 1, e.product("game", "NETFLIX1M-S1").GetInt("stock"))
	e.deposit(userEmail, 10_000_000)

	statuses := fire(50, func(int) response {
		return e.do(http.MethodPost, gameURL, userTokens[userEmail], map[string]any{"service": "NETFLIX1M-S1", "userId": "buyer_1"})
	})
	assert.Equal(t, 1, statuses[200], "%v", statuses)
	assert.Equal(t, 49, statuses[409], "%v", statuses)
	assert.Zero(t, e.product("game", "NETFLIX1M-S1").GetInt("stock"))
	assert.Equal(t, 1, e.count("orders", "", nil))

	price := int64(e.product("prepaid", "TELKOMSEL_10K").GetInt("price"))
	e.deposit(otherEmail, price)
	statuses = fire(50, func(int) response {
		return e.do(http.MethodPost, prepaidURL, userTokens[otherEmail], map[string]any{"service": "TELKOMSEL_10K", "phoneNumber": "081234567890"})
	})
	assert.Equal(t, 1, statuses[200], "%v", statuses)
	assert.Equal(t, 49, statuses[402], "%v", statuses)
	assert.Zero(t, e.balance(otherEmail))
	assert.Equal(t, 1, e.sb.Count("prepaid", "order"))
	e.assertLedgerConsistent()
}

func fire(n int, f func(i int) response) map[int]int {
	var mu sync.Mutex
	out := map[int]int{}
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := f(i)
			mu.Lock()
			out[r.Status]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	return out
}

func TestBatchCannotCreateOrders(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 100_000)
	s := e.app.Settings()
	s.Batch.Enabled = true
	require.NoError(t, e.app.Save(s))
	p := e.product("prepaid", "TELKOMSEL_10K")
	start := time.Now()
	r := e.do(http.MethodPost, "/api/batch", userTokens[userEmail], map[string]any{"requests": []map[string]any{{
		"method": "POST", "url": "/api/collections/orders/records",
		"body": map[string]any{"user": userIDs[userEmail], "product": p.Id, "target": "081234567890"},
	}}})
	assert.Equal(t, 400, r.Status, r.Raw)
	assert.Less(t, time.Since(start), 2*time.Second, "refused at once, not after the batch timeout")
	time.Sleep(100 * time.Millisecond) // a stray goroutine would have committed by now
	assert.Zero(t, e.count("orders", "", nil))
	assert.Equal(t, int64(100_000), e.balance(userEmail))
	assert.Zero(t, e.sb.Count("prepaid", "order"))
}

func TestSocialQuantityIsCapped(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 100_000)
	p := e.product("social", "3249")
	p.Set("max", 0)
	require.NoError(t, e.app.Save(p))
	r := e.do(http.MethodPost, socialURL, userTokens[userEmail], map[string]any{"service": "3249", "target": "x", "quantity": int64(1) << 50})
	assert.Equal(t, 400, r.Status, r.Raw)
	assert.Zero(t, e.count("orders", "", nil))
}

// Money arithmetic cannot wrap: a price × quantity past int64 or over the
// per-order cap is a 400 with a code, and nothing is written, sent or charged.
func TestOrderTotalCannotWrapOrExceedTheCap(t *testing.T) {
	e := newEnv(t).ready()
	const deposit = 300_000_000
	e.deposit(userEmail, deposit)
	social := e.product("social", "3249")
	social.Set("min", 1)
	social.Set("max", 0) // no product maximum: only maxSocialQuantity (100.000.000)
	require.NoError(t, e.app.Save(social))
	price, cost := social.GetInt("price"), social.GetInt("cost")

	cases := []struct {
		name              string
		price, cost       int64 // social: per 1000 units
		quantity          int64
		category, service string
	}{
		// 4 × (2^62 + 1024) wraps to 4096: Rp 5 before the fix.
		{name: "wraps to a few rupiah", price: 1<<62 + 1024, cost: int64(cost), quantity: 4},
		{name: "near int64 × the quantity cap", price: 1<<63 - 1024, cost: int64(cost), quantity: 100_000_000},
		{name: "over the cap, no overflow", price: 1_000_000, cost: int64(cost), quantity: 100_001},
		{name: "the cost wraps", price: int64(price), cost: 1<<62 + 1024, quantity: 4000},
		{name: "prepaid over the cap", category: "prepaid", service: "TELKOMSEL_10K", price: 100_000_001},
	}
	for _, c := range cases {
		var body map[string]any
		url := socialURL
		if c.category == "prepaid" {
			p := e.product("prepaid", c.service)
			p.Set("price", c.price)
			require.NoError(t, e.app.Save(p))
			url, body = prepaidURL, map[string]any{"service": c.service, "phoneNumber": "081234567890"}
		} else {
			social.Set("price", c.price)
			social.Set("cost", c.cost)
			require.NoError(t, e.app.Save(social))
			body = map[string]any{"service": "3249", "target": "https://tiktok.com/@x/video/1", "quantity": c.quantity}
		}
		r := e.do(http.MethodPost, url, userTokens[userEmail], body)
		assert.Equal(t, 400, r.Status, "%s: %s", c.name, r.Raw)
		assert.Equal(t, "order_total_too_large", r.data()["code"], "%s: %s", c.name, r.Raw)
		assert.Contains(t, r.Body["message"], "Rp 100.000.000", c.name)
	}
	assert.Zero(t, e.count("orders", "", nil))
	assert.Equal(t, 1, e.count("wallet_transactions", "", nil), "only the deposit")
	assert.Equal(t, int64(deposit), e.balance(userEmail))
	assert.Zero(t, e.sb.Count("social-media", "order")+e.sb.Count("prepaid", "order"))

	// The cap itself is allowed: Rp 1.000.000 per 1000 × 100.000 = Rp 100.000.000.
	social.Set("price", 1_000_000)
	social.Set("cost", cost)
	require.NoError(t, e.app.Save(social))
	r := e.do(http.MethodPost, socialURL, userTokens[userEmail], map[string]any{"service": "3249", "target": "https://tiktok.com/@x/video/1", "quantity": 100_000})
	require.Equal(t, 200, r.Status, r.Raw)
	assert.EqualValues(t, 100_000_000, r.data()["totalPrice"])
	assert.EqualValues(t, 100_000_000, e.order(r.data()["orderNumber"].(string)).GetInt("price"))
}

// Bad input to an SDK create is a 400 field error, superusers' creates
// included, never a 500; nothing is written, sent or charged.
func TestSDKCreateBadInputIs400(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 100_000)
	game, social := e.product("game", "FF100-S13"), e.product("social", "3249")
	const url = "/api/collections/orders/records"
	user, super := userTokens[userEmail], superToken
	link := "https://tiktok.com/@x/video/1"

	e.assertErrorCodes(t, []errorCase{
		{name: "superuser without user", method: "POST", url: url, token: super, body: map[string]any{"product": game.Id, "target": "123456"},
			status: 400, code: "validation_failed", field: "user", fieldCode: "validation_user_required"},
		{name: "superuser, unknown user", method: "POST", url: url, token: super, body: map[string]any{"user": "nosuchuser00000", "product": game.Id, "target": "123456"},
			status: 400, code: "validation_failed", field: "user", fieldCode: "validation_user_not_found"},
		{name: "superuser, a superuser as the user", method: "POST", url: url, token: super, body: map[string]any{"user": superUserID(e), "product": game.Id, "target": "123456"},
			status: 400, code: "validation_failed", field: "user", fieldCode: "validation_user_not_found"},
		{name: "superuser without user or product", method: "POST", url: url, token: super, body: map[string]any{"target": "123456"},
			status: 400, code: "validation_failed", field: "product", fieldCode: "validation_product_required"},
		{name: "fractional quantity", method: "POST", url: url, token: user, body: map[string]any{"user": userIDs[userEmail], "product": social.Id, "target": link, "quantity": 1000.5},
			status: 400, code: "validation_failed", field: "quantity", fieldCode: "validation_quantity_integer"},
		{name: "negative quantity", method: "POST", url: url, token: user, body: map[string]any{"user": userIDs[userEmail], "product": social.Id, "target": link, "quantity": -1000},
			status: 400, code: "validation_failed", field: "quantity", fieldCode: "validation_quantity_range"},
		{name: "negative quantity, game", method: "POST", url: url, token: user, body: map[string]any{"user": userIDs[userEmail], "product": game.Id, "target": "123456", "quantity": -1},
			status: 400, code: "validation_failed", field: "quantity", fieldCode: "validation_quantity_range"},
		{name: "quantity past int64", method: "POST", url: url, token: user, body: map[string]any{"user": userIDs[userEmail], "product": social.Id, "target": link, "quantity": 1e300},
			status: 400, code: "validation_failed", field: "quantity", fieldCode: "validation_quantity_range"},
		{name: "quantity as text", method: "POST", url: url, token: user, body: map[string]any{"user": userIDs[userEmail], "product": social.Id, "target": link, "quantity": "many"},
			status: 400, code: "validation_failed", field: "quantity", fieldCode: "validation_quantity_range"},
		{name: "unknown product", method: "POST", url: url, token: super, body: map[string]any{"user": userIDs[userEmail], "product": "nosuchproduct00", "target": "123456"},
			status: 404, code: "product_not_found"},
	})
	assert.Zero(t, e.count("orders", "", nil))
	assert.Equal(t, int64(100_000), e.balance(userEmail))
	assert.Zero(t, e.sb.Count("game-feature", "order")+e.sb.Count("social-media", "order"))

	// Both missing fields are named at once.
	r := e.do(http.MethodPost, url, super, map[string]any{"target": "123456"})
	assert.Contains(t, r.data(), "user", r.Raw)

	// A superuser may order for a user: that user pays.
	r = e.do(http.MethodPost, url, super, map[string]any{"user": userIDs[userEmail], "product": game.Id, "target": "123456"})
	require.Equal(t, 200, r.Status, r.Raw)
	assert.Equal(t, int64(100_000-game.GetInt("price")), e.balance(userEmail))
	assert.Equal(t, 1, e.sb.Count("game-feature", "order"))
	e.assertLedgerConsistent()
}

func superUserID(e *env) string {
	su, err := e.app.FindAuthRecordByEmail("_superusers", superEmail)
	require.NoError(e.t, err)
	return su.Id
}
