package midtrans

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/vipbase/vipbase/internal/backoff"
	"github.com/vipbase/vipbase/payment"
)

// Operation names, for errors and log lines.
const (
	opCreate = "create"
	opStatus = "status"
	opExpire = "expire"
)

// call is one Midtrans request.
type call struct {
	op     string // opCreate, opStatus, opExpire
	method string
	url    string
	body   []byte            // JSON; nil for a GET
	header map[string]string // extra headers (X-Override-Notification)
	create bool              // not idempotent: one request, failures are unknown outcomes
}

// answer is one parsed Midtrans answer: the HTTP status and the JSON
// object of the body.
type answer struct {
	status int
	f      *fields
}

// errAbsent is what a handler returns for Midtrans's 404: the order is
// unknown to it, or (Snap) the shopper has not picked a method yet. Each
// operation reads it its own way; it never leaves the package.
var errAbsent = errors.New("midtrans: no such transaction (yet)")

// shouldRetry is the retry predicate: never a create (sent again after a
// failure it could meet its own first attempt), otherwise only after a
// transport failure. A refusal is a definite answer and asking again gets
// the same one.
func shouldRetry(cl call, err error) bool {
	var refused *payment.RefusedError
	return !cl.create && errors.Is(err, payment.ErrTransport) && !errors.As(err, &refused)
}

// do runs a call, with retries unless it is a create. handle reads each
// JSON answer below HTTP 500: it returns nil, a *payment.RefusedError,
// errAbsent, or any other error, which makes the answer malformed and the
// attempt a transport failure (a read is retried, a create is in doubt).
func (c *Client) do(ctx context.Context, cl call, handle func(answer) error) error {
	if !c.Configured() {
		return payment.ErrNotConfigured
	}
	tries := c.maxTries
	if cl.create {
		tries = 1
	}
	for attempt := 1; ; attempt++ {
		start := time.Now()
		status, err := c.attempt(ctx, cl, handle)
		c.logAttempt(ctx, cl, attempt, status, time.Since(start), err)
		if err == nil || attempt >= tries || !shouldRetry(cl, err) || ctx.Err() != nil {
			return err
		}
		if c.sleep(ctx, c.backoff(attempt)) != nil {
			return err
		}
	}
}

// backoff is the wait after the given failed attempt (see backoff.Delay).
func (c *Client) backoff(attempt int) time.Duration {
	return backoff.Delay(attempt, c.minBackoff, c.maxBackoff, c.jitter)
}

// attempt sends one request and classifies what comes back: transport
// failures (timeout, connection, 5xx, HTML, garbage, oversize) here, the
// meaning of a JSON answer in handle.
func (c *Client) attempt(ctx context.Context, cl call, handle func(answer) error) (int, error) {
	rctx, cancel := ctx, context.CancelFunc(func() {})
	if c.timeout > 0 {
		rctx, cancel = context.WithTimeout(ctx, c.timeout)
	}
	defer cancel()

	req := c.http.R().
		SetContext(rctx).
		SetHeader("Authorization", basicAuth(c.serverKey)).
		SetDoNotParseResponse(true)
	for k, v := range cl.header {
		req.SetHeader(k, v)
	}
	if cl.body != nil {
		req.SetHeader("Content-Type", "application/json").SetBody(cl.body)
	}
	resp, err := req.Execute(cl.method, cl.url)
	if resp != nil && resp.RawResponse != nil && resp.RawResponse.Body != nil {
		defer resp.RawResponse.Body.Close()
	}
	if err != nil {
		return 0, c.transportErr(ctx, rctx, cl, "request failed: "+err.Error())
	}
	status := resp.StatusCode()
	body, err := io.ReadAll(io.LimitReader(resp.RawResponse.Body, c.bodyLimit+1))
	if err != nil {
		return status, c.transportErr(ctx, rctx, cl, fmt.Sprintf("HTTP %d: reading body: %v", status, err))
	}
	if int64(len(body)) > c.bodyLimit {
		return status, c.transportErr(ctx, rctx, cl, fmt.Sprintf("HTTP %d: body exceeds %d bytes", status, c.bodyLimit))
	}
	// A 5xx is a failure whatever its body says: Midtrans may have died
	// after creating the transaction.
	if status >= 500 {
		return status, c.transportErr(ctx, rctx, cl, fmt.Sprintf("HTTP %d %s", status, http.StatusText(status)))
	}
	f, err := readFields(body, c.redact)
	if err != nil {
		return status, c.transportErr(ctx, rctx, cl, fmt.Sprintf("HTTP %d: not a Midtrans answer (%d bytes)", status, len(body)))
	}
	err = handle(answer{status: status, f: f})
	var refused *payment.RefusedError
	switch {
	case err == nil, errors.Is(err, errAbsent):
		return status, err
	case errors.As(err, &refused):
		refused.Gateway, refused.Op, refused.Message = Name, cl.op, c.redact.String(refused.Message)
		return status, refused
	}
	return status, c.fail(cl, fmt.Sprintf("HTTP %d: malformed answer: %v", status, err))
}

// transportErr names a timeout as such; when the caller's own context
// ended, its error is reachable through errors.Is as well.
func (c *Client) transportErr(ctx, rctx context.Context, cl call, detail string) error {
	var extra []error
	switch {
	case ctx.Err() != nil:
		extra = append(extra, ctx.Err())
		detail = "caller context ended (" + ctx.Err().Error() + "): " + detail
	case rctx.Err() != nil:
		detail = fmt.Sprintf("timed out after %s: %s", c.timeout, detail)
	}
	return c.fail(cl, detail, extra...)
}

// fail builds a redacted transport failure. A create's also carries
// payment.ErrUnknownOutcome: Midtrans may have created the transaction.
func (c *Client) fail(cl call, detail string, extra ...error) error {
	kinds := []error{payment.ErrTransport}
	if cl.create {
		kinds = append(kinds, payment.ErrUnknownOutcome)
	}
	return &failure{op: cl.op, detail: c.redact.String(detail), kinds: append(kinds, extra...)}
}

func (c *Client) logAttempt(ctx context.Context, cl call, attempt, status int, d time.Duration, err error) {
	if !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("op", cl.op),
		slog.Int("http_status", status),
		slog.Duration("duration", d),
		slog.Int("attempt", attempt),
	}
	if err != nil {
		// Already redacted where built; again in case a future path forgets.
		attrs = append(attrs, slog.String("error", c.redact.String(err.Error())))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "midtrans request", attrs...)
}
