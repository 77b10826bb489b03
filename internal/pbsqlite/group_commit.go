package pbsqlite

import (
	"fmt"
	"sync"

	"github.com/pocketbase/pocketbase/core"
)

// MaxGroupedWrites is the most writes one shared transaction carries.
const MaxGroupedWrites = 64

// groupCommit runs small independent writes from many goroutines in shared
// transactions: while one transaction holds SQLite's single writer, the
// writes that arrive queue up and then commit together, so a burst pays one
// commit (one fsync with synchronous=FULL) per batch instead of per write.
// Each write still sees the effects of the writes before it in its batch,
// exactly as if they had run one after another.
//
// A write must only touch the database through the tx it is given (a write
// through the app would wait for the writer the batch holds), and must be
// safe to run again from scratch: if any write of a batch fails, the batch
// is rolled back and every write runs again in its own transaction, so one
// bad write never takes the others down with it. A batch that committed is
// never run again: an after-commit hook that fails or panics is logged, and
// its writes are reported done, as they are.
type GroupCommit struct {
	app     core.App
	mu      sync.Mutex
	queue   []*groupWrite
	running bool
	drains  sync.WaitGroup // the running drainer, waited for on terminate
}

type groupWrite struct {
	fn   func(tx core.App) error
	done chan error
}

// NewGroupCommit returns a GroupCommit that runs its transactions on app.
func NewGroupCommit(app core.App) *GroupCommit { return &GroupCommit{app: app} }

// Do runs fn in a transaction, possibly shared with concurrent writes, and
// returns fn's error once its transaction has ended (committed when nil).
func (g *GroupCommit) Do(fn func(tx core.App) error) error {
	w := &groupWrite{fn: fn, done: make(chan error, 1)}
	g.mu.Lock()
	g.queue = append(g.queue, w)
	if !g.running {
		g.running = true
		g.drains.Add(1)
		go g.drain()
	}
	g.mu.Unlock()
	return <-w.done
}

// Wait returns once no batch is running (shutdown: call it before the
// database closes, after the last Do has been started).
func (g *GroupCommit) Wait() { g.drains.Wait() }

// drain commits batches until the queue is empty, then ends; the next Do
// starts a new drainer.
func (g *GroupCommit) drain() {
	defer g.drains.Done()
	for {
		g.mu.Lock()
		n := min(len(g.queue), MaxGroupedWrites)
		if n == 0 {
			g.running = false
			g.mu.Unlock()
			return
		}
		batch := g.queue[:n:n]
		g.queue = g.queue[n:]
		g.mu.Unlock()
		g.commit(batch)
	}
}

func (g *GroupCommit) commit(batch []*groupWrite) {
	if len(batch) > 1 {
		// On a rollback, find the bad write by running each alone (below).
		committed, _ := g.runTx(func(tx core.App) error {
			for _, w := range batch {
				if err := w.fn(tx); err != nil {
					return err
				}
			}
			return nil
		})
		if committed {
			for _, w := range batch {
				w.done <- nil
			}
			return
		}
	}
	for _, w := range batch {
		committed, err := g.runTx(w.fn)
		if committed {
			err = nil
		}
		w.done <- err
	}
}

// runTx runs fn in one transaction and reports whether it committed. A
// panic (in fn or in a hook) becomes the error: the drainer is not a
// request goroutine, and nothing else would recover it. An error or panic
// after the commit is logged; the caller must not run a committed write
// again.
func (g *GroupCommit) runTx(fn func(tx core.App) error) (committed bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic in a grouped write: %v", p)
		}
		if committed && err != nil {
			g.app.Logger().Error("a hook after a grouped commit failed; the writes are committed", "error", err)
		}
	}()
	err = g.app.RunInTransaction(func(tx core.App) error {
		// Registered first, so it runs first once the transaction ends.
		tx.TxInfo().OnComplete(func(txErr error) error {
			committed = txErr == nil
			return nil
		})
		return fn(tx)
	})
	return committed, err
}
