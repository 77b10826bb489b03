package hooks

// Opening a checkout's payment at its gateway: the create (looked up
// before it is repeated), what is stored of the answer, and who the
// gateway is told pays.

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/vipbase/vipbase/payment"
)

// gatewayCreateWait bounds the gateway's create and its lookups; it runs
// detached from the shopper's request, so a closed tab does not turn a
// create into an unknown outcome.
const gatewayCreateWait = 45 * time.Second

// openAtGateway creates the payment's transaction at the gateway and
// stores what it answers. An unanswered create is looked up by our number
// before it is created again, so one payment never has two gateway
// transactions. A definite refusal closes the checkout (payment failed,
// order expired, stock back); no answer at all leaves it unpaid for the
// shopper's retry or vip_payments_check.
func (s *Service) openAtGateway(gw payment.Gateway, c *Checkout) error {
	// One opening per payment at a time: a double-click replayed while the
	// first create is in flight would otherwise find nothing, create again,
	// and the first create's "duplicate merchant_ref" refusal would close a
	// payment the gateway holds open.
	defer s.openings.lock(c.Payment.Id)()
	if fresh, err := s.app.FindRecordById("payments", c.Payment.Id); err == nil {
		c.Payment = fresh
		if fresh.GetString("reference") != "" || fresh.GetString("status") != PaymentUnpaid {
			s.refreshCheckout(c) // opened (or closed) by the click that held the lock
			return nil
		}
	}
	p := c.Payment
	ctx, cancel := context.WithTimeout(s.stop, gatewayCreateWait)
	defer cancel()
	req := s.createRequest(p, c.Order)
	var (
		t   payment.Transaction
		err error
	)
	uncertain := c.Replayed // an earlier create may have happened: look first
	if uncertain {
		t, err = gw.Find(ctx, req.Number)
	}
	if !uncertain || errors.Is(err, payment.ErrNotFound) {
		t, err = gw.Create(ctx, req)
		if errors.Is(err, payment.ErrUnknownOutcome) {
			uncertain = true
			if t, err = gw.Find(ctx, req.Number); errors.Is(err, payment.ErrNotFound) {
				t, err = gw.Create(ctx, req)
			}
		}
	}
	var refused *payment.RefusedError
	switch {
	case errors.As(err, &refused):
		s.app.Logger().Warn("payments: the gateway refused a checkout", "gateway", gw.Name(), "payment", req.Number, "reason", refused.Message)
		if ex, ok := gw.(payment.Expirer); ok && uncertain {
			// A gateway whose lookup cannot see an unstarted transaction
			// (Midtrans before a method is picked) refuses the repeated
			// create because the first one exists, with a pay page nobody
			// was given: closed there too, so nobody pays what the store
			// closes here.
			if xerr := ex.Expire(ctx, req.Number); xerr != nil {
				s.app.Logger().Warn("payments: could not expire a payment the store closed", "gateway", gw.Name(), "payment", req.Number, "error", xerr)
			}
		}
		if cerr := s.closeUnopened(p.Id, PaymentFailed, "The gateway refused the payment: "+refused.Message); cerr != nil {
			return cerr
		}
		s.refreshCheckout(c)
		return errGatewayRefused(refused.Message)
	case err != nil:
		s.app.Logger().Warn("payments: the gateway did not answer a checkout; it is looked up again", "gateway", gw.Name(), "payment", req.Number, "error", err)
		return errGatewayDown
	}
	var stored *core.Record
	err = s.writes.Do(func(tx core.App) error {
		fresh, err := tx.FindRecordById("payments", p.Id)
		if err != nil {
			return err
		}
		stored = fresh
		return s.storeTransaction(tx, fresh, t)
	})
	if err != nil {
		return err
	}
	c.Payment = stored // the order did not change
	return nil
}

// keyedLocks is a mutex per key, dropped when nobody holds or waits for it.
type keyedLocks struct {
	mu sync.Mutex
	m  map[string]*keyedLock
}

type keyedLock struct {
	sync.Mutex
	users int
}

// lock takes key's mutex and returns its unlock.
func (k *keyedLocks) lock(key string) func() {
	k.mu.Lock()
	if k.m == nil {
		k.m = map[string]*keyedLock{}
	}
	l := k.m[key]
	if l == nil {
		l = &keyedLock{}
		k.m[key] = l
	}
	l.users++
	k.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		k.mu.Lock()
		if l.users--; l.users == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
}

// refreshCheckout re-reads the checkout's rows after a write.
func (s *Service) refreshCheckout(c *Checkout) {
	if p, err := s.app.FindRecordById("payments", c.Payment.Id); err == nil {
		c.Payment = p
	}
	if c.Order != nil {
		if o, err := s.app.FindRecordById("orders", c.Order.Id); err == nil {
			c.Order = o
		}
	}
}

// createRequest is what the gateway is asked to create for p.
func (s *Service) createRequest(p, o *core.Record) payment.CreateRequest {
	amount := int64(p.GetInt("amount"))
	item := payment.Item{SKU: "DEPOSIT", Name: "Top up saldo", Price: amount, Quantity: 1}
	if o != nil {
		item = payment.Item{SKU: o.GetString("service_code"), Name: truncate(o.GetString("service_name"), 200), Price: amount, Quantity: 1}
	}
	return payment.CreateRequest{
		Number: p.GetString("number"), Channel: p.GetString("channel"), Amount: amount, Items: []payment.Item{item},
		Customer:    s.customer(p),
		ExpiresAt:   p.GetDateTime("expires_at").Time(),
		CallbackURL: s.paymentCallbackURL(p.GetString("gateway")),
		ReturnURL:   s.paymentReturnURL(p.GetString("number")),
	}
}

// customer is who pays, as the gateway wants it: a guest without an e-mail
// gets an address that cannot receive mail (gateways insist on one).
func (s *Service) customer(p *core.Record) payment.Customer {
	c := payment.Customer{Name: "Pelanggan", Email: p.GetString("email"), Phone: p.GetString("phone")}
	if id := p.GetString("user"); id != "" {
		if u, err := s.app.FindRecordById("users", id); err == nil {
			c.Name = firstNonEmpty(u.GetString("name"), strings.Split(u.GetString("email"), "@")[0], c.Name)
			if c.Email == "" {
				c.Email = u.GetString("email")
			}
		}
	}
	if c.Email == "" {
		host := "guest.invalid"
		if u, err := url.Parse(s.publicURL()); err == nil && u.Hostname() != "" && strings.Contains(u.Hostname(), ".") {
			host = u.Hostname()
		}
		c.Email = "guest-" + firstNonEmpty(c.Phone, "shopper") + "@" + host
	}
	return c
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// storeTransaction writes what the gateway says of a transaction onto an
// unpaid payment: its reference, how to pay, and its expiry. The gateway's
// fee replaces ours when it differs (a stale channel list): what the
// shopper sees on its page is what they must pay.
func (s *Service) storeTransaction(tx core.App, p *core.Record, t payment.Transaction) error {
	if p.GetString("reference") == "" && t.Reference != "" {
		p.Set("reference", t.Reference)
	}
	if t.PayCode != "" {
		p.Set("pay_code", t.PayCode)
	}
	if t.QRString != "" {
		p.Set("qr_string", truncate(t.QRString, 2000))
	}
	if t.CheckoutURL != "" {
		p.Set("checkout_url", t.CheckoutURL)
	}
	if len(t.Instructions) > 0 {
		p.Set("instructions", t.Instructions)
	}
	// The gateway's expiry counts when it is sooner (it clipped ours to the
	// channel's window); a later one never extends the store's wait: the
	// store closes at its own expiry (telling the gateway, if it can be
	// told), and a payment confirmed after that still re-opens the order.
	if exp := p.GetDateTime("expires_at"); !t.ExpiresAt.IsZero() && p.GetString("status") == PaymentUnpaid &&
		(exp.IsZero() || t.ExpiresAt.Before(exp.Time())) {
		p.Set("expires_at", t.ExpiresAt.UTC())
	}
	if p.GetString("status") == PaymentUnpaid && t.Total > 0 && t.Amount == int64(p.GetInt("amount")) && t.Total != int64(p.GetInt("total")) {
		s.app.Logger().Warn("payments: the gateway charges another fee than the cached channel list said",
			"payment", p.GetString("number"), "fee", p.GetInt("fee"), "gatewayFee", t.Fee)
		p.Set("fee", t.Total-t.Amount)
		p.Set("total", t.Total)
	}
	p.Set("raw", rawTransaction(t))
	p.Set("checked_at", types.NowDateTime())
	return s.writeRecord(tx, p)
}

// rawTransaction is the gateway's last answer as stored in payments.raw
// (the client has already removed anything secret).
func rawTransaction(t payment.Transaction) map[string]any {
	return map[string]any{"reference": t.Reference, "number": t.Number, "channel": t.Channel, "amount": t.Amount,
		"fee": t.Fee, "total": t.Total, "status": t.Status, "expiresAt": t.ExpiresAt, "paidAt": t.PaidAt}
}
