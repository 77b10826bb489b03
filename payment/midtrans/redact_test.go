package midtrans

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/payment"
)

// secretIn reports whether s holds the Server Key, its Basic credentials,
// or a long piece of the key's random part, in any letter case.
func secretIn(s string) bool {
	low := strings.ToLower(s)
	cred := base64.StdEncoding.EncodeToString([]byte(testServerKey + ":"))
	random := testServerKey[len("SB-Mid-server-"):]
	for _, secret := range []string{testServerKey, cred, random[:12], random[12:]} {
		if strings.Contains(low, strings.ToLower(secret)) {
			return true
		}
	}
	return false
}

func TestSecretIn(t *testing.T) {
	assert.True(t, secretIn("x"+strings.ToUpper(testServerKey)))
	assert.True(t, secretIn("Basic "+base64.StdEncoding.EncodeToString([]byte(testServerKey+":"))))
	assert.True(t, secretIn(testServerKey[:30]), "a truncated key is still a leak")
	assert.False(t, secretIn("SB-Mid-server-"+"[redacted]"))
}

func TestSecretNeverInErrorsLogsOrValues(t *testing.T) {
	// The fake echoes the credentials in every shape: padded so that a
	// 40-byte truncation would cut the key in half, upper-cased, as the
	// Authorization header it received.
	echo := func(r *http.Request) string {
		return fmt.Sprintf("pad-%s auth=%s KEY=%s", testServerKey, r.Header.Get("Authorization"), strings.ToUpper(testServerKey))
	}
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	padded := func(r *http.Request) string { return q("xxxxxxxxxxxxxxxxxxxx" + testServerKey) }
	answers := map[string]func(http.ResponseWriter, *http.Request, int){
		"refusal": func(w http.ResponseWriter, r *http.Request, _ int) {
			w.WriteHeader(400)
			fmt.Fprint(w, `{"error_messages":[`+q(echo(r))+`],"status_code":"400","status_message":`+q(echo(r))+`}`)
		},
		"401": func(w http.ResponseWriter, r *http.Request, _ int) {
			w.WriteHeader(401)
			fmt.Fprint(w, `{"error_messages":[`+q(echo(r))+`],"status_message":`+q(echo(r))+`}`)
		},
		"html 400": func(w http.ResponseWriter, r *http.Request, _ int) {
			w.WriteHeader(400)
			fmt.Fprint(w, "<html>"+echo(r)+"</html>")
		},
		"5xx":     func(w http.ResponseWriter, r *http.Request, _ int) { w.WriteHeader(500); fmt.Fprint(w, echo(r)) },
		"garbage": func(w http.ResponseWriter, r *http.Request, _ int) { fmt.Fprint(w, echo(r)) },
		"5xx in body": func(w http.ResponseWriter, r *http.Request, _ int) {
			fmt.Fprint(w, `{"status_code":"500","status_message":`+q(echo(r))+`}`)
		},
		"bad fields": func(w http.ResponseWriter, r *http.Request, _ int) {
			fmt.Fprint(w, `{"status_code":`+padded(r)+`,"transaction_status":`+padded(r)+`,"order_id":`+padded(r)+
				`,"gross_amount":`+padded(r)+`,"redirect_url":`+padded(r)+`}`)
		},
		"bad status": func(w http.ResponseWriter, r *http.Request, _ int) {
			fmt.Fprint(w, `{"status_code":"200","order_id":"`+testNumber+`","gross_amount":"1.00","transaction_status":`+padded(r)+`}`)
		},
		"bad amount": func(w http.ResponseWriter, r *http.Request, _ int) {
			fmt.Fprint(w, `{"status_code":"200","order_id":"`+testNumber+`","gross_amount":`+padded(r)+`,"transaction_status":"settlement"}`)
		},
		"other order": func(w http.ResponseWriter, r *http.Request, _ int) {
			fmt.Fprint(w, `{"status_code":"200","order_id":`+padded(r)+`,"gross_amount":"1.00","transaction_status":"settlement"}`)
		},
		"echo in fields": func(w http.ResponseWriter, r *http.Request, _ int) {
			e := q(echo(r))
			if strings.HasSuffix(r.URL.Path, "/expire") {
				fmt.Fprint(w, `{"status_code":"407","status_message":`+e+`}`)
				return
			}
			fmt.Fprint(w, `{"token":`+e+`,"redirect_url":`+q("https://pay.example/"+echo(r))+`,"status_code":"201","order_id":"`+testNumber+
				`","gross_amount":"10000.00","transaction_status":"pending","payment_type":`+e+`,"va_numbers":[{"va_number":`+e+`}]}`)
		},
	}
	for name, respond := range answers {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, respond)
			var logs bytes.Buffer
			c := f.client(WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
			ctx := context.Background()
			var texts []string
			add := func(tx payment.Transaction, err error) {
				texts = append(texts, fmt.Sprintf("%+v", tx))
				if err != nil {
					texts = append(texts, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
				}
			}
			add(c.Create(ctx, createReq()))
			add(c.Status(ctx, testNumber))
			add(c.Find(ctx, testNumber))
			add(payment.Transaction{}, c.Expire(ctx, testNumber))
			require.NotZero(t, f.total())
			for _, s := range texts {
				assert.False(t, secretIn(s), "secret in %q", s)
			}
			require.Contains(t, logs.String(), "midtrans request")
			assert.False(t, secretIn(logs.String()), "secret in the log: %s", logs.String())
		})
	}
}

func TestSecretNeverInVerifyErrors(t *testing.T) {
	c := New(testServerKey)
	pad := "xxxxxxxxxxxxxxxxxxxx" + testServerKey
	for name, body := range map[string]string{
		"bad status": strings.Replace(notificationBody("10000.00", ""), `"transaction_status":"settlement"`, `"transaction_status":"`+pad+`"`, 1),
		"bad order":  notificationBody("10000.00", "") + "x",
		"key as sig": notificationBody("10000.00", testServerKey),
		"key as amount": func() string {
			return notificationBody(pad, "")
		}(),
		"key in object": strings.Replace(notificationBody("10000.00", ""), `"order_id":"`+testNumber+`"`, `"order_id":{"k":"`+pad+`"}`, 1),
	} {
		t.Run(name, func(t *testing.T) {
			n, err := c.Verify(nil, []byte(body))
			require.Error(t, err)
			assert.False(t, secretIn(err.Error()), "secret in %q", err)
			assert.False(t, secretIn(fmt.Sprintf("%+v %#v", n, err)))
		})
	}

	// A signed notification whose order_id echoes the key does not hand it on.
	body := strings.ReplaceAll(notificationBody("10000.00", Signature(pad, "200", "10000.00", testServerKey)), `"order_id":"`+testNumber+`"`, `"order_id":"`+pad+`"`)
	n, err := c.Verify(nil, []byte(body))
	require.NoError(t, err)
	assert.False(t, secretIn(fmt.Sprintf("%+v", n)), "%+v", n)
}
