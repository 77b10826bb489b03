package sandbox

import (
	"bytes"
	"io"
	"net/http"
	"time"

	"github.com/vipbase/vipbase/internal/backoff"
	"github.com/vipbase/vipbase/internal/simhttp"
)

// Delivery is one notification POST attempt, for tests.
type Delivery struct {
	OrderID    string
	Status     string // transaction_status
	StatusCode string // status_code in the body
	URL        string
	Attempt    int // 1 = first try, 2.. = retries
	Body       []byte
	HTTPStatus int  // 0 = no answer (connection error, timeout)
	Accepted   bool // the answer was 2xx
	At         time.Time
}

// job is one notification to one URL on its way.
type job struct {
	orderID, status, code, url string
	body                       []byte
	dup                        bool
	delay                      time.Duration
	prev, done                 chan struct{} // the transaction's chain: prev's first attempt goes first
}

// notificationURLsLocked: the create's X-Override-Notification URLs, else
// the dashboard URL plus any X-Append-Notification URLs.
func (s *Sandbox) notificationURLsLocked(t *txn) []string {
	if len(t.OverrideNotification) > 0 {
		return t.OverrideNotification
	}
	var urls []string
	if s.notificationURL != "" {
		urls = append(urls, s.notificationURL)
	}
	return append(urls, t.AppendNotification...)
}

const notifyMessage = "midtrans payment notification"

// notifyLocked builds t's notification and starts its delivery, applying
// notification faults. Notifications of one transaction leave in order
// (each waits for the previous one's first attempt) unless a fault says
// otherwise.
func (s *Sandbox) notifyLocked(t *txn) {
	v := s.viewLocked(t, statusCode(t, true), notifyMessage)
	body := simhttp.Marshal(v)
	if t.Status == StatusPending {
		t.pendingBody = body
	}
	urls := s.notificationURLsLocked(t)
	if len(urls) == 0 || s.closed {
		return
	}
	f, faulted := s.takeNotifyFaultLocked(t.Status)
	var late []byte
	if faulted {
		switch f.Kind {
		case FaultNotifyLost:
			return
		case FaultNotifyBadSignature:
			v.SignatureKey = sha512Hex(v.OrderID + v.StatusCode + v.GrossAmount + s.cfg.ServerKey + "-wrong")
			body = simhttp.Marshal(v)
		case FaultNotifyLatePending:
			late = t.pendingBody
			if late == nil {
				p := v
				p.TransactionStatus, p.StatusCode, p.SettlementTime, p.GrossAmount = StatusPending, "201", "", money(t.GrossAmount)
				p.SignatureKey = s.Signature(p.OrderID, p.StatusCode, p.GrossAmount)
				late = simhttp.Marshal(p)
			}
		}
	}
	var jobs []*job
	for _, u := range urls {
		j := &job{orderID: t.OrderID, status: t.Status, code: v.StatusCode, url: u, body: body}
		if faulted {
			switch f.Kind {
			case FaultNotifyDuplicate:
				j.dup = true
			case FaultNotifyDelay:
				j.delay = f.Delay
				if j.delay <= 0 {
					j.delay = 200 * time.Millisecond
				}
			}
		}
		jobs = append(jobs, j)
	}
	if faulted && f.Kind == FaultNotifyOutOfOrder {
		t.held = append(t.held, jobs...)
		return
	}
	for _, j := range jobs {
		s.startLocked(t, j)
	}
	for _, j := range t.held {
		s.startLocked(t, j)
	}
	t.held = nil
	if late != nil {
		for _, u := range urls {
			s.startLocked(t, &job{orderID: t.OrderID, status: StatusPending, code: "201", url: u, body: late})
		}
	}
}

// ReleaseHeld sends every notification an out-of-order fault is still
// holding back (its transaction had no later one) and returns how many.
func (s *Sandbox) ReleaseHeld() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, t := range s.all {
		for _, j := range t.held {
			if !s.closed {
				s.startLocked(t, j)
				n++
			}
		}
		t.held = nil
	}
	return n
}

func (s *Sandbox) startLocked(t *txn, j *job) {
	j.prev, j.done = t.chain, make(chan struct{})
	t.chain = j.done
	s.wg.Add(1)
	go s.deliver(j)
}

// RetriesFor is how many retries Midtrans makes after a notification
// answered with HTTP status code (0 = no answer): 500 → 1, 503 → 4,
// 400/404 → 2, 3xx → none, anything else → 5. A 2xx is accepted.
func RetriesFor(code int) int {
	switch {
	case code == http.StatusInternalServerError:
		return 1
	case code == http.StatusServiceUnavailable:
		return 4
	case code == http.StatusBadRequest || code == http.StatusNotFound:
		return 2
	case code >= 300 && code < 400:
		return 0
	}
	return 5
}

// deliver POSTs j, retrying per RetrySchedule as the answer allows until a
// 2xx; a duplicate is posted again after.
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
			code, ok := s.attempt(j, attempt)
			first()
			if ok || attempt > RetriesFor(code) || attempt > len(s.cfg.RetrySchedule) ||
				backoff.Sleep(s.ctx, s.cfg.RetrySchedule[attempt-1]) != nil {
				break
			}
		}
	}
}

func (s *Sandbox) attempt(j *job, n int) (int, bool) {
	d := Delivery{OrderID: j.orderID, Status: j.status, StatusCode: j.code, URL: j.url, Attempt: n, Body: j.body}
	defer func() {
		s.mu.Lock()
		d.At = s.now()
		s.deliveries = append(s.deliveries, d)
		s.mu.Unlock()
	}()
	req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, j.url, bytes.NewReader(j.body))
	if err != nil {
		return 0, false
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "Veritrans")
	resp, err := s.cfg.CallbackClient.Do(req)
	if err != nil {
		return 0, false
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	d.HTTPStatus = resp.StatusCode
	d.Accepted = resp.StatusCode >= 200 && resp.StatusCode < 300
	return d.HTTPStatus, d.Accepted
}

// Deliveries returns every notification attempt so far, in order of completion.
func (s *Sandbox) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}
