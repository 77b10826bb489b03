package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// services mirrors the provider catalog, one row per provider SKU. Superusers
// only: cost prices are the operator's secret.
func init() {
	m.Register(func(app core.App) error {
		c := core.NewBaseCollection("services")
		c.Fields.Add(
			&core.SelectField{Name: "category", Values: []string{"game", "prepaid", "social"}, MaxSelect: 1, Required: true},
			&core.TextField{Name: "code", Required: true, Max: 100},
			&core.TextField{Name: "name", Max: 500},
			&core.TextField{Name: "brand", Max: 200},
			&core.TextField{Name: "type", Max: 100},
			&core.TextField{Name: "server", Max: 50},
			intField("price_basic", nonNegative),
			intField("price_premium", nonNegative),
			intField("price_special", nonNegative),
			intField("min", nonNegative),
			intField("max", nonNegative),
			&core.SelectField{Name: "status", Values: []string{"available", "empty"}, MaxSelect: 1},
			&core.BoolField{Name: "multi_trx"},
			&core.TextField{Name: "maintenance", Max: 200},
			&core.TextField{Name: "note", Max: 5000},
			intField("stock", nil),
			// stock_checked_at: when service-stock was last asked; empty = never.
			// A service that does not support stock keeps stock = -1.
			&core.DateField{Name: "stock_checked_at"},
			&core.BoolField{Name: "listed"},
			&core.DateField{Name: "synced_at"},
			&core.JSONField{Name: "raw", MaxSize: 64 << 10},
		)
		c.Fields.Add(timestamps()...)
		c.AddIndex("idx_services_category_code", true, "category, code", "")
		return app.Save(c)
	}, func(app core.App) error { return deleteCollection(app, "services") })
}
