package sandbox

import (
	"fmt"
	"net/http"
	"time"
)

// Transaction is a snapshot of one sandbox transaction.
type Transaction struct {
	OrderID, Token, RedirectURL, TransactionID string

	GrossAmount int64 // what the create asked
	PaidAmount  int64 // what was paid: 0 until paid; PayAmount can make it differ

	Method      string // the picked method's code (MethodQRIS, MethodBCAVA, …); "" = not picked
	PaymentType string // payment_type: qris, gopay, bank_transfer, echannel, cstore, credit_card
	Bank        string // VA bank, cstore store or card bank
	PayCode     string // VA number, bill key or cstore payment code

	Status      string // StatusNotStarted, StatusPending, StatusSettlement, …
	FraudStatus string

	EnabledPayments []string
	Items           []Item
	Customer        Customer
	FinishURL       string // callbacks.finish

	// OverrideNotification and AppendNotification are the create's
	// X-Override-Notification / X-Append-Notification URLs.
	OverrideNotification, AppendNotification []string

	// Window is the payment window; without expiry.start_time it starts
	// when the method is picked, so ExpiresAt is zero until then.
	Window                                     time.Duration
	CreatedAt, StartedAt, ExpiresAt, SettledAt time.Time

	// Replaced is set on an expired transaction whose order_id a later
	// create reused.
	Replaced bool
}

type txn struct {
	Transaction
	lapseAt     time.Time     // a not-started token without start_time lapses then
	pendingBody []byte        // the last pending notification, for FaultNotifyLatePending
	chain       chan struct{} // closed when the last notification's first attempt is done
	held        []*job        // out-of-order notifications waiting for the next one
}

// wib is Western Indonesia Time: Midtrans writes its times in it, zone-less.
var wib = time.FixedZone("WIB", 7*3600)

const timeLayout = "2006-01-02 15:04:05"

func wibTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(wib).Format(timeLayout)
}

func money(v int64) string { return fmt.Sprintf("%d.00", v) }

func (s *Sandbox) uuid() string {
	r := s.rng
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", r.Uint32(), r.Uint32()&0xffff, r.Uint32()&0xfff,
		r.Uint32()&0x3fff|0x8000, r.Uint64()&0xffffffffffff)
}

func (s *Sandbox) randDigits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + s.rng.IntN(10))
	}
	return string(b)
}

func (s *Sandbox) newTxnLocked(req createReq, c call) *txn {
	now := s.now()
	t := &txn{Transaction: Transaction{
		OrderID: req.orderID, Token: s.uuid(), TransactionID: s.uuid(), GrossAmount: req.gross,
		Status: StatusNotStarted, EnabledPayments: req.enabled, Items: req.items, Customer: req.customer,
		FinishURL: req.finishURL, OverrideNotification: urlList(c.override), AppendNotification: urlList(c.appendURL),
		Window: req.window, CreatedAt: now,
	}}
	t.RedirectURL = c.base + "snap/v2/vtweb/" + t.Token
	if !req.start.IsZero() {
		t.ExpiresAt = req.start.Add(req.window)
	}
	t.lapseAt = now.Add(max(DefaultExpiry, req.window))
	if old := s.txns[req.orderID]; old != nil {
		old.Replaced = true
	}
	s.txns[t.OrderID] = t
	s.tokens[t.Token] = t
	s.all = append(s.all, t)
	return t
}

// expireDueLocked expires t when its window has passed: a pending one with
// its notification, a not-started one silently (Core has no transaction to
// notify about).
func (s *Sandbox) expireDueLocked(t *txn, now time.Time) bool {
	switch t.Status {
	case StatusNotStarted:
		deadline := t.ExpiresAt
		if deadline.IsZero() {
			deadline = t.lapseAt
		}
		if now.Before(deadline) {
			return false
		}
		t.Status = StatusExpire
		return true
	case StatusPending:
		if t.ExpiresAt.IsZero() || now.Before(t.ExpiresAt) {
			return false
		}
		s.setStatusLocked(t, StatusExpire, t.FraudStatus)
		return true
	}
	return false
}

func (s *Sandbox) lookupLocked(orderID string) *txn {
	t := s.txns[orderID]
	if t != nil {
		s.expireDueLocked(t, s.now())
	}
	return t
}

// statusCode is the status_code Midtrans sends for t's state. An expire is
// "202" in notifications and "407" in status answers.
func statusCode(t *txn, notification bool) string {
	switch t.Status {
	case StatusPending:
		return "201"
	case StatusCapture:
		if t.FraudStatus == FraudChallenge {
			return "201"
		}
		return "200"
	case StatusDeny:
		return "202"
	case StatusExpire:
		if notification {
			return "202"
		}
		return "407"
	}
	return "200"
}

type vaJSON struct {
	Bank     string `json:"bank"`
	VANumber string `json:"va_number"`
}

// statusJSON is the status answer and the notification body.
type statusJSON struct {
	StatusCode        string   `json:"status_code"`
	StatusMessage     string   `json:"status_message"`
	TransactionID     string   `json:"transaction_id"`
	OrderID           string   `json:"order_id"`
	MerchantID        string   `json:"merchant_id"`
	GrossAmount       string   `json:"gross_amount"`
	Currency          string   `json:"currency"`
	PaymentType       string   `json:"payment_type"`
	TransactionTime   string   `json:"transaction_time"`
	TransactionStatus string   `json:"transaction_status"`
	FraudStatus       string   `json:"fraud_status,omitempty"`
	SignatureKey      string   `json:"signature_key"`
	SettlementTime    string   `json:"settlement_time,omitempty"`
	ExpiryTime        string   `json:"expiry_time,omitempty"`
	VANumbers         []vaJSON `json:"va_numbers,omitempty"`
	PermataVANumber   string   `json:"permata_va_number,omitempty"`
	BillKey           string   `json:"bill_key,omitempty"`
	BillerCode        string   `json:"biller_code,omitempty"`
	PaymentCode       string   `json:"payment_code,omitempty"`
	Store             string   `json:"store,omitempty"`
	Acquirer          string   `json:"acquirer,omitempty"`
	MaskedCard        string   `json:"masked_card,omitempty"`
	Bank              string   `json:"bank,omitempty"`
	CardType          string   `json:"card_type,omitempty"`
	RefundAmount      string   `json:"refund_amount,omitempty"`
}

// grossLocked is gross_amount as sent: what was paid once paid.
func (t *txn) gross() int64 {
	if t.PaidAmount > 0 {
		return t.PaidAmount
	}
	return t.GrossAmount
}

// viewLocked renders t with status code code and message msg, signed.
func (s *Sandbox) viewLocked(t *txn, code, msg string) statusJSON {
	v := statusJSON{
		StatusCode: code, StatusMessage: msg, TransactionID: t.TransactionID, OrderID: t.OrderID,
		MerchantID: s.cfg.MerchantID, GrossAmount: money(t.gross()), Currency: "IDR", PaymentType: t.PaymentType,
		TransactionTime: wibTime(t.StartedAt), TransactionStatus: t.Status, FraudStatus: t.FraudStatus,
		SettlementTime: wibTime(t.SettledAt), ExpiryTime: wibTime(t.ExpiresAt),
	}
	if v.TransactionTime == "" {
		v.TransactionTime = wibTime(t.CreatedAt)
	}
	v.SignatureKey = s.Signature(v.OrderID, v.StatusCode, v.GrossAmount)
	switch {
	case t.Method == MethodPermataVA:
		v.PermataVANumber = t.PayCode
	case t.PaymentType == "bank_transfer":
		v.VANumbers = []vaJSON{{Bank: t.Bank, VANumber: t.PayCode}}
	case t.PaymentType == "echannel":
		v.BillKey, v.BillerCode = t.PayCode, "70012"
	case t.PaymentType == "cstore":
		v.PaymentCode, v.Store = t.PayCode, t.Bank
	case t.PaymentType == "qris":
		v.Acquirer = "gopay"
	case t.PaymentType == "credit_card":
		v.MaskedCard, v.Bank, v.CardType = t.PayCode, t.Bank, "credit"
	}
	if t.Status == StatusRefund {
		v.RefundAmount = money(t.gross())
	}
	return v
}

// status answers GET {core}/{order_id}/status: 404 until a method is picked.
func (s *Sandbox) status(orderID string) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.lookupLocked(orderID)
	if t == nil || t.PaymentType == "" {
		return coreError(http.StatusNotFound, "404", msgNotFound)
	}
	return jsonReply(http.StatusOK, s.viewLocked(t, statusCode(t, false), "Success, transaction is found"))
}

// coreCancel answers POST {core}/{order_id}/cancel: pending only, else 412.
func (s *Sandbox) coreCancel(orderID string) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.lookupLocked(orderID)
	if t == nil || t.PaymentType == "" {
		return coreError(http.StatusNotFound, "404", msgNotFound)
	}
	if t.Status != StatusPending {
		return coreError(http.StatusPreconditionFailed, "412", msgCannotModify)
	}
	s.setStatusLocked(t, StatusCancel, t.FraudStatus)
	return jsonReply(http.StatusOK, s.viewLocked(t, "200", "Success, transaction is canceled"))
}

// coreExpire answers POST {core}/{order_id}/expire: a pending or
// not-started transaction expires (status_code "407"), else 412.
func (s *Sandbox) coreExpire(orderID string) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.lookupLocked(orderID)
	if t == nil {
		return coreError(http.StatusNotFound, "404", msgNotFound)
	}
	if t.Status != StatusPending && t.Status != StatusNotStarted {
		return coreError(http.StatusPreconditionFailed, "412", msgCannotModify)
	}
	s.setStatusLocked(t, StatusExpire, t.FraudStatus)
	return jsonReply(http.StatusOK, s.viewLocked(t, "407", "Success, transaction has expired"))
}

func (t *txn) snapshot() Transaction {
	out := t.Transaction
	out.Items = append([]Item(nil), t.Items...)
	out.EnabledPayments = append([]string(nil), t.EnabledPayments...)
	out.OverrideNotification = append([]string(nil), t.OverrideNotification...)
	out.AppendNotification = append([]string(nil), t.AppendNotification...)
	return out
}

// Transaction returns a snapshot of the current transaction of orderID
// (the newest one when an expired order_id was reused).
func (s *Sandbox) Transaction(orderID string) (Transaction, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.lookupLocked(orderID)
	if t == nil {
		return Transaction{}, false
	}
	return t.snapshot(), true
}

// Transactions returns snapshots of all transactions, replaced ones
// included, oldest first.
func (s *Sandbox) Transactions() []Transaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	out := make([]Transaction, len(s.all))
	for i, t := range s.all {
		s.expireDueLocked(t, now)
		out[i] = t.snapshot()
	}
	return out
}
