package sandbox

import (
	"container/heap"
	"fmt"
	"time"

	"github.com/vipbase/vipbase/internal/simhttp"
)

// Transaction statuses.
const (
	StatusWaiting    = "waiting"
	StatusProcessing = "processing"
	StatusSuccess    = "success"
	StatusError      = "error"
	StatusPartial    = "partial"
)

func terminal(status string) bool {
	return status == StatusSuccess || status == StatusError || status == StatusPartial
}

// Transaction is a snapshot of one order as the sandbox holds it.
type Transaction struct {
	TrxID       string
	Endpoint    string // game-feature, prepaid or social-media
	Service     string // service code (social: numeric id)
	ServiceName string // as shown in "service": "<game> - <name>" for games
	Target      string // data_no, or data for social
	Zone        string // game data_zone
	Status      string
	Note        string // SN on success, reason on error
	Price       int64  // charged
	Quantity    int64  // social quantity; 1 for game and prepaid
	Remain      int64  // social: units not delivered
	StartCount  int64  // social: the "count" field
	Created     time.Time
	Updated     time.Time // time of the last transition
}

// transition is one scheduled status change.
type transition struct {
	at         time.Time
	status     string
	note       string
	remain     int64
	startCount int64
}

type txn struct {
	Transaction
	plan     []transition
	seq      int   // creation order, breaks ties between equal due times
	step     int   // index of the next transition in plan
	refunded int64 // provider balance given back so far
}

// event is a callback produced by a transition, marshalled at that moment.
type event struct {
	trxid    string
	endpoint string
	terminal bool
	body     []byte
}

// refundFor is what the provider gives back for a status: all of it on
// error, the undelivered share on partial.
func refundFor(t *Transaction) int64 {
	switch t.Status {
	case StatusError:
		return t.Price
	case StatusPartial:
		if t.Quantity > 0 {
			return t.Price * t.Remain / t.Quantity
		}
	}
	return 0
}

// applyLocked moves t to a new status, settles refunds and the pending index
// and queues the callback. s.mu must be held.
func (s *Sandbox) applyLocked(t *txn, tr transition) {
	wasPending := !terminal(t.Status)
	t.Status, t.Note, t.Remain, t.Updated = tr.status, tr.note, tr.remain, tr.at
	if tr.startCount > 0 {
		t.StartCount = tr.startCount
	}
	want := refundFor(&t.Transaction)
	s.balance += want - t.refunded
	t.refunded = want
	if t.Endpoint == EndpointSocial {
		k := pendingKey(t.Service, t.Target)
		switch isPending := !terminal(t.Status); {
		case wasPending && !isPending:
			if s.pending[k]--; s.pending[k] <= 0 {
				delete(s.pending, k)
			}
		case !wasPending && isPending:
			s.pending[k]++
		}
	}
	body := simhttp.Marshal(struct {
		Data any `json:"data"`
	}{itemOf(t)})
	s.outbox = append(s.outbox, event{trxid: t.TrxID, endpoint: t.Endpoint, terminal: terminal(t.Status), body: body})
	s.rev++
}

func pendingKey(service, target string) string { return service + "\x00" + target }

// advanceLocked applies every transition of t that is due at now.
func (s *Sandbox) advanceLocked(t *txn, now time.Time) {
	applied := false
	for t.step < len(t.plan) && !t.plan[t.step].at.After(now) {
		tr := t.plan[t.step]
		t.step++
		s.applyLocked(t, tr)
		applied = true
	}
	if applied {
		s.scheduleLocked(t)
	}
}

func (s *Sandbox) scheduleLocked(t *txn) {
	if t.step < len(t.plan) {
		heap.Push(&s.sched, schedEntry{at: t.plan[t.step].at, t: t, step: t.step})
	}
}

// applyDueLocked applies every transition due at now, one at a time in due
// order across transactions, so a late Step still emits callbacks in the
// order the transitions happened.
func (s *Sandbox) applyDueLocked(now time.Time) {
	for s.sched.Len() > 0 && !s.sched[0].at.After(now) {
		e := heap.Pop(&s.sched).(schedEntry)
		t := e.t
		if e.step != t.step || t.step >= len(t.plan) { // stale: a status read or SetStatus got there first
			continue
		}
		tr := t.plan[t.step]
		t.step++
		s.applyLocked(t, tr)
		s.scheduleLocked(t)
	}
}

// SetStatus forces a transaction's status (with note as SN or reason),
// cancels its remaining schedule, settles the refund (error: all, partial:
// half of a social order's units) and sends the callback before returning.
func (s *Sandbox) SetStatus(trxid, status, note string) error {
	switch status {
	case StatusWaiting, StatusProcessing, StatusSuccess, StatusError, StatusPartial:
	default:
		return fmt.Errorf("%w: %q", ErrInvalidStatus, status)
	}
	s.mu.Lock()
	t := s.txns[trxid]
	if t == nil {
		s.mu.Unlock()
		return fmt.Errorf("%w: %q", ErrUnknownTransaction, trxid)
	}
	t.plan = t.plan[:t.step]
	tr := transition{at: s.now(), status: status, note: note, remain: t.Remain}
	if t.Endpoint == EndpointSocial {
		switch status {
		case StatusSuccess:
			tr.remain = 0
		case StatusError:
			tr.remain = t.Quantity
		case StatusPartial:
			tr.remain = t.Quantity / 2
		}
	}
	s.applyLocked(t, tr)
	s.mu.Unlock()
	s.flush(false)
	return nil
}

// Transaction returns a snapshot of a transaction of any endpoint. It shows
// transitions already applied (by Step or a status read), not merely due.
func (s *Sandbox) Transaction(trxid string) (Transaction, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.txns[trxid]
	if t == nil {
		return Transaction{}, false
	}
	return t.Transaction, true
}

// Transactions returns snapshots of an endpoint's transactions, oldest
// first; endpoint "" returns all of them.
func (s *Sandbox) Transactions(endpoint string) []Transaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	list := s.all
	if endpoint != "" {
		list = s.byEndpoint[endpoint]
	}
	out := make([]Transaction, len(list))
	for i, t := range list {
		out[i] = t.Transaction
	}
	return out
}

// schedEntry is a due time for transition step of t; entries whose step no
// longer matches t.step are stale and skipped.
type schedEntry struct {
	at   time.Time
	t    *txn
	step int
}

type schedHeap []schedEntry

func (h schedHeap) Len() int { return len(h) }
func (h schedHeap) Less(i, j int) bool {
	if !h[i].at.Equal(h[j].at) {
		return h[i].at.Before(h[j].at)
	}
	return h[i].t.seq < h[j].t.seq
}
func (h schedHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *schedHeap) Push(x any)   { *h = append(*h, x.(schedEntry)) }
func (h *schedHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = schedEntry{}
	*h = old[:len(old)-1]
	return e
}
