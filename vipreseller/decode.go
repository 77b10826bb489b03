package vipreseller

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The provider is PHP: numbers arrive as strings, strings as numbers, booleans
// as "1", and the same field changes type between operations (server is "1"
// in services, 1 in service-stock). The helpers below accept every such
// spelling of a value and reject only what cannot be that value at all
// (an object where a string belongs, "abc" where a number belongs), so a
// really malformed answer is still reported as a transport failure.

// envelope is the {result, data, message} wrapper of every answer. Country
// is the optional top-level field get-nickname may add.
type envelope struct {
	Result  bool
	Data    json.RawMessage
	Message string
	Country string
}

var errNoResult = errors.New(`no "result" field`)

// parseEnvelope decodes the wrapper. A body that is not a JSON object, or an
// object without a usable result, is not an answer at all.
func parseEnvelope(body []byte) (*envelope, error) {
	var raw struct {
		Result  json.RawMessage `json:"result"`
		Data    json.RawMessage `json:"data"`
		Message json.RawMessage `json:"message"`
		Country json.RawMessage `json:"country"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, err
	}
	if isNull(raw.Result) {
		return nil, errNoResult
	}
	ok, err := flexBool(raw.Result)
	if err != nil {
		return nil, fmt.Errorf("result: %w", err)
	}
	msg, err := flexString(raw.Message)
	if err != nil {
		// A message that is not a scalar (a PHP validation array, say) is
		// still the provider's words: keep its JSON text.
		msg = string(bytes.TrimSpace(raw.Message))
	}
	country, _ := flexString(raw.Country)
	return &envelope{Result: ok, Data: raw.Data, Message: msg, Country: country}, nil
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
		return s, err
	case '{', '[':
		return "", fmt.Errorf("want a string, got %s", kindOf(t))
	default: // number, true, false: keep the literal text
		if !json.Valid(t) {
			return "", fmt.Errorf("invalid JSON value")
		}
		return string(t), nil
	}
}

// flexInt accepts a JSON number or numeric string; null and "" are 0. A
// decimal with a zero fraction ("1000.0") is accepted, anything fractional
// is rejected: money is whole rupiah and must not pass through a float.
func flexInt(raw json.RawMessage) (int64, error) {
	t := bytes.TrimSpace(raw)
	if isNull(t) {
		return 0, nil
	}
	var s string
	switch t[0] {
	case '"':
		if err := json.Unmarshal(t, &s); err != nil {
			return 0, err
		}
	case '{', '[', 't', 'f':
		return 0, fmt.Errorf("want a number, got %s", kindOf(t))
	default:
		s = string(t)
	}
	return parseWhole(s)
}

func parseWhole(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	whole, frac, found := strings.Cut(s, ".")
	if found && whole != "" && whole != "-" && strings.Trim(frac, "0") == "" {
		if n, err := strconv.ParseInt(whole, 10, 64); err == nil {
			return n, nil
		}
	}
	return 0, fmt.Errorf("want a whole number, got %q", truncateForError(s))
}

// flexBool accepts true/false, 1/0 and their string forms; null and "" are
// false.
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
	return false, fmt.Errorf("want a boolean, got %q", truncateForError(s))
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

func truncateForError(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// fields reads one JSON object leniently, remembering the first error so an
// UnmarshalJSON method can read every field and check once.
type fields struct {
	m   map[string]json.RawMessage
	err error
}

func readFields(b []byte) (*fields, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
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

func (f *fields) price(key string) Price {
	var p Price
	if raw, ok := f.m[key]; ok {
		f.fail(key, p.UnmarshalJSON(raw))
	}
	return p
}

func (f *fields) has(key string) bool {
	_, ok := f.m[key]
	return ok
}

// decodeList decodes a list answer. data should be an array; a single object
// is taken as a one-item list and null as an empty one, since PHP collapses
// both. keep drops rows that are not real items (the real prepaid list opens
// with a row whose code is empty). Any row that fails to decode fails the
// whole list: used for transactions, where a half-read answer is worse than
// none.
func decodeList[T any](data json.RawMessage, keep func(*T) bool) ([]T, error) {
	rows, err := splitList(data)
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(rows))
	for i, raw := range rows {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, fmt.Errorf("data[%d]: %w", i, err)
		}
		if keep == nil || keep(&v) {
			out = append(out, v)
		}
	}
	return out, nil
}

// decodeCatalog is decodeList for service catalogs, where one odd row must
// not take the whole catalog down (1500+ rows, any of which the provider may
// type loosely): rows that fail to decode are skipped and counted, with the
// first error kept for the log. Only when every row fails is the answer
// itself considered malformed.
func decodeCatalog[T any](data json.RawMessage, keep func(*T) bool) (items []T, skipped int, firstErr, err error) {
	rows, err := splitList(data)
	if err != nil {
		return nil, 0, nil, err
	}
	items = make([]T, 0, len(rows))
	for i, raw := range rows {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			skipped++
			if firstErr == nil {
				firstErr = fmt.Errorf("data[%d]: %w", i, err)
			}
			continue
		}
		if keep == nil || keep(&v) {
			items = append(items, v)
		}
	}
	if skipped > 0 && skipped == len(rows) {
		return nil, skipped, firstErr, firstErr
	}
	return items, skipped, firstErr, nil
}

// splitList returns the rows of a list answer (see decodeList).
func splitList(data json.RawMessage) ([]json.RawMessage, error) {
	t := bytes.TrimSpace(data)
	if isNull(t) {
		return nil, nil
	}
	switch t[0] {
	case '[':
		var rows []json.RawMessage
		if err := json.Unmarshal(t, &rows); err != nil {
			return nil, err
		}
		return rows, nil
	case '{':
		return []json.RawMessage{t}, nil
	}
	return nil, fmt.Errorf("data: want a list, got %s", kindOf(t))
}

// decodeOne decodes an answer whose data is one object; a one-element array
// is accepted as well.
func decodeOne[T any](data json.RawMessage) (*T, error) {
	t := bytes.TrimSpace(data)
	if isNull(t) {
		return nil, errors.New("data: missing")
	}
	var v T
	switch t[0] {
	case '{':
		if err := json.Unmarshal(t, &v); err != nil {
			return nil, err
		}
	case '[':
		var items []json.RawMessage
		if err := json.Unmarshal(t, &items); err != nil {
			return nil, err
		}
		if len(items) != 1 || !bytes.HasPrefix(bytes.TrimSpace(items[0]), []byte("{")) {
			return nil, fmt.Errorf("data: want one object, got an array of %d", len(items))
		}
		return decodeOne[T](items[0])
	default:
		return nil, fmt.Errorf("data: want an object, got %s", kindOf(t))
	}
	return &v, nil
}
