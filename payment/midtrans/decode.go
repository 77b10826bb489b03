package midtrans

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vipbase/vipbase/internal/flexjson"
	"github.com/vipbase/vipbase/payment"
)

// ErrUnknownStatus is wrapped when Midtrans names a transaction or fraud
// status this client does not know; nothing is guessed about such a payment.
var ErrUnknownStatus = errors.New("midtrans: unknown transaction status")

// Holds set on a card capture that is not yet paid (payment.Transaction.Hold).
const (
	HoldChallenge = "fraud challenge: accept or deny it in the Midtrans dashboard"
	HoldNoFraud   = "card capture without a fraud status: check it in the Midtrans dashboard"
)

// jakarta is Asia/Jakarta (WIB), which has kept +0700 without daylight
// saving since 1964; a fixed zone needs no tzdata on the host.
var jakarta = time.FixedZone("WIB", 7*60*60)

// NormaliseStatus maps Midtrans's transaction_status and fraud_status to
// the gateway-neutral status. Paid is settlement, or capture (card) with
// fraud_status accept; a capture under challenge stays unpaid with a hold
// for a person. deny, cancel and failure are failed; expire expired;
// refund, partial_refund, chargeback and partial_chargeback refunded (a
// reversal after payment, which the caller reviews). Anything else is an
// error wrapping ErrUnknownStatus.
func NormaliseStatus(transactionStatus, fraudStatus string) (payment.Status, string, error) {
	fraud := strings.ToLower(strings.TrimSpace(fraudStatus))
	switch strings.ToLower(strings.TrimSpace(transactionStatus)) {
	case "settlement":
		return payment.StatusPaid, "", nil
	case "pending":
		return payment.StatusUnpaid, "", nil
	case "capture":
		switch fraud {
		case "accept":
			return payment.StatusPaid, "", nil
		case "challenge":
			return payment.StatusUnpaid, HoldChallenge, nil
		case "deny":
			return payment.StatusFailed, "", nil
		case "":
			// Not paid by the documented rule, yet money may be captured:
			// a person decides.
			return payment.StatusUnpaid, HoldNoFraud, nil
		}
		return "", "", fmt.Errorf("%w: capture with fraud_status %q", ErrUnknownStatus, flexjson.Truncate(fraudStatus))
	case "deny", "cancel", "failure":
		return payment.StatusFailed, "", nil
	case "expire":
		return payment.StatusExpired, "", nil
	case "refund", "partial_refund", "chargeback", "partial_chargeback":
		return payment.StatusRefunded, "", nil
	}
	return "", "", fmt.Errorf("%w %q", ErrUnknownStatus, flexjson.Truncate(transactionStatus))
}

// parseRupiah reads whole rupiah from Midtrans's gross_amount text:
// "10000.00" and "10000" are 10000; a non-zero fraction, a sign, a
// thousands separator or anything else is refused, so money never passes
// through a float.
func parseRupiah(s string) (int64, error) {
	whole, frac, found := strings.Cut(strings.TrimSpace(s), ".")
	ok := whole != "" && strings.Trim(whole, "0123456789") == "" &&
		(!found || (frac != "" && len(frac) <= 2 && strings.Trim(frac, "0") == ""))
	if ok {
		if n, err := strconv.ParseInt(whole, 10, 64); err == nil {
			return n, nil
		}
	}
	return 0, fmt.Errorf("want whole rupiah, got %q", flexjson.Truncate(s))
}

// parseTime reads Midtrans's "2006-01-02 15:04:05" in Asia/Jakarta (the
// documented form) or RFC 3339; "" is the zero time.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.ParseInLocation(time.DateTime, s, jakarta); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("want a time, got %q", flexjson.Truncate(s))
}

// fields reads one JSON object leniently (see flexjson.Object). Every
// value but exact's is redacted as it is read, before anything can quote
// it: an error quoting a truncated value would otherwise show a piece of
// an echoed secret that the redactor no longer recognises.
type fields struct {
	*flexjson.Object
	red redactor
}

func readFields(b []byte, red redactor) (*fields, error) {
	o, err := flexjson.Read(b)
	if err != nil {
		return nil, err
	}
	if o.Fields == nil {
		return nil, errors.New("want an object, got null")
	}
	return &fields{o, red}, nil
}

// text is a value's redacted text, spaces trimmed.
func (f *fields) text(raw json.RawMessage) (string, error) {
	s, err := flexjson.String(raw)
	return strings.TrimSpace(f.red.String(s)), err
}

// str reads a string (or a number's text), spaces trimmed.
func (f *fields) str(key string) string { return flexjson.Field(f.Object, key, f.text) }

// exact reads a string exactly as sent (a number as its literal text), for
// what a signature covers.
func (f *fields) exact(key string) string { return flexjson.Field(f.Object, key, flexjson.String) }

// rupiah reads an amount; missing is 0.
func (f *fields) rupiah(key string) int64 {
	return flexjson.Field(f.Object, key, func(raw json.RawMessage) (int64, error) {
		s, err := flexjson.NumberText(raw)
		if err != nil || s == "" {
			return 0, err
		}
		return parseRupiah(f.red.String(s))
	})
}

func (f *fields) time(key string) time.Time {
	return flexjson.Field(f.Object, key, func(raw json.RawMessage) (time.Time, error) {
		s, err := f.text(raw)
		if err != nil {
			return time.Time{}, err
		}
		return parseTime(s)
	})
}

// code reads status_code ("200", 200); missing is 0.
func (f *fields) code() int {
	s := f.str("status_code")
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		f.Fail("status_code", fmt.Errorf("want a number, got %q", flexjson.Truncate(s)))
	}
	return n
}

// messages joins Midtrans's words: Snap's error_messages[], or the Core
// API's status_message.
func (f *fields) messages() string {
	var list []string
	if raw := f.Fields["error_messages"]; !flexjson.IsNull(raw) {
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) == nil {
			for _, it := range items {
				if s, err := f.text(it); err == nil && s != "" {
					list = append(list, s)
				}
			}
		} else if s, err := f.text(raw); err == nil && s != "" {
			list = append(list, s)
		}
	}
	for _, key := range []string{"status_message", "error_message"} {
		if s, err := f.text(f.Fields[key]); err == nil && s != "" && len(list) == 0 {
			list = append(list, s)
		}
	}
	return strings.Join(list, "; ")
}

// decodeStatus reads a Core API status answer (the shape of a
// notification) for the order asked about. Reference and Number are our
// order_id: Midtrans's transaction_id exists only once the shopper picked a
// method. gross_amount is what the shopper is to pay or paid, so it is
// Amount and Total as is (Midtrans charges the merchant, not the shopper):
// a payment of the wrong amount must reach the caller as such.
func decodeStatus(f *fields, orderID string) (payment.Transaction, error) {
	tx := payment.Transaction{
		Reference: f.str("order_id"),
		Channel:   f.str("payment_type"),
		Total:     f.rupiah("gross_amount"),
		ExpiresAt: f.time("expiry_time"),
		PayCode:   payCode(f),
	}
	rawStatus, fraud := f.str("transaction_status"), f.str("fraud_status")
	settled, created := f.time("settlement_time"), f.time("transaction_time")
	if f.Err() != nil {
		return payment.Transaction{}, f.Err()
	}
	if tx.Reference != orderID {
		return payment.Transaction{}, fmt.Errorf("answer is for order_id %q", flexjson.Truncate(tx.Reference))
	}
	var err error
	if tx.Status, tx.Hold, err = NormaliseStatus(rawStatus, fraud); err != nil {
		return payment.Transaction{}, err
	}
	tx.Number, tx.Amount = tx.Reference, tx.Total
	if tx.Status == payment.StatusPaid {
		// A card capture carries no settlement_time until it settles.
		tx.PaidAt = settled
		if tx.PaidAt.IsZero() {
			tx.PaidAt = created
		}
	}
	return tx, nil
}

// payCode is the virtual account number or retail code, when the shopper
// picked such a method (va_numbers[0], permata_va_number, Mandiri's
// biller_code/bill_key, payment_code); shown for "Cek pembayaran", never
// relied on.
func payCode(f *fields) string {
	if raw := f.Fields["va_numbers"]; !flexjson.IsNull(raw) {
		var list []struct {
			Number json.RawMessage `json:"va_number"`
		}
		if json.Unmarshal(raw, &list) == nil && len(list) > 0 {
			if s, err := f.text(list[0].Number); err == nil && s != "" {
				return s
			}
		}
	}
	if s := f.str("permata_va_number"); s != "" {
		return s
	}
	if key := f.str("bill_key"); key != "" {
		if biller := f.str("biller_code"); biller != "" {
			return biller + "/" + key
		}
		return key
	}
	return f.str("payment_code")
}
