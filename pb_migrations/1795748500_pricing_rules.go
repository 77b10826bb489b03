package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// pricing_rules price the catalog (design §14); superusers only. users.level
// picks a member's prices (set by superusers), products.prices holds the
// price per level that has a rule.
//
// The seeded defaults follow what Indonesian top-up stores charge: PPOB and
// e-money sell on thin fixed margins (shoppers compare a Rp 10.000 pulsa to
// the counter's Rp 11.000–12.000, and a percentage on PLN 1.000.000 would be
// absurd), game items and social-media services on a percentage:
//   - prepaid (pulsa, data):           + Rp 1.000, rounded up to Rp 100
//   - brand PLN (token listrik):       + Rp 2.000, rounded up to Rp 100
//   - e-money (DANA, OVO, GoPay, ShopeePay, LinkAja): + Rp 1.500, to Rp 100
//   - game:                            + 8 %, rounded up to Rp 100
//   - social media:                    + 15 %, rounded up to Rp 100 (per 1.000)
//
// Each is an ordinary row: edit, switch off or delete it in the dashboard.
func init() {
	m.Register(func(app core.App) error {
		products, err := app.FindCollectionByNameOrId("products")
		if err != nil {
			return err
		}
		c := core.NewBaseCollection("pricing_rules")
		c.Fields.Add(
			&core.SelectField{Name: "category", Values: []string{"game", "prepaid", "social"}, MaxSelect: 1},
			&core.TextField{Name: "brand", Max: 100},
			&core.RelationField{Name: "product", CollectionId: products.Id, MaxSelect: 1, CascadeDelete: true},
			&core.TextField{Name: "level", Max: 50, Pattern: `^[a-z0-9_-]*$`},
			&core.NumberField{Name: "markup_percent", Min: nonNegative, Max: types.Pointer(1000.0)},
			intField("markup_fixed", nonNegative),
			intField("rounding", nonNegative),
			&core.BoolField{Name: "active"},
			&core.TextField{Name: "note", Max: 500},
		)
		c.Fields.Add(timestamps()...)
		if err := app.Save(c); err != nil {
			return err
		}
		for _, r := range []struct {
			category, brand, note string
			percent               float64
			fixed                 int
		}{
			{"prepaid", "", "Pulsa & paket data: + Rp 1.000", 0, 1000},
			{"prepaid", "PLN", "Token listrik: + Rp 2.000", 0, 2000},
			{"prepaid", "DANA", "E-money: + Rp 1.500", 0, 1500},
			{"prepaid", "OVO", "E-money: + Rp 1.500", 0, 1500},
			{"prepaid", "GO PAY", "E-money: + Rp 1.500", 0, 1500},
			{"prepaid", "SHOPEE PAY", "E-money: + Rp 1.500", 0, 1500},
			{"prepaid", "LinkAja", "E-money: + Rp 1.500", 0, 1500},
			{"game", "", "Game: + 8 %", 8, 0},
			{"social", "", "Sosial media: + 15 %", 15, 0},
		} {
			rec := core.NewRecord(c)
			rec.Set("category", r.category)
			rec.Set("brand", r.brand)
			rec.Set("markup_percent", r.percent)
			rec.Set("markup_fixed", r.fixed)
			rec.Set("rounding", 100)
			rec.Set("active", true)
			rec.Set("note", r.note)
			if err := app.Save(rec); err != nil {
				return err
			}
		}

		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		users.Fields.Add(&core.TextField{Name: "level", Max: 50, Pattern: `^[a-z0-9_-]*$`})
		if err := app.Save(users); err != nil {
			return err
		}
		products.Fields.Add(&core.JSONField{Name: "prices", MaxSize: 4 << 10})
		return app.Save(products)
	}, func(app core.App) error {
		for _, f := range []struct{ col, field string }{{"users", "level"}, {"products", "prices"}} {
			c, err := app.FindCollectionByNameOrId(f.col)
			if err != nil {
				return err
			}
			c.Fields.RemoveByName(f.field)
			if err := app.Save(c); err != nil {
				return err
			}
		}
		return deleteCollection(app, "pricing_rules")
	})
}
