package sandbox

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestScheduleWithFakeClock(t *testing.T) {
	sb, clk := newSB(t, Config{ProcessingAfter: 10 * time.Second, CompleteAfter: 20 * time.Second})
	created := clk.Now()
	id := prepaidOrder(t, sb, "TELKOMSEL_25K", "081311112222")

	assert.Zero(t, sb.Step(), "nothing due at creation")
	clk.Add(9999 * time.Millisecond)
	assert.Zero(t, sb.Step(), "not before ProcessingAfter")
	assert.Equal(t, "waiting", mustTrx(t, sb, id).Status)

	clk.Add(time.Millisecond)
	assert.Equal(t, 1, sb.Step())
	tr := mustTrx(t, sb, id)
	assert.Equal(t, "processing", tr.Status)
	assert.Equal(t, created.Add(10*time.Second), tr.Updated)
	assert.Zero(t, sb.Step(), "applied once")

	clk.Add(19 * time.Second)
	assert.Zero(t, sb.Step(), "not before CompleteAfter")
	clk.Add(time.Second)
	assert.Equal(t, 1, sb.Step())
	tr = mustTrx(t, sb, id)
	assert.Equal(t, "success", tr.Status)
	assert.Regexp(t, `^\d{18}$`, tr.Note)
	assert.Equal(t, created, tr.Created)
	assert.Equal(t, created.Add(30*time.Second), tr.Updated)
	assert.Zero(t, sb.Step())
}

func TestStepAppliesBothTransitionsWhenLate(t *testing.T) {
	sb, clk := newSB(t, Config{})
	a := gameOrder(t, sb, "FF5-S13", "1")
	clk.Add(500 * time.Millisecond)
	b := gameOrder(t, sb, "FF5-S13", "2")
	clk.Add(time.Hour)
	assert.Equal(t, 4, sb.Step())
	assert.Equal(t, "success", mustTrx(t, sb, a).Status)
	assert.Equal(t, "success", mustTrx(t, sb, b).Status)
}

func TestZeroDelays(t *testing.T) {
	sb, _ := newSB(t, Config{ProcessingAfter: -1, CompleteAfter: -1})
	id := gameOrder(t, sb, "FF5-S13", "1")
	assert.Equal(t, "waiting", mustTrx(t, sb, id).Status, "the order answer is always waiting")
	assert.Equal(t, 2, sb.Step())
	assert.Equal(t, "success", mustTrx(t, sb, id).Status)
}

func TestSetStatus(t *testing.T) {
	sink := newSink(t)
	sb, clk := newSB(t, Config{CallbackURL: sink.URL})
	start := sb.Balance()
	id := gameOrder(t, sb, "ML14-S14", "5550777")
	clk.Add(time.Second)
	sb.Step()
	require.Equal(t, "processing", mustTrx(t, sb, id).Status)

	require.NoError(t, sb.SetStatus(id, StatusError, "Gangguan supplier."))
	tr := mustTrx(t, sb, id)
	assert.Equal(t, "error", tr.Status)
	assert.Equal(t, "Gangguan supplier.", tr.Note)
	assert.Equal(t, start, sb.Balance(), "error refunds")
	assert.Equal(t, []string{id + ":processing", id + ":error"}, sink.statuses(), "SetStatus sends its callback")

	require.NoError(t, sb.SetStatus(id, StatusSuccess, "SN123"))
	assert.Equal(t, start-3235, sb.Balance(), "success after error charges again")

	// A forced status cancels the schedule.
	other := gameOrder(t, sb, "ML14-S14", "1")
	require.NoError(t, sb.SetStatus(other, StatusSuccess, "early"))
	clk.Add(time.Hour)
	assert.Zero(t, sb.Step())
	assert.Equal(t, "early", mustTrx(t, sb, other).Note)

	soc := socialOrder(t, sb, "1001", "acct", "1000")
	before := sb.Balance()
	require.NoError(t, sb.SetStatus(soc, StatusPartial, ""))
	st := mustTrx(t, sb, soc)
	assert.Equal(t, int64(500), st.Remain)
	assert.Equal(t, before+st.Price/2, sb.Balance())

	assert.True(t, errors.Is(sb.SetStatus("VPNOPE", StatusSuccess, ""), ErrUnknownTransaction))
	assert.True(t, errors.Is(sb.SetStatus(id, "done", ""), ErrInvalidStatus))
	_, ok := sb.Transaction("VPNOPE")
	assert.False(t, ok)
}

func TestConcurrentOrders(t *testing.T) {
	sb, clk := newSB(t, Config{Balance: 1 << 40, GameServices: 20_000})
	const workers, each = 8, 250
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				ep, kv := EndpointPrepaid, []string{"service", "PLN20", "data_no", "5100" + string(rune('a'+w)) + string(rune('a'+i%26))}
				if i%2 == 0 {
					ep, kv = EndpointGame, []string{"service", "ML14-S14", "data_no", "77" + string(rune('a'+w))}
				}
				a := call(t, sb, ep, "order", kv...)
				if !a.Result {
					t.Errorf("order: %s", a.Message)
					return
				}
				if i%50 == 0 {
					call(t, sb, ep, "status", "limit", "20")
					sb.Step()
				}
			}
		}()
	}
	wg.Wait()
	require.Len(t, sb.Transactions(""), workers*each)
	clk.Add(time.Hour)
	start := time.Now()
	sb.Step()
	t.Logf("final step over %d transactions: %v", workers*each, time.Since(start))
	for _, tr := range sb.Transactions("") {
		require.Equal(t, StatusSuccess, tr.Status)
	}
}
