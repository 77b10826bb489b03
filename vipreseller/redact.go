package vipreseller

// failure is the error returned for everything that is not a definite
// provider answer. It carries only redacted text: the underlying net/http
// or resty error is deliberately not kept in the chain, because callers
// printing it via errors.As would bypass the redaction. What callers need is
// reachable through errors.Is: ErrTransport, ErrUnknownOutcome and, when the
// caller's own context ended, that context's error.
type failure struct {
	op     string // "prepaid order", "profile", ...
	detail string // already redacted
	kinds  []error
}

func (f *failure) Error() string {
	return "vipreseller: " + f.op + ": " + f.detail
}

func (f *failure) Unwrap() []error { return f.kinds }

// opName names an operation the way APIError.Error does, so both error kinds
// read alike ("game-feature order", "profile").
func opName(ep Endpoint, typ string) string {
	if typ == "" {
		return string(ep)
	}
	return string(ep) + " " + typ
}
