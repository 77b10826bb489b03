package sandbox

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(int)             {}

func benchServe(b *testing.B, sb *Sandbox, path string, form url.Values) {
	body := form.Encode()
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		sb.ServeHTTP(w, req)
	}
}

func BenchmarkServicesFull20k(b *testing.B) {
	sb := New(Config{GameServices: 20_000})
	benchServe(b, sb, "/api/game-feature", url.Values{"key": {sb.APIKey()}, "sign": {sb.Signature()}, "type": {"services"}})
}

func BenchmarkServicesFiltered20k(b *testing.B) {
	sb := New(Config{GameServices: 20_000})
	benchServe(b, sb, "/api/game-feature", url.Values{"key": {sb.APIKey()}, "sign": {sb.Signature()}, "type": {"services"}, "filter_game": {"Free Fire"}})
}

func BenchmarkOrder(b *testing.B) {
	sb := New(Config{Balance: 1 << 50})
	benchServe(b, sb, "/api/prepaid", url.Values{"key": {sb.APIKey()}, "sign": {sb.Signature()}, "type": {"order"}, "service": {"PLN20"}, "data_no": {"5123"}})
}

func BenchmarkStatusByTrxID(b *testing.B) {
	sb := New(Config{Balance: 1 << 50})
	var id string
	for i := range 5000 {
		f := url.Values{"key": {sb.APIKey()}, "sign": {sb.Signature()}, "type": {"order"}, "service": {"PLN20"}, "data_no": {"5123" + strconv.Itoa(i)}}
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/api/prepaid", strings.NewReader(f.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		sb.ServeHTTP(rec, req)
		raw, _ := io.ReadAll(rec.Body)
		if i == 2500 {
			id = string(raw[strings.Index(string(raw), `"trxid":"`)+9:][:12])
		}
	}
	benchServe(b, sb, "/api/prepaid", url.Values{"key": {sb.APIKey()}, "sign": {sb.Signature()}, "type": {"status"}, "trxid": {id}})
}

func BenchmarkGenerate20k(b *testing.B) {
	for b.Loop() {
		New(Config{GameServices: 8000, PrepaidServices: 7000, SocialServices: 5000})
	}
}
