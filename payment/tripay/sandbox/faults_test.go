package sandbox

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/internal/simhttp"
)

func TestNotifyFaults(t *testing.T) {
	t.Run("duplicate", func(t *testing.T) {
		sb, _, rc := sbWithReceiver(t, Config{})
		sb.Inject(Fault{Kind: FaultNotifyDuplicate})
		c := mustCreate(t, sb, "QRIS", "F1", 10_000)
		require.NoError(t, sb.Pay(c.Reference))
		sb.Flush()
		got := rc.notices()
		require.Len(t, got, 2)
		assert.Equal(t, got[0].Body, got[1].Body)
		assert.True(t, got[1].Valid)
	})
	t.Run("lost", func(t *testing.T) {
		sb, _, rc := sbWithReceiver(t, Config{})
		sb.Inject(Fault{Kind: FaultNotifyLost})
		c := mustCreate(t, sb, "QRIS", "F2", 10_000)
		require.NoError(t, sb.Pay(c.Reference))
		sb.Flush()
		assert.Empty(t, rc.notices())
		tx, _ := sb.Transaction(c.Reference)
		assert.Equal(t, StatusPaid, tx.Status, "the status API still tells the truth")
		require.NoError(t, sb.Refund(c.Reference))
		sb.Flush()
		assert.Equal(t, []string{StatusRefund}, rc.statuses(), "only once")
	})
	t.Run("bad signature", func(t *testing.T) {
		sb, _, rc := sbWithReceiver(t, Config{RetrySchedule: []time.Duration{}})
		rc.answer = func(int) string { return `{"success":true}` }
		sb.Inject(Fault{Kind: FaultNotifyBadSignature})
		c := mustCreate(t, sb, "QRIS", "F3", 10_000)
		require.NoError(t, sb.Pay(c.Reference))
		sb.Flush()
		got := rc.notices()
		require.Len(t, got, 1)
		assert.False(t, got[0].Valid)
		assert.Len(t, got[0].Signature, 64)
	})
	t.Run("out of order", func(t *testing.T) {
		sb, _, rc := sbWithReceiver(t, Config{})
		sb.Inject(Fault{Kind: FaultNotifyOutOfOrder})
		c := mustCreate(t, sb, "QRIS", "F4", 10_000)
		require.NoError(t, sb.Pay(c.Reference))
		sb.Flush()
		assert.Empty(t, rc.notices(), "held back")
		require.NoError(t, sb.Refund(c.Reference))
		sb.Flush()
		assert.Equal(t, []string{StatusRefund, StatusPaid}, rc.statuses())
	})
	t.Run("delayed", func(t *testing.T) {
		sb, _, rc := sbWithReceiver(t, Config{})
		sb.Inject(Fault{Kind: FaultNotifyDelay, Delay: 150 * time.Millisecond})
		c := mustCreate(t, sb, "QRIS", "F5", 10_000)
		start := time.Now()
		require.NoError(t, sb.Pay(c.Reference))
		require.NoError(t, sb.Refund(c.Reference))
		sb.Flush()
		assert.GreaterOrEqual(t, time.Since(start), 150*time.Millisecond)
		assert.Equal(t, []string{StatusRefund, StatusPaid}, rc.statuses(), "the late PAID arrives after the REFUND")
	})
	t.Run("times and clear", func(t *testing.T) {
		sb, _, rc := sbWithReceiver(t, Config{})
		sb.Inject(Fault{Kind: FaultNotifyLost, Times: -1})
		c := mustCreate(t, sb, "QRIS", "F6", 10_000)
		require.NoError(t, sb.Pay(c.Reference))
		require.NoError(t, sb.Refund(c.Reference))
		sb.Flush()
		assert.Empty(t, rc.notices())
		sb.ClearFaults()
		c = mustCreate(t, sb, "QRIS", "F7", 10_000)
		require.NoError(t, sb.Pay(c.Reference))
		sb.Flush()
		assert.Len(t, rc.notices(), 1)
	})
}

func TestRequestFaults(t *testing.T) {
	srv, err := Start(Config{})
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	client := &http.Client{Timeout: 2 * time.Second}
	send := func(ctx context.Context, method, ep string, body string) (*http.Response, error) {
		req, _ := http.NewRequestWithContext(ctx, method, srv.URL+ep, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+srv.APIKey())
		req.Header.Set("Content-Type", "application/json")
		return client.Do(req)
	}
	body := string(simhttp.Marshal(createBody(srv.Sandbox, "QRIS", "UNKNOWN-1", 10_000)))

	t.Run("create timeout applies the create, answers nothing", func(t *testing.T) {
		srv.Inject(Fault{Kind: FaultTimeout, Endpoint: EndpointCreate, Delay: 50 * time.Millisecond})
		_, err := send(context.Background(), http.MethodPost, EndpointCreate, body)
		require.Error(t, err)
		resp, err := send(context.Background(), http.MethodGet, EndpointTransactions+"?merchant_ref=UNKNOWN-1", "")
		require.NoError(t, err)
		defer resp.Body.Close()
		var a struct {
			Success bool
			Data    []struct{ Reference, Status string }
		}
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&a))
		require.Len(t, a.Data, 1, "the transaction exists")
		assert.Equal(t, StatusUnpaid, a.Data[0].Status)
		rlog := srv.Requests()
		assert.Equal(t, 0, rlog[0].HTTPStatus, "no answer was written")
	})
	t.Run("create 5xx creates nothing", func(t *testing.T) {
		srv.Inject(Fault{Kind: FaultHTTPError, Endpoint: EndpointCreate, Status: 503})
		resp, err := send(context.Background(), http.MethodPost, EndpointCreate, string(simhttp.Marshal(createBody(srv.Sandbox, "QRIS", "U2", 10_000))))
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, 503, resp.StatusCode)
		assert.Len(t, srv.Transactions(), 1)
		srv.Inject(Fault{Kind: FaultHTTPError, Endpoint: EndpointCreate, Applied: true})
		resp, err = send(context.Background(), http.MethodPost, EndpointCreate, string(simhttp.Marshal(createBody(srv.Sandbox, "QRIS", "U3", 10_000))))
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, 500, resp.StatusCode)
		assert.Len(t, srv.Transactions(), 2, "Applied creates it anyway")
	})
	ref := srv.Transactions()[0].Reference
	detail := EndpointDetail + "?reference=" + url.QueryEscape(ref)
	t.Run("status timeout", func(t *testing.T) {
		srv.Inject(Fault{Kind: FaultTimeout, Endpoint: EndpointDetail})
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, err := send(ctx, http.MethodGet, detail, "")
		require.Error(t, err)
	})
	t.Run("status 5xx and garbage, then normal", func(t *testing.T) {
		srv.Inject(Fault{Kind: FaultHTTPError, Endpoint: EndpointDetail})
		srv.Inject(Fault{Kind: FaultGarbage, Endpoint: EndpointDetail})
		resp, err := send(context.Background(), http.MethodGet, detail, "")
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, 500, resp.StatusCode)
		assert.Contains(t, string(b), "<html>")
		resp, err = send(context.Background(), http.MethodGet, detail, "")
		require.NoError(t, err)
		b, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, 200, resp.StatusCode)
		assert.False(t, json.Valid(b), "truncated: %s", b)
		resp, err = send(context.Background(), http.MethodGet, detail, "")
		require.NoError(t, err)
		b, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.True(t, json.Valid(b))
	})
	t.Run("latency", func(t *testing.T) {
		srv.Inject(Fault{Kind: FaultLatency, Endpoint: EndpointTransactions, Delay: 80 * time.Millisecond})
		start := time.Now()
		resp, err := send(context.Background(), http.MethodGet, EndpointTransactions, "")
		require.NoError(t, err)
		resp.Body.Close()
		assert.GreaterOrEqual(t, time.Since(start), 80*time.Millisecond)
		assert.Equal(t, 200, resp.StatusCode)
	})
	t.Run("endpoint filter", func(t *testing.T) {
		srv.Inject(Fault{Kind: FaultHTTPError, Endpoint: EndpointChannels})
		resp, err := send(context.Background(), http.MethodGet, detail, "")
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, 200, resp.StatusCode, "another endpoint is untouched")
		srv.ClearFaults()
		resp, err = send(context.Background(), http.MethodGet, EndpointChannels, "")
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, 200, resp.StatusCode)
	})
	assert.Equal(t, "notify-out-of-order", FaultNotifyOutOfOrder.String())
}

func TestReleaseHeld(t *testing.T) {
	sb, _, rc := sbWithReceiver(t, Config{})
	sb.Inject(Fault{Kind: FaultNotifyOutOfOrder})
	c := mustCreate(t, sb, "QRIS", "RH", 10_000)
	require.NoError(t, sb.Pay(c.Reference))
	sb.Flush()
	assert.Empty(t, rc.notices())
	assert.Equal(t, 1, sb.ReleaseHeld())
	sb.Flush()
	assert.Equal(t, []string{StatusPaid}, rc.statuses())
	assert.Equal(t, 0, sb.ReleaseHeld())
}
