package vipreseller

import (
	"context"
	"sync"
	"time"

	"github.com/vipbase/vipbase/internal/backoff"
)

// limiter paces requests to the provider: each caller reserves the next free
// slot, one slot every interval, and sleeps until it. It is a token bucket
// of depth one: an idle client sends at once, a burst is spread out evenly.
// The provider documents no limit, but its clones throttle per account, so
// spreading requests avoids "Transaksi dibatasi" answers.
//
// The clock and the sleep are fields so tests can drive the limiter without
// waiting on the wall clock.
type limiter struct {
	interval time.Duration // 0 = unlimited
	now      func() time.Time
	sleep    func(ctx context.Context, d time.Duration) error

	mu   sync.Mutex
	next time.Time // earliest start of the next free slot
}

// newLimiter returns a limiter for perSecond requests per second; zero or a
// negative rate disables pacing.
func newLimiter(perSecond float64) *limiter {
	l := &limiter{now: time.Now, sleep: backoff.Sleep}
	if perSecond > 0 {
		l.interval = time.Duration(float64(time.Second) / perSecond)
	}
	return l
}

// Wait blocks until the caller may send one request, or until ctx ends. A
// caller that gives up returns its slot when nobody queued behind it, so a
// cancelled burst does not slow down later callers.
func (l *limiter) Wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if l == nil || l.interval <= 0 {
		return nil
	}
	l.mu.Lock()
	now := l.now()
	slot := l.next
	if slot.Before(now) {
		slot = now
	}
	l.next = slot.Add(l.interval)
	l.mu.Unlock()

	wait := slot.Sub(now)
	if wait <= 0 {
		return nil
	}
	if err := l.sleep(ctx, wait); err != nil {
		l.mu.Lock()
		if l.next.Equal(slot.Add(l.interval)) {
			l.next = slot
		}
		l.mu.Unlock()
		return err
	}
	return nil
}

// waitShort returns once at most one slot is reserved ahead of now, so a
// caller that then Waits lets everyone already queued go first.
func (l *limiter) waitShort(ctx context.Context) error {
	if l == nil || l.interval <= 0 {
		return ctx.Err()
	}
	for {
		l.mu.Lock()
		ahead := l.next.Sub(l.now())
		l.mu.Unlock()
		if ahead <= l.interval {
			return ctx.Err()
		}
		if err := l.sleep(ctx, ahead-l.interval); err != nil {
			return err
		}
	}
}

// try takes a slot only if one is free now.
func (l *limiter) try() bool {
	if l == nil || l.interval <= 0 {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if l.next.After(now) {
		return false
	}
	l.next = now.Add(l.interval)
	return true
}

// reserveWithin takes the next free slot only if it starts within d, and
// waits for it; false means nothing was reserved. For callers that would
// rather give up than queue (low-priority calls).
func (l *limiter) reserveWithin(ctx context.Context, d time.Duration) (bool, error) {
	if l == nil || l.interval <= 0 {
		return true, ctx.Err()
	}
	l.mu.Lock()
	now := l.now()
	slot := l.next
	if slot.Before(now) {
		slot = now
	}
	if slot.Sub(now) > d {
		l.mu.Unlock()
		return false, nil
	}
	l.mu.Unlock()
	return true, l.Wait(ctx)
}
