package tripay

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

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
	return "", fmt.Errorf("%w %q", ErrUnknownStatus, truncate(s))
}

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}

// flexString accepts a JSON string, number or boolean; null is "".
func flexString(raw json.RawMessage) (string, error) {
	t := bytes.TrimSpace(raw)
	if isNull(t) {
		return "", nil
	}
	switch t[0] {
	case '"':
		var s string
		err := json.Unmarshal(t, &s)
		return strings.TrimSpace(s), err
	case '{', '[':
		return "", fmt.Errorf("want a string, got %s", kindOf(t))
	}
	if !json.Valid(t) {
		return "", errors.New("invalid JSON value")
	}
	return string(t), nil
}

// numberText is the text of a JSON number or numeric string; null and "" are "".
func numberText(raw json.RawMessage) (string, error) {
	t := bytes.TrimSpace(raw)
	if isNull(t) {
		return "", nil
	}
	switch t[0] {
	case '"':
		var s string
		if err := json.Unmarshal(t, &s); err != nil {
			return "", err
		}
		return strings.TrimSpace(s), nil
	case '{', '[', 't', 'f':
		return "", fmt.Errorf("want a number, got %s", kindOf(t))
	}
	return string(t), nil
}

// flexInt reads whole rupiah. "1000.00" is 1000; anything fractional is
// refused (money never passes through a float), and so is "10.000", which
// may be a thousands separator.
func flexInt(raw json.RawMessage) (int64, error) {
	s, err := numberText(raw)
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
	return 0, fmt.Errorf("want whole rupiah, got %q", truncate(s))
}

// basisPoints reads a percentage ("0.70", 0.7, 3) as hundredths of a
// percent (70, 70, 300) from its decimal text, without a float. A third
// decimal rounds up, so a fee shown to the shopper is never below Tripay's.
func basisPoints(raw json.RawMessage) (int64, error) {
	s, err := numberText(raw)
	if err != nil || s == "" {
		return 0, err
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" {
		whole = "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 || w > 100 || strings.Trim(frac, "0123456789") != "" {
		return 0, fmt.Errorf("want a percentage, got %q", truncate(s))
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

// flexBool accepts true/false, 1/0 and their string forms; null is false.
func flexBool(raw json.RawMessage) (bool, error) {
	t := bytes.TrimSpace(raw)
	if isNull(t) {
		return false, nil
	}
	s := string(t)
	if t[0] == '"' {
		if err := json.Unmarshal(t, &s); err != nil {
			return false, err
		}
		s = strings.ToLower(strings.TrimSpace(s))
	}
	switch s {
	case "true", "1":
		return true, nil
	case "false", "0", "":
		return false, nil
	}
	return false, fmt.Errorf("want a boolean, got %q", truncate(s))
}

func kindOf(t []byte) string {
	switch t[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// fields reads one JSON object leniently and keeps the first error, so a
// decoder reads every field and checks once.
type fields struct {
	m   map[string]json.RawMessage
	err error
}

func readFields(b []byte) (*fields, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("want an object, got null")
	}
	return &fields{m: m}, nil
}

func (f *fields) fail(key string, err error) {
	if err != nil && f.err == nil {
		f.err = fmt.Errorf("field %q: %w", key, err)
	}
}

func (f *fields) str(key string) string {
	v, err := flexString(f.m[key])
	f.fail(key, err)
	return v
}

func (f *fields) int(key string) int64 {
	v, err := flexInt(f.m[key])
	f.fail(key, err)
	return v
}

func (f *fields) bool(key string) bool {
	v, err := flexBool(f.m[key])
	f.fail(key, err)
	return v
}

func (f *fields) percent(key string) int64 {
	v, err := basisPoints(f.m[key])
	f.fail(key, err)
	return v
}

// object reads a nested object; a missing or null one is an empty object.
func (f *fields) object(key string) *fields {
	raw := f.m[key]
	if isNull(raw) {
		return &fields{m: map[string]json.RawMessage{}}
	}
	sub, err := readFields(raw)
	if err != nil {
		f.fail(key, errors.New("want an object"))
		return &fields{m: map[string]json.RawMessage{}}
	}
	return sub
}

// check folds a nested object's error into its parent's.
func (f *fields) check(key string, sub *fields) {
	if sub.err != nil {
		f.fail(key, sub.err)
	}
}
