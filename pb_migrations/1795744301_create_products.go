package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// products is what the store sells: public while active; cost is hidden.
func init() {
	m.Register(func(app core.App) error {
		services, err := app.FindCollectionByNameOrId("services")
		if err != nil {
			return err
		}
		c := core.NewBaseCollection("products")
		c.ListRule = types.Pointer("active = true")
		c.ViewRule = types.Pointer("active = true")
		c.Fields.Add(
			&core.RelationField{Name: "service", CollectionId: services.Id, MaxSelect: 1},
			&core.SelectField{Name: "category", Values: []string{"game", "prepaid", "social"}, MaxSelect: 1, Required: true},
			&core.TextField{Name: "code", Required: true, Max: 100},
			&core.TextField{Name: "name", Required: true, Max: 500},
			&core.TextField{Name: "brand", Max: 200},
			&core.TextField{Name: "type", Max: 100},
			intField("price", nonNegative),
			&core.NumberField{Name: "cost", OnlyInt: true, Min: nonNegative, Hidden: true},
			&core.BoolField{Name: "price_locked"},
			&core.NumberField{Name: "markup_percent", Min: nonNegative, Max: types.Pointer(1000.0)},
			&core.BoolField{Name: "active"},
			&core.BoolField{Name: "auto_disabled"},
			&core.BoolField{Name: "track_stock"},
			intField("stock", nonNegative),
			intField("low_stock_threshold", nonNegative),
			intField("min", nonNegative),
			intField("max", nonNegative),
			&core.BoolField{Name: "needs_zone"},
			&core.TextField{Name: "nickname_code", Max: 100},
			intField("sort", nil),
		)
		c.Fields.Add(timestamps()...)
		c.AddIndex("idx_products_category_code", true, "category, code", "")
		c.AddIndex("idx_products_active_category", false, "active, category, brand", "")
		return app.Save(c)
	}, func(app core.App) error { return deleteCollection(app, "products") })
}
