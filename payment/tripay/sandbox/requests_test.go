package sandbox

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRequestLogAndCounts(t *testing.T) {
	sb, _ := newSB(t, Config{})
	c := mustCreate(t, sb, "QRIS", "Q1", 10_000)
	postJSON(t, sb, createBody(sb, "QRIS", "Q1", 10_000)) // refused duplicate: counted too
	get(t, sb, EndpointDetail, url.Values{"reference": {c.Reference}})
	get(t, sb, EndpointDetail, url.Values{"reference": {c.Reference}})
	get(t, sb, EndpointChannels, nil)
	rec := httptest.NewRecorder()
	sb.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/nope", nil))
	assert.Equal(t, 404, rec.Code)

	assert.Equal(t, 2, sb.Count(EndpointCreate))
	assert.Equal(t, 2, sb.Count(EndpointDetail))
	assert.Equal(t, 1, sb.Count(EndpointChannels))
	assert.Equal(t, 0, sb.Count(EndpointTransactions))
	rs := sb.Requests()
	require.Len(t, rs, 6)
	assert.Equal(t, 200, rs[0].HTTPStatus)
	assert.Equal(t, 400, rs[1].HTTPStatus)
	assert.Equal(t, c.Reference, rs[2].Query.Get("reference"))
	assert.Equal(t, "api/nope", rs[5].Endpoint)
	for _, r := range rs {
		assert.NotContains(t, string(r.Body), "signature")
		assert.NotContains(t, string(r.Body), sb.APIKey())
	}
	assert.True(t, strings.Contains(string(rs[0].Body), `"merchant_ref":"Q1"`))
	sb.ResetRequests()
	assert.Empty(t, sb.Requests())
	assert.Equal(t, 0, sb.Count(EndpointCreate))
}

func TestWrongMethodAndPrefixes(t *testing.T) {
	sb, _ := newSB(t, Config{})
	for _, p := range []string{"/api/merchant/payment-channel", "/api-sandbox/merchant/payment-channel", "/merchant/payment-channel"} {
		req := httptest.NewRequest(http.MethodGet, p, nil)
		req.Header.Set("Authorization", "Bearer "+sb.APIKey())
		assert.True(t, do(t, sb, req).Success, p)
	}
	req := httptest.NewRequest(http.MethodGet, "/api-sandbox/transaction/create", nil)
	req.Header.Set("Authorization", "Bearer "+sb.APIKey())
	assert.Equal(t, 405, do(t, sb, req).code)
	req = httptest.NewRequest(http.MethodGet, "/api-sandbox/merchant/payment-channel", nil)
	a := do(t, sb, req)
	assert.Equal(t, 401, a.code)
	assert.Equal(t, "Invalid API Key", a.Message)
}
