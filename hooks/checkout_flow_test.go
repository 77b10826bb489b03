package hooks_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	tripaysandbox "github.com/vipbase/vipbase/payment/tripay/sandbox"
)

// waitPayments waits for the notifications already received and the
// dispatches they started, without waiting for the simulator.
func (e *payEnv) waitPayments() {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	require.NoError(e.t, e.svc.WaitPayments(ctx))
	e.svc.WaitDispatches()
}

// backdatePayment moves a payment's clock fields into the past.
func (e *payEnv) backdatePayment(number string, d time.Duration, fields ...string) {
	e.t.Helper()
	for _, f := range fields {
		_, err := e.app.DB().NewQuery("UPDATE payments SET [[" + f + "]] = {:v} WHERE number = {:n}").
			Bind(dbx.Params{"v": time.Now().UTC().Add(-d).Format("2006-01-02 15:04:05.000Z"), "n": number}).Execute()
		require.NoError(e.t, err)
	}
}

// checkPayments runs vip_payments_check and waits for what it dispatched.
func (e *payEnv) checkPayments() int {
	e.t.Helper()
	n := e.svc.CheckPayments(context.Background())
	e.svc.WaitDispatches()
	return n
}

func (e *payEnv) events(outcome string) int {
	e.t.Helper()
	return e.count("payment_events", "outcome = {:o}", map[string]any{"o": outcome})
}

func (e *payEnv) ledger(email, typ string) []int64 {
	e.t.Helper()
	rows, err := e.app.FindRecordsByFilter("wallet_transactions", "user = {:u} && type = {:t}", "created", 0, 0,
		map[string]any{"u": userIDs[email], "t": typ})
	require.NoError(e.t, err)
	out := []int64{}
	for _, r := range rows {
		out = append(out, int64(r.GetInt("amount")))
	}
	return out
}

// trackStock makes TELKOMSEL_10K a tracked product with n units.
func (e *payEnv) trackStock(n int) {
	e.t.Helper()
	p := e.product("prepaid", "TELKOMSEL_10K")
	p.Set("track_stock", true)
	p.Set("stock", n)
	require.NoError(e.t, e.app.Save(p))
}

func (e *payEnv) stock() int {
	e.t.Helper()
	return e.product("prepaid", "TELKOMSEL_10K").GetInt("stock")
}

func (e *payEnv) price() int64 {
	e.t.Helper()
	return int64(e.product("prepaid", "TELKOMSEL_10K").GetInt("price"))
}

func errCode(r response) string {
	d, _ := r.Body["data"].(map[string]any)
	c, _ := d["code"].(string)
	return c
}

// Every channel group, guest and member: the 201 of design §11 step 4,
// nothing charged and nothing sent while unpaid; paid → sent once, and a
// member's ledger shows the payment in and the purchase out.
func TestCheckoutPerChannelGroupPaidThenSentOnce(t *testing.T) {
	for _, c := range []struct{ ch, who string }{{"QRIS", "guest"}, {"QRIS", "member"}, {"OVO", "guest"}, {"DANA", "member"},
		{"SHOPEEPAY", "guest"}, {"BRIVA", "member"}, {"ALFAMART", "guest"}, {"INDOMARET", "member"}} {
		ch, who := c.ch, c.who
		{
			t.Run(ch+"/"+who, func(t *testing.T) {
				t.Parallel()
				e := newPayEnv(t)
				token := ""
				if who == "member" {
					token = userTokens[userEmail]
				}
				price := e.price()
				r := e.checkout(token, prepaidCheckout(ch, "081234567890"))
				require.Equal(t, http.StatusCreated, r.Status, r.Raw)
				d := r.data()
				o, p := d["order"].(map[string]any), d["payment"].(map[string]any)
				for _, k := range []string{"orderNumber", "status", "service", "target", "zone", "quantity", "amount"} {
					assert.Contains(t, o, k)
				}
				for _, k := range []string{"number", "status", "channel", "amount", "fee", "total", "payCode", "qrString", "checkoutUrl", "instructions", "expiresAt"} {
					assert.Contains(t, p, k)
				}
				assert.Equal(t, hooks.OrderUnpaid, o["status"])
				assert.EqualValues(t, price, o["amount"])
				assert.Equal(t, ch, p["channel"])
				assert.EqualValues(t, price, p["amount"])
				assert.Equal(t, p["amount"].(float64)+p["fee"].(float64), p["total"])
				switch ch {
				case "QRIS":
					assert.NotEmpty(t, p["qrString"])
				case "BRIVA", "ALFAMART", "INDOMARET":
					assert.NotEmpty(t, p["payCode"])
				default:
					assert.NotEmpty(t, p["checkoutUrl"])
				}
				assert.NotEmpty(t, d["accessToken"])
				assert.NotContains(t, r.Raw, "cost")

				number := p["number"].(string)
				row := e.payment(number)
				require.NotEmpty(t, row.Reference)
				assert.Equal(t, 1, e.tp.Count("transaction/create"))
				assert.Len(t, e.tp.Transactions(), 1)
				assert.Equal(t, 0, e.sb.Count("prepaid", "order"), "nothing sent while unpaid")
				assert.Equal(t, 0, e.count("wallet_transactions", "", nil), "nothing charged while unpaid")

				require.NoError(t, e.tp.Pay(row.Reference))
				e.settle()
				assert.Equal(t, hooks.PaymentPaid, e.payment(number).Status)
				ord := e.order(o["orderNumber"].(string))
				assert.Contains(t, []string{hooks.OrderPending, hooks.OrderProcessing}, ord.GetString("status"))
				assert.Equal(t, 1, e.sb.Count("prepaid", "order"), "sent once")
				assert.Equal(t, 1, e.events("applied"))
				if who == "guest" {
					assert.Equal(t, 0, e.count("wallet_transactions", "", nil), "a guest has no ledger")
				} else {
					assert.Equal(t, []int64{price}, e.ledger(userEmail, "deposit"))
					assert.Equal(t, []int64{-price}, e.ledger(userEmail, "purchase"))
					assert.Zero(t, e.balance(userEmail), "the balance is unchanged")
					dep := e.record("wallet_transactions", "type = 'deposit'", nil)
					assert.Equal(t, ord.Id, dep.GetString("order"))
					assert.Contains(t, dep.GetString("note"), number)
					e.assertLedgerConsistent()
				}
			})
		}
	}
}

// OVO needs the shopper's phone at Tripay: a member checking out without
// one gets the gateway's refusal (502), the payment failed and the order
// expired, nothing charged.
func TestCheckoutMemberOVOWithoutPhoneIsRefused(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	e.trackStock(3)
	r := e.checkout(userTokens[userEmail], prepaidCheckout("OVO", ""))
	require.Equal(t, http.StatusBadGateway, r.Status, r.Raw)
	assert.Equal(t, hooks.CodeGatewayRefused, errCode(r))
	assert.Contains(t, r.Raw, "phone")
	p := e.record("payments", "id != ''", nil)
	assert.Equal(t, hooks.PaymentFailed, p.GetString("status"))
	assert.Equal(t, hooks.OrderExpired, e.record("orders", "id != ''", nil).GetString("status"))
	assert.Equal(t, 3, e.stock(), "stock back")
	assert.Empty(t, e.tp.Transactions())
	assert.Equal(t, 0, e.count("wallet_transactions", "", nil))
	assert.Equal(t, 0, e.sb.Count("prepaid", "order"))
}

// SALDO is the wallet path for a member (402 when short) and refused for a guest.
func TestCheckoutSaldo(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	price := e.price()

	r := e.checkout(userTokens[userEmail], prepaidCheckout("SALDO", ""))
	require.Equal(t, http.StatusPaymentRequired, r.Status, r.Raw)
	assert.Equal(t, hooks.CodeInsufficientBalance, errCode(r))
	assert.Equal(t, 0, e.count("orders", "", nil))
	assert.Equal(t, 0, e.sb.Count("prepaid", "order"))

	g := e.checkout("", prepaidCheckout("SALDO", "081234567890"))
	require.Equal(t, http.StatusBadRequest, g.Status, g.Raw)
	assert.Contains(t, g.Raw, "channel")
	assert.Contains(t, g.Raw, "validation_channel_unavailable")
	assert.Equal(t, 0, e.count("orders", "", nil))

	e.deposit(userEmail, 50_000)
	r = e.checkout(userTokens[userEmail], prepaidCheckout("SALDO", ""))
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	assert.Nil(t, r.data()["payment"])
	assert.Empty(t, r.data()["accessToken"])
	e.svc.WaitDispatches()
	assert.Equal(t, 50_000-price, e.balance(userEmail))
	assert.Equal(t, 0, e.count("payments", "", nil))
	assert.Equal(t, 0, e.tp.Count("transaction/create"))
	assert.Equal(t, 1, e.sb.Count("prepaid", "order"))
	e.assertLedgerConsistent()
}

// Expiry at the gateway: payment and order expired, tracked stock back,
// nothing sent or charged.
func TestCheckoutExpiredGivesStockBack(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	e.trackStock(2)
	order, number, ref, _ := e.checkoutOK(userTokens[userEmail], prepaidCheckout("BRIVA", ""))
	assert.Equal(t, 1, e.stock(), "stock taken")
	require.NoError(t, e.tp.Expire(ref))
	e.settle()
	assert.Equal(t, hooks.PaymentExpired, e.payment(number).Status)
	assert.Equal(t, hooks.OrderExpired, e.order(order).GetString("status"))
	assert.Equal(t, 2, e.stock(), "stock back")
	assert.Equal(t, 0, e.sb.Count("prepaid", "order"))
	assert.Equal(t, 0, e.count("wallet_transactions", "", nil))
	assert.Equal(t, 1, e.events("applied"))
}

// A payment that arrives after the order expired re-opens it once and
// sends it; when the product can no longer be sold at that price, a
// member's money goes to the wallet and a guest's is owed.
func TestCheckoutPaidAfterExpiry(t *testing.T) {
	expire := func(e *payEnv, token string) (order, number, ref string) {
		order, number, ref, _ = e.checkoutOK(token, prepaidCheckout("QRIS", "081234567890"))
		require.NoError(e.t, e.tp.Expire(ref))
		e.settle()
		require.Equal(e.t, hooks.OrderExpired, e.order(order).GetString("status"))
		return order, number, ref
	}
	t.Run("reopened", func(t *testing.T) {
		t.Parallel()
		e := newPayEnv(t)
		e.trackStock(1)
		order, number, ref := expire(e, "")
		assert.Equal(t, 1, e.stock())
		require.NoError(t, e.tp.PayAfterExpiry(ref))
		e.settle()
		assert.Equal(t, hooks.PaymentPaid, e.payment(number).Status)
		assert.Contains(t, []string{hooks.OrderPending, hooks.OrderProcessing}, e.order(order).GetString("status"))
		assert.Equal(t, 1, e.sb.Count("prepaid", "order"), "sent once")
		assert.Equal(t, 0, e.stock(), "the unit taken again")
		e.checkPayments()
		assert.Equal(t, 1, e.sb.Count("prepaid", "order"))
	})
	for _, change := range []string{"deactivated", "price raised"} {
		for _, who := range []string{"guest", "member"} {
			t.Run(change+"/"+who, func(t *testing.T) {
				t.Parallel()
				e := newPayEnv(t)
				token := ""
				if who == "member" {
					token = userTokens[userEmail]
				}
				price := e.price()
				order, number, ref := expire(e, token)
				prod := e.product("prepaid", "TELKOMSEL_10K")
				if change == "deactivated" {
					prod.Set("active", false)
				} else {
					prod.Set("price", price+1_000)
				}
				require.NoError(t, e.app.Save(prod))
				require.NoError(t, e.tp.PayAfterExpiry(ref))
				e.settle()
				p := e.payment(number)
				assert.Equal(t, hooks.PaymentPaid, p.Status)
				assert.Equal(t, hooks.OrderExpired, e.order(order).GetString("status"))
				assert.Equal(t, 0, e.sb.Count("prepaid", "order"), "never sent")
				if who == "member" {
					assert.Equal(t, []int64{price}, e.ledger(userEmail, "deposit"))
					assert.Empty(t, e.ledger(userEmail, "purchase"))
					assert.Equal(t, price, e.balance(userEmail))
					assert.Zero(t, p.RefundDue)
					e.assertBalancesMatchLedger()
				} else {
					assert.Equal(t, price, p.RefundDue)
					assert.Contains(t, p.Review, "6281234567890")
					assert.Equal(t, 0, e.count("wallet_transactions", "", nil))
				}
				// More news changes nothing.
				e.checkPayments()
				require.NoError(t, e.tp.Refund(ref))
				e.settle()
				assert.Equal(t, 0, e.sb.Count("prepaid", "order"))
				if who == "member" {
					assert.Equal(t, price, e.balance(userEmail))
				}
			})
		}
	}
}

// The provider refuses a paid order: a member is refunded to the wallet
// once; a guest's payment owes the price, recorded once by the operator.
func TestCheckoutProviderFailureRefunds(t *testing.T) {
	t.Run("member", func(t *testing.T) {
		t.Parallel()
		e := newPayEnv(t)
		price := e.price()
		body := prepaidCheckout("QRIS", "")
		body["target"] = "081200000444"
		order, number, ref, _ := e.checkoutOK(userTokens[userEmail], body)
		require.NoError(t, e.tp.Pay(ref))
		e.settle()
		assert.Equal(t, hooks.OrderFailed, e.order(order).GetString("status"))
		assert.Equal(t, []int64{price}, e.ledger(userEmail, "refund"))
		assert.Equal(t, price, e.balance(userEmail))
		assert.Equal(t, 1, e.sb.Count("prepaid", "order"))
		assert.Zero(t, e.payment(number).RefundDue, "a member's refund is the wallet's")
		e.assertLedgerConsistent()
		r := e.do(http.MethodPost, "/api/admin/payments/refund", superToken, map[string]any{"paymentNumber": number})
		assert.Equal(t, http.StatusConflict, r.Status, r.Raw)
	})
	t.Run("guest", func(t *testing.T) {
		t.Parallel()
		e := newPayEnv(t)
		price := e.price()
		body := prepaidCheckout("QRIS", "081234567890")
		body["target"] = "081200000444"
		order, number, ref, _ := e.checkoutOK("", body)
		require.NoError(t, e.tp.Pay(ref))
		e.settle()
		o := e.order(order)
		assert.Equal(t, hooks.OrderFailed, o.GetString("status"))
		p := e.payment(number)
		assert.Equal(t, hooks.PaymentPaid, p.Status)
		assert.Equal(t, price, p.RefundDue)
		assert.Contains(t, p.Review, "6281234567890")
		assert.Contains(t, o.GetString("review"), "6281234567890")
		assert.Equal(t, 0, e.count("wallet_transactions", "", nil))

		for _, tok := range []string{"", userTokens[userEmail]} {
			r := e.do(http.MethodPost, "/api/admin/payments/refund", tok, map[string]any{"paymentNumber": number})
			assert.Contains(t, []int{401, 403}, r.Status, r.Raw)
		}
		r := e.do(http.MethodPost, "/api/admin/payments/refund", superToken, map[string]any{"paymentNumber": number, "note": "BCA transfer"})
		require.Equal(t, http.StatusOK, r.Status, r.Raw)
		assert.Equal(t, hooks.PaymentRefunded, e.payment(number).Status)
		o = e.order(order)
		assert.EqualValues(t, price, o.GetInt("refunded"))
		assert.Equal(t, 1, e.count("order_events", "order = {:o} && source = 'admin'", map[string]any{"o": o.Id}))
		r = e.do(http.MethodPost, "/api/admin/payments/refund", superToken, map[string]any{"paymentNumber": number})
		assert.Equal(t, http.StatusConflict, r.Status, r.Raw)
		assert.Equal(t, hooks.CodeNotRefundable, errCode(r))
		assert.Equal(t, 1, e.count("order_events", "order = {:o} && source = 'admin'", map[string]any{"o": o.Id}))
		assert.Equal(t, 1, e.sb.Count("prepaid", "order"))
	})
}

// An order is tracked by its number and the phone it was placed with,
// masked; nobody else reads a payment.
func TestCheckoutTrackAndPrivacy(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	order, number, _, token := e.checkoutOK("", prepaidCheckout("QRIS", "081234567890"))
	tr := e.do(http.MethodGet, "/api/orders/track?number="+order+"&phone=0812-3456-7890", "", nil)
	require.Equal(t, http.StatusOK, tr.Status, tr.Raw)
	assert.Equal(t, "0812*****890", tr.data()["order"].(map[string]any)["target"])
	assert.NotContains(t, tr.Raw, "081234567890")
	assert.NotContains(t, tr.Raw, token)
	assert.Equal(t, number, tr.data()["payment"].(map[string]any)["number"])
	assert.Equal(t, http.StatusNotFound, e.do(http.MethodGet, "/api/orders/track?number="+order+"&phone=081299999999", "", nil).Status)
	assert.Equal(t, http.StatusBadRequest, e.do(http.MethodGet, "/api/orders/track?phone=081234567890", "", nil).Status)
	assert.Equal(t, http.StatusBadRequest, e.do(http.MethodGet, "/api/orders/track?number="+order, "", nil).Status)

	// The token's holder sees the target; nobody else sees the checkout.
	v := e.do(http.MethodGet, "/api/checkout/"+number+"?token="+token, "", nil)
	require.Equal(t, http.StatusOK, v.Status)
	assert.Equal(t, "081234567890", v.data()["order"].(map[string]any)["target"])
	assert.Equal(t, "pulsa-reguler", v.data()["order"].(map[string]any)["productType"], "what the SN will be")
	assert.Equal(t, "pulsa-reguler", tr.data()["order"].(map[string]any)["productType"])
	assert.NotContains(t, v.Raw, token, "the view does not repeat the token")
	for _, tok := range []string{"", userTokens[userEmail], userTokens[otherEmail]} {
		assert.Equal(t, http.StatusNotFound, e.do(http.MethodGet, "/api/checkout/"+number, tok, nil).Status)
		assert.Equal(t, http.StatusNotFound, e.do(http.MethodPost, "/api/checkout/"+number+"/check", tok, nil).Status)
	}

	// A member's payment: the owner sees it, the other member does not.
	_, mine, _, _ := e.checkoutOK(userTokens[userEmail], prepaidCheckout("QRIS", ""))
	assert.Equal(t, http.StatusOK, e.do(http.MethodGet, "/api/checkout/"+mine, userTokens[userEmail], nil).Status)
	assert.Equal(t, http.StatusNotFound, e.do(http.MethodGet, "/api/checkout/"+mine, userTokens[otherEmail], nil).Status)
	assert.Equal(t, http.StatusNotFound, e.do(http.MethodGet, "/api/checkout/"+mine, "", nil).Status)

	list := e.do(http.MethodGet, "/api/collections/payments/records", userTokens[userEmail], nil)
	require.Equal(t, http.StatusOK, list.Status, list.Raw)
	assert.EqualValues(t, 1, list.Body["totalItems"])
	assert.NotContains(t, list.Raw, "access_token")
	for _, tok := range []string{"", userTokens[otherEmail]} {
		l := e.do(http.MethodGet, "/api/collections/payments/records", tok, nil)
		assert.EqualValues(t, 0, l.Body["totalItems"], l.Raw)
		assert.NotContains(t, l.Raw, number)
	}
	guestPay := e.record("payments", "number = {:n}", map[string]any{"n": number})
	for _, tok := range []string{"", userTokens[userEmail]} {
		assert.Equal(t, http.StatusNotFound, e.do(http.MethodGet, "/api/collections/payments/records/"+guestPay.Id, tok, nil).Status)
		assert.Contains(t, []int{403, 404}, e.do(http.MethodGet, "/api/collections/payment_events/records", tok, nil).Status)
	}
}

// The same Idempotency-Key clicked five times at once: one order, one
// payment, one gateway transaction; another body under it → 409.
func TestCheckoutIdempotentDoubleClick(t *testing.T) {
	for _, who := range []string{"guest", "member"} {
		t.Run(who, func(t *testing.T) {
			t.Parallel()
			e := newPayEnv(t)
			token := ""
			if who == "member" {
				token = userTokens[userEmail]
			}
			body := prepaidCheckout("QRIS", "081234567890")
			// A slow create: the other clicks arrive while it is in flight.
			e.tp.Inject(tripaysandbox.Fault{Kind: tripaysandbox.FaultLatency, Endpoint: tripaysandbox.EndpointCreate, Delay: 300 * time.Millisecond})
			var wg sync.WaitGroup
			answers := make([]response, 5)
			for i := range answers {
				wg.Go(func() { answers[i] = e.checkout(token, body, "Idempotency-Key", "click-1") })
			}
			wg.Wait()
			numbers := map[string]bool{}
			for _, r := range answers {
				require.Contains(t, []int{200, 201}, r.Status, r.Raw)
				numbers[r.data()["payment"].(map[string]any)["number"].(string)] = true
				assert.Equal(t, hooks.PaymentUnpaid, r.data()["payment"].(map[string]any)["status"], r.Raw)
			}
			assert.Len(t, numbers, 1, "one payment for every click")
			assert.Equal(t, 1, e.count("orders", "", nil))
			assert.Equal(t, 1, e.count("payments", "", nil))
			assert.Len(t, e.tp.Transactions(), 1, "one gateway transaction")
			p := e.record("payments", "id != ''", nil)
			assert.Equal(t, hooks.PaymentUnpaid, p.GetString("status"))
			assert.NotEmpty(t, p.GetString("reference"))

			other := prepaidCheckout("QRIS", "081234567890")
			other["target"] = "081234500000"
			r := e.checkout(token, other, "Idempotency-Key", "click-1")
			assert.Equal(t, http.StatusConflict, r.Status, r.Raw)
			assert.Equal(t, hooks.CodeIdempotencyMismatch, errCode(r))
			assert.Equal(t, 1, e.count("orders", "", nil))
			assert.Len(t, e.tp.Transactions(), 1)
		})
	}
}
