package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func postReal(t *testing.T, u string, form url.Values) answer {
	t.Helper()
	resp, err := http.PostForm(u, form)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	return decode(t, body)
}

func TestStartOverLoopback(t *testing.T) {
	sink := newSink(t)
	srv, err := Start(Config{ProcessingAfter: 20 * time.Millisecond, CompleteAfter: 20 * time.Millisecond, CallbackURL: sink.URL})
	require.NoError(t, err)
	defer srv.Close()
	require.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"), srv.URL)
	require.True(t, strings.HasSuffix(srv.URL, "/api"), srv.URL)

	auth := url.Values{"key": {srv.APIKey()}, "sign": {srv.Signature()}}
	a := postReal(t, srv.URL+"/profile", auth)
	assert.True(t, a.Result)

	form := url.Values{"key": {srv.APIKey()}, "sign": {srv.Signature()}, "type": {"order"}, "service": {"PLN20"}, "data_no": {"5123"}}
	a = postReal(t, srv.URL+"/prepaid", form)
	require.True(t, a.Result, a.Message)
	var data struct{ TrxID string }
	require.NoError(t, json.Unmarshal(a.Data, &data))

	// The background loop completes the order and sends both callbacks.
	require.Eventually(t, func() bool { return len(sink.statuses()) == 2 }, 3*time.Second, 10*time.Millisecond)
	assert.Equal(t, []string{data.TrxID + ":processing", data.TrxID + ":success"}, sink.statuses())

	// Without the /api prefix too.
	noPrefix := strings.TrimSuffix(srv.URL, "/api")
	st := postReal(t, noPrefix+"/prepaid", url.Values{"key": {srv.APIKey()}, "sign": {srv.Signature()}, "type": {"status"}, "trxid": {data.TrxID}})
	require.True(t, st.Result)
	assert.Contains(t, string(st.Data), `"status":"success"`)

	resp, err := http.PostForm(noPrefix+"/api/postpaid", auth)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)

	srv.Close()
	srv.Close() // idempotent
	_, err = http.PostForm(srv.URL+"/profile", auth)
	assert.Error(t, err)
}

func TestMultipartForm(t *testing.T) {
	sb, _ := newSB(t, Config{})
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"key": sb.APIKey(), "sign": sb.Signature(), "type": "services", "filter_type": "brand", "filter_value": "PLN"} {
		require.NoError(t, mw.WriteField(k, v))
	}
	require.NoError(t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, "/prepaid", &buf)
	require.NoError(t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	rec := httptestRecorder(sb, req)
	a := decode(t, rec.Body.Bytes())
	require.True(t, a.Result, a.Message)
	for _, r := range list(t, a) {
		assert.Equal(t, "PLN", r["brand"])
	}
}

func TestJSONBodyNotDetected(t *testing.T) {
	sb, _ := newSB(t, Config{})
	body := `{"key":"` + sb.APIKey() + `","sign":"` + sb.Signature() + `"}`
	req, _ := http.NewRequest(http.MethodPost, "/api/profile", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	assert.Equal(t, "Request not detected.", decode(t, httptestRecorder(sb, req).Body.Bytes()).Message)
}
