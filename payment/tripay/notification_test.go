package tripay

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/payment"
)

func TestSignVectors(t *testing.T) {
	// RFC 4231 test case 2: HMAC-SHA256(key "Jefe", "what do ya want for nothing?").
	assert.Equal(t, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
		Sign("Jefe", []byte("what do ya want for nothing?")))
	// The create signature is the same HMAC over code+ref+amount, in that order.
	assert.Equal(t, Sign("Jefe", []byte("T0001PAY-1-ABCDE10000")), CreateSignature("Jefe", "T0001", "PAY-1-ABCDE", 10000))
	assert.NotEqual(t, CreateSignature("Jefe", "T0001", "PAY-1-ABCDE", 10000), CreateSignature("Jefe", "PAY-1-ABCDE", "T0001", 10000))
}

// validNotification is the body Tripay sends for a paid QRIS payment, with
// keys and spacing as a PHP encoder writes them (not as Go would).
const validNotification = `{"reference":"T1234567890ABCDE","merchant_ref":"PAY-1765000000-AB12C",` +
	`"payment_method":"QRIS","payment_method_code":"QRIS","total_amount":10820,"fee_merchant":0,` +
	`"fee_customer":820,"total_fee":820,"amount_received":10000,"is_closed_payment":1,` +
	`"status":"PAID","paid_at":1765000100,"note":null}`

func signedHeader(key string, body []byte) http.Header {
	h := http.Header{}
	h.Set(SignatureHeader, Sign(key, body))
	h.Set(EventHeader, EventPayment)
	return h
}

// One valid notification, then one mutation of it per way verification fails.
func TestVerifyNotification(t *testing.T) {
	valid := []byte(validNotification)
	n, err := VerifyNotification(testPrivateKey, signedHeader(testPrivateKey, valid), valid)
	require.NoError(t, err)
	assert.Equal(t, payment.Notification{Reference: "T1234567890ABCDE", Number: "PAY-1765000000-AB12C",
		Status: payment.StatusPaid, RawStatus: "PAID", Total: 10820}, n)

	reencoded := func() []byte {
		var v map[string]any
		require.NoError(t, json.Unmarshal(valid, &v))
		b, err := json.Marshal(v)
		require.NoError(t, err)
		require.NotEqual(t, valid, b, "re-encoding must change the bytes for this case to mean anything")
		return b
	}()
	resign := func(body string) func(h http.Header, _ *string, b *[]byte) {
		return func(h http.Header, _ *string, b *[]byte) {
			*b = []byte(body)
			h.Set(SignatureHeader, Sign(testPrivateKey, *b))
		}
	}
	for name, c := range map[string]struct {
		mutate func(h http.Header, key *string, body *[]byte)
		want   error
	}{
		"no private key":      {func(_ http.Header, k *string, _ *[]byte) { *k = "" }, payment.ErrNotConfigured},
		"no key, sig of none": {func(h http.Header, k *string, b *[]byte) { *k = ""; h.Set(SignatureHeader, Sign("", *b)) }, payment.ErrNotConfigured},
		"no signature header": {func(h http.Header, _ *string, _ *[]byte) { h.Del(SignatureHeader) }, payment.ErrNoSignature},
		"empty signature":     {func(h http.Header, _ *string, _ *[]byte) { h.Set(SignatureHeader, "") }, payment.ErrNoSignature},
		"another key's":       {func(h http.Header, _ *string, b *[]byte) { h.Set(SignatureHeader, Sign("other", *b)) }, payment.ErrBadSignature},
		"over re-encoded JSON": {func(h http.Header, _ *string, _ *[]byte) {
			h.Set(SignatureHeader, Sign(testPrivateKey, reencoded))
		}, payment.ErrBadSignature},
		"upper-case hex": {func(h http.Header, _ *string, _ *[]byte) {
			h.Set(SignatureHeader, strings.ToUpper(h.Get(SignatureHeader)))
		}, payment.ErrBadSignature},
		"truncated":          {func(h http.Header, _ *string, _ *[]byte) { h.Set(SignatureHeader, h.Get(SignatureHeader)[:32]) }, payment.ErrBadSignature},
		"trailing space":     {func(h http.Header, _ *string, _ *[]byte) { h.Set(SignatureHeader, h.Get(SignatureHeader)+" ") }, payment.ErrBadSignature},
		"last hex digit off": {func(h http.Header, _ *string, _ *[]byte) { h.Set(SignatureHeader, flipLast(h.Get(SignatureHeader))) }, payment.ErrBadSignature},
		"body one byte changed": {func(_ http.Header, _ *string, b *[]byte) {
			*b = bytes.Replace(*b, []byte("10820"), []byte("10821"), 1)
		}, payment.ErrBadSignature},
		"body with a trailing newline": {func(_ http.Header, _ *string, b *[]byte) { *b = append(*b, '\n') }, payment.ErrBadSignature},
		"no event":                     {func(h http.Header, _ *string, _ *[]byte) { h.Del(EventHeader) }, ErrWrongEvent},
		"wrong event":                  {func(h http.Header, _ *string, _ *[]byte) { h.Set(EventHeader, "payout_status") }, ErrWrongEvent},
		"event in upper case":          {func(h http.Header, _ *string, _ *[]byte) { h.Set(EventHeader, "PAYMENT_STATUS") }, ErrWrongEvent},
		"signed but not JSON":          {resign(validNotification[:40]), payment.ErrMalformed},
		"signed JSON array":            {resign(`[` + validNotification + `]`), payment.ErrMalformed},
		"signed, no reference":         {resign(strings.Replace(validNotification, `"reference":"T1234567890ABCDE",`, "", 1)), payment.ErrMalformed},
		"signed, no merchant_ref":      {resign(strings.Replace(validNotification, `"PAY-1765000000-AB12C"`, `""`, 1)), payment.ErrMalformed},
		"signed, no status":            {resign(strings.Replace(validNotification, `"status":"PAID",`, "", 1)), payment.ErrMalformed},
		"signed, unknown status":       {resign(strings.Replace(validNotification, `"PAID"`, `"SETTLED"`, 1)), ErrUnknownStatus},
		"signed, fractional total":     {resign(strings.Replace(validNotification, `10820,`, `10820.5,`, 1)), payment.ErrMalformed},
		"signed, total is an object":   {resign(strings.Replace(validNotification, `10820,`, `{},`, 1)), payment.ErrMalformed},
		"signed, body too large": {func(h http.Header, _ *string, b *[]byte) {
			*b = append(bytes.TrimSuffix(*b, []byte("}")), []byte(`,"pad":"`+strings.Repeat("x", MaxNotificationBody)+`"}`)...)
			h.Set(SignatureHeader, Sign(testPrivateKey, *b))
		}, payment.ErrMalformed},
	} {
		key, body, h := testPrivateKey, bytes.Clone(valid), signedHeader(testPrivateKey, valid)
		c.mutate(h, &key, &body)
		n, err := VerifyNotification(key, h, body)
		assert.ErrorIs(t, err, c.want, name)
		assert.Zero(t, n, name)
	}
}

func flipLast(s string) string {
	last := s[len(s)-1]
	if last == '0' {
		return s[:len(s)-1] + "1"
	}
	return s[:len(s)-1] + "0"
}

// A string total (PHP) and every status are read; the client method needs
// its full credentials.
func TestVerifyNotificationVariants(t *testing.T) {
	for raw, want := range map[string]payment.Status{"UNPAID": payment.StatusUnpaid, "PAID": payment.StatusPaid,
		"EXPIRED": payment.StatusExpired, "FAILED": payment.StatusFailed, "REFUND": payment.StatusRefunded} {
		body := []byte(strings.Replace(strings.Replace(validNotification, `"PAID"`, `"`+raw+`"`, 1), `10820,`, `"10820",`, 1))
		n, err := VerifyNotification(testPrivateKey, signedHeader(testPrivateKey, body), body)
		require.NoError(t, err, raw)
		assert.Equal(t, want, n.Status, raw)
		assert.Equal(t, raw, n.RawStatus)
		assert.Equal(t, int64(10820), n.Total)
	}

	body := []byte(validNotification)
	_, err := New(testAPIKey, testPrivateKey, testMerchant).Verify(signedHeader(testPrivateKey, body), body)
	require.NoError(t, err)
	for name, c := range map[string]*Client{
		"no API key":       New("", testPrivateKey, testMerchant),
		"no merchant code": New(testAPIKey, testPrivateKey, ""),
		"no private key":   New(testAPIKey, "", testMerchant),
	} {
		_, err := c.Verify(signedHeader(testPrivateKey, body), body)
		assert.ErrorIs(t, err, payment.ErrNotConfigured, name)
	}
}

func TestNormaliseStatus(t *testing.T) {
	for raw, want := range map[string]payment.Status{
		"UNPAID": payment.StatusUnpaid, "PAID": payment.StatusPaid, "EXPIRED": payment.StatusExpired,
		"FAILED": payment.StatusFailed, "REFUND": payment.StatusRefunded, " paid ": payment.StatusPaid,
	} {
		got, err := NormaliseStatus(raw)
		require.NoError(t, err, raw)
		assert.Equal(t, want, got, raw)
	}
	for _, raw := range []string{"", "SETTLEMENT", "REFUNDED", "PENDING", "CANCELLED"} {
		got, err := NormaliseStatus(raw)
		assert.ErrorIs(t, err, ErrUnknownStatus, raw)
		assert.Empty(t, got, raw)
	}
}
