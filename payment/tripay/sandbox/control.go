package sandbox

import (
	"net/http"
	"net/url"
	"strconv"
)

// setStatusLocked moves t to status and queues its notification. paid is
// what the shopper paid (PAID only).
func (s *Sandbox) setStatusLocked(t *txn, status string, paid int64, note string) {
	t.Status, t.Note = status, note
	if status == StatusPaid {
		t.Paid, t.PaidAt = paid, s.now()
	}
	s.notifyLocked(t)
}

// Pay pays an UNPAID, unexpired transaction with exactly what was asked.
func (s *Sandbox) Pay(ref string) error { return s.pay(ref, 0, false) }

// PayAmount pays an UNPAID, unexpired transaction with amount rupiah, which
// may differ from what was asked: detail then shows PAID with that amount
// and the notification's total_amount is that amount.
func (s *Sandbox) PayAmount(ref string, amount int64) error { return s.pay(ref, amount, false) }

// PayAfterExpiry pays a transaction whose expired_time has passed, UNPAID or
// already EXPIRED (the gateway kept it open): it becomes PAID.
func (s *Sandbox) PayAfterExpiry(ref string) error { return s.pay(ref, 0, true) }

func (s *Sandbox) pay(ref string, amount int64, late bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.txns[ref]
	if t == nil {
		return ErrUnknownTransaction
	}
	if late {
		if t.Status != StatusUnpaid && t.Status != StatusExpired {
			return ErrNotUnpaid
		}
	} else {
		s.expireDueLocked(t, s.now())
		if t.Status == StatusExpired {
			return ErrExpired
		}
		if t.Status != StatusUnpaid {
			return ErrNotUnpaid
		}
	}
	if amount <= 0 {
		amount = t.Amount + t.FeeCustomer
	}
	s.setStatusLocked(t, StatusPaid, amount, "")
	return nil
}

// Fail moves an UNPAID transaction to FAILED.
func (s *Sandbox) Fail(ref string) error { return s.end(ref, StatusUnpaid, StatusFailed, "") }

// Expire moves an UNPAID transaction to EXPIRED now, whatever its expired_time.
func (s *Sandbox) Expire(ref string) error { return s.end(ref, StatusUnpaid, StatusExpired, "") }

// Refund reverses a PAID transaction: it becomes REFUND.
func (s *Sandbox) Refund(ref string) error {
	return s.end(ref, StatusPaid, StatusRefund, "Refunded by the sandbox control API")
}

func (s *Sandbox) end(ref, from, to, note string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.txns[ref]
	if t == nil {
		return ErrUnknownTransaction
	}
	if from == StatusUnpaid {
		s.expireDueLocked(t, s.now())
	}
	if t.Status != from {
		if from == StatusPaid {
			return ErrNotPaid
		}
		return ErrNotUnpaid
	}
	s.setStatusLocked(t, to, 0, note)
	return nil
}

// Control actions of POST sandbox/control.
const (
	ActionPay            = "pay"
	ActionPayAmount      = "pay-amount"
	ActionPayAfterExpiry = "pay-after-expiry"
	ActionFail           = "fail"
	ActionExpire         = "expire"
	ActionRefund         = "refund"
)

// controlHTTP is POST <base>sandbox/control with form fields action,
// reference, amount (pay-amount) and page=1 (from the pay page: answer with a
// 303 to return_url, or back to the pay page). Otherwise it answers the
// {success, message, data} envelope with the transaction's detail. No auth:
// it is the sandbox's own test hook.
func (s *Sandbox) controlHTTP(r *http.Request, body []byte, prefix string) reply {
	if r.Method != http.MethodPost {
		return failReply(http.StatusMethodNotAllowed, "Method not allowed")
	}
	form, _ := url.ParseQuery(string(body))
	ref := form.Get("reference")
	var err error
	switch form.Get("action") {
	case ActionPay:
		err = s.Pay(ref)
	case ActionPayAmount:
		amount, perr := strconv.ParseInt(form.Get("amount"), 10, 64)
		if perr != nil || amount <= 0 {
			return failReply(http.StatusBadRequest, "amount must be a positive integer")
		}
		err = s.PayAmount(ref, amount)
	case ActionPayAfterExpiry:
		err = s.PayAfterExpiry(ref)
	case ActionFail:
		err = s.Fail(ref)
	case ActionExpire:
		err = s.Expire(ref)
	case ActionRefund:
		err = s.Refund(ref)
	default:
		return failReply(http.StatusBadRequest, "unknown action")
	}
	if err == ErrUnknownTransaction {
		return failReply(http.StatusNotFound, msgNotFound)
	}
	if form.Get("page") == "1" {
		s.mu.Lock()
		loc := prefix + EndpointPayPage + "/" + url.PathEscape(ref)
		if t := s.txns[ref]; t != nil && t.ReturnURL != "" && err == nil {
			loc = t.ReturnURL
		}
		s.mu.Unlock()
		return reply{status: http.StatusSeeOther, header: http.Header{"Location": {loc}}}
	}
	if err != nil {
		return failReply(http.StatusConflict, err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return okReply(s.viewLocked(s.txns[ref], false), "OK")
}
