package vipreseller

import (
	"context"
	"errors"
	"sync"
)

// confirmPage is the most transactions one coalesced lookup asks for.
const confirmPage = 100

// confirmBatches coalesces concurrent Confirm calls per endpoint.
type confirmBatches struct {
	mu      sync.Mutex
	pending map[Endpoint]*confirmBatch
}

// confirmBatch is one lookup shared by every Confirm that joined it before
// its leader got a rate-limiter slot.
type confirmBatch struct {
	ids  []string
	done chan struct{}
	list []Transaction
	err  error
}

// Confirm returns the provider's current view of one transaction, as
// Status with a trxid does. Concurrent calls on an endpoint are coalesced:
// while the first waits for a rate-limiter slot the others join it, and when
// the slot comes one type=status&limit=N answers them all (a lone caller
// asks by trxid). A transaction not on that page is asked for by trxid, so
// the answer is always about the trxid asked. This keeps a burst of
// callbacks from queueing one by one behind the limiter.
func (c *Client) Confirm(ctx context.Context, ep Endpoint, trxid string) (Transaction, error) {
	bs := &c.confirms
	bs.mu.Lock()
	if bs.pending == nil {
		bs.pending = map[Endpoint]*confirmBatch{}
	}
	b := bs.pending[ep]
	leader := b == nil
	if leader {
		b = &confirmBatch{done: make(chan struct{})}
		bs.pending[ep] = b
	}
	b.ids = append(b.ids, trxid)
	bs.mu.Unlock()

	if leader {
		c.runConfirmBatch(ctx, ep, b)
	} else {
		select {
		case <-b.done:
		case <-ctx.Done():
			return Transaction{}, ctx.Err()
		}
	}
	if t, ok := FindTransaction(b.list, trxid); ok {
		return t, nil
	}
	if len(b.ids) == 1 || (b.err != nil && !errors.Is(b.err, context.Canceled) && !errors.Is(b.err, context.DeadlineExceeded)) {
		if b.err != nil {
			return Transaction{}, b.err
		}
		return Transaction{}, &APIError{Endpoint: ep, Type: "status", Message: MsgTransactionNotFound}
	}
	// Not on the shared page (an older transaction), or the leader gave up:
	// ask for this one alone.
	list, err := c.status(ctx, ep, StatusParams{TrxID: trxid})
	if err != nil {
		return Transaction{}, err
	}
	if t, ok := FindTransaction(list, trxid); ok {
		return t, nil
	}
	return Transaction{}, &APIError{Endpoint: ep, Type: "status", Message: MsgTransactionNotFound}
}

// runConfirmBatch takes the limiter slot, seals the batch and asks once.
func (c *Client) runConfirmBatch(ctx context.Context, ep Endpoint, b *confirmBatch) {
	defer close(b.done)
	waitErr := c.limiter.Wait(ctx)
	bs := &c.confirms
	bs.mu.Lock()
	delete(bs.pending, ep) // sealed: later callers start the next batch
	ids := append([]string(nil), b.ids...)
	bs.mu.Unlock()
	if waitErr != nil {
		b.err = waitErr
		return
	}
	if len(ids) == 1 {
		b.list, b.err = c.statusCall(ctx, ep, StatusParams{TrxID: ids[0]}, true)
		return
	}
	limit := min(max(2*len(ids), 20), confirmPage)
	b.list, b.err = c.statusCall(ctx, ep, StatusParams{Limit: limit}, true)
}

// FindTransaction returns the item of a status answer that is trxid. An
// answer about other transactions (a provider ignoring the trxid parameter)
// is no answer at all: applying it would move the wrong order.
func FindTransaction(list []Transaction, trxid string) (Transaction, bool) {
	for _, t := range list {
		if t.TrxID == trxid {
			return t, true
		}
	}
	return Transaction{}, false
}
