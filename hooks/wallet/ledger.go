// Package wallet is the ledger: the only code that changes a user's
// balance. Every change is one wallet_transactions row written in the same
// transaction as the balance, and Guards make it the only way: nobody edits
// users.balance directly, and ledger rows are append-only.
package wallet

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Entry types (wallet_transactions.type).
const (
	Deposit    = "deposit"    // money in: an operator's deposit or a paid top-up
	Purchase   = "purchase"   // an order paid from the wallet (negative)
	Refund     = "refund"     // an order's money back (at most one per order)
	Adjustment = "adjustment" // an operator's correction, either sign
)

// ErrInsufficientBalance means a debit would take a wallet below zero.
var ErrInsufficientBalance = errors.New("insufficient balance")

// ErrDuplicateReference means the user already has an entry of this type
// with this reference: a deposit entered twice.
var ErrDuplicateReference = errors.New("wallet: this reference was already used for this user and type")

// ErrNotInTransaction means Apply was called outside a transaction.
var ErrNotInTransaction = errors.New("wallet: a ledger entry must be applied inside a transaction")

// Entry is one change of one user's balance.
type Entry struct {
	User   string // users record id
	Type   string // Deposit, Purchase, Refund or Adjustment
	Amount int64  // rupiah, negative for a debit
	Order  string // the order it pays or refunds, if any
	Note   string // shown to the shopper in their history
	// Reference is the operator's reference for a deposit or adjustment,
	// unique per user and type when set (ErrDuplicateReference).
	Reference string
}

// Apply changes the user's balance by e.Amount and appends the ledger row in
// tx, the caller's transaction, so both commit or neither does. The balance
// moves by one conditional UPDATE, so it never goes below zero whatever
// races it (ErrInsufficientBalance); the unique (order, type) index makes a
// second purchase or refund of one order fail.
func Apply(tx core.App, e Entry) (*core.Record, error) {
	if !tx.IsTransactional() {
		return nil, ErrNotInTransaction
	}
	res, err := tx.DB().NewQuery("UPDATE users SET balance = balance + {:amount} WHERE id = {:id} AND balance + {:amount} >= 0").
		Bind(dbx.Params{"amount": e.Amount, "id": e.User}).Execute()
	if err != nil {
		return nil, fmt.Errorf("update balance: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := tx.FindRecordById("users", e.User); err != nil {
			return nil, fmt.Errorf("user %s: %w", e.User, err)
		}
		return nil, ErrInsufficientBalance
	}
	e.Reference = NormaliseReference(e.Reference)
	if e.Reference != "" {
		// After the UPDATE: this transaction holds the write lock, so no
		// twin can commit between the check and the insert (the unique
		// index is the backstop).
		var n int
		if err := tx.DB().NewQuery("SELECT COUNT(*) FROM wallet_transactions WHERE user = {:user} AND type = {:type} AND reference = {:ref}").
			Bind(dbx.Params{"user": e.User, "type": e.Type, "ref": e.Reference}).Row(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			return nil, ErrDuplicateReference
		}
	}
	var after struct {
		Balance int64 `db:"balance"`
	}
	if err := tx.DB().Select("balance").From("users").Where(dbx.HashExp{"id": e.User}).One(&after); err != nil {
		return nil, err
	}
	col, err := tx.FindCachedCollectionByNameOrId("wallet_transactions")
	if err != nil {
		return nil, err
	}
	row := core.NewRecord(col)
	row.Set("user", e.User)
	row.Set("type", e.Type)
	row.Set("amount", e.Amount)
	row.Set("balance_after", after.Balance)
	row.Set("order", e.Order)
	row.Set("note", e.Note)
	row.Set("reference", e.Reference)
	if err := tx.Save(row); err != nil {
		return nil, fmt.Errorf("ledger %s: %w", e.Type, err)
	}
	return row, nil
}

// NormaliseReference is how a reference is stored and compared: upper
// case without spaces, so "bca 0612 001" is the "BCA0612001" entered
// before.
func NormaliseReference(ref string) string {
	return strings.ToUpper(strings.Join(strings.Fields(ref), ""))
}

// AddDeposit credits a user's wallet in a transaction of its own, as an
// operator's dashboard deposit does.
func AddDeposit(app core.App, userID string, amount int64, note string) error {
	if amount <= 0 {
		return errors.New("wallet: a deposit must be positive")
	}
	return app.RunInTransaction(func(tx core.App) error {
		_, err := Apply(tx, Entry{User: userID, Type: Deposit, Amount: amount, Note: note})
		return err
	})
}
