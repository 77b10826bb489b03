package hooks

// The payment vocabulary (design §11): statuses and purposes of payments
// rows, numbers and access tokens, shoppers' phone numbers, and the views
// a shopper gets of a checkout.

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/vipbase/vipbase/payment"
)

// Payment statuses (payments.status).
const (
	PaymentUnpaid   = string(payment.StatusUnpaid)
	PaymentPaid     = string(payment.StatusPaid)
	PaymentExpired  = string(payment.StatusExpired)
	PaymentFailed   = string(payment.StatusFailed)
	PaymentRefunded = string(payment.StatusRefunded)
)

// Payment purposes (payments.purpose).
const (
	PurposeOrder   = "order"
	PurposeDeposit = "deposit"
)

// Order event sources of the payment side.
const (
	SourceCheckout = "checkout"
	SourcePayment  = "payment"
)

// Outcomes of a payment notification beyond those of callbacks
// (payment_events.outcome).
const (
	OutcomeUnknownPayment = "unknown_payment"
	OutcomeMismatch       = "mismatch"
)

// newPaymentNumber is PAY-<unix>-<5 upper alnum>: Tripay's merchant_ref.
func newPaymentNumber() string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = numberAlphabet[int(b[i])%len(numberAlphabet)]
	}
	return fmt.Sprintf("PAY-%d-%s", time.Now().Unix(), b)
}

// newAccessToken is 192 random bits, URL-safe: what lets a guest see their
// checkout.
func newAccessToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// tokenMatches compares a presented token with the payment's in constant time.
func tokenMatches(p *core.Record, token string) bool {
	want := p.GetString("access_token")
	return want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(strings.TrimSpace(token))) == 1
}

var reMobile = regexp.MustCompile(`^628[0-9]{7,12}$`)

// normalisePhone turns an Indonesian mobile number as people type it
// (0812…, +62 812-…, 62812…, 812…) into 62812…; ok is false when it is not one.
func normalisePhone(s string) (string, bool) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "+")
	switch {
	case strings.HasPrefix(s, "0"):
		s = "62" + s[1:]
	case strings.HasPrefix(s, "8"):
		s = "62" + s
	}
	return s, reMobile.MatchString(s)
}

// gateway is the configured gateway called name, or nil.
func (s *Service) gateway(name string) payment.Gateway {
	for _, gw := range s.gateways {
		if gw.Name() == name {
			return gw
		}
	}
	return nil
}

// maskTarget hides the middle of a target for views without the token:
// 081234567890 → 0812****890.
func maskTarget(t string) string {
	r := []rune(t)
	switch {
	case len(r) <= 4:
		return strings.Repeat("*", len(r))
	case len(r) <= 8:
		return string(r[:1]) + strings.Repeat("*", len(r)-3) + string(r[len(r)-2:])
	}
	return string(r[:4]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-3:])
}

// orderView is what a shopper sees of a checked-out order: no cost, no
// provider or review text; masked hides the target.
func orderView(o *core.Record, masked bool) map[string]any {
	target := o.GetString("target")
	if masked {
		target = maskTarget(target)
	}
	v := map[string]any{
		"orderNumber": o.GetString("number"), "status": o.GetString("status"), "category": o.GetString("category"),
		"service": o.GetString("service_code"), "serviceName": o.GetString("service_name"),
		"target": target, "zone": o.GetString("zone"), "quantity": o.GetInt("quantity"), "amount": o.GetInt("price"),
		"refunded": o.GetInt("refunded"), "created": o.GetDateTime("created"),
	}
	if st := o.GetString("status"); (st == OrderSuccess || st == OrderPartial) && !masked {
		v["sn"] = o.GetString("sn")
	}
	return v
}

// paymentView is what a shopper sees of a payment.
func paymentView(p *core.Record) map[string]any {
	v := map[string]any{
		"number": p.GetString("number"), "purpose": p.GetString("purpose"), "status": p.GetString("status"),
		"gateway": p.GetString("gateway"), "channel": p.GetString("channel"),
		"amount": p.GetInt("amount"), "fee": p.GetInt("fee"), "total": p.GetInt("total"),
		"payCode": p.GetString("pay_code"), "qrString": p.GetString("qr_string"), "checkoutUrl": p.GetString("checkout_url"),
		"instructions": p.Get("instructions"), "expiresAt": p.GetDateTime("expires_at"), "paidAt": p.GetDateTime("paid_at"),
		"refundDue": p.GetInt("refund_due"),
	}
	if raw := strings.TrimSpace(p.GetString("instructions")); raw == "" || raw == "null" {
		v["instructions"] = []any{}
	}
	return v
}
