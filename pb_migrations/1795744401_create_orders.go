package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// orders: a shopper sees and creates only their own; the create hook computes
// every server-side field. Updates and deletes are superuser-only.
func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		products, err := app.FindCollectionByNameOrId("products")
		if err != nil {
			return err
		}
		c := core.NewBaseCollection("orders")
		c.ListRule = types.Pointer("user = @request.auth.id")
		c.ViewRule = types.Pointer("user = @request.auth.id")
		c.CreateRule = types.Pointer(`@request.auth.id != "" && user = @request.auth.id`)
		hidden := func(f core.Field) core.Field {
			switch v := f.(type) {
			case *core.NumberField:
				v.Hidden = true
			case *core.TextField:
				v.Hidden = true
			case *core.DateField:
				v.Hidden = true
			}
			return f
		}
		c.Fields.Add(
			&core.TextField{Name: "number", Max: 40},
			&core.RelationField{Name: "user", CollectionId: users.Id, MaxSelect: 1, Required: true, CascadeDelete: false},
			&core.SelectField{Name: "category", Values: []string{"game", "prepaid", "social"}, MaxSelect: 1},
			&core.RelationField{Name: "product", CollectionId: products.Id, MaxSelect: 1},
			&core.TextField{Name: "service_code", Max: 100},
			&core.TextField{Name: "service_name", Max: 500},
			&core.TextField{Name: "target", Max: 500},
			&core.TextField{Name: "zone", Max: 64},
			intField("quantity", nonNegative),
			intField("price", nonNegative),
			hidden(intField("cost", nonNegative)),
			&core.SelectField{Name: "status", Values: []string{"pending", "processing", "success", "failed", "partial"}, MaxSelect: 1},
			&core.TextField{Name: "external_id", Max: 100},
			&core.TextField{Name: "sn", Max: 2000},
			&core.TextField{Name: "note", Max: 2000},
			&core.TextField{Name: "provider_status", Max: 50},
			intField("start_count", nil),
			intField("remains", nil),
			intField("refunded", nonNegative),
			&core.TextField{Name: "idempotency_key", Max: 200},
			&core.TextField{Name: "review", Max: 2000},
			&core.DateField{Name: "submitted_at"},
			&core.DateField{Name: "completed_at"},
			&core.DateField{Name: "checked_at"},
			// Dispatch bookkeeping, hidden from shoppers (hooks/order_dispatch.go):
			// dispatch is queued → sending → sent | unknown | retry | rejected.
			hidden(&core.TextField{Name: "dispatch", Max: 20}),
			hidden(intField("dispatch_attempts", nonNegative)),
			hidden(&core.DateField{Name: "next_attempt_at"}),
			hidden(intField("poll_attempts", nonNegative)),
			hidden(&core.TextField{Name: "request_hash", Max: 64}),
		)
		c.Fields.Add(timestamps()...)
		c.AddIndex("idx_orders_number", true, "number", "")
		c.AddIndex("idx_orders_external_id", true, "external_id", "external_id != ''")
		c.AddIndex("idx_orders_user_idem", true, "user, idempotency_key", "idempotency_key != ''")
		c.AddIndex("idx_orders_user_created", false, "user, created", "")
		c.AddIndex("idx_orders_status_next", false, "status, next_attempt_at", "")
		return app.Save(c)
	}, func(app core.App) error { return deleteCollection(app, "orders") })
}
