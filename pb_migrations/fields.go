// Package pb_migrations creates vipbase's collections. One concern per file,
// named <unix>_<description>.go so PocketBase applies them in order.
package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// intField is an integer number field; money is always one of these (rupiah).
func intField(name string, min *float64) *core.NumberField {
	return &core.NumberField{Name: name, OnlyInt: true, Min: min}
}

// nonNegative is the Min of counts and balances.
var nonNegative = types.Pointer(0.0)

// timestamps are the created/updated fields every vipbase collection has.
func timestamps() []core.Field {
	return []core.Field{
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	}
}

// deleteCollection is the shared down migration.
func deleteCollection(app core.App, name string) error {
	c, err := app.FindCollectionByNameOrId(name)
	if err != nil {
		return nil // already gone
	}
	return app.Delete(c)
}
