// Package redact scrubs account secrets from text that may reach an error
// or a log line. It is shared by the provider and gateway clients: net/http
// and resty errors can quote URLs or bodies, and a remote end (or a clone of
// it) may echo what it was sent in a message.
package redact

import (
	"regexp"
	"sort"
	"strings"
)

// Mask is what a secret is replaced with.
const Mask = "[redacted]"

// Redactor replaces every occurrence of a fixed set of secrets, in any letter
// case, with Mask. The zero Redactor hides nothing.
type Redactor struct {
	re *regexp.Regexp // nil when there is nothing to hide
}

// New returns a Redactor for secrets. Empty and whitespace-only secrets are
// ignored: an empty one would match everywhere, and whitespace is no secret.
func New(secrets ...string) Redactor {
	var parts []string
	for _, s := range secrets {
		if strings.TrimSpace(s) != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return Redactor{}
	}
	// Longest first, so a secret containing another is removed whole
	// instead of leaving its remainder visible.
	sort.Slice(parts, func(i, j int) bool { return len(parts[i]) > len(parts[j]) })
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	// Case-insensitive: an echo might upper-case a hex signature.
	return Redactor{re: regexp.MustCompile(`(?i)` + strings.Join(parts, "|"))}
}

// String returns s with every secret replaced by Mask.
func (r Redactor) String(s string) string {
	if r.re == nil || s == "" {
		return s
	}
	return r.re.ReplaceAllLiteralString(s, Mask)
}
