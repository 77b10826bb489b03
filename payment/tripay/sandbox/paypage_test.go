package sandbox

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func page(t *testing.T, sb *Sandbox, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	sb.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Code, rec.Body.String()
}

func TestPayPageButtons(t *testing.T) {
	sb, _, rc := sbWithReceiver(t, Config{})
	for _, action := range []string{ActionPay, ActionFail, ActionExpire} {
		t.Run(action, func(t *testing.T) {
			b := createBody(sb, "BRIVA", "P-"+action, 25_000)
			b["return_url"] = "https://store.example/orders/P-" + action
			a := postJSON(t, sb, b)
			require.True(t, a.Success)
			var c created
			require.NoError(t, jsonUnmarshal(a.Data, &c))
			u, err := url.Parse(c.CheckoutURL)
			require.NoError(t, err)
			code, html := page(t, sb, u.Path)
			require.Equal(t, 200, code)
			for _, s := range []string{">Bayar<", ">Gagalkan<", ">Kedaluwarsakan<", "Rp 29.250", *c.PayCode, "BRI Virtual Account"} {
				assert.Contains(t, html, s)
			}
			forms := regexp.MustCompile(`action="([^"]+)"`).FindAllStringSubmatch(html, -1)
			require.Len(t, forms, 3)
			req := httptest.NewRequest(http.MethodPost, forms[0][1], strings.NewReader(url.Values{
				"action": {action}, "reference": {c.Reference}, "page": {"1"}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			rec := httptest.NewRecorder()
			sb.ServeHTTP(rec, req)
			assert.Equal(t, http.StatusSeeOther, rec.Code)
			assert.Equal(t, "https://store.example/orders/P-"+action, rec.Header().Get("Location"))
			want := map[string]string{ActionPay: StatusPaid, ActionFail: StatusFailed, ActionExpire: StatusExpired}[action]
			assert.Equal(t, want, detailOf(t, sb, c.Reference).Status)
			_, html = page(t, sb, u.Path)
			assert.NotContains(t, html, ">Bayar<", "no buttons once final")
		})
	}
	sb.Flush()
	assert.ElementsMatch(t, []string{StatusPaid, StatusFailed, StatusExpired}, rc.statuses())
	code, _ := page(t, sb, "/api-sandbox/sandbox/pay/T-none")
	assert.Equal(t, 404, code)
}

func TestPayPageQRIS(t *testing.T) {
	sb, _ := newSB(t, Config{})
	c := mustCreate(t, sb, "QRIS", "PQ", 10_000)
	u, _ := url.Parse(c.CheckoutURL)
	_, html := page(t, sb, u.Path)
	assert.Contains(t, html, c.QRString)
	assert.Contains(t, html, `lang="id"`)
}
