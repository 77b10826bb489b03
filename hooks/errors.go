package hooks

import (
	"net/http"
	"slices"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/vipbase/vipbase/vipreseller"
)

// Stable error codes. Every error answer of a custom route carries one as
// data.code (README, "Error codes"), so a client picks its own words by
// code, never by the English message; field errors keep PocketBase's shape,
// data.<field> = {code, message}, with the field codes below.
const (
	CodeValidationFailed    = "validation_failed"       // 400: see the field errors
	CodeInvalidBody         = "invalid_body"            // 400: not the JSON the route takes
	CodeProductNotFound     = "product_not_found"       // 404: unknown or inactive product
	CodeOutOfStock          = "out_of_stock"            // 409
	CodeInsufficientBalance = "insufficient_balance"    // 402
	CodePriceChanged        = "price_changed"           // 409: the amount sent is not today's price
	CodeIdempotencyMismatch = "idempotency_mismatch"    // 409: the key was used for another order
	CodeNotConfigured       = "not_configured"          // 503: no provider credentials
	CodeOrderFailed         = "order_failed"            // 500: not placed, nothing charged
	CodeOrderNotFound       = "order_not_found"         // 404
	CodeBatchNotAllowed     = "batch_not_allowed"       // 400: orders are not created in /api/batch
	CodeServerFields        = "server_fields"           // 400: fields only the server sets were sent
	CodeOrderFinal          = "order_final"             // 400: a finished order cannot be reopened
	CodeOrderNotPending     = "order_not_pending"       // 409
	CodeSendUnknown         = "send_outcome_unknown"    // 409: reconciled, never resent
	CodeOrderNotSent        = "order_not_sent"          // 409: nothing to recheck yet
	CodeProviderUnavailable = "provider_unavailable"    // 502: VIP-Reseller did not answer
	CodeProviderBusy        = "provider_busy"           // 503: the nickname check's share of the provider budget is used up
	CodePlayerNotFound      = "player_not_found"        // 404: nickname check
	CodeNoNicknameCheck     = "nickname_unsupported"    // 400: the game has no nickname check
	CodeUnknownAction       = "unknown_action"          // 400: admin sync routes
	CodeSyncRunning         = "sync_running"            // 409
	CodeSignatureInvalid    = "signature_invalid"       // 401: webhook
	CodeSourceNotAllowed    = "source_not_allowed"      // 403: webhook IP allowlist
	CodeInvalidCallback     = "invalid_callback"        // 400: webhook body
	CodeTooManyItems        = "too_many_items"          // 400: more transactions in one callback than accepted
	CodeGuestCheckoutOff    = "guest_checkout_disabled" // 401: this store sells to members only
	CodeGatewayRefused      = "payment_refused"         // 502: the gateway refused to create the payment; nothing was charged
	CodeGatewayUnavailable  = "gateway_unavailable"     // 502: the gateway did not answer; retry with the same Idempotency-Key
	CodePaymentNotFound     = "payment_not_found"       // 404: unknown payment, or not yours (a guest needs the token)
	CodeNotRefundable       = "not_refundable"          // 409: the payment owes the shopper nothing (or was already refunded)

	// 400: the order would charge (or cost) more than maxOrderTotal; nothing written, sent or charged.
	CodeOrderTotalTooLarge = "order_total_too_large"
	// 400: an order's charged/for-whom fields are fixed once it exists (design §14).
	CodeOrderFieldReadOnly = "order_field_read_only"
	// 400: a payment's invoiced/for-whom/state fields follow the gateway; payments are not created by hand.
	CodePaymentFieldReadOnly = "payment_field_read_only"
	// 400: orders, payments and order events are not deleted.
	CodeBooksNotDeletable = "books_not_deletable"

	// By status, for answers that name nothing more specific.
	CodeBadRequest   = "bad_request"
	CodeAuthRequired = "auth_required"
	CodeForbidden    = "forbidden"
	CodeNotFound     = "not_found"
	CodeBodyTooLarge = "body_too_large"
	CodeRateLimited  = "rate_limited"
	CodeInternal     = "internal_error"
	CodeUnavailable  = "unavailable"
)

// MsgNotConfigured is the answer of provider-backed routes without credentials.
const MsgNotConfigured = "VIP-Reseller is not configured."

// notConfiguredHint tells an operator what to do about it.
const notConfiguredHint = "VIP-Reseller is not configured: set VIP_RESELLER_API_ID and VIP_RESELLER_API_KEY (or run with --sandbox)."

// ErrNotConfigured means the provider has no credentials: nothing was sent.
var ErrNotConfigured = vipreseller.ErrNotConfigured

// Field errors (data.<field>.code) of the order and nickname inputs.
var (
	errTargetDigits       = validation.NewError("validation_target_digits", "Must be 6–20 digits.")
	errTargetPhone        = validation.NewError("validation_target_phone_prefix", "A phone number must start with 0 or 62.")
	errTargetGame         = validation.NewError("validation_target_game_id", "Must be 1–64 letters, digits, dots, underscores or dashes.")
	errZoneRequired       = validation.NewError("validation_zone_required", "This game needs a zone/server ID.")
	errZoneInvalid        = validation.NewError("validation_zone_invalid", "Must be 1–64 letters, digits, dots, underscores or dashes.")
	errZoneUnlisted       = validation.NewError("validation_zone_unlisted", "Pick one of this game's servers.")
	errSocialTarget       = validation.NewError("validation_target_link", "Must not be empty and at most 500 characters.")
	errQuantityRange      = validation.NewError("validation_quantity_range", "Quantity is outside the allowed range for this service.")
	errQuantityInteger    = validation.NewError("validation_quantity_integer", "Must be a whole number.")
	errUserRequired       = validation.NewError("validation_user_required", "Choose the user the order is for.")
	errUserNotFound       = validation.NewError("validation_user_not_found", "No such user.")
	errProductRequired    = validation.NewError("validation_product_required", "Choose a product.")
	errGameRequired       = validation.NewError("validation_game_required", "Choose a game.")
	errIdempotencyKeySize = validation.NewError("validation_idempotency_key_length", "Must be at most 200 characters.")

	errPhoneRequired      = validation.NewError("validation_phone_required", "Enter your WhatsApp number.")
	errPhoneInvalid       = validation.NewError("validation_phone", "Must be an Indonesian mobile number (08… or 628…).")
	errEmailInvalid       = validation.NewError("validation_email", "Must be a valid e-mail address.")
	errChannelRequired    = validation.NewError("validation_channel_required", "Choose how to pay.")
	errChannelUnavailable = validation.NewError("validation_channel_unavailable", "This payment method is not available.")
	errChannelAmount      = validation.NewError("validation_channel_amount", "This payment method does not take this amount.")
)

// apiError is an error answer with a stable code; cause, when an error, is
// kept for the logs and never shown (validation.Errors become field errors).
func apiError(status int, code, message string, cause any) *router.ApiError {
	err := router.NewApiError(status, message, cause)
	err.Data["code"] = code
	return err
}

// fieldsError is the 400 of bad input: data.code validation_failed and one
// entry per field.
func fieldsError(fields validation.Errors) *router.ApiError {
	return apiError(http.StatusBadRequest, CodeValidationFailed, MsgValidationFailed, fields)
}

// invalidBody is the 400 of a body that does not decode.
func invalidBody(message string, cause error) *router.ApiError {
	if message == "" {
		message = "Invalid request body."
	}
	return apiError(http.StatusBadRequest, CodeInvalidBody, message, cause)
}

// unavailable is the 503 every provider-backed route gives without credentials.
func unavailable() *router.ApiError {
	return apiError(http.StatusServiceUnavailable, CodeNotConfigured, MsgNotConfigured, nil)
}

// customRoutePrefixes are the paths whose error answers codedErrors gives a
// data.code: vipbase's own routes (PocketBase's keep their own shape).
var customRoutePrefixes = []string{"/api/orders/", "/api/games/", "/api/admin/", "/api/webhooks/", "/api/payments/", "/api/checkout", "/api/wallet/"}

// codedErrors makes every error answer of a custom route carry data.code,
// including those of PocketBase's middlewares around it (auth, the rate
// limiter, a recovered panic): it runs outside all of them.
func codedErrors() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "vipbaseCodedErrors",
		Priority: apis.DefaultPanicRecoverMiddlewarePriority - 5, // inside the activity logger, outside the rest
		Func: func(e *core.RequestEvent) error {
			err := e.Next()
			if err == nil || !isCustomRoute(e.Request.URL.Path) {
				return err
			}
			apiErr := router.ToApiError(err) // as PocketBase would answer it
			if _, ok := apiErr.Data["code"]; !ok {
				apiErr.Data["code"] = codeForStatus(apiErr.Status)
			}
			return apiErr
		},
	}
}

func isCustomRoute(path string) bool {
	return slices.ContainsFunc(customRoutePrefixes, func(p string) bool { return strings.HasPrefix(path, p) })
}

func codeForStatus(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return CodeAuthRequired
	case http.StatusForbidden:
		return CodeForbidden
	case http.StatusNotFound:
		return CodeNotFound
	case http.StatusRequestEntityTooLarge:
		return CodeBodyTooLarge
	case http.StatusTooManyRequests:
		return CodeRateLimited
	case http.StatusServiceUnavailable:
		return CodeUnavailable
	}
	if status >= 500 {
		return CodeInternal
	}
	return CodeBadRequest
}

func errOrderNotFound() *router.ApiError {
	return apiError(http.StatusNotFound, CodeOrderNotFound, "Order not found.", nil)
}
