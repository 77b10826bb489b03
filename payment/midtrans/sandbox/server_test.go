package sandbox

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/internal/fakeclock"
	"github.com/vipbase/vipbase/internal/simhttp"
)

func TestServerURLsAndExpiryLoop(t *testing.T) {
	clk := fakeclock.New(t0)
	rc := newReceiver(t, DefaultServerKey)
	srv, err := Start(Config{Now: clk.Now, NotificationURL: rc.URL})
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	assert.True(t, strings.HasSuffix(srv.SnapURL, "/snap/v1/"))
	assert.True(t, strings.HasSuffix(srv.CoreURL, "/v2/"))

	req, _ := http.NewRequest(http.MethodPost, srv.SnapURL+"transactions", strings.NewReader(string(simhttp.Marshal(validBody("VB-S1", 10_000)))))
	req.SetBasicAuth(srv.ServerKey(), "")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var created struct{ Token, RedirectURL string }
	var raw map[string]string
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&raw))
	resp.Body.Close()
	created.Token, created.RedirectURL = raw["token"], raw["redirect_url"]
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.Equal(t, strings.TrimSuffix(srv.SnapURL, "snap/v1/")+"snap/v2/vtweb/"+created.Token, created.RedirectURL)

	pg, err := http.Get(created.RedirectURL)
	require.NoError(t, err)
	pg.Body.Close()
	assert.Equal(t, http.StatusOK, pg.StatusCode)

	require.NoError(t, srv.PickMethod("VB-S1", MethodQRIS))
	clk.Add(25 * time.Hour)
	require.Eventually(t, func() bool {
		tx, _ := srv.Transaction("VB-S1")
		return tx.Status == StatusExpire
	}, 2*time.Second, 10*time.Millisecond, "Run expires it")
	srv.Flush()
	require.Eventually(t, func() bool { return len(rc.statuses()) == 2 }, 2*time.Second, 10*time.Millisecond)
	assert.Equal(t, []string{"pending", "expire"}, rc.statuses())
	srv.Close()
	srv.Close()
}

func TestRequestLog(t *testing.T) {
	sb, _ := newSB(t, Config{})
	mustCreate(t, sb, "VB-L1", 10_000)
	statusOf(t, sb, "VB-L1")
	core(t, sb, http.MethodPost, "VB-L1", EndpointExpire)
	rec := httptest.NewRecorder()
	sb.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v2/VB-L1/refund", nil))
	assert.Equal(t, http.StatusNotFound, rec.Code, "not an endpoint")
	reqs := sb.Requests()
	require.Len(t, reqs, 4)
	assert.Equal(t, []string{EndpointCreate, EndpointStatus, EndpointExpire}, []string{reqs[0].Endpoint, reqs[1].Endpoint, reqs[2].Endpoint})
	assert.Equal(t, "VB-L1", reqs[1].OrderID)
	assert.Equal(t, http.StatusNotFound, reqs[1].HTTPStatus)
	assert.Equal(t, http.StatusCreated, reqs[0].HTTPStatus)
	assert.Contains(t, string(reqs[0].Body), `"order_id":"VB-L1"`)
	assert.Equal(t, t0, reqs[0].At)
	assert.Equal(t, 1, sb.Count(EndpointCancel)+sb.Count(EndpointExpire))
	sb.ResetRequests()
	assert.Empty(t, sb.Requests())
	assert.Zero(t, sb.Count(EndpointCreate))
}
