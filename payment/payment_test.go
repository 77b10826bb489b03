package payment

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFeeFor(t *testing.T) {
	qris := Fee{Flat: 750, Percent: 70}
	assert.Equal(t, int64(750+70), qris.For(10_000)) // 0,7 % of 10.000 = 70
	assert.Equal(t, int64(750+1), qris.For(100))     // rounded up to the rupiah
	assert.Equal(t, int64(4_250), Fee{Flat: 4_250}.For(1_000_000))
	assert.Equal(t, int64(1_000), Fee{Percent: 300, Min: 1_000}.For(10_000)) // 3 % = 300, at least 1.000
	assert.Equal(t, int64(5_000), Fee{Percent: 300, Max: 5_000}.For(1_000_000))
}

func TestChannelAccepts(t *testing.T) {
	va := Channel{Active: true, MinAmount: 10_000, MaxAmount: 10_000_000}
	assert.False(t, va.Accepts(9_999))
	assert.True(t, va.Accepts(10_000))
	assert.True(t, va.Accepts(10_000_000))
	assert.False(t, va.Accepts(10_000_001))
	assert.False(t, Channel{MinAmount: 1}.Accepts(5), "inactive")
	assert.True(t, Channel{Active: true}.Accepts(1<<40), "no maximum")
}
