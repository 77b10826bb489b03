package tripay

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/payment"
)

// readOps runs every read once, keyed by the path the fake counts; good is
// a success answer for it.
func readOps(c *Client) map[string]struct {
	run  func() error
	good string
} {
	ctx := context.Background()
	return map[string]struct {
		run  func() error
		good string
	}{
		"transaction/detail": {func() error { _, err := c.Status(ctx, "T9876512345ABCDE"); return err }, ok(txJSON)},
		"merchant/transactions": {func() error { _, err := c.Find(ctx, "PAY-1765000000-AB12C"); return err },
			ok(`[` + txJSON + `]`)},
		"merchant/payment-channel": {func() error { _, err := c.Channels(ctx); return err }, ok(channelsJSON)},
		"merchant/fee-calculator":  {func() error { _, err := c.FeeFor(ctx, "QRIS", 10_000); return err }, ok(feeJSON)},
	}
}

func TestReadsRetriedOn5xxThenSucceed(t *testing.T) {
	for op, r := range readOps(nil) {
		t.Run(op, func(t *testing.T) {
			f := newFake(t, failFirst(2, r.good))
			require.NoError(t, readOps(f.client())[op].run())
			assert.Equal(t, 3, f.count(op))
			assert.Equal(t, 3, f.total())
		})
	}
}

func TestReadsGiveUpAfterMaxTries(t *testing.T) {
	for op := range readOps(nil) {
		t.Run(op, func(t *testing.T) {
			f := newFake(t, answer(503, "Service Unavailable"))
			err := readOps(f.client())[op].run()
			require.ErrorIs(t, err, payment.ErrTransport)
			assert.NotErrorIs(t, err, payment.ErrUnknownOutcome, "a read is never in doubt")
			assert.Equal(t, 3, f.count(op))

			f = newFake(t, answer(503, "Service Unavailable"))
			require.Error(t, readOps(f.client(WithRetry(5, 0, 0)))[op].run())
			assert.Equal(t, 5, f.count(op))

			f = newFake(t, answer(503, "Service Unavailable"))
			require.Error(t, readOps(f.client(WithRetry(0, 0, 0)))[op].run())
			assert.Equal(t, 1, f.count(op), "below 1 means 1")
		})
	}
}

// Malformed data is a failed attempt too, retried like a 5xx.
func TestReadsRetriedOnMalformedData(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			answer(200, ok(`{"reference":"T1","status":"WEIRD"}`))(w, r, n)
			return
		}
		answer(200, ok(txJSON))(w, r, n)
	})
	_, err := f.client().Status(context.Background(), "T1")
	require.NoError(t, err)
	assert.Equal(t, 2, f.total())
}

func TestRefusalsNotRetried(t *testing.T) {
	for op := range readOps(nil) {
		f := newFake(t, answer(401, refused("Invalid API key")))
		err := readOps(f.client())[op].run()
		var refusedErr *payment.RefusedError
		require.ErrorAs(t, err, &refusedErr, op)
		assert.Equal(t, op, refusedErr.Op)
		assert.Equal(t, 1, f.total(), op)
	}
}

func TestUnconfiguredSendsNothing(t *testing.T) {
	f := newFake(t, answer(200, ok(txJSON)))
	for _, c := range []*Client{
		New("", testPrivateKey, testMerchant, WithBaseURL(f.srv.URL)),
		New(testAPIKey, "", testMerchant, WithBaseURL(f.srv.URL)),
		New(testAPIKey, testPrivateKey, " ", WithBaseURL(f.srv.URL)),
	} {
		assert.False(t, c.Configured())
		for op, r := range readOps(c) {
			assert.ErrorIs(t, r.run(), payment.ErrNotConfigured, op)
		}
	}
	assert.Equal(t, 0, f.total())
}

// Backoff doubles from the minimum up to the maximum; the upper half is jitter.
func TestBackoff(t *testing.T) {
	c := New(testAPIKey, testPrivateKey, testMerchant, WithRetry(6, 100*time.Millisecond, 400*time.Millisecond))
	c.jitter = func(int64) int64 { return 0 }
	assert.Equal(t, []time.Duration{50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond, 200 * time.Millisecond},
		[]time.Duration{c.backoff(1), c.backoff(2), c.backoff(3), c.backoff(4)})
	c.jitter = func(n int64) int64 { return n - 1 }
	assert.Equal(t, 400*time.Millisecond, c.backoff(9))

	var mu sync.Mutex
	var slept []time.Duration
	f := newFake(t, answer(503, ""))
	c = f.client(WithRetry(3, 100*time.Millisecond, time.Second))
	c.jitter = func(int64) int64 { return 0 }
	c.sleep = func(_ context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		slept = append(slept, d)
		return nil
	}
	_, _ = c.Channels(context.Background())
	assert.Equal(t, []time.Duration{50 * time.Millisecond, 100 * time.Millisecond}, slept, "two waits between three tries")
}

// A caller that gives up stops the retries.
func TestReadsStopWhenCallerGivesUp(t *testing.T) {
	f := newFake(t, answer(503, ""))
	ctx, cancel := context.WithCancel(context.Background())
	c := f.client()
	c.sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	_, err := c.Status(ctx, "T1")
	assert.ErrorIs(t, err, payment.ErrTransport)
	assert.Equal(t, 1, f.total())
}
