package tripay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vipbase/vipbase/internal/flexjson"
	"github.com/vipbase/vipbase/payment"
)

// Endpoint paths, relative to the base URL.
const (
	opCreate       = "transaction/create"
	opDetail       = "transaction/detail"
	opTransactions = "merchant/transactions"
	opChannels     = "merchant/payment-channel"
	opFee          = "merchant/fee-calculator"
)

// createBody is the JSON of transaction/create, field for field as
// payments-api.md §1 names them.
type createBody struct {
	Method        string      `json:"method"`
	MerchantRef   string      `json:"merchant_ref"`
	Amount        int64       `json:"amount"`
	CustomerName  string      `json:"customer_name"`
	CustomerEmail string      `json:"customer_email"`
	CustomerPhone string      `json:"customer_phone,omitempty"`
	OrderItems    []orderItem `json:"order_items"`
	CallbackURL   string      `json:"callback_url,omitempty"`
	ReturnURL     string      `json:"return_url,omitempty"`
	ExpiredTime   int64       `json:"expired_time,omitempty"`
	Signature     string      `json:"signature"`
}

type orderItem struct {
	SKU      string `json:"sku,omitempty"`
	Name     string `json:"name"`
	Price    int64  `json:"price"`
	Quantity int64  `json:"quantity"`
}

// Create creates a closed-payment transaction. A request this client can
// tell Tripay would refuse (no number, no channel, item lines that do not
// add up to the amount) is refused here, before anything is sent, with a
// *payment.RefusedError. Any failure after sending wraps
// payment.ErrUnknownOutcome and is never retried: look the number up with
// Find before creating again.
func (c *Client) Create(ctx context.Context, req payment.CreateRequest) (payment.Transaction, error) {
	if !c.Configured() {
		return payment.Transaction{}, payment.ErrNotConfigured
	}
	if msg := checkCreate(req); msg != "" {
		return payment.Transaction{}, &payment.RefusedError{Gateway: Name, Op: opCreate, Message: "not sent: " + msg}
	}
	sig := CreateSignature(c.privateKey, c.merchantCode, req.Number, req.Amount)
	b := createBody{
		Method:        req.Channel,
		MerchantRef:   req.Number,
		Amount:        req.Amount,
		CustomerName:  req.Customer.Name,
		CustomerEmail: req.Customer.Email,
		CustomerPhone: req.Customer.Phone,
		CallbackURL:   req.CallbackURL,
		ReturnURL:     req.ReturnURL,
		Signature:     sig,
	}
	if !req.ExpiresAt.IsZero() {
		b.ExpiredTime = req.ExpiresAt.Unix()
	}
	for _, it := range req.Items {
		b.OrderItems = append(b.OrderItems, orderItem{SKU: it.SKU, Name: it.Name, Price: it.Price, Quantity: it.Quantity})
	}
	body, err := json.Marshal(b)
	if err != nil {
		return payment.Transaction{}, fmt.Errorf("tripay: %s: encoding: %w", opCreate, err)
	}
	var tx payment.Transaction
	_, err = c.do(ctx, call{op: opCreate, body: body, create: true, secret: sig}, func(data json.RawMessage) error {
		var derr error
		tx, derr = decodeTransaction(data)
		return derr
	})
	return c.redactorWith(sig).transaction(tx), err
}

// checkCreate returns why Tripay would refuse req, or "".
func checkCreate(req payment.CreateRequest) string {
	switch {
	case strings.TrimSpace(req.Number) == "":
		return "no merchant_ref"
	case strings.TrimSpace(req.Channel) == "":
		return "no payment method"
	case req.Amount <= 0:
		return "amount must be positive"
	case len(req.Items) == 0:
		return "no order items"
	}
	var sum int64
	for _, it := range req.Items {
		if it.Price < 0 || it.Quantity <= 0 {
			return fmt.Sprintf("order item %q has price %d, quantity %d", it.Name, it.Price, it.Quantity)
		}
		sum += it.Price * it.Quantity
	}
	if sum != req.Amount {
		return fmt.Sprintf("order items add up to Rp %d, amount is Rp %d", sum, req.Amount)
	}
	return ""
}

// Status asks transaction/detail for a transaction by Tripay's reference.
// A refusal with HTTP 404 also wraps payment.ErrNotFound.
func (c *Client) Status(ctx context.Context, reference string) (payment.Transaction, error) {
	if c.Configured() && strings.TrimSpace(reference) == "" {
		return payment.Transaction{}, fmt.Errorf("%w: empty reference (not sent)", payment.ErrNotFound)
	}
	var tx payment.Transaction
	status, err := c.do(ctx, call{op: opDetail, query: url.Values{"reference": {reference}}}, func(data json.RawMessage) error {
		var derr error
		tx, derr = decodeTransaction(data)
		return derr
	})
	var refused *payment.RefusedError
	if status == http.StatusNotFound && errors.As(err, &refused) {
		return payment.Transaction{}, fmt.Errorf("%w: %w", payment.ErrNotFound, err)
	}
	return c.redact.transaction(tx), err
}

// Find looks a transaction up by our number (merchant_ref) in
// merchant/transactions; payment.ErrNotFound when Tripay lists none. Only
// entries whose merchant_ref is the number count, whatever the filter did;
// of several, a paid one wins, else the first listed (Tripay lists newest
// first).
func (c *Client) Find(ctx context.Context, number string) (payment.Transaction, error) {
	if c.Configured() && strings.TrimSpace(number) == "" {
		// Tripay would list every transaction for an empty filter.
		return payment.Transaction{}, fmt.Errorf("%w: empty merchant_ref (not sent)", payment.ErrNotFound)
	}
	var found []payment.Transaction
	_, err := c.do(ctx, call{op: opTransactions, query: url.Values{"merchant_ref": {number}}}, func(data json.RawMessage) error {
		found = found[:0]
		var list []json.RawMessage
		if flexjson.IsNull(data) {
			return nil
		}
		if err := json.Unmarshal(data, &list); err != nil {
			return errors.New("data is not a list")
		}
		for i, raw := range list {
			tx, err := decodeTransaction(raw)
			if err != nil {
				return fmt.Errorf("entry %d: %w", i, err)
			}
			if tx.Number == number {
				found = append(found, tx)
			}
		}
		return nil
	})
	if err != nil {
		return payment.Transaction{}, err
	}
	if len(found) == 0 {
		return payment.Transaction{}, fmt.Errorf("%w: merchant_ref %q", payment.ErrNotFound, c.redact.String(flexjson.Truncate(number)))
	}
	for _, tx := range found {
		if tx.Status == payment.StatusPaid {
			return c.redact.transaction(tx), nil
		}
	}
	return c.redact.transaction(found[0]), nil
}

// decodeTransaction reads Tripay's transaction object (create, detail and
// the transactions list share it). Tripay's `amount` in an answer is what
// the shopper pays (the goods plus fee_customer; after payment, what was
// paid), so it is Total as is, never recomputed: a payment of the wrong
// amount must reach the caller as such. Amount (the goods) is Σ price ×
// quantity of order_items, or Total − Fee without items.
func decodeTransaction(raw json.RawMessage) (payment.Transaction, error) {
	f, err := readFields(raw)
	if err != nil {
		return payment.Transaction{}, errors.New("transaction is not an object")
	}
	tx := payment.Transaction{
		Reference:   f.str("reference"),
		Number:      f.str("merchant_ref"),
		Channel:     f.str("payment_method"),
		Fee:         f.int("fee_customer"),
		PayCode:     f.str("pay_code"),
		QRString:    f.str("qr_string"),
		CheckoutURL: f.str("checkout_url"),
	}
	amount := f.int("amount")
	rawStatus := f.str("status")
	if at := f.int("expired_time"); at > 0 {
		tx.ExpiresAt = time.Unix(at, 0).UTC()
	}
	if at := f.int("paid_at"); at > 0 {
		tx.PaidAt = time.Unix(at, 0).UTC()
	}
	goods, items := int64(0), false
	if rawItems, ok := f.Fields["order_items"]; ok && !flexjson.IsNull(rawItems) {
		var list []json.RawMessage
		if json.Unmarshal(rawItems, &list) != nil {
			f.Fail("order_items", errors.New("want a list"))
		}
		for _, r := range list {
			it, err := readFields(r)
			if err != nil {
				f.Fail("order_items", errors.New("want objects"))
				break
			}
			goods += it.int("price") * max(it.int("quantity"), 1)
			f.check("order_items", it)
			items = true
		}
	}
	tx.Instructions = decodeInstructions(f)
	if f.Err() != nil {
		return payment.Transaction{}, f.Err()
	}
	if tx.Reference == "" {
		return payment.Transaction{}, errors.New("no reference")
	}
	if tx.Status, err = NormaliseStatus(rawStatus); err != nil {
		return payment.Transaction{}, err
	}
	tx.Total, tx.Amount = amount, amount-tx.Fee
	if items {
		tx.Amount = goods
	}
	return tx, nil
}

// decodeInstructions reads instructions[] {title, steps[]}; steps may carry
// HTML as Tripay sends it, for the storefront to render safely.
func decodeInstructions(f *fields) []payment.Instruction {
	raw := f.Fields["instructions"]
	if flexjson.IsNull(raw) {
		return nil
	}
	var list []struct {
		Title json.RawMessage   `json:"title"`
		Steps []json.RawMessage `json:"steps"`
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		f.Fail("instructions", errors.New("want a list of {title, steps}"))
		return nil
	}
	out := make([]payment.Instruction, 0, len(list))
	for _, in := range list {
		title, err := flexString(in.Title)
		f.Fail("instructions", err)
		steps := make([]string, 0, len(in.Steps))
		for _, s := range in.Steps {
			step, err := flexString(s)
			f.Fail("instructions", err)
			steps = append(steps, step)
		}
		out = append(out, payment.Instruction{Title: title, Steps: steps})
	}
	return out
}
