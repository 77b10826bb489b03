package hooks

import (
	"context"
	"errors"
	"maps"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/vipbase/vipbase/vipreseller"
)

// defaultDispatchWait is how long an order route waits for the provider
// before answering "pending" (clients then follow the order by realtime).
const defaultDispatchWait = 3 * time.Second

// routeShape describes one category's custom route: its body field names
// (the original integration's) and response shape.
type routeShape struct {
	category string
	rename   map[string]string // canonical field → route field
	view     func(o *core.Record, withProgress bool) map[string]any
}

var routeShapes = map[string]routeShape{
	"prepaid": {CategoryPrepaid, map[string]string{"target": "phoneNumber"}, func(o *core.Record, _ bool) map[string]any {
		return map[string]any{"orderNumber": o.GetString("number"), "externalId": o.GetString("external_id"),
			"status": o.GetString("status"), "service": o.GetString("service_code"), "phoneNumber": o.GetString("target"),
			"amount": o.GetInt("price"), "sn": o.GetString("sn"), "note": o.GetString("note")}
	}},
	"game": {CategoryGame, map[string]string{"target": "userId", "zone": "zoneId"}, func(o *core.Record, _ bool) map[string]any {
		return map[string]any{"orderNumber": o.GetString("number"), "externalId": o.GetString("external_id"),
			"status": o.GetString("status"), "service": o.GetString("service_code"), "userId": o.GetString("target"),
			"zoneId": o.GetString("zone"), "amount": o.GetInt("price"), "sn": o.GetString("sn"), "note": o.GetString("note")}
	}},
	"social-media": {CategorySocial, nil, func(o *core.Record, withProgress bool) map[string]any {
		v := map[string]any{"orderNumber": o.GetString("number"), "externalId": o.GetString("external_id"),
			"status": o.GetString("status"), "service": o.GetString("service_code"), "target": o.GetString("target"),
			"quantity": o.GetInt("quantity"), "totalPrice": o.GetInt("price"), "note": o.GetString("note")}
		if withProgress {
			v["startCount"], v["remains"] = o.GetInt("start_count"), o.GetInt("remains")
		}
		return v
	}},
}

func (s *Service) registerOrderRoutes() {
	s.app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		orders := se.Router.Group("/api/orders")
		for path, shape := range routeShapes {
			orders.POST("/"+path, s.handleCreate(shape)).Bind(apis.RequireAuth("users"))
			orders.GET("/"+path, s.handleGet(shape)).Bind(apis.RequireAuth())
		}
		orders.POST("/process", s.handleProcess).Bind(apis.RequireSuperuserAuth())
		se.Router.POST("/api/admin/orders/recheck", s.handleRecheck).Bind(apis.RequireSuperuserAuth())
		return se.Next()
	})
}

// orderBody is the union of the three routes' bodies.
type orderBody struct {
	Service     flexText `json:"service"`
	PhoneNumber flexText `json:"phoneNumber"`
	Amount      *int64   `json:"amount"`
	Target      flexText `json:"target"`
	Quantity    int64    `json:"quantity"`
	TotalPrice  *int64   `json:"totalPrice"`
	UserID      flexText `json:"userId"`
	ZoneID      flexText `json:"zoneId"`
}

func (s *Service) handleCreate(shape routeShape) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		var b orderBody
		if err := e.BindBody(&b); err != nil {
			return invalidBody("", err)
		}
		in := OrderInput{UserID: e.Auth.Id, Category: shape.category, Service: string(b.Service),
			IdempotencyKey: e.Request.Header.Get("Idempotency-Key"), Source: SourceAPI}
		switch shape.category {
		case CategoryPrepaid:
			in.Target, in.Amount = string(b.PhoneNumber), b.Amount
		case CategoryGame:
			in.Target, in.Zone, in.Amount = string(b.UserID), string(b.ZoneID), b.Amount
		case CategorySocial:
			in.Target, in.Quantity, in.Amount = string(b.Target), b.Quantity, b.TotalPrice
		}
		o, _, err := s.placeOrder(e.Request.Context(), in)
		if err != nil {
			return orderErrorResponse(e, err, shape.rename)
		}
		return ok(e, shape.view(o, false))
	}
}

// placeOrder creates (or replays) an order, dispatches a new one and waits a
// few seconds at most for the provider; it returns the order as it stands.
func (s *Service) placeOrder(ctx context.Context, in OrderInput) (*core.Record, bool, error) {
	o, replayed, err := s.CreateOrder(ctx, in)
	if err != nil || replayed {
		return o, replayed, err
	}
	return s.dispatchAndWait(ctx, o), false, nil
}

// dispatchAndWait sends a new pending order in the background and waits a
// few seconds at most for the provider; it returns the order as it stands.
func (s *Service) dispatchAndWait(ctx context.Context, o *core.Record) *core.Record {
	if s.cfg.ManualDispatch {
		return o
	}
	done := s.dispatchAsync(o.Id)
	wait := s.cfg.DispatchWait
	if wait <= 0 {
		wait = defaultDispatchWait
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
	case <-ctx.Done():
	}
	if fresh, err := s.app.FindRecordById("orders", o.Id); err == nil {
		return fresh
	}
	return o
}

func orderErrorResponse(e *core.RequestEvent, err error, rename map[string]string) error {
	var oe *orderError
	if errors.As(err, &oe) {
		return oe.apiError(rename)
	}
	return apiError(http.StatusInternalServerError, CodeOrderFailed, "The order could not be placed; nothing was charged.", err)
}

// handleGet answers GET /api/orders/<category>?orderNumber=… or ?trxId=…
// for the order's owner (superusers: any order); others get 404.
func (s *Service) handleGet(shape routeShape) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		o, err := s.findOrderByQuery(e)
		if err != nil || o.GetString("category") != shape.category ||
			(!e.HasSuperuserAuth() && o.GetString("user") != e.Auth.Id) {
			return errOrderNotFound()
		}
		return ok(e, shape.view(o, true))
	}
}

func (s *Service) findOrderByQuery(e *core.RequestEvent) (*core.Record, error) {
	q := e.Request.URL.Query()
	if n := strings.TrimSpace(q.Get("orderNumber")); n != "" {
		return s.app.FindFirstRecordByData("orders", "number", n)
	}
	if t := strings.TrimSpace(q.Get("trxId")); t != "" {
		return s.app.FindFirstRecordByData("orders", "external_id", t)
	}
	return nil, errors.New("no orderNumber or trxId")
}

// handleProcess dispatches a queued (or due-retry) pending order now.
func (s *Service) handleProcess(e *core.RequestEvent) error {
	o, err := s.orderFromBody(e)
	if err != nil {
		return err
	}
	if s.client == nil {
		return unavailable()
	}
	if o.GetString("status") != OrderPending {
		return apiError(http.StatusConflict, CodeOrderNotPending, "Only pending orders can be processed.", nil)
	}
	switch o.GetString("dispatch") {
	case dispatchQueued, dispatchRetry:
	default:
		return apiError(http.StatusConflict, CodeSendUnknown, "This order's earlier send has an unknown outcome; it is reconciled, never resent.", nil)
	}
	if o.GetString("dispatch") == dispatchRetry {
		// An operator's click overrides the backoff, not the send-once rule.
		if err := s.updateOrder(o.Id, func(tx core.App, o *core.Record) error {
			o.Set("next_attempt_at", "")
			return tx.Save(o)
		}); err != nil {
			return apiError(http.StatusInternalServerError, CodeInternal, "", err)
		}
	}
	// Not the request's context: an operator closing the tab must not turn
	// a send into an unknown outcome.
	ctx, cancel := context.WithTimeout(context.Background(), s.sendTimeout()+30*time.Second)
	defer cancel()
	if err := s.Dispatch(ctx, o.Id); err != nil {
		return apiError(http.StatusInternalServerError, CodeInternal, "Dispatch failed.", err)
	}
	return s.adminOrderView(e, o.Id)
}

// handleRecheck asks the provider about an order now and applies the answer.
func (s *Service) handleRecheck(e *core.RequestEvent) error {
	o, err := s.orderFromBody(e)
	if err != nil {
		return err
	}
	if s.client == nil {
		return unavailable()
	}
	ctx := e.Request.Context()
	switch {
	case o.GetString("external_id") != "":
		list, err := s.client.Status(ctx, endpointFor(o.GetString("category")), vipreseller.StatusParams{TrxID: o.GetString("external_id")})
		if err != nil {
			return apiError(http.StatusBadGateway, CodeProviderUnavailable, "VIP-Reseller did not answer the status request.", err)
		}
		if trx, found := vipreseller.FindTransaction(list, o.GetString("external_id")); found {
			err = s.updateOrder(o.Id, func(tx core.App, o *core.Record) error {
				if o.GetString("status") == OrderPending {
					return s.adoptTransaction(tx, o, trx, SourceAdmin)
				}
				_, err := s.applyNews(tx, o, newsFrom(trx), SourceAdmin)
				return err
			})
			if err != nil {
				return apiError(http.StatusInternalServerError, CodeInternal, "", err)
			}
		}
	case o.GetString("status") == OrderPending && o.GetString("dispatch") == dispatchUnknown:
		if _, err := s.reconcile(ctx, endpointFor(o.GetString("category")), []*core.Record{o}); err != nil {
			return apiError(http.StatusBadGateway, CodeProviderUnavailable, "VIP-Reseller did not answer the status request.", err)
		}
	default:
		return apiError(http.StatusConflict, CodeOrderNotSent, "This order has not reached VIP-Reseller yet; use /api/orders/process.", nil)
	}
	return s.adminOrderView(e, o.Id)
}

func (s *Service) orderFromBody(e *core.RequestEvent) (*core.Record, error) {
	var body struct {
		OrderNumber string `json:"orderNumber"`
	}
	if err := e.BindBody(&body); err != nil || strings.TrimSpace(body.OrderNumber) == "" {
		return nil, invalidBody("Send {\"orderNumber\": \"…\"}.", err)
	}
	o, err := s.app.FindFirstRecordByData("orders", "number", strings.TrimSpace(body.OrderNumber))
	if err != nil {
		return nil, errOrderNotFound()
	}
	return o, nil
}

// adminOrderView shows a superuser the whole order, hidden fields included.
func (s *Service) adminOrderView(e *core.RequestEvent, id string) error {
	o, err := s.app.FindRecordById("orders", id)
	if err != nil {
		return errOrderNotFound()
	}
	o.Unhide("cost", "dispatch", "dispatch_attempts", "next_attempt_at", "poll_attempts")
	return ok(e, o)
}

// registerOrderHooks makes an SDK `orders` create take the same path as the
// routes, and records superusers' status edits in the audit trail.
func (s *Service) registerOrderHooks() {
	s.app.OnRecordCreateRequest("orders").BindFunc(func(e *core.RecordRequestEvent) error {
		// Inside /api/batch the request already holds the single writer:
		// paying here would wait for it, outlive the batch and charge an
		// order the client was told had failed.
		if e.App.IsTransactional() {
			return apiError(http.StatusBadRequest, CodeBatchNotAllowed, "Orders cannot be created in a batch request; create them one at a time.", nil)
		}
		info, err := e.RequestInfo()
		if err != nil {
			return invalidBody("", err)
		}
		forbidden := slices.DeleteFunc(slices.Sorted(maps.Keys(info.Body)), func(k string) bool { return sdkOrderFields[k] })
		if len(forbidden) > 0 {
			return apiError(http.StatusBadRequest, CodeServerFields, "These fields are set by the server and cannot be sent: "+strings.Join(forbidden, ", ")+".", nil)
		}
		in := OrderInput{UserID: e.Record.GetString("user"), ProductID: e.Record.GetString("product"),
			Target: e.Record.GetString("target"), Zone: e.Record.GetString("zone"),
			IdempotencyKey: e.Record.GetString("idempotency_key"), Source: SourceHook}
		if h := e.Request.Header.Get("Idempotency-Key"); h != "" {
			in.IdempotencyKey = h
		}
		// The shape errors PocketBase's own validation would have given,
		// as field errors, before anything is read or written.
		errs := validation.Errors{}
		if in.ProductID == "" {
			errs["product"] = errProductRequired
		}
		if strings.TrimSpace(in.UserID) == "" { // only a superuser gets here without one
			errs["user"] = errUserRequired
		}
		var qerr error
		in.Quantity, qerr = sdkQuantity(e.Record.GetFloat("quantity"))
		if qerr != nil {
			errs["quantity"] = qerr
		}
		if len(errs) > 0 {
			return fieldsError(errs)
		}
		o, _, err := s.placeOrder(e.Request.Context(), in)
		if err != nil {
			return orderErrorResponse(e.RequestEvent, err, nil)
		}
		if err := apis.EnrichRecord(e.RequestEvent, o); err != nil {
			return apiError(http.StatusInternalServerError, CodeInternal, "", err)
		}
		return e.JSON(http.StatusOK, o)
	})

	// A superuser's status change (dashboard or API) commits with its money
	// and its audit row: failing or partially failing an open order refunds
	// it like the provider's word would.
	s.app.OnRecordUpdateRequest("orders").BindFunc(func(e *core.RecordRequestEvent) error {
		from, to := e.Record.Original().GetString("status"), e.Record.GetString("status")
		if from == to {
			return e.Next()
		}
		if from == OrderUnpaid || from == OrderExpired || to == OrderUnpaid || to == OrderExpired {
			// Money decides these: a confirmed payment opens the order,
			// vip_payments_check closes it (design §11).
			return apiError(http.StatusBadRequest, CodeOrderFinal, "The status of a checkout order follows its payment; it cannot be set to "+to+" by hand.", nil)
		}
		if IsTerminal(from) && !IsTerminal(to) {
			// Also what a stale dashboard form would do after a callback
			// finished the order: never reopen a finished order.
			return apiError(http.StatusBadRequest, CodeOrderFinal, "A finished order cannot go back to "+to+".", nil)
		}
		return e.App.RunInTransaction(func(tx core.App) error {
			e.App = tx
			note := "Changed by a superuser."
			if !IsTerminal(from) && IsTerminal(to) {
				e.Record.Set("completed_at", types.NowDateTime())
				e.Record.Set("next_attempt_at", "")
				if err := refundFor(tx, e.Record, to); err != nil {
					return err
				}
			} else if from != to {
				note += " No money was moved: add a wallet adjustment if the shopper is owed or owes."
			}
			if err := e.Next(); err != nil {
				return err
			}
			return s.addOrderEvent(tx, e.Record.Id, from, to, SourceAdmin, note)
		})
	})
}

// sdkQuantity is the SDK body's quantity (a JSON number, or text from a
// form) as a count: a fraction or a negative number is a field error
// whatever the product, and one past any product's maximum stays past it
// without overflowing int64. Only social orders use the count; the others
// are always 1.
func sdkQuantity(q float64) (int64, error) {
	switch {
	case q != math.Trunc(q): // NaN included
		return 0, errQuantityInteger
	case q < 0:
		return 0, errQuantityRange
	case q > maxSocialQuantity:
		return maxSocialQuantity + 1, nil
	}
	return int64(q), nil
}

// sdkOrderFields are the only fields a client may send to create an order.
var sdkOrderFields = map[string]bool{"user": true, "product": true, "target": true, "zone": true, "quantity": true, "idempotency_key": true}
