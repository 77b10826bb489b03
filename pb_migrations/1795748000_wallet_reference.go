package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// wallet_transactions.reference is the operator's own reference for a
// deposit or adjustment (a bank transfer's number, a ticket). Unique per
// user and type when set, so a deposit entered twice is refused instead of
// crediting the shopper twice (design §14).
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("wallet_transactions")
		if err != nil {
			return err
		}
		c.Fields.Add(&core.TextField{Name: "reference", Max: 200})
		c.AddIndex("idx_wallet_user_type_reference", true, "user, type, reference", "reference != ''")
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("wallet_transactions")
		if err != nil {
			return err
		}
		c.RemoveIndex("idx_wallet_user_type_reference")
		c.Fields.RemoveByName("reference")
		return app.Save(c)
	})
}
