package sandbox

import (
	"net/http"
	"net/http/httptest"
	"net/url"
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

func pagePost(t *testing.T, sb *Sandbox, path string, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	sb.ServeHTTP(rec, req)
	return rec
}

func TestHostedPageFlow(t *testing.T) {
	sb, _, rc := sbWithReceiver(t, Config{})
	a := mustCreate(t, sb, "VB-P1", 25_000)
	u, err := url.Parse(a.str("redirect_url"))
	require.NoError(t, err)

	code, html := page(t, sb, u.Path)
	require.Equal(t, http.StatusOK, code)
	for _, s := range []string{`lang="id"`, "Rp 25.000", "VB-P1", `data-testid="method-qris"`, `data-testid="method-gopay"`,
		`data-testid="method-bca_va"`, `data-testid="method-bni_va"`, "Pilih metode pembayaran"} {
		assert.Contains(t, html, s)
	}
	assert.NotContains(t, html, `data-testid="pay"`)
	assert.NotContains(t, html, `data-testid="finish"`)

	rec := pagePost(t, sb, u.Path, url.Values{"action": {PageActionPick}, "method": {MethodBCAVA}})
	require.Equal(t, http.StatusSeeOther, rec.Code)
	assert.Equal(t, u.Path, rec.Header().Get("Location"))
	assert.Equal(t, "pending", statusOf(t, sb, "VB-P1").str("transaction_status"))
	tx, _ := sb.Transaction("VB-P1")
	_, html = page(t, sb, u.Path)
	for _, s := range []string{`data-testid="pay"`, `data-testid="fail"`, `data-testid="expire"`, ">Bayar<", ">Gagalkan<",
		">Kedaluwarsakan<", tx.PayCode, "BCA Virtual Account", "2026-03-15 17:00:00 WIB"} {
		assert.Contains(t, html, s)
	}
	assert.NotContains(t, html, `data-testid="method-qris"`)
	assert.Contains(t, html, `href="https://store.example/finish?order_id=VB-P1&amp;status_code=201&amp;transaction_status=pending"`)

	rec = pagePost(t, sb, u.Path, url.Values{"action": {PageActionPay}})
	require.Equal(t, http.StatusSeeOther, rec.Code)
	a = statusOf(t, sb, "VB-P1")
	assert.Equal(t, "settlement", a.str("transaction_status"))
	_, html = page(t, sb, u.Path)
	assert.NotContains(t, html, `data-testid="pay"`, "no buttons once final")
	assert.Contains(t, html, `data-testid="finish"`)
	assert.Contains(t, html, "status_code=200&amp;transaction_status=settlement")

	rec = pagePost(t, sb, u.Path, url.Values{"action": {PageActionPay}})
	assert.Equal(t, http.StatusConflict, rec.Code, "a second pay is refused on the page")
	assert.Contains(t, rec.Body.String(), `data-testid="error"`)

	sb.Flush()
	got := rc.notices()
	require.Len(t, got, 2)
	assert.Equal(t, []string{"201", "200"}, []string{got[0].StatusCode, got[1].StatusCode})
	assert.True(t, got[1].Valid)
	assert.Equal(t, 6, sb.Count(EndpointPayPage))
	code, _ = page(t, sb, "/snap/v2/vtweb/nope")
	assert.Equal(t, http.StatusNotFound, code)
}

func TestHostedPageFailExpireAndEnabledPayments(t *testing.T) {
	sb, _ := newSB(t, Config{})
	for action, want := range map[string]string{PageActionFail: StatusDeny, PageActionExpire: StatusExpire} {
		id := "VB-P-" + action
		u, _ := url.Parse(mustCreate(t, sb, id, 10_000).str("redirect_url"))
		require.Equal(t, http.StatusSeeOther, pagePost(t, sb, u.Path, url.Values{"action": {PageActionPick}, "method": {MethodGoPay}}).Code)
		require.Equal(t, http.StatusSeeOther, pagePost(t, sb, u.Path, url.Values{"action": {action}}).Code)
		tx, _ := sb.Transaction(id)
		assert.Equal(t, want, tx.Status)
	}
	b := validBody("VB-P-en", 10_000)
	b["enabled_payments"] = []string{"other_qris", "bni_va"}
	u, _ := url.Parse(postCreate(t, sb, b).str("redirect_url"))
	_, html := page(t, sb, u.Path)
	assert.Contains(t, html, `data-testid="method-qris"`)
	assert.Contains(t, html, `data-testid="method-bni_va"`)
	assert.NotContains(t, html, `data-testid="method-gopay"`)
	rec := pagePost(t, sb, u.Path, url.Values{"action": {PageActionPick}, "method": {MethodGoPay}})
	assert.Equal(t, http.StatusConflict, rec.Code)
}
