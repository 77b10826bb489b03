package hooks

// The order vocabulary (design §4-§5): statuses, dispatch states, event
// sources and outcomes, how provider statuses map onto ours, and the two
// ways an order is written: updateOrder and its audit trail, addOrderEvent.

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/vipbase/vipbase/vipreseller"
)

// Order statuses (design §4).
const (
	OrderPending    = "pending"
	OrderProcessing = "processing"
	OrderSuccess    = "success"
	OrderFailed     = "failed"
	OrderPartial    = "partial"
	// Revision 2 (§11), for gateway checkouts: unpaid waits for the money
	// (nothing charged); expired means it never came.
	OrderUnpaid  = "unpaid"
	OrderExpired = "expired"
)

// Dispatch states (orders.dispatch, hidden): where the provider send stands.
const (
	dispatchQueued   = "queued"   // committed, never sent: safe to send
	dispatchSending  = "sending"  // a send may have started: never send again
	dispatchSent     = "sent"     // the provider accepted it (has a trxid)
	dispatchUnknown  = "unknown"  // the send's outcome is unknown: reconcile
	dispatchRetry    = "retry"    // refused before execution (balance/throttle): send again later
	dispatchRejected = "rejected" // refused for good: failed + refunded
)

// Order event sources.
const (
	SourceAPI       = "api"
	SourceHook      = "hook"
	SourceDispatch  = "dispatch"
	SourceWebhook   = "webhook"
	SourcePoll      = "poll"
	SourceReconcile = "reconcile"
	SourceAdmin     = "admin"
)

// Outcomes of applying news about an order (also webhook_logs.outcome).
const (
	OutcomeApplied   = "applied"
	OutcomeDuplicate = "duplicate"
	OutcomeStale     = "stale"
)

// orderStatusFor maps a provider status to ours; "" = unknown (keep polling).
func orderStatusFor(providerStatus string) string {
	switch providerStatus {
	case vipreseller.StatusWaiting, vipreseller.StatusProcessing, "pending":
		return OrderProcessing
	case vipreseller.StatusSuccess:
		return OrderSuccess
	case vipreseller.StatusError, "failed", "gagal":
		return OrderFailed
	case vipreseller.StatusPartial:
		return OrderPartial
	}
	return ""
}

// IsTerminal reports whether nothing but a superuser may move an order on
// (and, for expired, a payment confirmed late: design §4).
func IsTerminal(status string) bool {
	return status == OrderSuccess || status == OrderFailed || status == OrderPartial || status == OrderExpired
}

// endpointFor is the provider API area of an order category.
func endpointFor(category string) vipreseller.Endpoint {
	switch category {
	case CategoryGame:
		return vipreseller.EndpointGame
	case CategoryPrepaid:
		return vipreseller.EndpointPrepaid
	default:
		return vipreseller.EndpointSocial
	}
}

// updateOrder runs fn on the order as read inside a transaction, through
// the shared-transaction writer (pbsqlite.GroupCommit): alone when the
// database is idle, batched with concurrent writes under load. fn must
// touch the database only through tx and be safe to run again from scratch
// (it is, when everything it decides comes from the o it is given): a batch
// that fails is re-run write by write.
func (s *Service) updateOrder(orderID string, fn func(tx core.App, o *core.Record) error) error {
	return s.writes.Do(func(tx core.App) error {
		o, err := tx.FindRecordById("orders", orderID)
		if err != nil {
			return err
		}
		return fn(tx, o)
	})
}

// addOrderEvent appends to the order's audit trail in the caller's transaction.
func (s *Service) addOrderEvent(tx core.App, orderID, from, to, source, note string) error {
	col, err := tx.FindCachedCollectionByNameOrId("order_events")
	if err != nil {
		return err
	}
	ev := core.NewRecord(col)
	ev.Set("order", orderID)
	ev.Set("from", from)
	ev.Set("to", to)
	ev.Set("source", source)
	ev.Set("note", truncate(note, 2000))
	return s.writeRecord(tx, ev)
}
