package hooks

import (
	"context"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/types"
)

// The callback inbox: rows stored `received` by the webhook are processed
// here, off the request. The queue is only a fast path: a row that does
// not fit, or that a crash or restart left behind, is found again by the
// sweep (at start, then every minute), because the row itself is the
// durable record.
const (
	inboxWorkers = 64   // concurrent confirmations; Client.Confirm coalesces them into shared status pages
	inboxQueue   = 4096 // queued row ids; beyond that the sweep picks them up
	inboxSweep   = 1000 // rows one sweep looks at
	// inboxSweepAge: the minute sweep leaves younger rows to the queue.
	inboxSweepAge = 30 * time.Second
)

type callbackInbox struct {
	queue chan string
	once  sync.Once

	mu      sync.Mutex
	pending map[string]bool // queued or being processed
	idle    *sync.Cond      // signalled when pending becomes empty
}

func newCallbackInbox() *callbackInbox {
	in := &callbackInbox{queue: make(chan string, inboxQueue), pending: map[string]bool{}}
	in.idle = sync.NewCond(&in.mu)
	return in
}

// enqueue hands rows to the workers; a row already pending is not queued
// twice, and a full queue leaves the rest to the sweep.
func (in *callbackInbox) enqueue(ids ...string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, id := range ids {
		if in.pending[id] {
			continue
		}
		select {
		case in.queue <- id:
			in.pending[id] = true
		default:
		}
	}
}

func (in *callbackInbox) done(id string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	delete(in.pending, id)
	if len(in.pending) == 0 {
		in.idle.Broadcast()
	}
}

// startInbox starts the workers and sweeps what the last process left
// `received` (once per Service, on the first serve).
func (s *Service) startInbox() {
	s.inbox.once.Do(func() {
		for range inboxWorkers {
			s.inflight.Go(s.inboxWorker)
		}
		s.sweepInbox(0) // one indexed query, before the first request is served
	})
}

func (s *Service) inboxWorker() {
	for {
		select {
		case <-s.stop.Done():
			return
		case id := <-s.inbox.queue:
			s.runCallback(id)
		}
	}
}

// runCallback processes one row; a panic is logged and leaves the row
// `received` for the next sweep.
func (s *Service) runCallback(id string) {
	defer s.inbox.done(id)
	defer s.recoverLog("webhook callback", id)
	s.receipts.yield()
	// Shutdown cancels it: the row stays `received` for the next start.
	ctx, cancel := context.WithTimeout(s.stop, webhookLookupWait+10*time.Second)
	defer cancel()
	s.processCallback(ctx, id)
}

// sweepInbox queues rows still `received` that are older than minAge.
func (s *Service) sweepInbox(minAge time.Duration) {
	var ids []string
	q := s.app.DB().Select("id").From("webhook_logs").
		Where(dbx.NewExp("outcome = 'received'")).OrderBy("created").Limit(inboxSweep)
	if minAge > 0 {
		q.AndWhere(dbx.NewExp("created <= {:before}", dbx.Params{"before": types.NowDateTime().Add(-minAge).String()}))
	}
	if err := q.Column(&ids); err != nil {
		s.app.Logger().Error("webhook: could not look for unprocessed callbacks", "error", err)
		return
	}
	if len(ids) > 0 {
		s.app.Logger().Info("webhook: processing callbacks received earlier", "rows", len(ids))
		s.inbox.enqueue(ids...)
	}
}

// WaitWebhooks returns once every callback handed to the workers has been
// processed, or ctx ends. For tests and tools: a callback's answer does not
// wait for its processing.
func (s *Service) WaitWebhooks(ctx context.Context) error { return s.inbox.wait(ctx) }

// wait returns once nothing is queued or being processed, or ctx ends.
func (in *callbackInbox) wait(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() {
		in.mu.Lock()
		defer in.mu.Unlock()
		in.idle.Broadcast()
	})
	defer stop()
	in.mu.Lock()
	defer in.mu.Unlock()
	for len(in.pending) > 0 && ctx.Err() == nil {
		in.idle.Wait()
	}
	return ctx.Err()
}
