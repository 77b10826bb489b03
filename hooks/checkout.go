package hooks

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/ozzo-validation/v4/is"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/vipbase/vipbase/payment"
)

// CheckoutInput is a shopper's checkout (design §11): the order as §4, how
// it is paid, and the WhatsApp number it is followed by. UserID is empty
// for a guest.
type CheckoutInput struct {
	OrderInput
	Channel string // a gateway channel code, or ChannelWallet
	Phone   string
	Email   string
}

// Checkout is what a checkout made. Payment is nil for a wallet checkout.
type Checkout struct {
	Order    *core.Record
	Payment  *core.Record
	Replayed bool
}

// gatewayCreateWait bounds the gateway's create and its lookups; it runs
// detached from the shopper's request, so a closed tab does not turn a
// create into an unknown outcome.
const gatewayCreateWait = 45 * time.Second

var (
	errGuestCheckoutOff = &orderError{http.StatusUnauthorized, CodeGuestCheckoutOff, "Sign in to check out.", nil}
	errGatewayDown      = &orderError{http.StatusBadGateway, CodeGatewayUnavailable,
		"The payment gateway did not answer. Try again in a moment with the same Idempotency-Key; nothing was charged.", nil}
)

func errGatewayRefused(msg string) *orderError {
	return &orderError{http.StatusBadGateway, CodeGatewayRefused, "The payment could not be created: " + msg, nil}
}

// Checkout validates and prices an order as CreateOrder does and, for a
// gateway channel, commits it unpaid with its payment (nothing charged,
// nothing sent, tracked stock taken), then opens the transaction at the
// gateway. SALDO is exactly the wallet path. A replayed Idempotency-Key
// returns the first checkout (and finishes opening it if that was cut short).
func (s *Service) Checkout(ctx context.Context, in CheckoutInput) (*Checkout, error) {
	if s.client == nil {
		return nil, errOrderNotConfigured
	}
	guest := in.UserID == ""
	if guest && s.cfg.NoGuestCheckout {
		return nil, errGuestCheckoutOff
	}
	if !guest {
		if err := s.checkUser(in.UserID); err != nil {
			return nil, err
		}
	}
	in.Channel = strings.ToUpper(strings.TrimSpace(in.Channel))
	in.Email = strings.TrimSpace(in.Email)
	errs := validation.Errors{}
	switch phone, okPhone := normalisePhone(in.Phone); {
	case strings.TrimSpace(in.Phone) == "" && guest:
		errs["phone"] = errPhoneRequired
	case strings.TrimSpace(in.Phone) != "" && !okPhone:
		errs["phone"] = errPhoneInvalid
	default:
		in.Phone = phone
		if !okPhone {
			in.Phone = ""
		}
	}
	if in.Email != "" && (len(in.Email) > 200 || is.EmailFormat.Validate(in.Email) != nil) {
		errs["email"] = errEmailInvalid
	}
	if in.Channel == "" {
		errs["channel"] = errChannelRequired
	}
	if len(errs) > 0 {
		return nil, invalidOrder(errs)
	}
	if in.Channel == ChannelWallet {
		if guest {
			return nil, invalidOrder(validation.Errors{"channel": errChannelUnavailable})
		}
		in.OrderInput.Phone, in.OrderInput.Email = in.Phone, in.Email // trackable like a gateway checkout
		o, replayed, err := s.placeOrder(ctx, in.OrderInput)
		if err != nil {
			return nil, err
		}
		return &Checkout{Order: o, Replayed: replayed}, nil
	}
	gw, ch := s.findChannel(ctx, in.Channel)
	if gw == nil {
		return nil, invalidOrder(validation.Errors{"channel": errChannelUnavailable})
	}

	in.IdempotencyKey = strings.TrimSpace(in.IdempotencyKey)
	hash := in.hash()
	if in.IdempotencyKey != "" {
		c, err := s.findCheckout(s.app, in, hash)
		if err != nil || c != nil {
			if c != nil {
				return s.resumeCheckout(gw, c)
			}
			return nil, err
		}
	}
	product, err := s.findActiveProduct(in.OrderInput)
	if err != nil {
		return nil, err
	}
	if oe := validateOrderInput(&in.OrderInput, product); oe != nil {
		return nil, oe
	}
	expires := time.Now().Add(clipExpiry(s.cfg.paymentExpiry(), ch)).UTC().Truncate(time.Second)

	var c *Checkout
	err = s.app.RunInTransaction(func(tx core.App) error {
		c = nil
		if in.IdempotencyKey != "" {
			found, err := s.findCheckout(tx, in, hash)
			if err != nil || found != nil {
				c = found
				return err
			}
		}
		p, price, cost, err := priceInTx(tx, product.Id, in.OrderInput)
		if err != nil {
			return err
		}
		if !ch.Accepts(price) {
			return invalidOrder(validation.Errors{"channel": errChannelAmount})
		}
		if err := takeStock(tx, p); err != nil {
			return err
		}
		o, err := buildOrderRecord(tx, in.OrderInput, p, price, cost, hash)
		if err != nil {
			return err
		}
		o.Set("user", in.UserID)
		o.Set("status", OrderUnpaid)
		o.Set("dispatch", "")
		o.Set("next_attempt_at", "")
		o.Set("phone", in.Phone)
		o.Set("email", in.Email)
		o.Set("expires_at", expires)
		if err := tx.Save(o); err != nil {
			return fmt.Errorf("save order: %w", err)
		}
		fee := ch.Customer.For(price)
		pay, err := s.newPayment(tx, paymentSpec{purpose: PurposeOrder, order: o.Id, user: in.UserID, gateway: gw.Name(),
			channel: ch.Code, amount: price, fee: fee, expires: expires, phone: in.Phone, email: in.Email})
		if err != nil {
			return err
		}
		o.Set("payment", pay.Id)
		if err := s.writeRecord(tx, o); err != nil {
			return err
		}
		if err := s.addOrderEvent(tx, o.Id, "", OrderUnpaid, SourceCheckout,
			fmt.Sprintf("Waiting for payment %s (%s, Rp %s).", pay.GetString("number"), ch.Code, Rupiah(price+fee))); err != nil {
			return err
		}
		c = &Checkout{Order: o, Payment: pay}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if c.Payment == nil || c.Replayed {
		return s.resumeCheckout(gw, c)
	}
	return c, s.openAtGateway(gw, c)
}

// hash fingerprints a checkout as the shopper sent it (the order, the
// channel and the contact), for the Idempotency-Key.
func (in CheckoutInput) hash() string {
	sum := sha256.Sum256([]byte(strings.Join([]string{in.OrderInput.requestHash(), in.Channel, in.Phone, in.Email}, "\x1f")))
	return hex.EncodeToString(sum[:16])
}

// findCheckout is the shopper's earlier checkout under the same key (a
// member's per user, a guest's per WhatsApp number), errIdempotencyMismatch
// for another request under it, or nil.
func (s *Service) findCheckout(app core.App, in CheckoutInput, hash string) (*Checkout, error) {
	// Plain SQL on the (user, phone, idempotency_key) index: a record
	// filter's `user = ''` also matches NULL, which the index cannot serve.
	q := app.RecordQuery("orders").Where(dbx.HashExp{"user": in.UserID, "idempotency_key": in.IdempotencyKey}).
		AndWhere(dbx.NewExp("idempotency_key != ''")).Limit(1)
	if in.UserID == "" {
		q.AndWhere(dbx.HashExp{"phone": in.Phone})
	}
	o := &core.Record{}
	if err := q.One(o); err != nil {
		return nil, nil
	}
	var err error
	if o.GetString("request_hash") != hash {
		return nil, errIdempotencyMismatch
	}
	c := &Checkout{Order: o, Replayed: true}
	if id := o.GetString("payment"); id != "" {
		if c.Payment, err = app.FindRecordById("payments", id); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// resumeCheckout answers a replayed checkout; one whose gateway create
// never got an answer is opened now (looked up first, never created twice).
func (s *Service) resumeCheckout(gw payment.Gateway, c *Checkout) (*Checkout, error) {
	if c.Payment != nil && c.Payment.GetString("reference") == "" && c.Payment.GetString("status") == PaymentFailed {
		// Refused by the gateway: the replay gets the same answer.
		return nil, errGatewayRefused("the gateway refused it; start a new checkout")
	}
	if c.Payment == nil || c.Payment.GetString("reference") != "" || c.Payment.GetString("status") != PaymentUnpaid {
		return c, nil
	}
	if g := s.gateway(c.Payment.GetString("gateway")); g != nil {
		gw = g
	}
	return c, s.openAtGateway(gw, c)
}

// findChannel is the configured gateway channel with this code.
func (s *Service) findChannel(ctx context.Context, code string) (payment.Gateway, payment.Channel) {
	for _, gw := range s.gateways {
		for _, ch := range s.channels(ctx, gw, channelsMaxAge) {
			if ch.Active && strings.EqualFold(ch.Code, code) {
				return gw, ch
			}
		}
	}
	return nil, payment.Channel{}
}

// clipExpiry keeps our checkout window inside the channel's.
func clipExpiry(want time.Duration, ch payment.Channel) time.Duration {
	if ch.MaxExpiry > 0 && want > ch.MaxExpiry {
		want = ch.MaxExpiry
	}
	if ch.MinExpiry > 0 && want < ch.MinExpiry {
		want = ch.MinExpiry
	}
	return want
}

// takeStock takes one unit of a tracked product, never below zero.
func takeStock(tx core.App, p *core.Record) error {
	if !p.GetBool("track_stock") {
		return nil
	}
	res, err := tx.DB().NewQuery("UPDATE products SET stock = stock - 1 WHERE id = {:id} AND stock > 0").
		Bind(dbx.Params{"id": p.Id}).Execute()
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errOutOfStock
	}
	return nil
}

// paymentSpec is a new payment row.
type paymentSpec struct {
	purpose, order, user, gateway, channel string
	amount, fee                            int64
	expires                                time.Time
	phone, email                           string
}

func (s *Service) newPayment(tx core.App, sp paymentSpec) (*core.Record, error) {
	col, err := tx.FindCachedCollectionByNameOrId("payments")
	if err != nil {
		return nil, err
	}
	p := core.NewRecord(col)
	p.Set("number", newPaymentNumber())
	p.Set("purpose", sp.purpose)
	p.Set("order", sp.order)
	p.Set("user", sp.user)
	p.Set("gateway", sp.gateway)
	p.Set("channel", sp.channel)
	p.Set("amount", sp.amount)
	p.Set("fee", sp.fee)
	p.Set("total", sp.amount+sp.fee)
	p.Set("status", PaymentUnpaid)
	p.Set("expires_at", sp.expires)
	p.Set("phone", sp.phone)
	p.Set("email", sp.email)
	p.Set("access_token", newAccessToken())
	if err := tx.Save(p); err != nil {
		return nil, fmt.Errorf("save payment: %w", err)
	}
	return p, nil
}

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
