package pbsqlite

import (
	"context"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// WriteRecord saves r in tx with one plain INSERT (new record) or UPDATE of
// its changed columns, without PocketBase's save chain, for a hot
// server-side write where that chain costs several times the SQL.
//
// Skipped: the before-save hooks (OnModelCreate/Update, OnRecordCreate/
// Update and their Execute variants), field validation, field interceptors
// (no password hashing, no file upload, no autodate: created/updated are set
// here) and the collection's API rules. Fired: once tx commits, the
// after-save hooks a Save fires (OnModelAfterCreateSuccess/UpdateSuccess and
// so OnRecordAfter*Success and realtime), with e.App = app; on a rollback
// the After*Error hooks. As after a Save, r is no longer new and its
// Original() is still the state before, so after-save handlers can tell
// what changed; a rollback marks a new r new again.
//
// The caller keeps every value within its field's rules; a write by a
// person (dashboard, SDK) must still go through Save. app is the
// non-transactional app the after-save hooks see; outside a transaction
// (tx == app) the hooks fire at once.
func WriteRecord(app, tx core.App, r *core.Record) error {
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
		if len(data) == 0 {
			// Nothing changed (updated included: written again within the
			// same millisecond): an UPDATE without a SET is a syntax error.
			return nil
		}
		_, err = tx.DB().Update(r.TableName(), data, dbx.HashExp{"id": r.Id}).Execute()
	}
	if err != nil {
		return err
	}
	// As after a Save: no longer new, and Original() still the state
	// before, so after-save handlers can tell what changed.
	r.MarkAsNotNew()
	event := &core.ModelEvent{App: app, Context: context.Background(), Type: kind}
	event.Model = r
	after := func(txErr error) error {
		if txErr != nil {
			if isNew {
				r.MarkAsNew() // rolled back: not saved after all
			}
			errEvent := &core.ModelErrorEvent{ModelEvent: *event, Error: txErr}
			if isNew {
				return app.OnModelAfterCreateError().Trigger(errEvent)
			}
			return app.OnModelAfterUpdateError().Trigger(errEvent)
		}
		if isNew {
			return app.OnModelAfterCreateSuccess().Trigger(event)
		}
		return app.OnModelAfterUpdateSuccess().Trigger(event)
	}
	if info := tx.TxInfo(); info != nil {
		info.OnComplete(after)
		return nil
	}
	return after(nil)
}
