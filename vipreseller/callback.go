package vipreseller

import (
	"bytes"
	"crypto/md5"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// CallbackSignatureHeader carries the signature of a callback.
const CallbackSignatureHeader = "X-Client-Signature"

// Why a callback is refused before its content is read.
var (
	ErrCallbackNoCredentials = errors.New("callbacks are rejected: VIP-Reseller credentials are not configured")
	ErrCallbackNoSignature   = errors.New("missing " + CallbackSignatureHeader)
	ErrCallbackBadSignature  = errors.New("invalid " + CallbackSignatureHeader)
)

// Why a signed callback's body is refused.
var (
	ErrCallbackEmpty       = errors.New("empty body")
	ErrCallbackMalformed   = errors.New("malformed body")
	ErrCallbackNoItems     = errors.New("no transactions in data")
	ErrCallbackMissingData = errors.New("missing data")
	ErrCallbackDataShape   = errors.New("data must be an object or an array")
)

// Sign is md5(apiID + apiKey) in lowercase hex: the sign of every request
// and the X-Client-Signature of every callback alike.
func Sign(apiID, apiKey string) string {
	sum := md5.Sum([]byte(apiID + apiKey))
	return hex.EncodeToString(sum[:])
}

// VerifyCallback is the whole callback authentication: header must equal
// Sign(apiID, apiKey) exactly (constant-time), and without credentials
// nothing verifies (fail closed).
func VerifyCallback(apiID, apiKey, header string) error {
	if apiID == "" || apiKey == "" {
		return ErrCallbackNoCredentials
	}
	if header == "" {
		return ErrCallbackNoSignature
	}
	if subtle.ConstantTimeCompare([]byte(header), []byte(Sign(apiID, apiKey))) != 1 {
		return ErrCallbackBadSignature
	}
	return nil
}

// CallbackItem is one transaction update from a callback, in any of the
// shapes the provider (or the original integration) sends.
type CallbackItem struct {
	TrxID  string
	Status string // as sent; callers map it
	Note   string // note, or sn
	Target string // the provider's "data": phone, player ID, link
	Raw    json.RawMessage
}

// ParseCallback reads every transaction update of a callback body, JSON or
// form: {"data":{…}}, {"data":[…]}, a status-style envelope, or a flat
// object (trxid|trx_id, status, note|sn); a form's data may itself be JSON.
// Errors wrap the Err* sentinels above.
func ParseCallback(body []byte, contentType string) ([]CallbackItem, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, ErrCallbackEmpty
	}
	if body[0] == '{' || body[0] == '[' || strings.Contains(contentType, "json") {
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			return nil, fmt.Errorf("%w: not JSON", ErrCallbackMalformed)
		}
		return callbackItemsFrom(v)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, fmt.Errorf("%w: not a form", ErrCallbackMalformed)
	}
	if d := form.Get("data"); strings.HasPrefix(strings.TrimSpace(d), "{") || strings.HasPrefix(strings.TrimSpace(d), "[") {
		return ParseCallback([]byte(d), "application/json")
	}
	flat := map[string]any{}
	for k := range form {
		key := strings.TrimSuffix(strings.TrimPrefix(k, "data["), "]")
		flat[key] = form.Get(k)
	}
	return callbackItemsFrom(flat)
}

func callbackItemsFrom(v any) ([]CallbackItem, error) {
	switch t := v.(type) {
	case []any:
		var out []CallbackItem
		for _, x := range t {
			items, err := callbackItemsFrom(x)
			if err != nil {
				return nil, err
			}
			out = append(out, items...)
		}
		if len(out) == 0 {
			return nil, ErrCallbackNoItems
		}
		return out, nil
	case map[string]any:
		if d, ok := t["data"]; ok {
			switch d.(type) {
			case map[string]any, []any:
				return callbackItemsFrom(d)
			}
		}
		it := CallbackItem{TrxID: callbackText(t["trxid"]), Status: callbackText(t["status"]), Note: callbackText(t["note"]), Target: callbackText(t["data"])}
		if it.TrxID == "" {
			it.TrxID = callbackText(t["trx_id"])
		}
		if it.Note == "" {
			it.Note = callbackText(t["sn"])
		}
		if it.TrxID == "" && it.Status == "" {
			return nil, ErrCallbackMissingData
		}
		it.Raw, _ = json.Marshal(t)
		return []CallbackItem{it}, nil
	}
	return nil, ErrCallbackDataShape
}

// text accepts strings and numbers (PHP sends either); anything else is "".
func callbackText(v any) string {
	switch t := v.(type) {
	case string:
		return strings.TrimSpace(t)
	case float64:
		b, _ := json.Marshal(t)
		return string(b)
	}
	return ""
}
