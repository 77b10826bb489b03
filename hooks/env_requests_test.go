package hooks_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/stretchr/testify/require"
)

// response is a decoded JSON answer.
type response struct {
	Status int
	Body   map[string]any
	Raw    string
	Header http.Header
}

func (r response) data() map[string]any {
	d, _ := r.Body["data"].(map[string]any)
	return d
}

// rawBody is a request body sent byte for byte.
type rawBody string

func (e *env) do(method, url, token string, body any, headers ...string) response {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case rawBody: // sent as is, e.g. a signed notification
		rd = bytes.NewReader([]byte(b))
	default:
		raw, err := json.Marshal(b)
		require.NoError(e.t, err)
		rd = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, url, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	e.handler().ServeHTTP(rec, req)
	out := response{Status: rec.Code, Raw: rec.Body.String(), Header: rec.Header()}
	_ = json.Unmarshal(rec.Body.Bytes(), &out.Body)
	return out
}
