package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// ownerRule is the rule of a member's own rows. The auth check comes first:
// a guest's rows have no user, and a guest's @request.auth.id is empty too,
// so `user = @request.auth.id` alone would show every guest row to every
// guest (design §3, revision 2).
const ownerRule = `@request.auth.id != "" && user = @request.auth.id`

// payments: one row per payment attempt through a gateway (design §11).
// Members see their own; guests use the checkout routes; writes are the
// server's. access_token and raw are hidden (raw never holds a secret).
func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		orders, err := app.FindCollectionByNameOrId("orders")
		if err != nil {
			return err
		}
		c := core.NewBaseCollection("payments")
		c.ListRule = types.Pointer(ownerRule)
		c.ViewRule = types.Pointer(ownerRule)
		c.Fields.Add(
			&core.TextField{Name: "number", Max: 40, Required: true},
			&core.SelectField{Name: "purpose", Values: []string{"order", "deposit"}, MaxSelect: 1, Required: true},
			&core.RelationField{Name: "order", CollectionId: orders.Id, MaxSelect: 1},
			&core.RelationField{Name: "user", CollectionId: users.Id, MaxSelect: 1},
			&core.SelectField{Name: "gateway", Values: []string{"tripay", "midtrans"}, MaxSelect: 1, Required: true},
			&core.TextField{Name: "channel", Max: 40},
			intField("amount", nonNegative),
			intField("fee", nonNegative),
			intField("total", nonNegative),
			&core.SelectField{Name: "status", Values: []string{"unpaid", "paid", "expired", "failed", "refunded"}, MaxSelect: 1, Required: true},
			&core.TextField{Name: "reference", Max: 100},
			&core.TextField{Name: "pay_code", Max: 100},
			&core.TextField{Name: "qr_string", Max: 2000},
			&core.URLField{Name: "checkout_url"},
			&core.JSONField{Name: "instructions", MaxSize: 64 << 10},
			&core.DateField{Name: "expires_at"},
			&core.DateField{Name: "paid_at"},
			&core.DateField{Name: "checked_at"},
			&core.TextField{Name: "phone", Max: 20},
			&core.EmailField{Name: "email"},
			intField("refund_due", nonNegative),
			&core.TextField{Name: "review", Max: 2000},
			&core.TextField{Name: "access_token", Max: 100, Hidden: true},
			&core.JSONField{Name: "raw", MaxSize: 64 << 10, Hidden: true},
		)
		c.Fields.Add(timestamps()...)
		c.AddIndex("idx_payments_number", true, "number", "")
		c.AddIndex("idx_payments_gateway_reference", true, "gateway, reference", "reference != ''")
		c.AddIndex("idx_payments_status_expires", false, "status, expires_at", "")
		c.AddIndex("idx_payments_order", false, "[[order]]", "")
		c.AddIndex("idx_payments_user_created", false, "user, created", "")
		if err := app.Save(c); err != nil {
			return err
		}

		// payment_events: every gateway notification received, like
		// webhook_logs (superusers only; never a secret).
		ev := core.NewBaseCollection("payment_events")
		ev.Fields.Add(
			&core.SelectField{Name: "gateway", Values: []string{"tripay", "midtrans"}, MaxSelect: 1},
			&core.RelationField{Name: "payment", CollectionId: c.Id, MaxSelect: 1},
			&core.TextField{Name: "reference", Max: 100},
			&core.TextField{Name: "status", Max: 50},
			&core.JSONField{Name: "payload", MaxSize: 128 << 10},
			&core.TextField{Name: "ip", Max: 100},
			&core.BoolField{Name: "signature_valid"},
			&core.SelectField{Name: "outcome", MaxSelect: 1, Values: []string{"received", "applied", "duplicate", "stale",
				"unknown_payment", "rejected", "invalid", "mismatch", "deferred", "error"}},
			&core.TextField{Name: "error", Max: 2000},
			intField("requests", nonNegative),
		)
		ev.Fields.Add(timestamps()...)
		ev.AddIndex("idx_payment_events_created", false, "created", "")
		ev.AddIndex("idx_payment_events_reference", false, "reference", "")
		ev.AddIndex("idx_payment_events_received", false, "created", "outcome = 'received'")
		if err := app.Save(ev); err != nil {
			return err
		}

		// orders (revision 2): guests have no user; gateway orders start
		// unpaid and lapse to expired; the payment that paid them.
		orders.ListRule = types.Pointer(ownerRule)
		orders.ViewRule = types.Pointer(ownerRule)
		if user, ok := orders.Fields.GetByName("user").(*core.RelationField); ok {
			user.Required = false
		}
		if status, ok := orders.Fields.GetByName("status").(*core.SelectField); ok {
			status.Values = []string{"unpaid", "pending", "processing", "success", "failed", "partial", "expired"}
		}
		orders.Fields.Add(
			&core.RelationField{Name: "payment", CollectionId: c.Id, MaxSelect: 1},
			&core.TextField{Name: "phone", Max: 20},
			&core.EmailField{Name: "email"},
			&core.DateField{Name: "expires_at"},
		)
		orders.AddIndex("idx_orders_unpaid_expires", false, "expires_at", "status = 'unpaid'")
		orders.AddIndex("idx_orders_number_phone", false, "number, phone", "phone != ''")
		return app.Save(orders)
	}, func(app core.App) error {
		orders, err := app.FindCollectionByNameOrId("orders")
		if err == nil {
			orders.RemoveIndex("idx_orders_unpaid_expires")
			orders.RemoveIndex("idx_orders_number_phone")
			for _, f := range []string{"payment", "phone", "email", "expires_at"} {
				orders.Fields.RemoveByName(f)
			}
			if err := app.Save(orders); err != nil {
				return err
			}
		}
		if err := deleteCollection(app, "payment_events"); err != nil {
			return err
		}
		return deleteCollection(app, "payments")
	})
}
