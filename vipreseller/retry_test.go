package vipreseller

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/vipbase/vipbase/internal/backoff"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readOps runs every read operation once; the key is the counted op.
func readOps(c *Client) map[string]func() error {
	ctx := context.Background()
	return map[string]func() error{
		"profile": func() error { _, err := c.Profile.Get(ctx); return err },
		"game-feature services": func() error {
			_, err := c.Game.Services(ctx, GameServicesParams{})
			return err
		},
		"game-feature status":        func() error { _, err := c.Game.Status(ctx, StatusParams{Limit: 5}); return err },
		"game-feature service-stock": func() error { _, err := c.Game.ServiceStock(ctx, "CODE-1234"); return err },
		"game-feature get-nickname": func() error {
			_, err := c.Game.Nickname(ctx, NicknameParams{Code: "free-fire", Target: "1"})
			return err
		},
		"prepaid services": func() error {
			_, err := c.Prepaid.Services(ctx, PrepaidServicesParams{})
			return err
		},
		"prepaid status": func() error { _, err := c.Prepaid.Status(ctx, StatusParams{TrxID: "a"}); return err },
		"social-media services": func() error {
			_, err := c.Social.Services(ctx, SocialServicesParams{})
			return err
		},
		"social-media status": func() error { _, err := c.Social.Status(ctx, StatusParams{TrxID: "a"}); return err },
	}
}

// orderOps runs every order operation once.
func orderOps(c *Client) map[string]func() error {
	ctx := context.Background()
	return map[string]func() error{
		"game-feature order": func() error {
			_, err := c.Game.Order(ctx, GameOrderParams{Service: "ML14-S14", DataNo: "1", Zone: "2"})
			return err
		},
		"prepaid order": func() error {
			_, err := c.Prepaid.Order(ctx, PrepaidOrderParams{Service: "XLDHR3", DataNo: "0812"})
			return err
		},
		"social-media order": func() error {
			_, err := c.Social.Order(ctx, SocialOrderParams{Service: "3249", Data: "u", Quantity: 1000})
			return err
		},
	}
}

// countsByOp snapshots the fake's counters.
func (f *fakeProvider) countsByOp() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]int{}
	for k, v := range f.hits {
		out[k] = v
	}
	return out
}

func TestReadsRetriedThreeTimesOnPersistent5xx(t *testing.T) {
	f := newFake(t, body(503, "Service Unavailable"))
	for op, run := range readOps(f.client()) {
		err := run()
		require.ErrorIs(t, err, ErrTransport, op)
		assert.NotErrorIs(t, err, ErrUnknownOutcome, op)
	}
	for op, n := range f.countsByOp() {
		assert.Equal(t, 3, n, op)
	}
	assert.Len(t, f.countsByOp(), 9)
}

func TestReadsSucceedOnSecondTry(t *testing.T) {
	answers := map[string]string{
		"profile": fxProfile, "services": fxGameServices, "status": fxStatus,
		"service-stock": fxServiceStock, "get-nickname": fxNickname,
	}
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			body(502, "<html>bad gateway</html>")(w, r, n)
			return
		}
		typ := r.PostForm.Get("type")
		if typ == "" {
			typ = "profile"
		}
		body(200, answers[typ])(w, r, n)
	})
	for op, run := range readOps(f.client()) {
		require.NoError(t, run(), op)
	}
	for op, n := range f.countsByOp() {
		assert.Equal(t, 2, n, op)
	}
}

func TestReadsNotRetriedOnAPIError(t *testing.T) {
	f := newFake(t, body(200, fxAPIError("API Signature not valid.")))
	for op, run := range readOps(f.client()) {
		var apiErr *APIError
		require.ErrorAs(t, run(), &apiErr, op)
	}
	for op, n := range f.countsByOp() {
		assert.Equal(t, 1, n, op)
	}
}

func TestOrdersNeverRetried(t *testing.T) {
	failures := map[string]func(http.ResponseWriter, *http.Request, int){
		"timeout":  blockUntilClientGivesUp,
		"5xx":      body(500, "Internal Server Error"),
		"garbage":  body(200, "}{"),
		"no trxid": body(200, `{"result":true,"data":{"status":"waiting"},"message":"ok"}`),
		"throttle": body(200, fxAPIError("Transaksi dibatasi, coba lagi dalam 6 detik.")),
	}
	for name, respond := range failures {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, respond)
			// Even a generous retry setting must not touch orders.
			c := f.client(WithRetry(10, time.Millisecond, time.Millisecond), WithTimeout(100*time.Millisecond))
			for op, run := range orderOps(c) {
				require.Error(t, run(), op)
			}
			assert.Equal(t, map[string]int{"game-feature order": 1, "prepaid order": 1, "social-media order": 1}, f.countsByOp())
		})
	}
}

func TestBackoffIsExponentialBoundedAndJittered(t *testing.T) {
	c := New(testID, testKey, WithRetry(5, 500*time.Millisecond, 5*time.Second))
	c.jitter = func(n int64) int64 { return n - 1 } // largest value
	assert.Equal(t, 500*time.Millisecond, c.backoff(1))
	assert.Equal(t, time.Second, c.backoff(2))
	assert.Equal(t, 2*time.Second, c.backoff(3))
	assert.Equal(t, 4*time.Second, c.backoff(4))
	assert.Equal(t, 5*time.Second, c.backoff(5))
	assert.Equal(t, 5*time.Second, c.backoff(40))
	c.jitter = func(int64) int64 { return 0 } // smallest value
	assert.Equal(t, 250*time.Millisecond, c.backoff(1))
	assert.Equal(t, 2500*time.Millisecond, c.backoff(9))

	d := New(testID, testKey) // defaults from design §5
	assert.Equal(t, 3, d.maxTries)
	assert.Equal(t, 500*time.Millisecond, d.minBackoff)
	assert.Equal(t, 5*time.Second, d.maxBackoff)
	for i := 1; i < 10; i++ {
		b := d.backoff(i)
		assert.GreaterOrEqual(t, b, 250*time.Millisecond)
		assert.LessOrEqual(t, b, 5*time.Second)
	}
}

func TestRetrySleepsBetweenTriesAndStopsOnCancel(t *testing.T) {
	f := newFake(t, body(500, "x"))
	c := f.client(WithRetry(3, 100*time.Millisecond, time.Second))
	var mu sync.Mutex
	var slept []time.Duration
	c.jitter = func(n int64) int64 { return n - 1 }
	c.sleep = func(_ context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		slept = append(slept, d)
		return nil
	}
	_, err := c.Game.Status(context.Background(), StatusParams{Limit: 1})
	require.ErrorIs(t, err, ErrTransport)
	assert.Equal(t, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}, slept, "two waits between three tries")

	// A context ending during the backoff stops the retries.
	g := newFake(t, body(500, "x"))
	c2 := g.client(WithRetry(3, time.Hour, time.Hour))
	ctx, cancel := context.WithCancel(context.Background())
	c2.sleep = func(ctx context.Context, d time.Duration) error {
		cancel()
		return backoff.Sleep(ctx, d)
	}
	_, err = c2.Game.Status(ctx, StatusParams{Limit: 1})
	require.ErrorIs(t, err, ErrTransport)
	assert.Equal(t, 1, g.count(EndpointGame, "status"))
}

func TestMalformedReadDataIsRetried(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			body(200, `{"result":true,"data":"not a list","message":"ok"}`)(w, r, n)
			return
		}
		body(200, fxStatus)(w, r, n)
	})
	list, err := f.client().Game.Status(context.Background(), StatusParams{TrxID: "some1d"})
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, 2, f.count(EndpointGame, "status"))
}
