package sandbox

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Item is one order_items line.
type Item struct {
	SKU      string `json:"sku"`
	Name     string `json:"name"`
	Price    int64  `json:"price"`
	Quantity int64  `json:"quantity"`
}

// createReq is a decoded create request; numbers are kept as text for the
// signature and parsed after.
type createReq struct {
	Method, MerchantRef, Amount                 string
	CustomerName, CustomerEmail, CustomerPhone  string
	CallbackURL, ReturnURL, ExpiredTime, Signer string
	Items                                       []Item
	itemsBad                                    bool
}

// jsonText accepts a JSON string or number as text.
type jsonText string

func (t *jsonText) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*t = jsonText(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*t = jsonText(n)
	return nil
}

type jsonItem struct {
	SKU      jsonText `json:"sku"`
	Name     jsonText `json:"name"`
	Price    jsonText `json:"price"`
	Quantity jsonText `json:"quantity"`
}

// parseCreate reads a JSON body or a form (urlencoded or multipart, with
// PHP-style order_items[0][name] keys).
func parseCreate(ctype string, body []byte) (createReq, bool) {
	mt, params, _ := mime.ParseMediaType(ctype)
	if mt == "application/json" {
		var j struct {
			Method, MerchantRef, Amount, CustomerName, CustomerEmail, CustomerPhone jsonText
			CallbackURL, ReturnURL, ExpiredTime, Signature                          jsonText
			OrderItems                                                              []jsonItem
		}
		var raw map[string]json.RawMessage
		if json.Unmarshal(body, &raw) != nil {
			return createReq{}, false
		}
		for k, p := range map[string]*jsonText{"method": &j.Method, "merchant_ref": &j.MerchantRef, "amount": &j.Amount,
			"customer_name": &j.CustomerName, "customer_email": &j.CustomerEmail, "customer_phone": &j.CustomerPhone,
			"callback_url": &j.CallbackURL, "return_url": &j.ReturnURL, "expired_time": &j.ExpiredTime, "signature": &j.Signature} {
			if v, ok := raw[k]; ok && string(v) != "null" && json.Unmarshal(v, p) != nil {
				return createReq{}, false
			}
		}
		req := createReq{Method: string(j.Method), MerchantRef: string(j.MerchantRef), Amount: string(j.Amount),
			CustomerName: string(j.CustomerName), CustomerEmail: string(j.CustomerEmail), CustomerPhone: string(j.CustomerPhone),
			CallbackURL: string(j.CallbackURL), ReturnURL: string(j.ReturnURL), ExpiredTime: string(j.ExpiredTime), Signer: string(j.Signature)}
		if v, ok := raw["order_items"]; ok && json.Unmarshal(v, &j.OrderItems) != nil {
			req.itemsBad = true
		}
		for _, it := range j.OrderItems {
			req.Items = append(req.Items, toItem(string(it.SKU), string(it.Name), string(it.Price), string(it.Quantity), &req.itemsBad))
		}
		return req, true
	}
	var form url.Values
	switch mt {
	case "multipart/form-data":
		r, err := http.NewRequest(http.MethodPost, "/", strings.NewReader(string(body)))
		if err != nil {
			return createReq{}, false
		}
		r.Header.Set("Content-Type", "multipart/form-data; boundary="+params["boundary"])
		if r.ParseMultipartForm(1<<20) != nil {
			return createReq{}, false
		}
		form = r.PostForm
	default:
		var err error
		if form, err = url.ParseQuery(string(body)); err != nil {
			return createReq{}, false
		}
	}
	req := createReq{Method: form.Get("method"), MerchantRef: form.Get("merchant_ref"), Amount: form.Get("amount"),
		CustomerName: form.Get("customer_name"), CustomerEmail: form.Get("customer_email"), CustomerPhone: form.Get("customer_phone"),
		CallbackURL: form.Get("callback_url"), ReturnURL: form.Get("return_url"), ExpiredTime: form.Get("expired_time"), Signer: form.Get("signature")}
	for i := 0; ; i++ {
		k := fmt.Sprintf("order_items[%d]", i)
		if _, ok := form[k+"[name]"]; !ok {
			break
		}
		req.Items = append(req.Items, toItem(form.Get(k+"[sku]"), form.Get(k+"[name]"), form.Get(k+"[price]"), form.Get(k+"[quantity]"), &req.itemsBad))
	}
	return req, true
}

func toItem(sku, name, price, qty string, bad *bool) Item {
	p, err1 := strconv.ParseInt(price, 10, 64)
	q, err2 := strconv.ParseInt(qty, 10, 64)
	if err1 != nil || err2 != nil || name == "" || q <= 0 || p < 0 {
		*bad = true
	}
	return Item{SKU: sku, Name: name, Price: p, Quantity: q}
}

// create answers POST transaction/create. Checks, in order: body, required
// fields, signature, channel, amount range, items sum, phone, merchant_ref
// reuse, expiry window.
func (s *Sandbox) create(c call) reply {
	req, ok := parseCreate(c.ctype, c.body)
	if !ok {
		return failReply(http.StatusBadRequest, "Invalid request body")
	}
	for _, f := range [][2]string{{"method", req.Method}, {"merchant_ref", req.MerchantRef}, {"amount", req.Amount},
		{"customer_name", req.CustomerName}, {"customer_email", req.CustomerEmail}, {"signature", req.Signer}} {
		if strings.TrimSpace(f[1]) == "" {
			return failReply(http.StatusBadRequest, "The "+strings.ReplaceAll(f[0], "_", " ")+" field is required.")
		}
	}
	if len(req.Items) == 0 {
		return failReply(http.StatusBadRequest, "The order items field is required.")
	}
	want := hmacHex(s.cfg.PrivateKey, s.cfg.MerchantCode+req.MerchantRef+req.Amount)
	if subtle.ConstantTimeCompare([]byte(strings.ToLower(req.Signer)), []byte(want)) != 1 {
		return failReply(http.StatusBadRequest, msgBadSignature)
	}
	amount, err := strconv.ParseInt(req.Amount, 10, 64)
	if err != nil || amount <= 0 {
		return failReply(http.StatusBadRequest, "The amount must be an integer.")
	}
	if req.itemsBad {
		return failReply(http.StatusBadRequest, "Invalid order items: each needs a name, an integer price and a quantity of at least 1")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channelLocked(req.Method)
	if ch == nil {
		return failReply(http.StatusBadRequest, "Payment channel not found")
	}
	if !ch.active {
		return failReply(http.StatusBadRequest, "Payment channel is not enabled")
	}
	if amount < ch.minAmount {
		return failReply(http.StatusBadRequest, fmt.Sprintf("Minimum amount for %s is %s", ch.name, rupiah(ch.minAmount)))
	}
	if ch.maxAmount > 0 && amount > ch.maxAmount {
		return failReply(http.StatusBadRequest, fmt.Sprintf("Maximum amount for %s is %s", ch.name, rupiah(ch.maxAmount)))
	}
	var sum int64
	for _, it := range req.Items {
		sum += it.Price * it.Quantity
	}
	if sum != amount {
		return failReply(http.StatusBadRequest, fmt.Sprintf("The total price of order items (%d) does not match the amount (%d)", sum, amount))
	}
	if ch.needsPhone && strings.TrimSpace(req.CustomerPhone) == "" {
		return failReply(http.StatusBadRequest, "The customer phone field is required for "+ch.name)
	}
	now := s.now()
	for _, t := range s.all {
		s.expireDueLocked(t, now)
		if t.MerchantRef == req.MerchantRef && (t.Status == StatusUnpaid || t.Status == StatusPaid) {
			return failReply(http.StatusBadRequest, "Duplicate merchant_ref: a transaction with this merchant_ref is still "+t.Status)
		}
	}
	expires := now.Add(min(24*time.Hour, ch.maxExpiry)).Truncate(time.Second)
	if req.ExpiredTime != "" {
		unix, err := strconv.ParseInt(req.ExpiredTime, 10, 64)
		if err != nil {
			return failReply(http.StatusBadRequest, "The expired time must be a unix timestamp.")
		}
		expires = time.Unix(unix, 0)
		if d := expires.Sub(now); d < ch.minExpiry-time.Second || d > ch.maxExpiry+time.Second {
			return failReply(http.StatusBadRequest, fmt.Sprintf("Expired time for %s must be between %s and %s from now",
				ch.name, minutes(ch.minExpiry), minutes(ch.maxExpiry)))
		}
	}
	t := s.newTxnLocked(ch, req, amount, now, expires, c.base)
	return okReply(s.viewLocked(t, true), "")
}

func rupiah(v int64) string {
	s := strconv.FormatInt(v, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "." + s[i:]
	}
	return "Rp " + s
}

func minutes(d time.Duration) string { return strconv.Itoa(int(d/time.Minute)) + " minutes" }
