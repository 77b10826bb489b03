package sandbox

// setStatusLocked moves t to status with fraud and notifies, once Core has
// the transaction (a method was picked).
func (s *Sandbox) setStatusLocked(t *txn, status, fraud string) {
	t.Status, t.FraudStatus = status, fraud
	if status == StatusSettlement {
		t.SettledAt = s.now()
	}
	if t.PaymentType != "" {
		s.notifyLocked(t)
	}
}

func (t *txn) paid() bool {
	return t.Status == StatusSettlement || t.Status == StatusCapture && t.FraudStatus == FraudAccept
}

// assignLocked gives t method m's fields and starts its window when the
// create had no expiry.start_time.
func (s *Sandbox) assignLocked(t *txn, m *method) {
	now := s.now()
	t.Method, t.PaymentType, t.Bank, t.StartedAt = m.code, m.paymentType, m.bank, now
	switch m.paymentType {
	case "bank_transfer":
		prefix := map[string]string{"bca": "12345", "bni": "9881234", "bri": "12345", "permata": "8778", "cimb": "5919"}[m.bank]
		t.PayCode = prefix + s.randDigits(11)
	case "echannel":
		t.PayCode = s.randDigits(12)
	case "cstore":
		t.PayCode = "VB" + s.randDigits(10)
	case "credit_card":
		t.PayCode = "481111-1114"
	}
	if t.ExpiresAt.IsZero() {
		t.ExpiresAt = now.Add(t.Window)
	}
}

func (s *Sandbox) pickLocked(t *txn, code string) error {
	m := lookupMethod(code)
	if m == nil {
		return ErrUnknownMethod
	}
	s.expireDueLocked(t, s.now())
	switch t.Status {
	case StatusNotStarted:
	case StatusExpire:
		return ErrExpired
	default:
		return ErrMethodChosen
	}
	if !methodEnabled(t, m.code) {
		return ErrMethodNotEnabled
	}
	s.assignLocked(t, m)
	s.setStatusLocked(t, StatusPending, FraudAccept)
	return nil
}

func methodEnabled(t *txn, code string) bool {
	for _, m := range enabledMethods(t.EnabledPayments) {
		if m.code == code {
			return true
		}
	}
	return false
}

// defaultMethod is QRIS, or the first enabled method when QRIS is not enabled.
func defaultMethod(t *txn) string {
	if methodEnabled(t, MethodQRIS) {
		return MethodQRIS
	}
	return enabledMethods(t.EnabledPayments)[0].code
}

// with runs f on orderID's current transaction under the lock.
func (s *Sandbox) with(orderID string, f func(t *txn) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.lookupLocked(orderID)
	if t == nil {
		return ErrUnknownTransaction
	}
	return f(t)
}

// startedLocked makes sure t has a method (picking code, which sends the
// pending notification) and is pending.
func (s *Sandbox) startedLocked(t *txn, code string) error {
	if t.Status == StatusNotStarted {
		if err := s.pickLocked(t, code); err != nil {
			return err
		}
	}
	switch t.Status {
	case StatusPending:
		return nil
	case StatusExpire:
		return ErrExpired
	}
	return ErrNotPending
}

// PickMethod is the shopper picking method on the hosted page: the
// transaction becomes pending (status_code "201", notified), the status API
// starts answering and, without expiry.start_time, the window starts now.
func (s *Sandbox) PickMethod(orderID, method string) error {
	return s.with(orderID, func(t *txn) error { return s.pickLocked(t, method) })
}

// Pay settles a pending transaction with the amount asked (a credit_card
// one becomes capture + accept). A not-started one picks QRIS (or the first
// enabled method) first.
func (s *Sandbox) Pay(orderID string) error { return s.PayAmount(orderID, 0) }

// PayAmount is Pay with gross_amount amount, which may differ from what was
// asked: the status answer and the notification carry that amount.
// amount <= 0 pays what was asked.
func (s *Sandbox) PayAmount(orderID string, amount int64) error {
	return s.with(orderID, func(t *txn) error { return s.payStartedLocked(t, amount) })
}

func (s *Sandbox) payStartedLocked(t *txn, amount int64) error {
	if err := s.startedLocked(t, defaultMethod(t)); err != nil {
		return err
	}
	s.payLocked(t, amount)
	return nil
}

func (s *Sandbox) payLocked(t *txn, amount int64) {
	if amount <= 0 {
		amount = t.GrossAmount
	}
	t.PaidAmount = amount
	if t.PaymentType == "credit_card" {
		s.setStatusLocked(t, StatusCapture, FraudAccept)
		return
	}
	s.setStatusLocked(t, StatusSettlement, FraudAccept)
}

// PayAfterExpiry settles an expired transaction (or a pending one past its
// window): the gateway kept it open although the store gave up. One that
// never had a method gets QRIS (or the first enabled one), with no pending
// notification.
func (s *Sandbox) PayAfterExpiry(orderID string) error {
	return s.with(orderID, func(t *txn) error {
		if t.Status != StatusExpire {
			return ErrNotExpired
		}
		if t.PaymentType == "" {
			s.assignLocked(t, lookupMethod(defaultMethod(t)))
		}
		s.payLocked(t, 0)
		return nil
	})
}

// Fail denies a pending transaction (deny, fraud_status deny, status_code
// "202"); a not-started one picks QRIS first.
func (s *Sandbox) Fail(orderID string) error {
	return s.with(orderID, s.failLocked)
}

func (s *Sandbox) failLocked(t *txn) error {
	if err := s.startedLocked(t, defaultMethod(t)); err != nil {
		return err
	}
	s.setStatusLocked(t, StatusDeny, FraudDeny)
	return nil
}

// Expire expires a pending or not-started transaction now, whatever its
// window. Only a started one is notified (status_code "202").
func (s *Sandbox) Expire(orderID string) error {
	return s.with(orderID, s.expireLocked)
}

func (s *Sandbox) expireLocked(t *txn) error {
	if t.Status != StatusPending && t.Status != StatusNotStarted {
		return ErrNotPending
	}
	s.setStatusLocked(t, StatusExpire, t.FraudStatus)
	return nil
}

// Cancel cancels a pending transaction, like POST {core}/{order_id}/cancel.
func (s *Sandbox) Cancel(orderID string) error {
	return s.with(orderID, func(t *txn) error {
		if t.Status != StatusPending {
			return ErrNotPending
		}
		s.setStatusLocked(t, StatusCancel, t.FraudStatus)
		return nil
	})
}

// Challenge puts a card payment in fraud review: capture + fraud_status
// challenge (status_code "201"; not paid yet). A not-started transaction
// picks credit_card first.
func (s *Sandbox) Challenge(orderID string) error {
	return s.with(orderID, func(t *txn) error {
		if err := s.startedLocked(t, MethodCreditCard); err != nil {
			return err
		}
		if t.PaymentType != "credit_card" {
			return ErrNotCard
		}
		t.PaidAmount = t.GrossAmount
		s.setStatusLocked(t, StatusCapture, FraudChallenge)
		return nil
	})
}

// AcceptChallenge accepts a challenged capture: capture + accept, paid.
func (s *Sandbox) AcceptChallenge(orderID string) error {
	return s.challenged(orderID, StatusCapture, FraudAccept)
}

// DenyChallenge denies a challenged capture: deny + fraud_status deny.
func (s *Sandbox) DenyChallenge(orderID string) error {
	return s.challenged(orderID, StatusDeny, FraudDeny)
}

func (s *Sandbox) challenged(orderID, status, fraud string) error {
	return s.with(orderID, func(t *txn) error {
		if t.Status != StatusCapture || t.FraudStatus != FraudChallenge {
			return ErrNotChallenged
		}
		s.setStatusLocked(t, status, fraud)
		return nil
	})
}

// Reverse turns a paid transaction into deny (a bank reversal after
// settlement; status_code "202").
func (s *Sandbox) Reverse(orderID string) error { return s.fromPaid(orderID, StatusDeny) }

// Refund turns a paid transaction into refund (refund_amount = gross_amount).
func (s *Sandbox) Refund(orderID string) error { return s.fromPaid(orderID, StatusRefund) }

func (s *Sandbox) fromPaid(orderID, status string) error {
	return s.with(orderID, func(t *txn) error {
		if !t.paid() {
			return ErrNotPaid
		}
		s.setStatusLocked(t, status, t.FraudStatus)
		return nil
	})
}
