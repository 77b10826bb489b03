package sandbox

import (
	"bytes"
	"html/template"
	"net/http"
	"time"
)

var payTmpl = template.Must(template.New("pay").Parse(`<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pembayaran {{.T.Reference}} - Tripay Sandbox</title>
<style>body{font-family:sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}dt{color:#666}dd{margin:0 0 .6rem;font-weight:bold}
code{word-break:break-all}form{display:inline}button{margin:.2rem;padding:.5rem 1rem}</style></head>
<body><h1>Tripay Sandbox</h1>
<p data-status="{{.T.Status}}">Status: <strong>{{.T.Status}}</strong></p>
<dl>
<dt>Referensi</dt><dd>{{.T.Reference}}</dd>
<dt>No. Pesanan</dt><dd>{{.T.MerchantRef}}</dd>
<dt>Metode Pembayaran</dt><dd>{{.T.MethodName}} ({{.T.Method}})</dd>
<dt>Total Bayar</dt><dd data-amount="{{.Total}}">{{.TotalText}}</dd>
{{if .T.PayCode}}<dt>Kode Bayar</dt><dd><code>{{.T.PayCode}}</code></dd>{{end}}
{{if .T.QRString}}<dt>QRIS</dt><dd><code>{{.T.QRString}}</code></dd>{{end}}
<dt>Batas Waktu</dt><dd>{{.Expires}}</dd>
</dl>
{{if eq .T.Status "UNPAID"}}
<form method="post" action="{{.Control}}"><input type="hidden" name="reference" value="{{.T.Reference}}"><input type="hidden" name="page" value="1"><input type="hidden" name="action" value="pay"><button type="submit">Bayar</button></form>
<form method="post" action="{{.Control}}"><input type="hidden" name="reference" value="{{.T.Reference}}"><input type="hidden" name="page" value="1"><input type="hidden" name="action" value="fail"><button type="submit">Gagalkan</button></form>
<form method="post" action="{{.Control}}"><input type="hidden" name="reference" value="{{.T.Reference}}"><input type="hidden" name="page" value="1"><input type="hidden" name="action" value="expire"><button type="submit">Kedaluwarsakan</button></form>
{{else}}<p>Transaksi ini sudah {{.T.Status}}.</p>{{end}}
{{if .T.ReturnURL}}<p><a href="{{.T.ReturnURL}}">Kembali ke toko</a></p>{{end}}
</body></html>
`))

// wib is Western Indonesia Time, for the pay page.
var wib = time.FixedZone("WIB", 7*3600)

// payPage renders GET <base>sandbox/pay/{reference}: the amount, channel,
// pay code or QR string, and the Bayar / Gagalkan / Kedaluwarsakan buttons
// (POST forms to sandbox/control) while UNPAID.
func (s *Sandbox) payPage(ref, prefix string) reply {
	s.mu.Lock()
	t := s.lookupLocked(ref)
	if t == nil {
		s.mu.Unlock()
		return reply{status: http.StatusNotFound, ctype: "text/html; charset=utf-8", body: []byte("<!DOCTYPE html><p>Transaksi tidak ditemukan.</p>")}
	}
	data := struct {
		T                           Transaction
		Total                       int64
		TotalText, Expires, Control string
	}{T: t.Transaction, Total: t.shopperAmount(), TotalText: rupiah(t.shopperAmount()),
		Expires: t.ExpiresAt.In(wib).Format("02-01-2006 15:04 MST"), Control: prefix + EndpointControl}
	s.mu.Unlock()
	var buf bytes.Buffer
	if err := payTmpl.Execute(&buf, data); err != nil {
		return reply{status: http.StatusInternalServerError, ctype: "text/plain", body: []byte(err.Error())}
	}
	return reply{status: http.StatusOK, ctype: "text/html; charset=utf-8", body: buf.Bytes()}
}
