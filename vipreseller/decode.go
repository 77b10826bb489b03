package vipreseller

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/vipbase/vipbase/internal/flexjson"
)

// The provider is PHP: numbers arrive as strings, strings as numbers, booleans
// as "1", and the same field changes type between operations (server is "1"
// in services, 1 in service-stock). internal/flexjson and the helpers below
// accept every such spelling of a value and reject only what cannot be that
// value at all (an object where a string belongs, "abc" where a number
// belongs), so a really malformed answer is still reported as a transport
// failure.

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
	if flexjson.IsNull(raw.Result) {
		return nil, errNoResult
	}
	ok, err := flexjson.Bool(raw.Result)
	if err != nil {
		return nil, fmt.Errorf("result: %w", err)
	}
	msg, err := flexjson.String(raw.Message)
	if err != nil {
		// A message that is not a scalar (a PHP validation array, say) is
		// still the provider's words: keep its JSON text.
		msg = string(bytes.TrimSpace(raw.Message))
	}
	country, _ := flexjson.String(raw.Country)
	return &envelope{Result: ok, Data: raw.Data, Message: msg, Country: country}, nil
}

// flexInt accepts a JSON number or numeric string; null and "" are 0. A
// decimal with a zero fraction ("1000.0") is accepted, anything fractional
// is rejected: money is whole rupiah and must not pass through a float.
func flexInt(raw json.RawMessage) (int64, error) {
	s, err := flexjson.NumberText(raw)
	if err != nil {
		return 0, err
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
	return 0, fmt.Errorf("want a whole number, got %q", flexjson.Truncate(s))
}

// fields reads one JSON object leniently (see flexjson.Object), with the
// provider's readers for each kind of field.
type fields struct{ *flexjson.Object }

func readFields(b []byte) (*fields, error) {
	o, err := flexjson.Read(b)
	if err != nil {
		return nil, err
	}
	return &fields{o}, nil
}

func (f *fields) str(key string) string { return flexjson.Field(f.Object, key, flexjson.String) }
func (f *fields) int(key string) int64  { return flexjson.Field(f.Object, key, flexInt) }
func (f *fields) bool(key string) bool  { return flexjson.Field(f.Object, key, flexjson.Bool) }

func (f *fields) price(key string) Price {
	var p Price
	if raw, ok := f.Fields[key]; ok {
		f.Fail(key, p.UnmarshalJSON(raw))
	}
	return p
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
	if flexjson.IsNull(t) {
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
	return nil, fmt.Errorf("data: want a list, got %s", flexjson.KindOf(t))
}

// decodeOne decodes an answer whose data is one object; a one-element array
// is accepted as well.
func decodeOne[T any](data json.RawMessage) (*T, error) {
	t := bytes.TrimSpace(data)
	if flexjson.IsNull(t) {
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
		return nil, fmt.Errorf("data: want an object, got %s", flexjson.KindOf(t))
	}
	return &v, nil
}
