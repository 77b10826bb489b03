package hooks

import (
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/vipbase/vipbase/notify"
)

// Which changes send which message (design §12). Every write of an order
// or payment passes observeWrite inside its transaction, whichever path
// made it — callback, poll, reconcile, payment, admin route, dashboard —
// because writeRecord calls it and so do the record Execute hooks bound in
// registerNotifications. It compares the record with what was loaded
// (Original) and queues what the change deserves; the dedupe keys make a
// second look at the same change a no-op.

// observeWrite queues the messages r's change deserves, in tx.
func (s *Service) observeWrite(tx core.App, r *core.Record) error {
	switch r.Collection().Name {
	case "orders":
		return s.observeOrder(tx, r)
	case "payments":
		return s.observePayment(tx, r)
	case "sync_runs":
		if r.GetString("status") == "failed" && r.Original().GetString("status") != "failed" {
			return s.adminAlert(tx, notify.AdminSyncFailed, "admin_sync_failed:"+r.Id,
				map[string]any{"Action": r.GetString("action"), "Error": truncate(r.GetString("error"), 500)})
		}
	}
	return nil
}

func (s *Service) observeOrder(tx core.App, o *core.Record) error {
	was, now := o.Original().GetString("status"), o.GetString("status")
	if now != was {
		switch {
		case now == OrderSuccess || now == OrderFailed || now == OrderPartial:
			if err := s.notifyOrderFinal(tx, o, now); err != nil {
				return err
			}
		case now == OrderPending && (was == OrderUnpaid || was == OrderExpired) && o.GetString("payment") != "":
			if err := s.notifyOrderPaid(tx, o); err != nil {
				return err
			}
		}
	}
	// A payment's review is copied onto its order ("Payment …: …", and a
	// guest's "Refund Rp …"); the payment's own alert covers both.
	if note := o.GetString("review"); note != "" && note != o.Original().GetString("review") && !strings.HasPrefix(note, "Payment ") && !strings.HasPrefix(note, refundDuePrefix) {
		return s.adminAlert(tx, notify.AdminReview, "admin_review:orders:"+o.Id+":"+noteKey(note), map[string]any{
			"Kind": "pesanan", "Number": o.GetString("number"), "Reason": note, "URL": s.dashboardURL("orders", o.Id)})
	}
	return nil
}

func (s *Service) observePayment(tx core.App, p *core.Record) error {
	orig := p.Original()
	was, now := orig.GetString("status"), p.GetString("status")
	if now != was && p.GetString("purpose") == PurposeDeposit && now == PaymentPaid {
		if err := s.notifyDepositPaid(tx, p); err != nil {
			return err
		}
	}
	if now != was && now == PaymentExpired && was == PaymentUnpaid && p.GetString("purpose") == PurposeOrder {
		if err := s.notifyPaymentExpired(tx, p); err != nil {
			return err
		}
	}
	note := p.GetString("review")
	if due := p.GetInt("refund_due"); due > 0 && orig.GetInt("refund_due") == 0 {
		// One message for the refund: the review note that comes with it
		// says the same.
		return s.adminAlert(tx, notify.AdminRefundDue, "admin_refund_due:"+p.Id, map[string]any{
			"Amount": due, "Number": p.GetString("number"), "Phone": p.GetString("phone"),
			"URL": s.dashboardURL("payments", p.Id)})
	}
	// Keyed per payment and reason: the same reason on another payment is
	// another alert (the 30-minute throttle folds a burst into one message).
	// Recording a refund closes a review; it is not a new one.
	if note != "" && note != orig.GetString("review") && now != PaymentRefunded {
		return s.adminAlert(tx, notify.AdminReview, "admin_review:payments:"+p.Id+":"+noteKey(note), map[string]any{
			"Kind": "pembayaran", "Number": p.GetString("number"), "Reason": note, "URL": s.dashboardURL("payments", p.Id)})
	}
	return nil
}

// shopper is who hears about an order or payment, and how.
type shopper struct {
	user, name, whatsapp, email string
	member                      bool
}

// shopperOf finds the recipients: a member's own phone (or the order's)
// unless they turned WhatsApp off, and their e-mail; a guest's phone if
// they chose messages at checkout, and the e-mail they gave.
func (s *Service) shopperOf(tx core.App, user, phone, email string, guestOptIn bool) (shopper, error) {
	sh := shopper{user: user}
	if user == "" {
		if guestOptIn {
			sh.whatsapp = phone
		}
		sh.email = email
		return sh, nil
	}
	u, err := tx.FindRecordById("users", user)
	if err != nil {
		return sh, fmt.Errorf("notification recipient %s: %w", user, err)
	}
	sh.member, sh.name, sh.email = true, u.GetString("name"), u.GetString("email")
	if u.GetBool("notify_whatsapp") {
		sh.whatsapp = u.GetString("phone")
		if sh.whatsapp == "" {
			sh.whatsapp = phone
		}
	}
	return sh, nil
}

func (s *Service) orderShopper(tx core.App, o *core.Record) (shopper, error) {
	return s.shopperOf(tx, o.GetString("user"), o.GetString("phone"), o.GetString("email"), o.GetBool("notify_whatsapp"))
}

// orderVars are the variables every order message has.
func (s *Service) orderVars(o *core.Record, sh shopper) map[string]any {
	target := o.GetString("target")
	if z := o.GetString("zone"); z != "" {
		target += " (" + z + ")"
	}
	return map[string]any{"Name": sh.name, "Number": o.GetString("number"), "Product": o.GetString("service_name"),
		"Target": target, "Total": o.GetInt("price"), "URL": s.orderURL(o.GetString("number"), sh.member)}
}

// notifyOrderFinal tells the shopper how the order ended.
func (s *Service) notifyOrderFinal(tx core.App, o *core.Record, status string) error {
	sh, err := s.orderShopper(tx, o)
	if err != nil {
		return err
	}
	vars := s.orderVars(o, sh)
	tmpl := notify.OrderSuccess
	switch status {
	case OrderSuccess:
		vars["SN"] = o.GetString("sn")
		vars["PLN"] = isPLN(o)
	case OrderFailed, OrderPartial:
		tmpl = notify.OrderFailed
		if status == OrderPartial {
			tmpl = notify.OrderPartial
			qty, remains := o.GetInt("quantity"), o.GetInt("remains")
			vars["Quantity"], vars["Delivered"] = qty, max(qty-remains, 0)
		}
		vars["Reason"] = plainReason(o.GetString("note"))
		if sh.member {
			vars["Refunded"], vars["RefundWallet"] = o.GetInt("refunded"), o.GetInt("refunded") > 0
		} else if o.GetString("payment") != "" {
			due, err := s.guestRefundOf(tx, o)
			if err != nil {
				return err
			}
			vars["Refunded"] = due
		}
	}
	return s.enqueue(tx, message{template: tmpl, key: "order:" + o.Id + ":" + status, vars: vars,
		order: o.Id, payment: o.GetString("payment"), user: sh.user, whatsapp: sh.whatsapp, email: sh.email})
}

// guestRefundOf is what the guest's payment says is owed to them.
func (s *Service) guestRefundOf(tx core.App, o *core.Record) (int, error) {
	p, err := tx.FindRecordById("payments", o.GetString("payment"))
	if err != nil {
		return 0, fmt.Errorf("notification for %s: payment: %w", o.GetString("number"), err)
	}
	return p.GetInt("refund_due"), nil
}

// notifyOrderPaid tells the shopper their payment arrived and the order
// is on its way.
func (s *Service) notifyOrderPaid(tx core.App, o *core.Record) error {
	sh, err := s.orderShopper(tx, o)
	if err != nil {
		return err
	}
	p, err := tx.FindRecordById("payments", o.GetString("payment"))
	if err != nil {
		return fmt.Errorf("notification for %s: payment: %w", o.GetString("number"), err)
	}
	vars := s.orderVars(o, sh)
	vars["Total"], vars["Channel"] = p.GetInt("total"), channelLabel(p.GetString("channel"))
	return s.enqueue(tx, message{template: notify.PaymentPaid, key: "payment:" + p.Id + ":paid", vars: vars,
		order: o.Id, payment: p.Id, user: sh.user, whatsapp: sh.whatsapp, email: sh.email})
}

func (s *Service) notifyDepositPaid(tx core.App, p *core.Record) error {
	sh, err := s.shopperOf(tx, p.GetString("user"), p.GetString("phone"), p.GetString("email"), false)
	if err != nil {
		return err
	}
	u, err := tx.FindRecordById("users", p.GetString("user"))
	if err != nil {
		return err
	}
	vars := map[string]any{"Name": sh.name, "Number": p.GetString("number"), "Amount": p.GetInt("amount"),
		"Balance": u.GetInt("balance"), "Channel": channelLabel(p.GetString("channel"))}
	return s.enqueue(tx, message{template: notify.DepositPaid, key: "payment:" + p.Id + ":deposit", vars: vars,
		payment: p.Id, user: sh.user, whatsapp: sh.whatsapp, email: sh.email})
}

func (s *Service) notifyPaymentExpired(tx core.App, p *core.Record) error {
	o, err := tx.FindRecordById("orders", p.GetString("order"))
	if err != nil {
		return nil // nothing to name
	}
	sh, err := s.orderShopper(tx, o)
	if err != nil {
		return err
	}
	vars := s.orderVars(o, sh)
	vars["URL"] = s.publicURL()
	return s.enqueue(tx, message{template: notify.PaymentExpired, key: "payment:" + p.Id + ":expired", vars: vars,
		order: o.Id, payment: p.Id, user: sh.user, whatsapp: sh.whatsapp, email: sh.email})
}

// lowBalanceAlert queues admin_low_balance: at most one per six hours
// while the balance stays low (WIB clock).
func (s *Service) lowBalanceAlert(balance int64) {
	wib := time.Now().UTC().Add(7 * time.Hour)
	key := fmt.Sprintf("admin_low_balance:%s-%d", wib.Format("2006-01-02"), wib.Hour()/6)
	if err := s.adminAlert(s.app, notify.AdminLowBalance, key,
		map[string]any{"Balance": balance, "Threshold": s.cfg.LowBalanceThreshold}); err != nil {
		s.app.Logger().Error("notifications: could not queue the low-balance alert", "error", err)
	}
}

// orderURL is where the shopper sees the order: a member's order page, a
// guest's tracking page ("" when the public URL is unknown).
func (s *Service) orderURL(number string, member bool) string {
	u := s.publicURL()
	if u == "" {
		return ""
	}
	if member {
		return u + "/pesanan/" + number
	}
	return u + "/lacak/" + number
}

// dashboardURL links an operator alert to the record in the dashboard.
func (s *Service) dashboardURL(collection, id string) string {
	u := s.publicURL()
	if u == "" {
		return ""
	}
	return u + "/_/#/collections?collection=" + collection + "&recordId=" + id
}

// isPLN reports whether an order's SN is a PLN token.
func isPLN(o *core.Record) bool {
	name := strings.ToUpper(o.GetString("service_name") + " " + o.GetString("service_code"))
	return o.GetString("category") == CategoryPrepaid && strings.Contains(name, "PLN")
}

// channelLabel names a payment channel for a shopper.
func channelLabel(code string) string {
	switch code {
	case "":
		return ""
	case "MIDTRANS":
		return "Midtrans"
	case "SALDO":
		return "Saldo"
	}
	return strings.ReplaceAll(code, "_", " ")
}

// plainReason turns the provider's note on a failed order into words a
// shopper understands (design §12: "the reason in plain words").
func plainReason(note string) string {
	n := strings.ToLower(note)
	switch {
	case strings.TrimSpace(note) == "":
		return ""
	case strings.Contains(n, "no provider record") || strings.Contains(n, "never sent") || strings.Contains(n, "timeout"):
		return "penyedia tidak menanggapi pesanan ini."
	case strings.Contains(n, "not found") || strings.Contains(n, "tidak ditemukan") || strings.Contains(n, "invalid") || strings.Contains(n, "tidak valid") ||
		strings.Contains(n, "salah") || strings.Contains(n, "wrong"):
		return "nomor atau ID tujuan tidak ditemukan. Periksa kembali tujuan pesanan."
	case strings.Contains(n, "stock") || strings.Contains(n, "stok") || strings.Contains(n, "habis"):
		return "stok produk sedang habis."
	case strings.Contains(n, "maintenance") || strings.Contains(n, "gangguan") || strings.Contains(n, "close"):
		return "produk sedang gangguan atau pemeliharaan."
	case strings.Contains(n, "balance") || strings.Contains(n, "saldo"):
		return "toko sedang tidak dapat memproses pesanan. Kami segera memperbaikinya."
	}
	return "pesanan ditolak oleh penyedia (" + truncate(note, 200) + ")."
}
