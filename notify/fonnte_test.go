package notify

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testToken = "tok-SECRET-9f8e7d"

// fakeFonnte records requests and answers with a fixed status and body.
type fakeFonnte struct {
	mu     sync.Mutex
	hits   int
	header http.Header
	form   url.Values
	ctype  string
	status int
	body   string
	hang   bool
}

func (f *fakeFonnte) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f.mu.Lock()
	f.hits++
	f.header, f.form, f.ctype = r.Header.Clone(), r.PostForm, r.Header.Get("Content-Type")
	status, body, hang := f.status, f.body, f.hang
	f.mu.Unlock()
	if hang {
		<-r.Context().Done()
		return
	}
	if status == 0 {
		status = http.StatusOK
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func (f *fakeFonnte) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits
}

func newFake(t *testing.T, status int, body string) (*fakeFonnte, *Fonnte, *bytes.Buffer) {
	t.Helper()
	f := &fakeFonnte{status: status, body: body}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return f, NewFonnte(testToken, WithURL(srv.URL+"/send"), WithLogger(logger), WithTimeout(2*time.Second)), &logs
}

func TestFonnteSendsTheDocumentedRequest(t *testing.T) {
	f, c, logs := newFake(t, 200, `{"status":true,"id":["80367170"],"process":"pending","detail":"success! message in queue","target":["6281234567890"]}`)
	id, err := c.Send(context.Background(), "0812-3456-7890", "Halo Kak,\nPembayaran diterima.")
	require.NoError(t, err)
	assert.Equal(t, "80367170", id)

	assert.Equal(t, 1, f.count())
	assert.Equal(t, testToken, f.header.Get("Authorization"), "the bare token, no Bearer")
	assert.Equal(t, "application/x-www-form-urlencoded", f.ctype)
	assert.Equal(t, url.Values{
		"target":      {"6281234567890"},
		"message":     {"Halo Kak,\nPembayaran diterima."},
		"countryCode": {"62"},
	}, f.form)
	assert.Contains(t, logs.String(), "fonnte send")
	assert.Contains(t, logs.String(), "target=6281****890")
	assert.NotContains(t, logs.String(), "Pembayaran", "bodies are not logged")
	assert.NotContains(t, logs.String(), testToken)
}

func TestFonnteReadsIDsLeniently(t *testing.T) {
	for body, want := range map[string]string{
		`{"status":true,"id":[80367170]}`:         "80367170",
		`{"status":true,"id":"123"}`:              "123",
		`{"status":true,"id":456}`:                "456",
		`{"status":"true","id":["1","2"]}`:        "1",
		`{"status":true,"detail":"success!"}`:     "",
		`{"status":true,"id":[]}`:                 "",
		`{"status":1,"id":[" 9 "],"process":"x"}`: "9",
	} {
		_, c, _ := newFake(t, 200, body)
		id, err := c.Send(context.Background(), "081234567890", "hi")
		require.NoError(t, err, body)
		assert.Equal(t, want, id, body)
	}
}

func TestFonnteClassifiesFailures(t *testing.T) {
	cases := []struct {
		name      string
		status    int
		body      string
		permanent bool
		says      string
	}{
		{"invalid token", 200, `{"status":false,"reason":"invalid token"}`, true, "invalid token"},
		{"unknown token", 401, `{"status":false,"reason":"unknown token"}`, true, "unknown token"},
		{"target invalid", 200, `{"status":false,"reason":"target invalid"}`, true, "target invalid"},
		{"not on whatsapp", 200, `{"status":false,"reason":"number not registered on whatsapp"}`, true, "not registered"},
		{"device disconnected", 200, `{"status":false,"reason":"devices disconnected"}`, false, "devices disconnected"},
		{"quota", 200, `{"status":false,"reason":"insufficient quota"}`, false, "quota"},
		{"rate limited", 429, `{"status":false,"reason":"rate limit"}`, false, "rate limit"},
		{"unknown reason", 200, `{"status":false,"reason":"something new"}`, false, "something new"},
		{"detail instead of reason", 200, `{"status":false,"detail":"invalid target"}`, true, "invalid target"},
		{"no reason", 200, `{"status":false}`, false, "no reason given (HTTP 200)"},
		{"5xx with a valid envelope", 502, `{"status":true,"id":["1"]}`, false, "HTTP 502"},
		{"html", 200, `<html>maintenance</html>`, false, "not a Fonnte answer"},
		{"no status", 200, `{"id":["1"]}`, false, "not a Fonnte answer"},
		{"bad status", 200, `{"status":"maybe"}`, false, "status"},
		{"bad id", 200, `{"status":true,"id":[{"a":1}]}`, false, "id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, c, _ := newFake(t, tc.status, tc.body)
			id, err := c.Send(context.Background(), "081234567890", "hi")
			assert.Empty(t, id)
			var se *SendError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tc.permanent, se.Permanent)
			assert.Equal(t, tc.permanent, IsPermanent(err))
			assert.Contains(t, se.Reason, tc.says)
		})
	}
}

func TestFonnteRefusesLocallyWithoutARequest(t *testing.T) {
	f, c, _ := newFake(t, 200, `{"status":true}`)
	_, err := c.Send(context.Background(), "021 555 1234", "hi")
	assert.True(t, IsPermanent(err))
	assert.Contains(t, err.Error(), "not an Indonesian mobile number")
	_, err = c.Send(context.Background(), "081234567890", "  \n")
	assert.True(t, IsPermanent(err))
	assert.Equal(t, 0, f.count())

	_, err = NewFonnte("  ").Send(context.Background(), "081234567890", "hi")
	assert.ErrorIs(t, err, ErrNotConfigured)
	assert.False(t, NewFonnte("").Configured())
	assert.True(t, c.Configured())
}

func TestFonnteTimeoutsAndTransportAreTransientAndNotRetried(t *testing.T) {
	f, _, _ := newFake(t, 200, "")
	f.mu.Lock()
	f.hang = true
	f.mu.Unlock()
	srv := httptest.NewServer(f)
	defer srv.Close()
	c := NewFonnte(testToken, WithURL(srv.URL), WithTimeout(50*time.Millisecond))
	_, err := c.Send(context.Background(), "081234567890", "hi")
	var se *SendError
	require.ErrorAs(t, err, &se)
	assert.False(t, se.Permanent)
	assert.Contains(t, se.Reason, "timed out after 50ms")
	assert.Equal(t, 1, f.count(), "a send is never retried")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = c.Send(ctx, "081234567890", "hi")
	assert.ErrorIs(t, err, context.Canceled)
	assert.False(t, IsPermanent(err))

	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	_, err = NewFonnte(testToken, WithURL(dead.URL)).Send(context.Background(), "081234567890", "hi")
	require.ErrorAs(t, err, &se)
	assert.False(t, se.Permanent)
	assert.Contains(t, se.Reason, "request failed")
}

func TestFonnteNeverRevealsTheToken(t *testing.T) {
	echo := `{"status":false,"reason":"invalid token ` + strings.ToUpper(testToken) + `"}`
	_, c, logs := newFake(t, 200, echo)
	_, err := c.Send(context.Background(), "081234567890", "hi")
	require.Error(t, err)
	assert.NotContains(t, strings.ToLower(err.Error()), strings.ToLower(testToken))
	assert.Contains(t, err.Error(), "[redacted]")

	_, c2, logs2 := newFake(t, 200, `{"status":true,"id":["`+testToken+`"]}`)
	id, err := c2.Send(context.Background(), "081234567890", "hi")
	require.NoError(t, err)
	assert.NotContains(t, id, testToken)

	// A URL carrying the token (a misconfiguration) reaches a transport
	// error's text through net/http; it is scrubbed there too.
	var buf bytes.Buffer
	lg := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c3 := NewFonnte(testToken, WithURL("http://127.0.0.1:1/send?token="+testToken), WithLogger(lg))
	_, err = c3.Send(context.Background(), "081234567890", "hi")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), testToken)
	assert.Contains(t, buf.String(), "fonnte send")

	for _, l := range []string{logs.String(), logs2.String(), buf.String()} {
		assert.NotContains(t, strings.ToLower(l), strings.ToLower(testToken))
	}
	assert.False(t, errors.Is(err, context.Canceled))
}
