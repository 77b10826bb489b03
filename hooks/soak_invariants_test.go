package hooks_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/hooks/wallet"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

// The invariants TestSoak checks at the end, one function each, run in
// sequence by check against the end state loaded by loadSoakEnd.

// check loads the end state and checks every invariant on it.
func (w *soakWorld) check(intents []*soakIntent) {
	e := w.loadSoakEnd(intents)

	// The run did what it says: enough orders, every category, every fault,
	// both restarts.
	e.checkEnoughOrdersPlaced()
	e.checkOneOrderPerShopperRequest()
	e.checkEveryCategoryOrdered()
	e.checkEveryFaultHappened()
	e.checkBothRestartsHappened()

	// 1. Every order is terminal, or flagged for a person with a reason.
	e.checkEveryOrderSettled()

	// 2. Money: per user the ledger sums to the balance, every balance_after
	// is the running sum, one purchase per order, one refund per failed or
	// partial order (of the right amount), none otherwise.
	e.checkBalanceAfterIsRunningSum()
	e.checkLedgerMatchesBalances()
	e.checkNoNegativeBalance()
	e.checkOnePurchasePerOrder()
	e.checkRefundsMatchOutcome()
	e.checkEveryPurchaseHasOrder()

	// 3. The audit trail ends where the order is.
	e.checkEventsFormChain()
	e.checkLastEventIsStatus()

	// 4. Tracked stock: one unit per order that did not fail.
	e.checkTrackedStock()

	// 5. The provider's side. Every provider transaction is one order's,
	// adopted by it, and the two agree on the outcome.
	e.checkEveryProviderTrxHasOneOrder()
	e.checkExternalIDMatchesProvider()
	e.checkOrdersAgreeWithProvider()
	e.checkEveryExternalIDKnownToProvider()
	e.checkSuccessHasProviderTrx()

	// 6. The provider received exactly one order request per order that
	// reached it: only refusals before execution (throttle, no balance) are
	// followed by another send, and nothing comes after a send that got
	// through, got rejected or was lost.
	e.checkEveryProviderOrderRequestIsAnOrder()
	e.checkOrdersSentAsPlaced()
	e.checkNothingSentAfterFinalAnswer()
	e.checkOrderReachedProviderAtMostOnce()
	e.checkExecutedOrderReachedProviderOnce()
	e.checkWireLogMatchesSandboxLog()
	e.checkProviderGotOneOrderPerSend()

	// 7. What shoppers were told: every order a shopper got a 200 for exists,
	// is theirs, and a final answer they got did not change. Orders nobody
	// was told about come only from keyless requests whose answer was lost.
	e.checkKeyedRequestsGotAnswer()
	e.checkEveryToldOrderExists()
	e.checkToldOrderIsWhatWasAsked()
	e.checkFinalAnswerStands()
	e.checkOneOrderPerKey()
	e.checkUntoldOrdersAreLostKeyless()
	e.checkNoShopperProblems()
	e.checkEveryAnswerExpected()
	e.checkNoPollErrors()

	// 8. Payments (design §11): the payment leg's money invariants.
	e.checkPayments()

	// 9. Notifications (design §12): exactly one WhatsApp message per
	// finished order whose shopper has a phone and wants messages.
	e.checkNotifications()
}

// ---------------------------------------------------------------------------
// The end state.

type soakLedgerEntry struct {
	User   string `db:"user"`
	Type   string `db:"type"`
	Amount int64  `db:"amount"`
	After  int64  `db:"balance_after"`
	Order  string `db:"order"`
}

type soakUserBalance struct {
	ID      string `db:"id"`
	Balance int64  `db:"balance"`
}

type soakEvent struct {
	Order string `db:"order"`
	From  string `db:"from"`
	To    string `db:"to"`
}

// soakAdoption is a provider transaction and the order that owns it.
type soakAdoption struct {
	trx sandbox.Transaction
	o   *soakOrder
}

// soakEnd is what the invariants are checked against: the last app's
// database, the provider's books and wire log, and what shoppers were told.
type soakEnd struct {
	t       *testing.T
	w       *soakWorld
	app     *core.BaseApp
	intents []*soakIntent

	orders []soakOrder
	ledger []soakLedgerEntry // in rowid order
	users  []soakUserBalance
	events []soakEvent // in rowid order

	byID     map[string]*soakOrder
	byNumber map[string]*soakOrder
	byTarget map[string]*soakOrder // endpoint + target: every order has its own

	purchases, refunds map[string][]int64 // ledger amounts by order id

	trxs    []sandbox.Transaction // every provider transaction, by endpoint
	adopted []soakAdoption        // the provider transactions owned by an order (the first per order)
	owned   map[string]bool       // order id → the provider executed it

	payments   []soakPayment
	payByOrder map[string][]*soakPayment // by order id
	gw         map[string]soakGatewayTxn // the gateways' transactions by our payment number
	deposits   map[string][]int64        // ledger deposits tied to an order (checkout payments), by order id

	perOrder  map[string][]provRequest // order requests the provider got, by order id
	orderReqs int                      // order requests the provider got
	refused   int                      // of those, refused before execution (throttle, balance)
}

func endpointOfCategory(c string) string {
	switch c {
	case hooks.CategoryGame:
		return sandbox.EndpointGame
	case hooks.CategoryPrepaid:
		return sandbox.EndpointPrepaid
	}
	return sandbox.EndpointSocial
}

func outcomes(rs []provRequest) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.outcome
	}
	return out
}

// finalSends counts the sends that were not refused before execution.
func finalSends(rs []provRequest) int {
	final := 0
	for _, r := range rs {
		if r.outcome != "throttle" && r.outcome != "balance" {
			final++
		}
	}
	return final
}

func (w *soakWorld) loadSoakEnd(intents []*soakIntent) *soakEnd {
	t := w.t
	app := w.cur.app
	e := &soakEnd{t: t, w: w, app: app, intents: intents}
	require.NoError(t, app.DB().NewQuery("SELECT "+soakOrderCols+" FROM orders").All(&e.orders))
	require.NoError(t, app.DB().NewQuery("SELECT [[user]], [[type]], [[amount]], [[balance_after]], [[order]] FROM wallet_transactions ORDER BY rowid").All(&e.ledger))
	require.NoError(t, app.DB().NewQuery("SELECT id, balance FROM users").All(&e.users))
	require.NoError(t, app.DB().NewQuery("SELECT [[order]], [[from]], [[to]] FROM order_events ORDER BY rowid").All(&e.events))

	e.byID, e.byNumber, e.byTarget = map[string]*soakOrder{}, map[string]*soakOrder{}, map[string]*soakOrder{}
	for i := range e.orders {
		o := &e.orders[i]
		e.byID[o.ID], e.byNumber[o.Number] = o, o
		e.byTarget[endpointOfCategory(o.Category)+"|"+o.Target] = o
	}

	e.purchases, e.refunds = map[string][]int64{}, map[string][]int64{}
	for _, l := range e.ledger {
		switch l.Type {
		case wallet.Purchase:
			e.purchases[l.Order] = append(e.purchases[l.Order], l.Amount)
		case wallet.Refund:
			e.refunds[l.Order] = append(e.refunds[l.Order], l.Amount)
		}
	}

	for _, ep := range []string{sandbox.EndpointGame, sandbox.EndpointPrepaid, sandbox.EndpointSocial} {
		e.trxs = append(e.trxs, w.sb.Transactions(ep)...)
	}
	e.owned = map[string]bool{}
	for _, trx := range e.trxs {
		o := e.byTarget[trx.Endpoint+"|"+trx.Target]
		if o == nil || e.owned[o.ID] {
			continue
		}
		e.owned[o.ID] = true
		e.adopted = append(e.adopted, soakAdoption{trx: trx, o: o})
	}

	e.perOrder = map[string][]provRequest{}
	for _, r := range w.prov.snapshot() {
		if r.typ != "order" {
			continue
		}
		e.orderReqs++
		if r.outcome == "throttle" || r.outcome == "balance" {
			e.refused++
		}
		if o := e.byTarget[r.ep+"|"+r.target]; o != nil {
			e.perOrder[o.ID] = append(e.perOrder[o.ID], r)
		}
	}
	return e
}

// ---------------------------------------------------------------------------
// The run did what it says.

// checkEnoughOrdersPlaced: about 2000 orders per 2150 shopper requests were placed.
func (e *soakEnd) checkEnoughOrdersPlaced() {
	assert.GreaterOrEqual(e.t, len(e.orders), 2000*len(e.intents)/2150, "orders placed")
}

// checkOneOrderPerShopperRequest: no two orders share an endpoint and target (each request has its own).
func (e *soakEnd) checkOneOrderPerShopperRequest() {
	seen := map[string]*soakOrder{}
	for i := range e.orders {
		o := &e.orders[i]
		k := endpointOfCategory(o.Category) + "|" + o.Target
		if prev := seen[k]; prev != nil {
			e.t.Errorf("two orders for one shopper request: %s and %s (%s)", prev.Number, o.Number, o.Target)
		}
		seen[k] = o
	}
}

// checkEveryCategoryOrdered: each category holds more than a fifth of the orders.
func (e *soakEnd) checkEveryCategoryOrdered() {
	perCategory := map[string]int{}
	for _, o := range e.orders {
		perCategory[o.Category]++
	}
	for _, c := range []string{hooks.CategoryGame, hooks.CategoryPrepaid, hooks.CategorySocial} {
		assert.Greater(e.t, perCategory[c], len(e.orders)/5, "%s orders", c)
	}
}

// checkEveryFaultHappened: every injected fault kind was hit at least once.
func (e *soakEnd) checkEveryFaultHappened() {
	faults, _ := e.w.faultsHit()
	for _, k := range []string{"timeout", "http500", "html", "garbage", "no-trxid", "throttle", "balance",
		"status-http500", "status-garbage", "status-html", "cb-duplicate", "cb-reordered", "cb-lost"} {
		assert.Positive(e.t, faults[k], "fault %s never happened", k)
	}
}

// checkBothRestartsHappened: the graceful restart and the crash both took place.
func (e *soakEnd) checkBothRestartsHappened() {
	assert.Len(e.t, e.w.restarts, 2, "restarts")
}

// ---------------------------------------------------------------------------
// 1. Settlement.

// checkEveryOrderSettled: every order is terminal, or flagged for review with a reason.
func (e *soakEnd) checkEveryOrderSettled() {
	for _, o := range e.orders {
		if !hooks.IsTerminal(o.Status) && strings.TrimSpace(o.Review) == "" { // expired is terminal
			e.t.Errorf("order %s is %s (dispatch %s) without a review reason", o.Number, o.Status, o.Dispatch)
		}
	}
}

// ---------------------------------------------------------------------------
// 2. Money.

// checkBalanceAfterIsRunningSum: every ledger entry's balance_after is its user's running sum.
func (e *soakEnd) checkBalanceAfterIsRunningSum() {
	running := map[string]int64{}
	for _, l := range e.ledger {
		running[l.User] += l.Amount
		if running[l.User] != l.After {
			e.t.Errorf("user %s: balance_after %d, running sum %d", l.User, l.After, running[l.User])
			running[l.User] = l.After
		}
	}
}

// checkLedgerMatchesBalances: per user the ledger sums to the balance.
func (e *soakEnd) checkLedgerMatchesBalances() {
	sum := map[string]int64{}
	for _, l := range e.ledger {
		sum[l.User] += l.Amount
	}
	for _, u := range e.users {
		assert.Equal(e.t, u.Balance, sum[u.ID], "user %s: ledger sum vs balance", u.ID)
	}
}

// checkNoNegativeBalance: no user's balance is below zero.
func (e *soakEnd) checkNoNegativeBalance() {
	for _, u := range e.users {
		assert.GreaterOrEqual(e.t, u.Balance, int64(0), "user %s balance", u.ID)
	}
}

// checkOnePurchasePerOrder: every wallet order has exactly one purchase, of its price (checkouts: checkCheckoutMoney).
func (e *soakEnd) checkOnePurchasePerOrder() {
	for _, o := range e.orders {
		if o.isCheckout() {
			continue
		}
		if p := e.purchases[o.ID]; len(p) != 1 || p[0] != -o.Price {
			e.t.Errorf("order %s (price %d): purchases %v, want exactly one of %d", o.Number, o.Price, p, -o.Price)
		}
	}
}

// checkRefundsMatchOutcome: one full refund per failed order, one pro-rata refund per partial one, none otherwise.
func (e *soakEnd) checkRefundsMatchOutcome() {
	for _, o := range e.orders {
		if o.isCheckout() && o.User == "" {
			continue // a guest has no wallet: checkCheckoutMoney
		}
		r := e.refunds[o.ID]
		switch o.Status {
		case hooks.OrderFailed:
			if len(r) != 1 || r[0] != o.Price || o.Refunded != o.Price {
				e.t.Errorf("failed order %s (price %d): refunds %v, refunded %d; want exactly one full refund", o.Number, o.Price, r, o.Refunded)
			}
		case hooks.OrderPartial:
			want := o.Price * o.Remains / o.Quantity
			if o.Remains <= 0 || len(r) != 1 || r[0] != want || o.Refunded != want {
				e.t.Errorf("partial order %s (price %d, %d of %d remain): refunds %v; want exactly one of %d", o.Number, o.Price, o.Remains, o.Quantity, r, want)
			}
		default:
			if len(r) != 0 || o.Refunded != 0 {
				e.t.Errorf("%s order %s: refunds %v; want none", o.Status, o.Number, r)
			}
		}
	}
}

// checkEveryPurchaseHasOrder: no purchase is for an order that does not exist.
func (e *soakEnd) checkEveryPurchaseHasOrder() {
	for id := range e.purchases {
		if e.byID[id] == nil {
			e.t.Errorf("purchase for order %s, which does not exist", id)
		}
	}
}

// ---------------------------------------------------------------------------
// 3. The audit trail.

// checkEventsFormChain: each order's events chain, every one starting where the previous ended.
func (e *soakEnd) checkEventsFormChain() {
	last := map[string]string{}
	for _, ev := range e.events {
		if prev, ok := last[ev.Order]; ok && prev != ev.From {
			e.t.Errorf("order %s: event %q→%q after %q", ev.Order, ev.From, ev.To, prev)
		}
		last[ev.Order] = ev.To
	}
}

// checkLastEventIsStatus: each order's last event ends at the order's status.
func (e *soakEnd) checkLastEventIsStatus() {
	last := map[string]string{}
	for _, ev := range e.events {
		last[ev.Order] = ev.To
	}
	for _, o := range e.orders {
		if last[o.ID] != o.Status {
			e.t.Errorf("order %s is %s, its last event says %q", o.Number, o.Status, last[o.ID])
		}
	}
}

// ---------------------------------------------------------------------------
// 4. Stock.

// checkTrackedStock: a tracked product's stock dropped by one per order of it that did not fail.
func (e *soakEnd) checkTrackedStock() {
	for pid, before := range e.w.stock {
		kept := 0
		for _, o := range e.orders {
			if o.Product == pid && o.Status != hooks.OrderFailed && o.Status != hooks.OrderExpired {
				kept++
			}
		}
		p, err := e.app.FindRecordById("products", pid)
		require.NoError(e.t, err)
		assert.Equal(e.t, before-kept, p.GetInt("stock"), "stock of %s", p.GetString("code"))
	}
}

// ---------------------------------------------------------------------------
// 5. The provider's transactions.

// checkEveryProviderTrxHasOneOrder: every provider transaction belongs to an order, and no order to two.
func (e *soakEnd) checkEveryProviderTrxHasOneOrder() {
	owned := map[string]bool{}
	for _, trx := range e.trxs {
		o := e.byTarget[trx.Endpoint+"|"+trx.Target]
		switch {
		case o == nil:
			e.t.Errorf("provider transaction %s (%s %s) belongs to no order", trx.TrxID, trx.Endpoint, trx.Target)
			continue
		case owned[o.ID]:
			e.t.Errorf("order %s bought twice at the provider (also %s)", o.Number, trx.TrxID)
			continue
		}
		owned[o.ID] = true
	}
}

// checkExternalIDMatchesProvider: an order the provider executed carries the provider's trxid.
func (e *soakEnd) checkExternalIDMatchesProvider() {
	for _, a := range e.adopted {
		if o, trx := a.o, a.trx; o.ExternalID != trx.TrxID {
			e.t.Errorf("order %s (%s, %s) has external_id %q, but the provider executed it as %s (%s)",
				o.Number, o.Status, o.Dispatch, o.ExternalID, trx.TrxID, trx.Status)
		}
	}
}

// checkOrdersAgreeWithProvider: an executed order's status (and remains) match the provider's, or it is under review.
func (e *soakEnd) checkOrdersAgreeWithProvider() {
	for _, a := range e.adopted {
		o, trx := a.o, a.trx
		want := map[string]string{sandbox.StatusSuccess: hooks.OrderSuccess, sandbox.StatusError: hooks.OrderFailed,
			sandbox.StatusPartial: hooks.OrderPartial}[trx.Status]
		switch {
		case want == "" && o.Review == "":
			e.t.Errorf("order %s is %s, the provider still has it %s, and no review", o.Number, o.Status, trx.Status)
		case want != "" && o.Status != want:
			e.t.Errorf("order %s is %s, the provider says %s", o.Number, o.Status, trx.Status)
		case trx.Status == sandbox.StatusPartial && o.Remains != trx.Remain:
			e.t.Errorf("partial order %s: %d remain, the provider says %d", o.Number, o.Remains, trx.Remain)
		}
	}
}

// checkEveryExternalIDKnownToProvider: no order carries an external_id the provider has no transaction for.
func (e *soakEnd) checkEveryExternalIDKnownToProvider() {
	for _, o := range e.orders {
		if o.ExternalID != "" && !e.owned[o.ID] {
			e.t.Errorf("order %s has external_id %s that the provider does not know for it", o.Number, o.ExternalID)
		}
	}
}

// checkSuccessHasProviderTrx: every success or partial order was executed by the provider.
func (e *soakEnd) checkSuccessHasProviderTrx() {
	for _, o := range e.orders {
		if (o.Status == hooks.OrderSuccess || o.Status == hooks.OrderPartial) && !e.owned[o.ID] {
			e.t.Errorf("order %s is %s without a provider transaction", o.Number, o.Status)
		}
	}
}

// ---------------------------------------------------------------------------
// 6. The provider's order requests.

// checkEveryProviderOrderRequestIsAnOrder: every order request the provider got is for an existing order.
func (e *soakEnd) checkEveryProviderOrderRequestIsAnOrder() {
	for _, r := range e.w.prov.snapshot() {
		if r.typ != "order" {
			continue
		}
		if e.byTarget[r.ep+"|"+r.target] == nil {
			e.t.Errorf("the provider got an order request for %s %s, which is no order", r.ep, r.target)
		}
	}
}

// checkOrdersSentAsPlaced: every send carries the order's service, zone and (social) quantity.
func (e *soakEnd) checkOrdersSentAsPlaced() {
	for _, o := range e.orders {
		for _, r := range e.perOrder[o.ID] {
			if r.service != o.Code || r.zone != o.Zone || (o.Category == hooks.CategorySocial && r.quantity != strconv.FormatInt(o.Quantity, 10)) {
				e.t.Errorf("order %s sent as %+v", o.Number, r)
			}
		}
	}
}

// checkNothingSentAfterFinalAnswer: only refusals before execution (throttle, balance) are followed by another send.
func (e *soakEnd) checkNothingSentAfterFinalAnswer() {
	for _, o := range e.orders {
		rs := e.perOrder[o.ID]
		for i, r := range rs {
			if r.outcome != "throttle" && r.outcome != "balance" && i != len(rs)-1 {
				e.t.Errorf("order %s sent again after a %s answer: %v", o.Number, r.outcome, outcomes(rs))
			}
		}
	}
}

// checkOrderReachedProviderAtMostOnce: no order got past the provider's refusals more than once.
func (e *soakEnd) checkOrderReachedProviderAtMostOnce() {
	for _, o := range e.orders {
		rs := e.perOrder[o.ID]
		if final := finalSends(rs); final > 1 {
			e.t.Errorf("order %s reached the provider %d times: %v", o.Number, final, outcomes(rs))
		}
	}
}

// checkExecutedOrderReachedProviderOnce: an order the provider executed reached it exactly once.
func (e *soakEnd) checkExecutedOrderReachedProviderOnce() {
	for _, o := range e.orders {
		rs := e.perOrder[o.ID]
		if e.owned[o.ID] && finalSends(rs) != 1 {
			e.t.Errorf("order %s was executed by the provider but its sends were %v", o.Number, outcomes(rs))
		}
	}
}

// checkWireLogMatchesSandboxLog: the order requests on the wire are the ones the sandbox counted.
func (e *soakEnd) checkWireLogMatchesSandboxLog() {
	assert.Equal(e.t, e.w.sandboxOrderCount(), e.orderReqs, "order requests: sandbox log vs wire log")
}

// checkProviderGotOneOrderPerSend: the order requests not refused before execution are the orders' sends that reached the provider.
func (e *soakEnd) checkProviderGotOneOrderPerSend() {
	reached := 0
	for _, o := range e.orders {
		reached += finalSends(e.perOrder[o.ID])
	}
	assert.Equal(e.t, reached, e.w.sandboxOrderCount()-e.refused, "order requests that were not refused before execution = orders that reached the provider")
}

// sandboxOrderCount is the number of order requests the sandbox logged.
func (w *soakWorld) sandboxOrderCount() int {
	sbCount := 0
	for _, ep := range []string{sandbox.EndpointGame, sandbox.EndpointPrepaid, sandbox.EndpointSocial} {
		sbCount += w.sb.Count(ep, "order")
	}
	return sbCount
}

// ---------------------------------------------------------------------------
// 7. What shoppers were told.

// checkKeyedRequestsGotAnswer: every request with an Idempotency-Key ended with a definite answer.
func (e *soakEnd) checkKeyedRequestsGotAnswer() {
	for _, in := range e.intents {
		if in.ambiguous && in.key != "" {
			e.t.Errorf("keyed request %d never got a definite answer: %v", in.idx, in.codes)
		}
	}
}

// checkEveryToldOrderExists: every order number a shopper got in a 200 exists.
func (e *soakEnd) checkEveryToldOrderExists() {
	for _, in := range e.intents {
		for _, num := range in.numbers {
			if e.byNumber[num] == nil {
				e.t.Errorf("shopper was told order %q (request %d), which does not exist", num, in.idx)
			}
		}
	}
}

// checkToldOrderIsWhatWasAsked: an order a shopper was told about is that shopper's, for that target.
func (e *soakEnd) checkToldOrderIsWhatWasAsked() {
	for _, in := range e.intents {
		for _, num := range in.numbers {
			o := e.byNumber[num]
			if o == nil {
				continue
			}
			if o.User != e.w.users[in.user].id || o.Target != in.target {
				e.t.Errorf("order %s is not what request %d asked for", num, in.idx)
			}
		}
	}
}

// checkFinalAnswerStands: a terminal status a shopper was told is the order's status now.
func (e *soakEnd) checkFinalAnswerStands() {
	for _, in := range e.intents {
		for i, num := range in.numbers {
			o := e.byNumber[num]
			if o == nil {
				continue
			}
			if hooks.IsTerminal(in.told[i]) && in.told[i] != o.Status {
				e.t.Errorf("shopper was told order %s is %s; it is now %s", num, in.told[i], o.Status)
			}
		}
	}
}

// checkOneOrderPerKey: an Idempotency-Key made at most one order, the one its shopper was told.
func (e *soakEnd) checkOneOrderPerKey() {
	for _, in := range e.intents {
		if in.key == "" {
			continue
		}
		var keyed []string
		for _, o := range e.orders {
			if o.Key == in.key {
				keyed = append(keyed, o.Number)
			}
		}
		if len(keyed) > 1 || (len(in.numbers) > 0 && (len(keyed) != 1 || keyed[0] != in.numbers[0])) {
			e.t.Errorf("key %s: orders %v, shopper told %v", in.key, keyed, in.numbers)
		}
	}
}

// checkUntoldOrdersAreLostKeyless: orders nobody was told about are no more than the keyless requests whose answer was lost.
func (e *soakEnd) checkUntoldOrdersAreLostKeyless() {
	toldOrders := map[string]bool{}
	keylessLost := 0
	for _, in := range e.intents {
		if in.ambiguous && in.key == "" {
			keylessLost++
		}
		for _, num := range in.numbers {
			toldOrders[num] = true
		}
	}
	untold := 0
	for _, o := range e.orders {
		if !toldOrders[o.Number] && !o.isCheckout() {
			untold++
		}
	}
	assert.LessOrEqual(e.t, untold, keylessLost, "orders nobody was told about vs keyless requests whose answer was lost")
}

// checkNoShopperProblems: shoppers saw no contract violation while shopping (double clicks, replays, key reuse).
func (e *soakEnd) checkNoShopperProblems() {
	for _, p := range e.w.problems {
		e.t.Error(p)
	}
}

// checkEveryAnswerExpected: every HTTP answer a shopper got is one the request could legitimately get.
func (e *soakEnd) checkEveryAnswerExpected() {
	for _, in := range e.intents {
		for i, code := range in.codes {
			ok := false
			switch msg := in.msgs[i]; code {
			case http.StatusOK:
				ok = true
			case http.StatusPaymentRequired:
				ok = e.w.users[in.user].poor && msg == hooks.MsgInsufficientBalance
			case http.StatusConflict:
				ok = (in.mode == modeMismatch && i == len(in.codes)-1 && msg == hooks.MsgIdempotencyMismatch) ||
					(in.prod.tracked && msg == hooks.MsgOutOfStock)
			default: // no answer or a 5xx: a keyless request's answer was lost
				ok = in.key == "" && (code == 0 || code >= 500)
			}
			if !ok {
				e.t.Errorf("request %d (%s %s, user %d): HTTP %d %q", in.idx, in.route, in.prod.code, in.user, code, in.msgs[i])
			}
		}
	}
}

// checkNoPollErrors: no run of the poll job failed.
func (e *soakEnd) checkNoPollErrors() {
	assert.Zero(e.t, e.w.pollErrs.Load(), "poll runs that failed")
}
