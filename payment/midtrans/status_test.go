package midtrans

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/payment"
)

// statusJSON is a Core API status answer for testNumber.
func statusJSON(code, txStatus, fraud, gross string, extra ...string) string {
	s := fmt.Sprintf(`{"status_code":%q,"status_message":"Success, transaction is found","transaction_id":"b6a8c2a0-1111-4c4f-9d4e-2f5e0c1a2b3c",`+
		`"order_id":%q,"gross_amount":%q,"currency":"IDR","payment_type":"qris","transaction_time":"2025-12-06 12:01:00",`+
		`"transaction_status":%q,"fraud_status":%q,"merchant_id":"G123456789"`, code, testNumber, gross, txStatus, fraud)
	for _, e := range extra {
		s += "," + e
	}
	return s + "}"
}

const notFoundJSON = `{"status_code":"404","status_message":"Transaction doesn't exist.","id":"0e1f2a3b-aaaa-bbbb-cccc-ddddeeeeffff"}`

func TestStatusMapping(t *testing.T) {
	paidAt := time.Date(2025, 12, 6, 12, 3, 4, 0, jakarta)
	cases := map[string]struct {
		body string
		want payment.Transaction
	}{
		"pending": {statusJSON("201", "pending", "", "10000.00", `"expiry_time":"2025-12-06 12:31:00"`),
			payment.Transaction{Status: payment.StatusUnpaid, ExpiresAt: time.Date(2025, 12, 6, 12, 31, 0, 0, jakarta)}},
		"settlement": {statusJSON("200", "settlement", "accept", "10000.00", `"settlement_time":"2025-12-06 12:03:04"`),
			payment.Transaction{Status: payment.StatusPaid, PaidAt: paidAt}},
		"settlement without fraud, integer amount": {statusJSON("200", "settlement", "", "10000", `"settlement_time":"2025-12-06 12:03:04"`),
			payment.Transaction{Status: payment.StatusPaid, PaidAt: paidAt}},
		"capture accept": {statusJSON("200", "capture", "accept", "10000.00"),
			payment.Transaction{Status: payment.StatusPaid, PaidAt: time.Date(2025, 12, 6, 12, 1, 0, 0, jakarta)}},
		"capture challenge": {statusJSON("201", "capture", "challenge", "10000.00"),
			payment.Transaction{Status: payment.StatusUnpaid, Hold: "fraud challenge: accept or deny it in the Midtrans dashboard"}},
		"capture deny":   {statusJSON("202", "capture", "deny", "10000.00"), payment.Transaction{Status: payment.StatusFailed}},
		"deny":           {statusJSON("202", "deny", "accept", "10000.00"), payment.Transaction{Status: payment.StatusFailed}},
		"cancel":         {statusJSON("200", "cancel", "", "10000.00"), payment.Transaction{Status: payment.StatusFailed}},
		"expire":         {statusJSON("407", "expire", "", "10000.00"), payment.Transaction{Status: payment.StatusExpired}},
		"refund":         {statusJSON("200", "refund", "accept", "10000.00"), payment.Transaction{Status: payment.StatusRefunded}},
		"partial_refund": {statusJSON("200", "partial_refund", "accept", "10000.00"), payment.Transaction{Status: payment.StatusRefunded}},
		"chargeback":     {statusJSON("200", "chargeback", "accept", "10000.00"), payment.Transaction{Status: payment.StatusRefunded}},
		"paid less": {statusJSON("200", "settlement", "accept", "9000.00"),
			payment.Transaction{Status: payment.StatusPaid, Amount: 9_000, Total: 9_000, PaidAt: time.Date(2025, 12, 6, 12, 1, 0, 0, jakarta)}},
		"va number": {statusJSON("201", "pending", "", "10000.00", `"payment_type":"bank_transfer"`, `"va_numbers":[{"bank":"bca","va_number":"12345678901"}]`),
			payment.Transaction{Status: payment.StatusUnpaid, Channel: "bank_transfer", PayCode: "12345678901"}},
		"mandiri bill": {statusJSON("201", "pending", "", "10000.00", `"payment_type":"echannel"`, `"biller_code":"70012"`, `"bill_key":"990000000001"`),
			payment.Transaction{Status: payment.StatusUnpaid, Channel: "echannel", PayCode: "70012/990000000001"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, reply(200, tc.body))
			want := tc.want
			want.Reference, want.Number = testNumber, testNumber
			if want.Channel == "" {
				want.Channel = "qris"
			}
			if want.Total == 0 {
				want.Amount, want.Total = 10_000, 10_000
			}
			for _, get := range []func(context.Context, string) (payment.Transaction, error){f.client().Status, f.client().Find} {
				tx, err := get(context.Background(), testNumber)
				require.NoError(t, err)
				assert.Equal(t, want, tx)
				if !want.PaidAt.IsZero() {
					assert.True(t, want.PaidAt.Equal(tx.PaidAt))
				}
			}
			req := f.last(t)
			assert.Equal(t, http.MethodGet, req.Method)
			assert.Equal(t, "/v2/"+testNumber+"/status", req.Path)
			user, pass, ok := (&http.Request{Header: req.Header}).BasicAuth()
			assert.True(t, ok && user == testServerKey && pass == "", "Basic auth, Server Key, empty password")
		})
	}
}

// 404 as the HTTP status or in the body: "not started" for Status, not
// found for Find. Neither is retried.
func TestStatusNotFound(t *testing.T) {
	for name, respond := range map[string]func(http.ResponseWriter, *http.Request, int){
		"in body":     reply(200, notFoundJSON),
		"http status": reply(404, notFoundJSON),
		"http bare":   reply(404, `{}`),
		"number code": reply(200, `{"status_code":404,"status_message":"Transaction doesn't exist."}`),
	} {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, respond)
			tx, err := f.client().Status(context.Background(), testNumber)
			require.NoError(t, err)
			assert.Equal(t, payment.Transaction{Reference: testNumber, Number: testNumber, Status: payment.StatusUnpaid}, tx)
			assert.Equal(t, 1, f.total())

			_, err = f.client().Find(context.Background(), testNumber)
			require.ErrorIs(t, err, payment.ErrNotFound)
			assert.NotErrorIs(t, err, payment.ErrTransport)
			assert.Contains(t, err.Error(), testNumber)
			assert.Equal(t, 2, f.total())
		})
	}
}

func TestStatusFailures(t *testing.T) {
	cases := map[string]struct {
		respond func(http.ResponseWriter, *http.Request, int)
		refusal string // "" = a transport failure
	}{
		"unknown status":     {reply(200, statusJSON("200", "authorize", "", "10000.00")), ""},
		"capture unknown":    {reply(200, statusJSON("200", "capture", "maybe", "10000.00")), ""},
		"fractional amount":  {reply(200, statusJSON("200", "settlement", "accept", "10000.50")), ""},
		"amount separator":   {reply(200, statusJSON("200", "settlement", "accept", "10.000")), ""},
		"negative amount":    {reply(200, statusJSON("200", "settlement", "accept", "-10000.00")), ""},
		"bad settlement":     {reply(200, statusJSON("200", "settlement", "accept", "10000.00", `"settlement_time":"yesterday"`)), ""},
		"other order":        {reply(200, strings.Replace(statusJSON("200", "settlement", "accept", "10000.00"), testNumber, "PAY-OTHER", 1)), ""},
		"no status":          {reply(200, `{"status_code":"200","order_id":"`+testNumber+`"}`), ""},
		"bad status_code":    {reply(200, `{"status_code":"ok"}`), ""},
		"5xx in body":        {reply(200, `{"status_code":"500","status_message":"Sorry. Our system is recovering from unexpected issues. Please retry."}`), ""},
		"garbage":            {reply(200, `<html>hi</html>`), ""},
		"401":                {reply(401, `{"status_code":"401","status_message":"Unknown Merchant server_key/id"}`), "credentials refused (HTTP 401): Unknown Merchant server_key/id"},
		"401 in body":        {reply(200, `{"status_code":"401","status_message":"Access denied"}`), "credentials refused (HTTP 401): Access denied"},
		"400 in body":        {reply(200, `{"status_code":"400","status_message":"Validation Error"}`), "status_code 400: Validation Error"},
		"HTTP 400 with body": {reply(400, `{"status_message":"Bad request"}`), "status_code 400: Bad request"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, tc.respond)
			_, err := f.client().Status(context.Background(), testNumber)
			require.Error(t, err)
			assert.NotErrorIs(t, err, payment.ErrUnknownOutcome, "a read is never in doubt")
			assert.NotErrorIs(t, err, payment.ErrNotFound)
			if tc.refusal == "" {
				assert.ErrorIs(t, err, payment.ErrTransport)
				assert.Equal(t, 3, f.total(), "a malformed read is retried")
				return
			}
			assert.Equal(t, &payment.RefusedError{Gateway: Name, Op: "status", Message: tc.refusal}, asRefused(t, err))
			assert.Equal(t, 1, f.total(), "a refusal is not retried")
		})
	}
}

func TestStatusEmptyReferenceNotSent(t *testing.T) {
	f := newFake(t, reply(200, notFoundJSON))
	_, err := f.client().Status(context.Background(), " ")
	require.ErrorIs(t, err, payment.ErrNotFound)
	_, err = f.client().Find(context.Background(), "")
	require.ErrorIs(t, err, payment.ErrNotFound)
	require.ErrorIs(t, f.client().Expire(context.Background(), ""), payment.ErrNotFound)
	assert.Zero(t, f.total())
}

func TestExpire(t *testing.T) {
	cases := map[string]struct {
		respond func(http.ResponseWriter, *http.Request, int)
		refusal string // "" with ok = nil error
		ok      bool
	}{
		"expired":  {respond: reply(200, statusJSON("407", "expire", "", "10000.00")), ok: true},
		"200":      {respond: reply(200, statusJSON("200", "expire", "", "10000.00")), ok: true},
		"404 body": {respond: reply(200, notFoundJSON), ok: true},
		"404 http": {respond: reply(404, notFoundJSON), ok: true},
		"settled": {respond: reply(200, `{"status_code":"412","status_message":"Merchant cannot modify the status of the transaction"}`),
			refusal: "status_code 412: Merchant cannot modify the status of the transaction"},
		"401":      {respond: reply(401, `{"status_code":"401","status_message":"Unknown Merchant server_key/id"}`), refusal: "credentials refused (HTTP 401): Unknown Merchant server_key/id"},
		"201":      {respond: reply(200, `{"status_code":"201","status_message":"?"}`)},
		"5xx":      {respond: reply(503, `oops`)},
		"5xx body": {respond: reply(200, `{"status_code":"503","status_message":"down"}`)},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, tc.respond)
			err := f.client().Expire(context.Background(), testNumber)
			req := f.last(t)
			assert.Equal(t, http.MethodPost, req.Method)
			assert.Equal(t, "/v2/"+testNumber+"/expire", req.Path)
			switch {
			case tc.ok:
				require.NoError(t, err)
				assert.Equal(t, 1, f.total())
			case tc.refusal != "":
				assert.Equal(t, &payment.RefusedError{Gateway: Name, Op: "expire", Message: tc.refusal}, asRefused(t, err))
				assert.Equal(t, 1, f.total())
			default:
				require.ErrorIs(t, err, payment.ErrTransport)
				assert.NotErrorIs(t, err, payment.ErrUnknownOutcome)
				assert.Equal(t, 3, f.total(), "expiring is idempotent, so retried")
			}
		})
	}
}

func asRefused(t *testing.T, err error) *payment.RefusedError {
	t.Helper()
	var refused *payment.RefusedError
	require.ErrorAs(t, err, &refused)
	return refused
}
