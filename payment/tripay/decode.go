package tripay

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/vipbase/vipbase/internal/flexjson"
	"github.com/vipbase/vipbase/payment"
)

// Tripay is PHP: a number may arrive as a string ("0.70", "10000"), a
// boolean as 1, a missing value as null. The helpers below accept every such
// spelling and reject only what cannot be the value at all, so a really
// broken answer is still reported as one.

// ErrUnknownStatus is wrapped when Tripay names a status this client does
// not know; nothing is guessed about such a payment.
var ErrUnknownStatus = errors.New("tripay: unknown transaction status")

// NormaliseStatus maps Tripay's status (UNPAID, PAID, EXPIRED, FAILED,
// REFUND) to the gateway-neutral one.
func NormaliseStatus(s string) (payment.Status, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "UNPAID":
		return payment.StatusUnpaid, nil
	case "PAID":
		return payment.StatusPaid, nil
	case "EXPIRED":
		return payment.StatusExpired, nil
	case "FAILED":
		return payment.StatusFailed, nil
	case "REFUND":
		return payment.StatusRefunded, nil
	}
	return "", fmt.Errorf("%w %q", ErrUnknownStatus, flexjson.Truncate(s))
}

// flexString is flexjson.String with the spaces around a string trimmed.
func flexString(raw json.RawMessage) (string, error) {
	s, err := flexjson.String(raw)
	return strings.TrimSpace(s), err
}

// flexInt reads whole rupiah. "1000.00" is 1000; anything fractional is
// refused (money never passes through a float), and so is "10.000", which
// may be a thousands separator.
func flexInt(raw json.RawMessage) (int64, error) {
	s, err := flexjson.NumberText(raw)
	if err != nil || s == "" {
		return 0, err
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	whole, frac, found := strings.Cut(s, ".")
	if found && whole != "" && len(frac) >= 1 && len(frac) <= 2 && strings.Trim(frac, "0") == "" {
		if n, err := strconv.ParseInt(whole, 10, 64); err == nil {
			return n, nil
		}
	}
	return 0, fmt.Errorf("want whole rupiah, got %q", flexjson.Truncate(s))
}

// basisPoints reads a percentage ("0.70", 0.7, 3) as hundredths of a
// percent (70, 70, 300) from its decimal text, without a float. A third
// decimal rounds up, so a fee shown to the shopper is never below Tripay's.
func basisPoints(raw json.RawMessage) (int64, error) {
	s, err := flexjson.NumberText(raw)
	if err != nil || s == "" {
		return 0, err
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" {
		whole = "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 || w > 100 || strings.Trim(frac, "0123456789") != "" {
		return 0, fmt.Errorf("want a percentage, got %q", flexjson.Truncate(s))
	}
	bp := w * 100
	for i := 0; i < len(frac); i++ {
		d := int64(frac[i] - '0')
		switch {
		case i == 0:
			bp += d * 10
		case i == 1:
			bp += d
		case d != 0:
			return bp + 1, nil
		}
	}
	return bp, nil
}

// fields reads one JSON object leniently (see flexjson.Object), with
// Tripay's readers for each kind of field.
type fields struct{ *flexjson.Object }

func readFields(b []byte) (*fields, error) {
	o, err := flexjson.Read(b)
	if err != nil {
		return nil, err
	}
	if o.Fields == nil {
		return nil, errors.New("want an object, got null")
	}
	return &fields{o}, nil
}

func (f *fields) str(key string) string    { return flexjson.Field(f.Object, key, flexString) }
func (f *fields) int(key string) int64     { return flexjson.Field(f.Object, key, flexInt) }
func (f *fields) bool(key string) bool     { return flexjson.Field(f.Object, key, flexjson.Bool) }
func (f *fields) percent(key string) int64 { return flexjson.Field(f.Object, key, basisPoints) }

// object reads a nested object; a missing or null one is an empty object.
func (f *fields) object(key string) *fields {
	empty := &fields{&flexjson.Object{Fields: map[string]json.RawMessage{}}}
	raw := f.Fields[key]
	if flexjson.IsNull(raw) {
		return empty
	}
	sub, err := readFields(raw)
	if err != nil {
		f.Fail(key, errors.New("want an object"))
		return empty
	}
	return sub
}

// check folds a nested object's error into its parent's.
func (f *fields) check(key string, sub *fields) { f.Fail(key, sub.Err()) }
