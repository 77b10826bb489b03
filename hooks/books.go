package hooks

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"regexp"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
)

// Books that cannot be bent (design §14): what an order charged, for whom
// and for what is fixed once it exists, whoever asks — a superuser in the
// dashboard and the batch API included. Its status moves through the admin
// path (registerOrderHooks), which writes the refund and the order_event
// with it. Whole-number fields take whole numbers only: "10.000" (Indonesian
// for ten thousand), 10.5 or true are refused instead of cast.

// orderReadOnlyFields may not change after an order is created.
var orderReadOnlyFields = []string{"user", "product", "category", "service_code", "target", "zone",
	"quantity", "price", "cost", "refunded", "payment", "phone"}

var errNotInteger = validation.NewError("validation_not_integer", "Must be a whole number written as a number (10000, not \"10.000\", 10.5 or true).")

// formInteger is a whole number as a form field carries it.
var formInteger = regexp.MustCompile(`^-?[0-9]+$`)

func (s *Service) registerBooks() {
	s.app.OnRecordUpdateRequest("orders").Bind(&hook.Handler[*core.RecordRequestEvent]{
		Priority: -10, // before the status change's refund and audit row
		Func: func(e *core.RecordRequestEvent) error {
			orig := e.Record.Original()
			for _, f := range orderReadOnlyFields {
				if e.Record.GetString(f) != orig.GetString(f) {
					return orderFieldReadOnly(f)
				}
			}
			if was := orig.GetString("external_id"); was != "" && e.Record.GetString("external_id") != was {
				return orderFieldReadOnly("external_id")
			}
			return e.Next()
		},
	})
	whole := func(e *core.RecordRequestEvent) error {
		if err := wholeNumbersOnly(e); err != nil {
			return err
		}
		return e.Next()
	}
	s.app.OnRecordCreateRequest().Bind(&hook.Handler[*core.RecordRequestEvent]{Priority: -20, Func: func(e *core.RecordRequestEvent) error {
		if e.Collection.Name == "orders" {
			return e.Next() // the SDK order create takes no money and checks its quantity itself
		}
		return whole(e)
	}})
	s.app.OnRecordUpdateRequest().Bind(&hook.Handler[*core.RecordRequestEvent]{Priority: -20, Func: whole})
}

func orderFieldReadOnly(field string) error {
	return apiError(http.StatusBadRequest, CodeOrderFieldReadOnly,
		"An order's "+field+" cannot be changed after it was created: use the admin actions (recheck, status change with its refund) or a wallet adjustment.", nil)
}

// wholeNumbersOnly refuses a request whose value for an integer field of
// the collection (prices, amounts, balances, counts) is not a whole number
// as sent: a JSON integer, or in a multipart/urlencoded form a string of
// digits (or empty). It reads the body as sent: PocketBase's own reading
// has cast "10.000" to 10 and true to 1 by the time the hook runs. A form's
// @jsonPayload part (the SDK with files, the batch API) is JSON.
func wholeNumbersOnly(e *core.RecordRequestEvent) error {
	fields, err := sentFields(e)
	if err != nil {
		return invalidBody("", err)
	}
	errs := validation.Errors{}
	for _, sf := range fields {
		name := strings.TrimSuffix(strings.TrimSuffix(sf.key, "+"), "-") // PocketBase's field+ / field- modifiers
		f, ok := e.Collection.Fields.GetByName(name).(*core.NumberField)
		if ok && f.OnlyInt && !wholeNumber(sf.value) {
			errs[name] = errNotInteger
		}
	}
	if len(errs) > 0 {
		return fieldsError(errs)
	}
	return nil
}

// sentField is one body value as the client sent it: JSON-decoded, or a
// form's text.
type sentField struct {
	key   string
	value any
}

func sentFields(e *core.RecordRequestEvent) ([]sentField, error) {
	var out []sentField
	addJSON := func(raw []byte) error {
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			return err
		}
		for k, v := range m {
			out = append(out, sentField{k, v})
		}
		return nil
	}
	ct := e.Request.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "application/json"):
		if e.Request.Body == nil || e.Request.ContentLength == 0 {
			return nil, nil
		}
		if _, ok := e.Request.Body.(router.Rereader); !ok {
			return nil, nil // never consume a body nothing can read again
		}
		raw, err := io.ReadAll(e.Request.Body) // EOF rewinds it
		if err != nil || len(bytes.TrimSpace(raw)) == 0 {
			return nil, err
		}
		return out, addJSON(raw)
	case strings.HasPrefix(ct, "multipart/form-data"), strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
		for k, vs := range e.Request.Form { // parsed by PocketBase's handler
			for _, v := range vs {
				if k == router.JSONPayloadKey {
					if err := addJSON([]byte(v)); err != nil {
						return nil, err
					}
					continue
				}
				out = append(out, sentField{k, formText(v)})
			}
		}
	}
	return out, nil
}

// formText marks a form value: digits are whole numbers there.
type formText string

func wholeNumber(v any) bool {
	switch x := v.(type) {
	case nil:
		return true // PocketBase's "unset"
	case float64:
		return x == math.Trunc(x) && !math.IsInf(x, 0)
	case formText:
		return x == "" || formInteger.MatchString(string(x))
	}
	return false
}
