package sandbox

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/internal/fakeclock"
	"github.com/vipbase/vipbase/internal/simhttp"
)

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func TestServerEndToEnd(t *testing.T) {
	rc := newReceiver(t, DefaultPrivateKey)
	srv, err := Start(Config{CallbackURL: rc.URL})
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	assert.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"))
	assert.True(t, strings.HasSuffix(srv.URL, "/api-sandbox/"))

	b := createBody(srv.Sandbox, "QRIS", "SRV-1", 10_000)
	b["expired_time"] = time.Now().Add(15 * time.Minute).Unix() // inside QRIS's 10–60 min window, whatever the second
	req, _ := http.NewRequest(http.MethodPost, srv.URL+EndpointCreate, strings.NewReader(string(simhttp.Marshal(b))))
	req.Header.Set("Authorization", "Bearer "+srv.APIKey())
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var a struct {
		Success bool
		Data    created
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&a))
	resp.Body.Close()
	require.True(t, a.Success)
	assert.True(t, strings.HasPrefix(a.Data.CheckoutURL, srv.URL+"sandbox/pay/"), a.Data.CheckoutURL)

	page, err := http.Get(a.Data.CheckoutURL)
	require.NoError(t, err)
	page.Body.Close()
	assert.Equal(t, 200, page.StatusCode)

	require.NoError(t, srv.Pay(a.Data.Reference))
	require.Eventually(t, func() bool { return len(rc.notices()) == 1 }, 2*time.Second, 5*time.Millisecond)
	assert.True(t, rc.notices()[0].Valid)
	srv.Close()
	srv.Close()
}

func TestServerExpiresByItself(t *testing.T) {
	rc := newReceiver(t, DefaultPrivateKey)
	clk := fakeclock.New(time.Now())
	srv, err := Start(Config{CallbackURL: rc.URL, Now: clk.Now})
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	c := mustCreate(t, srv.Sandbox, "QRIS", "SRV-2", 10_000)
	clk.Add(time.Hour)
	require.Eventually(t, func() bool { return len(rc.notices()) == 1 }, 2*time.Second, 10*time.Millisecond)
	assert.Equal(t, StatusExpired, rc.notices()[0].Status)
	tx, _ := srv.Transaction(c.Reference)
	assert.Equal(t, StatusExpired, tx.Status)
}
