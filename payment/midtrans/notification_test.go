package midtrans

import (
	"crypto/sha512"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/payment"
)

func TestSignature(t *testing.T) {
	// Computed here independently: SHA512 over the concatenation, lowercase hex.
	sum := sha512.Sum512([]byte("PAY-1" + "200" + "10000.00" + "key"))
	assert.Equal(t, hex.EncodeToString(sum[:]), Signature("PAY-1", "200", "10000.00", "key"))
	// SHA-512("abc"), FIPS 180-2 appendix C.
	assert.Equal(t, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"+
		"2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f", Signature("a", "b", "c", ""))
	assert.NotEqual(t, Signature("PAY-1", "200", "10000.00", "key"), Signature("PAY-1", "200", "10000", "key"))
}

// notificationBody is a settlement notification as Midtrans sends it,
// signed with sig (or testServerKey's signature when sig is "").
func notificationBody(gross, sig string) string {
	if sig == "" {
		sig = Signature(testNumber, "200", gross, testServerKey)
	}
	return `{"transaction_time":"2025-12-06 12:01:00","transaction_status":"settlement","transaction_id":"b6a8c2a0-1111-4c4f-9d4e-2f5e0c1a2b3c",` +
		`"status_message":"midtrans payment notification","status_code":"200","signature_key":"` + sig + `",` +
		`"settlement_time":"2025-12-06 12:03:04","payment_type":"qris","order_id":"` + testNumber + `","merchant_id":"G123456789",` +
		`"gross_amount":"` + gross + `","fraud_status":"accept","currency":"IDR"}`
}

// One valid notification, then one mutation of it per way verification fails.
func TestVerify(t *testing.T) {
	c := New(testServerKey)
	n, err := c.Verify(nil, []byte(notificationBody("10000.00", "")))
	require.NoError(t, err)
	assert.Equal(t, payment.Notification{Reference: testNumber, Number: testNumber, Status: payment.StatusPaid,
		RawStatus: "settlement", Total: 10_000}, n)

	valid := notificationBody("10000.00", "")
	sig := Signature(testNumber, "200", "10000.00", testServerKey)
	cases := map[string]struct {
		body string
		want error
	}{
		"no signature":    {strings.Replace(valid, `"signature_key":"`+sig+`",`, "", 1), payment.ErrNoSignature},
		"empty signature": {strings.Replace(valid, sig, "", 1), payment.ErrNoSignature},
		"null signature":  {strings.Replace(valid, `"`+sig+`"`, "null", 1), payment.ErrNoSignature},
		"short signature": {strings.Replace(valid, sig, sig[:64], 1), payment.ErrBadSignature},
		"other key":       {notificationBody("10000.00", Signature(testNumber, "200", "10000.00", "SB-Mid-server-other")), payment.ErrBadSignature},
		"upper-case hex":  {notificationBody("10000.00", strings.ToUpper(Signature(testNumber, "200", "10000.00", testServerKey))), payment.ErrBadSignature},
		// The sender re-encoded the amount: the signature over "10000.00"
		// does not cover "10000".
		"amount re-encoded":   {strings.Replace(valid, `"gross_amount":"10000.00"`, `"gross_amount":"10000"`, 1), payment.ErrBadSignature},
		"amount as number":    {strings.Replace(valid, `"gross_amount":"10000.00"`, `"gross_amount":10000`, 1), payment.ErrBadSignature},
		"amount changed":      {strings.Replace(valid, `"gross_amount":"10000.00"`, `"gross_amount":"1000000.00"`, 1), payment.ErrBadSignature},
		"order changed":       {strings.Replace(valid, testNumber, "PAY-1765000000-ZZ99Z", 1), payment.ErrBadSignature},
		"status_code changed": {strings.Replace(valid, `"status_code":"200"`, `"status_code":"201"`, 1), payment.ErrBadSignature},
		"not json":            {"order_id=" + testNumber, payment.ErrMalformed},
		"array":               {`[` + valid + `]`, payment.ErrMalformed},
		"null":                {`null`, payment.ErrMalformed},
		"signature object":    {strings.Replace(valid, `"signature_key":"`, `"signature_key":{"x":"`, 1), payment.ErrMalformed},
		"too big":             {valid[:len(valid)-1] + `,"pad":"` + strings.Repeat("x", MaxNotificationBody) + `"}`, payment.ErrMalformed},
		// transaction_status is not covered by the signature, so these two
		// stay validly signed and fail only on reading.
		"unknown status":    {strings.Replace(valid, `"transaction_status":"settlement"`, `"transaction_status":"authorize"`, 1), ErrUnknownStatus},
		"no status":         {strings.Replace(valid, `"transaction_status":"settlement",`, ``, 1), payment.ErrMalformed},
		"fractional amount": {notificationBody("10000.50", ""), payment.ErrMalformed},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := c.Verify(nil, []byte(tc.body))
			require.ErrorIs(t, err, tc.want)
			if tc.want == ErrUnknownStatus {
				assert.ErrorIs(t, err, payment.ErrMalformed)
			}
		})
	}
}

// The amount is read as sent, whichever spelling Midtrans signed.
func TestVerifyIntegerAmountSigned(t *testing.T) {
	n, err := New(testServerKey).Verify(nil, []byte(notificationBody("10000", "")))
	require.NoError(t, err)
	assert.Equal(t, int64(10_000), n.Total)
}

func TestVerifyStatuses(t *testing.T) {
	for raw, want := range map[string]payment.Status{
		"pending": payment.StatusUnpaid, "expire": payment.StatusExpired, "deny": payment.StatusFailed,
		"cancel": payment.StatusFailed, "refund": payment.StatusRefunded, "settlement": payment.StatusPaid,
	} {
		body := strings.Replace(notificationBody("10000.00", ""), `"transaction_status":"settlement"`, `"transaction_status":"`+raw+`"`, 1)
		n, err := New(testServerKey).Verify(nil, []byte(body))
		require.NoError(t, err, raw)
		assert.Equal(t, want, n.Status, raw)
		assert.Equal(t, raw, n.RawStatus)
	}
}

func TestVerifyNotConfigured(t *testing.T) {
	body := []byte(notificationBody("10000.00", Signature(testNumber, "200", "10000.00", "")))
	_, err := VerifyNotification("", nil, body)
	assert.ErrorIs(t, err, payment.ErrNotConfigured, "a signature made without a key is not accepted")
	_, err = New("").Verify(nil, body)
	assert.ErrorIs(t, err, payment.ErrNotConfigured)
}
