package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// orders.sent_at (hidden) is when the latest send started: the reconcile
// grace period counts from it, not from the first send, so an order that
// waited in retry gets the full grace after its real send. review is hidden:
// it is written for the operator and may name other orders.
func init() {
	m.Register(func(app core.App) error {
		orders, err := app.FindCollectionByNameOrId("orders")
		if err != nil {
			return err
		}
		orders.Fields.Add(&core.DateField{Name: "sent_at", Hidden: true})
		if f, ok := orders.Fields.GetByName("review").(*core.TextField); ok {
			f.Hidden = true
		}
		return app.Save(orders)
	}, func(app core.App) error {
		orders, err := app.FindCollectionByNameOrId("orders")
		if err != nil {
			return err
		}
		orders.Fields.RemoveByName("sent_at")
		if f, ok := orders.Fields.GetByName("review").(*core.TextField); ok {
			f.Hidden = false
		}
		return app.Save(orders)
	})
}
