package vipreseller

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/vipbase/vipbase/internal/backoff"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeClock drives a limiter without the wall clock. With advance set, a
// sleep moves the clock forward, as a real sleep would.
type fakeClock struct {
	mu      sync.Mutex
	t       time.Time
	slept   []time.Duration
	advance bool
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.slept = append(c.slept, d)
	if c.advance {
		c.t = c.t.Add(d)
	}
	return nil
}

func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func fakeLimiter(perSecond float64, advance bool) (*limiter, *fakeClock) {
	clk := &fakeClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), advance: advance}
	l := newLimiter(perSecond)
	l.now, l.sleep = clk.now, clk.sleep
	return l, clk
}

func TestLimiterPacesRequests(t *testing.T) {
	l, clk := fakeLimiter(5, true) // one slot per 200ms
	ctx := context.Background()
	for range 4 {
		require.NoError(t, l.Wait(ctx))
	}
	assert.Equal(t, []time.Duration{200 * time.Millisecond, 200 * time.Millisecond, 200 * time.Millisecond}, clk.slept,
		"first request goes at once, the next ones one interval apart")

	// After an idle period there is no backlog.
	clk.add(10 * time.Second)
	require.NoError(t, l.Wait(ctx))
	assert.Len(t, clk.slept, 3)

	// Time that passed on its own counts towards the wait.
	clk.add(50 * time.Millisecond)
	require.NoError(t, l.Wait(ctx))
	assert.Equal(t, 150*time.Millisecond, clk.slept[3])
}

func TestLimiterReservesDistinctSlotsConcurrently(t *testing.T) {
	l, clk := fakeLimiter(10, false) // 100ms slots, clock frozen
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.NoError(t, l.Wait(context.Background()))
		}()
	}
	wg.Wait()
	got := append([]time.Duration(nil), clk.slept...)
	sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
	want := make([]time.Duration, 0, 9)
	for i := 1; i < 10; i++ {
		want = append(want, time.Duration(i)*100*time.Millisecond)
	}
	assert.Equal(t, want, got)
}

func TestLimiterZeroIsUnlimited(t *testing.T) {
	for _, rate := range []float64{0, -1} {
		l, clk := fakeLimiter(rate, false)
		for range 100 {
			require.NoError(t, l.Wait(context.Background()))
		}
		assert.Empty(t, clk.slept)
	}
}

func TestLimiterRespectsCancel(t *testing.T) {
	l, clk := fakeLimiter(5, false)
	ctx, cancel := context.WithCancel(context.Background())
	require.NoError(t, l.Wait(ctx))
	cancel()
	assert.ErrorIs(t, l.Wait(ctx), context.Canceled, "an ended context is refused before queueing")

	// Cancelled while waiting for its slot: the caller gets the context
	// error and its slot is given back, so the next caller takes it.
	ctx2, cancel2 := context.WithCancel(context.Background())
	l.sleep = func(ctx context.Context, d time.Duration) error {
		cancel2()
		return clk.sleep(ctx, d)
	}
	assert.ErrorIs(t, l.Wait(ctx2), context.Canceled)
	l.sleep = clk.sleep
	require.NoError(t, l.Wait(context.Background()))
	assert.Equal(t, []time.Duration{200 * time.Millisecond}, clk.slept)

	// The real sleep returns when the context ends, not when d has passed.
	ctx3, cancel3 := context.WithCancel(context.Background())
	time.AfterFunc(10*time.Millisecond, cancel3)
	assert.ErrorIs(t, backoff.Sleep(ctx3, time.Hour), context.Canceled)
	assert.NoError(t, backoff.Sleep(context.Background(), 0))
}

func TestClientRequestsGoThroughLimiter(t *testing.T) {
	f := newFake(t, body(200, fxStatus))
	c := f.client(WithRateLimit(2)) // 500ms slots
	clk := &fakeClock{t: time.Unix(0, 0), advance: true}
	c.limiter.now, c.limiter.sleep = clk.now, clk.sleep
	for range 3 {
		_, err := c.Prepaid.Status(context.Background(), StatusParams{Limit: 1})
		require.NoError(t, err)
	}
	assert.Equal(t, []time.Duration{500 * time.Millisecond, 500 * time.Millisecond}, clk.slept)
	assert.Equal(t, 3, f.count(EndpointPrepaid, "status"))

	// The default is 5 per second; WithRateLimit(0) turns it off.
	assert.Equal(t, 200*time.Millisecond, New(testID, testKey).limiter.interval)
	assert.Zero(t, New(testID, testKey, WithRateLimit(0)).limiter.interval)
}

func TestOrderSpacingAppliesToOrdersOnly(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.FormValue("type") == "order" {
			_, _ = w.Write([]byte(`{"result":true,"data":{"trxid":"VP1","status":"waiting"},"message":"ok"}`))
			return
		}
		_, _ = w.Write([]byte(`{"result":true,"data":[],"message":"ok"}`))
	})
	c := f.client(WithRateLimit(0), WithOrderSpacing(time.Hour))
	var slept []time.Duration
	c.orderLimiter.sleep = func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }
	ctx := context.Background()
	_, err := c.Prepaid.Order(ctx, PrepaidOrderParams{Service: "X", DataNo: "0812"})
	require.NoError(t, err)
	_, err = c.Prepaid.Status(ctx, StatusParams{Limit: 1})
	require.NoError(t, err)
	assert.Empty(t, slept, "the first order and any read go at once")
	_, err = c.Game.Order(ctx, GameOrderParams{Service: "X", DataNo: "1"})
	require.NoError(t, err)
	require.Len(t, slept, 1, "the second order waits for its slot")
	assert.InDelta(t, time.Hour.Seconds(), slept[0].Seconds(), 1)
}

// Nickname checks get a bounded share of the rate: a crowd of them sends
// a few and is told ErrBusy for the rest at once, without sending, so they
// cannot fill the limiter's queue ahead of an order.
func TestNicknameChecksGetABoundedShare(t *testing.T) {
	f := newFake(t, body(200, `{"result":true,"data":"Kariyu","message":"Success."}`))
	c := f.client(WithRateLimit(5))
	const crowd = 40
	var wg sync.WaitGroup
	var mu sync.Mutex
	busy, sent := 0, 0
	for i := range crowd {
		wg.Go(func() {
			_, err := c.Game.Nickname(context.Background(), NicknameParams{Code: "free-fire", Target: fmt.Sprint(10000 + i)})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case errors.Is(err, ErrBusy):
				busy++
			case err == nil:
				sent++
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, crowd, busy+sent)
	assert.LessOrEqual(t, sent, 2, "at most the share's burst is sent")
	assert.Equal(t, sent, f.count(EndpointGame, "get-nickname"), "a busy answer sends nothing")
	assert.False(t, errors.Is(ErrBusy, ErrTransport), "busy is not a transport failure: nothing to retry or reconcile")

	// Without a rate limit there is no share to run out of.
	free := f.client()
	for i := range 10 {
		_, err := free.Game.Nickname(context.Background(), NicknameParams{Code: "free-fire", Target: fmt.Sprint(20000 + i)})
		require.NoError(t, err)
	}
}

func TestPlayerNotFoundIsDefinite(t *testing.T) {
	for msg, want := range map[string]bool{
		"ID tidak ditemukan.": true, "Kode game tidak ditemukan.": true, "Player not found": true,
		"Ada pemeliharaan sistem API/transaksi, coba lagi nanti.": false, "Server sedang gangguan": false,
	} {
		assert.Equal(t, want, (&APIError{Message: msg}).PlayerNotFound(), msg)
	}
}

// Catalog and stock reads yield to calls queued for the limiter: a stock
// probe that arrives behind a backlog of status confirmations, with more
// confirmations arriving while it waits, is sent after all of them.
func TestCatalogReadsYieldToQueuedCalls(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		if r.PostForm.Get("type") == "service-stock" {
			fmt.Fprint(w, `{"result":true,"data":{"stock":3},"message":"ok"}`)
			return
		}
		fmt.Fprint(w, `{"result":true,"data":[],"message":"ok"}`)
	})
	c := f.client(WithRateLimit(10)) // one slot per 100 ms
	var wg sync.WaitGroup
	status := func() {
		wg.Go(func() { _, _ = c.Status(context.Background(), EndpointGame, StatusParams{TrxID: "T1"}) })
	}
	for range 4 {
		status() // a backlog: slots up to ~400 ms ahead
	}
	time.Sleep(20 * time.Millisecond)
	wg.Go(func() { _, _ = c.Game.ServiceStock(context.Background(), "ML86-S2") })
	time.Sleep(150 * time.Millisecond)
	for range 3 {
		status() // more confirmations arrive while the probe waits
	}
	wg.Wait()

	f.mu.Lock()
	defer f.mu.Unlock()
	require.Len(t, f.reqs, 8)
	assert.Equal(t, "service-stock", f.reqs[len(f.reqs)-1].Form.Get("type"), "the probe went last")
}
