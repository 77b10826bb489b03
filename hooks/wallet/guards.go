package wallet

import (
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// Messages of the wallet guards, shown to whoever tried.
const (
	msgBalanceReadOnly = "The balance changes only through wallet transactions (add a deposit or adjustment)."
	msgLedgerAppend    = "Wallet transactions are append-only: add an adjustment to correct one."
	msgLedgerTypes     = "Only deposit and adjustment transactions can be added by hand."
)

// Guards makes the ledger the only way money moves on app: hooks.Register
// binds them, so every app that runs vipbase has them.
func Guards(app core.App) {
	// Nobody edits a balance directly, dashboard included. Unchanged fields
	// are not written either, so a profile edit racing an order can never
	// write back a stale balance.
	app.OnRecordUpdate("users").BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetInt("balance") != e.Record.Original().GetInt("balance") {
			return router.NewBadRequestError(msgBalanceReadOnly, nil)
		}
		e.Record.IgnoreUnchangedFields(true)
		return e.Next()
	})
	app.OnRecordCreate("users").BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetInt("balance") != 0 {
			return router.NewBadRequestError(msgBalanceReadOnly, nil)
		}
		return e.Next()
	})
	app.OnRecordUpdate("wallet_transactions").BindFunc(func(e *core.RecordEvent) error {
		return router.NewBadRequestError(msgLedgerAppend, nil)
	})
	app.OnRecordDelete("wallet_transactions").BindFunc(func(e *core.RecordEvent) error {
		return router.NewBadRequestError(msgLedgerAppend, nil)
	})

	// A superuser adds deposits/adjustments through the normal REST create
	// (dashboard or API); the row and the balance change commit together.
	app.OnRecordCreateRequest("wallet_transactions").BindFunc(func(e *core.RecordRequestEvent) error {
		typ := e.Record.GetString("type")
		if typ != Deposit && typ != Adjustment {
			return e.BadRequestError(msgLedgerTypes, nil)
		}
		amount := int64(e.Record.GetInt("amount"))
		if amount == 0 || (typ == Deposit && amount < 0) {
			return e.BadRequestError("A deposit must be a positive whole rupiah amount; an adjustment must not be 0.", nil)
		}
		if e.Record.GetString("order") != "" {
			return e.BadRequestError("Deposits and adjustments are not tied to an order.", nil)
		}
		var row *core.Record
		err := e.App.RunInTransaction(func(tx core.App) error {
			var err error
			row, err = Apply(tx, Entry{User: e.Record.GetString("user"), Type: typ, Amount: amount, Note: e.Record.GetString("note")})
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
