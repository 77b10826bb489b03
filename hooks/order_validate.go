package hooks

import (
	"cmp"
	"net/http"
	"regexp"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// Client-facing messages named by the design (§4, §7); each answer also
// carries its stable code (errors.go).
const (
	MsgProductNotFound     = "Product not found."
	MsgOutOfStock          = "Out of stock."
	MsgInsufficientBalance = "Insufficient balance."
	MsgPriceChanged        = "Price has changed."
	MsgIdempotencyMismatch = "This Idempotency-Key was already used for a different order."
	MsgValidationFailed    = "Validation failed."
)

// The failures of order creation a client can act on.
var (
	errProductNotFound     = &orderError{http.StatusNotFound, CodeProductNotFound, MsgProductNotFound, nil}
	errOutOfStock          = &orderError{http.StatusConflict, CodeOutOfStock, MsgOutOfStock, nil}
	errInsufficientBalance = &orderError{http.StatusPaymentRequired, CodeInsufficientBalance, MsgInsufficientBalance, nil}
	errPriceChanged        = &orderError{http.StatusConflict, CodePriceChanged, MsgPriceChanged, nil}
	errIdempotencyMismatch = &orderError{http.StatusConflict, CodeIdempotencyMismatch, MsgIdempotencyMismatch, nil}
	errOrderNotConfigured  = &orderError{http.StatusServiceUnavailable, CodeNotConfigured, MsgNotConfigured, nil}
	errOrderTotalTooLarge  = &orderError{http.StatusBadRequest, CodeOrderTotalTooLarge, "An order can total at most Rp " + Rupiah(maxOrderTotal) + ".", nil}
)

var (
	reDigits = regexp.MustCompile(`^[0-9]{6,20}$`)
	reGameID = regexp.MustCompile(`^[0-9A-Za-z._-]{1,64}$`)
)

// maxSocialQuantity caps a social order whatever the product says.
const maxSocialQuantity = 100_000_000

// maxOrderTotal caps what one order may charge (and cost us), whatever the
// catalog says: a mistyped price is refused, never charged. It also keeps
// every later product of an amount (a partial refund's price × remains)
// far inside int64.
const maxOrderTotal = 100_000_000 // rupiah

// phoneTypes are the prepaid product types whose target is a phone number.
var phoneTypes = map[string]bool{
	"pulsa-reguler": true, "pulsa-transfer": true, "paket-internet": true, "paket-telepon": true,
}

// orderError is a client-facing failure of order creation. Field errors
// are keyed by the canonical order field (target, zone, quantity, product,
// idempotency_key) and renamed per route on the way out.
type orderError struct {
	status  int
	code    string
	message string
	fields  validation.Errors
}

func (e *orderError) Error() string { return e.message }

func invalidOrder(fields validation.Errors) *orderError {
	return &orderError{http.StatusBadRequest, CodeValidationFailed, MsgValidationFailed, fields}
}

// apiError renders it in PocketBase's {status, message, data} shape with
// data.code, field names as the caller sent them (rename: canonical → caller's).
func (e *orderError) apiError(rename map[string]string) *router.ApiError {
	if len(e.fields) == 0 {
		return apiError(e.status, e.code, e.message, nil)
	}
	fields := validation.Errors{}
	for field, err := range e.fields {
		fields[cmp.Or(rename[field], field)] = err
	}
	return apiError(e.status, e.code, e.message, fields)
}

// validateOrderInput checks the shape of the input against the product. Pure:
// no database, no provider.
func validateOrderInput(in *OrderInput, product *core.Record) *orderError {
	errs := validation.Errors{}
	in.Target = strings.TrimSpace(in.Target)
	in.Zone = strings.TrimSpace(in.Zone)
	switch product.GetString("category") {
	case CategoryPrepaid:
		switch {
		case !reDigits.MatchString(in.Target):
			errs["target"] = errTargetDigits
		case phoneTypes[product.GetString("type")] && !strings.HasPrefix(in.Target, "0") && !strings.HasPrefix(in.Target, "62"):
			errs["target"] = errTargetPhone
		}
		in.Zone, in.Quantity = "", 1
	case CategoryGame:
		if !reGameID.MatchString(in.Target) {
			errs["target"] = errTargetGame
		}
		switch {
		case product.GetBool("needs_zone") && in.Zone == "":
			errs["zone"] = errZoneRequired
		case in.Zone != "" && !reGameID.MatchString(in.Zone):
			errs["zone"] = errZoneInvalid
		}
		in.Quantity = 1
	case CategorySocial:
		if in.Target == "" || len(in.Target) > 500 {
			errs["target"] = errSocialTarget
		}
		min, max := int64(product.GetInt("min")), int64(product.GetInt("max"))
		if max <= 0 || max > maxSocialQuantity {
			max = maxSocialQuantity
		}
		if in.Quantity < 1 || (min > 0 && in.Quantity < min) || in.Quantity > max {
			errs["quantity"] = errQuantityRange
		}
		in.Zone = ""
	}
	if len(in.IdempotencyKey) > 200 {
		errs["idempotency_key"] = errIdempotencyKeySize
	}
	if len(errs) > 0 {
		return invalidOrder(errs)
	}
	// Early, with the product as read before the transaction; CreateOrder
	// prices again with the committed row, for the shopper's level.
	if _, _, oe := orderAmounts(product, in.Quantity, ""); oe != nil {
		return oe
	}
	return nil
}

// zoneFromList refuses a game zone outside its brand's server list
// (brands.zones, "code=Label" lines): the storefront offers only those, and
// the provider would fail the order with another. A brand without a list
// takes any zone validateOrderInput accepts.
func (s *Service) zoneFromList(in *OrderInput, product *core.Record) *orderError {
	if product.GetString("category") != CategoryGame || in.Zone == "" {
		return nil
	}
	b, err := s.app.FindFirstRecordByFilter("brands", "provider_category = {:c} && name = {:n}",
		dbx.Params{"c": CategoryGame, "n": product.GetString("brand")})
	if err != nil || strings.TrimSpace(b.GetString("zones")) == "" {
		return nil
	}
	for _, line := range strings.Split(b.GetString("zones"), "\n") {
		if code, _, _ := strings.Cut(line, "="); strings.TrimSpace(code) == in.Zone {
			return nil
		}
	}
	return invalidOrder(validation.Errors{"zone": errZoneUnlisted})
}
