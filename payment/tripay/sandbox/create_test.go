package sandbox

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/internal/simhttp"
)

func TestCreateDetailPayNotify(t *testing.T) {
	sb, _, rc := sbWithReceiver(t, Config{})
	c := mustCreate(t, sb, "BRIVA", "INV-1", 50_000)
	assert.True(t, strings.HasPrefix(c.Reference, "T12345"), c.Reference)
	assert.Equal(t, "INV-1", c.MerchantRef)
	assert.Equal(t, StatusUnpaid, c.Status)
	assert.Equal(t, int64(4_250), c.FeeCustomer)
	assert.Equal(t, int64(54_250), c.Amount, "amount is what the shopper pays")
	assert.Equal(t, int64(50_000), c.AmountReceived)
	require.NotNil(t, c.PayCode)
	assert.True(t, strings.HasPrefix(*c.PayCode, "26215"))
	assert.Equal(t, "http://example.com/api-sandbox/sandbox/pay/"+c.Reference, c.CheckoutURL)
	assert.NotEmpty(t, c.Instructions)
	assert.NotEmpty(t, c.Instructions[0].Steps)

	d := detailOf(t, sb, c.Reference)
	assert.Equal(t, StatusUnpaid, d.Status)
	assert.Nil(t, d.PaidAt)

	require.NoError(t, sb.Pay(c.Reference))
	sb.Flush()
	d = detailOf(t, sb, c.Reference)
	assert.Equal(t, StatusPaid, d.Status)
	require.NotNil(t, d.PaidAt)

	got := rc.notices()
	require.Len(t, got, 1)
	assert.True(t, got[0].Valid, "signature over the raw body")
	assert.Equal(t, "payment_status", got[0].Event)
	assert.Equal(t, StatusPaid, got[0].Status)
	assert.Equal(t, int64(54_250), got[0].TotalAmount)
	for _, f := range []string{"reference", "merchant_ref", "payment_method", "payment_method_code", "total_amount",
		"fee_merchant", "fee_customer", "total_fee", "amount_received", "is_closed_payment", "status", "paid_at", "note"} {
		assert.Contains(t, string(got[0].Body), `"`+f+`":`)
	}
}

func TestCreateQRISAndEWallet(t *testing.T) {
	sb, _ := newSB(t, Config{})
	q := mustCreate(t, sb, "QRIS", "INV-Q", 5_000)
	assert.Equal(t, int64(750+35), q.FeeCustomer) // 0,70 % of 5.000 = 35
	assert.True(t, strings.HasPrefix(q.QRString, "000201010212"), q.QRString)
	tail := q.QRString[len(q.QRString)-8:]
	assert.Equal(t, "6304", tail[:4])
	assert.Equal(t, tail[4:], strings.ToUpper(strconv.FormatUint(uint64(crc16(q.QRString[:len(q.QRString)-4])), 16)))
	assert.Nil(t, q.PayCode)
	d := mustCreate(t, sb, "DANA", "INV-D", 5_000)
	require.NotNil(t, d.PayURL)
	assert.Equal(t, int64(1_000), d.FeeCustomer, "3 % of 5.000 is 150, minimum_fee 1.000")
}

func TestCreateForm(t *testing.T) {
	sb, _ := newSB(t, Config{})
	f := url.Values{"method": {"ALFAMART"}, "merchant_ref": {"INV-F"}, "amount": {"20000"},
		"customer_name": {"Budi"}, "customer_email": {"b@example.com"},
		"order_items[0][name]": {"A"}, "order_items[0][price]": {"5000"}, "order_items[0][quantity]": {"2"},
		"order_items[1][name]": {"B"}, "order_items[1][price]": {"10000"}, "order_items[1][quantity]": {"1"},
		"signature": {sign(sb.PrivateKey(), sb.MerchantCode()+"INV-F20000")}}
	req := httptest.NewRequest(http.MethodPost, "/api/transaction/create", strings.NewReader(f.Encode()))
	req.Header.Set("Authorization", "Bearer "+sb.APIKey())
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	a := do(t, sb, req)
	require.True(t, a.Success, a.Message)
	assert.Contains(t, string(a.Data), `"payment_method":"ALFAMART"`)
	assert.NotContains(t, string(sb.Requests()[0].Body), "signature", "the log keeps no signature")
}

func TestCreateRefusals(t *testing.T) {
	sb, _ := newSB(t, Config{})
	mustCreate(t, sb, "BRIVA", "DUP", 20_000)
	cases := []struct {
		name  string
		edit  func(map[string]any)
		code  int
		msg   string
		token string
	}{
		{"bad bearer", nil, 401, "Invalid API Key", "nope"},
		{"bad signature", func(b map[string]any) { b["signature"] = sign("wrong", "x") }, 400, "Invalid signature", ""},
		{"missing name", func(b map[string]any) { delete(b, "customer_name") }, 400, "The customer name field is required.", ""},
		{"unknown channel", func(b map[string]any) { b["method"] = "XXX" }, 400, "Payment channel not found", ""},
		{"inactive channel", func(b map[string]any) { b["method"] = "MUAMALATVA" }, 400, "Payment channel is not enabled", ""},
		{"duplicate merchant_ref", func(b map[string]any) { b["merchant_ref"] = "DUP" }, 400, "Duplicate merchant_ref", ""},
		{"expiry too long", func(b map[string]any) { b["expired_time"] = time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC).Unix() }, 400, "Expired time", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ref := "R-" + strings.ReplaceAll(tc.name, " ", "-")
			b := createBody(sb, "BRIVA", ref, 20_000)
			if tc.edit != nil {
				tc.edit(b)
				if r, ok := b["merchant_ref"].(string); ok && r != ref {
					b["signature"] = sign(sb.PrivateKey(), sb.MerchantCode()+r+"20000")
				}
			}
			if tc.name == "bad signature" {
				b["signature"] = sign("wrong", "x")
			}
			req := httptest.NewRequest(http.MethodPost, "/api-sandbox/transaction/create", strings.NewReader(string(simhttp.Marshal(b))))
			tok := sb.APIKey()
			if tc.token != "" {
				tok = tc.token
			}
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Type", "application/json")
			a := do(t, sb, req)
			assert.False(t, a.Success)
			assert.Equal(t, tc.code, a.code)
			assert.Contains(t, a.Message, tc.msg)
		})
	}
	assert.Len(t, sb.Transactions(), 1, "no refusal created anything")
}

func TestCreateAmountRangeAndItems(t *testing.T) {
	sb, _ := newSB(t, Config{})
	a := postJSON(t, sb, createBody(sb, "BRIVA", "LOW", 9_999))
	assert.False(t, a.Success)
	assert.Equal(t, "Minimum amount for BRI Virtual Account is Rp 10.000", a.Message)
	a = postJSON(t, sb, createBody(sb, "QRIS", "HIGH", 5_000_001))
	assert.False(t, a.Success)
	assert.Contains(t, a.Message, "Maximum amount")
	b := createBody(sb, "QRIS", "SUM", 10_000)
	b["order_items"] = []map[string]any{{"name": "x", "price": 3_000, "quantity": 3}}
	a = postJSON(t, sb, b)
	assert.False(t, a.Success)
	assert.Contains(t, a.Message, "does not match the amount")
	b = createBody(sb, "OVO", "PHONE", 10_000)
	delete(b, "customer_phone")
	a = postJSON(t, sb, b)
	assert.False(t, a.Success)
	assert.Contains(t, a.Message, "customer phone")
}

func TestDuplicateMerchantRefAfterExpiry(t *testing.T) {
	sb, clk := newSB(t, Config{})
	c := mustCreate(t, sb, "QRIS", "AGAIN", 10_000)
	a := postJSON(t, sb, createBody(sb, "QRIS", "AGAIN", 10_000))
	assert.False(t, a.Success)
	clk.Add(2 * time.Hour)
	tx, _ := sb.Transaction(c.Reference)
	assert.Equal(t, StatusExpired, tx.Status)
	c2 := mustCreate(t, sb, "QRIS", "AGAIN", 10_000)
	assert.NotEqual(t, c.Reference, c2.Reference, "an expired merchant_ref may be reused")
}

func TestExpiryWindows(t *testing.T) {
	sb, clk := newSB(t, Config{})
	c := mustCreate(t, sb, "QRIS", "E1", 10_000)
	assert.Equal(t, clk.Now().Add(time.Hour).Unix(), c.ExpiredTime, "QRIS defaults to its 60 min maximum")
	v := mustCreate(t, sb, "BCAVA", "E2", 10_000)
	assert.Equal(t, clk.Now().Add(24*time.Hour).Unix(), v.ExpiredTime, "default 24 h")
	b := createBody(sb, "QRIS", "E3", 10_000)
	b["expired_time"] = clk.Now().Add(5 * time.Minute).Unix()
	a := postJSON(t, sb, b)
	assert.False(t, a.Success)
	assert.Contains(t, a.Message, "between 10 minutes and 60 minutes")
	b = createBody(sb, "QRIS2", "E4", 10_000)
	b["expired_time"] = clk.Now().Add(20 * time.Hour).Unix()
	assert.True(t, postJSON(t, sb, b).Success, "QRIS2 allows up to 24 h")
}
