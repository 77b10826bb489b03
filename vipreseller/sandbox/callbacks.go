package sandbox

import (
	"bytes"
	"io"
	"net/http"
)

// Step applies every transition that is due by the clock, sends the
// callbacks of those (and of transitions already applied by status reads)
// synchronously, outside the lock, and returns how many transitions it
// delivered or dropped. Callback receivers must not call Step or SetStatus
// from their handler. Without a callback URL the callbacks are dropped,
// except with Config.StatePath: a durable sandbox keeps them queued (and
// saved) until SetCallbackURL names a receiver, so the callbacks of
// transitions that fell due while the process was down reach a store that
// only sets its URL once it listens.
func (s *Sandbox) Step() int { return s.flush(true) }

// flush optionally applies due transitions, then drains the outbox through
// the callback faults and POSTs the result in order.
func (s *Sandbox) flush(applyDue bool) int {
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	s.mu.Lock()
	if applyDue {
		s.applyDueLocked(s.now())
	}
	url := s.callbackURL
	if url == "" && s.cfg.StatePath != "" {
		s.mu.Unlock()
		return 0 // queued until a receiver is known
	}
	events := s.outbox
	s.outbox = nil
	if len(events) > 0 {
		s.rev++
	}
	var sends [][]byte
	if url != "" {
		sends = s.routeCallbacksLocked(events)
	}
	s.mu.Unlock()
	for _, body := range sends {
		s.post(url, body)
	}
	return len(events)
}

// routeCallbacksLocked applies callback faults: drop, duplicate, or hold a
// non-terminal callback back until the trx's next one has gone out.
func (s *Sandbox) routeCallbacksLocked(events []event) [][]byte {
	var out [][]byte
	for _, e := range events {
		f, ok := s.takeCallbackFaultLocked(e.endpoint, e.terminal)
		switch {
		case ok && f.Kind == FaultReorderCallback:
			s.held[e.trxid] = append(s.held[e.trxid], e)
			continue
		case ok && f.Kind == FaultDropCallback:
		case ok && f.Kind == FaultDuplicateCallback:
			out = append(out, e.body, e.body)
		default:
			out = append(out, e.body)
		}
		for _, h := range s.held[e.trxid] {
			out = append(out, h.body)
		}
		delete(s.held, e.trxid)
	}
	return out
}

// post delivers one callback; only an HTTP response (any status) counts.
func (s *Sandbox) post(url string, body []byte) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Client-Signature", s.sign)
	req.Header.Set("User-Agent", "VIPayment-Sandbox/1.0")
	resp, err := s.cfg.CallbackClient.Do(req)
	if err != nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	s.callbacksSent.Add(1)
}
