package sandbox

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCallbacks(t *testing.T) {
	sink := newSink(t)
	sb, clk := newSB(t, Config{CallbackURL: sink.URL})
	g := gameOrder(t, sb, "ML14-S14", "136216325")
	p := prepaidOrder(t, sb, "PLN20", "51234567")
	s := socialOrder(t, sb, "3249", "video", "1000")
	clk.Add(time.Second)
	assert.Equal(t, 3, sb.Step())
	clk.Add(2 * time.Second)
	assert.Equal(t, 3, sb.Step())
	assert.Zero(t, sb.Step())

	assert.Equal(t, []string{g + ":processing", p + ":processing", s + ":processing", g + ":success", p + ":success", s + ":success"}, sink.statuses())
	assert.Equal(t, 6, sb.CallbacksSent())
	for _, h := range sink.headers {
		assert.Equal(t, "application/json", h.Get("Content-Type"))
		assert.Equal(t, sb.Signature(), h.Get("X-Client-Signature"))
	}
	sink.mu.Lock()
	defer sink.mu.Unlock()
	assert.ElementsMatch(t, []string{"data"}, keys(sink.bodies[0]))
	gd := sink.bodies[3]["data"].(map[string]any)
	assert.Equal(t, map[string]any{"trxid": g, "data": "136216325", "zone": "2685",
		"service": "Mobile Legends A - 14 Diamonds ( 13 + 1 Bonus )", "status": "success", "note": "", "price": 3235.0}, gd)
	pd := sink.bodies[4]["data"].(map[string]any)
	assert.ElementsMatch(t, []string{"trxid", "data", "code", "service", "status", "note", "price"}, keys(pd))
	assert.Regexp(t, `^\d{4}(-\d{4}){4}$`, pd["note"])
	sd := sink.bodies[5]["data"].(map[string]any)
	assert.ElementsMatch(t, []string{"trxid", "data", "service", "quantity", "status", "remain", "count", "note", "price"}, keys(sd))
	pr := sink.bodies[2]["data"].(map[string]any)
	assert.EqualValues(t, 1000, pr["remain"], "processing snapshot, not the later state")
}

func TestCallbacksDisabledAndLateURL(t *testing.T) {
	sb, clk := newSB(t, Config{})
	gameOrder(t, sb, "FF5-S13", "1")
	clk.Add(time.Second)
	assert.Equal(t, 1, sb.Step(), "transitions happen without a callback URL")
	assert.Zero(t, sb.CallbacksSent())

	sink := newSink(t)
	sb.SetCallbackURL(sink.URL)
	clk.Add(2 * time.Second)
	sb.Step()
	assert.Len(t, sink.statuses(), 1)
	assert.Equal(t, 1, sb.CallbacksSent())
}

func TestCallbackUnreachableNotCounted(t *testing.T) {
	sink := newSink(t)
	url := sink.URL
	sink.Close()
	sb, clk := newSB(t, Config{CallbackURL: url, CallbackClient: nil})
	gameOrder(t, sb, "FF5-S13", "1")
	clk.Add(time.Hour)
	assert.Equal(t, 2, sb.Step())
	assert.Zero(t, sb.CallbacksSent())
}

func TestCallbackFaults(t *testing.T) {
	t.Run("drop", func(t *testing.T) {
		sink := newSink(t)
		sb, clk := newSB(t, Config{CallbackURL: sink.URL})
		sb.Inject(Fault{Kind: FaultDropCallback})
		id := gameOrder(t, sb, "FF5-S13", "1")
		clk.Add(time.Hour)
		assert.Equal(t, 2, sb.Step())
		assert.Equal(t, []string{id + ":success"}, sink.statuses())
		assert.Equal(t, 1, sb.CallbacksSent())
	})
	t.Run("duplicate", func(t *testing.T) {
		sink := newSink(t)
		sb, clk := newSB(t, Config{CallbackURL: sink.URL})
		sb.Inject(Fault{Kind: FaultDuplicateCallback, Endpoint: EndpointPrepaid, Times: -1})
		g := gameOrder(t, sb, "FF5-S13", "1")
		p := prepaidOrder(t, sb, "PLN20", "2")
		clk.Add(time.Hour)
		sb.Step()
		assert.Equal(t, []string{g + ":processing", p + ":processing", p + ":processing", g + ":success", p + ":success", p + ":success"}, sink.statuses())
		assert.Equal(t, 6, sb.CallbacksSent())
	})
	t.Run("reorder", func(t *testing.T) {
		sink := newSink(t)
		sb, clk := newSB(t, Config{CallbackURL: sink.URL})
		sb.Inject(Fault{Kind: FaultReorderCallback})
		id := socialOrder(t, sb, "3249", "v", "100")
		clk.Add(time.Second)
		assert.Equal(t, 1, sb.Step())
		assert.Empty(t, sink.statuses(), "processing is held back")
		clk.Add(2 * time.Second)
		sb.Step()
		assert.Equal(t, []string{id + ":success", id + ":processing"}, sink.statuses())
	})
	t.Run("reorder released by SetStatus", func(t *testing.T) {
		sink := newSink(t)
		sb, clk := newSB(t, Config{CallbackURL: sink.URL})
		sb.Inject(Fault{Kind: FaultReorderCallback})
		id := gameOrder(t, sb, "ML14-S14", "1777")
		clk.Add(time.Second)
		sb.Step()
		require.NoError(t, sb.SetStatus(id, StatusSuccess, "done"))
		assert.Equal(t, []string{id + ":success", id + ":processing"}, sink.statuses())
	})
	t.Run("callback faults ignore requests", func(t *testing.T) {
		sb, _ := newSB(t, Config{})
		sb.Inject(Fault{Kind: FaultDropCallback, Times: -1})
		assert.True(t, call(t, sb, EndpointGame, "services").Result)
		assert.Equal(t, 1, sb.faults.Len())
	})
}
