package hooks

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// Client-facing messages named by the design (§4, §7).
const (
	MsgProductNotFound      = "Product not found."
	MsgOutOfStock           = "Out of stock."
	MsgInsufficientBalance  = "Insufficient balance."
	MsgPriceChanged         = "Price has changed."
	MsgIdempotencyMismatch  = "This Idempotency-Key was already used for a different order."
	MsgValidationFailed     = "Validation failed."
	msgTargetDigits         = "Must be 6–20 digits."
	msgTargetPhone          = "A phone number must start with 0 or 62."
	msgTargetGame           = "Must be 1–64 letters, digits, dots, underscores or dashes."
	msgZoneRequired         = "This game needs a zone/server ID."
	msgZoneInvalid          = "Must be 1–64 letters, digits, dots, underscores or dashes."
	msgSocialTarget         = "Must not be empty and at most 500 characters."
	msgQuantityRange        = "Quantity is outside the allowed range for this service."
	msgServiceRequired      = "Choose a product."
	msgIdempotencyKeyLength = "Must be at most 200 characters."
)

var (
	reDigits = regexp.MustCompile(`^[0-9]{6,20}$`)
	reGameID = regexp.MustCompile(`^[0-9A-Za-z._-]{1,64}$`)
)

// maxSocialQuantity caps a social order whatever the product says.
const maxSocialQuantity = 100_000_000

// phoneTypes are the prepaid product types whose target is a phone number.
var phoneTypes = map[string]bool{
	"pulsa-reguler": true, "pulsa-transfer": true, "paket-internet": true, "paket-telepon": true,
}

// fieldErrors collects per-field problems; the key is the canonical order
// field (target, zone, quantity, service), renamed per route on the way out.
type fieldErrors map[string]string

// orderError is a client-facing failure of order creation.
type orderError struct {
	status  int
	message string
	fields  fieldErrors
}

func (e *orderError) Error() string { return e.message }

func newOrderError(status int, message string) *orderError {
	return &orderError{status: status, message: message}
}

// apiError renders it in PocketBase's {status, message, data} shape, with
// field names as the caller sent them (rename maps canonical → caller's).
func (e *orderError) apiError(rename map[string]string) *router.ApiError {
	apiErr := router.NewApiError(e.status, e.message, nil)
	if len(e.fields) > 0 {
		for field, msg := range e.fields {
			name := field
			if r, ok := rename[field]; ok {
				name = r
			}
			apiErr.Data[name] = map[string]string{"code": "validation_invalid_" + field, "message": msg}
		}
	}
	return apiErr
}

// validateTarget checks the shape of the input against the product. Pure:
// no database, no provider.
func validateOrderInput(in *OrderInput, product *core.Record) *orderError {
	errs := fieldErrors{}
	in.Target = strings.TrimSpace(in.Target)
	in.Zone = strings.TrimSpace(in.Zone)
	switch product.GetString("category") {
	case CategoryPrepaid:
		switch {
		case !reDigits.MatchString(in.Target):
			errs["target"] = msgTargetDigits
		case phoneTypes[product.GetString("type")] && !strings.HasPrefix(in.Target, "0") && !strings.HasPrefix(in.Target, "62"):
			errs["target"] = msgTargetPhone
		}
		in.Zone, in.Quantity = "", 1
	case CategoryGame:
		if !reGameID.MatchString(in.Target) {
			errs["target"] = msgTargetGame
		}
		switch {
		case product.GetBool("needs_zone") && in.Zone == "":
			errs["zone"] = msgZoneRequired
		case in.Zone != "" && !reGameID.MatchString(in.Zone):
			errs["zone"] = msgZoneInvalid
		}
		in.Quantity = 1
	case CategorySocial:
		if in.Target == "" || len(in.Target) > 500 {
			errs["target"] = msgSocialTarget
		}
		min, max := int64(product.GetInt("min")), int64(product.GetInt("max"))
		if max <= 0 || max > maxSocialQuantity {
			max = maxSocialQuantity // bounds price × quantity far below int64 overflow
		}
		if in.Quantity < 1 || (min > 0 && in.Quantity < min) || in.Quantity > max {
			errs["quantity"] = msgQuantityRange
		}
		in.Zone = ""
	}
	if len(in.IdempotencyKey) > 200 {
		errs["idempotency_key"] = msgIdempotencyKeyLength
	}
	if len(errs) > 0 {
		return &orderError{status: http.StatusBadRequest, message: MsgValidationFailed, fields: errs}
	}
	return nil
}
