package midtrans

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vipbase/vipbase/internal/flexjson"
	"github.com/vipbase/vipbase/payment"
)

// OverrideNotificationHeader sends one transaction's notifications to
// another URL than the dashboard's.
const OverrideNotificationHeader = "X-Override-Notification"

// Limits Midtrans puts on a Snap request.
const (
	maxOrderID  = 50
	maxItemName = 50
)

// StartTimeLayout is expiry.start_time: Asia/Jakarta with its offset.
const StartTimeLayout = "2006-01-02 15:04:05 -0700"

// orderIDPattern is what Midtrans accepts as an order_id.
var orderIDPattern = regexp.MustCompile(`^[A-Za-z0-9\-_~.]+$`)

// createBody is the JSON of Snap's POST transactions, field for field as
// payments-api.md §2 names them.
type createBody struct {
	TransactionDetails transactionDetails `json:"transaction_details"`
	ItemDetails        []itemDetail       `json:"item_details,omitempty"`
	CustomerDetails    *customerDetails   `json:"customer_details,omitempty"`
	Expiry             expiry             `json:"expiry"`
	Callbacks          *callbacks         `json:"callbacks,omitempty"`
}

type transactionDetails struct {
	OrderID     string `json:"order_id"`
	GrossAmount int64  `json:"gross_amount"`
}

type itemDetail struct {
	ID       string `json:"id,omitempty"`
	Name     string `json:"name"`
	Price    int64  `json:"price"`
	Quantity int64  `json:"quantity"`
}

type customerDetails struct {
	FirstName string `json:"first_name,omitempty"`
	Email     string `json:"email,omitempty"`
	Phone     string `json:"phone,omitempty"`
}

type expiry struct {
	StartTime string `json:"start_time"`
	Unit      string `json:"unit"`
	Duration  int64  `json:"duration"`
}

type callbacks struct {
	Finish string `json:"finish"`
}

// Create creates a Snap transaction for our number (the order_id) and
// returns its hosted page as CheckoutURL. The expiry always starts now:
// without start_time Midtrans would start the clock only when the shopper
// picks a method, and a shopper could pay after the store gave up.
//
// A request Midtrans would refuse (a bad order_id, item lines that do not
// add up, no expiry) is refused here, before anything is sent, with a
// *payment.RefusedError; so is a 4xx answer naming its reasons (including
// an order_id already taken) or refusing the Server Key. Any other failure
// after sending wraps payment.ErrUnknownOutcome and is never retried: look
// the number up with Find before creating again.
func (c *Client) Create(ctx context.Context, req payment.CreateRequest) (payment.Transaction, error) {
	if !c.Configured() {
		return payment.Transaction{}, payment.ErrNotConfigured
	}
	now := c.now()
	if msg := checkCreate(req, now); msg != "" {
		return payment.Transaction{}, &payment.RefusedError{Gateway: Name, Op: opCreate, Message: c.redact.String("not sent: " + msg)}
	}
	b := createBody{
		TransactionDetails: transactionDetails{OrderID: req.Number, GrossAmount: req.Amount},
		Expiry: expiry{
			StartTime: now.In(jakarta).Format(StartTimeLayout),
			Unit:      "minute",
			Duration:  expiryMinutes(now, req.ExpiresAt),
		},
	}
	for _, it := range req.Items {
		b.ItemDetails = append(b.ItemDetails, itemDetail{ID: it.SKU, Name: truncateRunes(it.Name, maxItemName),
			Price: it.Price, Quantity: it.Quantity})
	}
	if cu := req.Customer; cu != (payment.Customer{}) {
		b.CustomerDetails = &customerDetails{FirstName: cu.Name, Email: cu.Email, Phone: cu.Phone}
	}
	if req.ReturnURL != "" {
		b.Callbacks = &callbacks{Finish: req.ReturnURL}
	}
	body, err := json.Marshal(b)
	if err != nil {
		return payment.Transaction{}, fmt.Errorf("midtrans: %s: encoding: %w", opCreate, err)
	}
	cl := call{op: opCreate, method: http.MethodPost, url: c.snapURL + "transactions", body: body, create: true}
	if req.CallbackURL != "" {
		cl.header = map[string]string{OverrideNotificationHeader: req.CallbackURL}
	}
	var redirect string
	err = c.do(ctx, cl, func(a answer) error {
		var rerr error
		redirect, rerr = readCreate(a)
		return rerr
	})
	if err != nil {
		return payment.Transaction{}, err
	}
	return c.redact.transaction(payment.Transaction{
		Reference:   req.Number,
		Number:      req.Number,
		Channel:     ChannelCode,
		Amount:      req.Amount,
		Total:       req.Amount,
		Status:      payment.StatusUnpaid,
		CheckoutURL: redirect,
		ExpiresAt:   req.ExpiresAt,
	}), nil
}

// readCreate reads Snap's answer to a create: the redirect_url of a 2xx
// answer, a refusal for a 4xx naming its reasons (or any 401/403), an
// error (an answer in doubt) for anything else.
func readCreate(a answer) (string, error) {
	msgs := a.f.messages()
	switch {
	case a.status == http.StatusUnauthorized || a.status == http.StatusForbidden:
		return "", credentialsRefused(a.status, msgs)
	case a.status >= 400 && a.status != http.StatusRequestTimeout && a.status != http.StatusTooManyRequests:
		if msgs == "" {
			return "", fmt.Errorf("HTTP %d without error_messages", a.status)
		}
		return "", &payment.RefusedError{Message: msgs}
	case a.status < 200 || a.status > 299:
		return "", fmt.Errorf("HTTP %d", a.status)
	}
	redirect := a.f.str("redirect_url")
	if err := a.f.Err(); err != nil {
		return "", err
	}
	if !strings.HasPrefix(redirect, "https://") && !strings.HasPrefix(redirect, "http://") {
		return "", fmt.Errorf("no redirect_url (got %q)", flexjson.Truncate(redirect))
	}
	return redirect, nil
}

func credentialsRefused(status int, msgs string) *payment.RefusedError {
	m := fmt.Sprintf("credentials refused (HTTP %d)", status)
	if msgs != "" {
		m += ": " + msgs
	}
	return &payment.RefusedError{Message: m}
}

// checkCreate returns why Midtrans would refuse req, or "".
func checkCreate(req payment.CreateRequest, now time.Time) string {
	switch {
	case req.Number == "":
		return "no order_id"
	case len(req.Number) > maxOrderID:
		return fmt.Sprintf("order_id is %d characters, at most %d are allowed", len(req.Number), maxOrderID)
	case !orderIDPattern.MatchString(req.Number):
		return "order_id may hold only letters, digits and -_~."
	case req.Channel != "" && req.Channel != ChannelCode:
		return fmt.Sprintf("channel %q is not %s", flexjson.Truncate(req.Channel), ChannelCode)
	case req.Amount <= 0:
		return "gross_amount must be positive"
	case req.ExpiresAt.IsZero():
		return "no expiry (Midtrans would start the clock only when the shopper picks a method)"
	}
	if len(req.Items) == 0 {
		return ""
	}
	var sum int64
	for _, it := range req.Items {
		if it.Price < 0 || it.Quantity <= 0 {
			return fmt.Sprintf("item %q has price %d, quantity %d", flexjson.Truncate(it.Name), it.Price, it.Quantity)
		}
		if strings.TrimSpace(it.Name) == "" {
			return "an item has no name"
		}
		sum += it.Price * it.Quantity
	}
	if sum != req.Amount {
		return fmt.Sprintf("item_details add up to Rp %d, gross_amount is Rp %d", sum, req.Amount)
	}
	return ""
}

// expiryMinutes is the window from now to at in whole minutes, rounded up
// and at least one (Midtrans's smallest unit here).
func expiryMinutes(now, at time.Time) int64 {
	d := at.Sub(now)
	m := int64((d + time.Minute - 1) / time.Minute)
	return max(m, 1)
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// Status asks the Core API for a transaction by our order_id (the
// reference). Midtrans answers 404 (as the HTTP status or as the body's
// status_code) until the shopper has picked a method, so a 404 is "not
// started": an unpaid transaction and no error.
func (c *Client) Status(ctx context.Context, reference string) (payment.Transaction, error) {
	tx, err := c.fetch(ctx, reference)
	if errors.Is(err, errAbsent) {
		return payment.Transaction{Reference: reference, Number: reference, Status: payment.StatusUnpaid}, nil
	}
	return tx, err
}

// Find looks a transaction up by our number, which is also Midtrans's
// order_id: the same call as Status, except that a 404 is
// payment.ErrNotFound. It cannot tell an unknown order from one whose
// shopper has not picked a method; creating again after a create in doubt
// is safe all the same, since Midtrans refuses an order_id in use.
func (c *Client) Find(ctx context.Context, number string) (payment.Transaction, error) {
	tx, err := c.fetch(ctx, number)
	if errors.Is(err, errAbsent) {
		return payment.Transaction{}, fmt.Errorf("%w: order_id %q", payment.ErrNotFound, c.redact.String(flexjson.Truncate(number)))
	}
	return tx, err
}

// fetch is GET {core}{order_id}/status; errAbsent for Midtrans's 404.
func (c *Client) fetch(ctx context.Context, orderID string) (payment.Transaction, error) {
	if c.Configured() && strings.TrimSpace(orderID) == "" {
		return payment.Transaction{}, fmt.Errorf("%w: empty order_id (not sent)", payment.ErrNotFound)
	}
	var tx payment.Transaction
	cl := call{op: opStatus, method: http.MethodGet, url: c.coreURL + url.PathEscape(orderID) + "/status"}
	err := c.do(ctx, cl, func(a answer) error {
		code := a.f.code()
		if err := a.f.Err(); err != nil {
			return err
		}
		if err := coreOutcome(a, code); err != nil {
			return err
		}
		if !a.f.Has("transaction_status") || a.status < 200 || a.status > 299 {
			if code >= 400 || a.status >= 400 {
				return &payment.RefusedError{Message: coreMessage(a, code)}
			}
			return errors.New("no transaction_status")
		}
		var derr error
		tx, derr = decodeStatus(a.f, orderID)
		return derr
	})
	return c.redact.transaction(tx), err
}

// coreOutcome reads what a Core API answer says before its content:
// Midtrans often answers HTTP 200 and puts the real status in the body's
// status_code. 404 is errAbsent, a 5xx in the body a failure (retried), a
// refused key a refusal.
func coreOutcome(a answer, code int) error {
	switch {
	case a.status == http.StatusNotFound || code == http.StatusNotFound:
		return errAbsent
	case code >= 500:
		return fmt.Errorf("status_code %d: %s", code, flexjson.Truncate(a.f.messages()))
	case a.status == http.StatusUnauthorized || a.status == http.StatusForbidden:
		return credentialsRefused(a.status, a.f.messages())
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return credentialsRefused(code, a.f.messages())
	}
	return nil
}

// coreMessage is Midtrans's words for a refusal, with its status_code.
func coreMessage(a answer, code int) string {
	if code == 0 {
		code = a.status
	}
	m := fmt.Sprintf("status_code %d", code)
	if msgs := a.f.messages(); msgs != "" {
		m += ": " + msgs
	}
	return m
}

// Expire tells Midtrans to close an unpaid transaction (POST
// {core}{order_id}/expire), so nobody pays it after the store gave up on
// it. Expired now (status_code 200 or 407) and never started (404: the
// shopper never picked a method, nothing can be paid) are both success.
// Anything else Midtrans says, such as a settled transaction it cannot
// modify, is a *payment.RefusedError: ask Status what happened. Expiring is
// idempotent, so it is retried like a read.
func (c *Client) Expire(ctx context.Context, reference string) error {
	if c.Configured() && strings.TrimSpace(reference) == "" {
		return fmt.Errorf("%w: empty order_id (not sent)", payment.ErrNotFound)
	}
	cl := call{op: opExpire, method: http.MethodPost, url: c.coreURL + url.PathEscape(reference) + "/expire"}
	err := c.do(ctx, cl, func(a answer) error {
		code := a.f.code()
		if err := a.f.Err(); err != nil {
			return err
		}
		if err := coreOutcome(a, code); err != nil {
			return err
		}
		switch {
		case (code == http.StatusOK || code == 407) && a.status >= 200 && a.status <= 299:
			return nil
		case code >= 400 || a.status >= 400:
			return &payment.RefusedError{Message: coreMessage(a, code)}
		}
		return fmt.Errorf("status_code %d", code)
	})
	if errors.Is(err, errAbsent) {
		return nil
	}
	return err
}
