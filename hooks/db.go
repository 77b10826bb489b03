package hooks

import (
	"context"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// dbEq is a one-column equality filter.
func dbEq(col string, v any) dbx.Expression { return dbx.HashExp{col: v} }

// writeRecord saves r in tx with one plain INSERT (new record) or UPDATE of
// its changed columns, without PocketBase's save chain: before-save hooks,
// validation and field interceptors cost several times the SQL, and these
// saves sit on the single writer's hottest path (every callback writes an
// order, its audit event and a log row). Once tx commits it fires the
// after-save hooks a Save fires, so realtime subscribers and
// OnRecordAfter*Success handlers see the change as usual.
//
// Only for vipbase's own server-side writes: the caller keeps every value
// within its field's rules (ids are generated here, created/updated set).
// A save by a superuser or the SDK still goes through Save.
func (s *Service) writeRecord(tx core.App, r *core.Record) error {
	now := types.NowDateTime()
	isNew := r.IsNew()
	if isNew {
		if r.Id == "" {
			r.Id = core.GenerateDefaultRandomId()
		}
		r.SetRaw("created", now)
	}
	r.SetRaw("updated", now)
	r.IgnoreUnchangedFields(true)
	data, err := r.DBExport(tx)
	if err != nil {
		return err
	}
	kind := core.ModelEventTypeUpdate
	if isNew {
		kind = core.ModelEventTypeCreate
		_, err = tx.DB().Insert(r.TableName(), data).Execute()
	} else {
		delete(data, "id")
		_, err = tx.DB().Update(r.TableName(), data, dbx.HashExp{"id": r.Id}).Execute()
	}
	if err != nil {
		return err
	}
	// As after a Save: no longer new, and Original() still the state
	// before, so after-save handlers can tell what changed.
	r.MarkAsNotNew()
	event := &core.ModelEvent{App: s.app, Context: context.Background(), Type: kind}
	event.Model = r
	after := func(txErr error) error {
		if txErr != nil {
			if isNew {
				r.MarkAsNew() // rolled back: not saved after all
			}
			errEvent := &core.ModelErrorEvent{ModelEvent: *event, Error: txErr}
			if isNew {
				return s.app.OnModelAfterCreateError().Trigger(errEvent)
			}
			return s.app.OnModelAfterUpdateError().Trigger(errEvent)
		}
		if isNew {
			return s.app.OnModelAfterCreateSuccess().Trigger(event)
		}
		return s.app.OnModelAfterUpdateSuccess().Trigger(event)
	}
	if info := tx.TxInfo(); info != nil {
		info.OnComplete(after)
		return nil
	}
	return after(nil)
}
