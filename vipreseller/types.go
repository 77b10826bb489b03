// Package vipreseller is a client for the VIP-Reseller (VIPayment) H2H API.
//
// It is a leaf package: standard library and resty only, plain Go types, no
// PocketBase. Every call is a form POST carrying key and sign; responses are
// the {result, data, message} envelope, decoded leniently because the
// provider (PHP) is loose with types.
package vipreseller

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Endpoint names one provider API area; status lookups are per endpoint.
type Endpoint string

// The provider's API areas used by vipbase.
const (
	EndpointProfile Endpoint = "profile"
	EndpointGame    Endpoint = "game-feature"
	EndpointPrepaid Endpoint = "prepaid"
	EndpointSocial  Endpoint = "social-media"
)

// Transaction statuses as the provider reports them.
const (
	StatusWaiting    = "waiting"
	StatusProcessing = "processing"
	StatusSuccess    = "success"
	StatusError      = "error"
	StatusPartial    = "partial"
)

// Service availability values.
const (
	ServiceAvailable = "available"
	ServiceEmpty     = "empty"
)

// Provider messages that callers are allowed to branch on (design §5); all
// other messages are stored verbatim and never pattern-matched.
const (
	MsgInsufficientBalance = "Saldo Anda tidak cukup untuk melakukan pemesanan ini."
	MsgDuplicatePending    = "Masih terdapat pesanan pending dengan target yang sama."
	MsgStockUnsupported    = "Layanan tidak support untuk cek stock."
	MsgTransactionNotFound = "Transaksi tidak ditemukan."
	msgThrottlePrefix      = "Transaksi dibatasi"
)

// ErrUnknownOutcome means a request may or may not have been applied by the
// provider: timeout, connection error, 5xx, non-JSON or truncated body, or an
// order answered result:true without a trxid. An order that fails this way
// must be reconciled, never resent.
var ErrUnknownOutcome = errors.New("vipreseller: outcome unknown")

// ErrTransport marks a failure to get a well-formed answer at all. Order
// calls wrap both ErrTransport and ErrUnknownOutcome; read calls only this.
var ErrTransport = errors.New("vipreseller: transport failure")

// ErrBusy means a low-priority call (a nickname check) was not sent
// because its share of the request budget is used up: the budget goes to
// orders and status confirmations first. Nothing was sent; try again in a
// moment.
var ErrBusy = errors.New("vipreseller: the request budget is in use by orders; try again shortly")

// APIError is a definite answer from the provider: result:false with a message.
// The request was not applied.
type APIError struct {
	Endpoint Endpoint
	Type     string // the operation: services, order, status, ...; "" for profile
	Message  string // the provider's message, verbatim
}

func (e *APIError) Error() string {
	op := string(e.Endpoint)
	if e.Type != "" {
		op += " " + e.Type
	}
	return fmt.Sprintf("vipreseller: %s: %s", op, e.Message)
}

// InsufficientBalance reports whether the provider refused for lack of balance
// on the reseller account (retry later, do not fail the shopper's order).
func (e *APIError) InsufficientBalance() bool {
	return strings.Contains(strings.ToLower(e.Message), "saldo anda tidak cukup")
}

// Throttled reports whether the provider refused because of its per-account
// order throttle ("Transaksi dibatasi, coba lagi dalam N detik.").
func (e *APIError) Throttled() bool {
	return strings.HasPrefix(strings.TrimSpace(e.Message), msgThrottlePrefix)
}

// Retryable reports whether an order refused with this error may be sent
// again later: the provider refused before executing it for a reason that
// passes (balance, throttle). Any other rejection is final.
func (e *APIError) Retryable() bool { return e.InsufficientBalance() || e.Throttled() }

// PlayerNotFound reports whether a nickname check's refusal is definite
// ("ID tidak ditemukan.", "Kode game tidak ditemukan."): worth remembering,
// unlike maintenance and other passing refusals.
func (e *APIError) PlayerNotFound() bool {
	m := strings.ToLower(e.Message)
	return strings.Contains(m, "tidak ditemukan") || strings.Contains(m, "not found")
}

// NotFound reports whether a status lookup found no such transaction. The
// message is compared exactly: "Layanan tidak ditemukan…" and other
// not-found messages mean something else.
func (e *APIError) NotFound() bool {
	return strings.TrimSpace(e.Message) == MsgTransactionNotFound
}

// Price is a service's cost per account level. Real lists send an object,
// old docs and clones a bare number (then every tier is that number).
type Price struct {
	Basic   int64 `json:"basic"`
	Premium int64 `json:"premium"`
	Special int64 `json:"special"`
}

// ForLevel returns the cost for a price level (basic, premium, special;
// case-insensitive, provider level names Basic/Premium/Special/H2H accepted).
// Unknown levels fall back to basic, the most expensive tier.
func (p Price) ForLevel(level string) int64 {
	switch strings.ToLower(strings.TrimSpace(level)) {
	case "special", "h2h", "admin":
		return p.Special
	case "premium":
		return p.Premium
	default:
		return p.Basic
	}
}

// LevelTier maps a provider account level (Basic, Premium, Special, H2H) to
// its price tier name (basic, premium, special).
func LevelTier(level string) string {
	switch strings.ToLower(strings.TrimSpace(level)) {
	case "special", "h2h", "admin":
		return "special"
	case "premium":
		return "premium"
	default:
		return "basic"
	}
}

// Profile is the reseller account.
type Profile struct {
	FullName   string `json:"full_name"`
	Username   string `json:"username"`
	Balance    int64  `json:"balance"`
	Point      int64  `json:"point"`
	Level      string `json:"level"`
	Registered string `json:"registered"`
}

// GameService is one game-feature catalog row.
type GameService struct {
	Code   string          `json:"code"`
	Game   string          `json:"game"`
	Name   string          `json:"name"`
	Price  Price           `json:"price"`
	Server string          `json:"server"`
	Status string          `json:"status"`
	Raw    json.RawMessage `json:"-"`
}

// PrepaidService is one prepaid catalog row.
type PrepaidService struct {
	Code        string          `json:"code"`
	Brand       string          `json:"brand"`
	Name        string          `json:"name"`
	Note        string          `json:"note"`
	Category    string          `json:"category"`
	Prepost     string          `json:"prepost"`
	Type        string          `json:"type"`
	Status      string          `json:"status"`
	MultiTrx    bool            `json:"multi_trx"`
	Maintenance string          `json:"maintenance"` // the provider spells it "maintenace"
	Price       Price           `json:"price"`
	Raw         json.RawMessage `json:"-"`
}

// SocialService is one social-media (SMM) catalog row. Price is per 1000 units.
type SocialService struct {
	ID       string          `json:"id"`
	Category string          `json:"category"`
	Name     string          `json:"name"`
	Note     string          `json:"note"`
	Min      int64           `json:"min"`
	Max      int64           `json:"max"`
	Status   string          `json:"status"`
	Price    Price           `json:"price"`
	Raw      json.RawMessage `json:"-"`
}

// ServiceStock is the answer of game-feature type=service-stock.
type ServiceStock struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Price       Price  `json:"price"`
	Stock       int64  `json:"stock"`
	Server      string `json:"server"`
	Status      string `json:"status"`
}

// Transaction is a provider order as returned by order, status and callbacks.
// Fields absent for an endpoint stay zero.
type Transaction struct {
	TrxID    string          `json:"trxid"`
	Data     string          `json:"data"`    // target: player ID, phone, meter, link
	Zone     string          `json:"zone"`    // game only
	Code     string          `json:"code"`    // prepaid: service code
	Service  string          `json:"service"` // display name ("<game> - <name>")
	Status   string          `json:"status"`
	Note     string          `json:"note"` // SN/token on success, reason on error
	Price    int64           `json:"price"`
	Balance  int64           `json:"balance"`  // order responses: balance left
	Quantity int64           `json:"quantity"` // social
	Remain   int64           `json:"remain"`   // social
	Count    int64           `json:"count"`    // social start count
	Raw      json.RawMessage `json:"-"`
}

// Nickname is the answer of game-feature type=get-nickname.
type Nickname struct {
	Name    string
	Country string
}

// GameServicesParams filters game-feature services (all optional). The
// client filters locally as well, since the provider's filter params differ
// between doc revisions.
type GameServicesParams struct {
	Game   string // filter_value / filter_game
	Status string // available | empty
}

// PrepaidServicesParams filters prepaid services (optional).
type PrepaidServicesParams struct {
	FilterType  string // type | brand
	FilterValue string
}

// SocialServicesParams filters social-media services (optional).
type SocialServicesParams struct {
	Category string
}

// GameOrderParams orders a game top-up. Zone is sent separately, never "id|zone".
type GameOrderParams struct {
	Service string
	DataNo  string
	Zone    string
}

// PrepaidOrderParams orders a prepaid product.
type PrepaidOrderParams struct {
	Service string
	DataNo  string
}

// SocialOrderParams orders a social-media service; the target goes in "data".
type SocialOrderParams struct {
	Service  string
	Data     string
	Quantity int64
}

// StatusParams looks up one transaction (TrxID) or lists the latest Limit.
type StatusParams struct {
	TrxID string
	Limit int
}

// NicknameParams checks a game account name. Code is the provider's
// nickname game code (mobile-legends, free-fire, ...), not a service code.
type NicknameParams struct {
	Code   string
	Target string
	Zone   string
}
