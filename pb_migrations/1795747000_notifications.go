package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"github.com/vipbase/vipbase/notify"
)

// Notifications (design §12): the outbox, the templates it renders from
// (seeded with the Indonesian defaults), a member's WhatsApp number and
// opt-out, and a guest's choice at checkout. Both collections are the
// operator's: superusers only.
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
		payments, err := app.FindCollectionByNameOrId("payments")
		if err != nil {
			return err
		}

		tpl := core.NewBaseCollection("notification_templates")
		tpl.Fields.Add(
			&core.TextField{Name: "key", Max: 60, Required: true, Pattern: `^[a-z_]+$`},
			&core.SelectField{Name: "channel", Values: []string{"all", "whatsapp", "email"}, MaxSelect: 1, Required: true},
			&core.TextField{Name: "subject", Max: 300},
			&core.TextField{Name: "body", Max: 4000, Required: true},
			&core.BoolField{Name: "active"},
		)
		tpl.Fields.Add(timestamps()...)
		tpl.AddIndex("idx_notification_templates_key", true, "key", "")
		if err := app.Save(tpl); err != nil {
			return err
		}
		for _, d := range notify.Defaults {
			r := core.NewRecord(tpl)
			r.Set("key", d.Key)
			r.Set("channel", "all")
			r.Set("subject", d.Subject)
			r.Set("body", d.Body)
			r.Set("active", d.Active)
			if err := app.Save(r); err != nil {
				return err
			}
		}

		out := core.NewBaseCollection("notifications")
		out.Fields.Add(
			&core.SelectField{Name: "channel", Values: []string{"whatsapp", "email"}, MaxSelect: 1, Required: true},
			&core.TextField{Name: "to", Max: 200, Required: true},
			&core.TextField{Name: "template", Max: 60, Required: true},
			&core.JSONField{Name: "vars", MaxSize: 16 << 10},
			&core.TextField{Name: "subject", Max: 300},
			&core.TextField{Name: "body", Max: 8000},
			&core.RelationField{Name: "order", CollectionId: orders.Id, MaxSelect: 1},
			&core.RelationField{Name: "payment", CollectionId: payments.Id, MaxSelect: 1},
			&core.RelationField{Name: "user", CollectionId: users.Id, MaxSelect: 1},
			&core.TextField{Name: "dedupe_key", Max: 200, Required: true},
			&core.SelectField{Name: "status", Values: []string{"queued", "sending", "sent", "failed", "skipped"}, MaxSelect: 1, Required: true},
			intField("attempts", nonNegative),
			&core.DateField{Name: "next_attempt_at"},
			&core.TextField{Name: "last_error", Max: 2000},
			&core.TextField{Name: "provider_id", Max: 200},
			&core.DateField{Name: "sent_at"},
		)
		out.Fields.Add(timestamps()...)
		out.AddIndex("idx_notifications_dedupe", true, "dedupe_key", "")
		out.AddIndex("idx_notifications_due", false, "status, channel, next_attempt_at", "")
		out.AddIndex("idx_notifications_template_sent", false, "template, channel, sent_at", "")
		if err := app.Save(out); err != nil {
			return err
		}

		users.Fields.Add(
			&core.TextField{Name: "phone", Max: 20, Pattern: `^(62[0-9]{8,13})?$`},
			&core.BoolField{Name: "notify_whatsapp"},
		)
		if err := app.Save(users); err != nil {
			return err
		}
		// Default on (design §12): members who exist already get messages too.
		if _, err := app.DB().NewQuery("UPDATE users SET notify_whatsapp = TRUE").Execute(); err != nil {
			return err
		}
		orders.Fields.Add(&core.BoolField{Name: "notify_whatsapp"})
		return app.Save(orders)
	}, func(app core.App) error {
		for _, c := range []struct{ name, field string }{{"users", "phone"}, {"users", "notify_whatsapp"}, {"orders", "notify_whatsapp"}} {
			col, err := app.FindCollectionByNameOrId(c.name)
			if err != nil {
				return err
			}
			col.Fields.RemoveByName(c.field)
			if err := app.Save(col); err != nil {
				return err
			}
		}
		if err := deleteCollection(app, "notifications"); err != nil {
			return err
		}
		return deleteCollection(app, "notification_templates")
	})
}
