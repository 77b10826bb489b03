package pbsqlite_test

import (
	"errors"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/internal/pbsqlite"
)

// writerApp is a bare test app with one collection "notes" (name, n) and
// counters of the hooks WriteRecord must skip or fire.
type writerApp struct {
	*tests.TestApp
	col          *core.Collection
	beforeSaves  int
	afterSuccess []afterSave
	afterErrors  int
}

type afterSave struct {
	app       core.App
	name      string
	original  string
	committed int // rows named like the record visible to the hook
}

func newWriterApp(t *testing.T) *writerApp {
	t.Helper()
	app, err := tests.NewTestApp()
	require.NoError(t, err)
	t.Cleanup(app.Cleanup)
	col := core.NewBaseCollection("notes")
	col.Fields.Add(&core.TextField{Name: "name", Max: 5}, &core.NumberField{Name: "n"},
		&core.AutodateField{Name: "created", OnCreate: true}, &core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true})
	require.NoError(t, app.Save(col))

	w := &writerApp{TestApp: app, col: col}
	count := func(e *core.RecordEvent) error { w.beforeSaves++; return e.Next() }
	app.OnRecordCreate("notes").BindFunc(count)
	app.OnRecordUpdate("notes").BindFunc(count)
	after := func(e *core.RecordEvent) error {
		var n int
		_ = e.App.DB().NewQuery("SELECT COUNT(*) FROM notes WHERE name = {:n}").Bind(dbx.Params{"n": e.Record.GetString("name")}).Row(&n)
		w.afterSuccess = append(w.afterSuccess, afterSave{e.App, e.Record.GetString("name"), e.Record.Original().GetString("name"), n})
		return e.Next()
	}
	app.OnRecordAfterCreateSuccess("notes").BindFunc(after)
	app.OnRecordAfterUpdateSuccess("notes").BindFunc(after)
	app.OnRecordAfterCreateError("notes").BindFunc(func(e *core.RecordErrorEvent) error { w.afterErrors++; return e.Next() })
	return w
}

func TestWriteRecordInsertsWithoutTheSaveChainAndFiresAfterCommit(t *testing.T) {
	w := newWriterApp(t)
	r := core.NewRecord(w.col)
	r.Set("name", "too long for max") // validation is skipped: the caller keeps the rules
	r.Set("n", 1)
	require.NoError(t, w.RunInTransaction(func(tx core.App) error {
		require.NoError(t, pbsqlite.WriteRecord(w.TestApp, tx, r))
		require.Empty(t, w.afterSuccess, "after-save hooks wait for the commit")
		return nil
	}))

	require.Equal(t, 0, w.beforeSaves, "no before-save hooks")
	require.Len(t, w.afterSuccess, 1)
	got := w.afterSuccess[0]
	require.Same(t, w.TestApp, got.app, "the hooks see the non-transactional app")
	require.Equal(t, 1, got.committed, "the hook sees the committed row")
	require.False(t, r.IsNew())
	require.Len(t, r.Id, 15)

	stored, err := w.FindRecordById("notes", r.Id)
	require.NoError(t, err)
	require.Equal(t, "too long for max", stored.GetString("name"))
	require.False(t, stored.GetDateTime("created").IsZero())
	require.Equal(t, stored.GetDateTime("created"), stored.GetDateTime("updated"))
}

func TestWriteRecordUpdatesOnlyChangedColumns(t *testing.T) {
	w := newWriterApp(t)
	r := core.NewRecord(w.col)
	r.Set("name", "a")
	r.Set("n", 1)
	require.NoError(t, w.Save(r))
	w.afterSuccess, w.beforeSaves = nil, 0

	r, err := w.FindRecordById("notes", r.Id) // loaded with n = 1
	require.NoError(t, err)
	// Someone else changes n meanwhile; our update of name must not write
	// back the stale n.
	_, err = w.DB().Update("notes", dbx.Params{"n": 7}, dbx.HashExp{"id": r.Id}).Execute()
	require.NoError(t, err)
	r.Set("name", "b")
	require.NoError(t, pbsqlite.WriteRecord(w.TestApp, w, r)) // outside a transaction: hooks fire at once

	require.Equal(t, 0, w.beforeSaves)
	require.Len(t, w.afterSuccess, 1)
	require.Equal(t, "b", w.afterSuccess[0].name)
	require.Equal(t, "a", w.afterSuccess[0].original, "Original() is the state before the write")
	stored, err := w.FindRecordById("notes", r.Id)
	require.NoError(t, err)
	require.Equal(t, "b", stored.GetString("name"))
	require.Equal(t, 7, stored.GetInt("n"), "an unchanged column is not written")
}

func TestWriteRecordRollbackLeavesTheRecordNew(t *testing.T) {
	w := newWriterApp(t)
	r := core.NewRecord(w.col)
	r.Set("name", "x")
	boom := errors.New("boom")
	err := w.RunInTransaction(func(tx core.App) error {
		require.NoError(t, pbsqlite.WriteRecord(w.TestApp, tx, r))
		return boom
	})
	require.ErrorIs(t, err, boom)
	require.True(t, r.IsNew(), "rolled back: still new, so a retry inserts it")
	require.Empty(t, w.afterSuccess)
	require.Equal(t, 1, w.afterErrors)
	n, err := w.CountRecords("notes")
	require.NoError(t, err)
	require.Zero(t, n)
}

// A record written again with nothing changed (in production: the same
// values within the same millisecond, so even `updated` is unchanged) is
// no write at all, not an UPDATE without a SET.
func TestWriteRecordWithNothingChangedWritesNothing(t *testing.T) {
	w := newWriterApp(t)
	col := core.NewBaseCollection("plain") // no autodate fields: nothing changes by itself
	col.Fields.Add(&core.TextField{Name: "name"})
	require.NoError(t, w.Save(col))
	r := core.NewRecord(col)
	r.Set("name", "a")
	require.NoError(t, w.Save(r))

	again, err := w.FindRecordById("plain", r.Id)
	require.NoError(t, err)
	require.NoError(t, w.RunInTransaction(func(tx core.App) error { return pbsqlite.WriteRecord(w.TestApp, tx, again) }))
	stored, err := w.FindRecordById("plain", r.Id)
	require.NoError(t, err)
	require.Equal(t, "a", stored.GetString("name"))
}
