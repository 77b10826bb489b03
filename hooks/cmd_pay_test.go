package hooks_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/payment"
	"github.com/vipbase/vipbase/payment/tripay"
	tripaysandbox "github.com/vipbase/vipbase/payment/tripay/sandbox"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

// withTripayEnv configures Tripay the way the TRIPAY_* environment does, so
// Register builds the gateway itself (the production wiring), with apiKey
// in place of the simulator's key and publicURL as VIPBASE_PUBLIC_URL.
func withTripayEnv(srv *tripaysandbox.Server, apiKey, publicURL string) envOption {
	return func(c *hooks.Config, _ *sandbox.Config) {
		c.TripayAPIURL, c.TripayAPIKey = srv.URL, apiKey
		c.TripayPrivateKey, c.TripayMerchantCode = srv.PrivateKey(), srv.MerchantCode()
		c.PublicURL = publicURL
	}
}

func startTripay(t *testing.T) *tripaysandbox.Server {
	t.Helper()
	srv, err := tripaysandbox.Start(tripaysandbox.Config{})
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	return srv
}

// The report names the account without its secrets, lists the active
// channels with fees, limits and expiry windows and the disabled ones, and
// gives the callback URL; --public-url wins over VIPBASE_PUBLIC_URL.
func TestPayCheckReport(t *testing.T) {
	srv := startTripay(t)
	e := newEnv(t, withTripayEnv(srv, srv.APIKey(), "https://toko.example"))

	var out bytes.Buffer
	require.NoError(t, e.svc.PayCheck(context.Background(), &out, ""))
	report := out.String()
	for _, want := range []string{
		"tripay — " + srv.URL + " (sandbox), merchant " + srv.MerchantCode(),
		"credentials  accepted",
		"channels     16 active, 1 disabled",
		"on Rp 50.000",
		"Rp 750 + 0,70 %", "Rp 1.100", // QRIS: 750 + 0,7 % of 50.000
		"Rp 1.000 – Rp 5.000.000", "10m – 1h", "10m – 24h", // QRIS, QRIS2
		"3 % (min Rp 1.000)",                    // e-wallets
		"Rp 10.000 – Rp 10.000.000", "Rp 5.500", // BRIVA, BCAVA
		"gateway default", // the simulator's list gives no VA expiry window
		"disabled     MUAMALATVA",
		"Pengaturan › Callback URL): https://toko.example/api/payments/tripay\n",
		"\nOK\n",
	} {
		assert.Contains(t, report, want)
	}
	for _, code := range []string{"QRIS", "QRIS2", "QRISC", "OVO", "DANA", "SHOPEEPAY", "BRIVA", "BCAVA", "ALFAMART", "INDOMARET", "ALFAMIDI"} {
		assert.Contains(t, report, "\n    "+code+" ", "a table row for %s", code)
	}
	assert.NotContains(t, report, "\n    MUAMALATVA ", "a disabled channel is not offered")
	assert.NotContains(t, report, "⚠")
	assert.NotContains(t, report, srv.APIKey())
	assert.NotContains(t, report, srv.PrivateKey())
	assert.Equal(t, 1, srv.Count(tripaysandbox.EndpointChannels), "one live read of the channel list")

	out.Reset()
	require.NoError(t, e.svc.PayCheck(context.Background(), &out, "https://bayar.example/"))
	assert.Contains(t, out.String(), ": https://bayar.example/api/payments/tripay\n")
	assert.NotContains(t, out.String(), "toko.example")
}

// A public URL the gateway cannot reach is said next to the callback URL;
// it is a warning, not a failure: the store may be set up before it is public.
func TestPayCheckWarnsOfAnUnreachableCallbackURL(t *testing.T) {
	srv := startTripay(t)
	e := newEnv(t, withTripayEnv(srv, srv.APIKey(), ""))
	e.app.Settings().Meta.AppURL = ""
	for _, public := range []string{"", "http://localhost:8090", "http://127.0.0.1:8090/", "http://[::1]:8090", "http://0.0.0.0:8090"} {
		var out bytes.Buffer
		require.NoError(t, e.svc.PayCheck(context.Background(), &out, public), public)
		assert.Contains(t, out.String(), "set your public URL: --public-url, VIPBASE_PUBLIC_URL or Settings › Application URL", public)
	}
}

// A wrong API key is a readable refusal naming the variable to fix; neither
// key reaches the report or the error.
func TestPayCheckWrongAPIKey(t *testing.T) {
	srv := startTripay(t)
	const wrongKey = "DEV-wrongKeyOfAnotherMerchant0123456789"
	e := newEnv(t, withTripayEnv(srv, wrongKey, "https://toko.example"))

	var out bytes.Buffer
	err := e.svc.PayCheck(context.Background(), &out, "")
	require.Error(t, err)
	var refused *payment.RefusedError
	assert.ErrorAs(t, err, &refused, "the refusal stays reachable")
	assert.Contains(t, err.Error(), "tripay: the gateway refused the credentials (Invalid API Key): check TRIPAY_API_KEY")
	assert.Contains(t, out.String(), "refused the credentials")
	assert.Contains(t, out.String(), "https://toko.example/api/payments/tripay", "the callback URL is still given")
	assert.NotContains(t, out.String(), "accepted")
	assert.NotContains(t, out.String(), "\nOK\n")
	for _, secret := range []string{wrongKey, srv.PrivateKey()} {
		assert.NotContains(t, out.String(), secret)
		assert.NotContains(t, err.Error(), secret)
	}
}

// A gateway that does not answer is told apart from a refusal.
func TestPayCheckUnreachableGateway(t *testing.T) {
	srv := startTripay(t)
	gw := tripay.New(srv.APIKey(), srv.PrivateKey(), srv.MerchantCode(),
		tripay.WithBaseURL(srv.URL), tripay.WithRetry(1, time.Millisecond, time.Millisecond), tripay.WithTimeout(2*time.Second))
	srv.Close()
	e := newEnv(t, func(c *hooks.Config, _ *sandbox.Config) {
		c.Gateways = []payment.Gateway{gw}
		c.TripayMerchantCode = srv.MerchantCode()
	})

	var out bytes.Buffer
	err := e.svc.PayCheck(context.Background(), &out, "https://toko.example")
	require.Error(t, err)
	assert.ErrorIs(t, err, payment.ErrTransport)
	assert.Contains(t, err.Error(), "tripay: cannot reach the gateway at "+srv.URL)
	assert.NotContains(t, err.Error(), "refused the credentials")
	assert.Contains(t, out.String(), "merchant "+srv.MerchantCode())
	assert.NotContains(t, out.String(), srv.APIKey())
}

// A merchant whose channels are all off cannot take payments: a failure.
func TestPayCheckWithoutActiveChannels(t *testing.T) {
	srv := startTripay(t)
	for _, code := range srv.ChannelCodes() {
		require.NoError(t, srv.SetChannelActive(code, false))
	}
	e := newEnv(t, withTripayEnv(srv, srv.APIKey(), "https://toko.example"))

	var out bytes.Buffer
	err := e.svc.PayCheck(context.Background(), &out, "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "tripay: no active payment channel")
	assert.Contains(t, out.String(), "credentials  accepted")
	assert.Contains(t, out.String(), "channels     0 active, 17 disabled")
	assert.Contains(t, out.String(), "⚠ no active channel")
	assert.False(t, strings.Contains(out.String(), "customer fee"), "no empty table")
}

// Without a gateway the error says what to set.
func TestPayCheckWithoutGateway(t *testing.T) {
	e := newUnconfiguredEnv(t)
	var out bytes.Buffer
	err := e.svc.PayCheck(context.Background(), &out, "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no payment gateway is configured: set TRIPAY_API_KEY, TRIPAY_PRIVATE_KEY and TRIPAY_MERCHANT_CODE")
	assert.Empty(t, out.String())
}
