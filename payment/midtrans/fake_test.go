package midtrans

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testServerKey looks like a sandbox Server Key.
const testServerKey = "SB-Mid-server-q8Zk3Lm2Vx7Rt9Wp4Ns6Yb1H"

// testNow is the client's clock in tests: 2025-12-06 12:00:00 +0700.
var testNow = time.Date(2025, 12, 6, 5, 0, 0, 0, time.UTC)

// seenRequest is what the fake recorded about one request.
type seenRequest struct {
	Method, Path string
	Header       http.Header
	Body         []byte
}

// fakeMidtrans is an httptest server standing in for Snap (under
// /snap/v1/) and the Core API (under /v2/). It counts requests per path,
// so a test proves how often an operation was sent.
type fakeMidtrans struct {
	srv     *httptest.Server
	mu      sync.Mutex
	hits    map[string]int
	reqs    []seenRequest
	respond func(w http.ResponseWriter, r *http.Request, n int) // n = hits for this path so far, 1-based
}

func newFake(t *testing.T, respond func(w http.ResponseWriter, r *http.Request, n int)) *fakeMidtrans {
	t.Helper()
	f := &fakeMidtrans{hits: map[string]int{}, respond: respond}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		f.mu.Lock()
		f.hits[r.URL.Path]++
		n := f.hits[r.URL.Path]
		f.reqs = append(f.reqs, seenRequest{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body})
		f.mu.Unlock()
		f.respond(w, r, n)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeMidtrans) count(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[path]
}

func (f *fakeMidtrans) total() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.reqs)
}

func (f *fakeMidtrans) last(t *testing.T) seenRequest {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	require.NotEmpty(t, f.reqs, "no request reached the fake")
	return f.reqs[len(f.reqs)-1]
}

// client returns a client for the fake with tiny backoff, no real sleep
// and the clock at testNow.
func (f *fakeMidtrans) client(opts ...Option) *Client {
	base := []Option{
		WithSnapURL(f.srv.URL + "/snap/v1"),
		WithCoreURL(f.srv.URL + "/v2/"),
		WithRetry(3, time.Millisecond, 2*time.Millisecond),
		WithTimeout(5 * time.Second),
	}
	c := New(testServerKey, append(base, opts...)...)
	c.now = func() time.Time { return testNow }
	return c
}

// answer replies to every request with the same status and body.
func reply(status int, s string) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprint(w, s)
	}
}

// failFirst answers 503 to the first n requests of each path, then 200 with s.
func failFirst(n int, s string) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, r *http.Request, hit int) {
		if hit <= n {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, "<html>503 Service Unavailable</html>")
			return
		}
		reply(200, s)(w, r, hit)
	}
}

// blockUntilClientGivesUp never answers, so the client's timeout fires.
func blockUntilClientGivesUp(_ http.ResponseWriter, r *http.Request, _ int) { <-r.Context().Done() }
