package hooks_test

import (
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestSoak places a few thousand orders across every category through the
// real HTTP routes while the sandbox provider misbehaves (timeouts, 5xx,
// HTML, garbage, answers without trxid, throttling, no provider balance;
// dropped, duplicated and reordered callbacks) and the app is restarted twice
// mid-run: once gracefully, once by a simulated crash. Time is compressed by
// moving the orders' clock fields into the past between runs of the poll job.
// At the end it checks money, the provider's books, what shoppers were told
// and the WhatsApp messages they got (one per finished order that has a phone).
//
// CI runs it in its own step without -race: go test -count=1 -run TestSoak ./hooks/
// VIPBASE_SOAK_ORDERS overrides the number of shopper requests (default 2150).
//
// Where the parts live:
//   - soak_world_test.go: the world (soakWorld, its apps, users, products and
//     shoppers), starting and restarting apps, the poll driver and the drain.
//   - soak_fakes_test.go: the kill switch, the injected provider faults, the
//     provider and callback logs, and the count of faults hit.
//   - soak_invariants_test.go: the end state and one check per invariant,
//     run in sequence by check.
//   - soak_payments_test.go, soak_notify_test.go: the payment and WhatsApp legs.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("soak test: skipped with -short")
	}
	n := 2150
	if v := os.Getenv("VIPBASE_SOAK_ORDERS"); v != "" {
		var err error
		n, err = strconv.Atoi(v)
		require.NoError(t, err, "VIPBASE_SOAK_ORDERS")
	}
	started := time.Now()
	w := newSoakWorld(t)
	intents := w.planIntents(n)
	payIntents := w.planPayments()

	// Shoppers, the poll job and two restarts, all at once.
	shopStart := time.Now()
	var done atomic.Int64
	work := make(chan *soakIntent)
	var shoppers sync.WaitGroup
	for range soakShoppers {
		shoppers.Add(1)
		go func() {
			defer shoppers.Done()
			for in := range work {
				<-w.budget
				w.shop(in)
				done.Add(1)
			}
		}()
	}
	go func() {
		defer close(work)
		for _, in := range intents {
			work <- in
		}
	}()
	payWork := make(chan *soakPayIntent)
	for range soakPayShoppers {
		shoppers.Add(1)
		go func() {
			defer shoppers.Done()
			for in := range payWork {
				<-w.budget
				w.shopPay(in)
			}
		}()
	}
	go func() {
		defer close(payWork)
		for _, in := range payIntents {
			payWork <- in
		}
	}()
	stopDriver := make(chan struct{})
	driverDone := make(chan struct{})
	go func() { defer close(driverDone); w.drive(stopDriver) }()
	for _, r := range []struct {
		at   float64
		kind string
	}{{0.35, "graceful"}, {0.70, "crash"}} {
		for done.Load() < int64(r.at*float64(len(intents))) {
			time.Sleep(10 * time.Millisecond)
		}
		w.restart(r.kind, int(done.Load()))
	}
	shoppers.Wait()
	close(stopDriver)
	<-driverDone
	shopTime := time.Since(shopStart)

	// Let the remaining time pass until every order is settled.
	drainStart := time.Now()
	w.drainPayments()
	w.drain(time.Now().Add(60 * time.Second))
	w.refundGuests()
	w.drainNotifications()
	drainTime := time.Since(drainStart)

	// Quiesce: no more callbacks, no more requests; the app's DB stays open.
	w.stopProvider()
	w.mu.Lock()
	cur := w.cur
	cur.srv.Close()
	w.terminate(cur, false)
	w.mu.Unlock()

	w.check(intents)
	t.Logf("%s", w.summary(time.Since(started), shopTime, drainTime))
}
