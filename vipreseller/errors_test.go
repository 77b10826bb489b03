package vipreseller

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAPIErrorHelpersOnDocumentedMessages(t *testing.T) {
	cases := []struct {
		msg                                     string
		balance, throttled, retryable, notFound bool
	}{
		{MsgInsufficientBalance, true, false, true, false},
		{"Transaksi dibatasi, coba lagi dalam 6 detik.", false, true, true, false},
		{MsgTransactionNotFound, false, false, false, true},
		{MsgDuplicatePending, false, false, false, false},
		{MsgStockUnsupported, false, false, false, false},
		{"Layanan tidak ditemukan atau saat ini tidak tersedia.", false, false, false, false}, // an unknown service, not a missing transaction
	}
	for _, tc := range cases {
		f := newFake(t, body(200, fxAPIError(tc.msg)))
		_, err := f.client().Prepaid.Order(context.Background(), PrepaidOrderParams{Service: "X", DataNo: "0812"})
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr, tc.msg)
		assert.Equal(t, tc.msg, apiErr.Message)
		assert.Equal(t, EndpointPrepaid, apiErr.Endpoint)
		assert.Equal(t, "order", apiErr.Type)
		assert.Equal(t, tc.balance, apiErr.InsufficientBalance(), tc.msg)
		assert.Equal(t, tc.throttled, apiErr.Throttled(), tc.msg)
		assert.Equal(t, tc.retryable, apiErr.Retryable(), tc.msg)
		assert.Equal(t, tc.notFound, apiErr.NotFound(), tc.msg)
		assert.NotErrorIs(t, err, ErrUnknownOutcome, "a definite refusal is not an unknown outcome")
		assert.NotErrorIs(t, err, ErrTransport)
		assert.Equal(t, "vipreseller: prepaid order: "+tc.msg, err.Error())
	}
}

func TestStatusNotFoundIsAPIError(t *testing.T) {
	f := newFake(t, body(200, fxAPIError(MsgTransactionNotFound)))
	_, err := f.client().Game.Status(context.Background(), StatusParams{TrxID: "nope"})
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.True(t, apiErr.NotFound())
	assert.Equal(t, 1, f.count(EndpointGame, "status"), "an APIError is not retried")
}

// transportCase is a way for an answer to be unusable.
type transportCase struct {
	name    string
	respond func(http.ResponseWriter, *http.Request, int)
}

func transportCases() []transportCase {
	return []transportCase{
		{"timeout", blockUntilClientGivesUp},
		{"500 with envelope", body(500, fxGameOrder)},
		{"502 html", body(502, "<html><body>Bad Gateway</body></html>")},
		{"200 html", body(200, "<!DOCTYPE html><html><head><title>Maintenance</title></head></html>")},
		{"garbage", body(200, "\x00\x01 not json at all")},
		{"truncated json", body(200, fxGameOrder[:len(fxGameOrder)/2])},
		{"missing result", body(200, `{"data":{"trxid":"x"},"message":"ok"}`)},
		{"empty body", body(200, "")},
		{"403 without envelope", body(403, "Forbidden")},
		{"connection dropped", func(w http.ResponseWriter, _ *http.Request, _ int) {
			hj, ok := w.(http.Hijacker)
			if !ok {
				panic("no hijacker")
			}
			conn, _, err := hj.Hijack()
			if err == nil {
				_ = conn.Close()
			}
		}},
	}
}

func TestOrderTransportFailuresAreUnknownOutcomes(t *testing.T) {
	for _, tc := range transportCases() {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, tc.respond)
			_, err := f.client(WithTimeout(100*time.Millisecond)).Game.Order(context.Background(),
				GameOrderParams{Service: "ML14-S14", DataNo: "1", Zone: "2"})
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrTransport)
			assert.ErrorIs(t, err, ErrUnknownOutcome)
			var apiErr *APIError
			assert.False(t, errors.As(err, &apiErr))
			assert.Contains(t, err.Error(), "vipreseller: game-feature order: ")
			assert.Equal(t, 1, f.count(EndpointGame, "order"), "an order is sent exactly once")
		})
	}
}

func TestReadTransportFailuresAreNotUnknownOutcomes(t *testing.T) {
	for _, tc := range transportCases() {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, tc.respond)
			_, err := f.client(WithTimeout(100*time.Millisecond)).Game.Status(context.Background(), StatusParams{TrxID: "x"})
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrTransport)
			assert.NotErrorIs(t, err, ErrUnknownOutcome)
			assert.Contains(t, err.Error(), "vipreseller: game-feature status: ")
			assert.Equal(t, 3, f.count(EndpointGame, "status"), "reads are retried up to maxTries")
		})
	}
}

func TestTimeoutIsNamed(t *testing.T) {
	f := newFake(t, blockUntilClientGivesUp)
	_, err := f.client(WithTimeout(50*time.Millisecond)).Prepaid.Order(context.Background(), PrepaidOrderParams{Service: "X", DataNo: "1"})
	require.ErrorIs(t, err, ErrUnknownOutcome)
	assert.Contains(t, err.Error(), "timed out after 50ms")
}

func TestOrderWithoutTrxIDIsUnknownOutcome(t *testing.T) {
	for name, answer := range map[string]string{
		"empty trxid":   `{"result":true,"data":{"trxid":"","status":"waiting"},"message":"Pesanan berhasil, pesanan akan diproses."}`,
		"no trxid":      `{"result":true,"data":{"status":"waiting"},"message":"ok"}`,
		"null data":     `{"result":true,"data":null,"message":"ok"}`,
		"empty array":   `{"result":true,"data":[],"message":"ok"}`,
		"bad data type": `{"result":true,"data":"ok","message":"ok"}`,
	} {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, body(200, answer))
			_, err := f.client().Social.Order(context.Background(), SocialOrderParams{Service: "3249", Data: "u", Quantity: 100})
			require.ErrorIs(t, err, ErrUnknownOutcome)
			assert.Contains(t, err.Error(), "vipreseller: social-media order: ")
			assert.Equal(t, 1, f.count(EndpointSocial, "order"))
		})
	}
}

func Test4xxWithEnvelopeIsAPIError(t *testing.T) {
	f := newFake(t, body(403, fxAPIError("IP 10.0.0.1 is not permitted")))
	_, err := f.client().Profile.Get(context.Background())
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "IP 10.0.0.1 is not permitted", apiErr.Message)
	assert.Equal(t, EndpointProfile, apiErr.Endpoint)
	assert.Equal(t, "vipreseller: profile: IP 10.0.0.1 is not permitted", err.Error())
}

func TestOversizedBodyIsTruncatedTransportFailure(t *testing.T) {
	f := newFake(t, body(200, fxStatus))
	c := f.client()
	c.bodyLimit = int64(len(fxStatus)) - 1
	_, err := c.Game.Status(context.Background(), StatusParams{TrxID: "some1d"})
	require.ErrorIs(t, err, ErrTransport)
	assert.Contains(t, err.Error(), "truncated")

	c.bodyLimit = int64(len(fxStatus))
	_, err = c.Game.Status(context.Background(), StatusParams{TrxID: "some1d"})
	require.NoError(t, err, "a body exactly at the limit is complete")
}

func TestCallerCancelIsReachable(t *testing.T) {
	f := newFake(t, blockUntilClientGivesUp)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(30*time.Millisecond, cancel)
	_, err := f.client().Game.Order(ctx, GameOrderParams{Service: "X", DataNo: "1"})
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, ErrUnknownOutcome, "the order may have reached the provider")

	// Cancelled before anything is sent: nothing reached the provider, so
	// this is not an unknown outcome.
	before := f.total()
	_, err = f.client().Game.Order(ctx, GameOrderParams{Service: "X", DataNo: "1"})
	assert.ErrorIs(t, err, context.Canceled)
	assert.NotErrorIs(t, err, ErrUnknownOutcome)
	assert.Equal(t, before, f.total())
}

func TestNotFoundIsExact(t *testing.T) {
	assert.True(t, (&APIError{Message: "Transaksi tidak ditemukan."}).NotFound())
	assert.True(t, (&APIError{Message: " Transaksi tidak ditemukan. "}).NotFound())
	for _, m := range []string{"Layanan tidak ditemukan atau saat ini tidak tersedia.", "API Key tidak ditemukan.", "ID tidak ditemukan."} {
		assert.False(t, (&APIError{Message: m}).NotFound(), m)
	}
}
