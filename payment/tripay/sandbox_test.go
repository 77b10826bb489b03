package tripay_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/payment"
	"github.com/vipbase/vipbase/payment/tripay"
	"github.com/vipbase/vipbase/payment/tripay/sandbox"
)

// The client against the simulator, end to end: channels and the fee
// calculator agree, a create is found by number and by reference, a paid
// notification verifies and its total is the transaction's.
func TestAgainstSandbox(t *testing.T) {
	notes := make(chan payment.Notification, 4)
	var c *tripay.Client
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		n, err := c.Verify(r.Header, b)
		assert.NoError(t, err)
		notes <- n
		_, _ = w.Write([]byte(`{"success":true}`))
	}))
	defer cb.Close()
	srv, err := sandbox.Start(sandbox.Config{CallbackURL: cb.URL})
	require.NoError(t, err)
	defer srv.Close()
	c = tripay.New(srv.APIKey(), srv.PrivateKey(), srv.MerchantCode(), tripay.WithBaseURL(srv.URL))
	ctx := context.Background()

	chs, err := c.Channels(ctx)
	require.NoError(t, err)
	groups := map[payment.Group]int{}
	for _, ch := range chs {
		groups[ch.Group]++
		if !ch.Active || !ch.Accepts(50_000) {
			continue
		}
		fee, err := c.FeeFor(ctx, ch.Code, 50_000)
		require.NoError(t, err, ch.Code)
		assert.Equal(t, fee, ch.Customer.For(50_000), ch.Code)
	}
	for _, g := range []payment.Group{payment.GroupQRIS, payment.GroupEWallet, payment.GroupVA, payment.GroupRetail} {
		assert.Positive(t, groups[g], g)
	}

	req := payment.CreateRequest{Number: "PAY-1765000000-AB12C", Channel: "QRIS", Amount: 50_000,
		Items:     []payment.Item{{SKU: "ML86", Name: "86 Diamonds", Price: 25_000, Quantity: 2}},
		Customer:  payment.Customer{Name: "Budi", Email: "budi@example.com", Phone: "6281234567890"},
		ExpiresAt: time.Now().Add(30 * time.Minute)}
	tx, err := c.Create(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, payment.StatusUnpaid, tx.Status)
	assert.Equal(t, int64(50_000), tx.Amount)
	assert.Equal(t, tx.Amount+tx.Fee, tx.Total)
	assert.NotEmpty(t, tx.QRString)

	found, err := c.Find(ctx, req.Number)
	require.NoError(t, err)
	assert.Equal(t, tx.Reference, found.Reference)
	_, err = c.Find(ctx, "PAY-1765000000-NONE0")
	assert.ErrorIs(t, err, payment.ErrNotFound)
	_, err = c.Status(ctx, "T00000000000000")
	assert.ErrorIs(t, err, payment.ErrNotFound)

	require.NoError(t, srv.Pay(tx.Reference))
	select {
	case n := <-notes:
		assert.Equal(t, payment.Notification{Reference: tx.Reference, Number: req.Number, Status: payment.StatusPaid,
			RawStatus: "PAID", Total: tx.Total}, n)
	case <-time.After(5 * time.Second):
		t.Fatal("no notification")
	}
	paid, err := c.Status(ctx, tx.Reference)
	require.NoError(t, err)
	assert.Equal(t, payment.StatusPaid, paid.Status)
	assert.Equal(t, tx.Total, paid.Total)
	assert.False(t, paid.PaidAt.IsZero())

	var refused *payment.RefusedError
	_, err = c.Create(ctx, req)
	assert.ErrorAs(t, err, &refused, "a number already paid is refused")
}
