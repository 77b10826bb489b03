package tripay

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/vipbase/vipbase/payment"
)

// Callback headers and the one event this client accepts (payments-api.md §1).
const (
	SignatureHeader = "X-Callback-Signature"
	EventHeader     = "X-Callback-Event"
	EventPayment    = "payment_status"
)

// MaxNotificationBody is the largest notification body Verify reads; the
// route caps the request body at the same size (design §11).
const MaxNotificationBody = 64 << 10

// ErrWrongEvent is returned for a notification whose X-Callback-Event is
// missing or not payment_status: Tripay sends no other event we act on.
var ErrWrongEvent = errors.New("tripay: notification event is not " + EventPayment)

// Sign is the X-Callback-Signature of body: lowercase hex
// HMAC-SHA256(key = privateKey, message = body).
func Sign(privateKey string, body []byte) string {
	m := hmac.New(sha256.New, []byte(privateKey))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// CreateSignature is the signature field of transaction/create: lowercase
// hex HMAC-SHA256(key = privateKey, message = merchantCode + merchantRef +
// amount in decimal).
func CreateSignature(privateKey, merchantCode, merchantRef string, amount int64) string {
	return Sign(privateKey, []byte(merchantCode+merchantRef+strconv.FormatInt(amount, 10)))
}

// VerifyNotification checks a Tripay callback and reads it. The signature
// is compared in constant time with Sign over the bytes received (never a
// re-encoding of them), as lowercase hex exactly as Tripay sends it; an
// empty privateKey verifies nothing (payment.ErrNotConfigured). The event
// is checked only after the signature, so an unsigned request learns
// nothing from the answer. Errors wrap payment.ErrNotConfigured,
// ErrNoSignature, ErrBadSignature, ErrWrongEvent or ErrMalformed (with
// ErrUnknownStatus for a status this client does not know).
func VerifyNotification(privateKey string, header http.Header, body []byte) (payment.Notification, error) {
	return verifyNotification(privateKey, newRedactor(privateKey), header, body)
}

// verifyNotification is VerifyNotification with the key's redactor built
// once (the Client keeps one: compiling it costs more than the check).
func verifyNotification(privateKey string, red redactor, header http.Header, body []byte) (payment.Notification, error) {
	if privateKey == "" {
		return payment.Notification{}, payment.ErrNotConfigured
	}
	got := header.Get(SignatureHeader)
	if got == "" {
		return payment.Notification{}, payment.ErrNoSignature
	}
	if len(body) > MaxNotificationBody {
		return payment.Notification{}, fmt.Errorf("%w: body over %d bytes", payment.ErrMalformed, MaxNotificationBody)
	}
	want := Sign(privateKey, body)
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return payment.Notification{}, payment.ErrBadSignature
	}
	if header.Get(EventHeader) != EventPayment {
		return payment.Notification{}, ErrWrongEvent
	}
	n, err := parseNotification(body)
	if err != nil {
		// A signed body's values may be quoted in the error; the signer knew
		// the key, but logs must not learn it.
		return payment.Notification{}, &redactedError{msg: newRedactor(privateKey, got).String(err.Error()), err: err}
	}
	n.Reference, n.Number, n.RawStatus = red.String(n.Reference), red.String(n.Number), red.String(n.RawStatus)
	return n, nil
}

// redactedError shows redacted text while keeping the sentinels of err
// reachable through errors.Is.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }

func (e *redactedError) Is(target error) bool { return errors.Is(e.err, target) }

// parseNotification reads a signed body: reference, merchant_ref, status
// and total_amount are what a notification must carry.
func parseNotification(body []byte) (payment.Notification, error) {
	f, err := readFields(body)
	if err != nil {
		return payment.Notification{}, fmt.Errorf("%w: not a JSON object", payment.ErrMalformed)
	}
	n := payment.Notification{
		Reference: f.str("reference"),
		Number:    f.str("merchant_ref"),
		RawStatus: f.str("status"),
		Total:     f.int("total_amount"),
	}
	if f.Err() != nil {
		return payment.Notification{}, fmt.Errorf("%w: %v", payment.ErrMalformed, f.Err())
	}
	for key, v := range map[string]string{"reference": n.Reference, "merchant_ref": n.Number, "status": n.RawStatus} {
		if v == "" {
			return payment.Notification{}, fmt.Errorf("%w: no %s", payment.ErrMalformed, key)
		}
	}
	if n.Status, err = NormaliseStatus(n.RawStatus); err != nil {
		return payment.Notification{}, fmt.Errorf("%w: %w", payment.ErrMalformed, err)
	}
	return n, nil
}
