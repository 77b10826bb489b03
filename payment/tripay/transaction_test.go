package tripay

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/payment"
)

// txJSON is a transaction as Tripay answers it: amount is what the shopper
// pays (goods 10.000 + fee_customer 820).
const txJSON = `{"reference":"T9876512345ABCDE","merchant_ref":"PAY-1765000000-AB12C","payment_selection_type":"static",` +
	`"payment_method":"QRIS","payment_name":"QRIS by ShopeePay","customer_name":"Budi","customer_email":"budi@example.com",` +
	`"amount":10820,"fee_merchant":0,"fee_customer":820,"total_fee":820,"amount_received":10000,` +
	`"pay_code":null,"checkout_url":"https://tripay.co.id/checkout/T9876512345ABCDE","status":"UNPAID",` +
	`"expired_time":1765003600,"order_items":[{"sku":"ML86","name":"86 Diamonds","price":5000,"quantity":2,"subtotal":10000}],` +
	`"instructions":[{"title":"Pembayaran via QRIS","steps":["Buka aplikasi","Scan <b>QR</b>"]}],` +
	`"qr_string":"00020101021226","qr_url":"https://tripay.co.id/qr/T9876512345ABCDE"}`

func createReq() payment.CreateRequest {
	return payment.CreateRequest{
		Number: "PAY-1765000000-AB12C", Channel: "QRIS", Amount: 10_000,
		Items:       []payment.Item{{SKU: "ML86", Name: "86 Diamonds", Price: 5_000, Quantity: 2}},
		Customer:    payment.Customer{Name: "Budi", Email: "budi@example.com", Phone: "6281234567890"},
		ExpiresAt:   time.Unix(1765003600, 0),
		CallbackURL: "https://store.example/api/payments/tripay", ReturnURL: "https://store.example/checkout/PAY-1765000000-AB12C",
	}
}

func TestCreate(t *testing.T) {
	f := newFake(t, answer(200, ok(txJSON)))
	tx, err := f.client().Create(context.Background(), createReq())
	require.NoError(t, err)

	// The signature is computed here independently of the client.
	m := hmac.New(sha256.New, []byte(testPrivateKey))
	m.Write([]byte(testMerchant + "PAY-1765000000-AB12C" + "10000"))
	sig := hex.EncodeToString(m.Sum(nil))
	req := f.last(t)
	assert.Equal(t, http.MethodPost, req.Method)
	assert.Equal(t, "/transaction/create", req.Path)
	assert.Equal(t, "Bearer "+testAPIKey, req.Auth)
	assert.Equal(t, "application/json", req.ContentType)
	assert.JSONEq(t, `{"method":"QRIS","merchant_ref":"PAY-1765000000-AB12C","amount":10000,
		"customer_name":"Budi","customer_email":"budi@example.com","customer_phone":"6281234567890",
		"order_items":[{"sku":"ML86","name":"86 Diamonds","price":5000,"quantity":2}],
		"callback_url":"https://store.example/api/payments/tripay",
		"return_url":"https://store.example/checkout/PAY-1765000000-AB12C",
		"expired_time":1765003600,"signature":"`+sig+`"}`, string(req.Body))
	assert.Equal(t, 1, f.total())

	assert.Equal(t, payment.Transaction{
		Reference: "T9876512345ABCDE", Number: "PAY-1765000000-AB12C", Channel: "QRIS",
		Amount: 10_000, Fee: 820, Total: 10_820, Status: payment.StatusUnpaid,
		QRString: "00020101021226", CheckoutURL: "https://tripay.co.id/checkout/T9876512345ABCDE",
		Instructions: []payment.Instruction{{Title: "Pembayaran via QRIS", Steps: []string{"Buka aplikasi", "Scan <b>QR</b>"}}},
		ExpiresAt:    time.Unix(1765003600, 0).UTC(),
	}, tx)
}

// Optional fields are left out, not sent empty.
func TestCreateOmitsOptionalFields(t *testing.T) {
	f := newFake(t, answer(200, ok(txJSON)))
	r := createReq()
	r.Customer.Phone, r.CallbackURL, r.ReturnURL, r.ExpiresAt = "", "", "", time.Time{}
	r.Items[0].SKU = ""
	_, err := f.client().Create(context.Background(), r)
	require.NoError(t, err)
	body := string(f.last(t).Body)
	for _, key := range []string{"customer_phone", "callback_url", "return_url", "expired_time", "sku"} {
		assert.NotContains(t, body, `"`+key+`"`)
	}
}

func TestCreateRefused(t *testing.T) {
	f := newFake(t, answer(400, refused("Invalid signature")))
	_, err := f.client().Create(context.Background(), createReq())
	var refusedErr *payment.RefusedError
	require.ErrorAs(t, err, &refusedErr)
	assert.Equal(t, &payment.RefusedError{Gateway: "tripay", Op: "transaction/create", Message: "Invalid signature"}, refusedErr)
	assert.NotErrorIs(t, err, payment.ErrUnknownOutcome)
	assert.NotErrorIs(t, err, payment.ErrTransport)
	assert.Equal(t, 1, f.count("transaction/create"))
}

// Requests Tripay would refuse are refused before anything is sent.
func TestCreateCheckedBeforeSending(t *testing.T) {
	f := newFake(t, answer(200, ok(txJSON)))
	for name, mutate := range map[string]func(*payment.CreateRequest){
		"no number":           func(r *payment.CreateRequest) { r.Number = " " },
		"no channel":          func(r *payment.CreateRequest) { r.Channel = "" },
		"zero amount":         func(r *payment.CreateRequest) { r.Amount, r.Items = 0, nil },
		"no items":            func(r *payment.CreateRequest) { r.Items = nil },
		"items do not add up": func(r *payment.CreateRequest) { r.Items[0].Quantity = 3 },
		"zero quantity":       func(r *payment.CreateRequest) { r.Items[0].Quantity, r.Amount = 0, 0 },
	} {
		r := createReq()
		mutate(&r)
		_, err := f.client().Create(context.Background(), r)
		var refusedErr *payment.RefusedError
		assert.ErrorAs(t, err, &refusedErr, name)
	}
	_, err := New("", testPrivateKey, testMerchant, WithBaseURL(f.srv.URL)).Create(context.Background(), createReq())
	assert.ErrorIs(t, err, payment.ErrNotConfigured)
	assert.Equal(t, 0, f.total())
}

// Whatever goes wrong after sending, a create is in doubt and sent once.
func TestCreateUnknownOutcomeNeverRetried(t *testing.T) {
	for name, respond := range map[string]func(http.ResponseWriter, *http.Request, int){
		"timeout":            blockUntilClientGivesUp,
		"502 HTML":           answer(502, "<html>Bad Gateway</html>"),
		"500 with envelope":  answer(500, ok(txJSON)),
		"garbage":            answer(200, "Warning: mysqli_connect(): …"),
		"no success field":   answer(200, `{"message":"ok","data":{}}`),
		"success:true 4xx":   answer(403, ok(txJSON)),
		"data not an object": answer(200, ok(`"created"`)),
		"no reference":       answer(200, ok(`{"status":"UNPAID","amount":10820}`)),
		"unknown status":     answer(200, ok(strings.Replace(txJSON, `"UNPAID"`, `"PROCESSING"`, 1))),
		"fractional amount":  answer(200, ok(strings.Replace(txJSON, `"amount":10820`, `"amount":10820.5`, 1))),
		"oversize":           answer(200, ok(`{"pad":"`+strings.Repeat("x", 2048)+`"}`)),
		"connection refused": nil,
	} {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, respond)
			opts := []Option{WithTimeout(50 * time.Millisecond), WithBodyLimit(1024)}
			if respond == nil {
				f.srv.Close()
			}
			_, err := f.client(opts...).Create(context.Background(), createReq())
			require.ErrorIs(t, err, payment.ErrUnknownOutcome)
			require.ErrorIs(t, err, payment.ErrTransport)
			var refusedErr *payment.RefusedError
			assert.False(t, errors.As(err, &refusedErr))
			if respond != nil {
				assert.Equal(t, 1, f.count("transaction/create"))
				assert.Equal(t, 1, f.total())
			}
		})
	}
}

// The caller's cancelled context is reachable through the error.
func TestCreateCallerContextEnded(t *testing.T) {
	f := newFake(t, blockUntilClientGivesUp)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err := f.client().Create(ctx, createReq())
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.ErrorIs(t, err, payment.ErrUnknownOutcome)
	assert.Equal(t, 1, f.total())
}

func TestStatus(t *testing.T) {
	paid := strings.Replace(strings.Replace(txJSON, `"UNPAID"`, `"PAID"`, 1), `"expired_time"`, `"paid_at":1765000100,"expired_time"`, 1)
	f := newFake(t, answer(200, ok(paid)))
	tx, err := f.client().Status(context.Background(), "T9876512345ABCDE")
	require.NoError(t, err)
	req := f.last(t)
	assert.Equal(t, http.MethodGet, req.Method)
	assert.Equal(t, "/transaction/detail", req.Path)
	assert.Equal(t, "T9876512345ABCDE", req.Query.Get("reference"))
	assert.Equal(t, "Bearer "+testAPIKey, req.Auth)
	assert.Equal(t, payment.StatusPaid, tx.Status)
	assert.Equal(t, time.Unix(1765000100, 0).UTC(), tx.PaidAt)
	assert.Equal(t, []int64{10_000, 820, 10_820}, []int64{tx.Amount, tx.Fee, tx.Total})

	// A short payment is reported as paid, as is: comparing is the caller's job.
	f = newFake(t, answer(200, ok(strings.Replace(paid, `"amount":10820`, `"amount":"9000"`, 1))))
	tx, err = f.client().Status(context.Background(), "T9876512345ABCDE")
	require.NoError(t, err)
	assert.Equal(t, []int64{10_000, 820, 9_000}, []int64{tx.Amount, tx.Fee, tx.Total})
}

func TestStatusNotFound(t *testing.T) {
	f := newFake(t, answer(404, refused("Transaction not found")))
	_, err := f.client().Status(context.Background(), "T0")
	assert.ErrorIs(t, err, payment.ErrNotFound)
	var refusedErr *payment.RefusedError
	assert.ErrorAs(t, err, &refusedErr)
	assert.Equal(t, 1, f.total(), "a refusal is not retried")

	f = newFake(t, answer(400, refused("Invalid API key")))
	_, err = f.client().Status(context.Background(), "T0")
	assert.NotErrorIs(t, err, payment.ErrNotFound)
	assert.ErrorAs(t, err, &refusedErr)
}

func TestFind(t *testing.T) {
	other := strings.Replace(txJSON, "PAY-1765000000-AB12C", "PAY-1765000000-ZZZZZ", 1)
	paid := strings.Replace(strings.Replace(txJSON, `"UNPAID"`, `"PAID"`, 1), "T9876512345ABCDE", "T2", 1)
	f := newFake(t, answer(200, `{"success":true,"message":"Success","data":[`+other+`,`+txJSON+`,`+paid+`],"pagination":{}}`))
	tx, err := f.client().Find(context.Background(), "PAY-1765000000-AB12C")
	require.NoError(t, err)
	req := f.last(t)
	assert.Equal(t, "/merchant/transactions", req.Path)
	assert.Equal(t, "PAY-1765000000-AB12C", req.Query.Get("merchant_ref"))
	assert.Equal(t, "Bearer "+testAPIKey, req.Auth)
	assert.Equal(t, "T2", tx.Reference, "a paid one wins")

	f = newFake(t, answer(200, ok(`[`+other+`,`+txJSON+`]`)))
	tx, err = f.client().Find(context.Background(), "PAY-1765000000-AB12C")
	require.NoError(t, err)
	assert.Equal(t, "T9876512345ABCDE", tx.Reference, "only our number counts")
}

func TestFindNone(t *testing.T) {
	for name, data := range map[string]string{
		"empty list":        `[]`,
		"null":              `null`,
		"only other number": `[` + strings.Replace(txJSON, "AB12C", "ZZZZZ", 1) + `]`,
	} {
		f := newFake(t, answer(200, ok(data)))
		_, err := f.client().Find(context.Background(), "PAY-1765000000-AB12C")
		assert.ErrorIs(t, err, payment.ErrNotFound, name)
		assert.NotErrorIs(t, err, payment.ErrTransport, name)
		assert.Equal(t, 1, f.total(), name)
	}
}

// An empty reference or number is not sent: for Find it would list every
// transaction.
func TestEmptyLookupsNotSent(t *testing.T) {
	f := newFake(t, answer(200, ok(`[`+txJSON+`]`)))
	_, err := f.client().Find(context.Background(), " ")
	assert.ErrorIs(t, err, payment.ErrNotFound)
	_, err = f.client().Status(context.Background(), "")
	assert.ErrorIs(t, err, payment.ErrNotFound)
	assert.Equal(t, 0, f.total())
}
