package hooks

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// receiptsMax is the most rows one receipts INSERT carries (14 bound
// values each, far below SQLite's variable limit).
const receiptsMax = 500

// insertBatcher stores the `received` rows of concurrent requests (provider
// callbacks, gateway notifications) with one multi-row INSERT per batch:
// while one batch is written, the rows that arrive queue up and go in the
// next. A burst is answered after a few statements instead of one save
// each (a save costs about a millisecond of the single writer; 300 at once
// would wait 300 ms). The rows are superuser-only and get their final
// outcome (with the usual after-save hooks) when processed, so these
// inserts fire no hooks.
type insertBatcher[T any] struct {
	writes interface {
		Do(func(tx core.App) error) error
	}
	insert  func(tx core.App, rows []T) error
	mu      sync.Mutex
	queue   []*pendingRows[T]
	running bool
	idle    chan struct{} // closed while no row is being stored; replaced when one starts
}

// receiptBatcher stores received provider callbacks.
type receiptBatcher = insertBatcher[webhookLog]

// receiptsYield is the longest a worker lets incoming requests go first.
const receiptsYield = 20 * time.Millisecond

// yield waits (at most receiptsYield) until no row is being stored:
// answering a burst comes before processing it, whose status lookups wait
// for the provider's (or gateway's) answers anyway.
func (b *insertBatcher[T]) yield() {
	b.mu.Lock()
	idle := b.idle
	b.mu.Unlock()
	if idle == nil {
		return
	}
	t := time.NewTimer(receiptsYield)
	defer t.Stop()
	select {
	case <-idle:
	case <-t.C:
	}
}

type pendingRows[T any] struct {
	rows []T
	done chan error
}

// add stores rows and returns once they are committed (or failed).
func (b *insertBatcher[T]) add(rows []T) error {
	r := &pendingRows[T]{rows: rows, done: make(chan error, 1)}
	b.mu.Lock()
	b.queue = append(b.queue, r)
	if !b.running {
		b.running = true
		b.idle = make(chan struct{})
		go b.drain()
	}
	b.mu.Unlock()
	return <-r.done
}

func (b *insertBatcher[T]) drain() {
	for {
		b.mu.Lock()
		n, rows := 0, 0
		for n < len(b.queue) && (n == 0 || rows+len(b.queue[n].rows) <= receiptsMax) {
			rows += len(b.queue[n].rows)
			n++
		}
		if n == 0 {
			b.running = false
			close(b.idle)
			b.idle = nil
			b.mu.Unlock()
			return
		}
		batch := b.queue[:n:n]
		b.queue = b.queue[n:]
		b.mu.Unlock()

		var all []T
		for _, r := range batch {
			all = append(all, r.rows...)
		}
		err := b.writes.Do(func(tx core.App) error { return b.insert(tx, all) })
		for _, r := range batch {
			r.done <- err
		}
	}
}

// insertReceipts writes rows with one INSERT (created = updated = now).
func insertReceipts(tx core.App, rows []webhookLog) error {
	cols := []string{"id", "source", "trx_id", "status", "payload", "ip", "signature_valid", "outcome",
		"order", "error", "request", "requests", "created", "updated"}
	now := types.NowDateTime().String()
	params := dbx.Params{"now": now, "src": "vip-reseller"}
	values := make([]string, len(rows))
	for i, l := range rows {
		payload := encodeLogPayload(l.payload)
		p := func(name string, v any) string {
			key := fmt.Sprintf("%s%d", name, i)
			params[key] = v
			return "{:" + key + "}"
		}
		values[i] = "(" + strings.Join([]string{p("i", l.id), "{:src}", p("t", truncate(l.trxID, 100)), p("s", truncate(l.status, 50)),
			p("p", string(payload)), p("ip", truncate(l.ip, 100)), p("v", l.signatureValid), p("o", l.outcome),
			"''", "''", p("r", l.request), "1", "{:now}", "{:now}"}, ", ") + ")"
	}
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = "[[" + c + "]]"
	}
	_, err := tx.DB().NewQuery("INSERT INTO {{webhook_logs}} (" + strings.Join(quoted, ", ") + ") VALUES " + strings.Join(values, ", ")).
		Bind(params).Execute()
	return err
}
