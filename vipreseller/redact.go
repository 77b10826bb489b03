package vipreseller

import (
	"regexp"
	"sort"
	"strings"
)

// redactor scrubs the account secrets (API key, sign, API ID) from any text
// that may end up in an error or a log line. net/http and resty errors can
// embed URLs or bodies, and the provider (or a clone) may echo the posted
// form back in a message, so every string leaving the package goes through
// here.
type redactor struct {
	re *regexp.Regexp // nil when there is nothing to hide
}

const redacted = "[redacted]"

func newRedactor(secrets ...string) redactor {
	var parts []string
	for _, s := range secrets {
		// An empty secret would match everywhere; whitespace-only ones are
		// not real credentials either.
		if strings.TrimSpace(s) != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return redactor{}
	}
	// Longest first, so a secret containing another is removed whole
	// instead of leaving its remainder visible.
	sort.Slice(parts, func(i, j int) bool { return len(parts[i]) > len(parts[j]) })
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	// Case-insensitive: an echo might upper-case the hex sign.
	return redactor{re: regexp.MustCompile(`(?i)` + strings.Join(parts, "|"))}
}

func (r redactor) String(s string) string {
	if r.re == nil || s == "" {
		return s
	}
	return r.re.ReplaceAllLiteralString(s, redacted)
}

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
