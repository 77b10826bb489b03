package notify

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNormalisePhone(t *testing.T) {
	for in, want := range map[string]string{
		"081234567890":        "6281234567890",
		"81234567890":         "6281234567890",
		"+62 812-3456-7890":   "6281234567890",
		"6281234567890":       "6281234567890",
		"+6281234567890":      "6281234567890",
		" 0812.3456.7890 ":    "6281234567890",
		"(0812) 3456 7890":    "6281234567890",
		"+62 (0)812 3456 789": "628123456789",
		"0062 812 3456 7890":  "6281234567890",
		"0812345678":          "62812345678", // 10 digits as typed, the shortest mobile
		"08123456789012":      "628123456789012",
	} {
		got, ok := NormalisePhone(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{
		"", "   ", "0812", "08123456", // too short
		"0812345678901234",               // too long
		"021 555 1234", "+62 21 5551234", // landline
		"+1 415 555 0100", "+44 7911 123456", // foreign
		"0812abc4567", "0812/3456/789", "62+81234567890", "++6281234567890",
	} {
		got, ok := NormalisePhone(bad)
		assert.False(t, ok, bad)
		assert.Empty(t, got, bad)
	}
}
