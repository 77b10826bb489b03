package sandbox

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/internal/simhttp"
)

func TestNotifyFaults(t *testing.T) {
	paid := func(t *testing.T, sb *Sandbox, id string) {
		mustCreate(t, sb, id, 10_000)
		require.NoError(t, sb.PickMethod(id, MethodQRIS))
		sb.Flush()
		require.NoError(t, sb.Pay(id))
		sb.Flush()
	}
	t.Run("duplicate", func(t *testing.T) {
		sb, _, rc := sbWithReceiver(t, Config{})
		sb.Inject(Fault{Kind: FaultNotifyDuplicate})
		mustCreate(t, sb, "VB-F1", 10_000)
		require.NoError(t, sb.PickMethod("VB-F1", MethodQRIS))
		sb.Flush()
		got := rc.notices()
		require.Len(t, got, 2)
		assert.Equal(t, got[0].Body, got[1].Body)
	})
	t.Run("lost", func(t *testing.T) {
		sb, _, rc := sbWithReceiver(t, Config{})
		mustCreate(t, sb, "VB-F2", 10_000)
		require.NoError(t, sb.PickMethod("VB-F2", MethodQRIS))
		sb.Inject(Fault{Kind: FaultNotifyLost})
		require.NoError(t, sb.Pay("VB-F2"))
		sb.Flush()
		assert.Equal(t, []string{"pending"}, rc.statuses())
		assert.Equal(t, "settlement", statusOf(t, sb, "VB-F2").str("transaction_status"), "the status API tells the truth")
	})
	t.Run("bad signature", func(t *testing.T) {
		sb, _, rc := sbWithReceiver(t, Config{})
		sb.Inject(Fault{Kind: FaultNotifyBadSignature})
		mustCreate(t, sb, "VB-F3", 10_000)
		require.NoError(t, sb.PickMethod("VB-F3", MethodQRIS))
		sb.Flush()
		got := rc.notices()
		require.Len(t, got, 1)
		assert.False(t, got[0].Valid)
		assert.Len(t, got[0].SignatureKey, 128)
		assert.Equal(t, sig("VB-F3", "201", "10000.00", DefaultServerKey), statusOf(t, sb, "VB-F3").str("signature_key"))
	})
	t.Run("out of order", func(t *testing.T) {
		sb, _, rc := sbWithReceiver(t, Config{})
		sb.Inject(Fault{Kind: FaultNotifyOutOfOrder})
		mustCreate(t, sb, "VB-F4", 10_000)
		require.NoError(t, sb.PickMethod("VB-F4", MethodQRIS))
		sb.Flush()
		assert.Empty(t, rc.notices(), "held back")
		require.NoError(t, sb.Pay("VB-F4"))
		sb.Flush()
		assert.Equal(t, []string{"settlement", "pending"}, rc.statuses())

		sb.Inject(Fault{Kind: FaultNotifyOutOfOrder})
		require.NoError(t, sb.Refund("VB-F4"))
		assert.Equal(t, 1, sb.ReleaseHeld())
		sb.Flush()
		assert.Equal(t, []string{"settlement", "pending", "refund"}, rc.statuses())
	})
	t.Run("delayed", func(t *testing.T) {
		sb, _, rc := sbWithReceiver(t, Config{})
		mustCreate(t, sb, "VB-F5", 10_000)
		sb.Inject(Fault{Kind: FaultNotifyDelay, Delay: 150 * time.Millisecond})
		start := time.Now()
		require.NoError(t, sb.PickMethod("VB-F5", MethodQRIS))
		require.NoError(t, sb.Pay("VB-F5"))
		sb.Flush()
		assert.GreaterOrEqual(t, time.Since(start), 150*time.Millisecond)
		assert.Equal(t, []string{"settlement", "pending"}, rc.statuses(), "the late pending arrives after the settlement")
	})
	t.Run("late pending", func(t *testing.T) {
		sb, _, rc := sbWithReceiver(t, Config{})
		sb.Inject(Fault{Kind: FaultNotifyLatePending}) // waits past the pick's own pending
		paid(t, sb, "VB-F6")
		got := rc.notices()
		require.Len(t, got, 3)
		assert.Equal(t, []string{"pending", "settlement", "pending"}, rc.statuses())
		assert.Equal(t, got[0].Body, got[2].Body, "the same pending notification, again")
		assert.True(t, got[2].Valid)
	})
	t.Run("times and clear", func(t *testing.T) {
		sb, _, rc := sbWithReceiver(t, Config{})
		sb.Inject(Fault{Kind: FaultNotifyLost, Times: -1})
		paid(t, sb, "VB-F7")
		assert.Empty(t, rc.notices())
		sb.ClearFaults()
		paid(t, sb, "VB-F8")
		assert.Len(t, rc.notices(), 2)
	})
	assert.Equal(t, "notify-late-pending", FaultNotifyLatePending.String())
	assert.Equal(t, "unknown", FaultKind(99).String())
}

func TestRequestFaults(t *testing.T) {
	srv, err := Start(Config{})
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	client := &http.Client{Timeout: 2 * time.Second}
	send := func(method, url, body string) (*http.Response, error) {
		req, _ := http.NewRequestWithContext(context.Background(), method, url, strings.NewReader(body))
		req.SetBasicAuth(srv.ServerKey(), "")
		req.Header.Set("Content-Type", "application/json")
		return client.Do(req)
	}
	create := func(id string) string { return string(simhttp.Marshal(validBody(id, 10_000))) }

	t.Run("create timeout creates, answers nothing", func(t *testing.T) {
		srv.Inject(Fault{Kind: FaultTimeout, Endpoint: EndpointCreate, Delay: 50 * time.Millisecond})
		_, err := send(http.MethodPost, srv.SnapURL+"transactions", create("VB-T1"))
		require.Error(t, err)
		tx, ok := srv.Transaction("VB-T1")
		require.True(t, ok, "the transaction exists")
		assert.Equal(t, StatusNotStarted, tx.Status)
		resp, err := send(http.MethodPost, srv.SnapURL+"transactions", create("VB-T1"))
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "a retried create cannot make a second payment")
	})
	t.Run("http error", func(t *testing.T) {
		srv.Inject(Fault{Kind: FaultHTTPError, Endpoint: EndpointCreate})
		resp, err := send(http.MethodPost, srv.SnapURL+"transactions", create("VB-T2"))
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
		assert.Contains(t, string(body), "<html>")
		_, ok := srv.Transaction("VB-T2")
		assert.False(t, ok)
	})
	require.NoError(t, srv.Pay("VB-T1"))
	t.Run("status 503", func(t *testing.T) {
		srv.Inject(Fault{Kind: FaultHTTPError, Endpoint: EndpointStatus, Status: 503})
		resp, err := send(http.MethodGet, srv.CoreURL+"VB-T1/status", "")
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, 503, resp.StatusCode)
	})
	t.Run("garbage", func(t *testing.T) {
		srv.Inject(Fault{Kind: FaultGarbage, Endpoint: EndpointStatus})
		resp, err := send(http.MethodGet, srv.CoreURL+"VB-T1/status", "")
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.True(t, strings.HasPrefix(string(body), `{"status_code":"200"`))
		assert.False(t, strings.HasSuffix(string(body), "}"))
	})
	t.Run("latency", func(t *testing.T) {
		srv.Inject(Fault{Kind: FaultLatency, Delay: 80 * time.Millisecond})
		start := time.Now()
		resp, err := send(http.MethodGet, srv.CoreURL+"VB-T1/status", "")
		require.NoError(t, err)
		resp.Body.Close()
		assert.GreaterOrEqual(t, time.Since(start), 80*time.Millisecond)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
	})
	t.Run("status timeout", func(t *testing.T) {
		srv.Inject(Fault{Kind: FaultTimeout, Endpoint: EndpointStatus, Delay: 20 * time.Millisecond})
		_, err := send(http.MethodGet, srv.CoreURL+"VB-T1/status", "")
		require.Error(t, err)
	})
	assert.Equal(t, 3, srv.Count(EndpointCreate))
	assert.Equal(t, 4, srv.Count(EndpointStatus))
}
