// Package payment is what vipbase knows of a payment gateway, whichever it
// is: the Gateway interface, channels, transactions, notifications and
// normalised statuses. Gateways (payment/tripay, payment/midtrans) implement
// it; hooks applies what it says. Money is integer rupiah. No PocketBase.
package payment

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Status is a payment's state, the same for every gateway.
type Status string

// Statuses. Only Paid moves money in; Refunded after Paid is a reversal a
// person must look at.
const (
	StatusUnpaid   Status = "unpaid"
	StatusPaid     Status = "paid"
	StatusExpired  Status = "expired"
	StatusFailed   Status = "failed"
	StatusRefunded Status = "refunded"
)

// Final reports whether no later status may follow except a refund.
func (s Status) Final() bool {
	return s == StatusPaid || s == StatusExpired || s == StatusFailed || s == StatusRefunded
}

// Group is how a storefront groups channels.
type Group string

// Channel groups (design §11).
const (
	GroupQRIS    Group = "qris"
	GroupEWallet Group = "ewallet"
	GroupVA      Group = "va"
	GroupRetail  Group = "retail"
	GroupWallet  Group = "wallet" // the shopper's own balance (SALDO)
)

// Fee is a channel's charge: Flat rupiah plus Percent hundredths of a
// percent (basis points: 70 = 0,7 %) of the amount, rounded up to the rupiah,
// then kept within Min and Max when they are set.
type Fee struct {
	Flat    int64
	Percent int64 // basis points
	Min     int64
	Max     int64
}

// For is the fee on amount rupiah.
func (f Fee) For(amount int64) int64 {
	fee := f.Flat + (amount*f.Percent+9_999)/10_000
	if f.Min > 0 && fee < f.Min {
		fee = f.Min
	}
	if f.Max > 0 && fee > f.Max {
		fee = f.Max
	}
	return fee
}

// Channel is one way to pay through a gateway.
type Channel struct {
	Code      string // the gateway's code (QRIS, BRIVA, …)
	Name      string
	Group     Group
	Gateway   string
	Customer  Fee // what the shopper pays on top (closed payment)
	MinAmount int64
	MaxAmount int64 // 0 = no maximum
	MinExpiry time.Duration
	MaxExpiry time.Duration // 0 = the gateway's default
	Icon      string
	Active    bool
}

// Accepts reports whether the channel takes amount.
func (c Channel) Accepts(amount int64) bool {
	return c.Active && amount >= c.MinAmount && (c.MaxAmount == 0 || amount <= c.MaxAmount)
}

// Item is one line of what is paid for; Σ Price×Quantity = the amount.
type Item struct {
	SKU      string
	Name     string
	Price    int64
	Quantity int64
}

// Customer is who pays, as the gateway wants to know them.
type Customer struct {
	Name, Email, Phone string
}

// CreateRequest asks a gateway for a transaction. Number is ours (Tripay's
// merchant_ref, Midtrans's order_id) and makes a retry findable.
type CreateRequest struct {
	Number      string
	Channel     string
	Amount      int64 // the goods; the gateway adds the customer fee
	Items       []Item
	Customer    Customer
	ExpiresAt   time.Time
	CallbackURL string
	ReturnURL   string
}

// Instruction is one block of the gateway's payment steps.
type Instruction struct {
	Title string   `json:"title"`
	Steps []string `json:"steps"`
}

// Transaction is the gateway's view of one payment.
type Transaction struct {
	Reference    string // the gateway's id
	Number       string // ours
	Channel      string
	Amount       int64 // the goods
	Fee          int64 // charged to the shopper
	Total        int64 // what the shopper pays (Amount + Fee)
	Status       Status
	PayCode      string // VA number, retail code
	QRString     string
	CheckoutURL  string
	Instructions []Instruction
	ExpiresAt    time.Time
	PaidAt       time.Time
	// Hold, when set, says why the gateway holds an unpaid payment for a
	// person (Midtrans `capture` with `fraud_status: challenge`): nothing
	// is fulfilled until it says paid.
	Hold string
}

// Expirer is a gateway that can be told to close an unpaid transaction
// (Midtrans `{order_id}/expire`), so nobody pays it after the store gave up
// on it. Gateways that expire on their own (Tripay) do not implement it.
type Expirer interface {
	Expire(ctx context.Context, reference string) error
}

// Notification is what a verified gateway notification claims. It is a
// hint: the status API is the truth.
type Notification struct {
	Reference string
	Number    string
	Status    Status // as claimed, normalised
	RawStatus string // as sent
	Total     int64
}

// Gateway is one payment gateway's client.
type Gateway interface {
	// Name is the gateway's id (payments.gateway): "tripay", "midtrans".
	Name() string
	// Configured reports whether credentials are set; without them nothing
	// is sent and every notification is refused.
	Configured() bool
	// Channels lists the channels the merchant has enabled, with fees and limits.
	Channels(ctx context.Context) ([]Channel, error)
	// Create creates a transaction. A *RefusedError is a definite refusal
	// (nothing was created); an error wrapping ErrUnknownOutcome means it
	// may have been: look it up with Find before creating again.
	Create(ctx context.Context, req CreateRequest) (Transaction, error)
	// Status asks for a transaction by the gateway's reference.
	Status(ctx context.Context, reference string) (Transaction, error)
	// Find looks a transaction up by our number; ErrNotFound when none.
	Find(ctx context.Context, number string) (Transaction, error)
	// Verify checks a notification over its raw body and headers, in
	// constant time, and reads it; ErrBadSignature and friends otherwise.
	Verify(header http.Header, body []byte) (Notification, error)
}

// Errors every gateway uses.
var (
	ErrNotConfigured  = errors.New("payment: gateway credentials are not configured")
	ErrUnknownOutcome = errors.New("payment: the gateway may have applied the request; look it up before repeating it")
	ErrTransport      = errors.New("payment: no usable answer from the gateway")
	ErrNotFound       = errors.New("payment: no such transaction at the gateway")
	ErrNoSignature    = errors.New("payment: notification without a signature")
	ErrBadSignature   = errors.New("payment: notification signature does not match")
	ErrMalformed      = errors.New("payment: notification body cannot be read")
)

// RefusedError is a definite refusal by the gateway: nothing was done.
// Message is the gateway's own words (never a secret).
type RefusedError struct {
	Gateway string
	Op      string
	Message string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("payment: %s %s refused: %s", e.Gateway, e.Op, e.Message)
}
