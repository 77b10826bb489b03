// Package fakeclock is a manual clock for tests of time-driven code, such as
// the simulators' status transitions and expiry: a test sets the time and
// moves it forward instead of waiting on the wall clock.
package fakeclock

import (
	"sync"
	"time"
)

// Clock is a manual clock, safe for concurrent use. Its Now method fits the
// simulators' Config.Now.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// New returns a clock that stands at t.
func New(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Add moves the clock by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
