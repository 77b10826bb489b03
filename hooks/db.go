package hooks

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// dbEq is a one-column equality filter.
func dbEq(col string, v any) dbx.Expression { return dbx.HashExp{col: v} }

// insertRow inserts one row into a collection's table with a fresh record
// id and created/updated set, as a record save would, but without the
// record machinery (validation, hooks, realtime). Only for append-only
// rows whose values the caller already keeps within the fields' rules.
func insertRow(tx core.App, table string, row dbx.Params) error {
	now := types.NowDateTime().String()
	row["id"] = core.GenerateDefaultRandomId()
	row["created"], row["updated"] = now, now
	_, err := tx.DB().Insert(table, row).Execute()
	return err
}
