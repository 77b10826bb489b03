package midtrans

import (
	"errors"

	"github.com/vipbase/vipbase/internal/redact"
	"github.com/vipbase/vipbase/payment"
)

// redactor scrubs the Server Key, and the Authorization value made of it,
// from text that may reach an error or a log line; on top of
// redact.Redactor it knows how to scrub a whole transaction.
type redactor struct{ redact.Redactor }

func newRedactor(serverKey string) redactor {
	if serverKey == "" {
		return redactor{}
	}
	auth := basicAuth(serverKey)
	return redactor{redact.New(serverKey, auth, auth[len("Basic "):])}
}

// failure is the error for everything that is not a definite answer. It
// carries only redacted text: the underlying net/http or resty error is
// deliberately not kept in the chain, since printing it through errors.As
// would bypass the redaction. What callers need is reachable through
// errors.Is: payment.ErrTransport, payment.ErrUnknownOutcome for a create,
// and the caller's context error when that context ended.
type failure struct {
	op     string // "create", "status", "expire"
	detail string // already redacted
	kinds  []error
}

func (f *failure) Error() string { return "midtrans: " + f.op + ": " + f.detail }

func (f *failure) Unwrap() []error { return f.kinds }

// redactedError shows redacted text while keeping the sentinels of err
// reachable through errors.Is.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }

func (e *redactedError) Is(target error) bool { return errors.Is(e.err, target) }

// transaction returns tx with every text field redacted: what a gateway (or
// a clone) answers is stored and shown, so an echoed secret goes no further.
func (r redactor) transaction(tx payment.Transaction) payment.Transaction {
	for _, p := range []*string{&tx.Reference, &tx.Number, &tx.Channel, &tx.PayCode, &tx.QRString, &tx.CheckoutURL, &tx.Hold} {
		*p = r.String(*p)
	}
	return tx
}
