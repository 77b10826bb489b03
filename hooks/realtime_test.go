package hooks_test

import (
	"encoding/json"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/tools/subscriptions"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
)

// watcher is a realtime client subscribed to orders/* as one user, the way
// pb.collection('orders').subscribe('*', …) is.
type watcher struct {
	mu       sync.Mutex
	statuses []string
}

func (e *env) watchOrders(email string) *watcher {
	e.t.Helper()
	e.handler() // binds the realtime broadcast, as serve does
	auth, err := e.app.FindRecordById("users", userIDs[email])
	require.NoError(e.t, err)
	c := subscriptions.NewDefaultClient()
	c.Set(apis.RealtimeClientAuthKey, auth)
	c.Subscribe("orders/*")
	e.app.SubscriptionsBroker().Register(c)
	w := &watcher{}
	go func() {
		for m := range c.Channel() {
			var ev struct {
				Record struct {
					Status string `json:"status"`
					Cost   *int   `json:"cost"`
				} `json:"record"`
			}
			if json.Unmarshal(m.Data, &ev) == nil {
				w.mu.Lock()
				w.statuses = append(w.statuses, ev.Record.Status)
				if ev.Record.Cost != nil {
					w.statuses = append(w.statuses, "LEAKED-COST")
				}
				w.mu.Unlock()
			}
		}
	}()
	e.t.Cleanup(func() { e.app.SubscriptionsBroker().Unregister(c.Id()); c.Discard() })
	return w
}

func (w *watcher) seen() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Compact(slices.Clone(w.statuses))
}

func TestRealtimeShopperSeesEveryStatusChange(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 100_000)
	owner := e.watchOrders(userEmail)
	stranger := e.watchOrders(otherEmail)
	app := httptest.NewServer(e.handler())
	t.Cleanup(app.Close)
	e.sb.SetCallbackURL(app.URL + hooks.WebhookPath)

	number := e.buyPrepaid(userEmail, "081234567890")
	// The route answers after 3 s at most, sent or not: on a loaded machine
	// the send may still be on its way, and Step only moves what was sent.
	require.Eventually(t, func() bool { return e.order(number).GetString("status") == hooks.OrderProcessing },
		10*time.Second, 10*time.Millisecond)
	e.sb.Step()
	require.Eventually(t, func() bool { return slices.Contains(owner.seen(), "success") }, 5*time.Second, 10*time.Millisecond,
		"seen: %v", owner.seen())
	assert.Equal(t, []string{"pending", "processing", "success"}, owner.seen())
	assert.Empty(t, stranger.seen(), "another shopper sees nothing")
}
