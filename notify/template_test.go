package notify

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func render(t *testing.T, tmpl string, vars map[string]any) string {
	t.Helper()
	out, err := Render(tmpl, vars)
	require.NoError(t, err, tmpl)
	return out
}

func TestRupiah(t *testing.T) {
	for in, want := range map[any]string{
		0: "Rp 0", 1000: "Rp 1.000", 12029: "Rp 12.029", 1000000: "Rp 1.000.000",
		int64(999): "Rp 999", int64(-12029): "-Rp 12.029", float64(250000): "Rp 250.000",
		"15000": "Rp 15.000", json.Number("1234567"): "Rp 1.234.567", uint8(7): "Rp 7",
	} {
		assert.Equal(t, want, render(t, `{{rupiah .n}}`, map[string]any{"n": in}), "%T %v", in, in)
	}
	assert.Equal(t, "Total: ", render(t, `Total: {{rupiah .missing}}`, nil))

	for _, bad := range []any{12.5, "12k", []int{1}} {
		_, err := Render(`{{rupiah .n}}`, map[string]any{"n": bad})
		assert.Error(t, err, "%v", bad)
	}
}

func TestTokenGroupsAPLNToken(t *testing.T) {
	for in, want := range map[any]string{
		"12345678901234567890":               "1234 5678 9012 3456 7890",
		"1234 5678 9012 3456 7890":           "1234 5678 9012 3456 7890",
		"1234-5678-9012-3456-7890":           "1234 5678 9012 3456 7890",
		"12345678901234567890/BUDI/R1/900VA": "1234 5678 9012 3456 7890/BUDI/R1/900VA",
		"SN-ABC-123":                         "SN-ABC-123",
		"1234567890123456789":                "1234567890123456789", // 19 digits
		"123456789012345678901":              "123456789012345678901",
		float64(123456789012):                "123456789012",
		nil:                                  "",
	} {
		assert.Equal(t, want, render(t, `{{token .sn}}`, map[string]any{"sn": in}), "%v", in)
	}
}

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"081234567890": "0812****890",
		"6281234567":   "6281****567",
		"123456789":    "1234****789",
		"12345678":     "1****78",
		"1234":         "1****34",
		"123":          "****",
		"":             "",
	} {
		assert.Equal(t, want, render(t, `{{mask .p}}`, map[string]any{"p": in}), in)
	}
}

func TestDefault(t *testing.T) {
	tmpl := `Halo {{default .name "Kak"}}`
	assert.Equal(t, "Halo Kak", render(t, tmpl, nil))
	assert.Equal(t, "Halo Kak", render(t, tmpl, map[string]any{"name": "  "}))
	assert.Equal(t, "Halo Kak", render(t, tmpl, map[string]any{"name": nil}))
	assert.Equal(t, "Halo Budi", render(t, tmpl, map[string]any{"name": "Budi"}))
	assert.Equal(t, "5", render(t, `{{default .n 5}}`, map[string]any{"n": 0}))
}

func TestMissingKeysRenderEmpty(t *testing.T) {
	tmpl := "Pesanan {{.invoice}} ({{.product}}) {{.order.number}}|{{$.order.id}}|{{.nil}}|{{if .sn}}SN {{.sn}}{{end}}"
	assert.Equal(t, "Pesanan  () |||", render(t, tmpl, map[string]any{"nil": nil}))
	assert.Equal(t, "Pesanan INV-1 (Pulsa 10k) N-7|abc||SN 99",
		render(t, tmpl, map[string]any{"invoice": "INV-1", "product": "Pulsa 10k",
			"order": map[string]any{"number": "N-7", "id": "abc"}, "sn": "99"}))
	assert.NotContains(t, render(t, `{{.a}}{{.a.b}}`, nil), "no value")
	assert.Equal(t, "1000000", render(t, `{{.total}}`, map[string]any{"total": float64(1000000)}))
}

func TestRenderTheDesignsTemplates(t *testing.T) {
	tmpl := "Pembayaran {{.invoice}} diterima.\nProduk: {{.product}}\nTujuan: {{mask .target}}\nTotal: {{rupiah .total}} via {{.channel}}\n{{if .token}}Token: {{token .token}}{{end}}"
	vars := map[string]any{}
	require.NoError(t, json.Unmarshal([]byte(`{"invoice":"INV-20260101-0001","product":"PLN 20.000","target":"081234567890","total":21500,"channel":"QRIS","token":"12345678901234567890"}`), &vars))
	assert.Equal(t, "Pembayaran INV-20260101-0001 diterima.\nProduk: PLN 20.000\nTujuan: 0812****890\nTotal: Rp 21.500 via QRIS\nToken: 1234 5678 9012 3456 7890", render(t, tmpl, vars))
}

func TestValidate(t *testing.T) {
	for _, good := range []string{``, `Halo {{.name}}`, `{{rupiah .total}} {{token .sn}} {{mask .phone}} {{default .x "-"}}`,
		`{{if .sn}}{{.sn}}{{else}}-{{end}}`, `{{.order.number}}`, `{{with .order}}{{.number}}{{end}}`} {
		assert.NoError(t, Validate(good), good)
	}
	for bad, says := range map[string]string{
		`Halo {{.name`:                 "unclosed action",
		`{{rupiah}}`:                   "wrong number of args",
		`{{nosuchfunc .x}}`:            `function "nosuchfunc" not defined`,
		`{{if .x}}no end`:              "unexpected EOF",
		`{{default .x}}`:               "wrong number of args",
		`{{template "nope"}}`:          "not allowed",
		`{{range 1000000000}}x{{end}}`: "not allowed",
		`{{if .x}}{{range .items}}{{.}}{{end}}{{end}}`:          "not allowed",
		`{{define "a"}}{{template "a"}}{{end}}{{template "a"}}`: "not allowed",
		`{{block "b" .}}x{{end}}`:                               "not allowed",
		`{{with .o}}{{template "x"}}{{end}}`:                    "not allowed",
	} {
		err := Validate(bad)
		if assert.Error(t, err, bad) {
			assert.Contains(t, err.Error(), says, bad)
			assert.NotContains(t, err.Error(), "template: notification:", "the prefix is trimmed")
		}
	}
}
