package midtrans

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

// retried runs every retried operation once, keyed by the path the fake
// counts; good is a success answer for it.
func retried(c *Client) map[string]struct {
	run  func() error
	good string
} {
	ctx := context.Background()
	return map[string]struct {
		run  func() error
		good string
	}{
		"status": {func() error { _, err := c.Status(ctx, testNumber); return err }, statusJSON("200", "settlement", "accept", "10000.00")},
		"find":   {func() error { _, err := c.Find(ctx, testNumber); return err }, statusJSON("201", "pending", "", "10000.00")},
		"expire": {func() error { return c.Expire(ctx, testNumber) }, statusJSON("407", "expire", "", "10000.00")},
	}
}

func pathOf(op string) string {
	if op == "expire" {
		return "/v2/" + testNumber + "/expire"
	}
	return "/v2/" + testNumber + "/status"
}

func TestReadsRetriedOn5xxThenSucceed(t *testing.T) {
	for op, r := range retried(nil) {
		t.Run(op, func(t *testing.T) {
			f := newFake(t, failFirst(2, r.good))
			require.NoError(t, retried(f.client())[op].run())
			assert.Equal(t, 3, f.count(pathOf(op)))
			assert.Equal(t, 3, f.total())
		})
	}
}

func TestReadsRetriedAfterTimeout(t *testing.T) {
	for op, r := range retried(nil) {
		t.Run(op, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, req *http.Request, n int) {
				if n == 1 {
					blockUntilClientGivesUp(w, req, n)
					return
				}
				reply(200, r.good)(w, req, n)
			})
			require.NoError(t, retried(f.client(WithTimeout(50 * time.Millisecond)))[op].run())
			assert.Equal(t, 2, f.total())
		})
	}
}

func TestReadsGiveUpAfterMaxTries(t *testing.T) {
	for op := range retried(nil) {
		t.Run(op, func(t *testing.T) {
			f := newFake(t, reply(503, "Service Unavailable"))
			err := retried(f.client())[op].run()
			require.ErrorIs(t, err, payment.ErrTransport)
			assert.NotErrorIs(t, err, payment.ErrUnknownOutcome, "a read is never in doubt")
			assert.Equal(t, 3, f.total())

			f = newFake(t, reply(503, "Service Unavailable"))
			require.Error(t, retried(f.client(WithRetry(5, 0, 0)))[op].run())
			assert.Equal(t, 5, f.total())

			f = newFake(t, reply(503, "Service Unavailable"))
			require.Error(t, retried(f.client(WithRetry(0, 0, 0)))[op].run())
			assert.Equal(t, 1, f.total(), "fewer than one try means one")
		})
	}
}

// The backoff doubles from the minimum, capped, and the sleep is the
// client's (so a test or the caller's context can cut it short).
func TestBackoffBetweenTries(t *testing.T) {
	f := newFake(t, reply(500, ""))
	c := f.client(WithRetry(4, 100*time.Millisecond, 300*time.Millisecond))
	c.jitter = func(n int64) int64 { return n - 1 } // the longest wait
	var mu sync.Mutex
	var waits []time.Duration
	c.sleep = func(_ context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		waits = append(waits, d)
		return nil
	}
	_, err := c.Status(context.Background(), testNumber)
	require.Error(t, err)
	assert.Equal(t, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 300 * time.Millisecond}, waits)
	assert.Equal(t, 4, f.total())
}

func TestRetryStopsWhenCallerGivesUp(t *testing.T) {
	f := newFake(t, reply(503, ""))
	ctx, cancel := context.WithCancel(context.Background())
	c := f.client()
	c.sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	_, err := c.Status(ctx, testNumber)
	require.ErrorIs(t, err, payment.ErrTransport)
	assert.Equal(t, 1, f.total())
}

func TestCreateNeverRetried(t *testing.T) {
	f := newFake(t, failFirst(5, snapAnswer))
	_, err := f.client(WithRetry(10, 0, 0)).Create(context.Background(), createReq())
	require.ErrorIs(t, err, payment.ErrUnknownOutcome)
	assert.Equal(t, 1, f.count("/snap/v1/transactions"))
	assert.Equal(t, 1, f.total())
}
