// Package backoff holds the retry timing shared by the API clients and the
// simulators: exponential delays with jitter, and a sleep that ends with its
// context.
package backoff

import (
	"context"
	"math/rand/v2"
	"time"
)

// Delay is the wait after the given failed attempt (1 for the first): min
// doubled per attempt, capped at max, of which the upper half is random so
// clients that failed together do not retry together. jitter returns a
// value in [0, n); clients keep it in a field so tests can pin it.
func Delay(attempt int, min, max time.Duration, jitter func(n int64) int64) time.Duration {
	d := min
	for i := 1; i < attempt && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	if d <= 0 {
		return 0
	}
	half := d / 2
	return half + time.Duration(jitter(int64(d-half)+1))
}

// Jitter returns a random value in [0, n); it is the production jitter for
// Delay.
func Jitter(n int64) int64 { return rand.Int64N(n) }

// Sleep waits d or until ctx ends, whichever comes first, and returns the
// context's error when it ended first (or had already ended when d <= 0).
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Limits makes retry settings usable: at least one try, and a longest
// delay not below the shortest.
func Limits(tries int, shortest, longest time.Duration) (int, time.Duration) {
	return max(tries, 1), max(longest, shortest)
}
