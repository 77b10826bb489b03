package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mounted serves the inbox the way the hooks mount it: at InboxPath and
// everything under it, the full path reaching the handler.
func mounted(in *Inbox) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(InboxPath, in.InboxHandler())
	mux.Handle(InboxPath+"/", in.InboxHandler())
	return mux
}

func serveInbox(t *testing.T, h http.Handler, method, path string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func feed(t *testing.T, h http.Handler, path string) []Message {
	t.Helper()
	rec := serveInbox(t, h, http.MethodGet, path)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
	assert.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
	var msgs []Message
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &msgs))
	return msgs
}

func TestMessagesJSONNewestFirst(t *testing.T) {
	in := NewInbox(10)
	h := mounted(in)
	rec := serveInbox(t, h, http.MethodGet, InboxPath+MessagesSuffix)
	assert.Equal(t, "[]", rec.Body.String(), "an empty inbox is an empty list, not null")

	in.add(Message{Channel: ChannelWhatsApp, To: "6281234567890", Body: "satu"})
	in.AddEmail("a@example.com", "Dua", "dua", "<p>dua</p>")
	in.add(Message{Channel: ChannelWhatsApp, To: "6281234567890", Body: "tiga"})

	msgs := feed(t, h, InboxPath+MessagesSuffix)
	assert.Equal(t, []string{"tiga", "dua", "satu"}, bodies(msgs))
	assert.Equal(t, "Dua", msgs[1].Subject)
	assert.Equal(t, "<p>dua</p>", msgs[1].HTML)
	assert.Equal(t, in.Messages()[0].At.UTC(), msgs[0].At.UTC())

	assert.Equal(t, []string{"tiga"}, bodies(feed(t, h, InboxPath+"/messages.json?since=80000002")))
	assert.Equal(t, bodies(msgs), bodies(feed(t, h, InboxPath+"/inbox/messages.json")), "any path ending in /messages.json")
	assert.Equal(t, http.StatusBadRequest, serveInbox(t, h, http.MethodGet, InboxPath+"/messages.json?since=x").Code)
}

func TestMessagesJSONIsInert(t *testing.T) {
	in := NewInbox(10)
	in.AddEmail("a@example.com", "<script>alert(1)</script>", "</script><img src=x onerror=alert(1)>", "")
	rec := serveInbox(t, in.InboxHandler(), http.MethodGet, "/messages.json")
	assert.NotContains(t, rec.Body.String(), "<script>")
	assert.NotContains(t, rec.Body.String(), "<img")
	assert.Contains(t, rec.Body.String(), `\u003cscript\u003e`)
	assert.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))
	assert.Equal(t, "</script><img src=x onerror=alert(1)>", feed(t, in.InboxHandler(), "/messages.json")[0].Body)
}

func TestInboxPage(t *testing.T) {
	in := NewInbox(10)
	in.AddEmail("evil@example.com", "<b>SUBJEK-RAHASIA</b>", "ISI-RAHASIA", "<script>alert(1)</script>")
	h := mounted(in)
	for _, path := range []string{InboxPath, InboxPath + "/", InboxPath + "/index.html"} {
		rec := serveInbox(t, h, http.MethodGet, path)
		require.Equal(t, http.StatusOK, rec.Code, path)
		assert.Equal(t, "text/html; charset=utf-8", rec.Header().Get("Content-Type"))
		assert.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
		assert.Contains(t, rec.Header().Get("Content-Security-Policy"), "connect-src 'self'")
		page := rec.Body.String()
		assert.True(t, strings.HasPrefix(page, "<!DOCTYPE html>"))
		assert.Contains(t, page, `<html lang="id">`)
		assert.Contains(t, page, "<title>Kotak masuk sandbox</title>")
		assert.Contains(t, page, `<meta name="viewport" content="width=device-width, initial-scale=1">`)
		assert.Contains(t, page, `data-testid="inbox-empty"`)
		assert.Contains(t, page, "Belum ada pesan. Lakukan pembelian di toko untuk melihat WhatsApp dan e-mail di sini.")
		assert.Contains(t, page, `setAttribute('data-testid', 'inbox-message')`)
		assert.Contains(t, page, "'/messages.json'")
		assert.Contains(t, page, "setTimeout(loop, 2000)")

		// Content is rendered client-side from the feed, never into the page.
		assert.NotContains(t, page, "RAHASIA")
		assert.NotContains(t, page, "innerHTML")
		assert.NotContains(t, page, "insertAdjacentHTML")
		assert.NotContains(t, page, "document.write")
		// Self-contained: nothing loaded from elsewhere.
		assert.NotContains(t, page, "http://")
		assert.NotContains(t, page, "https://")
		assert.NotContains(t, page, " src=")
	}
	head := serveInbox(t, h, http.MethodHead, InboxPath)
	assert.Equal(t, http.StatusOK, head.Code)
}

func TestInboxResetAndMethods(t *testing.T) {
	in := NewInbox(10)
	in.AddEmail("a@example.com", "s", "b", "")
	h := mounted(in)
	assert.Equal(t, http.StatusBadRequest, serveInbox(t, h, http.MethodPost, InboxPath+ResetSuffix).Code, "header required")
	assert.Equal(t, 1, in.Len())
	assert.Equal(t, http.StatusMethodNotAllowed, serveInbox(t, h, http.MethodGet, InboxPath+ResetSuffix).Code)
	assert.Equal(t, http.StatusNoContent, serveInbox(t, h, http.MethodPost, InboxPath+ResetSuffix, "X-Sandbox-Inbox", "reset").Code)
	assert.Zero(t, in.Len())

	rec := serveInbox(t, h, http.MethodPost, InboxPath)
	assert.Equal(t, http.StatusMethodNotAllowed, rec.Code)
	assert.Equal(t, "GET, HEAD", rec.Header().Get("Allow"))
	assert.Equal(t, http.StatusMethodNotAllowed, serveInbox(t, h, http.MethodDelete, InboxPath+MessagesSuffix).Code)
}

func TestServerServesSendAndInbox(t *testing.T) {
	srv, c := start(t, Config{})
	assert.True(t, strings.HasSuffix(srv.URL(), "/send"))
	assert.Equal(t, strings.TrimSuffix(srv.URL(), "/send")+InboxPath, srv.InboxURL())
	_, err := c.Send(t.Context(), "081234567890", "halo\nKak")
	require.NoError(t, err)
	srv.AddEmail("a@example.com", "Subjek", "teks", "")

	resp, err := http.Get(srv.InboxURL() + MessagesSuffix)
	require.NoError(t, err)
	defer resp.Body.Close()
	var msgs []Message
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&msgs))
	assert.Equal(t, []string{"teks", "halo\nKak"}, bodies(msgs))
	assert.Equal(t, []string{ChannelEmail, ChannelWhatsApp}, []string{msgs[0].Channel, msgs[1].Channel})

	page, err := http.Get(srv.InboxURL())
	require.NoError(t, err)
	b, _ := io.ReadAll(page.Body)
	_ = page.Body.Close()
	assert.Contains(t, string(b), "Kotak masuk sandbox")

	srv.Close()
	srv.Close() // idempotent
	_, err = http.Get(srv.InboxURL())
	assert.Error(t, err)
}
