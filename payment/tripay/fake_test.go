package tripay

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const (
	testAPIKey     = "DEV-q8Zk3Lm2Vx7Rt9Wp4Ns6Yb1Hc5Jd0Fg3Ka8Eu2Io"
	testPrivateKey = "Xr7Q2-mK9vL-4tPz8-Wb3Nc-6Hd1F"
	testMerchant   = "T98765"
)

// seenRequest is what the fake recorded about one request.
type seenRequest struct {
	Method, Path, Auth, ContentType string
	Query                           url.Values
	Body                            []byte
}

// fakeTripay is an httptest server standing in for Tripay. It counts
// requests per endpoint path, so a test proves how often an operation was
// sent.
type fakeTripay struct {
	srv     *httptest.Server
	mu      sync.Mutex
	hits    map[string]int
	reqs    []seenRequest
	respond func(w http.ResponseWriter, r *http.Request, n int) // n = hits for this path so far, 1-based
}

func newFake(t *testing.T, respond func(w http.ResponseWriter, r *http.Request, n int)) *fakeTripay {
	t.Helper()
	f := &fakeTripay{hits: map[string]int{}, respond: respond}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		op := strings.TrimPrefix(r.URL.Path, "/")
		f.mu.Lock()
		f.hits[op]++
		n := f.hits[op]
		f.reqs = append(f.reqs, seenRequest{Method: r.Method, Path: r.URL.Path, Auth: r.Header.Get("Authorization"),
			ContentType: r.Header.Get("Content-Type"), Query: r.URL.Query(), Body: body})
		f.mu.Unlock()
		f.respond(w, r, n)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeTripay) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[op]
}

func (f *fakeTripay) total() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.reqs)
}

func (f *fakeTripay) last(t *testing.T) seenRequest {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	require.NotEmpty(t, f.reqs, "no request reached the fake")
	return f.reqs[len(f.reqs)-1]
}

// client returns a client for the fake with tiny backoff and no real sleep.
func (f *fakeTripay) client(opts ...Option) *Client {
	base := []Option{
		WithBaseURL(f.srv.URL),
		WithRetry(3, time.Millisecond, 2*time.Millisecond),
		WithTimeout(5 * time.Second),
	}
	return New(testAPIKey, testPrivateKey, testMerchant, append(base, opts...)...)
}

// answer replies to every request with the same status and body.
func answer(status int, s string) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprint(w, s)
	}
}

// ok wraps data in a success envelope.
func ok(data string) string { return `{"success":true,"message":"","data":` + data + `}` }

// refused is a success:false envelope.
func refused(msg string) string { return `{"success":false,"message":` + fmt.Sprintf("%q", msg) + `}` }

// failFirst answers 503 to the first n requests of each path, then with s.
func failFirst(n int, s string) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, r *http.Request, hit int) {
		if hit <= n {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, "<html>502 Bad Gateway</html>")
			return
		}
		answer(200, s)(w, r, hit)
	}
}

// blockUntilClientGivesUp never answers, so the client's timeout fires.
func blockUntilClientGivesUp(_ http.ResponseWriter, r *http.Request, _ int) { <-r.Context().Done() }
