package midtrans

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/payment"
)

const (
	testNumber   = "PAY-1765000000-AB12C"
	snapAnswer   = `{"token":"66e4fa55-fdac-4ef9-91b5-733b97d1b862","redirect_url":"https://app.sandbox.midtrans.com/snap/v4/redirection/66e4fa55-fdac-4ef9-91b5-733b97d1b862"}`
	snapCheckout = "https://app.sandbox.midtrans.com/snap/v4/redirection/66e4fa55-fdac-4ef9-91b5-733b97d1b862"
)

func createReq() payment.CreateRequest {
	return payment.CreateRequest{
		Number: testNumber, Channel: "MIDTRANS", Amount: 10_000,
		Items:    []payment.Item{{SKU: "ML86", Name: "86 Diamonds", Price: 5_000, Quantity: 2}},
		Customer: payment.Customer{Name: "Budi", Email: "budi@example.com", Phone: "6281234567890"},
		// 30 minutes and 1 second from testNow: 31 minutes, rounded up.
		ExpiresAt:   testNow.Add(30*time.Minute + time.Second),
		CallbackURL: "https://store.example/api/payments/midtrans",
		ReturnURL:   "https://store.example/checkout/" + testNumber,
	}
}

func TestCreate(t *testing.T) {
	f := newFake(t, reply(201, snapAnswer))
	tx, err := f.client().Create(context.Background(), createReq())
	require.NoError(t, err)

	req := f.last(t)
	assert.Equal(t, http.MethodPost, req.Method)
	assert.Equal(t, "/snap/v1/transactions", req.Path)
	assert.Equal(t, "Basic "+base64.StdEncoding.EncodeToString([]byte(testServerKey+":")), req.Header.Get("Authorization"))
	user, pass, ok := (&http.Request{Header: req.Header}).BasicAuth()
	require.True(t, ok)
	assert.Equal(t, testServerKey, user)
	assert.Empty(t, pass)
	assert.Equal(t, "application/json", req.Header.Get("Content-Type"))
	assert.Equal(t, "https://store.example/api/payments/midtrans", req.Header.Get(OverrideNotificationHeader))
	assert.JSONEq(t, `{
		"transaction_details":{"order_id":"PAY-1765000000-AB12C","gross_amount":10000},
		"item_details":[{"id":"ML86","name":"86 Diamonds","price":5000,"quantity":2}],
		"customer_details":{"first_name":"Budi","email":"budi@example.com","phone":"6281234567890"},
		"expiry":{"start_time":"2025-12-06 12:00:00 +0700","unit":"minute","duration":31},
		"callbacks":{"finish":"https://store.example/checkout/PAY-1765000000-AB12C"}}`, string(req.Body))
	assert.Equal(t, 1, f.total())

	assert.Equal(t, payment.Transaction{
		Reference: testNumber, Number: testNumber, Channel: "MIDTRANS",
		Amount: 10_000, Total: 10_000, Status: payment.StatusUnpaid,
		CheckoutURL: snapCheckout, ExpiresAt: createReq().ExpiresAt,
	}, tx)
}

// A 200 is as good as Snap's usual 201.
func TestCreateAccepts200(t *testing.T) {
	f := newFake(t, reply(200, snapAnswer))
	tx, err := f.client().Create(context.Background(), createReq())
	require.NoError(t, err)
	assert.Equal(t, snapCheckout, tx.CheckoutURL)
}

// Optional parts are left out, not sent empty; the expiry never is.
func TestCreateOmitsOptionalFields(t *testing.T) {
	f := newFake(t, reply(201, snapAnswer))
	r := createReq()
	r.Customer, r.CallbackURL, r.ReturnURL, r.Items, r.Channel = payment.Customer{}, "", "", nil, ""
	r.ExpiresAt = testNow.Add(10 * time.Second)
	_, err := f.client().Create(context.Background(), r)
	require.NoError(t, err)
	req := f.last(t)
	assert.JSONEq(t, `{"transaction_details":{"order_id":"PAY-1765000000-AB12C","gross_amount":10000},
		"expiry":{"start_time":"2025-12-06 12:00:00 +0700","unit":"minute","duration":1}}`, string(req.Body))
	assert.Empty(t, req.Header.Values(OverrideNotificationHeader))
}

func TestCreateStartTimeIsJakartaWhateverTheClock(t *testing.T) {
	f := newFake(t, reply(201, snapAnswer))
	c := f.client()
	c.now = func() time.Time { return time.Date(2025, 12, 31, 23, 30, 5, 999, time.FixedZone("X", -5*3600)) }
	r := createReq()
	r.ExpiresAt = c.now().Add(2 * time.Hour)
	_, err := c.Create(context.Background(), r)
	require.NoError(t, err)
	assert.Contains(t, string(f.last(t).Body), `"expiry":{"start_time":"2026-01-01 11:30:05 +0700","unit":"minute","duration":120}`)
}

func TestCreateTruncatesItemNames(t *testing.T) {
	f := newFake(t, reply(201, snapAnswer))
	r := createReq()
	r.Items[0].Name = strings.Repeat("é", 60)
	_, err := f.client().Create(context.Background(), r)
	require.NoError(t, err)
	assert.Contains(t, string(f.last(t).Body), `"name":"`+strings.Repeat("é", 50)+`"`)
}

func TestExpiryMinutes(t *testing.T) {
	for d, want := range map[time.Duration]int64{
		-time.Hour: 1, 0: 1, time.Second: 1, time.Minute: 1, time.Minute + time.Nanosecond: 2,
		60 * time.Minute: 60, 24 * time.Hour: 1440,
	} {
		assert.Equal(t, want, expiryMinutes(testNow, testNow.Add(d)), d)
	}
}

// Requests Midtrans would refuse never leave the client.
func TestCreateRefusedLocally(t *testing.T) {
	cases := map[string]func(r *payment.CreateRequest){
		"no number":       func(r *payment.CreateRequest) { r.Number = "" },
		"number too long": func(r *payment.CreateRequest) { r.Number = strings.Repeat("A", 51) },
		"number space":    func(r *payment.CreateRequest) { r.Number = "PAY 1" },
		"number slash":    func(r *payment.CreateRequest) { r.Number = "PAY/1" },
		"number unicode":  func(r *payment.CreateRequest) { r.Number = "PAY-é" },
		"other channel":   func(r *payment.CreateRequest) { r.Channel = "QRIS" },
		"zero amount":     func(r *payment.CreateRequest) { r.Amount, r.Items = 0, nil },
		"no expiry":       func(r *payment.CreateRequest) { r.ExpiresAt = time.Time{} },
		"items short":     func(r *payment.CreateRequest) { r.Items[0].Quantity = 1 },
		"items over": func(r *payment.CreateRequest) {
			r.Items = append(r.Items, payment.Item{Name: "fee", Price: 1, Quantity: 1})
		},
		"negative price":    func(r *payment.CreateRequest) { r.Items[0].Price = -5_000; r.Amount = -10_000 },
		"zero quantity":     func(r *payment.CreateRequest) { r.Items[0].Quantity = 0 },
		"item without name": func(r *payment.CreateRequest) { r.Items[0].Name = " " },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, reply(201, snapAnswer))
			r := createReq()
			mutate(&r)
			_, err := f.client().Create(context.Background(), r)
			var refused *payment.RefusedError
			require.ErrorAs(t, err, &refused)
			assert.Equal(t, Name, refused.Gateway)
			assert.Equal(t, "create", refused.Op)
			assert.True(t, strings.HasPrefix(refused.Message, "not sent: "), refused.Message)
			assert.NotErrorIs(t, err, payment.ErrUnknownOutcome)
			assert.Zero(t, f.total(), "nothing is sent")
		})
	}

	// The longest order_id and every allowed character pass.
	f := newFake(t, reply(201, snapAnswer))
	r := createReq()
	r.Number = "Az09-_~." + strings.Repeat("x", 42)
	_, err := f.client().Create(context.Background(), r)
	require.NoError(t, err)
}

// A 4xx with Midtrans's reasons is a definite refusal; everything else
// after sending may have created the transaction. Neither is retried.
func TestCreateRefusalOrUnknownOutcome(t *testing.T) {
	refusals := map[string]struct {
		status int
		body   string
		want   string
	}{
		"taken": {400, `{"error_messages":["transaction_details.order_id has already been taken"]}`,
			"transaction_details.order_id has already been taken"},
		"taken id": {400, `{"error_messages":["transaction_details.order_id sudah digunakan"]}`,
			"transaction_details.order_id sudah digunakan"},
		"several": {400, `{"error_messages":["transaction_details.gross_amount is not equal to the sum of item_details","customer_details.email format is invalid"]}`,
			"transaction_details.gross_amount is not equal to the sum of item_details; customer_details.email format is invalid"},
		"401": {401, `{"error_messages":["Access denied due to unauthorized transaction, please check client or server key"]}`,
			"credentials refused (HTTP 401): Access denied due to unauthorized transaction, please check client or server key"},
		"401 html": {401, `{}`, "credentials refused (HTTP 401)"},
		"409":      {409, `{"error_messages":["conflict"]}`, "conflict"},
	}
	for name, tc := range refusals {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, reply(tc.status, tc.body))
			_, err := f.client().Create(context.Background(), createReq())
			var refused *payment.RefusedError
			require.ErrorAs(t, err, &refused)
			assert.Equal(t, &payment.RefusedError{Gateway: Name, Op: "create", Message: tc.want}, refused)
			assert.NotErrorIs(t, err, payment.ErrUnknownOutcome)
			assert.Equal(t, 1, f.total())
		})
	}

	unknown := map[string]func(http.ResponseWriter, *http.Request, int){
		"500":                  reply(500, `{"error_messages":["Sorry, we encountered internal server error"]}`),
		"503 html":             reply(503, "<html>Service Unavailable</html>"),
		"502 empty":            reply(502, ""),
		"garbage 201":          reply(201, "not json"),
		"201 without url":      reply(201, `{"token":"abc"}`),
		"201 url not a url":    reply(201, `{"token":"abc","redirect_url":"javascript:alert(1)"}`),
		"201 url not a string": reply(201, `{"token":"abc","redirect_url":{"x":1}}`),
		"400 without messages": reply(400, `{"message":"bad"}`),
		"404 html":             reply(404, "<html>Not Found</html>"),
		"429":                  reply(429, `{"error_messages":["slow down"]}`),
		"302":                  reply(302, `{}`),
		"timeout":              blockUntilClientGivesUp,
	}
	for name, respond := range unknown {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, respond)
			_, err := f.client(WithTimeout(100*time.Millisecond)).Create(context.Background(), createReq())
			require.ErrorIs(t, err, payment.ErrUnknownOutcome)
			require.ErrorIs(t, err, payment.ErrTransport)
			var refused *payment.RefusedError
			assert.False(t, errors.As(err, &refused), "not a refusal")
			assert.Equal(t, 1, f.total(), "a create is never retried")
		})
	}
}

func TestCreateTimeoutNamed(t *testing.T) {
	f := newFake(t, blockUntilClientGivesUp)
	_, err := f.client(WithTimeout(50*time.Millisecond)).Create(context.Background(), createReq())
	require.ErrorIs(t, err, payment.ErrUnknownOutcome)
	assert.Contains(t, err.Error(), "timed out after 50ms")
}

func TestCreateCallerContextEnded(t *testing.T) {
	f := newFake(t, blockUntilClientGivesUp)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := f.client().Create(ctx, createReq())
	require.ErrorIs(t, err, payment.ErrUnknownOutcome)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestUnconfigured(t *testing.T) {
	f := newFake(t, reply(201, snapAnswer))
	c := New("  ", WithSnapURL(f.srv.URL), WithCoreURL(f.srv.URL))
	assert.False(t, c.Configured())
	ctx := context.Background()
	_, err := c.Create(ctx, createReq())
	assert.ErrorIs(t, err, payment.ErrNotConfigured)
	_, err = c.Status(ctx, testNumber)
	assert.ErrorIs(t, err, payment.ErrNotConfigured)
	_, err = c.Find(ctx, testNumber)
	assert.ErrorIs(t, err, payment.ErrNotConfigured)
	assert.ErrorIs(t, c.Expire(ctx, testNumber), payment.ErrNotConfigured)
	_, err = c.Channels(ctx)
	assert.ErrorIs(t, err, payment.ErrNotConfigured)
	_, err = c.Verify(nil, []byte(`{}`))
	assert.ErrorIs(t, err, payment.ErrNotConfigured)
	assert.Zero(t, f.total())
}
