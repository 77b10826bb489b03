package notify

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultTemplatesRender(t *testing.T) {
	seen := map[string]bool{}
	for _, tmpl := range Defaults {
		assert.False(t, seen[tmpl.Key], "duplicate %s", tmpl.Key)
		seen[tmpl.Key] = true
		require.NoError(t, Validate(tmpl.Body), tmpl.Key)
		require.NoError(t, Validate(tmpl.Subject), tmpl.Key)
		out, err := Render(tmpl.Body, nil)
		require.NoError(t, err)
		assert.NotContains(t, out, "<no value>", tmpl.Key)
	}
	assert.Len(t, seen, 11)

	ok, _ := DefaultTemplate(OrderSuccess)
	out, err := Render(ok.Body, map[string]any{"Number": "VB-1", "Product": "PLN 20.000", "Target": "12345678901",
		"SN": "12345678901234567890/BUDI/R1/900VA", "PLN": true, "Store": "Toko"})
	require.NoError(t, err)
	assert.Contains(t, out, "Token listrik: *1234 5678 9012 3456 7890/BUDI/R1/900VA*")
	assert.NotContains(t, out, "SN:")

	failed, _ := DefaultTemplate(OrderFailed)
	wallet, _ := Render(failed.Body, map[string]any{"Refunded": 12000, "RefundWallet": true})
	assert.Contains(t, wallet, "Dana Rp 12.000 sudah dikembalikan ke saldo akun kamu.")
	guest, _ := Render(failed.Body, map[string]any{"Refunded": 12000})
	assert.Contains(t, guest, "Dana Rp 12.000 akan dikembalikan, kami hubungi via WhatsApp.")
	none, _ := Render(failed.Body, nil)
	assert.False(t, strings.Contains(none, "Dana"), none)

	exp, _ := DefaultTemplate(PaymentExpired)
	assert.False(t, exp.Active, "payment_expired is off until the operator turns it on")
}
