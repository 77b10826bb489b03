package pb_migrations

import (
	"slices"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// webhook_logs becomes the callback inbox (design §6, revision 2): a signed
// callback is stored `received` and answered at once, then processed in the
// background, and the same row gets its final outcome. `request` groups the
// rows of one multi-item callback (each row holds its own item, so the body
// is stored once); `requests` is how many requests a row stands for (an
// unsigned flood is one row per source IP and minute). The partial index
// keeps the sweep for rows left `received` by a crash cheap.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("webhook_logs")
		if err != nil {
			return err
		}
		outcome, ok := c.Fields.GetByName("outcome").(*core.SelectField)
		if ok && !slices.Contains(outcome.Values, "received") {
			outcome.Values = append(outcome.Values, "received")
		}
		c.Fields.Add(
			&core.TextField{Name: "request", Max: 30},
			intField("requests", nonNegative),
		)
		c.AddIndex("idx_webhook_logs_received", false, "created", "outcome = 'received'")
		c.AddIndex("idx_webhook_logs_request", false, "request", "request != ''")
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("webhook_logs")
		if err != nil {
			return err
		}
		c.RemoveIndex("idx_webhook_logs_received")
		c.RemoveIndex("idx_webhook_logs_request")
		c.Fields.RemoveByName("request")
		c.Fields.RemoveByName("requests")
		if outcome, ok := c.Fields.GetByName("outcome").(*core.SelectField); ok {
			outcome.Values = slices.DeleteFunc(outcome.Values, func(v string) bool { return v == "received" })
		}
		return app.Save(c)
	})
}
