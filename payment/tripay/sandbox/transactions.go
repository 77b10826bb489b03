package sandbox

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vipbase/vipbase/internal/simhttp"
)

// Transaction is a snapshot of one sandbox transaction. Amount is what the
// goods cost (the create's amount); Paid is what the shopper paid (0 until
// paid; PayAmount can make it differ from Amount+FeeCustomer).
type Transaction struct {
	Reference, MerchantRef, Method, MethodName string
	CustomerName, CustomerEmail, CustomerPhone string
	CallbackURL, ReturnURL                     string
	Amount, FeeMerchant, FeeCustomer, Paid     int64
	PayCode, PayURL, CheckoutURL, QRString     string
	QRURL                                      string
	Items                                      []Item
	Status, Note                               string
	CreatedAt, ExpiresAt, PaidAt               time.Time
}

type txn struct {
	Transaction
	chain chan struct{} // closed when the last notification's first attempt is done
	held  [][]byte      // out-of-order notifications waiting for the next one
}

// Total is what the shopper is asked to pay: Amount + FeeCustomer.
func (t Transaction) Total() int64 { return t.Amount + t.FeeCustomer }

func (s *Sandbox) newTxnLocked(ch *channel, req createReq, amount int64, now, expires time.Time, base string) *txn {
	ref := "T" + strings.TrimPrefix(s.cfg.MerchantCode, "T") + s.randAlnum(10)
	fm, fc := ch.fees(amount)
	t := &txn{Transaction: Transaction{
		Reference: ref, MerchantRef: req.MerchantRef, Method: ch.code, MethodName: ch.name,
		CustomerName: req.CustomerName, CustomerEmail: req.CustomerEmail, CustomerPhone: req.CustomerPhone,
		CallbackURL: req.CallbackURL, ReturnURL: req.ReturnURL,
		Amount: amount, FeeMerchant: fm, FeeCustomer: fc,
		CheckoutURL: base + EndpointPayPage + "/" + ref,
		Items:       append([]Item(nil), req.Items...),
		Status:      StatusUnpaid, CreatedAt: now, ExpiresAt: expires,
	}}
	switch {
	case ch.isQRIS():
		t.QRString = s.qrisPayload(ref, amount+fc)
		t.QRURL = t.CheckoutURL + "?qr=1"
	case ch.kind == "redirect":
		t.PayURL = t.CheckoutURL
	case ch.group == GroupVA:
		t.PayCode = vaPrefix(ch.code) + s.randDigits(10)
	default:
		t.PayCode = "T" + s.randDigits(13)
	}
	s.txns[ref] = t
	s.all = append(s.all, t)
	return t
}

func vaPrefix(code string) string {
	switch code {
	case "BRIVA":
		return "26215"
	case "BNIVA":
		return "8808"
	case "BCAVA":
		return "11702"
	case "MANDIRIVA":
		return "89022"
	case "PERMATAVA":
		return "8625"
	}
	return "7007"
}

func (s *Sandbox) randDigits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + s.rng.IntN(10))
	}
	return string(b)
}

func (s *Sandbox) randAlnum(n int) string {
	const set = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = set[s.rng.IntN(len(set))]
	}
	return string(b)
}

// qrisPayload is an EMVCo-shaped dynamic QRIS string with a real CRC-16/CCITT tail.
func (s *Sandbox) qrisPayload(ref string, total int64) string {
	tlv := func(id, v string) string { return fmt.Sprintf("%s%02d%s", id, len(v), v) }
	merchant := tlv("00", "ID.CO.QRIS.WWW") + tlv("01", "936009180"+s.randDigits(9)) + tlv("02", "ID"+s.randDigits(13)) + tlv("03", "UMI")
	p := tlv("00", "01") + tlv("01", "12") + tlv("26", merchant) + tlv("52", "5816") + tlv("53", "360") +
		tlv("54", strconv.FormatInt(total, 10)) + tlv("58", "ID") + tlv("59", "VIPBASE SANDBOX") + tlv("60", "JAKARTA") +
		tlv("62", tlv("05", ref)) + "6304"
	return p + fmt.Sprintf("%04X", crc16(p))
}

func crc16(s string) uint16 {
	crc := uint16(0xFFFF)
	for i := 0; i < len(s); i++ {
		crc ^= uint16(s[i]) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}

// expireDueLocked expires an UNPAID transaction past its expired_time.
func (s *Sandbox) expireDueLocked(t *txn, now time.Time) bool {
	if t.Status != StatusUnpaid || now.Before(t.ExpiresAt) {
		return false
	}
	s.setStatusLocked(t, StatusExpired, 0, "")
	return true
}

// txnTimes are the fields of detail and list answers, not of create's
// (a nil *txnTimes leaves them out); null when unset, as Tripay sends them.
type txnTimes struct {
	Note      *string `json:"note"`
	CreatedAt int64   `json:"created_at"`
	ExpiredAt int64   `json:"expired_at"`
	PaidAt    *int64  `json:"paid_at"`
}

type itemJSON struct {
	SKU      *string `json:"sku"`
	Name     string  `json:"name"`
	Price    int64   `json:"price"`
	Quantity int64   `json:"quantity"`
	Subtotal int64   `json:"subtotal"`
}

type instruction struct {
	Title string   `json:"title"`
	Steps []string `json:"steps"`
}

// txnJSON is Tripay's transaction object. amount is what the shopper pays
// (goods + fee_customer, or what was actually paid once PAID);
// amount_received = amount − total_fee.
type txnJSON struct {
	Reference            string  `json:"reference"`
	MerchantRef          string  `json:"merchant_ref"`
	PaymentSelectionType string  `json:"payment_selection_type"`
	PaymentMethod        string  `json:"payment_method"`
	PaymentName          string  `json:"payment_name"`
	CustomerName         string  `json:"customer_name"`
	CustomerEmail        string  `json:"customer_email"`
	CustomerPhone        *string `json:"customer_phone"`
	CallbackURL          *string `json:"callback_url"`
	ReturnURL            *string `json:"return_url"`
	Amount               int64   `json:"amount"`
	FeeMerchant          int64   `json:"fee_merchant"`
	FeeCustomer          int64   `json:"fee_customer"`
	TotalFee             int64   `json:"total_fee"`
	AmountReceived       int64   `json:"amount_received"`
	PayCode              *string `json:"pay_code"`
	PayURL               *string `json:"pay_url"`
	CheckoutURL          string  `json:"checkout_url"`
	Status               string  `json:"status"`
	ExpiredTime          int64   `json:"expired_time"`
	*txnTimes
	OrderItems   []itemJSON    `json:"order_items"`
	Instructions []instruction `json:"instructions,omitempty"`
	QRString     *string       `json:"qr_string,omitempty"`
	QRURL        *string       `json:"qr_url,omitempty"`
}

func strOrNull(v string) *string {
	if v == "" {
		return nil
	}
	return &v
}

// shopperAmount is what the shopper pays or paid.
func (t *txn) shopperAmount() int64 {
	if t.Paid > 0 {
		return t.Paid
	}
	return t.Amount + t.FeeCustomer
}

// viewLocked renders t; created is the create answer (no list-only fields).
func (s *Sandbox) viewLocked(t *txn, created bool) txnJSON {
	amt := t.shopperAmount()
	v := txnJSON{
		Reference: t.Reference, MerchantRef: t.MerchantRef, PaymentSelectionType: "static",
		PaymentMethod: t.Method, PaymentName: t.MethodName,
		CustomerName: t.CustomerName, CustomerEmail: t.CustomerEmail, CustomerPhone: strOrNull(t.CustomerPhone),
		CallbackURL: strOrNull(t.CallbackURL), ReturnURL: strOrNull(t.ReturnURL),
		Amount: amt, FeeMerchant: t.FeeMerchant, FeeCustomer: t.FeeCustomer, TotalFee: t.FeeMerchant + t.FeeCustomer,
		AmountReceived: amt - t.FeeMerchant - t.FeeCustomer,
		PayCode:        strOrNull(t.PayCode), PayURL: strOrNull(t.PayURL), CheckoutURL: t.CheckoutURL,
		Status: t.Status, ExpiredTime: t.ExpiresAt.Unix(),
		Instructions: instructionsFor(t),
	}
	for _, it := range t.Items {
		v.OrderItems = append(v.OrderItems, itemJSON{SKU: strOrNull(it.SKU), Name: it.Name, Price: it.Price, Quantity: it.Quantity, Subtotal: it.Price * it.Quantity})
	}
	if t.QRString != "" {
		v.QRString, v.QRURL = &t.QRString, &t.QRURL
	}
	if !created {
		v.txnTimes = &txnTimes{Note: strOrNull(t.Note), CreatedAt: t.CreatedAt.Unix(), ExpiredAt: t.ExpiresAt.Unix()}
		if !t.PaidAt.IsZero() {
			p := t.PaidAt.Unix()
			v.PaidAt = &p
		}
	}
	return v
}

func instructionsFor(t *txn) []instruction {
	total := rupiah(t.shopperAmount())
	switch {
	case t.QRString != "":
		return []instruction{{Title: "Pembayaran via QRIS", Steps: []string{"Buka aplikasi e-wallet atau m-banking yang mendukung QRIS.",
			"Pindai kode QR yang ditampilkan.", "Pastikan nominal " + total + " sudah benar.", "Konfirmasi pembayaran."}}}
	case t.PayURL != "":
		return []instruction{{Title: "Pembayaran via " + t.MethodName, Steps: []string{"Klik tombol bayar untuk diarahkan ke " + t.MethodName + ".",
			"Masuk ke akun Anda.", "Konfirmasi pembayaran " + total + "."}}}
	}
	return []instruction{
		{Title: "Internet Banking", Steps: []string{"Masuk ke internet banking.", "Pilih menu pembayaran " + t.MethodName + ".",
			"Masukkan kode bayar <b>" + t.PayCode + "</b>.", "Pastikan nominal " + total + " lalu konfirmasi."}},
		{Title: "Mobile Banking / Kasir", Steps: []string{"Sebutkan atau masukkan kode bayar " + t.PayCode + ".", "Bayar " + total + " dan simpan bukti pembayaran."}},
	}
}

func (s *Sandbox) lookupLocked(ref string) *txn {
	t := s.txns[ref]
	if t != nil {
		s.expireDueLocked(t, s.now())
	}
	return t
}

// detail answers GET transaction/detail?reference=.
func (s *Sandbox) detail(q url.Values) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.lookupLocked(q.Get("reference"))
	if t == nil {
		return failReply(http.StatusNotFound, msgNotFound)
	}
	return okReply(s.viewLocked(t, false), "Transaction found")
}

// checkStatus answers GET transaction/check-status?reference= with only a sentence.
func (s *Sandbox) checkStatus(q url.Values) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.lookupLocked(q.Get("reference"))
	if t == nil {
		return failReply(http.StatusNotFound, msgNotFound)
	}
	return okReply(nil, "Status transaksi saat ini "+t.Status)
}

// merchantTransactions answers GET merchant/transactions, filtered by
// reference, merchant_ref, method and status, newest first (sort=asc for
// oldest first), paged by page and per_page (max 50). No match: success
// with an empty list.
func (s *Sandbox) merchantTransactions(q url.Values) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	var rows []txnJSON
	for _, t := range s.all {
		s.expireDueLocked(t, now)
		if (q.Get("reference") != "" && t.Reference != q.Get("reference")) || (q.Get("merchant_ref") != "" && t.MerchantRef != q.Get("merchant_ref")) ||
			(q.Get("method") != "" && t.Method != q.Get("method")) || (q.Get("status") != "" && t.Status != q.Get("status")) {
			continue
		}
		v := s.viewLocked(t, false)
		v.Instructions, v.QRString, v.QRURL = nil, nil, nil
		rows = append(rows, v)
	}
	sort := "desc"
	if q.Get("sort") == "asc" {
		sort = "asc"
	} else {
		for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
			rows[i], rows[j] = rows[j], rows[i]
		}
	}
	per, _ := strconv.Atoi(q.Get("per_page"))
	if per <= 0 || per > 50 {
		per = 50
	}
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	last := max((len(rows)+per-1)/per, 1)
	from, to := min((page-1)*per, len(rows)), min(page*per, len(rows))
	data := append([]txnJSON{}, rows[from:to]...)
	env := struct {
		envelope
		Data       []txnJSON `json:"data"`
		Pagination any       `json:"pagination"`
	}{envelope: envelope{Success: true, Message: "Success"}, Data: data, Pagination: map[string]any{
		"sort": sort, "offset": map[string]int{"from": from + 1, "to": to}, "current_page": page,
		"previous_page": pageOrNull(page-1, last), "next_page": pageOrNull(page+1, last), "last_page": last,
		"per_page": per, "total_records": len(rows)}}
	return reply{status: http.StatusOK, ctype: "application/json", body: simhttp.Marshal(env)}
}

func pageOrNull(p, last int) any {
	if p < 1 || p > last {
		return nil
	}
	return p
}

// Transaction returns a snapshot of the transaction with reference ref.
func (s *Sandbox) Transaction(ref string) (Transaction, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.lookupLocked(ref)
	if t == nil {
		return Transaction{}, false
	}
	out := t.Transaction
	out.Items = append([]Item(nil), t.Items...)
	return out, true
}

// Transactions returns snapshots of all transactions, oldest first.
func (s *Sandbox) Transactions() []Transaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Transaction, len(s.all))
	for i, t := range s.all {
		out[i] = t.Transaction
		out[i].Items = append([]Item(nil), t.Items...)
	}
	return out
}
