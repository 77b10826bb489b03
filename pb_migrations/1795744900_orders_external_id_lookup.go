package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// SQLite uses the partial unique index on external_id only for queries that
// repeat its WHERE, so trxid lookups (every callback) scanned the whole
// orders table: 40 ms of CPU per callback at 50,000 orders. Plain indexes
// for the lookups, and for the target search of a late provider report.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("orders")
		if err != nil {
			return err
		}
		c.AddIndex("idx_orders_external_id_lookup", false, "external_id", "")
		c.AddIndex("idx_orders_target", false, "target", "")
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("orders")
		if err != nil {
			return err
		}
		c.RemoveIndex("idx_orders_external_id_lookup")
		c.RemoveIndex("idx_orders_target")
		return app.Save(c)
	})
}
