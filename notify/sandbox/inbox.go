package sandbox

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Channels of a Message.
const (
	ChannelWhatsApp = "whatsapp"
	ChannelEmail    = "email"
)

// firstID is the id sequence's start, so ids look like Fonnte's (eight digits).
const firstID = 80000000

// Message is one WhatsApp message or e-mail the shop sent.
type Message struct {
	ID      string    `json:"id"`                // increasing decimal, unique for the inbox's life (Reset keeps counting)
	Channel string    `json:"channel"`           // ChannelWhatsApp or ChannelEmail
	To      string    `json:"to"`                // 62… for WhatsApp, the address for e-mail
	Subject string    `json:"subject,omitempty"` // e-mail only
	Body    string    `json:"body"`              // the WhatsApp text, or the e-mail's text part
	HTML    string    `json:"html,omitempty"`    // e-mail only: the HTML part
	At      time.Time `json:"at"`
}

// Inbox holds the last messages sent, newest last inside, newest first
// out. It is safe for concurrent use. A Sandbox embeds one; NewInbox makes
// one on its own (an e-mail-only inbox, say).
type Inbox struct {
	keep int
	now  func() time.Time

	mu      sync.Mutex
	seq     int64
	msgs    []Message     // oldest first, at most keep
	total   int           // added since the last Reset, dropped ones included
	changed chan struct{} // closed and replaced on every change
}

// NewInbox returns an empty inbox keeping at most keep messages
// (0 = DefaultKeep), dropping the oldest.
func NewInbox(keep int) *Inbox {
	if keep <= 0 {
		keep = DefaultKeep
	}
	return &Inbox{keep: keep, now: time.Now, seq: firstID, changed: make(chan struct{})}
}

// add stamps m with the next id and the clock and stores it.
func (in *Inbox) add(m Message) Message {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.seq++
	m.ID = strconv.FormatInt(in.seq, 10)
	m.At = in.now()
	in.msgs = append(in.msgs, m)
	if len(in.msgs) > in.keep {
		in.msgs = append(in.msgs[:0:0], in.msgs[len(in.msgs)-in.keep:]...)
	}
	in.total++
	in.notifyLocked()
	return m
}

func (in *Inbox) notifyLocked() {
	close(in.changed)
	in.changed = make(chan struct{})
}

// AddEmail records an e-mail, for the PocketBase side to mirror what its
// mailer sends. It returns the message as stored.
func (in *Inbox) AddEmail(to, subject, text, html string) Message {
	return in.add(Message{Channel: ChannelEmail, To: strings.TrimSpace(to), Subject: subject, Body: text, HTML: html})
}

// Messages returns the messages kept, newest first.
func (in *Inbox) Messages() []Message {
	in.mu.Lock()
	defer in.mu.Unlock()
	return newestFirst(in.msgs, func(Message) bool { return true })
}

// For returns the messages to one recipient, newest first. A phone number
// may be written as people type it (0812…, +62 812-…); an address is
// compared without case.
func (in *Inbox) For(to string) []Message {
	k := recipientKey(to)
	in.mu.Lock()
	defer in.mu.Unlock()
	return newestFirst(in.msgs, func(m Message) bool { return recipientKey(m.To) == k })
}

// Since returns the messages whose id is greater than id, newest first;
// "" returns them all. ok is false when id is not one of the inbox's ids'
// form (a decimal number).
func (in *Inbox) Since(id string) (msgs []Message, ok bool) {
	var after int64
	if id = strings.TrimSpace(id); id != "" {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return nil, false
		}
		after = n
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	return newestFirst(in.msgs, func(m Message) bool {
		n, _ := strconv.ParseInt(m.ID, 10, 64)
		return n > after
	}), true
}

// Len returns how many messages are kept.
func (in *Inbox) Len() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return len(in.msgs)
}

// Reset empties the inbox. Ids keep increasing, so a page polling with
// ?since= never mistakes a new message for one it has seen.
func (in *Inbox) Reset() {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.msgs, in.total = nil, 0
	in.notifyLocked()
}

// WaitFor waits until at least n messages have arrived since the last Reset
// (dropped ones count) and returns Messages, or ctx's error with the
// messages so far.
func (in *Inbox) WaitFor(ctx context.Context, n int) ([]Message, error) {
	return in.WaitUntil(ctx, func([]Message) bool {
		in.mu.Lock()
		defer in.mu.Unlock()
		return in.total >= n
	})
}

// WaitUntil waits until cond holds for Messages (newest first), checking
// after every change, and returns them, or ctx's error with the last ones.
func (in *Inbox) WaitUntil(ctx context.Context, cond func([]Message) bool) ([]Message, error) {
	for {
		in.mu.Lock()
		ch := in.changed
		in.mu.Unlock()
		msgs := in.Messages()
		if cond(msgs) {
			return msgs, nil
		}
		select {
		case <-ctx.Done():
			return msgs, ctx.Err()
		case <-ch:
		}
	}
}

func newestFirst(msgs []Message, keep func(Message) bool) []Message {
	out := make([]Message, 0, len(msgs))
	for i := len(msgs) - 1; i >= 0; i-- {
		if keep(msgs[i]) {
			out = append(out, msgs[i])
		}
	}
	return out
}

// recipientKey folds the spellings of one recipient together: an address
// lowercased, a phone number as its digits with a leading 0 or 0062 read
// as 62.
func recipientKey(to string) string {
	to = strings.ToLower(strings.TrimSpace(to))
	if strings.Contains(to, "@") {
		return to
	}
	digits := strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9':
			return r
		case strings.ContainsRune("+ -.()\u00a0", r):
			return -1
		}
		return '?'
	}, to)
	if strings.Contains(digits, "?") || digits == "" {
		return to
	}
	switch {
	case strings.HasPrefix(digits, "0062"):
		digits = digits[2:]
	case strings.HasPrefix(digits, "0"):
		digits = "62" + digits[1:]
	case strings.HasPrefix(digits, "8"):
		digits = "62" + digits
	}
	return digits
}
