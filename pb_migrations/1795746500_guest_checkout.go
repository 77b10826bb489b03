package pb_migrations

import (
	"slices"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Guest checkout (design §11): a guest's Idempotency-Key is theirs per
// WhatsApp number, so the unique key index includes the phone (every guest
// has user = ”); order events name the payment side as their source; a
// payment's review is for the operator, hidden like an order's.
func init() {
	m.Register(func(app core.App) error {
		orders, err := app.FindCollectionByNameOrId("orders")
		if err != nil {
			return err
		}
		orders.RemoveIndex("idx_orders_user_idem")
		orders.AddIndex("idx_orders_user_phone_idem", true, "user, phone, idempotency_key", "idempotency_key != ''")
		if err := app.Save(orders); err != nil {
			return err
		}
		events, err := app.FindCollectionByNameOrId("order_events")
		if err != nil {
			return err
		}
		if f, ok := events.Fields.GetByName("source").(*core.SelectField); ok {
			for _, v := range []string{"checkout", "payment"} {
				if !slices.Contains(f.Values, v) {
					f.Values = append(f.Values, v)
				}
			}
		}
		if err := app.Save(events); err != nil {
			return err
		}
		payments, err := app.FindCollectionByNameOrId("payments")
		if err != nil {
			return err
		}
		if f, ok := payments.Fields.GetByName("review").(*core.TextField); ok {
			f.Hidden = true
		}
		return app.Save(payments)
	}, func(app core.App) error {
		orders, err := app.FindCollectionByNameOrId("orders")
		if err != nil {
			return err
		}
		orders.RemoveIndex("idx_orders_user_phone_idem")
		orders.AddIndex("idx_orders_user_idem", true, "user, idempotency_key", "idempotency_key != ''")
		if err := app.Save(orders); err != nil {
			return err
		}
		payments, err := app.FindCollectionByNameOrId("payments")
		if err != nil {
			return err
		}
		if f, ok := payments.Fields.GetByName("review").(*core.TextField); ok {
			f.Hidden = false
		}
		return app.Save(payments)
	})
}
