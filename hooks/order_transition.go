package hooks

import (
	"fmt"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/vipbase/vipbase/hooks/wallet"
	"github.com/vipbase/vipbase/vipreseller"
)

// providerNews is what the provider says about one transaction.
type providerNews struct {
	Status    string // provider status: waiting|processing|success|error|partial
	Note      string
	Remain    int64
	Count     int64
	HasRemain bool
}

func newsFrom(t vipreseller.Transaction) providerNews {
	return providerNews{Status: strings.ToLower(strings.TrimSpace(t.Status)), Note: t.Note,
		Remain: t.Remain, Count: t.Count, HasRemain: t.Remain != 0 || t.Count != 0}
}

// applyNews moves an order forward by the provider's word, in the caller's
// transaction: status, SN/note, refund, stock and audit event together.
// Transitions only go forward: news about a terminal order, or news that
// would move it back, changes nothing. Exactly-once follows from re-reading
// the order inside the single-writer transaction, and the unique ledger
// index backs it up.
func (s *Service) applyNews(tx core.App, o *core.Record, news providerNews, source string) (string, error) {
	cur := o.GetString("status")
	next := orderStatusFor(news.Status)
	now := types.NowDateTime()
	o.Set("checked_at", now)
	switch {
	case IsTerminal(cur):
		if next == cur {
			return OutcomeDuplicate, nil
		}
		return OutcomeStale, nil
	case next == "":
		return OutcomeStale, nil
	case next == OrderProcessing && cur == OrderProcessing:
		if news.Status != o.GetString("provider_status") {
			o.Set("provider_status", news.Status)
			return OutcomeDuplicate, s.writeRecord(tx, o)
		}
		return OutcomeDuplicate, nil
	}

	o.Set("status", next)
	o.Set("provider_status", news.Status)
	if o.GetString("dispatch") != dispatchSent && o.GetString("external_id") != "" {
		o.Set("dispatch", dispatchSent)
	}
	note := ""
	switch next {
	case OrderProcessing:
		o.Set("poll_attempts", 0)
		o.Set("next_attempt_at", types.NowDateTime().Add(pollDelay(0)))
		note = "VIP-Reseller accepted the order (" + news.Status + ")."
	case OrderSuccess:
		o.Set("sn", truncate(news.Note, 2000))
		note = "Delivered."
	case OrderFailed:
		o.Set("note", truncate(news.Note, 2000))
		note = "Failed: " + news.Note
	case OrderPartial:
		o.Set("note", truncate(news.Note, 2000))
		o.Set("start_count", news.Count)
		o.Set("remains", news.Remain)
		note = fmt.Sprintf("Partly delivered: %d of %d remain.", news.Remain, o.GetInt("quantity"))
	}
	if IsTerminal(next) {
		o.Set("completed_at", now)
		o.Set("next_attempt_at", "")
		if err := refundFor(tx, o, next); err != nil {
			return "", err
		}
	}
	if err := s.writeRecord(tx, o); err != nil {
		return "", err
	}
	if err := s.addOrderEvent(tx, o.Id, cur, next, source, note); err != nil {
		return "", err
	}
	return OutcomeApplied, nil
}

// refundFor writes the one refund a failed or partial order gets, and puts
// back the unit of tracked stock a failed order took.
func refundFor(tx core.App, o *core.Record, status string) error {
	price := int64(o.GetInt("price"))
	var amount int64
	switch status {
	case OrderFailed:
		amount = price
		if err := restoreStock(tx, o.GetString("product")); err != nil {
			return err
		}
	case OrderPartial:
		qty, remains := int64(o.GetInt("quantity")), int64(o.GetInt("remains"))
		if qty > 0 && remains > 0 {
			remains = min(remains, qty)
			amount = price * remains / qty
		}
	}
	if amount <= 0 {
		return nil
	}
	if o.GetString("user") == "" { // a guest: no wallet, the money is owed
		return guestRefundDue(tx, o, amount)
	}
	if _, err := wallet.Apply(tx, wallet.Entry{User: o.GetString("user"), Type: wallet.Refund, Amount: amount, Order: o.Id, Note: "Pengembalian dana " + o.GetString("number")}); err != nil {
		return fmt.Errorf("refund: %w", err)
	}
	o.Set("refunded", amount)
	return nil
}

func restoreStock(tx core.App, productID string) error {
	if productID == "" {
		return nil
	}
	_, err := tx.DB().NewQuery("UPDATE products SET stock = stock + 1 WHERE id = {:id} AND track_stock = TRUE").
		Bind(dbx.Params{"id": productID}).Execute()
	return err
}

// failOrder ends a pending order as failed with a full refund: the provider
// refused it for good, or never got it.
func (s *Service) failOrder(tx core.App, o *core.Record, reason, source string) (string, error) {
	if o.GetString("status") != OrderPending {
		return OutcomeStale, nil
	}
	o.Set("dispatch", dispatchRejected)
	return s.applyNews(tx, o, providerNews{Status: vipreseller.StatusError, Note: reason}, source)
}
