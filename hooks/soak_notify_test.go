package hooks_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/notify"
	wasandbox "github.com/vipbase/vipbase/notify/sandbox"
)

// The WhatsApp leg of TestSoak: every app instance sends through the same
// fake Fonnte, over the instance's kill switch (a crashed instance's send
// never returns, one already on the wire still lands). A third of the
// members have a phone with messages on, a third a phone with messages off,
// a third no phone; one guest in five unticks "messages" at checkout. At
// the end every finished order whose shopper wants messages has exactly one
// message for how it ended, and nothing was sent that no row asked for.

type soakWA struct {
	srv *wasandbox.Server
}

func (w *soakWorld) setupWhatsApp() {
	srv, err := wasandbox.Start(wasandbox.Config{Keep: 1_000_000})
	require.NoError(w.t, err)
	w.wa = &soakWA{srv: srv}
}

func (w *soakWorld) notifyConfig(cfg *hooks.Config, kill *killSwitch) {
	cfg.WhatsApp = notify.NewFonnte(w.wa.srv.Token(), notify.WithURL(w.wa.srv.URL()),
		notify.WithTimeout(2*time.Second), notify.WithHTTPClient(&http.Client{Transport: kill}))
	cfg.WhatsAppGap = -1 // no pacing against the in-process fake
}

// givePhones sets the members' WhatsApp preferences (fresh records: the
// ones given have a stale balance).
func (w *soakWorld) givePhones(users []*core.Record) {
	for i, u := range users {
		fresh, err := w.cur.app.FindRecordById("users", u.Id)
		require.NoError(w.t, err)
		switch i % 3 {
		case 0:
			fresh.Set("phone", fmt.Sprintf("08120000%04d", i))
			fresh.Set("notify_whatsapp", true)
		case 1:
			fresh.Set("phone", fmt.Sprintf("08120000%04d", i))
			fresh.Set("notify_whatsapp", false)
		default:
			fresh.Set("notify_whatsapp", true) // no phone: the order's, if it has one
		}
		require.NoError(w.t, w.cur.app.Save(fresh))
	}
}

// guestOptsOut is whether a paying guest unticks WhatsApp messages.
func guestOptsOut(in *soakPayIntent) bool { return in.idx%5 == 4 }

// drainNotifications lets the outbox's time pass: retries fall due, and a
// row a crashed or stopped instance left `sending` is past its 5 minutes.
func (w *soakWorld) drainNotifications() {
	w.mu.RLock()
	defer w.mu.RUnlock()
	app, svc := w.cur.app, w.cur.svc
	for range 8 {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		require.NoError(w.t, svc.WaitNotifications(ctx))
		cancel()
		var left int
		require.NoError(w.t, app.DB().NewQuery("SELECT COUNT(*) FROM notifications WHERE status IN ('queued', 'sending')").Row(&left))
		if left == 0 {
			return
		}
		now := types.NowDateTime()
		w.exec(app, "UPDATE notifications SET next_attempt_at = {:now} WHERE status = 'queued'", dbx.Params{"now": now.String()})
		// Only a send no live pass can still be making: a live one ends
		// within the client's 2 s timeout. Younger ones get another round.
		w.exec(app, "UPDATE notifications SET updated = '2000-01-01 00:00:00.000Z' WHERE status = 'sending' AND updated < {:cut}",
			dbx.Params{"cut": now.Add(-3 * time.Second).String()})
		time.Sleep(time.Second)
	}
}

type soakNotification struct {
	ID       string `db:"id"`
	To       string `db:"to"`
	Template string `db:"template"`
	Body     string `db:"body"`
	Key      string `db:"dedupe_key"`
	Status   string `db:"status"`
	Attempts int    `db:"attempts"`
	Error    string `db:"last_error"`
}

type soakNotifyOrder struct {
	ID     string `db:"id"`
	Number string `db:"number"`
	Status string `db:"status"`
	User   string `db:"user"`
	Phone  string `db:"phone"`
	OptIn  bool   `db:"notify_whatsapp"`
	UPhone string `db:"uphone"`
	UOptIn bool   `db:"unotify"`
}

func (e *soakEnd) checkNotifications() {
	t := e.t
	failures := 0
	failf := func(format string, args ...any) {
		if failures++; failures <= 20 {
			t.Errorf(format, args...)
		}
	}
	defer func() {
		if failures > 20 {
			t.Errorf("… and %d more notification failures", failures-20)
		}
	}()
	var rows []soakNotification
	require.NoError(t, e.app.DB().NewQuery(`SELECT id, "to", template, body, dedupe_key, status, attempts, last_error
		FROM notifications WHERE channel = 'whatsapp'`).All(&rows))
	var orders []soakNotifyOrder
	require.NoError(t, e.app.DB().NewQuery(`SELECT o.id, o.number, o.status, o.user, o.phone, o.notify_whatsapp,
		COALESCE(u.phone, '') AS uphone, COALESCE(u.notify_whatsapp, FALSE) AS unotify
		FROM orders o LEFT JOIN users u ON u.id = o.user`).All(&orders))

	// What the fake gateway delivered, by text.
	copies := map[string]int{}
	delivered := 0
	for _, m := range e.w.wa.srv.Messages() {
		if m.Channel == wasandbox.ChannelWhatsApp {
			copies[m.To+"\x00"+m.Body]++
			delivered++
		}
	}

	byKey := map[string]soakNotification{}
	resent, accounted := 0, 0
	for _, r := range rows {
		byKey[r.Key] = r
		if r.Status != hooks.NotifySent {
			failf("notification %s (%s) ended %s after %d attempts: %s", r.Key, r.Template, r.Status, r.Attempts, r.Error)
			continue
		}
		to, _ := notify.NormalisePhone(r.To)
		n := copies[to+"\x00"+r.Body]
		accounted += n
		switch {
		case n == 1:
		case n == 2 && r.Attempts > 1:
			resent++ // a send cut off by a restart, its answer lost: at least once, by design
		default:
			failf("notification %s (%s, %d attempts) reached the phone %d times", r.Key, r.Template, r.Attempts, n)
		}
	}
	if delivered != accounted {
		failf("the gateway delivered %d WhatsApp messages, the outbox accounts for %d", delivered, accounted)
	}
	if resent > 2 {
		failf("%d notifications reached the phone twice: only a send cut off by one of the two restarts may", resent)
	}

	finals, told, optedOut := 0, 0, 0
	for _, o := range orders {
		want := ""
		switch {
		case o.User == "" && o.OptIn:
			want = o.Phone
		case o.User != "" && o.UOptIn:
			want = o.UPhone
			if want == "" {
				want = o.Phone
			}
		}
		for _, st := range []string{hooks.OrderSuccess, hooks.OrderFailed, hooks.OrderPartial} {
			r, ok := byKey["order:"+o.ID+":"+st+":whatsapp"]
			switch {
			case st != o.Status || want == "":
				if ok {
					failf("order %s (%s, phone %q) has a %s message it should not: %s", o.Number, o.Status, want, st, r.Body)
				}
			case !ok:
				failf("order %s ended %s and its shopper wants messages at %s: no message", o.Number, o.Status, want)
			default:
				wantTo, _ := notify.NormalisePhone(want)
				gotTo, _ := notify.NormalisePhone(r.To)
				if gotTo != wantTo || !strings.Contains(r.Body, o.Number) {
					failf("order %s: its %s message went to %s (want %s) or misses the number: %s", o.Number, st, r.To, want, r.Body)
				}
				told++
			}
		}
		if o.Status == hooks.OrderSuccess || o.Status == hooks.OrderFailed || o.Status == hooks.OrderPartial {
			finals++
			if want == "" && (o.UPhone != "" || o.Phone != "") {
				optedOut++
			}
		}
	}
	require.Greater(t, told, finals/4, "a good share of the finished orders were told by WhatsApp")
	require.Greater(t, optedOut, 0, "some finished orders belong to shoppers who turned messages off")
	t.Logf("whatsapp: %d messages delivered (%d outbox rows, %d resent after a restart); %d of %d finished orders told, %d opted out",
		delivered, len(rows), resent, told, finals, optedOut)
}
