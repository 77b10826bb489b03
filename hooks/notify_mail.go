package hooks

import (
	"html"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/mailer"

	"github.com/vipbase/vipbase/notify"
)

// PocketBase's own auth mails (verification, password reset, e-mail
// change, OTP, login alert) in Indonesian (design §12). They are rewritten
// in PocketBase's mailer hooks only while the collection still has
// PocketBase's English default: a template the operator edited in the
// dashboard is theirs and is sent as written.

// authMail is one Indonesian auth mail: subject and text with {APP_NAME},
// {LINK} and {CODE} filled in.
type authMail struct {
	subject, text string
	path          string // the dashboard's confirm page for the token, "" for none
	storePath     string // the storefront's own page for a shopper's (users) token, "" for the dashboard's
}

var authMails = map[string]authMail{
	"verification": {
		subject: "Verifikasi e-mail akun {APP_NAME}",
		text:    "Halo,\n\nTerima kasih sudah mendaftar di {APP_NAME}. Klik tautan berikut untuk memverifikasi alamat e-mail kamu:\n{LINK}\n\nKalau kamu tidak merasa mendaftar, abaikan e-mail ini.\n\n— {APP_NAME}",
		path:    "/_/#/auth/confirm-verification/", storePath: "/verifikasi/"},
	"password-reset": {
		subject: "Atur ulang kata sandi {APP_NAME}",
		text:    "Halo,\n\nKami menerima permintaan untuk mengatur ulang kata sandi akun kamu. Klik tautan berikut untuk membuat kata sandi baru:\n{LINK}\n\nKalau kamu tidak memintanya, abaikan e-mail ini: kata sandi kamu tidak berubah.\n\n— {APP_NAME}",
		path:    "/_/#/auth/confirm-password-reset/", storePath: "/reset-sandi/"},
	"email-change": {
		subject: "Konfirmasi alamat e-mail baru di {APP_NAME}",
		text:    "Halo,\n\nKlik tautan berikut untuk memakai alamat e-mail baru ini di akun {APP_NAME} kamu:\n{LINK}\n\nKalau kamu tidak memintanya, abaikan e-mail ini.\n\n— {APP_NAME}",
		path:    "/_/#/auth/confirm-email-change/"},
	"otp": {
		subject: "Kode masuk {APP_NAME}",
		text:    "Halo,\n\nKode sekali pakai untuk masuk ke {APP_NAME}: {CODE}\n\nJangan berikan kode ini kepada siapa pun, termasuk yang mengaku dari {APP_NAME}. Kalau kamu tidak memintanya, abaikan e-mail ini.\n\n— {APP_NAME}"},
	"auth-alert": {
		subject: "Login dari perangkat atau lokasi baru",
		text:    "Halo,\n\nAkun {APP_NAME} kamu baru saja dipakai masuk dari perangkat atau lokasi baru:\n{CODE}\n\nKalau itu kamu, abaikan e-mail ini. Kalau bukan, segera ganti kata sandi kamu.\n\n— {APP_NAME}"},
}

// registerAuthMails binds the Indonesian rewrites to PocketBase's mailer
// hooks.
func (s *Service) registerAuthMails() {
	// PocketBase's own templates, as a new auth collection gets them: only
	// a mail whose subject and body are still those is rewritten, so an
	// operator's edited template (their own links, say) goes out as edited.
	defaults := core.NewAuthCollection("defaults")
	bind := func(h *hook.TaggedHook[*core.MailerRecordEvent], kind string, tmpl func(c *core.Collection) core.EmailTemplate) {
		def := tmpl(defaults)
		h.BindFunc(func(e *core.MailerRecordEvent) error {
			if e.Record == nil || e.Message == nil {
				return e.Next()
			}
			if t := tmpl(e.Record.Collection()); t.Subject == def.Subject && t.Body == def.Body {
				s.indonesianAuthMail(e, kind)
			}
			return e.Next()
		})
	}
	bind(s.app.OnMailerRecordVerificationSend(), "verification", func(c *core.Collection) core.EmailTemplate { return c.VerificationTemplate })
	bind(s.app.OnMailerRecordPasswordResetSend(), "password-reset", func(c *core.Collection) core.EmailTemplate { return c.ResetPasswordTemplate })
	bind(s.app.OnMailerRecordEmailChangeSend(), "email-change", func(c *core.Collection) core.EmailTemplate { return c.ConfirmEmailChangeTemplate })
	bind(s.app.OnMailerRecordOTPSend(), "otp", func(c *core.Collection) core.EmailTemplate { return c.OTP.EmailTemplate })
	bind(s.app.OnMailerRecordAuthAlertSend(), "auth-alert", func(c *core.Collection) core.EmailTemplate { return c.AuthAlert.EmailTemplate })
}

func (s *Service) indonesianAuthMail(e *core.MailerRecordEvent, kind string) {
	m := authMails[kind]
	link, code := "", ""
	path := m.path
	if m.storePath != "" && e.Record.Collection().Name == "users" {
		path = m.storePath // a shopper stays in the store, in Indonesian
	}
	if token, _ := e.Meta["token"].(string); token != "" && path != "" {
		link = s.publicURL() + path + token // VIPBASE_PUBLIC_URL, else Settings › Application URL
	}
	switch kind {
	case "otp":
		code, _ = e.Meta["password"].(string)
	case "auth-alert":
		code, _ = e.Meta["info"].(string)
		code = html.UnescapeString(code) // PocketBase escaped it for its HTML body
	}
	fill := strings.NewReplacer("{APP_NAME}", s.storeName(), "{LINK}", link, "{CODE}", code)
	e.Message.Subject = fill.Replace(m.subject)
	e.Message.Text = fill.Replace(m.text)
	e.Message.HTML = notify.RenderHTML(e.Message.Text)
	if link != "" { // a real link, not only text
		e.Message.HTML = strings.Replace(e.Message.HTML, html.EscapeString(link),
			`<a href="`+html.EscapeString(link)+`">`+html.EscapeString(link)+`</a>`, 1)
	}
}

// sandboxMail sends every e-mail of --sandbox mode to the sandbox inbox
// instead of the machine's sendmail: the outbox's and PocketBase's own.
func (s *Service) sandboxMail() {
	s.markSuperuserMails()
	s.app.OnMailerSend().BindFunc(func(e *core.MailerEvent) error {
		if s.waSandbox == nil {
			return e.Next()
		}
		for _, to := range e.Message.To {
			if e.Message.Headers[superuserMailHeader] != "" {
				// The inbox page is open to whoever reaches the port: a
				// superuser's reset link or one-time code would hand over
				// the dashboard.
				s.waSandbox.AddEmail(to.Address, e.Message.Subject, "(Isi e-mail untuk akun superuser tidak ditampilkan di kotak masuk sandbox.)", "")
				continue
			}
			s.waSandbox.AddEmail(to.Address, e.Message.Subject, e.Message.Text, e.Message.HTML)
		}
		e.Mailer = discardMailer{}
		return e.Next()
	})
}

// superuserMailHeader marks (in --sandbox) a mail to a superuser.
const superuserMailHeader = "X-Vipbase-Superuser"

func (s *Service) markSuperuserMails() {
	mark := func(e *core.MailerRecordEvent) error {
		if e.Message != nil {
			if e.Message.Headers == nil {
				e.Message.Headers = map[string]string{}
			}
			e.Message.Headers[superuserMailHeader] = "1"
		}
		return e.Next()
	}
	su := core.CollectionNameSuperusers
	s.app.OnMailerRecordPasswordResetSend(su).BindFunc(mark)
	s.app.OnMailerRecordVerificationSend(su).BindFunc(mark)
	s.app.OnMailerRecordEmailChangeSend(su).BindFunc(mark)
	s.app.OnMailerRecordOTPSend(su).BindFunc(mark)
	s.app.OnMailerRecordAuthAlertSend(su).BindFunc(mark)
}

// discardMailer drops what the sandbox inbox already shows.
type discardMailer struct{}

func (discardMailer) Send(*mailer.Message) error { return nil }
