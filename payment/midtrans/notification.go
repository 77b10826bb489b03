package midtrans

import (
	"crypto/sha512"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"

	"github.com/vipbase/vipbase/payment"
)

// MaxNotificationBody is the largest notification body Verify reads; the
// route caps the request body at the same size (design §11).
const MaxNotificationBody = 64 << 10

// Signature is a notification's signature_key: lowercase hex
// SHA512(orderID + statusCode + grossAmount + serverKey), over the strings
// exactly as Midtrans sends them ("10000.00", not 10000).
func Signature(orderID, statusCode, grossAmount, serverKey string) string {
	sum := sha512.Sum512([]byte(orderID + statusCode + grossAmount + serverKey))
	return hex.EncodeToString(sum[:])
}

// VerifyNotification checks a Midtrans notification and reads it. The
// signature covers only order_id, status_code and gross_amount, taken from
// the body as sent (never re-encoded), and is compared in constant time as
// lowercase hex; the rest of the body is a claim to confirm with Status,
// as Midtrans itself advises. An empty serverKey verifies nothing. Errors
// wrap payment.ErrNotConfigured, ErrMalformed (with ErrUnknownStatus for a
// status this client does not know), ErrNoSignature or ErrBadSignature.
// header is unused: Midtrans signs in the body.
func VerifyNotification(serverKey string, header http.Header, body []byte) (payment.Notification, error) {
	return verifyNotification(serverKey, newRedactor(serverKey), body)
}

// verifyNotification is VerifyNotification with the key's redactor built
// once (the Client keeps one: compiling it costs more than the check).
func verifyNotification(serverKey string, red redactor, body []byte) (payment.Notification, error) {
	if serverKey == "" {
		return payment.Notification{}, payment.ErrNotConfigured
	}
	if len(body) > MaxNotificationBody {
		return payment.Notification{}, fmt.Errorf("%w: body over %d bytes", payment.ErrMalformed, MaxNotificationBody)
	}
	f, err := readFields(body, red)
	if err != nil {
		return payment.Notification{}, fmt.Errorf("%w: not a JSON object", payment.ErrMalformed)
	}
	got := f.exact("signature_key")
	orderID, statusCode, gross := f.exact("order_id"), f.exact("status_code"), f.exact("gross_amount")
	if f.Err() != nil {
		return payment.Notification{}, fmt.Errorf("%w: %s", payment.ErrMalformed, red.String(f.Err().Error()))
	}
	if got == "" {
		return payment.Notification{}, payment.ErrNoSignature
	}
	want := Signature(orderID, statusCode, gross, serverKey)
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return payment.Notification{}, payment.ErrBadSignature
	}
	n, err := parseNotification(f)
	if err != nil {
		// A signed body's values may be quoted in the error; the signer knew
		// the key, but logs must not learn it.
		return payment.Notification{}, &redactedError{msg: red.String(err.Error()), err: err}
	}
	n.Reference, n.Number, n.RawStatus = red.String(n.Reference), red.String(n.Number), red.String(n.RawStatus)
	return n, nil
}

// parseNotification reads a signed body: order_id, transaction_status and
// gross_amount are what a notification must carry.
func parseNotification(f *fields) (payment.Notification, error) {
	n := payment.Notification{
		Reference: f.str("order_id"),
		RawStatus: f.str("transaction_status"),
		Total:     f.rupiah("gross_amount"),
	}
	fraud := f.str("fraud_status")
	if f.Err() != nil {
		return payment.Notification{}, fmt.Errorf("%w: %w", payment.ErrMalformed, f.Err())
	}
	for key, v := range map[string]string{"order_id": n.Reference, "transaction_status": n.RawStatus} {
		if v == "" {
			return payment.Notification{}, fmt.Errorf("%w: no %s", payment.ErrMalformed, key)
		}
	}
	if !f.Has("gross_amount") {
		return payment.Notification{}, fmt.Errorf("%w: no gross_amount", payment.ErrMalformed)
	}
	var err error
	if n.Status, _, err = NormaliseStatus(n.RawStatus, fraud); err != nil {
		return payment.Notification{}, fmt.Errorf("%w: %w", payment.ErrMalformed, err)
	}
	n.Number = n.Reference
	return n, nil
}
