// Package restclient builds the resty client the API clients (vipreseller,
// payment/tripay) send their requests through, set up the same way for
// both: retries off, since each client retries per operation itself, and
// resty's own logging off, since its warnings may quote requests.
package restclient

import (
	"net/http"

	"github.com/go-resty/resty/v2"
)

// New returns a resty client on a copy of hc (a fresh http.Client when hc
// is nil) that asks for JSON as userAgent. hc is copied because resty fills
// in a missing Transport, and the caller's value must stay intact.
func New(hc *http.Client, userAgent string) *resty.Client {
	cp := &http.Client{}
	if hc != nil {
		c := *hc
		cp = &c
	}
	return resty.NewWithClient(cp).
		SetRetryCount(0).
		SetDebug(false).
		SetLogger(nopLogger{}).
		SetHeader("Accept", "application/json").
		SetHeader("User-Agent", userAgent)
}

// nopLogger silences resty's own logging.
type nopLogger struct{}

func (nopLogger) Errorf(string, ...any) {}
func (nopLogger) Warnf(string, ...any)  {}
func (nopLogger) Debugf(string, ...any) {}
