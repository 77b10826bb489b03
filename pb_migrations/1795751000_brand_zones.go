package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// brands.zones: a game's servers when the provider takes a server code as
// the zone, one "code=Label" per line (Genshin Impact: os_asia=Asia, …).
// The storefront offers them as a list instead of a free text box.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("brands")
		if err != nil {
			return err
		}
		c.Fields.Add(&core.TextField{Name: "zones", Max: 2000})
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("brands")
		if err != nil {
			return err
		}
		c.Fields.RemoveByName("zones")
		return app.Save(c)
	})
}
