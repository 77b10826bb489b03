package hooks

import "github.com/pocketbase/dbx"

// dbEq is a one-column equality filter.
func dbEq(col string, v any) dbx.Expression { return dbx.HashExp{col: v} }
