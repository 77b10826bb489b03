package hooks

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
)

// parseCallback accepts JSON or form bodies: {"data":{…}}, {"data":[…]},
// a status-style envelope, or a flat object (trxid|trx_id, status, note|sn).
func parseCallback(body []byte, contentType string) ([]callbackItem, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, errors.New("empty body")
	}
	if body[0] == '{' || body[0] == '[' || strings.Contains(contentType, "json") {
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			return nil, errors.New("malformed JSON")
		}
		return itemsFrom(v)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, errors.New("malformed form body")
	}
	if d := form.Get("data"); strings.HasPrefix(strings.TrimSpace(d), "{") || strings.HasPrefix(strings.TrimSpace(d), "[") {
		return parseCallback([]byte(d), "application/json")
	}
	flat := map[string]any{}
	for k := range form {
		key := strings.TrimSuffix(strings.TrimPrefix(k, "data["), "]")
		flat[key] = form.Get(k)
	}
	return itemsFrom(flat)
}

func itemsFrom(v any) ([]callbackItem, error) {
	switch t := v.(type) {
	case []any:
		var out []callbackItem
		for _, x := range t {
			items, err := itemsFrom(x)
			if err != nil {
				return nil, err
			}
			out = append(out, items...)
		}
		if len(out) == 0 {
			return nil, errors.New("no transactions in data")
		}
		return out, nil
	case map[string]any:
		if d, ok := t["data"]; ok {
			switch d.(type) {
			case map[string]any, []any:
				return itemsFrom(d)
			}
		}
		it := callbackItem{TrxID: text(t["trxid"]), Status: text(t["status"]), Note: text(t["note"]), Target: text(t["data"])}
		if it.TrxID == "" {
			it.TrxID = text(t["trx_id"])
		}
		if it.Note == "" {
			it.Note = text(t["sn"])
		}
		if it.TrxID == "" && it.Status == "" {
			return nil, errors.New("missing data")
		}
		it.Raw, _ = json.Marshal(t)
		return []callbackItem{it}, nil
	}
	return nil, errors.New("data must be an object or an array")
}

// text accepts strings and numbers (PHP sends either); anything else is "".
func text(v any) string {
	switch t := v.(type) {
	case string:
		return strings.TrimSpace(t)
	case float64:
		b, _ := json.Marshal(t)
		return string(b)
	}
	return ""
}
