package backoff

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestDelayIsExponentialBoundedAndJittered(t *testing.T) {
	largest := func(n int64) int64 { return n - 1 }
	smallest := func(int64) int64 { return 0 }
	min, max := 500*time.Millisecond, 5*time.Second
	assert.Equal(t, 500*time.Millisecond, Delay(1, min, max, largest))
	assert.Equal(t, 2*time.Second, Delay(3, min, max, largest))
	assert.Equal(t, 5*time.Second, Delay(40, min, max, largest))
	assert.Equal(t, 250*time.Millisecond, Delay(1, min, max, smallest))
	assert.Equal(t, time.Duration(0), Delay(3, 0, 0, largest))
	for i := 1; i < 10; i++ {
		d := Delay(i, min, max, Jitter)
		assert.GreaterOrEqual(t, d, 250*time.Millisecond)
		assert.LessOrEqual(t, d, max)
	}
}

func TestSleepEndsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(10*time.Millisecond, cancel)
	assert.ErrorIs(t, Sleep(ctx, time.Hour), context.Canceled)
	assert.ErrorIs(t, Sleep(ctx, 0), context.Canceled)
	assert.NoError(t, Sleep(context.Background(), 0))
	assert.NoError(t, Sleep(context.Background(), time.Millisecond))
}

func TestLimits(t *testing.T) {
	tries, longest := Limits(0, time.Second, time.Millisecond)
	assert.Equal(t, 1, tries)
	assert.Equal(t, time.Second, longest)
	tries, longest = Limits(3, time.Millisecond, time.Second)
	assert.Equal(t, 3, tries)
	assert.Equal(t, time.Second, longest)
}
