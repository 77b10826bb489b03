package hooks_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/payment"
	"github.com/vipbase/vipbase/payment/tripay"
	tripaysandbox "github.com/vipbase/vipbase/payment/tripay/sandbox"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

// payEnv is an env whose Tripay simulator delivers its notifications to the
// app over real HTTP (a loopback server around the app's router).
type payEnv struct {
	*env
	tp     *tripaysandbox.Server
	public string // the app's loopback URL (VIPBASE_PUBLIC_URL)
}

// newPayEnv builds a synced store paid through a fresh Tripay simulator
// (notification retries compressed to a few milliseconds).
func newPayEnv(t *testing.T, opts ...envOption) *payEnv {
	t.Helper()
	tp, err := tripaysandbox.Start(tripaysandbox.Config{Seed: 7,
		RetrySchedule: []time.Duration{5 * time.Millisecond, 10 * time.Millisecond, 20 * time.Millisecond}})
	require.NoError(t, err)
	t.Cleanup(tp.Close)
	var e *env
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { e.handler().ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	gw := tripay.New(tp.APIKey(), tp.PrivateKey(), tp.MerchantCode(), tripay.WithBaseURL(tp.URL),
		tripay.WithTimeout(2*time.Second), tripay.WithRetry(3, time.Millisecond, 5*time.Millisecond))
	opts = append([]envOption{func(c *hooks.Config, _ *sandbox.Config) {
		c.Gateways = []payment.Gateway{gw}
		c.PublicURL = srv.URL
	}}, opts...)
	e = newEnv(t, opts...)
	e.handler() // OnServe: routes and the notification workers
	e.ready()
	return &payEnv{env: e, tp: tp, public: srv.URL}
}

// checkout posts /api/checkout and returns the answer.
func (e *payEnv) checkout(token string, body map[string]any, headers ...string) response {
	e.t.Helper()
	return e.do(http.MethodPost, "/api/checkout", token, body, headers...)
}

// checkoutOK checks out and returns the order number, payment number,
// gateway reference and access token.
func (e *payEnv) checkoutOK(token string, body map[string]any) (order, pay, ref, accessToken string) {
	e.t.Helper()
	r := e.checkout(token, body)
	require.Equal(e.t, http.StatusCreated, r.Status, r.Raw)
	d := r.data()
	p := e.record("payments", "number = {:n}", map[string]any{"n": d["payment"].(map[string]any)["number"]})
	return d["order"].(map[string]any)["orderNumber"].(string), p.GetString("number"), p.GetString("reference"), d["accessToken"].(string)
}

// settle waits until the simulator has delivered every notification and
// the app has processed them, and every dispatch they started is done.
func (e *payEnv) settle() {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	e.tp.Flush()
	require.NoError(e.t, e.svc.WaitPayments(ctx))
	e.svc.WaitDispatches()
}

func (e *payEnv) payment(number string) *paymentRow {
	e.t.Helper()
	p := e.record("payments", "number = {:n}", map[string]any{"n": number})
	return &paymentRow{Status: p.GetString("status"), Review: p.GetString("review"), RefundDue: int64(p.GetInt("refund_due")),
		Total: int64(p.GetInt("total")), Reference: p.GetString("reference"), Order: p.GetString("order")}
}

type paymentRow struct {
	Status, Review, Reference, Order string
	RefundDue, Total                 int64
}

func prepaidCheckout(channel, phone string) map[string]any {
	return map[string]any{"category": "prepaid", "service": "TELKOMSEL_10K", "target": "081234567890",
		"channel": channel, "phone": phone}
}
