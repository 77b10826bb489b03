package wallet

import (
	"errors"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// Messages of the wallet guards, shown to whoever tried.
const (
	msgBalanceReadOnly = "The balance changes only through wallet transactions (add a deposit or adjustment)."
	msgLedgerAppend    = "Wallet transactions are append-only: add an adjustment to correct one."
	msgLedgerTypes     = "Only deposit and adjustment transactions can be added by hand."
)

// Stable codes (data.code) of the guards' answers.
const (
	CodeBalanceReadOnly     = "balance_read_only"
	CodeLedgerAppendOnly    = "ledger_append_only"
	CodeLedgerType          = "ledger_type_not_allowed"
	CodeInvalidAmount       = "invalid_amount"
	CodeLedgerOrder         = "ledger_order_not_allowed"
	CodeInsufficientBalance = "insufficient_balance"
	CodeLedgerFailed        = "ledger_failed"
	CodeDuplicateReference  = "duplicate_reference"
)

// refuse is a 400 with a stable code; cause is kept for the logs only.
func refuse(code, message string, cause error) *router.ApiError {
	err := router.NewBadRequestError(message, cause)
	err.Data["code"] = code
	return err
}

// Guards makes the ledger the only way money moves on app: hooks.Register
// binds them, so every app that runs vipbase has them.
func Guards(app core.App) {
	// Nobody edits a balance directly, dashboard included. Unchanged fields
	// are not written either, so a profile edit racing an order can never
	// write back a stale balance.
	app.OnRecordUpdate("users").BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetInt("balance") != e.Record.Original().GetInt("balance") {
			return refuse(CodeBalanceReadOnly, msgBalanceReadOnly, nil)
		}
		e.Record.IgnoreUnchangedFields(true)
		return e.Next()
	})
	app.OnRecordCreate("users").BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetInt("balance") != 0 {
			return refuse(CodeBalanceReadOnly, msgBalanceReadOnly, nil)
		}
		return e.Next()
	})
	app.OnRecordUpdate("wallet_transactions").BindFunc(func(e *core.RecordEvent) error {
		return refuse(CodeLedgerAppendOnly, msgLedgerAppend, nil)
	})
	app.OnRecordDelete("wallet_transactions").BindFunc(func(e *core.RecordEvent) error {
		return refuse(CodeLedgerAppendOnly, msgLedgerAppend, nil)
	})

	// A superuser adds deposits/adjustments through the normal REST create
	// (dashboard or API); the row and the balance change commit together.
	app.OnRecordCreateRequest("wallet_transactions").BindFunc(func(e *core.RecordRequestEvent) error {
		typ := e.Record.GetString("type")
		if typ != Deposit && typ != Adjustment {
			return refuse(CodeLedgerType, msgLedgerTypes, nil)
		}
		amount := int64(e.Record.GetInt("amount"))
		if amount == 0 || (typ == Deposit && amount < 0) {
			return refuse(CodeInvalidAmount, "A deposit must be a positive whole rupiah amount; an adjustment must not be 0.", nil)
		}
		if e.Record.GetString("order") != "" {
			return refuse(CodeLedgerOrder, "Deposits and adjustments are not tied to an order.", nil)
		}
		var row *core.Record
		err := e.App.RunInTransaction(func(tx core.App) error {
			var err error
			row, err = Apply(tx, Entry{User: e.Record.GetString("user"), Type: typ, Amount: amount,
				Note: e.Record.GetString("note"), Reference: strings.TrimSpace(e.Record.GetString("reference"))})
			return err
		})
		switch {
		case errors.Is(err, ErrDuplicateReference):
			return refuse(CodeDuplicateReference, "This user already has a "+typ+" with this reference: it was entered before.", nil)
		case errors.Is(err, ErrInsufficientBalance):
			return refuse(CodeInsufficientBalance, "This adjustment would make the balance negative.", nil)
		case err != nil:
			return refuse(CodeLedgerFailed, "Could not add the wallet transaction.", err)
		}
		return e.JSON(http.StatusOK, row)
	})
}
