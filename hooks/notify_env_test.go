package hooks_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/notify"
	wasandbox "github.com/vipbase/vipbase/notify/sandbox"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

// The notification tests' world: a fake Fonnte behind loopback HTTP that
// the real notify.Fonnte client talks to, PocketBase's TestMailer for
// e-mail (SMTP switched on, so the outbox does not skip it), and an
// operator with both addresses.

const (
	opsPhone = "6281100000009"
	opsEmail = "ops@example.com"
)

// withWhatsApp points the outbox at a fresh fake Fonnte (unpaced unless a
// later option sets WhatsAppGap) and names the operator.
func withWhatsApp(t testing.TB, wa **wasandbox.Server) envOption {
	srv, err := wasandbox.Start(wasandbox.Config{})
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	*wa = srv
	return func(c *hooks.Config, _ *sandbox.Config) {
		c.WhatsApp = notify.NewFonnte(srv.Token(), notify.WithURL(srv.URL()), notify.WithTimeout(2*time.Second))
		c.WhatsAppGap = -1
		c.AdminWhatsApp, c.AdminEmail = opsPhone, opsEmail
	}
}

// enableMail turns SMTP on: the TestMailer still catches every message.
func (e *env) enableMail() {
	e.t.Helper()
	s := e.app.Settings()
	s.SMTP.Enabled, s.SMTP.Host, s.SMTP.Port = true, "127.0.0.1", 2525
	s.Meta.SenderAddress, s.Meta.SenderName, s.Meta.AppName = "toko@example.com", "Toko Contoh", "Toko Contoh"
	require.NoError(e.t, e.app.Save(s))
}

// notifyEnv is a synced store with WhatsApp and e-mail configured.
func notifyEnv(t *testing.T, opts ...envOption) (*env, *wasandbox.Server) {
	t.Helper()
	var wa *wasandbox.Server
	e := newEnv(t, append([]envOption{withWhatsApp(t, &wa)}, opts...)...).ready()
	e.enableMail()
	return e, wa
}

// memberPhone gives a test member a WhatsApp number, messages on.
func (e *env) memberPhone(email, phone string, on bool) {
	e.t.Helper()
	u, err := e.app.FindAuthRecordByEmail("users", email)
	require.NoError(e.t, err)
	u.Set("phone", phone)
	u.Set("notify_whatsapp", on)
	require.NoError(e.t, e.app.Save(u))
}

// sendAll runs the outbox until nothing due is left.
func (e *env) sendAll() {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	require.NoError(e.t, e.svc.WaitNotifications(ctx))
}

// notifications lists the outbox rows matching filter, oldest first.
func (e *env) notifications(filter string, params map[string]any) []*core.Record {
	e.t.Helper()
	if filter == "" {
		filter = "id != ''"
	}
	rows, err := e.app.FindRecordsByFilter("notifications", filter, "created", 0, 0, params)
	require.NoError(e.t, err)
	return rows
}

// mails are the TestMailer's messages to addr: subject → text.
func (e *env) mails(addr string) map[string]string {
	out := map[string]string{}
	for _, m := range e.app.TestMailer.Messages() {
		for _, to := range m.To {
			if strings.EqualFold(to.Address, addr) {
				out[m.Subject] = m.Text
			}
		}
	}
	return out
}

// whatsapps are the fake Fonnte's messages to phone, newest first.
func whatsapps(wa *wasandbox.Server, phone string) []string {
	var out []string
	for _, m := range wa.For(phone) {
		if m.Channel == wasandbox.ChannelWhatsApp {
			out = append(out, m.Body)
		}
	}
	return out
}
