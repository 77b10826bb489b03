package sandbox

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/notify"
)

func TestFaultsThroughClient(t *testing.T) {
	cases := []struct {
		fault     Fault
		permanent bool
		contains  string
		status    int
	}{
		{Fault{Kind: FaultTransient}, false, ReasonDisconnected, 200},
		{Fault{Kind: FaultTransient, Reason: "insufficient quota"}, false, "insufficient quota", 200},
		{Fault{Kind: FaultPermanent}, true, ReasonInvalidTarget, 200},
		{Fault{Kind: FaultPermanent, Reason: "number not registered on whatsapp"}, true, "not registered", 200},
		{Fault{Kind: FaultHTTPError}, false, "HTTP 500", 500},
		{Fault{Kind: FaultHTTPError, Status: http.StatusBadGateway}, false, "HTTP 502", 502},
		{Fault{Kind: FaultNotJSON}, false, "not a Fonnte answer", 200},
		{Fault{Kind: FaultNotJSON, Body: "<html>maintenance</html>"}, false, "not a Fonnte answer", 200},
	}
	for _, tc := range cases {
		t.Run(tc.fault.Kind.String()+"/"+tc.contains, func(t *testing.T) {
			srv, c := start(t, Config{})
			srv.Inject(tc.fault)
			_, err := c.Send(context.Background(), "081234567890", "halo")
			require.Error(t, err)
			assert.Equal(t, tc.permanent, notify.IsPermanent(err), "error: %v", err)
			assert.Contains(t, err.Error(), tc.contains)
			assert.Zero(t, srv.Len(), "nothing in the inbox")
			require.Len(t, srv.Requests(), 1)
			assert.Equal(t, tc.fault.Kind, srv.Requests()[0].Fault)
			assert.Equal(t, tc.status, srv.Requests()[0].HTTPStatus)
			assert.False(t, srv.Requests()[0].Status)

			id, err := c.Send(context.Background(), "081234567890", "halo")
			require.NoError(t, err, "a fault of Times 0 is used once")
			assert.Equal(t, []string{id}, ids(srv.Messages()))
		})
	}
}

func TestFaultLatencyAndTimeout(t *testing.T) {
	srv, c := start(t, Config{})
	srv.Inject(Fault{Kind: FaultLatency, Delay: 150 * time.Millisecond})
	begin := time.Now()
	_, err := c.Send(context.Background(), "081234567890", "lambat")
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(begin), 150*time.Millisecond)
	assert.Equal(t, 1, srv.Len())

	fast := notify.NewFonnte(srv.Token(), notify.WithURL(srv.URL()), notify.WithTimeout(50*time.Millisecond))
	srv.Inject(Fault{Kind: FaultLatency, Delay: time.Second})
	_, err = fast.Send(context.Background(), "081234567890", "terlambat")
	require.Error(t, err)
	assert.False(t, notify.IsPermanent(err))
	assert.Contains(t, err.Error(), "timed out")

	srv.Inject(Fault{Kind: FaultTimeout, Delay: time.Second})
	_, err = fast.Send(context.Background(), "081234567890", "hilang")
	require.Error(t, err)
	assert.False(t, notify.IsPermanent(err))
	assert.Equal(t, 1, srv.Len(), "neither reached the inbox")
}

func TestFaultAppliedDeliversAnyway(t *testing.T) {
	for _, f := range []Fault{
		{Kind: FaultHTTPError, Applied: true},
		{Kind: FaultNotJSON, Applied: true},
		{Kind: FaultTimeout, Applied: true, Delay: 10 * time.Millisecond},
	} {
		t.Run(f.Kind.String(), func(t *testing.T) {
			srv, c := start(t, Config{})
			srv.Inject(f)
			_, err := c.Send(context.Background(), "081234567890", "mungkin terkirim")
			require.Error(t, err)
			assert.False(t, notify.IsPermanent(err))
			msgs := srv.Messages()
			require.Len(t, msgs, 1, "delivered although the answer failed")
			r := srv.Requests()[0]
			assert.Equal(t, msgs[0].ID, r.ID)
			assert.False(t, r.Status)
		})
	}
}

func TestFaultMatchingAndTimes(t *testing.T) {
	srv, c := start(t, Config{})
	srv.Inject(Fault{Kind: FaultPermanent, Target: "6281111111111", Reason: "number not registered on whatsapp", Times: -1})
	srv.Inject(Fault{Kind: FaultTransient, Times: 2})
	assert.Equal(t, 2, srv.Faults())

	for i := 0; i < 2; i++ {
		_, err := c.Send(context.Background(), "081111111111", "x")
		assert.True(t, notify.IsPermanent(err), "the forever rule for this number: %v", err)
	}
	for i := 0; i < 2; i++ {
		_, err := c.Send(context.Background(), "082222222222", "x")
		assert.False(t, notify.IsPermanent(err))
		require.Error(t, err)
	}
	_, err := c.Send(context.Background(), "082222222222", "x")
	require.NoError(t, err, "the transient rule is used up")
	assert.Equal(t, 1, srv.Faults())

	srv.ClearFaults()
	_, err = c.Send(context.Background(), "081111111111", "x")
	require.NoError(t, err)
	assert.Equal(t, 6, srv.Hits())
	assert.Zero(t, srv.Faults())
}

func TestFaultKindString(t *testing.T) {
	assert.Equal(t, "transient", FaultTransient.String())
	assert.Equal(t, "timeout", FaultTimeout.String())
	assert.Equal(t, "none", FaultKind(0).String())
}

func ids(msgs []Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.ID
	}
	return out
}
