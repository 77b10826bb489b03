package redact

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRedactorLeavesTextAloneWithoutSecrets(t *testing.T) {
	r := New("", "  ")
	assert.Equal(t, "Saldo Anda tidak cukup.", r.String("Saldo Anda tidak cukup."))
	assert.Equal(t, "nothing", New().String("nothing"))
	assert.Equal(t, "nothing", Redactor{}.String("nothing"))
}

func TestRedactor(t *testing.T) {
	r := New("abc", "abcdef", "x.y")
	assert.Equal(t, "[redacted]-[redacted]-[redacted]-xzy", r.String("ABCDEF-abc-x.y-xzy"))

	r = New("abc", "", "  ", "abcdef")
	assert.Equal(t, "x [redacted] y [redacted] [redacted]", r.String("x abcdef y ABC abc"))
	assert.Equal(t, "a-b [redacted]", New("a.b").String("a-b a.b"), "a secret is text, not a pattern")
}
