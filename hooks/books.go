package hooks

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"reflect"
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
	"quantity", "price", "cost", "refunded", "payment", "phone",
	// what a partial order's refund is computed from: the provider's word
	"remains", "start_count"}

// paymentEditableFields are the only fields of a payment a request may
// change (an operator's note, the shopper's contact): what was invoiced,
// to whom, its state and what is owed follow the gateway and the admin
// refund route only.
var paymentEditableFields = map[string]bool{"review": true, "phone": true, "email": true}

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
	s.app.OnRecordUpdateRequest("payments").Bind(&hook.Handler[*core.RecordRequestEvent]{
		Priority: -10,
		Func: func(e *core.RecordRequestEvent) error {
			orig := e.Record.Original()
			for _, f := range e.Record.Collection().Fields {
				name := f.GetName()
				if paymentEditableFields[name] || name == "id" || name == "created" || name == "updated" {
					continue
				}
				if !sameFieldValue(f, e.Record, orig) {
					return apiError(http.StatusBadRequest, CodePaymentFieldReadOnly,
						"A payment's "+name+" cannot be changed: it follows the gateway. Use the admin refund action to record a refund, or the review note.", nil)
				}
			}
			return e.Next()
		},
	})
	s.app.OnRecordCreateRequest("payments").BindFunc(func(e *core.RecordRequestEvent) error {
		return apiError(http.StatusBadRequest, CodePaymentFieldReadOnly, "Payments are opened by the checkout and top-up routes only.", nil)
	})
	// Orders and payments are the books: a deleted order leaves its payment,
	// its ledger rows and its refund due pointing at nothing.
	for _, c := range []string{"orders", "payments", "order_events"} {
		s.app.OnRecordDeleteRequest(c).BindFunc(func(e *core.RecordRequestEvent) error {
			return apiError(http.StatusBadRequest, CodeBooksNotDeletable,
				"Orders, payments and their events are the store's books and cannot be deleted: fail or refund the order instead.", nil)
		})
	}
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

// sameFieldValue is whether f holds the same value in a and b; a JSON
// field compares by value, so a dashboard form that sends its JSON back
// re-encoded is not a change.
func sameFieldValue(f core.Field, a, b *core.Record) bool {
	name := f.GetName()
	if _, ok := f.(*core.JSONField); ok {
		var x, y any
		errX := json.Unmarshal([]byte(a.GetString(name)), &x)
		errY := json.Unmarshal([]byte(b.GetString(name)), &y)
		if errX == nil && errY == nil {
			return reflect.DeepEqual(x, y)
		}
	}
	return a.GetString(name) == b.GetString(name)
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
