package hooks

// Applying what a gateway's status API confirms (design §11): one
// transaction, forward only, whatever order and however often the news
// arrives. A payment moves money in our books exactly once: the status
// moves out of unpaid (or a closed unpaid) to paid once, re-read inside the
// single writer, and the unique (order, type) ledger index backs it up.

import (
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/vipbase/vipbase/hooks/wallet"
	"github.com/vipbase/vipbase/payment"
)

// applyPayment applies t, the gateway's confirmed view of p, in tx. It
// returns the outcome (payment_events.outcome) and the id of an order that
// is now paid and must be dispatched after the commit ("" for none).
func (s *Service) applyPayment(tx core.App, p *core.Record, t payment.Transaction, source string) (outcome, dispatch string, err error) {
	if (t.Number != "" && t.Number != p.GetString("number")) ||
		(t.Reference != "" && p.GetString("reference") != "" && t.Reference != p.GetString("reference")) {
		return OutcomeMismatch, "", fmt.Errorf("the gateway's answer is for %s/%s, not %s/%s",
			t.Number, t.Reference, p.GetString("number"), p.GetString("reference"))
	}
	if p.GetString("reference") == "" && t.Reference != "" {
		p.Set("reference", t.Reference)
	}
	p.Set("checked_at", types.NowDateTime())
	p.Set("raw", rawTransaction(t))
	cur := p.GetString("status")

	switch t.Status {
	case payment.StatusPaid:
		switch cur {
		case PaymentPaid:
			return OutcomeDuplicate, "", s.writeRecord(tx, p)
		case PaymentRefunded:
			return OutcomeStale, "", s.writeRecord(tx, p)
		}
		// unpaid, or closed by us (expired/failed) while the gateway kept
		// it open: the money arrived, and a confirmed payment is never lost.
		if want := int64(p.GetInt("total")); t.Total != want {
			review := fmt.Sprintf("Paid Rp %s, expected Rp %s: nothing was fulfilled. Settle it with the shopper and the gateway.",
				Rupiah(t.Total), Rupiah(want))
			if p.GetString("review") == review {
				return OutcomeDuplicate, "", s.writeRecord(tx, p)
			}
			p.Set("review", review)
			s.app.Logger().Warn("payments: paid amount does not match; needs a person", "payment", p.GetString("number"),
				"paid", t.Total, "expected", want)
			if err := s.reviewOrderOf(tx, p, "Payment "+p.GetString("number")+": "+review); err != nil {
				return "", "", err
			}
			return OutcomeMismatch, "", s.writeRecord(tx, p)
		}
		p.Set("status", PaymentPaid)
		if strings.HasPrefix(p.GetString("review"), heldPrefix) {
			p.Set("review", "") // the hold was lifted: the gateway says paid
			if err := s.reviewOrderOf(tx, p, ""); err != nil {
				return "", "", err
			}
		}
		paidAt := types.NowDateTime()
		if !t.PaidAt.IsZero() {
			paidAt, _ = types.ParseDateTime(t.PaidAt)
		}
		p.Set("paid_at", paidAt)
		if p.GetString("purpose") == PurposeDeposit {
			if err := s.payDeposit(tx, p); err != nil {
				return "", "", err
			}
			return OutcomeApplied, "", s.writeRecord(tx, p)
		}
		o, err := tx.FindRecordById("orders", p.GetString("order"))
		if err != nil {
			return "", "", fmt.Errorf("payment %s: order: %w", p.GetString("number"), err)
		}
		dispatch, err = s.payOrder(tx, p, o, source)
		if err != nil {
			return "", "", err
		}
		return OutcomeApplied, dispatch, s.writeRecord(tx, p)

	case payment.StatusExpired, payment.StatusFailed:
		if cur == PaymentPaid && t.Status == payment.StatusFailed {
			return s.reversed(tx, p) // Midtrans: settlement → deny (a bank reversal)
		}
		if cur != PaymentUnpaid {
			if cur == string(t.Status) {
				return OutcomeDuplicate, "", s.writeRecord(tx, p)
			}
			return OutcomeStale, "", s.writeRecord(tx, p)
		}
		return OutcomeApplied, "", s.closePayment(tx, p, string(t.Status), source, "The payment "+string(t.Status)+" at the gateway.")

	case payment.StatusRefunded:
		if cur != PaymentPaid {
			return OutcomeStale, "", s.writeRecord(tx, p)
		}
		return s.reversed(tx, p)
	}
	// unpaid: still waiting; keep how to pay up to date.
	if cur != PaymentUnpaid {
		return OutcomeStale, "", s.writeRecord(tx, p)
	}
	if t.Hold != "" && p.GetString("review") == "" {
		// The gateway holds it for a person (fraud challenge): it stays
		// unpaid, and the operator decides at the gateway.
		review := heldPrefix + t.Hold
		p.Set("review", truncate(review, 2000))
		s.app.Logger().Warn("payments: the gateway holds a payment for review", "payment", p.GetString("number"), "hold", t.Hold)
		if err := s.reviewOrderOf(tx, p, "Payment "+p.GetString("number")+": "+review); err != nil {
			return "", "", err
		}
		return OutcomeApplied, "", s.storeTransaction(tx, p, t)
	}
	return OutcomeDuplicate, "", s.storeTransaction(tx, p, t)
}

// heldPrefix starts the review of a payment the gateway holds.
const heldPrefix = "Held by the gateway: "

// reversed flags a paid payment the gateway later refunded or reversed:
// nothing is undone automatically.
func (s *Service) reversed(tx core.App, p *core.Record) (string, string, error) {
	const review = "The gateway reports a refund or reversal after this payment was applied. Nothing was undone: check the order and the shopper's money."
	if p.GetString("review") == review {
		return OutcomeDuplicate, "", s.writeRecord(tx, p)
	}
	p.Set("review", review)
	s.app.Logger().Warn("payments: a paid payment was reversed at the gateway; needs a person", "payment", p.GetString("number"))
	return OutcomeApplied, "", s.writeRecord(tx, p)
}

// payDeposit credits a paid top-up to the member's wallet.
func (s *Service) payDeposit(tx core.App, p *core.Record) error {
	_, err := wallet.Apply(tx, wallet.Entry{User: p.GetString("user"), Type: wallet.Deposit, Amount: int64(p.GetInt("amount")),
		Note: fmt.Sprintf("Top up saldo %s (%s)", p.GetString("number"), p.GetString("channel"))})
	return err
}

// payOrder moves a paid order on: unpaid → pending (queued), or an expired
// one re-opened when its product can still be delivered at what was paid;
// otherwise the money goes to a member's wallet or is owed to a guest.
func (s *Service) payOrder(tx core.App, p, o *core.Record, source string) (string, error) {
	from := o.GetString("status")
	number, channel := p.GetString("number"), p.GetString("channel")
	switch from {
	case OrderUnpaid:
		return o.Id, s.openPaidOrder(tx, p, o, source, fmt.Sprintf("Paid with %s (%s); queued for VIP-Reseller.", number, channel))
	case OrderExpired:
		why := s.reopenBlocker(tx, p, o)
		if why == "" {
			return o.Id, s.openPaidOrder(tx, p, o, source, fmt.Sprintf("Paid with %s (%s) after the order expired; re-opened and queued.", number, channel))
		}
		return "", s.keepLatePayment(tx, p, o, source, "Paid after the order expired, and it cannot be re-opened: "+why+".")
	}
	// Already paid by something else: never a second delivery.
	return "", s.keepLatePayment(tx, p, o, source, "Paid, but the order was already "+from+".")
}

// openPaidOrder records the payment on the order and queues it for sending.
// A member's ledger tells the whole story: the payment in, the purchase out.
func (s *Service) openPaidOrder(tx core.App, p, o *core.Record, source, note string) error {
	price := int64(o.GetInt("price"))
	if user := o.GetString("user"); user != "" {
		if _, err := wallet.Apply(tx, wallet.Entry{User: user, Type: wallet.Deposit, Amount: int64(p.GetInt("amount")), Order: o.Id,
			Note: fmt.Sprintf("Pembayaran %s (%s)", p.GetString("number"), p.GetString("channel"))}); err != nil {
			return err
		}
		if _, err := wallet.Apply(tx, wallet.Entry{User: user, Type: wallet.Purchase, Amount: -price, Order: o.Id,
			Note: "Pembelian " + o.GetString("number")}); err != nil {
			return err
		}
	}
	from := o.GetString("status")
	o.Set("status", OrderPending)
	o.Set("dispatch", dispatchQueued)
	o.Set("next_attempt_at", types.NowDateTime())
	if err := s.writeRecord(tx, o); err != nil {
		return err
	}
	return s.addOrderEvent(tx, o.Id, from, OrderPending, source, note)
}

// reopenBlocker says why an expired order cannot be re-opened by a late
// payment ("" when it can; it then takes the unit of tracked stock).
func (s *Service) reopenBlocker(tx core.App, p, o *core.Record) string {
	prod, err := tx.FindRecordById("products", o.GetString("product"))
	if err != nil || !prod.GetBool("active") {
		return "the product is no longer sold"
	}
	price, _, oe := orderAmounts(prod, int64(o.GetInt("quantity")), userLevel(tx, o.GetString("user")))
	if oe != nil || price <= 0 || price > int64(p.GetInt("amount")) || price > int64(o.GetInt("price")) {
		return "the price went up"
	}
	if err := takeStock(tx, prod); err != nil {
		return "it is out of stock"
	}
	return ""
}

// keepLatePayment keeps money that arrived for an order that will not be
// delivered: a member's goes to the wallet, a guest's is owed (refund_due)
// and the operator is told.
func (s *Service) keepLatePayment(tx core.App, p, o *core.Record, source, why string) error {
	amount := int64(p.GetInt("amount"))
	status := o.GetString("status")
	var note string
	if user := o.GetString("user"); user != "" {
		if _, err := wallet.Apply(tx, wallet.Entry{User: user, Type: wallet.Deposit, Amount: amount,
			Note: fmt.Sprintf("Pembayaran %s untuk %s masuk ke saldo", p.GetString("number"), o.GetString("number"))}); err != nil {
			return err
		}
		note = fmt.Sprintf("%s Rp %s went to the member's wallet.", why, Rupiah(amount))
	} else {
		p.Set("refund_due", amount)
		note = fmt.Sprintf("%s Refund Rp %s to WhatsApp %s, then record it (POST /api/admin/payments/refund).", why, Rupiah(amount), o.GetString("phone"))
		p.Set("review", truncate(note, 2000))
		o.Set("review", truncate(note, 2000))
		if err := s.writeRecord(tx, o); err != nil {
			return err
		}
	}
	s.app.Logger().Warn("payments: a payment arrived for an order that will not be delivered", "payment", p.GetString("number"),
		"order", o.GetString("number"), "amount", amount, "guest", o.GetString("user") == "")
	return s.addOrderEvent(tx, o.Id, status, status, source, note)
}

// closePayment ends an unpaid payment (expired or failed) and, with it, its
// unpaid order: expired, tracked stock back. Nothing was charged.
func (s *Service) closePayment(tx core.App, p *core.Record, status, source, note string) error {
	p.Set("status", status)
	if err := s.writeRecord(tx, p); err != nil {
		return err
	}
	if p.GetString("purpose") != PurposeOrder {
		return nil
	}
	o, err := tx.FindRecordById("orders", p.GetString("order"))
	if err != nil {
		return err
	}
	if o.GetString("status") != OrderUnpaid {
		return nil
	}
	o.Set("status", OrderExpired)
	o.Set("completed_at", types.NowDateTime())
	if err := restoreStock(tx, o.GetString("product")); err != nil {
		return err
	}
	if err := s.writeRecord(tx, o); err != nil {
		return err
	}
	return s.addOrderEvent(tx, o.Id, OrderUnpaid, OrderExpired, source, note)
}

// closeUnopened closes a payment the gateway never created.
func (s *Service) closeUnopened(paymentID, status, note string) error {
	return s.writes.Do(func(tx core.App) error {
		p, err := tx.FindRecordById("payments", paymentID)
		if err != nil || p.GetString("status") != PaymentUnpaid {
			return err
		}
		return s.closePayment(tx, p, status, SourceCheckout, note)
	})
}

// guestRefundDue records what a guest is owed when the provider fails (or
// partly fails) their paid order: they have no wallet, so a person returns
// the money and records it with POST /api/admin/payments/refund.
// refundDuePrefix starts the review a guest's refund due leaves on the
// payment and its order (the payment's admin_refund_due alert covers both).
const refundDuePrefix = "Refund Rp "

func guestRefundDue(tx core.App, o *core.Record, amount int64) error {
	p, err := tx.FindRecordById("payments", o.GetString("payment"))
	if err != nil {
		return fmt.Errorf("guest refund of %s: payment: %w", o.GetString("number"), err)
	}
	if p.GetString("status") != PaymentPaid || p.GetInt("refund_due") > 0 {
		return nil // one refund per order
	}
	note := fmt.Sprintf(refundDuePrefix+"%s to WhatsApp %s (order %s %s), then record it (POST /api/admin/payments/refund).",
		Rupiah(amount), o.GetString("phone"), o.GetString("number"), o.GetString("status"))
	p.Set("refund_due", amount)
	p.Set("review", note)
	o.Set("review", note)
	tx.Logger().Warn("payments: a guest is owed a refund; needs a person", "order", o.GetString("number"),
		"payment", p.GetString("number"), "amount", amount)
	return tx.SaveNoValidate(p)
}

// reviewOrderOf flags the payment's order for a person too, so the orders
// view shows what waits on the operator.
func (s *Service) reviewOrderOf(tx core.App, p *core.Record, note string) error {
	if p.GetString("order") == "" {
		return nil
	}
	o, err := tx.FindRecordById("orders", p.GetString("order"))
	if err != nil {
		return err
	}
	o.Set("review", truncate(note, 2000))
	return s.writeRecord(tx, o)
}
