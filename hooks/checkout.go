package hooks

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/ozzo-validation/v4/is"
	"github.com/pocketbase/pocketbase/core"

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
	// NoWhatsApp is a guest's "no WhatsApp messages" at checkout; members
	// decide in their account (users.notify_whatsapp).
	NoWhatsApp bool
}

// Checkout is what a checkout made. Payment is nil for a wallet checkout.
type Checkout struct {
	Order    *core.Record
	Payment  *core.Record
	Replayed bool
}

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
	if oe := s.zoneFromList(&in.OrderInput, product); oe != nil {
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
		o.Set("notify_whatsapp", !in.NoWhatsApp)
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

// paymentSpec is a new payment row.
type paymentSpec struct {
	purpose, order, user, gateway, channel string
	amount, fee                            int64
	expires                                time.Time
	phone, email                           string
	idempotencyKey                         string // top-ups: the member's Idempotency-Key
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
	p.Set("idempotency_key", sp.idempotencyKey)
	if err := tx.Save(p); err != nil {
		return nil, fmt.Errorf("save payment: %w", err)
	}
	return p, nil
}
