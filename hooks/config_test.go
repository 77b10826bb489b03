package hooks_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
)

func TestConfigFromEnv(t *testing.T) {
	t.Setenv("VIP_RESELLER_API_ID", " id ")
	t.Setenv("VIP_RESELLER_API_KEY", "key")
	t.Setenv("VIP_RESELLER_MARKUP_PERCENT", "12.5")
	t.Setenv("VIP_RESELLER_CALLBACK_IPS", "178.248.73.218, 10.0.0.1,")
	t.Setenv("VIP_RESELLER_TIMEOUT", "10s")
	t.Setenv("VIP_RESELLER_RATE_LIMIT", "0")
	t.Setenv("VIP_RESELLER_ORDER_SPACING", "6s")
	t.Setenv("VIP_RESELLER_PRICE_LEVEL", "Premium")
	cfg, err := hooks.ConfigFromEnv()
	require.NoError(t, err)
	assert.Equal(t, hooks.DefaultAPIURL, cfg.APIURL)
	assert.Equal(t, "id", cfg.APIID)
	assert.True(t, cfg.Configured())
	assert.Equal(t, int64(1250), cfg.MarkupBasisPoints)
	assert.Equal(t, []string{"178.248.73.218", "10.0.0.1"}, cfg.CallbackIPs)
	assert.Equal(t, 10*time.Second, cfg.Timeout)
	assert.Zero(t, cfg.RateLimit)
	assert.Equal(t, 6*time.Second, cfg.OrderSpacing)
	assert.Equal(t, "premium", cfg.PriceLevel)

	for name, val := range map[string]string{
		"VIP_RESELLER_MARKUP_PERCENT": "ten", "VIP_RESELLER_TIMEOUT": "-1s", "VIP_RESELLER_RATE_LIMIT": "-2",
		"VIP_RESELLER_PRICE_LEVEL": "gold", "VIP_RESELLER_ORDER_SPACING": "soon", "VIP_RESELLER_WEBHOOK_LOG_DAYS": "0",
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(name, val)
			_, err := hooks.ConfigFromEnv()
			require.Error(t, err)
			assert.Contains(t, err.Error(), name)
			assert.NotContains(t, err.Error(), "key\"", "no secret in config errors")
		})
	}
}
