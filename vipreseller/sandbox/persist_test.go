package sandbox

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// statusOf looks a trxid up the way a store does (type=status) and returns
// its one item.
func statusOf(t *testing.T, sb *Sandbox, ep, trxid string) map[string]any {
	t.Helper()
	a := call(t, sb, ep, "status", "trxid", trxid)
	require.True(t, a.Result, "%s: %s", trxid, a.Message)
	items := list(t, a)
	require.Len(t, items, 1)
	return items[0]
}

func TestStateSurvivesARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox_state.json")
	clk := newClock()
	cfg := Config{Seed: 7, StatePath: path, Now: clk.Now, ProcessingAfter: -1, CompleteAfter: time.Hour}

	srv, err := Start(cfg)
	require.NoError(t, err)
	stuck := prepaidOrder(t, srv.Sandbox, "TELKOMSEL_10K", "081234567777") // processing until SetStatus
	later := prepaidOrder(t, srv.Sandbox, "PLN20", "51234567")             // success in an hour
	acct := gameOrder(t, srv.Sandbox, "NETFLIX1M-S1", "buyer@example.com") // takes one unit of stock
	social := socialOrder(t, srv.Sandbox, "3249", "video", "1000")
	before := map[string]map[string]any{}
	for id, ep := range map[string]string{stuck: EndpointPrepaid, later: EndpointPrepaid, acct: EndpointGame, social: EndpointSocial} {
		before[id] = statusOf(t, srv.Sandbox, ep, id)
		assert.Equal(t, StatusProcessing, before[id]["status"], id)
	}
	balance := srv.Balance()
	stock, err := srv.Stock("NETFLIX1M-S1")
	require.NoError(t, err)
	require.Equal(t, int64(11), stock)
	srv.Close() // writes the state

	again, err := Start(cfg)
	require.NoError(t, err)
	t.Cleanup(again.Close)
	for id, ep := range map[string]string{stuck: EndpointPrepaid, later: EndpointPrepaid, acct: EndpointGame, social: EndpointSocial} {
		assert.Equal(t, before[id], statusOf(t, again.Sandbox, ep, id), "%s is known after the restart, unchanged", id)
	}
	assert.Equal(t, balance, again.Balance())
	stock, err = again.Stock("NETFLIX1M-S1")
	require.NoError(t, err)
	assert.Equal(t, int64(11), stock)
	assert.Len(t, again.Transactions(""), 4)

	dup := call(t, again.Sandbox, EndpointSocial, "order", "service", "3249", "data", "video", "quantity", "1000")
	assert.Equal(t, msgDuplicatePending, dup.Message, "the pending social order still blocks a duplicate")
	next := prepaidOrder(t, again.Sandbox, "TELKOMSEL_10K", "0812000001")
	assert.NotContains(t, []string{stuck, later, acct}, next, "new trxids do not reuse saved ones")

	// The schedule went on where it was: an hour after the order it is done.
	clk.Add(time.Hour)
	again.Step()
	assert.Equal(t, StatusSuccess, mustTrx(t, again.Sandbox, later).Status)
	assert.Equal(t, StatusProcessing, mustTrx(t, again.Sandbox, stuck).Status)
	require.NoError(t, again.SetStatus(stuck, StatusSuccess, "SN-1"))
	assert.Equal(t, "SN-1", statusOf(t, again.Sandbox, EndpointPrepaid, stuck)["note"])
}

func TestDueWhileDownCompletesAndCallsBackAfterRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox_state.json")
	clk := newClock()
	cfg := Config{Seed: 3, StatePath: path, Now: clk.Now} // 1s to processing, 2s more to final
	before := newSink(t)
	sb := New(cfg)
	sb.SetCallbackURL(before.URL)
	ok := prepaidOrder(t, sb, "TELKOMSEL_10K", "081200000001")
	bad := prepaidOrder(t, sb, "TELKOMSEL_10K", "081200000999") // error, refunded
	start := DefaultBalance
	price := mustTrx(t, sb, ok).Price
	clk.Add(time.Second)
	sb.Step()
	assert.Equal(t, []string{ok + ":processing", bad + ":processing"}, before.statuses())
	require.NoError(t, sb.SaveState())
	// The process stops here; the final transitions fall due while it is down.

	clk.Add(10 * time.Second)
	after := newSink(t)
	sb2 := New(cfg)
	assert.Zero(t, sb2.Step(), "no receiver yet: the callbacks wait")
	assert.Equal(t, StatusSuccess, mustTrx(t, sb2, ok).Status, "applied right after start")
	assert.Equal(t, StatusError, mustTrx(t, sb2, bad).Status)
	assert.Equal(t, start-price, sb2.Balance(), "the error was refunded, the success was not")
	require.NoError(t, sb2.SaveState()) // the queued callbacks survive another restart too

	sb3 := New(cfg)
	sb3.SetCallbackURL(after.URL) // the store sets its URL once it listens
	assert.Equal(t, 2, sb3.Step())
	assert.Equal(t, []string{ok + ":success", bad + ":error"}, after.statuses())
	assert.Len(t, before.statuses(), 2, "nothing went to the old receiver")
	assert.Zero(t, sb3.Step(), "each callback is sent once")
	assert.Regexp(t, `^\d{18}$`, statusOf(t, sb3, EndpointPrepaid, ok)["note"])
}

func TestAppliedButUnsentCallbackSurvives(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox_state.json")
	clk := newClock()
	cfg := Config{Seed: 3, StatePath: path, Now: clk.Now}
	sink := newSink(t)
	sb := New(cfg)
	sb.SetCallbackURL(sink.URL)
	id := prepaidOrder(t, sb, "PLN20", "51234567")
	clk.Add(time.Second)
	assert.Equal(t, StatusProcessing, statusOf(t, sb, EndpointPrepaid, id)["status"], "a status read applies the transition")
	require.NoError(t, sb.SaveState()) // down before the next Step sent its callback
	assert.Empty(t, sink.statuses())

	sb2 := New(cfg)
	sb2.SetCallbackURL(sink.URL)
	clk.Add(2 * time.Second)
	sb2.Step()
	assert.Equal(t, []string{id + ":processing", id + ":success"}, sink.statuses())
}

func TestRunSavesWithoutClose(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sandbox_state.json")
	srv, err := Start(Config{StatePath: path, ProcessingAfter: -1, CompleteAfter: time.Hour})
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	id := prepaidOrder(t, srv.Sandbox, "PLN20", "51234567")
	require.Eventually(t, func() bool {
		b, _ := os.ReadFile(path)
		return strings.Contains(string(b), id)
	}, 5*time.Second, 20*time.Millisecond, "written within about a second of the order, before any Close")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temp files left behind")

	// A process killed now (no Close) restarts with the order.
	sb := New(Config{StatePath: path, ProcessingAfter: -1, CompleteAfter: time.Hour})
	assert.Equal(t, StatusProcessing, statusOf(t, sb, EndpointPrepaid, id)["status"])
}

func TestStateFileProblems(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sandbox_state.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"version":1,"transactions":[{"trxid":"VP1"`), 0o600))
	_, err := Open(Config{StatePath: path})
	require.Error(t, err)
	assert.Contains(t, err.Error(), path)
	_, err = Start(Config{StatePath: path})
	require.Error(t, err, "Start refuses a state it cannot read instead of overwriting it")
	assert.Panics(t, func() { New(Config{StatePath: path}) })
	b, _ := os.ReadFile(path)
	assert.Contains(t, string(b), `"VP1"`, "the unreadable file is left alone")

	fresh := filepath.Join(dir, "sub", "state.json")
	sb, err := Open(Config{StatePath: fresh})
	require.NoError(t, err, "a missing file is a fresh start")
	assert.Equal(t, DefaultBalance, sb.Balance())
	require.NoError(t, sb.SaveState())
	assert.FileExists(t, fresh)

	mem := New(Config{})
	require.NoError(t, mem.SaveState(), "no StatePath: nothing to do")
}
