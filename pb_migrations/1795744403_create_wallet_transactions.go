package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// wallet_transactions is the append-only ledger behind users.balance. The
// unique (order, type) index makes a second purchase or refund of one order
// impossible at the database level.
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
		c := core.NewBaseCollection("wallet_transactions")
		c.ListRule = types.Pointer("user = @request.auth.id")
		c.ViewRule = types.Pointer("user = @request.auth.id")
		c.Fields.Add(
			&core.RelationField{Name: "user", CollectionId: users.Id, MaxSelect: 1, Required: true},
			&core.SelectField{Name: "type", Values: []string{"deposit", "purchase", "refund", "adjustment"}, MaxSelect: 1, Required: true},
			intField("amount", nil),
			intField("balance_after", nonNegative),
			&core.RelationField{Name: "order", CollectionId: orders.Id, MaxSelect: 1},
			&core.TextField{Name: "note", Max: 1000},
		)
		c.Fields.Add(timestamps()...)
		c.AddIndex("idx_wallet_order_type", true, "`order`, type", "`order` != ''")
		c.AddIndex("idx_wallet_user_created", false, "user, created", "")
		return app.Save(c)
	}, func(app core.App) error { return deleteCollection(app, "wallet_transactions") })
}
