package hooks

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// Ledger entry types (wallet_transactions.type).
const (
	LedgerDeposit    = "deposit"
	LedgerPurchase   = "purchase"
	LedgerRefund     = "refund"
	LedgerAdjustment = "adjustment"
)

// ErrInsufficientBalance means a debit would take a wallet below zero.
var ErrInsufficientBalance = errors.New("insufficient balance")

// Messages of the wallet guards, shown to whoever tried.
const (
	msgBalanceReadOnly = "The balance changes only through wallet transactions (add a deposit or adjustment)."
	msgLedgerAppend    = "Wallet transactions are append-only: add an adjustment to correct one."
	msgLedgerTypes     = "Only deposit and adjustment transactions can be added by hand."
)

// applyLedger changes a user's balance by amount and appends the ledger row
// in the caller's transaction. The balance is changed by one conditional
// UPDATE, so it can never go below zero whatever races it; the unique
// (order, type) index makes a second purchase or refund of an order fail.
func applyLedger(tx core.App, userID, typ string, amount int64, orderID, note string) (*core.Record, error) {
	if !tx.IsTransactional() {
		return nil, errors.New("applyLedger must run inside a transaction")
	}
	res, err := tx.DB().NewQuery("UPDATE users SET balance = balance + {:amount} WHERE id = {:id} AND balance + {:amount} >= 0").
		Bind(dbx.Params{"amount": amount, "id": userID}).Execute()
	if err != nil {
		return nil, fmt.Errorf("update balance: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := tx.FindRecordById("users", userID); err != nil {
			return nil, fmt.Errorf("user %s: %w", userID, err)
		}
		return nil, ErrInsufficientBalance
	}
	var after struct {
		Balance int64 `db:"balance"`
	}
	if err := tx.DB().Select("balance").From("users").Where(dbx.HashExp{"id": userID}).One(&after); err != nil {
		return nil, err
	}
	col, err := tx.FindCachedCollectionByNameOrId("wallet_transactions")
	if err != nil {
		return nil, err
	}
	row := core.NewRecord(col)
	row.Set("user", userID)
	row.Set("type", typ)
	row.Set("amount", amount)
	row.Set("balance_after", after.Balance)
	row.Set("order", orderID)
	row.Set("note", note)
	if err := tx.Save(row); err != nil {
		return nil, fmt.Errorf("ledger %s: %w", typ, err)
	}
	return row, nil
}

// registerWalletGuards makes the ledger the only way money moves.
func (s *Service) registerWalletGuards() {
	// Nobody edits a balance directly, dashboard included. Unchanged fields
	// are not written either, so a profile edit racing an order can never
	// write back a stale balance.
	s.app.OnRecordUpdate("users").BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetInt("balance") != e.Record.Original().GetInt("balance") {
			return router.NewBadRequestError(msgBalanceReadOnly, nil)
		}
		e.Record.IgnoreUnchangedFields(true)
		return e.Next()
	})
	s.app.OnRecordCreate("users").BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetInt("balance") != 0 {
			return router.NewBadRequestError(msgBalanceReadOnly, nil)
		}
		return e.Next()
	})
	s.app.OnRecordUpdate("wallet_transactions").BindFunc(func(e *core.RecordEvent) error {
		return router.NewBadRequestError(msgLedgerAppend, nil)
	})
	s.app.OnRecordDelete("wallet_transactions").BindFunc(func(e *core.RecordEvent) error {
		return router.NewBadRequestError(msgLedgerAppend, nil)
	})

	// A superuser adds deposits/adjustments through the normal REST create
	// (dashboard or API); the row and the balance change commit together.
	s.app.OnRecordCreateRequest("wallet_transactions").BindFunc(func(e *core.RecordRequestEvent) error {
		typ := e.Record.GetString("type")
		if typ != LedgerDeposit && typ != LedgerAdjustment {
			return e.BadRequestError(msgLedgerTypes, nil)
		}
		amount := int64(e.Record.GetInt("amount"))
		if amount == 0 || (typ == LedgerDeposit && amount < 0) {
			return e.BadRequestError("A deposit must be a positive whole rupiah amount; an adjustment must not be 0.", nil)
		}
		if e.Record.GetString("order") != "" {
			return e.BadRequestError("Deposits and adjustments are not tied to an order.", nil)
		}
		var row *core.Record
		err := e.App.RunInTransaction(func(tx core.App) error {
			var err error
			row, err = applyLedger(tx, e.Record.GetString("user"), typ, amount, "", e.Record.GetString("note"))
			return err
		})
		switch {
		case errors.Is(err, ErrInsufficientBalance):
			return e.BadRequestError("This adjustment would make the balance negative.", nil)
		case err != nil:
			return e.BadRequestError("Could not add the wallet transaction.", err)
		}
		return e.JSON(http.StatusOK, row)
	})
}

// Deposit credits a user's wallet (ledger row + balance in one transaction),
// as a superuser's dashboard deposit does. Used by the sandbox demo and tests.
func (s *Service) Deposit(userID string, amount int64, note string) error {
	if amount <= 0 {
		return errors.New("a deposit must be positive")
	}
	return s.app.RunInTransaction(func(tx core.App) error {
		_, err := applyLedger(tx, userID, LedgerDeposit, amount, "", note)
		return err
	})
}
