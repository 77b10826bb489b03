package sandbox

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNotifySignatureAndFields(t *testing.T) {
	sb, _, rc := sbWithReceiver(t, Config{ServerKey: "SB-Mid-server-other"})
	mustCreate(t, sb, "VB-N1", 25_000)
	require.NoError(t, sb.PickMethod("VB-N1", MethodBCAVA))
	require.NoError(t, sb.Pay("VB-N1"))
	sb.Flush()
	got := rc.notices()
	require.Len(t, got, 2)
	for i, want := range [][2]string{{"pending", "201"}, {"settlement", "200"}} {
		n := got[i]
		assert.Equal(t, want[0], n.TransactionStatus)
		assert.Equal(t, want[1], n.StatusCode)
		assert.Equal(t, "25000.00", n.GrossAmount)
		assert.Equal(t, "bank_transfer", n.PaymentType)
		assert.Equal(t, sig("VB-N1", want[1], "25000.00", "SB-Mid-server-other"), n.SignatureKey)
		assert.True(t, n.Valid)
	}
	assert.Contains(t, string(got[1].Body), `"va_numbers":[{"bank":"bca","va_number":"`)
	assert.Contains(t, string(got[1].Body), `"status_message":"midtrans payment notification"`)
	ds := sb.Deliveries()
	require.Len(t, ds, 2)
	assert.Equal(t, Delivery{OrderID: "VB-N1", Status: "settlement", StatusCode: "200", URL: rc.URL, Attempt: 1,
		Body: got[1].Body, HTTPStatus: 200, Accepted: true, At: t0}, ds[1])
}

func TestNotifyRetriesByReplyCode(t *testing.T) {
	ms := time.Millisecond
	cases := []struct {
		reply    int
		attempts int
	}{
		{200, 1}, {204, 1}, {500, 2}, {503, 5}, {400, 3}, {404, 3}, {302, 1}, {301, 1}, {401, 6}, {502, 6},
	}
	for _, c := range cases {
		t.Run(http.StatusText(c.reply), func(t *testing.T) {
			sb, _, rc := sbWithReceiver(t, Config{RetrySchedule: []time.Duration{ms, ms, ms, ms, ms}})
			rc.status = func(int) int { return c.reply }
			mustCreate(t, sb, "VB-R", 10_000)
			require.NoError(t, sb.Expire("VB-R")) // not started: nothing sent
			mustCreate(t, sb, "VB-R", 10_000)
			require.NoError(t, sb.PickMethod("VB-R", MethodQRIS))
			sb.Flush()
			assert.Len(t, rc.notices(), c.attempts)
			ds := sb.Deliveries()
			require.Len(t, ds, c.attempts)
			assert.Equal(t, c.attempts, ds[len(ds)-1].Attempt)
			assert.Equal(t, c.reply, ds[0].HTTPStatus)
		})
	}
	t.Run("no answer", func(t *testing.T) {
		dead := httptest.NewServer(http.NotFoundHandler())
		dead.Close()
		sb, _ := newSB(t, Config{NotificationURL: dead.URL, RetrySchedule: []time.Duration{ms, ms, ms, ms, ms, ms, ms}})
		mustCreate(t, sb, "VB-R0", 10_000)
		require.NoError(t, sb.PickMethod("VB-R0", MethodQRIS))
		sb.Flush()
		ds := sb.Deliveries()
		require.Len(t, ds, 6, "first try + 5")
		assert.Zero(t, ds[5].HTTPStatus)
	})
	t.Run("recovers", func(t *testing.T) {
		sb, _, rc := sbWithReceiver(t, Config{RetrySchedule: []time.Duration{ms, ms, ms, ms, ms}})
		rc.status = func(n int) int {
			if n <= 2 {
				return 503
			}
			return 200
		}
		mustCreate(t, sb, "VB-R1", 10_000)
		require.NoError(t, sb.PickMethod("VB-R1", MethodQRIS))
		sb.Flush()
		assert.Len(t, rc.notices(), 3)
		assert.True(t, sb.Deliveries()[2].Accepted)
	})
	t.Run("schedule caps retries", func(t *testing.T) {
		sb, _, rc := sbWithReceiver(t, Config{RetrySchedule: []time.Duration{}})
		rc.status = func(int) int { return 503 }
		mustCreate(t, sb, "VB-R2", 10_000)
		require.NoError(t, sb.PickMethod("VB-R2", MethodQRIS))
		sb.Flush()
		assert.Len(t, rc.notices(), 1)
	})
	assert.Len(t, DefaultRetrySchedule, 5)
	assert.Equal(t, []time.Duration{2 * time.Minute, 10 * time.Minute, 30 * time.Minute, 90 * time.Minute, 210 * time.Minute}, RealRetrySchedule)
}

func TestNotifyURLs(t *testing.T) {
	sb, _, def := sbWithReceiver(t, Config{})
	own, extra := newReceiver(t, DefaultServerKey), newReceiver(t, DefaultServerKey)
	require.Equal(t, http.StatusCreated, postCreate(t, sb, validBody("VB-U1", 10_000), "X-Override-Notification", own.URL).code)
	require.Equal(t, http.StatusCreated, postCreate(t, sb, validBody("VB-U2", 10_000), "X-Append-Notification", extra.URL).code)
	require.NoError(t, sb.Pay("VB-U1"))
	require.NoError(t, sb.Pay("VB-U2"))
	sb.Flush()
	assert.Equal(t, []string{"pending", "settlement"}, own.statuses())
	assert.Equal(t, []string{"pending", "settlement"}, def.statuses(), "only VB-U2")
	assert.Equal(t, []string{"pending", "settlement"}, extra.statuses())

	sb.SetNotificationURL("")
	mustCreate(t, sb, "VB-U3", 10_000)
	require.NoError(t, sb.Pay("VB-U3"))
	sb.Flush()
	assert.Len(t, def.notices(), 2, "no URL, nothing sent")
}

func TestCloseStopsRetries(t *testing.T) {
	rc := newReceiver(t, DefaultServerKey)
	rc.status = func(int) int { return 500 }
	sb := New(Config{NotificationURL: rc.URL, RetrySchedule: []time.Duration{time.Hour}})
	mustCreate(t, sb, "VB-X1", 10_000)
	require.NoError(t, sb.PickMethod("VB-X1", MethodQRIS))
	require.Eventually(t, func() bool { return len(rc.notices()) == 1 }, 2*time.Second, 5*time.Millisecond)
	done := make(chan struct{})
	go func() { sb.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Close did not stop the pending retry")
	}
	assert.Len(t, rc.notices(), 1)
}
