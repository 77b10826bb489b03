// Package notify sends the shop's notifications: WhatsApp through Fonnte
// (design §12), and the templates both channels are rendered from. It is a
// leaf: plain Go types, no PocketBase. The outbox that queues, retries and
// paces sends lives in hooks/; this package makes one attempt per call and
// says whether trying again could help.
package notify

import (
	"context"
	"errors"
)

// WhatsApp sends one WhatsApp message. Fonnte implements it, and so does
// whatever the tests put in its place.
type WhatsApp interface {
	// Send delivers message to the Indonesian number to (any spelling
	// NormalisePhone accepts) and returns the gateway's message id. It makes
	// exactly one attempt; the error is ErrNotConfigured or a *SendError.
	Send(ctx context.Context, to, message string) (id string, err error)
	// Configured reports whether the sender has its credentials, so the
	// outbox can mark rows skipped instead of failing them one by one.
	Configured() bool
}

// ErrNotConfigured is returned by a sender without credentials. The outbox
// marks such rows skipped instead of retrying them.
var ErrNotConfigured = errors.New("notify: whatsapp is not configured")

// SendError is a send that did not succeed. Permanent tells the outbox
// whether another attempt could help:
//
//   - permanent: the number is not a valid Indonesian mobile, the gateway
//     calls the target invalid or not on WhatsApp, the message is empty, or
//     the token is invalid or unknown. Sending the same thing again gets the
//     same answer; a wrong token needs a person (admin_notify_failing), not
//     six more attempts.
//   - transient: everything else — device disconnected, quota used up, rate
//     limits, HTTP 5xx, timeouts, transport failures, answers that are not
//     Fonnte's JSON. The phone may reconnect, the quota may be topped up.
//
// Reason is redacted where it is built: it never contains the token.
type SendError struct {
	Permanent bool
	Reason    string

	// err is the caller's context error, when that context ended, so
	// errors.Is(err, context.Canceled) works. Transport errors are not kept:
	// unwrapping them would bypass the redaction.
	err error
}

func (e *SendError) Error() string {
	kind := "transient"
	if e.Permanent {
		kind = "permanent"
	}
	return "notify: whatsapp send failed (" + kind + "): " + e.Reason
}

// Unwrap returns the caller's context error, if that is why the send failed.
func (e *SendError) Unwrap() error { return e.err }

// IsPermanent reports whether err is a *SendError that another attempt
// cannot fix. ErrNotConfigured is not permanent in this sense: the outbox
// skips those rows instead.
func IsPermanent(err error) bool {
	var se *SendError
	return errors.As(err, &se) && se.Permanent
}
