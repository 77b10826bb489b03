package hooks

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Refused callbacks and payment notifications (not from an allowed IP, no
// or a wrong signature) are anybody's traffic, so they are not stored one
// row each: each source IP and reason gets one row per minute (webhook_logs
// or payment_events), written at the first
// refusal, holding how many requests it stands for (`requests`) and a few
// samples; the count is brought up to date when the minute ends (the next
// refusal, the minute cron or shutdown). Rows are bounded by
// rejectMaxSources per minute, whatever the flood.
const (
	rejectWindow     = time.Minute
	rejectSamples    = 3
	rejectMaxSources = 200 // distinct source IPs per window; the rest share one row
)

// rejectSourceIP is the reason of an IP-allowlist refusal (the signature
// reasons are vipreseller's ErrCallback* texts).
const rejectSourceIP = "source IP is not in VIP_RESELLER_CALLBACK_IPS"

type rejectKey struct{ ip, reason string }

type rejectBucket struct {
	id       string // its webhook_logs row
	requests int
	written  int // requests the row says
	samples  []any
}

type rejectCounter struct {
	s *Service
	// collection holds the rows; insert writes a bucket's first row.
	collection string
	insert     func(tx core.App, key rejectKey, b *rejectBucket, errText string, payload map[string]any) error
	what       string // for the logs: "callbacks", "payment notifications"

	mu      sync.Mutex
	window  time.Time
	buckets map[rejectKey]*rejectBucket
}

// count records one refused request.
func (c *rejectCounter) count(ip, reason string, sample map[string]any) {
	c.mu.Lock()
	now := time.Now()
	if c.buckets == nil || now.Sub(c.window) >= rejectWindow {
		c.flushLocked()
		c.window, c.buckets = now, map[rejectKey]*rejectBucket{}
	}
	key := rejectKey{ip, reason}
	if _, ok := c.buckets[key]; !ok && len(c.buckets) >= rejectMaxSources {
		key.ip = "(other sources)"
	}
	b := c.buckets[key]
	first := b == nil
	if first {
		b = &rejectBucket{id: core.GenerateDefaultRandomId()}
		c.buckets[key] = b
	}
	b.requests++
	if len(b.samples) < rejectSamples {
		b.samples = append(b.samples, sample["sample"])
	}
	var errText string
	var payload map[string]any
	if first {
		b.written = 1
		errText, payload = c.row(key, b)
	}
	c.mu.Unlock()
	if first {
		err := c.s.writes.Do(func(tx core.App) error { return c.insert(tx, key, b, errText, payload) })
		if err != nil {
			c.s.app.Logger().Error("could not record refused "+c.what, "ip", ip, "error", err)
		}
	}
}

// flush brings every row of the current window up to date.
func (c *rejectCounter) flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.flushLocked()
}

func (c *rejectCounter) flushLocked() {
	for key, b := range c.buckets {
		if b.requests == b.written {
			continue
		}
		b.written = b.requests
		errText, payload := c.row(key, b)
		err := c.s.writes.Do(func(tx core.App) error {
			r, err := tx.FindRecordById(c.collection, b.id)
			if err != nil {
				return err
			}
			r.Set("requests", b.requests)
			r.Set("error", errText)
			r.Set("payload", payload)
			return c.s.writeRecord(tx, r)
		})
		if err != nil {
			c.s.app.Logger().Error("could not update the count of refused "+c.what, "ip", key.ip, "error", err)
		}
	}
}

// row is a bucket's error text and payload as stored.
func (c *rejectCounter) row(key rejectKey, b *rejectBucket) (string, map[string]any) {
	return fmt.Sprintf("%s: %d request(s) in the minute from %s", key.reason, b.requests, c.window.UTC().Format("2006-01-02 15:04:05")),
		map[string]any{"requests": b.requests, "samples": b.samples}
}

// webhookRejects counts refused provider callbacks in webhook_logs.
func (s *Service) webhookRejects() *rejectCounter {
	return &rejectCounter{s: s, collection: "webhook_logs", what: "callbacks",
		insert: func(tx core.App, key rejectKey, b *rejectBucket, errText string, payload map[string]any) error {
			return s.insertWebhookLog(tx, webhookLog{id: b.id, ip: key.ip, outcome: OutcomeRejected, requests: b.requests,
				err: errText, payload: payload})
		}}
}

// paymentRejects counts refused gateway notifications in payment_events;
// the reason starts with the gateway's name.
func (s *Service) paymentRejects() *rejectCounter {
	return &rejectCounter{s: s, collection: "payment_events", what: "payment notifications",
		insert: func(tx core.App, key rejectKey, b *rejectBucket, errText string, payload map[string]any) error {
			gateway, _, _ := strings.Cut(key.reason, ": ")
			return insertPaymentEvents(tx, []paymentEventRow{{id: b.id, gateway: gateway, ip: key.ip,
				outcome: OutcomeRejected, err: truncate(errText, 2000), payload: string(encodeLogPayload(payload))}})
		}}
}
