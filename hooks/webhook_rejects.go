package hooks

import (
	"fmt"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Refused callbacks (not from an allowed IP, no or a wrong signature) are
// anybody's traffic, so they are not stored one row each: each source IP
// and reason gets one webhook_logs row per minute, written at the first
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
	s       *Service
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
	var l webhookLog
	if first {
		b.written = 1
		l = c.row(key, b)
	}
	c.mu.Unlock()
	if first {
		err := c.s.writes.Do(func(tx core.App) error { return c.s.insertWebhookLog(tx, l) })
		if err != nil {
			c.s.app.Logger().Error("webhook: could not record refused callbacks", "ip", ip, "error", err)
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
		l := c.row(key, b)
		err := c.s.writes.Do(func(tx core.App) error {
			r, err := tx.FindRecordById("webhook_logs", b.id)
			if err != nil {
				return err
			}
			r.Set("requests", l.requests)
			r.Set("error", l.err)
			r.Set("payload", l.payload)
			return c.s.writeRecord(tx, r)
		})
		if err != nil {
			c.s.app.Logger().Error("webhook: could not update the count of refused callbacks", "ip", key.ip, "error", err)
		}
	}
}

func (c *rejectCounter) row(key rejectKey, b *rejectBucket) webhookLog {
	return webhookLog{id: b.id, ip: key.ip, outcome: OutcomeRejected, requests: b.requests,
		err:     fmt.Sprintf("%s: %d request(s) in the minute from %s", key.reason, b.requests, c.window.UTC().Format("2006-01-02 15:04:05")),
		payload: map[string]any{"requests": b.requests, "samples": b.samples}}
}
