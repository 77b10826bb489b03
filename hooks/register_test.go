package hooks_test

import (
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

func TestShutdownWaitsForARunningPoll(t *testing.T) {
	e := newEnv(t, func(c *hooks.Config, _ *sandbox.Config) { c.ManualDispatch = true }).ready()
	e.deposit(userEmail, 100_000)
	n := e.buyPrepaid(userEmail, "081200000123")
	e.sb.Inject(sandbox.Fault{Kind: sandbox.FaultLatency, Endpoint: "prepaid", Type: "order", Delay: time.Second})
	done := make(chan struct{})
	// The poll job skips while another poll holds the lock (the startup
	// sweep may still be running): run it until a poll has the order.
	go func() {
		defer close(done)
		for dispatchOf(e, n) == "queued" {
			cronJob(t, e.app, hooks.CronOrdersPoll)()
			time.Sleep(5 * time.Millisecond)
		}
	}()
	require.Eventually(t, func() bool { return dispatchOf(e, n) == "sending" }, 30*time.Second, 2*time.Millisecond)
	ev := &core.TerminateEvent{}
	ev.App = e.app
	require.NoError(t, e.app.OnTerminate().Trigger(ev, func(*core.TerminateEvent) error { return nil }))
	// By the time terminate returns, the send in flight has been recorded.
	assert.Equal(t, "sent", dispatchOf(e, n))
	assert.Equal(t, hooks.OrderProcessing, e.order(n).GetString("status"))
	<-done
	cronJob(t, e.app, hooks.CronOrdersPoll)() // after terminate: does nothing
	assert.Equal(t, 1, e.sb.Count("prepaid", "order"))
}
