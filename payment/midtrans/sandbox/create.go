package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Item is one item_details line.
type Item struct {
	ID       string
	Name     string
	Price    int64
	Quantity int64
}

// Customer is the create's customer_details.
type Customer struct {
	FirstName, LastName, Email, Phone string
}

// jsonText accepts a JSON string or number as text.
type jsonText string

func (t *jsonText) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*t = jsonText(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*t = jsonText(n)
	return nil
}

type createJSON struct {
	TransactionDetails *struct {
		OrderID     json.RawMessage `json:"order_id"`
		GrossAmount json.RawMessage `json:"gross_amount"`
	} `json:"transaction_details"`
	ItemDetails []struct {
		ID       jsonText        `json:"id"`
		Name     jsonText        `json:"name"`
		Price    json.RawMessage `json:"price"`
		Quantity json.RawMessage `json:"quantity"`
	} `json:"item_details"`
	CustomerDetails *struct {
		FirstName jsonText `json:"first_name"`
		LastName  jsonText `json:"last_name"`
		Email     jsonText `json:"email"`
		Phone     jsonText `json:"phone"`
	} `json:"customer_details"`
	EnabledPayments []string `json:"enabled_payments"`
	Expiry          *struct {
		StartTime string          `json:"start_time"`
		Unit      string          `json:"unit"`
		Duration  json.RawMessage `json:"duration"`
	} `json:"expiry"`
	Callbacks *struct {
		Finish string `json:"finish"`
	} `json:"callbacks"`
}

// StartTimeLayout is the layout of expiry.start_time ("2026-03-14 17:00:00 +0700").
const StartTimeLayout = "2006-01-02 15:04:05 -0700"

// jsonInt reads an integer JSON number (or a string holding one). present
// is false for a missing or null value; ok is false for anything that is
// not a whole number written without a fraction or exponent.
func jsonInt(raw json.RawMessage) (v int64, present, ok bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, false, false
	}
	s := string(raw)
	if raw[0] == '"' {
		if json.Unmarshal(raw, &s) != nil {
			return 0, true, false
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	return v, true, err == nil
}

func validOrderID(id string) bool {
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_~.", r)) {
			return false
		}
	}
	return true
}

// createReq is a validated create.
type createReq struct {
	orderID   string
	gross     int64
	items     []Item
	customer  Customer
	enabled   []string
	window    time.Duration
	start     time.Time // zero: the window starts when a method is picked
	finishURL string
}

// parseCreate validates a Snap create like Snap does, collecting every
// error_messages entry.
func parseCreate(body []byte) (createReq, []string) {
	var j createJSON
	if err := json.Unmarshal(body, &j); err != nil {
		return createReq{}, []string{"Invalid JSON: " + err.Error()}
	}
	var req createReq
	var errs []string
	bad := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	var oid, gross json.RawMessage
	if j.TransactionDetails != nil {
		oid, gross = j.TransactionDetails.OrderID, j.TransactionDetails.GrossAmount
	}
	var id jsonText
	switch {
	case len(oid) == 0 || string(oid) == "null":
		bad("transaction_details.order_id is required")
	case json.Unmarshal(oid, &id) != nil:
		bad("transaction_details.order_id is invalid")
	case id == "":
		bad("transaction_details.order_id is required")
	case len(id) > 50:
		bad("transaction_details.order_id is too long (maximum is 50 characters)")
	case !validOrderID(string(id)):
		bad("transaction_details.order_id contains invalid characters (allowed: letters, digits, -_~.)")
	}
	req.orderID = string(id)
	amount, present, ok := jsonInt(gross)
	switch {
	case !present:
		bad("transaction_details.gross_amount is required")
	case !ok:
		bad("transaction_details.gross_amount is not an integer")
	case amount < 1:
		bad("transaction_details.gross_amount must be greater than or equal to 1")
	}
	req.gross = amount
	var sum int64
	itemsOK := true
	for i, it := range j.ItemDetails {
		p, pp, pok := jsonInt(it.Price)
		q, qp, qok := jsonInt(it.Quantity)
		switch {
		case !pp:
			bad("item_details[%d].price is required", i)
		case !pok:
			bad("item_details[%d].price is not an integer", i)
		}
		switch {
		case !qp:
			bad("item_details[%d].quantity is required", i)
		case !qok:
			bad("item_details[%d].quantity is not an integer", i)
		case q < 1:
			bad("item_details[%d].quantity must be greater than or equal to 1", i)
		}
		if it.Name == "" {
			bad("item_details[%d].name is required", i)
		}
		itemsOK = itemsOK && pok && qok && q >= 1 // the sum is only checked over valid lines
		sum += p * q
		req.items = append(req.items, Item{ID: string(it.ID), Name: string(it.Name), Price: p, Quantity: q})
	}
	if len(j.ItemDetails) > 0 && itemsOK && ok && sum != amount {
		bad("transaction_details.gross_amount is not equal to the sum of item_details")
	}
	if c := j.CustomerDetails; c != nil {
		req.customer = Customer{FirstName: string(c.FirstName), LastName: string(c.LastName), Email: string(c.Email), Phone: string(c.Phone)}
	}
	if len(j.EnabledPayments) > 0 {
		req.enabled = append([]string(nil), j.EnabledPayments...)
		if len(enabledMethods(req.enabled)) == 0 {
			bad("enabled_payments: none of the payment channels can be used")
		}
	}
	req.window = DefaultExpiry
	if e := j.Expiry; e != nil {
		var unit time.Duration
		switch strings.ToLower(e.Unit) {
		case "minute", "minutes":
			unit = time.Minute
		case "hour", "hours":
			unit = time.Hour
		case "day", "days":
			unit = 24 * time.Hour
		default:
			bad("expiry.unit must be one of minute, hour, day")
		}
		d, dp, dok := jsonInt(e.Duration)
		switch {
		case !dp:
			bad("expiry.duration is required")
		case !dok || d < 1:
			bad("expiry.duration must be a positive integer")
		}
		req.window = time.Duration(d) * unit
		if e.StartTime != "" {
			st, err := time.Parse(StartTimeLayout, e.StartTime)
			if err != nil {
				bad("expiry.start_time must be in the format yyyy-MM-dd HH:mm:ss Z (e.g. 2026-03-14 17:00:00 +0700)")
			}
			req.start = st
		}
	}
	if j.Callbacks != nil {
		req.finishURL = j.Callbacks.Finish
	}
	return req, errs
}

// create answers POST {snap}/transactions: 201 {token, redirect_url}.
func (s *Sandbox) create(c call) reply {
	req, errs := parseCreate(c.body)
	if len(errs) > 0 {
		return snapError(http.StatusBadRequest, errs...)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.txns[req.orderID]; old != nil {
		s.expireDueLocked(old, s.now())
		if old.Status != StatusExpire {
			return snapError(http.StatusBadRequest, msgDuplicate)
		}
	}
	t := s.newTxnLocked(req, c)
	return jsonReply(http.StatusCreated, map[string]string{"token": t.Token, "redirect_url": t.RedirectURL})
}

// urlList splits a notification header value: up to 3 comma-separated URLs, as Midtrans allows.
func urlList(h string) []string {
	var out []string
	for _, u := range strings.Split(h, ",") {
		if u = strings.TrimSpace(u); u != "" && len(out) < 3 {
			out = append(out, u)
		}
	}
	return out
}
