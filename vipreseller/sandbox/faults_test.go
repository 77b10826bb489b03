package sandbox

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func orderForm(sb *Sandbox, code, target string) url.Values {
	return url.Values{"key": {sb.APIKey()}, "sign": {sb.Signature()}, "type": {"order"}, "service": {code}, "data_no": {target}}
}

func TestFaultHTTP500AndHTML(t *testing.T) {
	sb, _ := newSB(t, Config{})
	sb.Inject(Fault{Kind: FaultHTTP500, Endpoint: EndpointGame, Type: "services"})
	sb.Inject(Fault{Kind: FaultHTML})

	rec := post(t, sb, "/api/prepaid", url.Values{"key": {sb.APIKey()}, "sign": {sb.Signature()}, "type": {"services"}})
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Contains(t, rec.Header().Get("Content-Type"), "text/html")
	assert.Contains(t, rec.Body.String(), "<html")

	rec = post(t, sb, "/api/game-feature", url.Values{"key": {sb.APIKey()}, "sign": {sb.Signature()}, "type": {"services"}})
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	assert.Contains(t, rec.Body.String(), "Internal Server Error")

	assert.True(t, call(t, sb, EndpointGame, "services").Result, "both faults were used once")
	reqs := sb.Requests()
	assert.Equal(t, 200, reqs[0].HTTPStatus)
	assert.Equal(t, 500, reqs[1].HTTPStatus)
}

func TestFaultOrderNotApplied(t *testing.T) {
	for _, kind := range []FaultKind{FaultHTTP500, FaultHTML, FaultGarbage, FaultNoTrxID, FaultThrottle, FaultInsufficientBalance} {
		t.Run(kind.String(), func(t *testing.T) {
			sb, _ := newSB(t, Config{})
			sb.Inject(Fault{Kind: kind, Type: "order"})
			rec := post(t, sb, "/api/prepaid", orderForm(sb, "PLN20", "5123"))
			switch kind {
			case FaultGarbage:
				assert.Equal(t, `{"result":true,"data":{"trxid":"VP`, rec.Body.String())
				assert.Error(t, json.Unmarshal(rec.Body.Bytes(), new(any)))
			case FaultNoTrxID:
				a := decode(t, rec.Body.Bytes())
				assert.True(t, a.Result)
				assert.NotContains(t, obj(t, a), "trxid")
			case FaultThrottle:
				assert.Equal(t, "Transaksi dibatasi, coba lagi dalam 6 detik.", decode(t, rec.Body.Bytes()).Message)
			case FaultInsufficientBalance:
				assert.Equal(t, "Saldo Anda tidak cukup untuk melakukan pemesanan ini.", decode(t, rec.Body.Bytes()).Message)
			}
			assert.Empty(t, sb.Transactions(""), "not applied: nothing exists upstream")
			assert.Equal(t, DefaultBalance, sb.Balance())
			assert.Equal(t, 1, sb.Count(EndpointPrepaid, "order"))
		})
	}
}

func TestFaultOrderApplied(t *testing.T) {
	for _, kind := range []FaultKind{FaultHTTP500, FaultHTML, FaultGarbage, FaultNoTrxID, FaultTimeout} {
		t.Run(kind.String(), func(t *testing.T) {
			sb, _ := newSB(t, Config{})
			sb.Inject(Fault{Kind: kind, Endpoint: EndpointPrepaid, Type: "order", Applied: true, Delay: 20 * time.Millisecond})
			rec := post(t, sb, "/api/prepaid", orderForm(sb, "PLN20", "5123"))
			txs := sb.Transactions(EndpointPrepaid)
			require.Len(t, txs, 1, "applied: the order exists upstream")
			assert.Equal(t, DefaultBalance-20100, sb.Balance())
			switch kind {
			case FaultGarbage:
				assert.True(t, strings.HasSuffix(rec.Body.String(), `"trxid":"VP`), rec.Body.String())
			case FaultNoTrxID:
				a := decode(t, rec.Body.Bytes())
				m := obj(t, a)
				assert.NotContains(t, m, "trxid")
				assert.Equal(t, "5123", m["data"])
				assert.EqualValues(t, 20100, m["price"])
			case FaultTimeout:
				assert.Equal(t, http.StatusGatewayTimeout, rec.Code, "recorder cannot be hijacked")
				assert.Empty(t, rec.Body.String())
			}
			// The client reconciles through status.
			assert.Len(t, list(t, call(t, sb, EndpointPrepaid, "status", "limit", "5")), 1)
		})
	}
}

func TestFaultAppliedRejectedOrderCreatesNothing(t *testing.T) {
	sb, _ := newSB(t, Config{})
	sb.Inject(Fault{Kind: FaultHTTP500, Applied: true})
	rec := post(t, sb, "/api/prepaid", orderForm(sb, "NOPE", "5123"))
	assert.Equal(t, 500, rec.Code)
	assert.Empty(t, sb.Transactions(""))
}

func TestFaultTimesAndRate(t *testing.T) {
	sb, _ := newSB(t, Config{Seed: 3})
	sb.Inject(Fault{Kind: FaultEmptyList, Endpoint: EndpointSocial, Times: 2})
	for i := range 3 {
		a := call(t, sb, EndpointSocial, "services")
		assert.True(t, a.Result)
		assert.Equal(t, i >= 2, len(list(t, a)) > 0, "call %d", i)
	}
	assert.Len(t, list(t, call(t, sb, EndpointPrepaid, "services")), 81, "other endpoint untouched")

	sb.Inject(Fault{Kind: FaultHTML, Endpoint: EndpointGame, Type: "status", Times: -1, Rate: 0.3})
	hits := 0
	for range 400 {
		rec := post(t, sb, "/api/game-feature", url.Values{"key": {sb.APIKey()}, "sign": {sb.Signature()}, "type": {"status"}})
		if strings.Contains(rec.Body.String(), "<html") {
			hits++
		}
	}
	assert.InDelta(t, 120, hits, 40)
	sb.ClearFaults()
	assert.Zero(t, sb.faults.Len())

	sb.Inject(Fault{Kind: FaultInsufficientBalance, Times: 3, Rate: 0.5})
	refused := 0
	for i := range 40 {
		if !call(t, sb, EndpointGame, "order", "service", "FF5-S13", "data_no", "1"+strings.Repeat("0", i%3)).Result {
			refused++
		}
	}
	assert.Equal(t, 3, refused, "Rate combined with Times")
	assert.Zero(t, sb.faults.Len(), "used-up rules are removed")
}

func TestFaultScope(t *testing.T) {
	sb, _ := newSB(t, Config{})
	sb.Inject(Fault{Kind: FaultNoTrxID})
	sb.Inject(Fault{Kind: FaultEmptyList})
	assert.True(t, call(t, sb, EndpointGame, "status", "limit", "1").Result)
	assert.Equal(t, 2, sb.faults.Len(), "status requests match neither")
	assert.Empty(t, list(t, call(t, sb, EndpointGame, "services")))
	assert.Equal(t, 1, sb.faults.Len())
}

func TestFaultGarbageOnReads(t *testing.T) {
	sb, _ := newSB(t, Config{})
	sb.Inject(Fault{Kind: FaultGarbage, Endpoint: EndpointProfile})
	rec := post(t, sb, "/api/profile", url.Values{"key": {sb.APIKey()}, "sign": {sb.Signature()}})
	assert.Equal(t, 200, rec.Code)
	assert.True(t, strings.HasPrefix(rec.Body.String(), `{"result":true`))
	assert.Error(t, json.Unmarshal(rec.Body.Bytes(), new(any)))
}

func TestFaultLatency(t *testing.T) {
	sb, _ := newSB(t, Config{})
	sb.Inject(Fault{Kind: FaultLatency, Delay: 50 * time.Millisecond})
	start := time.Now()
	a := call(t, sb, "profile", "")
	assert.True(t, a.Result)
	assert.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond)

	sb.Inject(Fault{Kind: FaultLatency, Delay: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	req := httptest.NewRequest(http.MethodPost, "/api/profile", strings.NewReader(url.Values{"key": {sb.APIKey()}, "sign": {sb.Signature()}}.Encode())).WithContext(ctx)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	start = time.Now()
	rec := httptestRecorder(sb, req)
	assert.Less(t, time.Since(start), 5*time.Second, "honours the request context")
	assert.NotContains(t, rec.Body.String(), "result")
}

func TestFaultTimeoutOverLoopback(t *testing.T) {
	sb, _ := newSB(t, Config{})
	srv := httptest.NewServer(sb)
	defer srv.Close()
	sb.Inject(Fault{Kind: FaultTimeout, Type: "order", Applied: true, Delay: time.Minute})

	client := &http.Client{Timeout: 100 * time.Millisecond}
	start := time.Now()
	_, err := client.PostForm(srv.URL+"/api/game-feature", orderForm(sb, "FF5-S13", "1"))
	require.Error(t, err, "the client times out")
	assert.Less(t, time.Since(start), 5*time.Second)
	require.Len(t, sb.Transactions(EndpointGame), 1, "applied before hanging")

	// Delay elapsed: the connection is dropped without an answer.
	sb.Inject(Fault{Kind: FaultTimeout, Delay: 10 * time.Millisecond})
	resp, err := http.PostForm(srv.URL+"/api/profile", url.Values{"key": {sb.APIKey()}, "sign": {sb.Signature()}})
	if err == nil {
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		t.Fatalf("expected a dropped connection, got %d %s", resp.StatusCode, body)
	}
	require.Eventually(t, func() bool {
		reqs := sb.Requests()
		return len(reqs) == 2 && reqs[0].HTTPStatus == 0 && reqs[1].HTTPStatus == 0
	}, 2*time.Second, 10*time.Millisecond)
}
