package sandbox

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/notify"
)

var testNow = time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC)

// start runs a sandbox on loopback with a fixed clock and a client for it.
func start(t *testing.T, cfg Config) (*Server, *notify.Fonnte) {
	t.Helper()
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return testNow }
	}
	srv, err := Start(cfg)
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	return srv, notify.NewFonnte(srv.Token(), notify.WithURL(srv.URL()), notify.WithTimeout(5*time.Second))
}

// answer is a decoded send answer with its HTTP status.
type answer struct {
	Detail    string   `json:"detail"`
	ID        []string `json:"id"`
	Process   string   `json:"process"`
	Reason    string   `json:"reason"`
	RequestID int64    `json:"requestid"`
	Status    bool     `json:"status"`
	Target    []string `json:"target"`
	code      int
	raw       string
}

// postForm sends a URL-encoded form with Authorization: token ("" = none)
// straight to the handler.
func postForm(t *testing.T, sb *Sandbox, path, token string, form url.Values) answer {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	return do(t, sb, req)
}

// postMultipart sends the form as multipart/form-data.
func postMultipart(t *testing.T, sb *Sandbox, token string, form map[string]string) answer {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range form {
		require.NoError(t, mw.WriteField(k, v))
	}
	require.NoError(t, mw.Close())
	req := httptest.NewRequest(http.MethodPost, "/send", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", token)
	return do(t, sb, req)
}

func do(t *testing.T, h http.Handler, req *http.Request) answer {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	a := answer{code: rec.Code, raw: rec.Body.String()}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &a), "body: %s", rec.Body.String())
	return a
}

func send(target, message string) url.Values {
	return url.Values{"target": {target}, "message": {message}, "countryCode": {"62"}}
}
