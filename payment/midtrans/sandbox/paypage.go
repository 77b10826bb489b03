package sandbox

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Page actions: the action field of a form POSTed to the hosted page.
const (
	PageActionPick   = "pick" // with method=<code>
	PageActionPay    = "pay"
	PageActionFail   = "fail"
	PageActionExpire = "expire"
)

var pageTmpl = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pembayaran {{.T.OrderID}} - Midtrans Sandbox</title>
<style>body{font-family:sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}dt{color:#666}dd{margin:0 0 .6rem;font-weight:bold}
code{word-break:break-all}form{display:inline}button{margin:.2rem;padding:.5rem 1rem}.err{color:#b00}</style></head>
<body><h1>Midtrans Sandbox</h1>
{{if .Error}}<p class="err" data-testid="error">{{.Error}}</p>{{end}}
<p data-status="{{.T.Status}}">Status: <strong>{{.StatusText}}</strong></p>
<dl>
<dt>No. Pesanan / Order ID</dt><dd>{{.T.OrderID}}</dd>
<dt>Total / Amount</dt><dd data-amount="{{.Amount}}">{{.AmountText}}</dd>
{{if .Method}}<dt>Metode Pembayaran / Payment method</dt><dd>{{.Method}}</dd>{{end}}
{{if .T.PayCode}}<dt>Kode Bayar / Payment code</dt><dd><code>{{.T.PayCode}}</code></dd>{{end}}
{{if .Expires}}<dt>Bayar sebelum / Pay before</dt><dd>{{.Expires}}</dd>{{end}}
</dl>
{{if eq .T.Status "not_started"}}
<p>Pilih metode pembayaran / Choose a payment method:</p>
{{range .Methods}}<form method="post"><input type="hidden" name="action" value="pick"><input type="hidden" name="method" value="{{.Code}}"><button type="submit" data-testid="method-{{.Code}}">{{.Name}}</button></form>
{{end}}
<form method="post"><input type="hidden" name="action" value="expire"><button type="submit" data-testid="expire">Kedaluwarsakan</button></form>
{{else if eq .T.Status "pending"}}
<form method="post"><input type="hidden" name="action" value="pay"><button type="submit" data-testid="pay">Bayar</button></form>
<form method="post"><input type="hidden" name="action" value="fail"><button type="submit" data-testid="fail">Gagalkan</button></form>
<form method="post"><input type="hidden" name="action" value="expire"><button type="submit" data-testid="expire">Kedaluwarsakan</button></form>
{{end}}
{{if .Finish}}<p><a href="{{.Finish}}" data-testid="finish">Kembali ke toko / Back to merchant</a></p>{{end}}
</body></html>
`))

var statusText = map[string]string{
	StatusNotStarted: "Menunggu pilihan metode / Choose a method",
	StatusPending:    "Menunggu pembayaran / Awaiting payment",
	StatusSettlement: "Pembayaran berhasil / Payment successful",
	StatusCapture:    "Pembayaran diterima / Payment captured",
	StatusDeny:       "Pembayaran ditolak / Payment denied",
	StatusCancel:     "Dibatalkan / Cancelled",
	StatusExpire:     "Kedaluwarsa / Expired",
	StatusRefund:     "Dikembalikan / Refunded",
}

func rupiah(v int64) string {
	s := strconv.FormatInt(v, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "." + s[i:]
	}
	return "Rp " + s
}

// finishURL is callbacks.finish with the query Snap appends; "" until a
// method was picked or when the create had no finish callback.
func finishURL(t *txn) string {
	if t.FinishURL == "" || t.PaymentType == "" {
		return ""
	}
	q := url.Values{"order_id": {t.OrderID}, "status_code": {statusCode(t, false)}, "transaction_status": {t.Status}}
	sep := "?"
	if strings.Contains(t.FinishURL, "?") {
		sep = "&"
	}
	return t.FinishURL + sep + q.Encode()
}

// servePage is the hosted page /snap/v2/vtweb/{token}: GET renders it, a
// form POST (action=pick&method=…, pay, fail, expire) acts and redirects
// back to it (303).
func (s *Sandbox) servePage(r *http.Request, body []byte, token string) reply {
	var errText string
	if r.Method == http.MethodPost {
		form, _ := url.ParseQuery(string(body))
		err := s.withToken(token, func(t *txn) error {
			switch form.Get("action") {
			case PageActionPick:
				return s.pickLocked(t, form.Get("method"))
			case PageActionPay:
				return s.payStartedLocked(t, 0)
			case PageActionFail:
				return s.failLocked(t)
			case PageActionExpire:
				return s.expireLocked(t)
			}
			return errUnknownAction
		})
		switch err {
		case nil:
			return reply{status: http.StatusSeeOther, header: http.Header{"Location": {r.URL.Path}}}
		case ErrUnknownTransaction:
		default:
			errText = err.Error()
		}
	}
	rep := s.renderPage(token, errText)
	if errText != "" && rep.status == http.StatusOK {
		rep.status = http.StatusConflict
	}
	return rep
}

type pageMethod struct{ Code, Name string }

func (s *Sandbox) renderPage(token, errText string) reply {
	s.mu.Lock()
	t := s.tokens[token]
	if t == nil {
		s.mu.Unlock()
		return reply{status: http.StatusNotFound, ctype: "text/html; charset=utf-8",
			body: []byte("<!DOCTYPE html><p>Transaksi tidak ditemukan / Transaction not found.</p>")}
	}
	s.expireDueLocked(t, s.now())
	data := struct {
		T                                                      Transaction
		Amount                                                 int64
		AmountText, StatusText, Method, Expires, Finish, Error string
		Methods                                                []pageMethod
	}{T: t.snapshot(), Amount: t.gross(), AmountText: rupiah(t.gross()), StatusText: statusText[t.Status],
		Expires: wibTime(t.ExpiresAt), Finish: finishURL(t), Error: errText}
	if m := lookupMethod(t.Method); m != nil {
		data.Method = m.name
	}
	if data.Expires != "" {
		data.Expires += " WIB"
	}
	for _, m := range enabledMethods(t.EnabledPayments) {
		data.Methods = append(data.Methods, pageMethod{m.code, m.name})
	}
	s.mu.Unlock()
	var buf bytes.Buffer
	if err := pageTmpl.Execute(&buf, data); err != nil {
		return reply{status: http.StatusInternalServerError, ctype: "text/plain", body: []byte(err.Error())}
	}
	return reply{status: http.StatusOK, ctype: "text/html; charset=utf-8", body: buf.Bytes()}
}

// withToken runs f on the transaction of a hosted-page token under the lock.
func (s *Sandbox) withToken(token string, f func(t *txn) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tokens[token]
	if t == nil {
		return ErrUnknownTransaction
	}
	s.expireDueLocked(t, s.now())
	return f(t)
}
