package notify

// Template keys (design §12). Shopper messages first, then the operator's
// alerts (keys starting with "admin_").
const (
	PaymentPaid    = "payment_paid"
	OrderSuccess   = "order_success"
	OrderFailed    = "order_failed"
	OrderPartial   = "order_partial"
	DepositPaid    = "deposit_paid"
	PaymentExpired = "payment_expired"

	AdminReview        = "admin_review"
	AdminLowBalance    = "admin_low_balance"
	AdminSyncFailed    = "admin_sync_failed"
	AdminRefundDue     = "admin_refund_due"
	AdminNotifyFailing = "admin_notify_failing"
)

// Template is one message as the shop sends it: the subject is the
// e-mail's; the body is plain text for WhatsApp and the e-mail's text part
// (RenderHTML makes the HTML part from it).
type Template struct {
	Key     string
	Subject string
	Body    string
	Active  bool
}

// Defaults are the Indonesian templates a new store starts with; the
// migration seeds them and the dashboard edits them. Variables, all
// optional:
//
//	every template   Store (the shop's name), URL (where to see the order)
//	shopper          Name, Number, Product, Target, Total, Channel, SN, PLN
//	                 (the SN is a PLN token), Reason, Refunded, RefundWallet
//	                 (refunded to the account's wallet, not owed to a guest),
//	                 Delivered, Quantity, Amount, Balance
//	operator         Kind, Number, Reason, Balance, Threshold, Action, Error,
//	                 Amount, Phone, Template, To, Channel, Count (earlier
//	                 alerts of the kind folded into this one)
var Defaults = []Template{
	{Key: PaymentPaid, Active: true,
		Subject: "Pembayaran {{.Number}} diterima",
		Body: `Halo {{default .Name "Kak"}}, pembayaran kamu sudah kami terima ✅

No. pesanan: *{{.Number}}*
Produk: {{.Product}}
Tujuan: {{.Target}}
Total: *{{rupiah .Total}}*{{if .Channel}} via {{.Channel}}{{end}}

Pesanan sedang kami proses, biasanya hanya beberapa detik.{{if .URL}}
Cek status: {{.URL}}{{end}}

— {{.Store}}`},
	{Key: OrderSuccess, Active: true,
		Subject: "Pesanan {{.Number}} berhasil",
		Body: `Pesanan *{{.Number}}* berhasil ✅

Produk: {{.Product}}
Tujuan: {{.Target}}{{if .PLN}}
Token listrik: *{{token .SN}}*{{else if .SN}}
SN: *{{.SN}}*{{end}}

Terima kasih sudah belanja di {{.Store}}!{{if .URL}}
Detail: {{.URL}}{{end}}`},
	{Key: OrderFailed, Active: true,
		Subject: "Pesanan {{.Number}} gagal",
		Body: `Maaf, pesanan *{{.Number}}* gagal ❌

Produk: {{.Product}}
Tujuan: {{.Target}}
Alasan: {{default .Reason "pesanan ditolak oleh penyedia."}}
{{if .RefundWallet}}Dana {{rupiah .Refunded}} sudah dikembalikan ke saldo akun kamu.{{else if .Refunded}}Dana {{rupiah .Refunded}} akan dikembalikan, kami hubungi via WhatsApp.{{end}}

Silakan coba lagi atau hubungi kami. — {{.Store}}`},
	{Key: OrderPartial, Active: true,
		Subject: "Pesanan {{.Number}} terkirim sebagian",
		Body: `Pesanan *{{.Number}}* hanya terkirim sebagian ⚠️

Produk: {{.Product}}
Tujuan: {{.Target}}{{if .Quantity}}
Terkirim: {{.Delivered}} dari {{.Quantity}}{{end}}
{{if .RefundWallet}}Sisanya, {{rupiah .Refunded}}, sudah dikembalikan ke saldo akun kamu.{{else if .Refunded}}Sisanya, {{rupiah .Refunded}}, akan dikembalikan, kami hubungi via WhatsApp.{{end}}

— {{.Store}}`},
	{Key: DepositPaid, Active: true,
		Subject: "Isi saldo {{rupiah .Amount}} berhasil",
		Body: `Isi saldo *{{rupiah .Amount}}* berhasil ✅{{if .Balance}}
Saldo kamu sekarang {{rupiah .Balance}}.{{end}}

Selamat belanja di {{.Store}}!`},
	{Key: PaymentExpired, Active: false,
		Subject: "Batas waktu pembayaran {{.Number}} lewat",
		Body: `Batas waktu pembayaran *{{.Number}}* ({{.Product}}) sudah lewat, pesanan dibatalkan.
Kalau sudah terlanjur membayar, balas pesan ini.{{if .URL}}
Pesan lagi: {{.URL}}{{end}}

— {{.Store}}`},

	{Key: AdminReview, Active: true,
		Subject: "Perlu dicek: {{.Kind}} {{.Number}}",
		Body: `⚠️ Perlu dicek: {{.Kind}} *{{.Number}}*
{{.Reason}}{{if .URL}}
{{.URL}}{{end}}{{if .Count}}
(+{{.Count}} lainnya dalam 30 menit terakhir, lihat dashboard){{end}}`},
	{Key: AdminLowBalance, Active: true,
		Subject: "Saldo VIP-Reseller tinggal {{rupiah .Balance}}",
		Body: `⚠️ Saldo VIP-Reseller tinggal *{{rupiah .Balance}}* (batas {{rupiah .Threshold}}).
Isi saldo sekarang agar pesanan tidak gagal.`},
	{Key: AdminSyncFailed, Active: true,
		Subject: "Sinkronisasi {{.Action}} gagal",
		Body: `⚠️ Sinkronisasi {{.Action}} gagal:
{{.Error}}{{if .Count}}
(+{{.Count}} kegagalan lain dalam 30 menit terakhir){{end}}`},
	{Key: AdminRefundDue, Active: true,
		Subject: "Kembalikan dana {{rupiah .Amount}} untuk {{.Number}}",
		Body: `💸 Dana *{{rupiah .Amount}}* harus dikembalikan ke pembeli pesanan *{{.Number}}* (WhatsApp {{.Phone}}).
Setelah ditransfer, tandai lewat POST /api/admin/payments/refund.{{if .URL}}
{{.URL}}{{end}}{{if .Count}}
(+{{.Count}} lainnya dalam 30 menit terakhir){{end}}`},
	{Key: AdminNotifyFailing, Active: true,
		Subject: "Notifikasi gagal terkirim",
		Body: `⚠️ Notifikasi {{.Template}} ke {{mask .To}} via {{.Channel}} gagal terkirim:
{{.Error}}{{if .Count}}
(+{{.Count}} lainnya dalam 30 menit terakhir){{end}}
Periksa FONNTE_TOKEN / Settings › Mail.`},
}

// DefaultTemplate returns the default of key.
func DefaultTemplate(key string) (Template, bool) {
	for _, t := range Defaults {
		if t.Key == key {
			return t, true
		}
	}
	return Template{}, false
}
