package tripay

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/payment"
)

// secretsIn lists the secrets that s holds, in any letter case: the API
// key, the private key and every signature given.
func secretsIn(s string, sigs ...string) []string {
	low := strings.ToLower(s)
	var found []string
	for _, secret := range append([]string{testAPIKey, testPrivateKey}, sigs...) {
		if secret != "" && strings.Contains(low, strings.ToLower(secret)) {
			found = append(found, secret)
		}
	}
	return found
}

func TestSecretsNeverInErrorsLogsOrValues(t *testing.T) {
	sig := CreateSignature(testPrivateKey, testMerchant, createReq().Number, createReq().Amount)
	// The fake echoes the credentials and the signature in every shape:
	// a refusal, an HTML error page, garbage, a 5xx, malformed data, and
	// fields of a valid answer.
	echo := func(r *http.Request) string {
		var b struct {
			Signature string `json:"signature"`
		}
		_ = json.Unmarshal(readBody(r), &b)
		return fmt.Sprintf("auth=%s sig=%s SIG=%s pk=%s", r.Header.Get("Authorization"), b.Signature,
			strings.ToUpper(b.Signature), testPrivateKey)
	}
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	answers := map[string]func(http.ResponseWriter, *http.Request, int){
		"refusal": func(w http.ResponseWriter, r *http.Request, _ int) {
			fmt.Fprint(w, `{"success":false,"message":`+q("Invalid signature: "+echo(r))+`}`)
		},
		"refusal array": func(w http.ResponseWriter, r *http.Request, _ int) {
			w.WriteHeader(422)
			fmt.Fprint(w, `{"success":false,"message":[`+q(echo(r))+`]}`)
		},
		"html 401": func(w http.ResponseWriter, r *http.Request, _ int) {
			w.WriteHeader(401)
			fmt.Fprint(w, "<html>"+echo(r)+"</html>")
		},
		"5xx":     func(w http.ResponseWriter, r *http.Request, _ int) { w.WriteHeader(500); fmt.Fprint(w, echo(r)) },
		"garbage": func(w http.ResponseWriter, r *http.Request, _ int) { fmt.Fprint(w, echo(r)) },
		"bad status": func(w http.ResponseWriter, r *http.Request, _ int) {
			fmt.Fprint(w, ok(`{"reference":"T1","status":`+q(echo(r))+`,"amount":1}`))
		},
		"bad amount": func(w http.ResponseWriter, r *http.Request, _ int) {
			fmt.Fprint(w, ok(`{"reference":"T1","status":"PAID","amount":`+q(echo(r))+`}`))
		},
		"echo in fields": func(w http.ResponseWriter, r *http.Request, _ int) {
			e := q(echo(r))
			if r.URL.Path == "/merchant/payment-channel" {
				fmt.Fprint(w, ok(`[{"group":"E-Wallet","code":"QRIS","name":`+e+`,"icon_url":`+e+`,"active":true},`+
					`{"group":`+e+`,"code":`+e+`}]`))
				return
			}
			fmt.Fprint(w, ok(`[{"reference":`+e+`,"merchant_ref":"PAY-1765000000-AB12C","status":"PAID","amount":1,`+
				`"checkout_url":`+e+`,"pay_code":`+e+`,"qr_string":`+e+`,"instructions":[{"title":`+e+`,"steps":[`+e+`]}]}]`))
		},
	}
	for name, respond := range answers {
		t.Run(name, func(t *testing.T) {
			var logs bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			f := newFake(t, respond)
			c := f.client(WithLogger(logger), WithRetry(2, 0, 0))
			ctx := context.Background()
			var outputs []string
			record := func(v any, err error) {
				b, _ := json.Marshal(v)
				outputs = append(outputs, string(b), fmt.Sprintf("%+v", v))
				if err != nil {
					outputs = append(outputs, err.Error(), fmt.Sprintf("%+v", err))
				}
			}
			record(c.Create(ctx, createReq()))
			record(c.Status(ctx, "T1"))
			record(c.Find(ctx, "PAY-1765000000-AB12C"))
			record(c.Channels(ctx))
			record(c.FeeFor(ctx, "QRIS", 10_000))
			require.Positive(t, f.total())
			require.NotEmpty(t, logs.String())
			for _, out := range append(outputs, logs.String()) {
				assert.Empty(t, secretsIn(out, sig), "leak: %s", out)
			}
		})
	}
}

// A timeout's error text comes from net/http, which quotes the URL.
func TestSecretsNotInTransportErrors(t *testing.T) {
	f := newFake(t, blockUntilClientGivesUp)
	var logs bytes.Buffer
	c := f.client(WithTimeout(20*time.Millisecond), WithRetry(1, 0, 0),
		WithLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	_, err := c.Create(context.Background(), createReq())
	require.ErrorIs(t, err, payment.ErrUnknownOutcome)
	assert.Contains(t, err.Error(), "timed out")
	assert.Empty(t, secretsIn(err.Error()+logs.String(), CreateSignature(testPrivateKey, testMerchant, createReq().Number, 10_000)))
}

// A signed notification that quotes the key in a field does not carry it on.
func TestSecretsNotInNotifications(t *testing.T) {
	for _, body := range []string{
		strings.Replace(validNotification, `"PAID"`, `"`+testPrivateKey+`"`, 1),
		strings.Replace(validNotification, `"T1234567890ABCDE"`, `"`+testPrivateKey+`"`, 1),
		strings.Replace(validNotification, `10820,`, `"`+testPrivateKey+`",`, 1),
	} {
		n, err := VerifyNotification(testPrivateKey, signedHeader(testPrivateKey, []byte(body)), []byte(body))
		text := fmt.Sprintf("%+v", n)
		if err != nil {
			assert.ErrorIs(t, err, payment.ErrMalformed)
			text += err.Error()
		}
		assert.Empty(t, secretsIn(text, Sign(testPrivateKey, []byte(body))), text)
	}
}

// readBody reads the copy of the body the fake put back.
func readBody(r *http.Request) []byte {
	b, _ := io.ReadAll(r.Body)
	return b
}
