package midtrans

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/payment"
)

func TestEnvironmentAndURLs(t *testing.T) {
	c := New(testServerKey)
	assert.Equal(t, "https://app.midtrans.com/snap/v1/", c.SnapURL(), "production by default")
	assert.Equal(t, "https://api.midtrans.com/v2/", c.CoreURL())

	c = New(testServerKey, WithEnvironment("sandbox"))
	assert.Equal(t, "https://app.sandbox.midtrans.com/snap/v1/", c.SnapURL())
	assert.Equal(t, "https://api.sandbox.midtrans.com/v2/", c.CoreURL())

	c = New(testServerKey, WithEnvironment(" Sandbox "), WithEnvironment("production"))
	assert.Equal(t, SnapProductionURL, c.SnapURL())
	assert.Equal(t, CoreProductionURL, c.CoreURL())

	c = New(testServerKey, WithEnvironment("sandbox"), WithSnapURL("http://127.0.0.1:1/snap/v1"), WithCoreURL("http://127.0.0.1:1/v2//"))
	assert.Equal(t, "http://127.0.0.1:1/snap/v1/", c.SnapURL(), "a later URL wins, with one trailing slash")
	assert.Equal(t, "http://127.0.0.1:1/v2/", c.CoreURL())
}

func TestNameAndConfigured(t *testing.T) {
	assert.Equal(t, "midtrans", New("").Name())
	assert.Equal(t, "midtrans", Name)
	assert.False(t, New("").Configured())
	assert.True(t, New(testServerKey).Configured())
}

func TestChannelsWithoutNetwork(t *testing.T) {
	f := newFake(t, reply(500, ""))
	chs, err := f.client().Channels(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []payment.Channel{{
		Code: "MIDTRANS", Name: "Midtrans (QRIS, GoPay, ShopeePay, Virtual Account)", Group: payment.GroupQRIS,
		Gateway: "midtrans", MinAmount: 1, Active: true,
	}}, chs)
	assert.Zero(t, chs[0].Customer.For(1_000_000), "the merchant pays Midtrans's fees")
	assert.True(t, chs[0].Accepts(1) && chs[0].Accepts(50_000_000))
	assert.Zero(t, f.total(), "Midtrans has no channel list API")
}
