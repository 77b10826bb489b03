package sandbox

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNotifyRetriedUntilSuccess(t *testing.T) {
	sb, _, rc := sbWithReceiver(t, Config{})
	rc.answer = func(n int) string {
		switch n {
		case 1:
			return `{"success":false}`
		case 2:
			return `OK`
		}
		return `{"success": true}`
	}
	c := mustCreate(t, sb, "QRIS", "R1", 10_000)
	require.NoError(t, sb.Pay(c.Reference))
	sb.Flush()
	assert.Len(t, rc.notices(), 3, "two refusals, then accepted: no 4th")
	ds := sb.Deliveries()
	require.Len(t, ds, 3)
	assert.Equal(t, []int{1, 2, 3}, []int{ds[0].Attempt, ds[1].Attempt, ds[2].Attempt})
	assert.False(t, ds[0].Accepted)
	assert.True(t, ds[2].Accepted)
}

func TestNotifyGivesUpAfterSchedule(t *testing.T) {
	sb, _, rc := sbWithReceiver(t, Config{RetrySchedule: []time.Duration{time.Millisecond, time.Millisecond}})
	rc.answer = func(int) string { return `{"success":false}` }
	c := mustCreate(t, sb, "QRIS", "R2", 10_000)
	require.NoError(t, sb.Pay(c.Reference))
	sb.Flush()
	assert.Len(t, rc.notices(), 3, "first try + 2 retries")

	none, _, rc2 := sbWithReceiver(t, Config{RetrySchedule: []time.Duration{}})
	rc2.answer = func(int) string { return `{}` }
	c = mustCreate(t, none, "QRIS", "R3", 10_000)
	require.NoError(t, none.Pay(c.Reference))
	none.Flush()
	assert.Len(t, rc2.notices(), 1)
}

func TestNotifyPerTransactionCallbackURLAndOrder(t *testing.T) {
	sb, _, def := sbWithReceiver(t, Config{})
	own := newReceiver(t, sb.PrivateKey())
	b := createBody(sb, "BRIVA", "O1", 20_000)
	b["callback_url"] = own.URL
	a := postJSON(t, sb, b)
	require.True(t, a.Success)
	ref := sb.Transactions()[0].Reference
	require.NoError(t, sb.Pay(ref))
	require.NoError(t, sb.Refund(ref))
	sb.Flush()
	assert.Empty(t, def.notices())
	assert.Equal(t, []string{StatusPaid, StatusRefund}, own.statuses())
}

func TestCloseStopsRetries(t *testing.T) {
	rc := newReceiver(t, DefaultPrivateKey)
	rc.answer = func(int) string { return `{"success":false}` }
	sb := New(Config{CallbackURL: rc.URL, RetrySchedule: []time.Duration{time.Hour}})
	c := mustCreate(t, sb, "QRIS", "C1", 10_000)
	require.NoError(t, sb.Pay(c.Reference))
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
