package restclient

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewSetsHeadersAndKeepsTheCallersClient(t *testing.T) {
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer srv.Close()

	hc := &http.Client{}
	c := New(hc, "vipbase-test")
	resp, err := c.R().Get(srv.URL)
	require.NoError(t, err)
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode(), "a 5xx is not retried")
	assert.Equal(t, "application/json", got.Get("Accept"))
	assert.Equal(t, "vipbase-test", got.Get("User-Agent"))
	assert.Nil(t, hc.Transport, "the caller's client is not modified")
	assert.NotSame(t, hc, c.GetClient())

	assert.NotNil(t, New(nil, "x").GetClient())
}
