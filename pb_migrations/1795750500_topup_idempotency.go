package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// payments.idempotency_key: a member's top-up sent twice with the same
// Idempotency-Key (a double tap on "Isi saldo") opens one invoice.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("payments")
		if err != nil {
			return err
		}
		c.Fields.Add(&core.TextField{Name: "idempotency_key", Max: 200, Hidden: true})
		c.AddIndex("idx_payments_user_idem", true, "user, idempotency_key", "idempotency_key != ''")
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("payments")
		if err != nil {
			return err
		}
		c.RemoveIndex("idx_payments_user_idem")
		c.Fields.RemoveByName("idempotency_key")
		return app.Save(c)
	})
}
