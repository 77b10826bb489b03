package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// webhook_logs keeps every callback as received (never the signature header
// or credentials); superusers only.
func init() {
	m.Register(func(app core.App) error {
		orders, err := app.FindCollectionByNameOrId("orders")
		if err != nil {
			return err
		}
		c := core.NewBaseCollection("webhook_logs")
		c.Fields.Add(
			&core.TextField{Name: "source", Max: 50},
			&core.TextField{Name: "trx_id", Max: 100},
			&core.TextField{Name: "status", Max: 50},
			&core.JSONField{Name: "payload", MaxSize: 128 << 10},
			&core.TextField{Name: "ip", Max: 100},
			&core.BoolField{Name: "signature_valid"},
			&core.SelectField{Name: "outcome", Values: []string{"applied", "duplicate", "stale", "unknown_order", "rejected", "invalid", "deferred", "error"}, MaxSelect: 1},
			&core.RelationField{Name: "order", CollectionId: orders.Id, MaxSelect: 1},
			&core.TextField{Name: "error", Max: 2000},
		)
		c.Fields.Add(timestamps()...)
		c.AddIndex("idx_webhook_logs_created", false, "created", "")
		c.AddIndex("idx_webhook_logs_trx", false, "trx_id", "")
		return app.Save(c)
	}, func(app core.App) error { return deleteCollection(app, "webhook_logs") })
}
