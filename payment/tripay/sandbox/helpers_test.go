package sandbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/internal/fakeclock"
)

func newSB(t *testing.T, cfg Config) (*Sandbox, *fakeclock.Clock) {
	t.Helper()
	clk := fakeclock.New(time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC))
	if cfg.Now == nil {
		cfg.Now = clk.Now
	}
	sb := New(cfg)
	t.Cleanup(sb.Close)
	return sb, clk
}

// answer is a decoded envelope.
type answer struct {
	Success bool            `json:"success"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
	code    int
}

func do(t *testing.T, h http.Handler, req *http.Request) answer {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var a answer
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &a), "body: %s", rec.Body.String())
	a.code = rec.Code
	return a
}

func get(t *testing.T, sb *Sandbox, ep string, q url.Values) answer {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/api-sandbox/"+ep+"?"+q.Encode(), nil)
	req.Header.Set("Authorization", "Bearer "+sb.APIKey())
	return do(t, sb, req)
}

// createBody is a valid create for amount on method, items summing to amount.
func createBody(sb *Sandbox, method, ref string, amount int64) map[string]any {
	return map[string]any{
		"method": method, "merchant_ref": ref, "amount": amount,
		"customer_name": "Budi", "customer_email": "budi@example.com", "customer_phone": "081234567890",
		"order_items": []map[string]any{{"sku": "ML86", "name": "86 Diamonds", "price": amount, "quantity": 1}},
		"signature":   sign(sb.PrivateKey(), sb.MerchantCode()+ref+strconv.FormatInt(amount, 10)),
	}
}

// sign is the test's own HMAC-SHA256, independent of the sandbox's code.
func sign(key, msg string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

func postJSON(t *testing.T, sb *Sandbox, body map[string]any) answer {
	t.Helper()
	b, err := json.Marshal(body)
	require.NoError(t, err)
	req := httptest.NewRequest(http.MethodPost, "/api-sandbox/transaction/create", strings.NewReader(string(b)))
	req.Header.Set("Authorization", "Bearer "+sb.APIKey())
	req.Header.Set("Content-Type", "application/json")
	return do(t, sb, req)
}

// created is the part of a transaction object the tests read.
type created struct {
	Reference      string  `json:"reference"`
	MerchantRef    string  `json:"merchant_ref"`
	PaymentMethod  string  `json:"payment_method"`
	Amount         int64   `json:"amount"`
	FeeCustomer    int64   `json:"fee_customer"`
	FeeMerchant    int64   `json:"fee_merchant"`
	TotalFee       int64   `json:"total_fee"`
	AmountReceived int64   `json:"amount_received"`
	PayCode        *string `json:"pay_code"`
	PayURL         *string `json:"pay_url"`
	CheckoutURL    string  `json:"checkout_url"`
	QRString       string  `json:"qr_string"`
	Status         string  `json:"status"`
	ExpiredTime    int64   `json:"expired_time"`
	PaidAt         *int64  `json:"paid_at"`
	Instructions   []struct {
		Title string   `json:"title"`
		Steps []string `json:"steps"`
	} `json:"instructions"`
}

func mustCreate(t *testing.T, sb *Sandbox, method, ref string, amount int64) created {
	t.Helper()
	a := postJSON(t, sb, createBody(sb, method, ref, amount))
	require.True(t, a.Success, a.Message)
	var c created
	require.NoError(t, json.Unmarshal(a.Data, &c))
	return c
}

func detailOf(t *testing.T, sb *Sandbox, ref string) created {
	t.Helper()
	a := get(t, sb, EndpointDetail, url.Values{"reference": {ref}})
	require.True(t, a.Success, a.Message)
	var c created
	require.NoError(t, json.Unmarshal(a.Data, &c))
	return c
}

// notice is one notification as received.
type notice struct {
	Event, Signature string
	Body             []byte
	Valid            bool // signature checked independently over the raw body
	Status           string
	TotalAmount      int64
}

// receiver is an httptest callback endpoint; answer decides its reply.
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	got    []notice
	answer func(n int) string // n = 1-based count of received; default {"success":true}
}

func newReceiver(t *testing.T, privateKey string) *receiver {
	rc := &receiver{}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		sig := r.Header.Get("X-Callback-Signature")
		want := sign(privateKey, string(body))
		var v struct {
			Status      string `json:"status"`
			TotalAmount int64  `json:"total_amount"`
		}
		_ = json.Unmarshal(body, &v)
		rc.mu.Lock()
		rc.got = append(rc.got, notice{Event: r.Header.Get("X-Callback-Event"), Signature: sig, Body: body,
			Valid: hmac.Equal([]byte(sig), []byte(want)), Status: v.Status, TotalAmount: v.TotalAmount})
		n, ans := len(rc.got), rc.answer
		rc.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if ans != nil {
			_, _ = io.WriteString(w, ans(n))
			return
		}
		_, _ = io.WriteString(w, `{"success":true}`)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) notices() []notice {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]notice(nil), rc.got...)
}

func (rc *receiver) statuses() []string {
	var out []string
	for _, n := range rc.notices() {
		out = append(out, n.Status)
	}
	return out
}

// sbWithReceiver is a sandbox whose default callback URL is a receiver.
func sbWithReceiver(t *testing.T, cfg Config) (*Sandbox, *fakeclock.Clock, *receiver) {
	t.Helper()
	if cfg.PrivateKey == "" {
		cfg.PrivateKey = DefaultPrivateKey
	}
	rc := newReceiver(t, cfg.PrivateKey)
	cfg.CallbackURL = rc.URL
	sb, clk := newSB(t, cfg)
	return sb, clk, rc
}
