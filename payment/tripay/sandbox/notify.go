package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/vipbase/vipbase/internal/backoff"
	"github.com/vipbase/vipbase/internal/simhttp"
)

// callbackJSON is the notification body (docs/payments-api.md §1).
type callbackJSON struct {
	Reference         string  `json:"reference"`
	MerchantRef       string  `json:"merchant_ref"`
	PaymentMethod     string  `json:"payment_method"`
	PaymentMethodCode string  `json:"payment_method_code"`
	TotalAmount       int64   `json:"total_amount"`
	FeeMerchant       int64   `json:"fee_merchant"`
	FeeCustomer       int64   `json:"fee_customer"`
	TotalFee          int64   `json:"total_fee"`
	AmountReceived    int64   `json:"amount_received"`
	IsClosedPayment   int     `json:"is_closed_payment"`
	Status            string  `json:"status"`
	PaidAt            *int64  `json:"paid_at"`
	Note              *string `json:"note"`
}

// Delivery is one notification POST attempt, for tests.
type Delivery struct {
	Reference  string
	Status     string
	Attempt    int // 1 = first try, 2.. = retries
	Body       []byte
	Signature  string // the X-Callback-Signature sent
	HTTPStatus int    // 0 = no answer (connection error, timeout)
	Accepted   bool   // the answer was {"success": true}
	At         time.Time
}

// job is one notification on its way.
type job struct {
	ref, status, url string
	body             []byte
	badSig           bool
	dup              bool
	delay            time.Duration
	prev, done       chan struct{} // the transaction's chain: prev's first attempt goes first
}

// notifyLocked builds t's notification and starts its delivery, applying
// notification faults. Notifications of one transaction leave in order
// (each waits for the previous one's first attempt) unless a fault says
// otherwise.
func (s *Sandbox) notifyLocked(t *txn) {
	url := t.CallbackURL
	if url == "" {
		url = s.callbackURL
	}
	if url == "" || s.closed {
		return
	}
	amt := t.shopperAmount()
	cb := callbackJSON{Reference: t.Reference, MerchantRef: t.MerchantRef, PaymentMethod: t.MethodName,
		PaymentMethodCode: t.Method, TotalAmount: amt, FeeMerchant: t.FeeMerchant, FeeCustomer: t.FeeCustomer,
		TotalFee: t.FeeMerchant + t.FeeCustomer, AmountReceived: amt - t.FeeMerchant - t.FeeCustomer,
		IsClosedPayment: 1, Status: t.Status, Note: strOrNull(t.Note)}
	if !t.PaidAt.IsZero() {
		p := t.PaidAt.Unix()
		cb.PaidAt = &p
	}
	body := simhttp.Marshal(cb)
	f, faulted := s.takeNotifyFaultLocked()
	j := &job{ref: t.Reference, status: t.Status, url: url, body: body}
	if faulted {
		switch f.Kind {
		case FaultNotifyLost:
			return
		case FaultNotifyOutOfOrder:
			t.held = append(t.held, body)
			return
		case FaultNotifyDuplicate:
			j.dup = true
		case FaultNotifyDelay:
			j.delay = f.Delay
			if j.delay <= 0 {
				j.delay = 200 * time.Millisecond
			}
		case FaultNotifyBadSignature:
			j.badSig = true
		}
	}
	s.startLocked(t, j)
	for _, h := range t.held {
		s.startLocked(t, &job{ref: t.Reference, status: statusOf(h), url: url, body: h})
	}
	t.held = nil
}

// ReleaseHeld sends every notification an out-of-order fault is still
// holding back (its transaction had no later one) and returns how many.
func (s *Sandbox) ReleaseHeld() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, t := range s.all {
		url := t.CallbackURL
		if url == "" {
			url = s.callbackURL
		}
		for _, h := range t.held {
			if url != "" && !s.closed {
				s.startLocked(t, &job{ref: t.Reference, status: statusOf(h), url: url, body: h})
				n++
			}
		}
		t.held = nil
	}
	return n
}

func statusOf(body []byte) string {
	var v struct{ Status string }
	_ = json.Unmarshal(body, &v)
	return v.Status
}

func (s *Sandbox) startLocked(t *txn, j *job) {
	j.prev, j.done = t.chain, make(chan struct{})
	t.chain = j.done
	s.wg.Add(1)
	go s.deliver(j)
}

// deliver POSTs j, retrying per RetrySchedule until the answer is
// {"success": true}; a duplicate is posted again after.
func (s *Sandbox) deliver(j *job) {
	defer s.wg.Done()
	first := func() {
		if j.done != nil {
			close(j.done)
			j.done = nil
		}
	}
	defer first()
	if j.prev != nil {
		select {
		case <-j.prev:
		case <-s.ctx.Done():
			return
		}
	}
	if j.delay > 0 {
		first() // a late notification does not hold later ones back
		if backoff.Sleep(s.ctx, j.delay) != nil {
			return
		}
	}
	sends := 1
	if j.dup {
		sends = 2
	}
	for range sends {
		for attempt := 1; ; attempt++ {
			ok := s.attempt(j, attempt)
			first()
			if ok || attempt > len(s.cfg.RetrySchedule) || backoff.Sleep(s.ctx, s.cfg.RetrySchedule[attempt-1]) != nil {
				break
			}
		}
	}
}

func (s *Sandbox) attempt(j *job, n int) bool {
	sig := s.CallbackSignature(j.body)
	if j.badSig {
		sig = hmacHex(s.cfg.PrivateKey+"-wrong", string(j.body))
	}
	d := Delivery{Reference: j.ref, Status: j.status, Attempt: n, Body: j.body, Signature: sig}
	defer func() {
		s.mu.Lock()
		d.At = s.now()
		s.deliveries = append(s.deliveries, d)
		s.mu.Unlock()
	}()
	req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, j.url, bytes.NewReader(j.body))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "TriPay Callback Sandbox/1.0")
	req.Header.Set("X-Callback-Event", "payment_status")
	req.Header.Set("X-Callback-Signature", sig)
	resp, err := s.cfg.CallbackClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	d.HTTPStatus = resp.StatusCode
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var ans struct {
		Success *bool `json:"success"`
	}
	d.Accepted = json.Unmarshal(raw, &ans) == nil && ans.Success != nil && *ans.Success
	return d.Accepted
}

// Deliveries returns every notification attempt so far, in order of completion.
func (s *Sandbox) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}
