package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// brands is how the storefront shows the provider's brands (design §10
// revision 2): one row per (provider_category, name) of products.brand,
// filled by the catalog sync with a tidy display name and a grouping
// category, then the operator's to edit. `edited` is set by a request hook
// once a person saved the row; from then on the sync leaves it alone.
// Public read of active rows, superuser write.
func init() {
	m.Register(func(app core.App) error {
		c := core.NewBaseCollection("brands")
		c.ListRule = types.Pointer("active = true")
		c.ViewRule = types.Pointer("active = true")
		c.Fields.Add(
			&core.SelectField{Name: "category", Required: true, MaxSelect: 1,
				Values: []string{"game", "voucher", "streaming", "pulsa", "data", "pln", "emoney", "social"}},
			&core.TextField{Name: "name", Required: true, Max: 100},
			&core.SelectField{Name: "provider_category", Required: true, MaxSelect: 1, Values: []string{"game", "prepaid", "social"}},
			&core.TextField{Name: "display_name", Required: true, Max: 100},
			&core.FileField{Name: "logo", MaxSelect: 1, MaxSize: 512 << 10, Thumbs: []string{"128x128"},
				MimeTypes: []string{"image/png", "image/jpeg", "image/webp", "image/gif", "image/svg+xml"}},
			intField("sort", nil),
			&core.BoolField{Name: "popular"},
			&core.TextField{Name: "help", Max: 500},
			&core.BoolField{Name: "active"},
			&core.BoolField{Name: "edited", Hidden: true},
		)
		c.Fields.Add(timestamps()...)
		c.AddIndex("idx_brands_provider_name", true, "provider_category, name", "")
		return app.Save(c)
	}, func(app core.App) error { return deleteCollection(app, "brands") })
}
