package hooks_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/internal/fakeclock"
	wasandbox "github.com/vipbase/vipbase/notify/sandbox"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

const memberWA = "6281234500001"

// One message per event per channel, however often the provider repeats
// itself: 10 parallel callbacks, two more, a poll and the sweep.
func TestNotifyOrderSuccessOnceWhateverTheDuplicates(t *testing.T) {
	e, wa := notifyEnv(t)
	e.memberPhone(userEmail, "0812-3450-0001", true)
	e.deposit(userEmail, 100_000)
	number, trx := e.processingOrder("081200000777")
	require.NoError(t, e.sb.SetStatus(trx, "success", "SN123456789"))
	body := jsonCallback(trx, "success", "SN123456789")
	statuses := fire(10, func(int) response { return e.callback(body, "application/json", e.sb.Signature()) })
	assert.Equal(t, 10, statuses[200])
	e.callback(body, "application/json", e.sb.Signature())
	e.poll()
	e.sendAll()
	e.sendAll()

	o := e.order(number)
	require.Equal(t, hooks.OrderSuccess, o.GetString("status"))
	got := whatsapps(wa, memberWA)
	require.Len(t, got, 1, "one WhatsApp message")
	assert.Contains(t, got[0], "Pesanan *"+number+"* berhasil")
	assert.Contains(t, got[0], "SN: *SN123456789*")
	assert.Contains(t, got[0], "Toko Contoh")
	mails := e.mails(userEmail)
	require.Len(t, mails, 1, "one e-mail")
	assert.Contains(t, mails["Pesanan "+number+" berhasil"], "SN123456789")
	rows := e.notifications("order = {:o}", map[string]any{"o": o.Id})
	require.Len(t, rows, 2)
	for _, r := range rows {
		assert.Equal(t, hooks.NotifySent, r.GetString("status"), r.GetString("channel"))
		assert.Equal(t, "order:"+o.Id+":success:"+r.GetString("channel"), r.GetString("dedupe_key"))
		assert.Equal(t, 1, r.GetInt("attempts"))
	}
	assert.Equal(t, 1, wa.Hits(), "one send to Fonnte")
	assert.Empty(t, e.notifications("template != 'order_success'", nil), "nothing else was sent")
}

// The right template and variables per event: a PLN token grouped in fours
// and labelled; a member's refund goes to the wallet, a guest's is owed.
func TestNotifyTokenAndRefundWording(t *testing.T) {
	e, wa := notifyEnv(t)
	e.memberPhone(userEmail, memberWA, true)
	e.deposit(userEmail, 200_000)

	r := e.do(http.MethodPost, prepaidURL, userTokens[userEmail], map[string]any{"service": "PLN20", "phoneNumber": "12345678333"})
	require.Equal(t, 200, r.Status, r.Raw)
	pln := e.order(r.data()["orderNumber"].(string))
	require.Equal(t, hooks.OrderSuccess, pln.GetString("status"), "…333 succeeds in the order answer")
	failed := e.buyPrepaid(userEmail, "081200000444")
	e.sendAll()

	msgs := whatsapps(wa, memberWA)
	require.Len(t, msgs, 2)
	token := strings.ReplaceAll(pln.GetString("sn"), "-", "")[:20]
	grouped := token[0:4] + " " + token[4:8] + " " + token[8:12] + " " + token[12:16] + " " + token[16:20]
	assert.Contains(t, msgs[1], "Token listrik: *"+grouped)
	assert.NotContains(t, msgs[1], "SN:")
	price := e.order(failed).GetInt("price")
	assert.Contains(t, msgs[0], "Maaf, pesanan *"+failed+"* gagal")
	assert.Contains(t, msgs[0], "Alasan: nomor atau ID tujuan tidak ditemukan.")
	assert.Contains(t, msgs[0], "Dana "+rupiahText(price)+" sudah dikembalikan ke saldo akun kamu.")
}

func rupiahText(n int) string { return "Rp " + hooks.Rupiah(int64(n)) }

// A guest who paid through Tripay: "paid" when the payment arrives, then
// the failure with the refund owed; the operator hears about the refund
// once (not a second time for its review note).
func TestNotifyGuestPaidFailedAndRefundDue(t *testing.T) {
	var wa *wasandbox.Server
	e := newPayEnv(t, withWhatsApp(t, &wa))
	e.enableMail()
	body := prepaidCheckout("QRIS", "0812-9999-0001")
	body["target"] = "081200000444"
	body["email"] = "tamu@example.com"
	order, _, ref, _ := e.checkoutOK("", body)
	require.NoError(t, e.tp.Pay(ref))
	e.settle()
	e.tp.Flush()
	e.sendAll()

	require.Equal(t, hooks.OrderFailed, e.order(order).GetString("status"))
	msgs := whatsapps(wa, "6281299990001")
	require.Len(t, msgs, 2, "%q", msgs)
	assert.Contains(t, msgs[1], "pembayaran kamu sudah kami terima")
	assert.Contains(t, msgs[1], "via QRIS")
	assert.Contains(t, msgs[1], e.public+"/lacak/"+order)
	assert.Contains(t, msgs[0], "akan dikembalikan, kami hubungi via WhatsApp")
	assert.Contains(t, msgs[0], rupiahText(int(e.price())))
	assert.Len(t, e.mails("tamu@example.com"), 2)

	ops := whatsapps(wa, opsPhone)
	require.Len(t, ops, 1, "%q", ops)
	assert.Contains(t, ops[0], "harus dikembalikan ke pembeli pesanan")
	assert.Len(t, e.mails(opsEmail), 1)

	// A guest who said no to WhatsApp gets e-mail only.
	body = prepaidCheckout("QRIS", "081299990002")
	body["email"], body["notifyWhatsapp"] = "tamu2@example.com", false
	_, _, ref, _ = e.checkoutOK("", body)
	require.NoError(t, e.tp.Pay(ref))
	e.settle()
	e.sendAll()
	assert.Empty(t, whatsapps(wa, "6281299990002"))
	assert.Len(t, e.mails("tamu2@example.com"), 1)
}

// Transient failures back off 30 s, 2 min, 10 min, 1 h, 6 h, then the row
// fails and the operator gets one admin_notify_failing; a permanent
// failure fails at once. A row a crash left `sending` is sent again only
// after 5 minutes.
func TestNotifyRetryBackoffAndFailure(t *testing.T) {
	clock := fakeclock.New(time.Now().UTC())
	var wa *wasandbox.Server
	e := newEnv(t, withWhatsApp(t, &wa), func(c *hooks.Config, _ *sandbox.Config) { c.Now = clock.Now }).ready()
	e.enableMail()
	e.memberPhone(userEmail, memberWA, true)
	e.deposit(userEmail, 100_000)
	wa.Inject(wasandbox.Fault{Kind: wasandbox.FaultTransient, Target: memberWA, Times: -1})
	e.buyPrepaid(userEmail, "081200000444")

	row := func() (string, int, string) {
		r := e.notifications("channel = 'whatsapp' && template = 'order_failed'", nil)
		require.Len(t, r, 1)
		return r[0].GetString("status"), r[0].GetInt("attempts"), r[0].GetString("next_attempt_at")
	}
	for i, wait := range []time.Duration{30 * time.Second, 2 * time.Minute, 10 * time.Minute, time.Hour, 6 * time.Hour} {
		e.sendAll()
		status, attempts, next := row()
		require.Equal(t, hooks.NotifyQueued, status, "after attempt %d", i+1)
		require.Equal(t, i+1, attempts)
		assert.Equal(t, clock.Now().Add(wait).Format("2006-01-02 15:04:05"), next[:19], "backoff after attempt %d", i+1)
		clock.Add(wait - time.Second)
		e.sendAll()
		_, attempts, _ = row()
		require.Equal(t, i+1, attempts, "not due a second early")
		clock.Add(time.Second)
	}
	e.sendAll()
	status, attempts, _ := row()
	assert.Equal(t, hooks.NotifyFailed, status)
	assert.Equal(t, 6, attempts)
	alerts := e.notifications("template = 'admin_notify_failing'", nil)
	require.Len(t, alerts, 2, "one alert, on both of the operator's channels")
	assert.Contains(t, e.mails(opsEmail)["Notifikasi gagal terkirim"], "order_failed")
	assert.Contains(t, e.mails(opsEmail)["Notifikasi gagal terkirim"], "6281****001", "the shopper's number is masked")
	assert.Len(t, whatsapps(wa, opsPhone), 1)

	// Permanent: one attempt, failed, and the alert of the kind waits out
	// its 30 minutes.
	wa.ClearFaults()
	wa.Inject(wasandbox.Fault{Kind: wasandbox.FaultPermanent, Target: memberWA, Times: -1})
	e.buyPrepaid(userEmail, "081200001444")
	e.sendAll()
	perm := e.notifications("channel = 'whatsapp' && template = 'order_failed' && status = 'failed' && attempts = 1", nil)
	assert.Len(t, perm, 1)
	assert.Len(t, whatsapps(wa, opsPhone), 1, "throttled: one alert of a kind per 30 minutes")
	clock.Add(31 * time.Minute)
	e.sendAll()
	assert.Len(t, whatsapps(wa, opsPhone), 2)

	// A crash mid-send leaves a row `sending`: it waits 5 minutes, then goes
	// out once.
	wa.ClearFaults()
	now := clock.Now().UTC().Format("2006-01-02 15:04:05.000Z")
	_, err := e.app.DB().NewQuery(`INSERT INTO notifications (id, channel, "to", template, vars, subject, body, dedupe_key,
		status, attempts, next_attempt_at, last_error, provider_id, sent_at, created, updated)
		VALUES ('crashedrow12345', 'whatsapp', {:to}, 'order_success', '{}', '', 'Terkirim setelah crash', 'test:crash',
		'sending', 1, {:now}, '', '', '', {:now}, {:now})`).Bind(map[string]any{"to": memberWA, "now": now}).Execute()
	require.NoError(t, err)
	before := len(whatsapps(wa, memberWA))
	e.sendAll()
	assert.Len(t, whatsapps(wa, memberWA), before, "not resent while it may still be on its way")
	clock.Add(5*time.Minute + time.Second)
	e.sendAll()
	assert.Equal(t, "Terkirim setelah crash", whatsapps(wa, memberWA)[0])
}
