package tripay

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// PHP spellings of whole rupiah are read; anything that is not whole
// rupiah is refused rather than rounded.
func TestFlexInt(t *testing.T) {
	for in, want := range map[string]int64{`10000`: 10_000, `"10000"`: 10_000, `"10000.00"`: 10_000, `10000.0`: 10_000,
		`null`: 0, `""`: 0, `-5`: -5} {
		got, err := flexInt([]byte(in))
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{`10000.5`, `"1e4"`, `"abc"`, `true`, `{}`, `[]`, `"10.000"`} {
		_, err := flexInt([]byte(in))
		assert.Error(t, err, in)
	}
}
