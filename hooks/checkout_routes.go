package hooks

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/dbx"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// The shopper's payment routes (design §11): checkout, following a
// checkout, "Cek pembayaran", tracking an order by number and WhatsApp
// number, wallet top-ups; and the operator's record of a guest refund.

// checkEvery is how often one shopper may ask the gateway about one payment.
const checkEvery = 5 * time.Second

var errTopupRange = validation.NewError("validation_topup_range", "The top-up amount is outside the allowed range.")

func errPaymentNotFound() *router.ApiError {
	return apiError(http.StatusNotFound, CodePaymentNotFound, "Payment not found.", nil)
}

func (s *Service) registerCheckout() {
	s.app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.POST("/api/checkout", s.handleCheckout)
		se.Router.GET("/api/checkout/{number}", s.handleCheckoutView)
		se.Router.POST("/api/checkout/{number}/check", s.handleCheckoutCheck)
		se.Router.GET("/api/orders/track", s.handleTrack)
		se.Router.POST("/api/wallet/topup", s.handleTopup).Bind(apis.RequireAuth("users"))
		se.Router.POST("/api/admin/payments/refund", s.handleAdminRefund).Bind(apis.RequireSuperuserAuth())
		return se.Next()
	})
	s.registerPaymentsCheck()
}

// checkoutBody is POST /api/checkout.
type checkoutBody struct {
	Category string   `json:"category"`
	Service  flexText `json:"service"`
	Target   flexText `json:"target"`
	Zone     flexText `json:"zone"`
	Quantity int64    `json:"quantity"`
	Amount   *int64   `json:"amount"`
	Channel  string   `json:"channel"`
	Phone    flexText `json:"phone"`
	Email    string   `json:"email"`
	// NotifyWhatsApp is a guest's choice of WhatsApp messages (default on).
	NotifyWhatsApp *bool `json:"notifyWhatsapp"`
}

var checkoutCategories = map[string]string{
	"game": CategoryGame, "prepaid": CategoryPrepaid, "social": CategorySocial, "social-media": CategorySocial,
}

// memberID is the shopper's users id, "" for a guest (or a superuser).
func memberID(e *core.RequestEvent) string {
	if e.Auth != nil && e.Auth.Collection().Name == "users" {
		return e.Auth.Id
	}
	return ""
}

func (s *Service) handleCheckout(e *core.RequestEvent) error {
	var b checkoutBody
	if err := e.BindBody(&b); err != nil {
		return invalidBody("", err)
	}
	category, known := checkoutCategories[strings.ToLower(strings.TrimSpace(b.Category))]
	if !known {
		return fieldsError(validation.Errors{"category": validation.NewError("validation_category", "Must be game, prepaid or social.")})
	}
	in := CheckoutInput{
		OrderInput: OrderInput{UserID: memberID(e), Category: category, Service: string(b.Service), Target: string(b.Target),
			Zone: string(b.Zone), Quantity: b.Quantity, Amount: b.Amount,
			IdempotencyKey: e.Request.Header.Get("Idempotency-Key"), Source: SourceCheckout},
		Channel: b.Channel, Phone: string(b.Phone), Email: b.Email,
		NoWhatsApp: b.NotifyWhatsApp != nil && !*b.NotifyWhatsApp,
	}
	c, err := s.Checkout(e.Request.Context(), in)
	if err != nil {
		return orderErrorResponse(e, err, nil)
	}
	status := http.StatusCreated
	if c.Replayed {
		status = http.StatusOK
	}
	return e.JSON(status, map[string]any{"success": true, "data": s.checkoutData(c)})
}

// checkoutData is the answer of a checkout: the order, its payment (nil
// for the wallet) and the token a guest follows it with.
func (s *Service) checkoutData(c *Checkout) map[string]any {
	d := map[string]any{"order": nil, "payment": nil, "accessToken": ""}
	if c.Order != nil {
		d["order"] = s.withProductType(orderView(c.Order, false), c.Order)
	}
	if c.Payment != nil {
		d["payment"] = paymentView(c.Payment)
		d["accessToken"] = c.Payment.GetString("access_token")
	}
	return d
}

// paymentFor is the payment named in the path when the caller may see it:
// with its token, as its member, or as a superuser. Anyone else gets the
// same 404 as for a payment that does not exist.
func (s *Service) paymentFor(e *core.RequestEvent) (*core.Record, error) {
	p, err := s.app.FindFirstRecordByData("payments", "number", strings.TrimSpace(e.Request.PathValue("number")))
	if err != nil {
		return nil, errPaymentNotFound()
	}
	switch {
	case e.HasSuperuserAuth():
	case p.GetString("user") != "" && p.GetString("user") == memberID(e):
	case tokenMatches(p, e.Request.URL.Query().Get("token")):
	default:
		return nil, errPaymentNotFound()
	}
	return p, nil
}

// checkoutOf is the checkout a payment belongs to, as it stands.
func (s *Service) checkoutOf(p *core.Record) *Checkout {
	c := &Checkout{Payment: p}
	if id := p.GetString("order"); id != "" {
		c.Order, _ = s.app.FindRecordById("orders", id)
	}
	return c
}

func (s *Service) handleCheckoutView(e *core.RequestEvent) error {
	p, err := s.paymentFor(e)
	if err != nil {
		return err
	}
	d := s.checkoutData(s.checkoutOf(p))
	delete(d, "accessToken")
	return ok(e, d)
}

// handleCheckoutCheck is "Cek pembayaran": the gateway is asked now.
func (s *Service) handleCheckoutCheck(e *core.RequestEvent) error {
	p, err := s.paymentFor(e)
	if err != nil {
		return err
	}
	if !s.checkLimits.allow(p.Id+"|"+e.RealIP(), checkEvery) {
		return apiError(http.StatusTooManyRequests, CodeRateLimited, "Checked a moment ago; try again in a few seconds.", nil)
	}
	if p.GetString("status") == PaymentUnpaid {
		ctx, cancel := context.WithTimeout(s.stop, paymentConfirmWait)
		defer cancel()
		if err := s.checkPayment(ctx, p); err != nil {
			s.app.Logger().Warn("payments: a shopper's check could not reach the gateway", "payment", p.GetString("number"), "error", err)
			return apiError(http.StatusBadGateway, CodeGatewayUnavailable, "The payment gateway did not answer; try again in a moment.", nil)
		}
		if fresh, err := s.app.FindRecordById("payments", p.Id); err == nil {
			p = fresh
		}
	}
	d := s.checkoutData(s.checkoutOf(p))
	delete(d, "accessToken")
	return ok(e, d)
}

// handleTrack finds an order by its number and the WhatsApp number it was
// placed with (never by phone alone) and shows it masked.
func (s *Service) handleTrack(e *core.RequestEvent) error {
	q := e.Request.URL.Query()
	number := strings.TrimSpace(q.Get("number"))
	phone, okPhone := normalisePhone(q.Get("phone"))
	if number == "" || !okPhone {
		errs := validation.Errors{}
		if number == "" {
			errs["number"] = validation.NewError("validation_required", "Enter the order number.")
		}
		if !okPhone {
			errs["phone"] = errPhoneInvalid
		}
		return fieldsError(errs)
	}
	o, err := s.app.FindFirstRecordByData("orders", "number", number)
	if err != nil || o.GetString("phone") == "" || o.GetString("phone") != phone {
		return errOrderNotFound()
	}
	d := map[string]any{"order": s.withProductType(orderView(o, true), o), "payment": nil}
	if id := o.GetString("payment"); id != "" {
		if p, err := s.app.FindRecordById("payments", id); err == nil {
			d["payment"] = paymentView(p)
		}
	}
	return ok(e, d)
}

// handleTopup starts a member's wallet top-up through a gateway.
func (s *Service) handleTopup(e *core.RequestEvent) error {
	var b struct {
		Amount  int64  `json:"amount"`
		Channel string `json:"channel"`
	}
	if err := e.BindBody(&b); err != nil {
		return invalidBody("", err)
	}
	lo, hi := s.cfg.topupRange()
	errs := validation.Errors{}
	if b.Amount < lo || b.Amount > hi {
		errs["amount"] = errTopupRange
	}
	gw, ch := s.findChannel(e.Request.Context(), strings.TrimSpace(b.Channel))
	switch {
	case strings.TrimSpace(b.Channel) == "":
		errs["channel"] = errChannelRequired
	case gw == nil:
		errs["channel"] = errChannelUnavailable
	case errs["amount"] == nil && !ch.Accepts(b.Amount):
		errs["channel"] = errChannelAmount
	}
	if len(errs) > 0 {
		return fieldsError(errs)
	}
	key := strings.TrimSpace(e.Request.Header.Get("Idempotency-Key"))
	if len(key) > 200 {
		return fieldsError(validation.Errors{"idempotency_key": errIdempotencyKeySize})
	}
	// A replayed key answers with the invoice it opened (200), never a
	// second one; the same key for another amount or channel is a 409.
	replay := func(p *core.Record) error {
		if int64(p.GetInt("amount")) != b.Amount || !strings.EqualFold(p.GetString("channel"), ch.Code) {
			return orderErrorResponse(e, errIdempotencyMismatch, nil)
		}
		c, err := s.resumeCheckout(gw, &Checkout{Payment: p, Replayed: true})
		if err != nil {
			return orderErrorResponse(e, err, nil)
		}
		d := s.checkoutData(c)
		delete(d, "order")
		return e.JSON(http.StatusOK, map[string]any{"success": true, "data": d})
	}
	if p := s.findTopup(s.app, e.Auth.Id, key); p != nil {
		return replay(p)
	}
	c := &Checkout{}
	expires := time.Now().Add(clipExpiry(s.cfg.paymentExpiry(), ch)).UTC().Truncate(time.Second)
	err := s.app.RunInTransaction(func(tx core.App) error {
		c.Payment = nil
		if p := s.findTopup(tx, e.Auth.Id, key); p != nil {
			c.Payment, c.Replayed = p, true
			return nil
		}
		p, err := s.newPayment(tx, paymentSpec{purpose: PurposeDeposit, user: e.Auth.Id, gateway: gw.Name(), channel: ch.Code,
			amount: b.Amount, fee: ch.Customer.For(b.Amount), expires: expires, email: e.Auth.GetString("email"), idempotencyKey: key})
		c.Payment = p
		return err
	})
	if err != nil {
		if p := s.findTopup(s.app, e.Auth.Id, key); p != nil { // a twin committed first: the unique index refused ours
			return replay(p)
		}
		return apiError(http.StatusInternalServerError, CodeInternal, "", err)
	}
	if c.Replayed {
		return replay(c.Payment)
	}
	if err := s.openAtGateway(gw, c); err != nil {
		return orderErrorResponse(e, err, nil)
	}
	d := s.checkoutData(c)
	delete(d, "order")
	return e.JSON(http.StatusCreated, map[string]any{"success": true, "data": d})
}

// findTopup is the member's top-up opened with this Idempotency-Key, or nil.
func (s *Service) findTopup(app core.App, user, key string) *core.Record {
	if key == "" {
		return nil
	}
	p, err := app.FindFirstRecordByFilter("payments", "user = {:u} && idempotency_key = {:k} && purpose = {:p}",
		dbx.Params{"u": user, "k": key, "p": PurposeDeposit})
	if err != nil {
		return nil
	}
	return p
}

// handleAdminRefund records that an operator returned what a guest was owed.
func (s *Service) handleAdminRefund(e *core.RequestEvent) error {
	var b struct {
		PaymentNumber string `json:"paymentNumber"`
		Note          string `json:"note"`
	}
	if err := e.BindBody(&b); err != nil || strings.TrimSpace(b.PaymentNumber) == "" {
		return invalidBody(`Send {"paymentNumber": "PAY-…", "note": "…"}.`, err)
	}
	p, err := s.app.FindFirstRecordByData("payments", "number", strings.TrimSpace(b.PaymentNumber))
	if err != nil {
		return errPaymentNotFound()
	}
	refused := false
	err = s.writes.Do(func(tx core.App) error {
		refused = false
		p, err := tx.FindRecordById("payments", p.Id)
		if err != nil {
			return err
		}
		due := int64(p.GetInt("refund_due"))
		if p.GetString("status") != PaymentPaid || due <= 0 {
			refused = true
			return nil
		}
		p.Set("status", PaymentRefunded)
		note := fmt.Sprintf("Rp %s returned to %s by %s.", Rupiah(due), firstNonEmpty(p.GetString("phone"), "the shopper"), e.Auth.GetString("email"))
		if n := strings.TrimSpace(b.Note); n != "" {
			note += " " + n
		}
		p.Set("review", truncate(p.GetString("review")+"\nRefunded: "+note, 2000))
		if err := s.writeRecord(tx, p); err != nil {
			return err
		}
		if id := p.GetString("order"); id != "" {
			o, err := tx.FindRecordById("orders", id)
			if err != nil {
				return err
			}
			o.Set("refunded", due)
			if err := s.writeRecord(tx, o); err != nil {
				return err
			}
			return s.addOrderEvent(tx, o.Id, o.GetString("status"), o.GetString("status"), SourceAdmin, "Refund recorded: "+note)
		}
		return nil
	})
	if err != nil {
		return apiError(http.StatusInternalServerError, CodeInternal, "", err)
	}
	if refused {
		return apiError(http.StatusConflict, CodeNotRefundable, "This payment owes the shopper nothing, or was already refunded.", nil)
	}
	p, _ = s.app.FindRecordById("payments", p.Id)
	p.Unhide("review")
	return ok(e, p)
}

// checkLimiter lets one key through once per interval.
type checkLimiter struct {
	mu   sync.Mutex
	last map[string]time.Time
}

func (l *checkLimiter) allow(key string, every time.Duration) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if l.last == nil || len(l.last) > 10_000 {
		for k, t := range l.last {
			if now.Sub(t) > every {
				delete(l.last, k)
			}
		}
		if l.last == nil {
			l.last = map[string]time.Time{}
		}
	}
	if t, seen := l.last[key]; seen && now.Sub(t) < every {
		return false
	}
	l.last[key] = now
	return true
}

// withProductType adds the order's product type to its view ("token-pln",
// "voucher-game", …): what the SN is, so a page opened from a link labels
// a PLN token as one.
func (s *Service) withProductType(v map[string]any, o *core.Record) map[string]any {
	v["productType"] = ""
	if p, err := s.app.FindRecordById("products", o.GetString("product")); err == nil {
		v["productType"] = p.GetString("type")
	}
	return v
}
