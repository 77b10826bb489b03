package simhttp

import (
	"net/url"
	"sync"
)

// Log is a simulator's request log, safe for concurrent use. It holds
// pointers so a request can be logged as it arrives (hung requests stay
// visible) and completed when its answer is written.
type Log[T any] struct {
	mu    sync.Mutex
	limit int
	recs  []*T
}

// SetLimit keeps only the most recent n entries from now on; n <= 0 keeps
// every entry.
func (l *Log[T]) SetLimit(n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.limit = n
}

// Add appends rec and returns it. stamp, when not nil, is called on rec
// under the log's lock, so the times it stamps follow the log's order.
func (l *Log[T]) Add(rec *T, stamp func(*T)) *T {
	l.mu.Lock()
	defer l.mu.Unlock()
	if stamp != nil {
		stamp(rec)
	}
	l.recs = append(l.recs, rec)
	if l.limit > 0 && len(l.recs) > l.limit {
		l.recs[0] = nil
		l.recs = l.recs[1:] // append reallocates now and then, freeing the old front
	}
	return rec
}

// Update calls f on rec under the log's lock.
func (l *Log[T]) Update(rec *T, f func(*T)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f(rec)
}

// Entries returns copies of the entries, oldest first. clone, when not nil,
// turns a shallow copy into one that shares nothing with the log.
func (l *Log[T]) Entries(clone func(T) T) []T {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]T, len(l.recs))
	for i, r := range l.recs {
		out[i] = *r
		if clone != nil {
			out[i] = clone(out[i])
		}
	}
	return out
}

// Count returns how many entries match accepts.
func (l *Log[T]) Count(match func(*T) bool) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, r := range l.recs {
		if match(r) {
			n++
		}
	}
	return n
}

// Reset empties the log.
func (l *Log[T]) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.recs = nil
}

// CloneValues returns a deep copy of v.
func CloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
