package hooks

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/vipbase/vipbase/internal/pbsqlite"
)

// dbEq is a one-column equality filter.
func dbEq(col string, v any) dbx.Expression { return dbx.HashExp{col: v} }

// writeRecord is pbsqlite.WriteRecord for vipbase's own hot writes (orders,
// their events, webhook logs): no before-save hooks or validation, the
// after-save hooks once tx commits. What the change means for the
// notification outbox is written in the same tx (observeWrite).
func (s *Service) writeRecord(tx core.App, r *core.Record) error {
	if err := pbsqlite.WriteRecord(s.app, tx, r); err != nil {
		return err
	}
	return s.observeWrite(tx, r)
}
