package hooks_test

import (
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// "Isi saldo" tapped five times at once with one Idempotency-Key opens one
// invoice at the gateway; every tap gets it. The key for another amount is
// refused; without a key every tap is its own invoice.
func TestTopupHonoursIdempotencyKey(t *testing.T) {
	e := newPayEnv(t)
	topup := func(amount int, key string) response {
		h := []string{}
		if key != "" {
			h = append(h, "Idempotency-Key", key)
		}
		return e.do(http.MethodPost, "/api/wallet/topup", userTokens[userEmail], map[string]any{"amount": amount, "channel": "QRIS"}, h...)
	}
	answers := make([]response, 5)
	var wg sync.WaitGroup
	for i := range answers {
		wg.Go(func() { answers[i] = topup(50_000, "tap-1") })
	}
	wg.Wait()
	numbers := map[string]bool{}
	created := 0
	for _, r := range answers {
		require.Contains(t, []int{http.StatusCreated, http.StatusOK}, r.Status, r.Raw)
		if r.Status == http.StatusCreated {
			created++
		}
		numbers[r.data()["payment"].(map[string]any)["number"].(string)] = true
	}
	assert.Len(t, numbers, 1, "one invoice for one key")
	assert.Equal(t, 1, created, "the others are replays (200)")
	assert.Equal(t, 1, e.tp.Count("transaction/create"), "opened once at the gateway")
	assert.Equal(t, 1, e.count("payments", "purpose = 'deposit'", nil))

	r := topup(75_000, "tap-1")
	assert.Equal(t, http.StatusConflict, r.Status, r.Raw)
	assert.Equal(t, "idempotency_mismatch", r.data()["code"])

	require.Equal(t, http.StatusCreated, topup(50_000, "").Status)
	require.Equal(t, http.StatusCreated, topup(50_000, "").Status)
	assert.Equal(t, 3, e.count("payments", "purpose = 'deposit'", nil), "no key, no dedupe")
	r = e.do(http.MethodPost, "/api/wallet/topup", userTokens[otherEmail], map[string]any{"amount": 50_000, "channel": "QRIS"}, "Idempotency-Key", "tap-1")
	assert.Equal(t, http.StatusCreated, r.Status, "keys are per member: %s", r.Raw)
}
