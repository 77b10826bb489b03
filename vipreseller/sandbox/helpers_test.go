package sandbox

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/internal/fakeclock"
)

func newClock() *fakeclock.Clock {
	return fakeclock.New(time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC))
}

// newSB builds a sandbox on a fake clock.
func newSB(t *testing.T, cfg Config) (*Sandbox, *fakeclock.Clock) {
	t.Helper()
	clk := newClock()
	if cfg.Now == nil {
		cfg.Now = clk.Now
	}
	return New(cfg), clk
}

// answer is a decoded provider envelope.
type answer struct {
	Result  bool            `json:"result"`
	Data    json.RawMessage `json:"data"`
	Message string          `json:"message"`
}

// post sends a raw form POST to the handler.
func post(t *testing.T, h http.Handler, path string, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func decode(t *testing.T, body []byte) answer {
	t.Helper()
	var a answer
	require.NoError(t, json.Unmarshal(body, &a), "body: %s", body)
	return a
}

// call sends an authenticated request: kv are param name/value pairs.
func call(t *testing.T, sb *Sandbox, ep, typ string, kv ...string) answer {
	t.Helper()
	form := url.Values{"key": {sb.APIKey()}, "sign": {sb.Signature()}}
	if typ != "" {
		form.Set("type", typ)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		form.Set(kv[i], kv[i+1])
	}
	rec := post(t, sb, "/api/"+ep, form)
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "application/json", rec.Header().Get("Content-Type"))
	return decode(t, rec.Body.Bytes())
}

func obj(t *testing.T, a answer) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(a.Data, &m), "data: %s", a.Data)
	return m
}

func list(t *testing.T, a answer) []map[string]any {
	t.Helper()
	var l []map[string]any
	require.NoError(t, json.Unmarshal(a.Data, &l), "data: %s", a.Data)
	return l
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// order places an order and requires success, returning the data object.
func order(t *testing.T, sb *Sandbox, ep string, kv ...string) map[string]any {
	t.Helper()
	a := call(t, sb, ep, "order", kv...)
	require.True(t, a.Result, a.Message)
	require.Equal(t, msgOrderOK, a.Message)
	return obj(t, a)
}

func gameOrder(t *testing.T, sb *Sandbox, code, target string) string {
	t.Helper()
	return order(t, sb, EndpointGame, "service", code, "data_no", target, "data_zone", "2685")["trxid"].(string)
}

func prepaidOrder(t *testing.T, sb *Sandbox, code, target string) string {
	t.Helper()
	return order(t, sb, EndpointPrepaid, "service", code, "data_no", target)["trxid"].(string)
}

func socialOrder(t *testing.T, sb *Sandbox, id, target, qty string) string {
	t.Helper()
	return order(t, sb, EndpointSocial, "service", id, "data", target, "quantity", qty)["trxid"].(string)
}

func mustTrx(t *testing.T, sb *Sandbox, id string) Transaction {
	t.Helper()
	tr, ok := sb.Transaction(id)
	require.True(t, ok, id)
	return tr
}

// callbackSink is an httptest server recording callbacks.
type callbackSink struct {
	*httptest.Server
	mu      sync.Mutex
	bodies  []map[string]any
	headers []http.Header
}

func newSink(t *testing.T) *callbackSink {
	t.Helper()
	s := &callbackSink{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		s.mu.Lock()
		s.bodies = append(s.bodies, body)
		s.headers = append(s.headers, r.Header.Clone())
		s.mu.Unlock()
		_, _ = w.Write([]byte(`{"success":true}`))
	}))
	t.Cleanup(s.Close)
	return s
}

// statuses returns "trxid:status" of every callback received, in order.
func (s *callbackSink) statuses() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, b := range s.bodies {
		d, _ := b["data"].(map[string]any)
		out = append(out, d["trxid"].(string)+":"+d["status"].(string))
	}
	return out
}

func httptestRecorder(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}
