package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The public products API shows what a shopper needs; margins, locks and
// the link to the (superuser-only) provider service are the operator's.
func init() {
	fields := []string{"service", "markup_percent", "price_locked", "auto_disabled", "low_stock_threshold"}
	setHidden := func(app core.App, hidden bool) error {
		products, err := app.FindCollectionByNameOrId("products")
		if err != nil {
			return err
		}
		for _, name := range fields {
			if f := products.Fields.GetByName(name); f != nil {
				f.SetHidden(hidden)
			}
		}
		return app.Save(products)
	}
	m.Register(func(app core.App) error { return setHidden(app, true) },
		func(app core.App) error { return setHidden(app, false) })
}
