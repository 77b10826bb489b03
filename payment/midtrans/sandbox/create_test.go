package sandbox

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCreateAnswersTokenAndRedirect(t *testing.T) {
	sb, _ := newSB(t, Config{Seed: 7})
	a := mustCreate(t, sb, "VB-1001", 10_000)
	assert.Regexp(t, regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`), a.str("token"))
	assert.Equal(t, "http://example.com/snap/v2/vtweb/"+a.str("token"), a.str("redirect_url"))
	tx, ok := sb.Transaction("VB-1001")
	require.True(t, ok)
	assert.Equal(t, StatusNotStarted, tx.Status)
	assert.Equal(t, int64(10_000), tx.GrossAmount)
	assert.Equal(t, "https://store.example/finish", tx.FinishURL)
	assert.Equal(t, "budi@example.com", tx.Customer.Email)
	assert.Equal(t, []Item{{ID: "ML86", Name: "86 Diamonds", Price: 10_000, Quantity: 1}}, tx.Items)

	again, _ := newSB(t, Config{Seed: 7})
	assert.Equal(t, a.str("token"), mustCreate(t, again, "VB-1001", 10_000).str("token"), "deterministic for a seed")

	pub, _ := newSB(t, Config{PublicURL: "https://pay.example/midtrans"})
	assert.True(t, strings.HasPrefix(mustCreate(t, pub, "VB-1", 1000).str("redirect_url"), "https://pay.example/midtrans/snap/v2/vtweb/"))
}

func TestCreateValidation(t *testing.T) {
	mut := func(f func(b map[string]any)) map[string]any {
		b := validBody("VB-2001", 10_000)
		f(b)
		return b
	}
	td := func(b map[string]any) map[string]any { return b["transaction_details"].(map[string]any) }
	item := func(b map[string]any) map[string]any { return b["item_details"].([]map[string]any)[0] }
	cases := []struct {
		name string
		body any
		want []string
	}{
		{"not json", `{"transaction_details":`, nil},
		{"no order_id", mut(func(b map[string]any) { delete(td(b), "order_id") }), []string{"transaction_details.order_id is required"}},
		{"order_id too long", mut(func(b map[string]any) { td(b)["order_id"] = strings.Repeat("x", 51) }),
			[]string{"transaction_details.order_id is too long (maximum is 50 characters)"}},
		{"order_id bad characters", mut(func(b map[string]any) { td(b)["order_id"] = "VB 2001/a" }),
			[]string{"transaction_details.order_id contains invalid characters (allowed: letters, digits, -_~.)"}},
		{"no gross_amount", mut(func(b map[string]any) { delete(td(b), "gross_amount"); delete(b, "item_details") }),
			[]string{"transaction_details.gross_amount is required"}},
		{"decimal gross_amount", mut(func(b map[string]any) { td(b)["gross_amount"] = 10000.5; delete(b, "item_details") }),
			[]string{"transaction_details.gross_amount is not an integer"}},
		{"zero gross_amount", mut(func(b map[string]any) { td(b)["gross_amount"] = 0; delete(b, "item_details") }),
			[]string{"transaction_details.gross_amount must be greater than or equal to 1"}},
		{"items do not sum", mut(func(b map[string]any) { item(b)["price"] = 9_000 }),
			[]string{"transaction_details.gross_amount is not equal to the sum of item_details"}},
		{"item decimal price", mut(func(b map[string]any) { item(b)["price"] = 99.9 }), []string{"item_details[0].price is not an integer"}},
		{"item zero quantity", mut(func(b map[string]any) { item(b)["quantity"] = 0 }),
			[]string{"item_details[0].quantity must be greater than or equal to 1"}},
		{"item without name", mut(func(b map[string]any) { delete(item(b), "name") }), []string{"item_details[0].name is required"}},
		{"no usable enabled_payments", mut(func(b map[string]any) { b["enabled_payments"] = []string{"bitcoin"} }),
			[]string{"enabled_payments: none of the payment channels can be used"}},
		{"bad expiry", mut(func(b map[string]any) {
			b["expiry"] = map[string]any{"start_time": "2026-03-14T17:00:00Z", "unit": "week", "duration": 0}
		}), []string{"expiry.unit must be one of minute, hour, day", "expiry.duration must be a positive integer",
			"expiry.start_time must be in the format yyyy-MM-dd HH:mm:ss Z (e.g. 2026-03-14 17:00:00 +0700)"}},
		{"every error at once", map[string]any{"transaction_details": map[string]any{}},
			[]string{"transaction_details.order_id is required", "transaction_details.gross_amount is required"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sb, _ := newSB(t, Config{})
			a := postCreate(t, sb, c.body)
			assert.Equal(t, http.StatusBadRequest, a.code)
			if c.want != nil {
				assert.Equal(t, c.want, a.errors())
			} else {
				assert.NotEmpty(t, a.errors())
			}
			assert.Empty(t, sb.Transactions(), "nothing created")
			assert.Equal(t, 1, sb.Count(EndpointCreate))
		})
	}
}

func TestCreateAcceptsIntegerStringsAndPluralUnits(t *testing.T) {
	sb, _ := newSB(t, Config{})
	b := validBody("VB-2101", 10_000)
	b["transaction_details"].(map[string]any)["gross_amount"] = "10000"
	b["expiry"] = map[string]any{"unit": "minutes", "duration": 30}
	a := postCreate(t, sb, b)
	require.Equal(t, http.StatusCreated, a.code, string(a.raw))
	tx, _ := sb.Transaction("VB-2101")
	assert.Equal(t, 30*time.Minute, tx.Window)
	assert.True(t, tx.ExpiresAt.IsZero(), "no start_time: the window has not started")
}

func TestCreateOrderIDInUseAndReuseAfterExpiry(t *testing.T) {
	sb, _ := newSB(t, Config{})
	first := mustCreate(t, sb, "VB-3001", 10_000)
	a := postCreate(t, sb, validBody("VB-3001", 10_000))
	assert.Equal(t, http.StatusBadRequest, a.code)
	assert.Equal(t, []string{"transaction_details.order_id sudah digunakan"}, a.errors())

	require.NoError(t, sb.Pay("VB-3001"))
	assert.Equal(t, []string{msgDuplicate}, postCreate(t, sb, validBody("VB-3001", 10_000)).errors(), "a paid one is in use")

	mustCreate(t, sb, "VB-3002", 10_000)
	require.NoError(t, sb.Expire("VB-3002"))
	second := mustCreate(t, sb, "VB-3002", 12_000)
	tx, _ := sb.Transaction("VB-3002")
	assert.Equal(t, StatusNotStarted, tx.Status)
	assert.Equal(t, int64(12_000), tx.GrossAmount)
	assert.Equal(t, second.str("token"), tx.Token)
	assert.NotEqual(t, first.str("token"), second.str("token"))
	all := sb.Transactions()
	require.Len(t, all, 3)
	assert.True(t, all[1].Replaced)
	assert.Equal(t, StatusExpire, all[1].Status)
}

func TestCreateRecordsNotificationHeaders(t *testing.T) {
	sb, _ := newSB(t, Config{})
	a := postCreate(t, sb, validBody("VB-4001", 5_000), "X-Override-Notification", "https://a.example/n, https://b.example/n",
		"X-Append-Notification", "https://c.example/n")
	require.Equal(t, http.StatusCreated, a.code)
	tx, _ := sb.Transaction("VB-4001")
	assert.Equal(t, []string{"https://a.example/n", "https://b.example/n"}, tx.OverrideNotification)
	assert.Equal(t, []string{"https://c.example/n"}, tx.AppendNotification)
	assert.Equal(t, "https://a.example/n, https://b.example/n", sb.Requests()[0].OverrideNotification)
}

func TestAuth(t *testing.T) {
	sb, _ := newSB(t, Config{})
	mustCreate(t, sb, "VB-5001", 10_000)
	require.NoError(t, sb.PickMethod("VB-5001", MethodQRIS))
	for name, set := range map[string]func(*http.Request){
		"missing":   func(*http.Request) {},
		"wrong key": func(r *http.Request) { r.SetBasicAuth("SB-Mid-server-wrong", "") },
		"bearer":    func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+sb.ServerKey()) },
	} {
		t.Run(name, func(t *testing.T) {
			for _, req := range []*http.Request{
				httptest.NewRequest(http.MethodPost, "/snap/v1/transactions", strings.NewReader(`{}`)),
				httptest.NewRequest(http.MethodGet, "/v2/VB-5001/status", nil),
				httptest.NewRequest(http.MethodPost, "/v2/VB-5001/cancel", nil),
			} {
				set(req)
				a := do(t, sb, req)
				assert.Equal(t, http.StatusUnauthorized, a.code)
				assert.Equal(t, "401", a.str("status_code"))
				assert.Equal(t, msgUnauthorized, a.str("status_message"))
			}
		})
	}
	assert.Equal(t, []string{msgUnauthorized, "Visit https://snap-docs.midtrans.com/#request-headers for more details"},
		do(t, sb, httptest.NewRequest(http.MethodPost, "/snap/v1/transactions", nil)).errors())
	tx, _ := sb.Transaction("VB-5001")
	assert.Equal(t, StatusPending, tx.Status, "the refused cancel changed nothing")
	assert.Equal(t, http.StatusOK, statusOf(t, sb, "VB-5001").code)
}
