package pbsqlite

// Internal tests of the shared-transaction writer. They look at its queue,
// so they live in package pbsqlite with a bare test app of their own.

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/stretchr/testify/require"
)

func newGroupCommitApp(t *testing.T) *tests.TestApp {
	t.Helper()
	app, err := tests.NewTestApp()
	require.NoError(t, err)
	t.Cleanup(app.Cleanup)
	_, err = app.DB().NewQuery("CREATE TABLE gc_rows (id TEXT PRIMARY KEY, n INTEGER NOT NULL)").Execute()
	require.NoError(t, err)
	return app
}

func insertGC(tx core.App, id string, n int) error {
	_, err := tx.DB().Insert("gc_rows", dbx.Params{"id": id, "n": n}).Execute()
	return err
}

func countGC(t *testing.T, app core.App, where string) int {
	t.Helper()
	var n int
	require.NoError(t, app.DB().NewQuery("SELECT COUNT(*) FROM gc_rows WHERE "+where).Row(&n))
	return n
}

// queued waits until n writes wait behind the running batch.
func (g *GroupCommit) queuedAtLeast(t *testing.T, n int) {
	t.Helper()
	require.Eventually(t, func() bool {
		g.mu.Lock()
		defer g.mu.Unlock()
		return len(g.queue) >= n
	}, 5*time.Second, time.Millisecond)
}

// holdFirst starts a write that keeps the writer busy until release is
// closed, so the writes started after it queue up into one batch.
func holdFirst(t *testing.T, g *GroupCommit) (release func(), done <-chan error) {
	t.Helper()
	gate, started, ch := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		ch <- g.Do(func(tx core.App) error {
			close(started)
			<-gate
			return insertGC(tx, "first", 0)
		})
	}()
	<-started
	return func() { close(gate) }, ch
}

// queueInserts starts n writes that each insert one row and count the
// transaction they ran in; it returns once all of them wait in the queue.
func queueInserts(t *testing.T, g *GroupCommit, n int) (txs map[*core.TxAppInfo]int, errs chan error) {
	t.Helper()
	var mu sync.Mutex
	txs, errs = map[*core.TxAppInfo]int{}, make(chan error, n)
	for i := range n {
		go func() {
			errs <- g.Do(func(tx core.App) error {
				mu.Lock()
				txs[tx.TxInfo()]++
				mu.Unlock()
				return insertGC(tx, fmt.Sprint("w", i), i)
			})
		}()
	}
	g.queuedAtLeast(t, n)
	return txs, errs
}

func TestGroupCommitBatchesQueuedWrites(t *testing.T) {
	app := newGroupCommitApp(t)
	g := NewGroupCommit(app)
	release, firstDone := holdFirst(t, g)

	const n = 40
	txs, errs := queueInserts(t, g, n)
	release()
	require.NoError(t, <-firstDone)
	for range n {
		require.NoError(t, <-errs)
	}

	require.Equal(t, n+1, countGC(t, app, "1=1"))
	require.Len(t, txs, 1, "the 40 queued writes committed in one transaction")
	for _, c := range txs {
		require.Equal(t, n, c)
	}
}

func TestGroupCommitSplitsBatchesAtTheLimit(t *testing.T) {
	app := newGroupCommitApp(t)
	g := NewGroupCommit(app)
	release, firstDone := holdFirst(t, g)

	n := MaxGroupedWrites + 10
	txs, errs := queueInserts(t, g, n)
	release()
	require.NoError(t, <-firstDone)
	for range n {
		require.NoError(t, <-errs)
	}
	require.Equal(t, n+1, countGC(t, app, "1=1"))
	sizes := []int{}
	for _, c := range txs {
		sizes = append(sizes, c)
	}
	require.ElementsMatch(t, []int{MaxGroupedWrites, 10}, sizes)
}

// A failing or panicking write gets its own error; the writes batched
// with it commit once, and nothing of the bad write remains.
func TestGroupCommitIsolatesAFailingWrite(t *testing.T) {
	app := newGroupCommitApp(t)
	g := NewGroupCommit(app)
	release, firstDone := holdFirst(t, g)

	boom := errors.New("boom")
	type result struct {
		i   int
		err error
	}
	const n = 12
	results := make(chan result, n)
	var mu sync.Mutex
	runs := map[int]int{}
	for i := range n {
		go func() {
			err := g.Do(func(tx core.App) error {
				mu.Lock()
				runs[i]++
				mu.Unlock()
				if err := insertGC(tx, fmt.Sprint("w", i), i); err != nil {
					return err
				}
				switch i {
				case 3:
					return boom // after writing: the row must not survive
				case 7:
					panic("bad write")
				}
				return nil
			})
			results <- result{i, err}
		}()
	}
	g.queuedAtLeast(t, n)
	release()
	require.NoError(t, <-firstDone)
	for range n {
		r := <-results
		switch r.i {
		case 3:
			require.ErrorIs(t, r.err, boom)
		case 7:
			require.ErrorContains(t, r.err, "panic in a grouped write: bad write")
		default:
			require.NoError(t, r.err, "write %d", r.i)
		}
	}
	require.Equal(t, n-2+1, countGC(t, app, "1=1"))
	require.Zero(t, countGC(t, app, "id IN ('w3','w7')"))
	for i := range n {
		require.LessOrEqual(t, runs[i], 2, "write %d ran at most twice (batch, then alone)", i)
	}
}

// A batch that committed is never run again, even when a hook after the
// commit fails or panics; the drainer survives and serves the next write.
func TestGroupCommitNeverRerunsACommittedBatch(t *testing.T) {
	app := newGroupCommitApp(t)
	g := NewGroupCommit(app)
	release, firstDone := holdFirst(t, g)

	const n = 8
	var mu sync.Mutex
	runs := map[int]int{}
	errs := make(chan error, n)
	for i := range n {
		go func() {
			errs <- g.Do(func(tx core.App) error {
				mu.Lock()
				runs[i]++
				mu.Unlock()
				switch i {
				case 2:
					tx.TxInfo().OnComplete(func(error) error { return errors.New("after-commit hook failed") })
				case 5:
					tx.TxInfo().OnComplete(func(error) error { panic("after-commit hook panicked") })
				}
				return insertGC(tx, fmt.Sprint("w", i), i)
			})
		}()
	}
	g.queuedAtLeast(t, n)
	release()
	require.NoError(t, <-firstDone)
	for range n {
		require.NoError(t, <-errs)
	}
	require.Equal(t, n+1, countGC(t, app, "1=1"))
	for i := range n {
		require.Equal(t, 1, runs[i], "write %d ran once", i)
	}

	// Alone, too: committed is done, and the drainer still works.
	require.NoError(t, g.Do(func(tx core.App) error {
		tx.TxInfo().OnComplete(func(error) error { panic("again") })
		return insertGC(tx, "alone", 0)
	}))
	require.NoError(t, g.Do(func(tx core.App) error { return insertGC(tx, "after", 0) }))
	require.Equal(t, n+3, countGC(t, app, "1=1"))
	g.Wait()
}

// Writes of one batch run in order and see each other: the second of two
// writes to one row finds the first's change, as the webhook relies on for
// a callback that arrives twice at once.
func TestGroupCommitWritesSeeEarlierWritesOfTheirBatch(t *testing.T) {
	app := newGroupCommitApp(t)
	g := NewGroupCommit(app)
	require.NoError(t, insertGC(app, "row", 0))
	release, firstDone := holdFirst(t, g)

	const n = 10
	type result struct {
		won bool
		err error
	}
	applied := make(chan result, n)
	for range n {
		go func() {
			var won bool
			err := g.Do(func(tx core.App) error {
				res, err := tx.DB().NewQuery("UPDATE gc_rows SET n = 1 WHERE id = 'row' AND n = 0").Execute()
				if err != nil {
					return err
				}
				k, _ := res.RowsAffected()
				won = k == 1
				return nil
			})
			applied <- result{won, err}
		}()
	}
	g.queuedAtLeast(t, n)
	release()
	require.NoError(t, <-firstDone)
	wins := 0
	for range n {
		r := <-applied
		require.NoError(t, r.err)
		if r.won {
			wins++
		}
	}
	require.Equal(t, 1, wins)
}
