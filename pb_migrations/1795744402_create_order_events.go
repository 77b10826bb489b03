package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// order_events is the audit trail of every order status change.
func init() {
	m.Register(func(app core.App) error {
		orders, err := app.FindCollectionByNameOrId("orders")
		if err != nil {
			return err
		}
		c := core.NewBaseCollection("order_events")
		c.ListRule = types.Pointer("order.user = @request.auth.id")
		c.ViewRule = types.Pointer("order.user = @request.auth.id")
		c.Fields.Add(
			&core.RelationField{Name: "order", CollectionId: orders.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.TextField{Name: "from", Max: 20},
			&core.TextField{Name: "to", Max: 20},
			&core.SelectField{Name: "source", Values: []string{"api", "hook", "dispatch", "webhook", "poll", "reconcile", "admin"}, MaxSelect: 1, Required: true},
			&core.TextField{Name: "note", Max: 2000},
		)
		c.Fields.Add(timestamps()...)
		c.AddIndex("idx_order_events_order", false, "`order`, created", "")
		return app.Save(c)
	}, func(app core.App) error { return deleteCollection(app, "order_events") })
}
