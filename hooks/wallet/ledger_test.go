package wallet_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks/wallet"
	_ "github.com/vipbase/vipbase/pb_migrations"
)

// newLedgerApp is a test app with vipbase's migrations and one user.
func newLedgerApp(t *testing.T) (*tests.TestApp, string) {
	t.Helper()
	app, err := tests.NewTestApp()
	require.NoError(t, err)
	t.Cleanup(app.Cleanup)
	col, err := app.FindCollectionByNameOrId("users")
	require.NoError(t, err)
	u := core.NewRecord(col)
	u.SetEmail("ledger@example.com")
	u.SetPassword("1234567890")
	require.NoError(t, app.Save(u))
	return app, u.Id
}

func balanceOf(t *testing.T, app core.App, userID string) int64 {
	t.Helper()
	u, err := app.FindRecordById("users", userID)
	require.NoError(t, err)
	return int64(u.GetInt("balance"))
}

func TestApplyWritesTheBalanceAndItsRowTogether(t *testing.T) {
	app, uid := newLedgerApp(t)
	require.NoError(t, wallet.AddDeposit(app, uid, 10_000, "transfer"))

	var row *core.Record
	require.NoError(t, app.RunInTransaction(func(tx core.App) error {
		var err error
		row, err = wallet.Apply(tx, wallet.Entry{User: uid, Type: wallet.Adjustment, Amount: -2_500, Note: "koreksi"})
		return err
	}))
	require.EqualValues(t, 7_500, row.GetInt("balance_after"))
	require.Equal(t, int64(7_500), balanceOf(t, app, uid))

	// A rolled-back transaction takes the balance change with it.
	_ = app.RunInTransaction(func(tx core.App) error {
		_, err := wallet.Apply(tx, wallet.Entry{User: uid, Type: wallet.Adjustment, Amount: -1_000})
		require.NoError(t, err)
		return errRollback
	})
	require.Equal(t, int64(7_500), balanceOf(t, app, uid))
	n, err := app.CountRecords("wallet_transactions")
	require.NoError(t, err)
	require.EqualValues(t, 2, n)
}

func TestApplyRefusesWhatWouldBreakTheBooks(t *testing.T) {
	app, uid := newLedgerApp(t)
	require.NoError(t, wallet.AddDeposit(app, uid, 1_000, ""))

	_, err := wallet.Apply(app, wallet.Entry{User: uid, Type: wallet.Deposit, Amount: 5})
	require.ErrorIs(t, err, wallet.ErrNotInTransaction)

	err = app.RunInTransaction(func(tx core.App) error {
		_, err := wallet.Apply(tx, wallet.Entry{User: uid, Type: wallet.Adjustment, Amount: -1_001})
		return err
	})
	require.ErrorIs(t, err, wallet.ErrInsufficientBalance)

	err = app.RunInTransaction(func(tx core.App) error {
		_, err := wallet.Apply(tx, wallet.Entry{User: "nosuchuser0000", Type: wallet.Deposit, Amount: 5})
		return err
	})
	require.Error(t, err)
	require.NotErrorIs(t, err, wallet.ErrInsufficientBalance)
	require.Error(t, wallet.AddDeposit(app, uid, 0, ""))
	require.Equal(t, int64(1_000), balanceOf(t, app, uid))
}

// Concurrent debits never take the balance below zero: exactly as many
// succeed as the balance covers.
func TestApplyNeverOverdraws(t *testing.T) {
	app, uid := newLedgerApp(t)
	require.NoError(t, wallet.AddDeposit(app, uid, 5_000, ""))
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, short := 0, 0
	for range 12 {
		wg.Go(func() {
			err := app.RunInTransaction(func(tx core.App) error {
				_, err := wallet.Apply(tx, wallet.Entry{User: uid, Type: wallet.Adjustment, Amount: -1_000})
				return err
			})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, wallet.ErrInsufficientBalance):
				short++
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	require.Equal(t, 5, ok)
	require.Equal(t, 7, short)
	require.Zero(t, balanceOf(t, app, uid))
}

var errRollback = errors.New("rollback")
