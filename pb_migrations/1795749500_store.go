package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// store is the shop's identity (design §10): one row, public read,
// superuser write. The storefront's header, footer, <title>, description,
// favicon and Open Graph tags and the messages' signature come from it.
func init() {
	m.Register(func(app core.App) error {
		c := core.NewBaseCollection("store")
		c.ListRule = types.Pointer("")
		c.ViewRule = types.Pointer("")
		c.Fields.Add(
			&core.TextField{Name: "name", Max: 80},
			&core.TextField{Name: "tagline", Max: 160},
			&core.FileField{Name: "logo", MaxSelect: 1, MaxSize: 1 << 20, Thumbs: []string{"64x64", "256x256"},
				MimeTypes: []string{"image/png", "image/jpeg", "image/webp", "image/svg+xml"}},
			&core.TextField{Name: "cs_whatsapp", Max: 20, Pattern: `^(62[0-9]{8,13})?$`},
			&core.EmailField{Name: "cs_email"},
			&core.TextField{Name: "terms", Max: 20000},
			&core.TextField{Name: "refund_policy", Max: 20000},
		)
		c.Fields.Add(timestamps()...)
		if err := app.Save(c); err != nil {
			return err
		}
		row := core.NewRecord(c)
		row.Set("tagline", "Top up game, pulsa & sosial media")
		return app.Save(row)
	}, func(app core.App) error { return deleteCollection(app, "store") })
}
