package hooks

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/vipbase/vipbase/hooks/wallet"
)

// OrderInput is what a shopper asks for, from a custom route or an SDK create.
type OrderInput struct {
	UserID         string
	Category       string // required for routes; SDK creates take it from the product
	Service        string // provider code (routes)
	ProductID      string // product record id (SDK creates)
	Target         string
	Zone           string
	Quantity       int64
	Amount         *int64 // routes: the total the shopper saw (amount; social totalPrice)
	IdempotencyKey string
	Source         string // SourceAPI or SourceHook
	// Phone and Email (normalised) are how a checkout follows the order
	// (design §11); empty for the order routes.
	Phone, Email string
}

var numberPrefix = map[string]string{CategoryGame: "ORD", CategoryPrepaid: "PRE", CategorySocial: "SMO"}

// CreateOrder validates, prices and pays for an order in one short
// transaction and returns it as pending. It does not talk to the provider;
// the caller dispatches after the commit. replayed is true when the
// idempotency key returned an earlier order (nothing new was charged).
func (s *Service) CreateOrder(ctx context.Context, in OrderInput) (order *core.Record, replayed bool, err error) {
	if s.client == nil {
		return nil, false, errOrderNotConfigured
	}
	if err := s.checkUser(in.UserID); err != nil {
		return nil, false, err
	}
	in.IdempotencyKey = strings.TrimSpace(in.IdempotencyKey)
	hash := in.requestHash()
	if in.IdempotencyKey != "" {
		if o, err := s.findIdempotent(s.app, in.UserID, in.IdempotencyKey, hash); o != nil || err != nil {
			return o, o != nil, err
		}
	}

	product, err := s.findActiveProduct(in)
	if err != nil {
		return nil, false, err
	}
	if oe := validateOrderInput(&in, product); oe != nil {
		return nil, false, oe
	}
	if oe := s.zoneFromList(&in, product); oe != nil {
		return nil, false, oe
	}

	err = s.app.RunInTransaction(func(tx core.App) error {
		if in.IdempotencyKey != "" {
			o, err := s.findIdempotent(tx, in.UserID, in.IdempotencyKey, hash)
			if err != nil {
				return err
			}
			if o != nil {
				order, replayed = o, true
				return nil
			}
		}
		p, price, cost, err := priceInTx(tx, product.Id, in)
		if err != nil {
			return err
		}
		if err := takeStock(tx, p); err != nil {
			return err
		}
		o, err := s.newOrderRecord(tx, in, p, price, cost, hash)
		if err != nil {
			return err
		}
		if _, err := wallet.Apply(tx, wallet.Entry{User: in.UserID, Type: wallet.Purchase, Amount: -price, Order: o.Id, Note: "Pembelian " + o.GetString("number")}); err != nil {
			if errors.Is(err, wallet.ErrInsufficientBalance) {
				return errInsufficientBalance
			}
			if errors.Is(err, sql.ErrNoRows) { // deleted since checkUser
				return invalidOrder(validation.Errors{"user": errUserNotFound})
			}
			return err
		}
		if err := s.addOrderEvent(tx, o.Id, "", OrderPending, in.Source, "Paid; queued for VIP-Reseller."); err != nil {
			return err
		}
		order = o
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return order, replayed, nil
}

// priceInTx re-reads the product inside the writer and prices the order:
// the price and state charged are the ones committed now, not the ones seen
// before the transaction. A stale amount sent by the shopper is
// errPriceChanged.
func priceInTx(tx core.App, productID string, in OrderInput) (p *core.Record, price, cost int64, err error) {
	p, err = tx.FindRecordById("products", productID)
	if err != nil || !p.GetBool("active") {
		return nil, 0, 0, errProductNotFound
	}
	price, cost, oe := orderAmounts(p, in.Quantity, userLevel(tx, in.UserID))
	switch {
	case oe != nil:
		return nil, 0, 0, oe
	case price <= 0:
		return nil, 0, 0, errProductNotFound
	case in.Amount != nil && *in.Amount != price:
		return nil, 0, 0, errPriceChanged
	}
	return p, price, cost, nil
}

// takeStock takes one unit of a tracked product, never below zero.
func takeStock(tx core.App, p *core.Record) error {
	if !p.GetBool("track_stock") {
		return nil
	}
	res, err := tx.DB().NewQuery("UPDATE products SET stock = stock - 1 WHERE id = {:id} AND stock > 0").
		Bind(dbx.Params{"id": p.Id}).Execute()
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errOutOfStock
	}
	return nil
}

func (s *Service) newOrderRecord(tx core.App, in OrderInput, p *core.Record, price, cost int64, hash string) (*core.Record, error) {
	o, err := buildOrderRecord(tx, in, p, price, cost, hash)
	if err != nil {
		return nil, err
	}
	if err := tx.Save(o); err != nil {
		return nil, fmt.Errorf("save order: %w", err)
	}
	return o, nil
}

// buildOrderRecord is a new pending order, queued for sending, not saved.
func buildOrderRecord(tx core.App, in OrderInput, p *core.Record, price, cost int64, hash string) (*core.Record, error) {
	col, err := tx.FindCachedCollectionByNameOrId("orders")
	if err != nil {
		return nil, err
	}
	category := p.GetString("category")
	o := core.NewRecord(col)
	o.Set("number", newOrderNumber(category))
	o.Set("user", in.UserID)
	o.Set("category", category)
	o.Set("product", p.Id)
	o.Set("service_code", p.GetString("code"))
	o.Set("service_name", p.GetString("name"))
	o.Set("target", in.Target)
	o.Set("zone", in.Zone)
	o.Set("quantity", in.Quantity)
	o.Set("price", price)
	o.Set("cost", cost)
	o.Set("status", OrderPending)
	o.Set("idempotency_key", in.IdempotencyKey)
	o.Set("phone", in.Phone)
	o.Set("email", in.Email)
	o.Set("request_hash", hash)
	o.Set("dispatch", dispatchQueued)
	o.Set("next_attempt_at", types.NowDateTime())
	return o, nil
}

// orderAmounts is what the shopper (of level; "" = public prices) pays and
// what it costs us. Social prices
// are per 1000 units, rounded up to the rupiah. Nothing can wrap: a price
// or cost × quantity past int64, or a total over maxOrderTotal, is
// errOrderTotalTooLarge.
func orderAmounts(p *core.Record, quantity int64, level string) (price, cost int64, oe *orderError) {
	price, cost = priceForLevel(p, level), int64(p.GetInt("cost"))
	if p.GetString("category") == CategorySocial {
		var okPrice, okCost bool
		price, okPrice = perThousand(price, quantity)
		cost, okCost = perThousand(cost, quantity)
		if !okPrice || !okCost {
			return 0, 0, errOrderTotalTooLarge
		}
	}
	if price > maxOrderTotal || cost > maxOrderTotal {
		return 0, 0, errOrderTotalTooLarge
	}
	return price, cost, nil
}

// perThousand is ⌈amount × quantity / 1000⌉; ok is false for a negative
// input or when amount × quantity + 999 would not fit in an int64.
func perThousand(amount, quantity int64) (total int64, ok bool) {
	if amount < 0 || quantity < 0 || (amount > 0 && quantity > (math.MaxInt64-999)/amount) {
		return 0, false
	}
	return (amount*quantity + 999) / 1000, true
}

// checkUser refuses an order for no user or an unknown one (a superuser's
// SDK create names the user itself) as a field error, not a failed save.
func (s *Service) checkUser(id string) error {
	if strings.TrimSpace(id) == "" {
		return invalidOrder(validation.Errors{"user": errUserRequired})
	}
	_, err := s.app.FindRecordById("users", id)
	if errors.Is(err, sql.ErrNoRows) {
		return invalidOrder(validation.Errors{"user": errUserNotFound})
	}
	return err
}

func (s *Service) findActiveProduct(in OrderInput) (*core.Record, error) {
	var (
		p   *core.Record
		err error
	)
	switch {
	case in.ProductID != "":
		p, err = s.app.FindRecordById("products", in.ProductID)
	case in.Service != "" && in.Category != "":
		p, err = s.app.FindFirstRecordByFilter("products", "category = {:c} && code = {:k}",
			dbx.Params{"c": in.Category, "k": strings.TrimSpace(in.Service)})
	default:
		return nil, invalidOrder(validation.Errors{"service": errProductRequired})
	}
	if err != nil || !p.GetBool("active") || (in.Category != "" && p.GetString("category") != in.Category) {
		return nil, errProductNotFound
	}
	return p, nil
}

// findIdempotent returns the user's earlier order for key, a 409 when the
// key was used for a different request, or nil when the key is new.
func (s *Service) findIdempotent(app core.App, userID, key, hash string) (*core.Record, error) {
	o, err := app.FindFirstRecordByFilter("orders", "user = {:u} && idempotency_key = {:k}", dbx.Params{"u": userID, "k": key})
	if err != nil {
		return nil, nil
	}
	if o.GetString("request_hash") != hash {
		return nil, errIdempotencyMismatch
	}
	return o, nil
}

// requestHash fingerprints what the shopper asked for, as they sent it, so a
// replay with the same key can be told apart from a different order.
func (in OrderInput) requestHash() string {
	amount := ""
	if in.Amount != nil {
		amount = strconv.FormatInt(*in.Amount, 10)
	}
	sum := sha256.Sum256([]byte(strings.Join([]string{in.Category, strings.TrimSpace(in.Service), in.ProductID,
		strings.TrimSpace(in.Target), strings.TrimSpace(in.Zone), strconv.FormatInt(in.Quantity, 10), amount}, "\x1f")))
	return hex.EncodeToString(sum[:16])
}

const numberAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// newOrderNumber is PREFIX-<unix>-<5 upper alnum>.
func newOrderNumber(category string) string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = numberAlphabet[int(b[i])%len(numberAlphabet)]
	}
	return fmt.Sprintf("%s-%d-%s", numberPrefix[category], time.Now().Unix(), b)
}
