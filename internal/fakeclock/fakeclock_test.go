package fakeclock

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestClockMovesOnlyWhenTold(t *testing.T) {
	start := time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC)
	c := New(start)
	assert.Equal(t, start, c.Now())
	c.Add(90 * time.Second)
	assert.Equal(t, start.Add(90*time.Second), c.Now())
}
