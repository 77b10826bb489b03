package simhttp

import "sync"

// Rules is an ordered list of fault rules, each good for a number of uses.
// It is safe for concurrent use. A simulator that must take a rule
// atomically with the state change the rule causes calls Take under its own
// lock as well.
type Rules[F any] struct {
	mu    sync.Mutex
	rules []*rule[F]
}

type rule[F any] struct {
	f    F
	left int // -1 = forever
}

// Add appends f, good for times uses: 0 means once, a negative number
// forever.
func (r *Rules[F]) Add(f F, times int) {
	left := times
	switch {
	case left == 0:
		left = 1
	case left < 0:
		left = -1
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rules = append(r.rules, &rule[F]{f: f, left: left})
}

// Clear removes every rule.
func (r *Rules[F]) Clear() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rules = nil
}

// Take returns the first rule that match accepts and uses it once; a rule
// used up is removed. Rules are tried in the order they were added.
func (r *Rules[F]) Take(match func(F) bool) (F, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, ru := range r.rules {
		if !match(ru.f) {
			continue
		}
		if ru.left > 0 {
			if ru.left--; ru.left == 0 {
				r.rules = append(r.rules[:i:i], r.rules[i+1:]...)
			}
		}
		return ru.f, true
	}
	var zero F
	return zero, false
}

// Len returns how many rules are left.
func (r *Rules[F]) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.rules)
}
