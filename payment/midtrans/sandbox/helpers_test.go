package sandbox

import (
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/internal/fakeclock"
)

var t0 = time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC)

func newSB(t *testing.T, cfg Config) (*Sandbox, *fakeclock.Clock) {
	t.Helper()
	clk := fakeclock.New(t0)
	if cfg.Now == nil {
		cfg.Now = clk.Now
	}
	sb := New(cfg)
	t.Cleanup(sb.Close)
	return sb, clk
}

// answer is a decoded JSON answer.
type answer struct {
	code int
	raw  []byte
	m    map[string]any
}

func (a answer) str(k string) string { s, _ := a.m[k].(string); return s }

func (a answer) errors() []string {
	var v struct {
		ErrorMessages []string `json:"error_messages"`
	}
	_ = json.Unmarshal(a.raw, &v)
	return v.ErrorMessages
}

func do(t *testing.T, h http.Handler, req *http.Request) answer {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	a := answer{code: rec.Code, raw: rec.Body.Bytes()}
	require.NoError(t, json.Unmarshal(a.raw, &a.m), "body: %s", rec.Body.String())
	return a
}

func authed(sb *Sandbox, req *http.Request) *http.Request {
	req.SetBasicAuth(sb.ServerKey(), "")
	return req
}

// validBody is a valid Snap create for orderID and amount, one item line.
func validBody(orderID string, amount int64) map[string]any {
	return map[string]any{
		"transaction_details": map[string]any{"order_id": orderID, "gross_amount": amount},
		"item_details":        []map[string]any{{"id": "ML86", "name": "86 Diamonds", "price": amount, "quantity": 1}},
		"customer_details":    map[string]any{"first_name": "Budi", "email": "budi@example.com", "phone": "081234567890"},
		"callbacks":           map[string]any{"finish": "https://store.example/finish"},
	}
}

func postCreate(t *testing.T, sb *Sandbox, body any, header ...string) answer {
	t.Helper()
	var raw string
	if s, ok := body.(string); ok {
		raw = s
	} else {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		raw = string(b)
	}
	req := authed(sb, httptest.NewRequest(http.MethodPost, "/snap/v1/transactions", strings.NewReader(raw)))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return do(t, sb, req)
}

func mustCreate(t *testing.T, sb *Sandbox, orderID string, amount int64) answer {
	t.Helper()
	a := postCreate(t, sb, validBody(orderID, amount))
	require.Equal(t, http.StatusCreated, a.code, string(a.raw))
	return a
}

func core(t *testing.T, sb *Sandbox, method, orderID, action string) answer {
	t.Helper()
	return do(t, sb, authed(sb, httptest.NewRequest(method, "/v2/"+orderID+"/"+action, nil)))
}

func statusOf(t *testing.T, sb *Sandbox, orderID string) answer {
	t.Helper()
	return core(t, sb, http.MethodGet, orderID, EndpointStatus)
}

// sig is the test's own signature_key, independent of the sandbox's code.
func sig(orderID, code, gross, key string) string {
	sum := sha512.Sum512([]byte(orderID + code + gross + key))
	return hex.EncodeToString(sum[:])
}

// notice is one notification as received.
type notice struct {
	Body              []byte
	OrderID           string `json:"order_id"`
	StatusCode        string `json:"status_code"`
	GrossAmount       string `json:"gross_amount"`
	TransactionStatus string `json:"transaction_status"`
	FraudStatus       string `json:"fraud_status"`
	SignatureKey      string `json:"signature_key"`
	PaymentType       string `json:"payment_type"`
	Valid             bool   // signature checked independently
}

// receiver is an httptest notification endpoint; status decides its reply.
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	got    []notice
	status func(n int) int // n = 1-based count received; default 200
}

func newReceiver(t *testing.T, key string) *receiver {
	rc := &receiver{}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var n notice
		_ = json.Unmarshal(body, &n)
		n.Body = body
		n.Valid = n.SignatureKey == sig(n.OrderID, n.StatusCode, n.GrossAmount, key)
		rc.mu.Lock()
		rc.got = append(rc.got, n)
		cnt, st := len(rc.got), rc.status
		rc.mu.Unlock()
		code := http.StatusOK
		if st != nil {
			code = st(cnt)
		}
		if code >= 300 && code < 400 {
			w.Header().Set("Location", "/elsewhere")
		}
		w.WriteHeader(code)
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
		out = append(out, n.TransactionStatus)
	}
	return out
}

// sbWithReceiver is a sandbox whose notification URL is a receiver.
func sbWithReceiver(t *testing.T, cfg Config) (*Sandbox, *fakeclock.Clock, *receiver) {
	t.Helper()
	key := cfg.ServerKey
	if key == "" {
		key = DefaultServerKey
	}
	rc := newReceiver(t, key)
	cfg.NotificationURL = rc.URL
	sb, clk := newSB(t, cfg)
	return sb, clk, rc
}
