package vipreseller

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/internal/redact"
)

// requireNoSecrets fails if s holds the key, the sign or the API ID in any
// letter case.
func requireNoSecrets(t *testing.T, s, what string) {
	t.Helper()
	low := strings.ToLower(s)
	for name, secret := range map[string]string{"key": testKey, "sign": testSign(), "api id": testID} {
		assert.NotContains(t, low, strings.ToLower(secret), "%s leaks the %s: %s", what, name, s)
	}
}

func TestSecretsNeverInErrorsOrLogs(t *testing.T) {
	// The fake echoes what it got, plus the API ID it knows, in every shape:
	// a provider message, an HTML error page, garbage, a 5xx.
	echo := func(r *http.Request) string {
		return fmt.Sprintf("key=%s sign=%s SIGN=%s id=%s", r.PostForm.Get("key"), r.PostForm.Get("sign"),
			strings.ToUpper(r.PostForm.Get("sign")), testID)
	}
	answers := []func(http.ResponseWriter, *http.Request, int){
		func(w http.ResponseWriter, r *http.Request, _ int) {
			fmt.Fprint(w, fxAPIError("API Key not registered: "+echo(r)))
		},
		func(w http.ResponseWriter, r *http.Request, _ int) {
			w.WriteHeader(401)
			fmt.Fprint(w, fxAPIError(echo(r)))
		},
		func(w http.ResponseWriter, r *http.Request, _ int) {
			w.WriteHeader(400)
			fmt.Fprint(w, "<html>"+echo(r)+"</html>")
		},
		func(w http.ResponseWriter, r *http.Request, _ int) {
			w.WriteHeader(500)
			fmt.Fprint(w, echo(r))
		},
		func(w http.ResponseWriter, r *http.Request, _ int) { fmt.Fprint(w, `{"result":"`+echo(r)+`"}`) },
		func(w http.ResponseWriter, r *http.Request, _ int) { fmt.Fprint(w, echo(r)) },
		func(w http.ResponseWriter, r *http.Request, _ int) {
			fmt.Fprint(w, `{"result":true,"data":{"trxid":"","note":"`+echo(r)+`"},"message":"`+echo(r)+`"}`)
		},
		func(w http.ResponseWriter, r *http.Request, _ int) {
			fmt.Fprint(w, `{"result":true,"data":{"trxid":{"`+echo(r)+`":1}},"message":"x"}`)
		},
	}
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	errCount := 0
	for i, respond := range answers {
		f := newFake(t, respond)
		c := f.client(WithLogger(logger))
		for op, run := range orderOps(c) {
			err := run()
			require.Error(t, err, "answer %d %s", i, op)
			requireNoSecrets(t, err.Error(), fmt.Sprintf("error of answer %d %s", i, op))
			errCount++
		}
		for op, run := range readOps(c) {
			// Some answers are valid for some reads (a one-row list whose
			// row is dropped); only errors matter here.
			if err := run(); err != nil {
				requireNoSecrets(t, err.Error(), fmt.Sprintf("error of answer %d %s", i, op))
				errCount++
			}
		}
	}
	require.Greater(t, errCount, 10*len(answers))
	out := logs.String()
	requireNoSecrets(t, out, "log")
	// The log is there and says what the design asks for.
	assert.Contains(t, out, "endpoint=prepaid")
	assert.Contains(t, out, "type=order")
	assert.Contains(t, out, "http_status=500")
	assert.Contains(t, out, "attempt=3")
	assert.Contains(t, out, "duration=")
	assert.Contains(t, out, redact.Mask, "echoed secrets show up redacted")
}

func TestSecretsRedactedFromConnectionErrors(t *testing.T) {
	// A base URL that carries the secrets (misconfiguration) and points
	// nowhere: the net/http error quotes the URL.
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	base := "http://127.0.0.1:1/" + testID + "/" + testKey + "/" + testSign()
	c := New(testID, testKey, WithBaseURL(base), WithRateLimit(0), WithRetry(2, time.Millisecond, time.Millisecond), WithLogger(logger))
	_, err := c.Prepaid.Order(context.Background(), PrepaidOrderParams{Service: "X", DataNo: "1"})
	require.ErrorIs(t, err, ErrUnknownOutcome)
	assert.Contains(t, err.Error(), "request failed")
	assert.Contains(t, err.Error(), redact.Mask)
	requireNoSecrets(t, err.Error(), "connection error")

	_, err = c.Profile.Get(context.Background())
	require.ErrorIs(t, err, ErrTransport)
	requireNoSecrets(t, err.Error(), "connection error")
	requireNoSecrets(t, logs.String(), "log")
	assert.Equal(t, 3, strings.Count(logs.String(), "vipreseller request"))
}
