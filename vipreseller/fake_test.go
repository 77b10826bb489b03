package vipreseller

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
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
	testID  = "Vq7Rk2Zp"
	testKey = "k9T3mQ7xL2vB8nR4cW6yH1sD5fG0jZ3aP7uE2iO9tK4wM6qN8bV1xC5zR3yT0aLs"
)

// testSign is computed here independently of the client.
func testSign() string {
	sum := md5.Sum([]byte(testID + testKey))
	return hex.EncodeToString(sum[:])
}

// seenRequest is what the fake provider recorded about one request.
type seenRequest struct {
	Method      string
	Path        string
	ContentType string
	Form        url.Values
}

// fakeProvider is an httptest server standing in for VIP-Reseller. It counts
// requests per "<endpoint> <type>" so tests can prove how often an operation
// was sent.
type fakeProvider struct {
	srv     *httptest.Server
	mu      sync.Mutex
	hits    map[string]int
	reqs    []seenRequest
	respond func(w http.ResponseWriter, r *http.Request, n int) // n = hits for this op so far, 1-based
}

func newFake(t *testing.T, respond func(w http.ResponseWriter, r *http.Request, n int)) *fakeProvider {
	t.Helper()
	f := &fakeProvider{hits: map[string]int{}, respond: respond}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		op := opKey(strings.TrimPrefix(r.URL.Path, "/"), r.PostForm.Get("type"))
		f.mu.Lock()
		f.hits[op]++
		n := f.hits[op]
		f.reqs = append(f.reqs, seenRequest{
			Method: r.Method, Path: r.URL.Path, ContentType: r.Header.Get("Content-Type"), Form: r.PostForm,
		})
		f.mu.Unlock()
		f.respond(w, r, n)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func opKey(ep, typ string) string { return strings.TrimSpace(ep + " " + typ) }

func (f *fakeProvider) count(ep Endpoint, typ string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[opKey(string(ep), typ)]
}

func (f *fakeProvider) total() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.reqs)
}

func (f *fakeProvider) last(t *testing.T) seenRequest {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	require.NotEmpty(t, f.reqs, "no request reached the fake provider")
	return f.reqs[len(f.reqs)-1]
}

// client returns a client for the fake with no pacing and tiny backoff.
func (f *fakeProvider) client(opts ...Option) *Client {
	base := []Option{
		WithBaseURL(f.srv.URL),
		WithRateLimit(0),
		WithRetry(3, time.Millisecond, 2*time.Millisecond),
		WithTimeout(5 * time.Second),
	}
	return New(testID, testKey, append(base, opts...)...)
}

// body answers every request with the same status and body.
func body(status int, s string) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprint(w, s)
	}
}

// blockUntilClientGivesUp never answers, so the client's timeout fires.
func blockUntilClientGivesUp(_ http.ResponseWriter, r *http.Request, _ int) {
	<-r.Context().Done()
}

// requireFormKeys asserts the exact set of posted fields.
func requireFormKeys(t *testing.T, form url.Values, keys ...string) {
	t.Helper()
	got := make([]string, 0, len(form))
	for k := range form {
		got = append(got, k)
	}
	require.ElementsMatch(t, keys, got)
}

func jsonString(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}
