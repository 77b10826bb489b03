package hooks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/payment"
	"github.com/vipbase/vipbase/payment/midtrans"
	midsandbox "github.com/vipbase/vipbase/payment/midtrans/sandbox"
	"github.com/vipbase/vipbase/payment/tripay"
	tripaysandbox "github.com/vipbase/vipbase/payment/tripay/sandbox"
)

// The payment leg of TestSoak (design §11): guests and members check out
// through the Tripay simulator with every channel group while it duplicates,
// delays, loses, reorders and mis-signs notifications and its status API
// fails; the shoppers pay, never pay, pay late, pay the wrong amount, or
// their payment fails or expires at the gateway — across the same graceful
// restart and crash as the wallet orders. The checks at the end are the
// money invariants of §11 for every order, payment and user.
//
// VIPBASE_SOAK_PAYMENTS overrides the number of checkouts (default 1100).

const (
	soakPayShoppers = 6
	soakPayDefault  = 1100
)

// Payment outcomes a shopper goes for.
const (
	payPaid   = "paid"   // pays at once
	payNever  = "never"  // never pays: closed by vip_payments_check after the expiry
	payLate   = "late"   // pays after vip_payments_check closed it
	payWrong  = "wrong"  // pays another amount
	payFailed = "failed" // the gateway fails it
	payExpire = "expire" // the gateway expires it
)

type soakPayIntent struct {
	idx     int
	guest   bool
	user    int
	phone   string
	route   string // prepaid | game
	prod    soakProduct
	target  string
	zone    string
	group   string // qris | ewallet | va | retail
	outcome string
	check   bool // presses "Cek pembayaran" after paying
	key     string

	// filled by shopPay
	channel string
	number  string // payment number
	order   string // order number
	token   string
	codes   []int
}

// soakPay is the payment side of the world.
type soakPay struct {
	tp      *tripaysandbox.Server
	mt      *midsandbox.Server
	front   *httptest.Server             // the store's stable public URL (notifications), whatever instance runs
	handler atomic.Pointer[http.Handler] // the running instance's router; nil while restarting
	prices  map[string]int64             // product id → price
	suToken string
	// clockAhead (a time.Duration) moves the gateway's clock forward.
	clockAhead atomic.Int64

	mu       sync.Mutex
	intents  []*soakPayIntent
	injected map[string]int
	problems []string
}

func (w *soakWorld) setupPayments() {
	t := w.t
	w.pay = &soakPay{prices: map[string]int64{}, injected: map[string]int{}}
	tp, err := tripaysandbox.Start(tripaysandbox.Config{Seed: 424242,
		Now:           func() time.Time { return time.Now().Add(time.Duration(w.pay.clockAhead.Load())) },
		RetrySchedule: []time.Duration{20 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond}})
	require.NoError(t, err)
	w.pay.tp = tp
	mt, err := midsandbox.Start(midsandbox.Config{Seed: 535353,
		RetrySchedule: []time.Duration{20 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond}})
	require.NoError(t, err)
	w.pay.mt = mt
	w.pay.front = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		h := w.pay.handler.Load()
		if h == nil {
			http.Error(rw, "restarting", http.StatusServiceUnavailable)
			return
		}
		(*h).ServeHTTP(rw, r)
	}))
}

// payConfig adds the gateway to an instance's config: through the
// instance's kill switch, so a crashed one reaches nobody.
func (w *soakWorld) payConfig(cfg *hooks.Config, kill *killSwitch) {
	tp := w.pay.tp
	mt := w.pay.mt
	cfg.Gateways = []payment.Gateway{
		tripay.New(tp.APIKey(), tp.PrivateKey(), tp.MerchantCode(),
			tripay.WithBaseURL(tp.URL), tripay.WithTimeout(time.Second),
			tripay.WithRetry(3, time.Millisecond, 5*time.Millisecond),
			tripay.WithHTTPClient(&http.Client{Transport: kill})),
		midtrans.New(mt.ServerKey(), midtrans.WithSnapURL(mt.SnapURL), midtrans.WithCoreURL(mt.CoreURL),
			midtrans.WithTimeout(time.Second), midtrans.WithRetry(3, time.Millisecond, 5*time.Millisecond),
			midtrans.WithHTTPClient(&http.Client{Transport: kill})),
	}
	cfg.PublicURL = w.pay.front.URL
}

func (w *soakWorld) loadPrices() {
	for _, route := range []string{"prepaid", "game"} {
		for _, p := range w.products[route] {
			rec, err := w.cur.app.FindRecordById("products", p.id)
			require.NoError(w.t, err)
			w.pay.prices[p.id] = int64(rec.GetInt("price"))
		}
	}
	su := core.NewRecord(mustCollection(w.cur.app, core.CollectionNameSuperusers))
	su.SetEmail("soak-admin@example.com")
	su.SetPassword("1234567890")
	require.NoError(w.t, w.cur.app.Save(su))
	tok, err := su.NewAuthToken()
	require.NoError(w.t, err)
	w.pay.suToken = tok
}

func (w *soakWorld) planPayments() []*soakPayIntent {
	n := soakPayDefault
	if v := os.Getenv("VIPBASE_SOAK_PAYMENTS"); v != "" {
		var err error
		n, err = strconv.Atoi(v)
		require.NoError(w.t, err, "VIPBASE_SOAK_PAYMENTS")
	}
	rng := rand.New(rand.NewPCG(3, 5))
	pick := func(options []string, weights ...int) string {
		total := 0
		for _, x := range weights {
			total += x
		}
		r := rng.IntN(total)
		for i, x := range weights {
			if r < x {
				return options[i]
			}
			r -= x
		}
		return options[len(options)-1]
	}
	out := make([]*soakPayIntent, n)
	for i := range out {
		in := &soakPayIntent{idx: i, guest: rng.IntN(2) == 0, user: rng.IntN(soakUsers)}
		in.phone = fmt.Sprintf("0813%08d", i)
		in.route = []string{"prepaid", "game"}[rng.IntN(2)]
		prods := w.products[in.route]
		for {
			in.prod = prods[rng.IntN(len(prods))]
			if !in.prod.tracked || rng.IntN(4) == 0 {
				break
			}
		}
		// Provider outcomes: mostly delivered; some refused at once (444)
		// or failed later (999): refunds to wallets and to guests.
		suffix := pick([]string{fmt.Sprintf("2%02d", i%100), "444", "999"}, 86, 7, 7)
		if in.route == "prepaid" {
			in.target = fmt.Sprintf("0857%07d%s", i, suffix)
		} else {
			in.target = fmt.Sprintf("pay%06d%s", i, suffix)
			if in.prod.needsZone {
				in.zone = in.prod.zone
			}
		}
		in.group = pick([]string{"qris", "ewallet", "va", "retail", "midtrans"}, 30, 15, 20, 10, 25)
		in.outcome = pick([]string{payPaid, payNever, payLate, payWrong, payFailed, payExpire}, 62, 12, 8, 6, 6, 6)
		in.check = rng.IntN(5) == 0
		in.key = fmt.Sprintf("soakpay-%d-%d", i, rng.Int64())
		out[i] = in
	}
	w.pay.intents = out
	return out
}

func (w *soakWorld) payProblem(format string, args ...any) {
	w.pay.mu.Lock()
	defer w.pay.mu.Unlock()
	w.pay.problems = append(w.pay.problems, fmt.Sprintf(format, args...))
}

// payRequest is one HTTP request of a paying shopper to the running
// instance; code 0 = no answer.
func (w *soakWorld) payRequest(method, path, token string, body any, key string) (int, map[string]any) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, *w.url.Load()+path, rd)
	if err != nil {
		return 0, nil
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	w.shopping.Add(1)
	defer w.shopping.Add(-1)
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

// shopPay is one checkout: pick a channel of the wanted group from the
// live list, check out (resent with the same key until a definite answer),
// follow the invoice, then do what the shopper came to do.
func (w *soakWorld) shopPay(in *soakPayIntent) {
	token := ""
	if !in.guest {
		token = w.users[in.user].token
	}
	price := w.pay.prices[in.prod.id]
	var channels []any
	for try := 0; try < 50 && channels == nil; try++ {
		code, body := w.payRequest(http.MethodGet, "/api/payments/channels?amount="+strconv.FormatInt(price, 10), token, nil, "")
		if code == http.StatusOK {
			channels, _ = body["data"].([]any)
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	var inGroup, all []string
	for _, c := range channels {
		m := c.(map[string]any)
		if m["group"] == "wallet" {
			continue
		}
		all = append(all, m["code"].(string))
		if m["group"] == in.group && m["gateway"] != "midtrans" {
			inGroup = append(inGroup, m["code"].(string))
		}
	}
	if len(all) == 0 {
		w.payProblem("checkout %d: no channel for Rp %d", in.idx, price)
		return
	}
	if in.group == "midtrans" {
		inGroup = []string{"MIDTRANS"}
	}
	if len(inGroup) > 0 {
		in.channel = inGroup[in.idx%len(inGroup)]
	} else {
		in.channel = all[in.idx%len(all)]
	}
	body := map[string]any{"category": in.route, "service": in.prod.code, "target": in.target, "channel": in.channel, "phone": in.phone}
	if in.zone != "" {
		body["zone"] = in.zone
	}
	if guestOptsOut(in) {
		body["notifyWhatsapp"] = false
	}
	if in.route == "prepaid" {
		body["amount"] = price
	}
	var answer map[string]any
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, b := w.payRequest(http.MethodPost, "/api/checkout", token, body, in.key)
		in.codes = append(in.codes, code)
		if code == http.StatusCreated || code == http.StatusOK {
			answer = b
			break
		}
		data, _ := b["data"].(map[string]any)
		if bcode, _ := data["code"].(string); code == http.StatusBadGateway && bcode == hooks.CodeGatewayRefused && in.channel == "MIDTRANS" {
			// Midtrans cannot show an unstarted Snap: a create whose answer
			// was lost is refused when repeated, and the checkout closed.
			return
		}
		if code != 0 && code < 500 {
			if code == http.StatusConflict && in.prod.tracked {
				return // out of stock: a legitimate answer, nothing made
			}
			w.payProblem("checkout %d (%s %s via %s): HTTP %d %v", in.idx, in.route, in.prod.code, in.channel, code, b["message"])
			return
		}
		if time.Now().After(deadline) {
			w.payProblem("checkout %d never got a definite answer: %v", in.idx, in.codes)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	d, _ := answer["data"].(map[string]any)
	p, _ := d["payment"].(map[string]any)
	o, _ := d["order"].(map[string]any)
	if p == nil || o == nil {
		w.payProblem("checkout %d: answer without order or payment: %v", in.idx, answer)
		return
	}
	in.number, _ = p["number"].(string)
	in.order, _ = o["orderNumber"].(string)
	in.token, _ = d["accessToken"].(string)
	total := int64(p["total"].(float64))
	if st := o["status"]; st != hooks.OrderUnpaid {
		w.payProblem("checkout %d answered with order %v, want unpaid", in.idx, st)
	}
	if in.channel == "MIDTRANS" {
		w.payMidtrans(in, total)
	} else if ref := w.payRef(in.number); ref != "" {
		w.payTripay(in, ref, total)
	}
	if in.check {
		code, _ := w.payRequest(http.MethodPost, "/api/checkout/"+in.number+"/check?token="+in.token, "", nil, "")
		if code != http.StatusOK && code != http.StatusTooManyRequests && code != http.StatusBadGateway && code != 0 && code != http.StatusServiceUnavailable {
			w.payProblem("checkout %d: Cek pembayaran answered %d", in.idx, code)
		}
	}
	if code, _ := w.payRequest(http.MethodGet, "/api/checkout/"+in.number+"?token="+in.token, "", nil, ""); code != http.StatusOK && code != 0 && code < 500 {
		w.payProblem("checkout %d: invoice answered %d", in.idx, code)
	}
}

// payMidtrans does what the shopper came to do on Midtrans's page: pick a
// method (QRIS, GoPay or a VA), then pay, pay another amount, fail,
// expire, or leave it.
func (w *soakWorld) payMidtrans(in *soakPayIntent, total int64) {
	mt := w.pay.mt
	if _, ok := mt.Transaction(in.number); !ok {
		return // the create's answer was lost: vip_payments_check looks it up
	}
	method := []string{midsandbox.MethodQRIS, midsandbox.MethodGoPay, midsandbox.MethodBCAVA, midsandbox.MethodBRIVA}[in.idx%4]
	if err := mt.PickMethod(in.number, method); err != nil {
		w.payProblem("checkout %d: midtrans pick %s: %v", in.idx, method, err)
		return
	}
	var err error
	switch in.outcome {
	case payPaid:
		err = mt.Pay(in.number)
	case payWrong:
		err = mt.PayAmount(in.number, total-500)
	case payFailed:
		err = mt.Fail(in.number)
	case payExpire:
		err = mt.Expire(in.number)
	}
	if err != nil {
		w.payProblem("checkout %d: midtrans %s: %v", in.idx, in.outcome, err)
	}
}

// payTripay does it on Tripay's simulator.
func (w *soakWorld) payTripay(in *soakPayIntent, ref string, total int64) {
	if ref == "" {
		// The create's answer was lost and the replay could not reach the
		// gateway either: vip_payments_check looks it up; nothing to pay.
		return
	}
	var err error
	switch in.outcome {
	case payPaid:
		err = w.pay.tp.Pay(ref)
	case payWrong:
		err = w.pay.tp.PayAmount(ref, total-500)
	case payFailed:
		err = w.pay.tp.Fail(ref)
	case payExpire:
		err = w.pay.tp.Expire(ref)
	}
	if err != nil {
		w.payProblem("checkout %d: simulator %s: %v", in.idx, in.outcome, err)
	}
}

// payRef is the gateway's reference of our payment, as the simulator knows it.
func (w *soakWorld) payRef(number string) string {
	for _, t := range w.pay.tp.Transactions() {
		if t.MerchantRef == number {
			return t.Reference
		}
	}
	return ""
}

// injectPayFaults adds a few one-shot gateway faults; called once per
// poll run, so they spread over the whole run.
func (w *soakWorld) injectPayFaults(rng *rand.Rand) {
	kinds := []struct {
		name string
		f    tripaysandbox.Fault
	}{
		{"notify-duplicate", tripaysandbox.Fault{Kind: tripaysandbox.FaultNotifyDuplicate}},
		{"notify-delay", tripaysandbox.Fault{Kind: tripaysandbox.FaultNotifyDelay, Delay: 300 * time.Millisecond}},
		{"notify-lost", tripaysandbox.Fault{Kind: tripaysandbox.FaultNotifyLost}},
		{"notify-out-of-order", tripaysandbox.Fault{Kind: tripaysandbox.FaultNotifyOutOfOrder}},
		{"notify-bad-signature", tripaysandbox.Fault{Kind: tripaysandbox.FaultNotifyBadSignature}},
		{"detail-500", tripaysandbox.Fault{Kind: tripaysandbox.FaultHTTPError, Endpoint: tripaysandbox.EndpointDetail, Times: 3}},
		{"detail-timeout", tripaysandbox.Fault{Kind: tripaysandbox.FaultTimeout, Endpoint: tripaysandbox.EndpointDetail, Delay: 1500 * time.Millisecond}},
		{"create-timeout", tripaysandbox.Fault{Kind: tripaysandbox.FaultTimeout, Endpoint: tripaysandbox.EndpointCreate, Delay: 1500 * time.Millisecond}},
	}
	k := kinds[rng.IntN(len(kinds))]
	w.pay.tp.Inject(k.f)
	mk := []struct {
		name string
		f    midsandbox.Fault
	}{
		{"mt-notify-duplicate", midsandbox.Fault{Kind: midsandbox.FaultNotifyDuplicate}},
		{"mt-notify-lost", midsandbox.Fault{Kind: midsandbox.FaultNotifyLost}},
		{"mt-notify-out-of-order", midsandbox.Fault{Kind: midsandbox.FaultNotifyOutOfOrder}},
		{"mt-notify-late-pending", midsandbox.Fault{Kind: midsandbox.FaultNotifyLatePending}},
		{"mt-notify-bad-signature", midsandbox.Fault{Kind: midsandbox.FaultNotifyBadSignature}},
		{"mt-status-500", midsandbox.Fault{Kind: midsandbox.FaultHTTPError, Endpoint: midsandbox.EndpointStatus, Times: 3}},
		{"mt-create-timeout", midsandbox.Fault{Kind: midsandbox.FaultTimeout, Endpoint: midsandbox.EndpointCreate, Delay: 1500 * time.Millisecond}},
	}[rng.IntN(7)]
	w.pay.mt.Inject(mk.f)
	w.pay.mu.Lock()
	w.pay.injected[k.name]++
	w.pay.injected[mk.name]++
	w.pay.mu.Unlock()
}

// agePayments moves payment clocks back: unpaid payments are "quiet for
// 6 minutes" (lost notifications get asked about); with expire, also past
// their expiry and its grace.
func (w *soakWorld) agePayments(app core.App, expire bool) {
	now := types.NowDateTime()
	p := dbx.Params{"quiet": now.Add(-6 * time.Minute).String(), "old": now.Add(-3 * time.Minute).String(),
		"expired": now.Add(-3 * time.Minute).String(), "recent": now.Add(-time.Second).String()}
	w.exec(app, "UPDATE payments SET checked_at = {:quiet} WHERE status = 'unpaid' AND created <= {:recent}", p)
	w.exec(app, "UPDATE payments SET created = {:old} WHERE status = 'unpaid' AND created <= {:recent}", p)
	if expire {
		w.exec(app, "UPDATE payments SET expires_at = {:expired} WHERE status = 'unpaid'", p)
	}
}

func (w *soakWorld) checkPayments(svc *hooks.Service) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	svc.CheckPayments(ctx)
}

// drainPayments settles the payment side once shopping is over: every
// notification delivered and processed, shoppers who pay late pay after
// the store closed their checkout, the rest expire, and lost notifications
// are found by vip_payments_check.
func (w *soakWorld) drainPayments() {
	w.mu.RLock()
	defer w.mu.RUnlock()
	app, svc := w.cur.app, w.cur.svc
	tp, mt := w.pay.tp, w.pay.mt
	tp.ClearFaults()
	mt.ClearFaults()
	mt.ReleaseHeld()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	settleNotifications := func() {
		tp.Flush()
		mt.Flush()
		require.NoError(w.t, svc.WaitPayments(ctx))
	}
	settleNotifications()
	// Lost notifications of paid ones first: found while still in time.
	w.agePayments(app, false)
	w.checkPayments(svc)
	settleNotifications()
	// Two hours pass at the gateway: it expires what is still unpaid and
	// says so (or the store finds out by asking).
	w.pay.clockAhead.Store(int64(2 * time.Hour))
	time.Sleep(200 * time.Millisecond) // the simulator's expiry loop runs every 50 ms
	settleNotifications()
	w.agePayments(app, true)
	w.checkPayments(svc)
	settleNotifications()
	// The late payers pay now, after the store closed their checkout.
	for _, in := range w.pay.intents {
		if in.outcome != payLate || in.number == "" {
			continue
		}
		if in.channel == "MIDTRANS" {
			if _, ok := mt.Transaction(in.number); ok {
				if err := mt.PayAfterExpiry(in.number); err != nil {
					w.payProblem("checkout %d: midtrans pay after expiry: %v", in.idx, err)
				}
			}
			continue
		}
		if ref := w.payRef(in.number); ref != "" {
			if err := tp.PayAfterExpiry(ref); err != nil {
				w.payProblem("checkout %d: pay after expiry: %v", in.idx, err)
			}
		}
	}
	settleNotifications()
	for range 3 { // lost or deferred news of the late ones
		w.agePayments(app, true)
		w.checkPayments(svc)
		settleNotifications()
	}
	svc.WaitDispatches()
}

// refundGuests records the refunds owed to guests, as an operator would,
// once the provider has settled every order: each once; a second try is
// refused.
func (w *soakWorld) refundGuests() {
	var due []string
	require.NoError(w.t, w.cur.app.DB().NewQuery("SELECT number FROM payments WHERE refund_due > 0 AND status = 'paid'").Column(&due))
	for i, number := range due {
		code, _ := w.payRequest(http.MethodPost, "/api/admin/payments/refund", w.pay.suToken,
			map[string]any{"paymentNumber": number, "note": "transfer BCA"}, "")
		if code != http.StatusOK {
			w.payProblem("refund of %s: HTTP %d", number, code)
		}
		if i%5 == 0 {
			if code, _ := w.payRequest(http.MethodPost, "/api/admin/payments/refund", w.pay.suToken,
				map[string]any{"paymentNumber": number}, ""); code != http.StatusConflict {
				w.payProblem("second refund of %s: HTTP %d, want 409", number, code)
			}
		}
	}
}

// ---------------------------------------------------------------------------
// The end state and the money invariants of §11.

// soakGatewayTxn is a gateway's own view of one payment, either gateway.
type soakGatewayTxn struct {
	paid   bool
	amount int64 // what was paid
	status string
}

type soakPayment struct {
	ID        string `db:"id"`
	Number    string `db:"number"`
	Purpose   string `db:"purpose"`
	Order     string `db:"order"`
	User      string `db:"user"`
	Status    string `db:"status"`
	Amount    int64  `db:"amount"`
	Total     int64  `db:"total"`
	Reference string `db:"reference"`
	RefundDue int64  `db:"refund_due"`
	Review    string `db:"review"`
}

func (e *soakEnd) loadPayments() {
	require.NoError(e.t, e.app.DB().NewQuery("SELECT id, number, purpose, [[order]], user, status, amount, total, reference, "+
		"refund_due, review FROM payments").All(&e.payments))
	e.payByOrder = map[string][]*soakPayment{}
	for i := range e.payments {
		p := &e.payments[i]
		e.payByOrder[p.Order] = append(e.payByOrder[p.Order], p)
	}
	e.gw = map[string]soakGatewayTxn{}
	add := func(number string, g soakGatewayTxn) {
		if _, dup := e.gw[number]; dup {
			e.t.Errorf("payment %s has two gateway transactions", number)
		}
		e.gw[number] = g
	}
	for _, t := range e.w.pay.tp.Transactions() {
		add(t.MerchantRef, soakGatewayTxn{paid: t.Status == tripaysandbox.StatusPaid, amount: t.Paid, status: t.Status})
	}
	for _, t := range e.w.pay.mt.Transactions() {
		if t.Replaced {
			continue // an expired Snap whose order_id a later create reused
		}
		paid := t.Status == midsandbox.StatusSettlement || (t.Status == midsandbox.StatusCapture && t.FraudStatus == midsandbox.FraudAccept)
		add(t.OrderID, soakGatewayTxn{paid: paid, amount: t.PaidAmount, status: t.Status})
	}
	e.deposits = map[string][]int64{}
	for _, l := range e.ledger {
		if l.Type == "deposit" && l.Order != "" {
			e.deposits[l.Order] = append(e.deposits[l.Order], l.Amount)
		}
	}
}

// checkPayments runs the payment invariants.
func (e *soakEnd) checkPayments() {
	e.loadPayments()
	e.checkEnoughCheckouts()
	e.checkEveryPaymentFaultHappened()
	e.checkPaidOrderHasOnePaidPayment()
	e.checkNothingSentUnpaid()
	e.checkExpiredNeverSent()
	e.checkConfirmedPaymentNeverLost()
	e.checkWrongAmountNeverFulfilled()
	e.checkCheckoutMoney()
	e.checkNoPaymentLeftOpen()
	e.checkNoNotificationLeftReceived()
	e.checkNoPaymentProblems()
}

// isCheckout tells orders that were checked out through a gateway.
func (o *soakOrder) isCheckout() bool { return o.Payment != "" }

// checkEnoughCheckouts: most checkouts made an order, across every channel group, guests and members.
func (e *soakEnd) checkEnoughCheckouts() {
	made, guests, groups := 0, 0, map[string]int{}
	for _, in := range e.w.pay.intents {
		if in.order != "" {
			made++
			groups[in.group]++
			if in.guest {
				guests++
			}
		}
	}
	assert.GreaterOrEqual(e.t, made, len(e.w.pay.intents)*9/10, "checkouts that made an order")
	assert.Greater(e.t, guests, made/4, "guest checkouts")
	assert.Less(e.t, guests, made*3/4, "member checkouts")
	for _, g := range []string{"qris", "ewallet", "va", "retail", "midtrans"} {
		assert.Positive(e.t, groups[g], "checkouts through %s", g)
	}
}

// checkEveryPaymentFaultHappened: every kind of gateway fault was injected, and their traces are in the books.
func (e *soakEnd) checkEveryPaymentFaultHappened() {
	for _, k := range []string{"notify-duplicate", "notify-delay", "notify-lost", "notify-out-of-order", "notify-bad-signature", "detail-500", "detail-timeout", "create-timeout",
		"mt-notify-duplicate", "mt-notify-lost", "mt-notify-out-of-order", "mt-notify-late-pending", "mt-notify-bad-signature", "mt-status-500", "mt-create-timeout"} {
		assert.Positive(e.t, e.w.pay.injected[k], "gateway fault %s never injected", k)
	}
	var outcomes []struct {
		Outcome string `db:"outcome"`
		N       int    `db:"n"`
	}
	require.NoError(e.t, e.app.DB().NewQuery("SELECT outcome, COUNT(*) AS n FROM payment_events GROUP BY 1").All(&outcomes))
	seen := map[string]int{}
	for _, o := range outcomes {
		seen[o.Outcome] = o.N
	}
	for _, k := range []string{"applied", "duplicate", "rejected"} {
		assert.Positive(e.t, seen[k], "payment_events %s", k)
	}
	e.t.Logf("soak payments: events %v; faults injected %v", seen, e.w.pay.injected)
}

// checkPaidOrderHasOnePaidPayment: every checkout order at pending or beyond has exactly one paid payment whose confirmed amount is its total.
func (e *soakEnd) checkPaidOrderHasOnePaidPayment() {
	for _, o := range e.orders {
		if !o.isCheckout() || o.Status == hooks.OrderUnpaid || o.Status == hooks.OrderExpired {
			continue
		}
		var paid []*soakPayment
		for _, p := range e.payByOrder[o.ID] {
			if p.Status == hooks.PaymentPaid || p.Status == hooks.PaymentRefunded {
				paid = append(paid, p)
			}
		}
		if len(paid) != 1 {
			e.t.Errorf("order %s is %s with %d paid payments", o.Number, o.Status, len(paid))
			continue
		}
		if g := e.gw[paid[0].Number]; !g.paid || g.amount != paid[0].Total {
			e.t.Errorf("order %s: payment %s is paid, the gateway has it %s with Rp %d of Rp %d", o.Number, paid[0].Number, g.status, g.amount, paid[0].Total)
		}
	}
}

// checkNothingSentUnpaid: no order reached the provider without a wallet purchase or a paid payment.
func (e *soakEnd) checkNothingSentUnpaid() {
	for _, o := range e.orders {
		if len(e.perOrder[o.ID]) == 0 && o.ExternalID == "" {
			continue
		}
		if len(e.purchases[o.ID]) == 1 {
			continue
		}
		paid := false
		for _, p := range e.payByOrder[o.ID] {
			paid = paid || p.Status == hooks.PaymentPaid || p.Status == hooks.PaymentRefunded
		}
		if !paid {
			e.t.Errorf("order %s (%s) reached the provider without a purchase or a paid payment", o.Number, o.Status)
		}
	}
}

// checkExpiredNeverSent: an expired order was never sent.
func (e *soakEnd) checkExpiredNeverSent() {
	for _, o := range e.orders {
		if (o.Status == hooks.OrderExpired || o.Status == hooks.OrderUnpaid) && (len(e.perOrder[o.ID]) > 0 || o.ExternalID != "") {
			e.t.Errorf("%s order %s was sent to the provider", o.Status, o.Number)
		}
	}
}

// checkConfirmedPaymentNeverLost: every payment the gateway has as paid in full is paid in our books, and its money went somewhere.
func (e *soakEnd) checkConfirmedPaymentNeverLost() {
	for i := range e.payments {
		p := &e.payments[i]
		g, ok := e.gw[p.Number]
		if !ok || !g.paid || g.amount != p.Total {
			if p.Status == hooks.PaymentPaid {
				e.t.Errorf("payment %s is paid, the gateway has it %s (Rp %d of %d)", p.Number, g.status, g.amount, p.Total)
			}
			continue
		}
		if p.Status != hooks.PaymentPaid && p.Status != hooks.PaymentRefunded {
			e.t.Errorf("payment %s was paid at the gateway, it is %s here", p.Number, p.Status)
			continue
		}
		o := e.byID[p.Order]
		if o == nil {
			continue
		}
		switch {
		case o.Status != hooks.OrderExpired: // delivered (or refunded by the order's own rules)
		case o.User != "" && len(e.deposits[o.ID]) == 1 && e.deposits[o.ID][0] == p.Amount: // late, to the wallet
		case o.User == "" && (p.RefundDue == p.Amount || p.Status == hooks.PaymentRefunded): // late, owed to a guest
		default:
			e.t.Errorf("payment %s paid Rp %d for expired order %s, and the money went nowhere (deposits %v, due %d)",
				p.Number, p.Amount, o.Number, e.deposits[o.ID], p.RefundDue)
		}
	}
}

// checkWrongAmountNeverFulfilled: a payment of the wrong amount is under review and its order was never sent.
func (e *soakEnd) checkWrongAmountNeverFulfilled() {
	wrong := 0
	for i := range e.payments {
		p := &e.payments[i]
		g, ok := e.gw[p.Number]
		if !ok || !g.paid || g.amount == p.Total {
			continue
		}
		wrong++
		if p.Status == hooks.PaymentPaid || !strings.Contains(p.Review, "expected") {
			e.t.Errorf("payment %s: paid Rp %d of %d, it is %s with review %q", p.Number, g.amount, p.Total, p.Status, p.Review)
		}
		if o := e.byID[p.Order]; o != nil && (len(e.perOrder[o.ID]) > 0 || o.Status != hooks.OrderUnpaid && o.Status != hooks.OrderExpired) {
			e.t.Errorf("order %s of a wrong-amount payment is %s", o.Number, o.Status)
		}
	}
	assert.Positive(e.t, wrong, "payments of the wrong amount")
}

// checkCheckoutMoney: a member's paid checkout has its deposit and its purchase; a guest's has no ledger row; refunds are one per order, to the wallet or owed and recorded.
func (e *soakEnd) checkCheckoutMoney() {
	for _, o := range e.orders {
		if !o.isCheckout() {
			continue
		}
		opened := o.Status != hooks.OrderUnpaid && o.Status != hooks.OrderExpired
		var paid *soakPayment
		for _, p := range e.payByOrder[o.ID] {
			if p.Status == hooks.PaymentPaid || p.Status == hooks.PaymentRefunded {
				paid = p
			}
		}
		want := int64(0)
		switch o.Status {
		case hooks.OrderFailed:
			want = o.Price
		case hooks.OrderPartial:
			want = o.Price * o.Remains / o.Quantity
		}
		if o.User != "" {
			if opened && (len(e.purchases[o.ID]) != 1 || e.purchases[o.ID][0] != -o.Price || len(e.deposits[o.ID]) != 1 || e.deposits[o.ID][0] != o.Price) {
				e.t.Errorf("member order %s (%s): deposits %v, purchases %v; want +%d and -%d", o.Number, o.Status, e.deposits[o.ID], e.purchases[o.ID], o.Price, o.Price)
			}
			if !opened && len(e.purchases[o.ID]) != 0 {
				e.t.Errorf("member order %s (%s) has purchases %v", o.Number, o.Status, e.purchases[o.ID])
			}
			continue
		}
		if len(e.purchases[o.ID])+len(e.refunds[o.ID])+len(e.deposits[o.ID]) != 0 {
			e.t.Errorf("guest order %s has ledger rows", o.Number)
		}
		if want > 0 {
			if paid == nil || paid.RefundDue != want || paid.Status != hooks.PaymentRefunded || o.Refunded != want {
				e.t.Errorf("guest order %s (%s, price %d): want Rp %d owed and recorded once; payment %+v, order refunded %d", o.Number, o.Status, o.Price, want, paid, o.Refunded)
			}
		} else if opened && paid != nil && paid.RefundDue != 0 {
			e.t.Errorf("guest order %s (%s) owes Rp %d", o.Number, o.Status, paid.RefundDue)
		}
	}
}

// checkNoPaymentLeftOpen: after the drain no payment is still unpaid, except one paid with the wrong amount (under review).
func (e *soakEnd) checkNoPaymentLeftOpen() {
	for _, p := range e.payments {
		if p.Status == hooks.PaymentUnpaid && p.Review == "" {
			var r struct {
				Created string `db:"created"`
				Checked string `db:"checked_at"`
				Expires string `db:"expires_at"`
			}
			_ = e.app.DB().NewQuery("SELECT created, checked_at, expires_at FROM payments WHERE id = {:id}").Bind(dbx.Params{"id": p.ID}).One(&r)
			e.t.Errorf("payment %s is still unpaid after the drain (gateway: %s, ref %q, %+v)", p.Number, e.gw[p.Number].status, p.Reference, r)
		}
	}
}

// checkNoNotificationLeftReceived: every notification was processed.
func (e *soakEnd) checkNoNotificationLeftReceived() {
	var n int
	require.NoError(e.t, e.app.DB().NewQuery("SELECT COUNT(*) FROM payment_events WHERE outcome = 'received'").Row(&n))
	assert.Zero(e.t, n, "notifications left received")
}

func (e *soakEnd) checkNoPaymentProblems() {
	for _, p := range e.w.pay.problems {
		e.t.Error(p)
	}
}
