package simhttp

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestServeRunsLoopUntilClose(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	started, stopped := make(chan struct{}), make(chan struct{})
	srv := Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "hi") }),
		func(ctx context.Context) {
			close(started)
			<-ctx.Done()
			close(stopped)
		})
	<-started
	resp, err := http.Get("http://" + ln.Addr().String() + "/")
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	srv.Close()
	<-stopped
	srv.Close() // idempotent
	_, err = http.Get("http://" + ln.Addr().String() + "/")
	assert.Error(t, err)
}

func TestStatusWriterKeepsFirstStatus(t *testing.T) {
	rec := httptest.NewRecorder()
	w := &StatusWriter{ResponseWriter: rec}
	_, _ = w.Write([]byte("x"))
	w.WriteHeader(http.StatusTeapot)
	assert.Equal(t, http.StatusOK, w.Status)
	assert.Same(t, rec, w.Unwrap().(*httptest.ResponseRecorder))

	w = &StatusWriter{ResponseWriter: httptest.NewRecorder()}
	Abort(w) // a recorder cannot be hijacked
	assert.Equal(t, http.StatusGatewayTimeout, w.Status)
}

func TestMarshalDoesNotEscapeHTML(t *testing.T) {
	assert.Equal(t, `{"u":"https://x/?a=1&b=<2>"}`, string(Marshal(map[string]string{"u": "https://x/?a=1&b=<2>"})))
	assert.Panics(t, func() { Marshal(func() {}) })
}

type entry struct {
	N    int
	Form url.Values
}

func TestLog(t *testing.T) {
	var l Log[entry]
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := l.Add(&entry{Form: url.Values{"a": {"1"}}}, nil)
			l.Update(rec, func(e *entry) { e.N = i })
		}()
	}
	wg.Wait()
	assert.Equal(t, 10, l.Count(func(*entry) bool { return true }))
	assert.Equal(t, 1, l.Count(func(e *entry) bool { return e.N == 3 }))

	got := l.Entries(func(e entry) entry { e.Form = CloneValues(e.Form); return e })
	got[0].Form["a"][0] = "changed"
	assert.Equal(t, "1", l.Entries(nil)[0].Form.Get("a"), "entries share nothing with the log")

	l.Reset()
	assert.Empty(t, l.Entries(nil))
	l.SetLimit(2)
	n := 0
	for range 5 {
		l.Add(&entry{}, func(e *entry) { n++; e.N = n })
	}
	got = l.Entries(nil)
	require.Len(t, got, 2)
	assert.Equal(t, []int{4, 5}, []int{got[0].N, got[1].N}, "only the most recent are kept, in order")
}

func TestRules(t *testing.T) {
	var r Rules[string]
	r.Add("once", 0)
	r.Add("twice", 2)
	r.Add("forever", -1)
	notOnce := func(s string) bool { return s != "once" }

	for _, want := range []string{"twice", "twice", "forever", "forever"} {
		got, ok := r.Take(notOnce)
		require.True(t, ok)
		assert.Equal(t, want, got)
	}
	assert.Equal(t, 2, r.Len(), "used-up rules are removed")
	got, ok := r.Take(func(string) bool { return true })
	assert.True(t, ok)
	assert.Equal(t, "once", got, "rules are tried in the order added")
	_, ok = r.Take(func(s string) bool { return s == "once" })
	assert.False(t, ok)
	r.Clear()
	assert.Zero(t, r.Len())
}
