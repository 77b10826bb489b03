package hooks_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/internal/fakeclock"
	wasandbox "github.com/vipbase/vipbase/notify/sandbox"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

// A member who turned WhatsApp off gets e-mail only; without a Fonnte
// token or SMTP every row is skipped with the reason, nothing is retried.
func TestNotifyOptOutAndUnconfiguredChannels(t *testing.T) {
	e, wa := notifyEnv(t)
	e.memberPhone(userEmail, memberWA, false)
	e.deposit(userEmail, 100_000)
	e.buyPrepaid(userEmail, "081200000333")
	e.sendAll()
	assert.Empty(t, whatsapps(wa, memberWA))
	assert.Empty(t, e.notifications("channel = 'whatsapp'", nil), "no row for an opted-out member")
	assert.Len(t, e.mails(userEmail), 1)

	bare := newEnv(t, func(c *hooks.Config, _ *sandbox.Config) { c.AdminWhatsApp = opsPhone }).ready()
	bare.memberPhone(userEmail, memberWA, true)
	bare.deposit(userEmail, 100_000)
	bare.buyPrepaid(userEmail, "081200000333")
	bare.buyPrepaid(userEmail, "081200001333")
	bare.sendAll()
	rows := bare.notifications("", nil)
	require.Len(t, rows, 4, "two orders × WhatsApp and e-mail")
	for _, r := range rows {
		assert.Equal(t, hooks.NotifySkipped, r.GetString("status"))
		assert.Zero(t, r.GetInt("attempts"), "skipped when written: no worker pass, no send tried")
		want := "FONNTE_TOKEN"
		if r.GetString("channel") == hooks.ChannelEmail {
			want = "SMTP"
		}
		assert.Contains(t, r.GetString("last_error"), want)
	}
	assert.Zero(t, bare.app.TestMailer.TotalSend())
	for _, path := range []string{"/_sandbox/inbox", "/_sandbox/inbox/messages.json"} {
		assert.Equal(t, http.StatusNotFound, bare.do(http.MethodGet, path, "", nil).Status, "%s exists only in --sandbox", path)
	}
}

// WhatsApp goes out one message at a time, WhatsAppGap apart; e-mail does
// not wait for it.
func TestNotifyWhatsAppPaced(t *testing.T) {
	const gap = 250 * time.Millisecond
	e, wa := notifyEnv(t, func(c *hooks.Config, _ *sandbox.Config) { c.WhatsAppGap = gap })
	e.memberPhone(userEmail, memberWA, true)
	e.deposit(userEmail, 100_000)
	for i := range 3 {
		e.buyPrepaid(userEmail, "08120000"+string(rune('1'+i))+"333")
	}
	e.sendAll()
	var at []time.Time
	for _, r := range wa.Requests() {
		at = append(at, r.At)
	}
	require.Len(t, at, 3)
	for i := 1; i < len(at); i++ {
		assert.GreaterOrEqual(t, at[i].Sub(at[i-1]), gap, "send %d came too soon", i)
	}
	assert.Len(t, e.mails(userEmail), 3)
}

// Templates are the operator's: a broken one is refused on save with the
// reason, an edit applies to the next message, an inactive one sends
// nothing.
func TestNotifyTemplatesEditableAndValidated(t *testing.T) {
	e, wa := notifyEnv(t)
	e.memberPhone(userEmail, memberWA, true)
	e.deposit(userEmail, 100_000)
	tpl := e.record("notification_templates", "key = 'order_success'", nil)
	url := "/api/collections/notification_templates/records/" + tpl.Id

	for _, bad := range []map[string]any{{"body": "Halo {{.Number"}, {"subject": "{{nope .X}}"}} {
		r := e.do(http.MethodPatch, url, superToken, bad)
		assert.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
		assert.Contains(t, r.Raw, "validation_invalid_template")
	}
	assert.Equal(t, http.StatusForbidden, e.do(http.MethodGet, url, userTokens[userEmail], nil).Status)

	r := e.do(http.MethodPatch, url, superToken, map[string]any{"body": "Mantap, {{.Number}} sudah masuk: {{.SN}}", "channel": "whatsapp"})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	n := e.buyPrepaid(userEmail, "081200000333")
	e.sendAll()
	msgs := whatsapps(wa, memberWA)
	require.Len(t, msgs, 1)
	assert.Equal(t, "Mantap, "+n+" sudah masuk: "+e.order(n).GetString("sn"), msgs[0])
	assert.Empty(t, e.mails(userEmail), "the template is WhatsApp-only now")

	require.Equal(t, http.StatusOK, e.do(http.MethodPatch, url, superToken, map[string]any{"active": false}).Status)
	e.buyPrepaid(userEmail, "081200001333")
	e.sendAll()
	assert.Len(t, whatsapps(wa, memberWA), 1, "inactive: nothing queued")
	assert.Len(t, e.notifications("template = 'order_success'", nil), 1)
}

// Operator alerts of one kind: the first goes at once, the next ones wait
// out 30 minutes and arrive as one message that counts them.
func TestNotifyAdminAlertsThrottled(t *testing.T) {
	clock := fakeclock.New(time.Now().UTC())
	e, wa := notifyEnv(t, func(c *hooks.Config, _ *sandbox.Config) { c.Now = clock.Now })
	e.deposit(userEmail, 100_000)
	var numbers []string
	for i := range 3 {
		n := e.buyPrepaid(userEmail, "08120000"+string(rune('1'+i))+"777")
		o := e.order(n)
		o.Set("review", "Cek manual "+n)
		require.NoError(t, e.app.Save(o))
		numbers = append(numbers, n)
		e.sendAll()
	}
	ops := whatsapps(wa, opsPhone)
	require.Len(t, ops, 1, "%q", ops)
	assert.Contains(t, ops[0], "Perlu dicek: pesanan *"+numbers[0]+"*")
	clock.Add(30*time.Minute + time.Second)
	e.sendAll()
	ops = whatsapps(wa, opsPhone)
	require.Len(t, ops, 2)
	assert.Contains(t, ops[0], "(+1 lainnya dalam 30 menit terakhir")
	assert.Len(t, e.notifications("template = 'admin_review' && status = 'skipped' && channel = 'whatsapp'", nil), 1)

	// The same note written again (a retry, a second path) is no new alert.
	o := e.order(numbers[2])
	o.Set("review", "")
	require.NoError(t, e.app.Save(o))
	o.Set("review", "Cek manual "+numbers[2])
	require.NoError(t, e.app.Save(o))
	clock.Add(31 * time.Minute)
	e.sendAll()
	assert.Len(t, whatsapps(wa, opsPhone), 2)
}

// Partial delivery, a top-up and a failed sync each have their message.
func TestNotifyPartialDepositAndSyncFailed(t *testing.T) {
	var wa *wasandbox.Server
	e := newPayEnv(t, withWhatsApp(t, &wa))
	e.enableMail()
	e.memberPhone(userEmail, memberWA, true)
	e.deposit(userEmail, 500_000)

	r := e.do(http.MethodPost, "/api/wallet/topup", userTokens[userEmail], map[string]any{"amount": 50_000, "channel": "QRIS"})
	require.Equal(t, http.StatusCreated, r.Status, r.Raw)
	require.NoError(t, e.tp.Pay(e.payment(r.data()["payment"].(map[string]any)["number"].(string)).Reference))
	e.settle()
	e.sendAll()
	msgs := whatsapps(wa, memberWA)
	require.Len(t, msgs, 1)
	assert.Contains(t, msgs[0], "Isi saldo *Rp 50.000* berhasil")
	assert.Contains(t, msgs[0], "Saldo kamu sekarang Rp 550.000.")

	r = e.do(http.MethodPost, socialURL, userTokens[userEmail], map[string]any{"service": "3249", "target": "https://instagram.com/p/x555", "quantity": 1000})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	n := r.data()["orderNumber"].(string)
	require.Eventually(t, func() bool {
		e.backdate(n, 2*time.Minute, "next_attempt_at")
		e.poll()
		return e.order(n).GetString("status") == hooks.OrderPartial
	}, 10*time.Second, 50*time.Millisecond)
	e.sendAll()
	msgs = whatsapps(wa, memberWA)
	require.Len(t, msgs, 2)
	o := e.order(n)
	assert.Contains(t, msgs[0], "hanya terkirim sebagian")
	assert.Contains(t, msgs[0], "Terkirim: 500 dari 1000")
	assert.Contains(t, msgs[0], "Sisanya, "+rupiahText(o.GetInt("refunded"))+", sudah dikembalikan ke saldo akun kamu.")

	e.sb.Inject(sandbox.Fault{Kind: sandbox.FaultHTML, Endpoint: sandbox.EndpointProfile, Times: -1})
	_, err := e.svc.RunSync(t.Context(), hooks.ActionSyncBalance, hooks.TriggerAdmin, nil)
	require.Error(t, err)
	e.sendAll()
	ops := whatsapps(wa, opsPhone)
	require.Len(t, ops, 1, "%q", ops)
	assert.Contains(t, ops[0], "Sinkronisasi "+hooks.ActionSyncBalance+" gagal")
}

// Members' numbers are stored normalised; sign-ups get messages unless
// they say no; PocketBase's own mails speak Indonesian until edited.
func TestNotifyUserPhoneAndIndonesianAuthMails(t *testing.T) {
	e, _ := notifyEnv(t)
	signup := func(email string, extra map[string]any) map[string]any {
		body := map[string]any{"email": email, "password": "rahasia123", "passwordConfirm": "rahasia123"}
		for k, v := range extra {
			body[k] = v
		}
		r := e.do(http.MethodPost, "/api/collections/users/records", "", body)
		require.Equal(t, http.StatusOK, r.Status, r.Raw)
		return r.Body
	}
	assert.Equal(t, true, signup("baru@example.com", nil)["notify_whatsapp"])
	assert.Equal(t, false, signup("diam@example.com", map[string]any{"notify_whatsapp": false})["notify_whatsapp"])

	url := "/api/collections/users/records/" + userIDs[userEmail]
	r := e.do(http.MethodPatch, url, userTokens[userEmail], map[string]any{"phone": "0812-3456-7890"})
	require.Equal(t, http.StatusOK, r.Status, r.Raw)
	assert.Equal(t, "6281234567890", r.Body["phone"])
	r = e.do(http.MethodPatch, url, userTokens[userEmail], map[string]any{"phone": "12345"})
	assert.Equal(t, http.StatusBadRequest, r.Status, r.Raw)
	assert.Contains(t, r.Raw, "validation_phone")

	e.app.TestMailer.Reset()
	r = e.do(http.MethodPost, "/api/collections/users/request-password-reset", "", map[string]any{"email": userEmail})
	require.Equal(t, http.StatusNoContent, r.Status, r.Raw)
	require.Eventually(t, func() bool { return e.app.TestMailer.TotalSend() == 1 }, 5*time.Second, 10*time.Millisecond)
	m := e.app.TestMailer.LastMessage()
	assert.Equal(t, "Atur ulang kata sandi Toko Contoh", m.Subject)
	assert.Contains(t, m.Text, "/reset-sandi/", "a shopper resets on the store's own page")
	assert.NotContains(t, m.Text, "/_/", "not on the dashboard's")
	assert.Contains(t, m.HTML, `<a href="`)

	// A superuser's reset still opens the dashboard's page.
	e.app.TestMailer.Reset()
	suCol, err := e.app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	require.NoError(t, err)
	su := core.NewRecord(suCol)
	su.SetEmail("reset-admin@example.com")
	su.SetPassword("admin-password-123")
	require.NoError(t, e.app.Save(su))
	r = e.do(http.MethodPost, "/api/collections/_superusers/request-password-reset", "", map[string]any{"email": su.Email()})
	require.Equal(t, http.StatusNoContent, r.Status, r.Raw)
	require.Eventually(t, func() bool { return e.app.TestMailer.TotalSend() == 1 }, 5*time.Second, 10*time.Millisecond)
	assert.Contains(t, e.app.TestMailer.LastMessage().Text, "/_/#/auth/confirm-password-reset/")

	users, err := e.app.FindCollectionByNameOrId("users")
	require.NoError(t, err)
	users.VerificationTemplate.Subject = "Confirm {APP_NAME}"
	require.NoError(t, e.app.Save(users))
	e.app.TestMailer.Reset()
	r = e.do(http.MethodPost, "/api/collections/users/request-verification", "", map[string]any{"email": userEmail})
	require.Equal(t, http.StatusNoContent, r.Status, r.Raw)
	require.Eventually(t, func() bool { return e.app.TestMailer.TotalSend() == 1 }, 5*time.Second, 10*time.Millisecond)
	assert.Equal(t, "Confirm Toko Contoh", e.app.TestMailer.LastMessage().Subject, "an edited template is the operator's")
}

// vip_notify_cleanup deletes sent and skipped rows after 90 days and keeps
// what may still need a person.
func TestNotifyCleanup(t *testing.T) {
	e, _ := notifyEnv(t)
	e.memberPhone(userEmail, memberWA, true)
	e.deposit(userEmail, 100_000)
	e.buyPrepaid(userEmail, "081200000333")
	e.sendAll()
	_, err := e.app.DB().NewQuery("UPDATE notifications SET created = '2020-01-01 00:00:00.000Z'").Execute()
	require.NoError(t, err)
	_, err = e.app.DB().NewQuery("UPDATE notifications SET status = 'failed' WHERE channel = 'email'").Execute()
	require.NoError(t, err)
	cronJob(t, e.app, hooks.CronNotifyCleanup)()
	rows := e.notifications("", nil)
	require.Len(t, rows, 1)
	assert.Equal(t, hooks.NotifyFailed, rows[0].GetString("status"))
	assert.True(t, strings.HasPrefix(rows[0].GetString("dedupe_key"), "order:"))
}
