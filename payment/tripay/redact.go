package tripay

import (
	"github.com/vipbase/vipbase/internal/redact"
	"github.com/vipbase/vipbase/payment"
)

// redactor scrubs secrets (the API key, the private key, a request's
// signature) from text that may reach an error or a log line; on top of
// redact.Redactor it knows how to scrub whole transactions and channels.
type redactor struct{ redact.Redactor }

func newRedactor(secrets ...string) redactor { return redactor{redact.New(secrets...)} }

// redactorWith returns a redactor for the client's keys and more (a
// request's signature).
func (c *Client) redactorWith(more ...string) redactor {
	return newRedactor(append([]string{c.apiKey, c.privateKey}, more...)...)
}

// failure is the error for everything that is not a definite answer. It
// carries only redacted text: the underlying net/http or resty error is
// deliberately not kept in the chain, since printing it through errors.As
// would bypass the redaction. What callers need is reachable through
// errors.Is: payment.ErrTransport, payment.ErrUnknownOutcome for a create,
// and the caller's context error when that context ended.
type failure struct {
	op     string // "transaction/create", …
	detail string // already redacted
	kinds  []error
}

func (f *failure) Error() string { return "tripay: " + f.op + ": " + f.detail }

func (f *failure) Unwrap() []error { return f.kinds }

// transaction returns tx with every text field redacted: what a gateway (or
// a clone) answers is stored and shown, so an echoed secret goes no further.
func (r redactor) transaction(tx payment.Transaction) payment.Transaction {
	for _, p := range []*string{&tx.Reference, &tx.Number, &tx.Channel, &tx.PayCode, &tx.QRString, &tx.CheckoutURL} {
		*p = r.String(*p)
	}
	ins := make([]payment.Instruction, len(tx.Instructions))
	for i, in := range tx.Instructions {
		ins[i] = payment.Instruction{Title: r.String(in.Title), Steps: make([]string, len(in.Steps))}
		for j, s := range in.Steps {
			ins[i].Steps[j] = r.String(s)
		}
	}
	if tx.Instructions != nil {
		tx.Instructions = ins
	}
	return tx
}

func (r redactor) channel(ch payment.Channel) payment.Channel {
	ch.Code, ch.Name, ch.Icon = r.String(ch.Code), r.String(ch.Name), r.String(ch.Icon)
	return ch
}
