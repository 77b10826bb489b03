package vipreseller

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/vipbase/vipbase/internal/backoff"
)

// call is one provider operation.
type call struct {
	ep     Endpoint
	typ    string     // form field "type"; "" for profile, which takes none
	params url.Values // operation fields, without key/sign/type
	order  bool       // not idempotent: one request, failures are unknown outcomes
	paced  bool       // the caller already took a rate-limiter slot for the first attempt
	low    bool       // low priority: sent only within its share of the budget (ErrBusy otherwise)
	yield  bool       // background read (catalog, stock, profile): waits while other calls queue for the limiter
}

// Low-priority calls (nickname checks, which anyone can trigger) get a
// bounded share of the request rate and never queue far behind other calls,
// so no public route can delay a paid order's send or confirmation.
const (
	lowShare   = 0.2                    // of the rate limit
	lowMaxWait = 500 * time.Millisecond // the most a low call waits for a slot
)

func (cl call) op() string { return opName(cl.ep, cl.typ) }

type claimKey struct{}

// WithClaim returns a context for one order call: claim runs once the call
// may be sent (after the order spacing and the rate limiter) and
// immediately before the request. If claim fails nothing is sent and the
// call returns claim's error as is; once it succeeded, the request is no
// longer cut short by ctx (it runs to the client's timeout), since an
// abandoned order POST only turns a known outcome into an unknown one.
// This lets a caller record "being sent" only when the send really starts:
// a crash while waiting leaves the order unsent, not in doubt.
func WithClaim(ctx context.Context, claim func() error) context.Context {
	return context.WithValue(ctx, claimKey{}, claim)
}

// shouldRetry is the retry predicate: only reads, only after a transport
// failure. An APIError is a definite answer and asking again would get the
// same one; an order has no idempotency key, so sending it again after a
// failure could buy twice.
func shouldRetry(cl call, err error) bool {
	if cl.order {
		return false
	}
	var apiErr *APIError
	return errors.Is(err, ErrTransport) && !errors.As(err, &apiErr)
}

// do runs a call: pacing, the request, decoding, retries for reads, logging.
// decode reads the data of a result:true answer; when it fails the answer
// is malformed, which counts as a transport failure of that attempt (so a
// read is retried and the log line shows the failure).
func (c *Client) do(ctx context.Context, cl call, decode func(*envelope) error) error {
	if !c.Configured() {
		return ErrNotConfigured
	}
	tries := c.maxTries
	if cl.order {
		tries = 1
	}
	if cl.low {
		if !c.lowLimiter.try() {
			return fmt.Errorf("%w (%s)", ErrBusy, cl.op())
		}
		ok, err := c.limiter.reserveWithin(ctx, lowMaxWait)
		if err != nil {
			return fmt.Errorf("vipreseller: %s: waiting for rate limiter: %w", cl.op(), err)
		}
		if !ok {
			return fmt.Errorf("%w (%s)", ErrBusy, cl.op())
		}
		cl.paced = true // this slot is the first attempt's; a retry after a transport failure queues as reads do
	}
	for attempt := 1; ; attempt++ {
		if cl.yield {
			// Orders and status confirmations queued for the limiter go
			// first; the read takes a slot once the queue is short.
			if err := c.limiter.waitShort(ctx); err != nil {
				return fmt.Errorf("vipreseller: %s: waiting for rate limiter: %w", cl.op(), err)
			}
		}
		if cl.order {
			if err := c.orderLimiter.Wait(ctx); err != nil {
				return fmt.Errorf("vipreseller: %s: waiting for order spacing: %w", cl.op(), err)
			}
		}
		if cl.paced && attempt == 1 {
			// Confirm took this slot itself, to learn when to seal its batch.
		} else if err := c.limiter.Wait(ctx); err != nil {
			// Nothing was sent, so even for an order the outcome is known:
			// not applied. The caller sees its own context error.
			return fmt.Errorf("vipreseller: %s: waiting for rate limiter: %w", cl.op(), err)
		}
		if claim, ok := ctx.Value(claimKey{}).(func() error); ok && cl.order {
			if err := claim(); err != nil {
				return err
			}
			ctx = context.WithoutCancel(ctx)
		}
		start := time.Now()
		env, status, err := c.attempt(ctx, cl)
		if err == nil {
			if derr := decode(env); derr != nil {
				err = c.fail(cl, "malformed data: "+derr.Error())
			}
		}
		c.logAttempt(ctx, cl, attempt, status, time.Since(start), err)
		if err == nil {
			return nil
		}
		if attempt >= tries || !shouldRetry(cl, err) || ctx.Err() != nil {
			return err
		}
		if c.sleep(ctx, c.backoff(attempt)) != nil {
			return err
		}
	}
}

// backoff returns the wait after the given failed attempt (see
// backoff.Delay).
func (c *Client) backoff(attempt int) time.Duration {
	return backoff.Delay(attempt, c.minBackoff, c.maxBackoff, c.jitter)
}

// attempt sends one HTTP request and classifies the answer. It also returns
// the HTTP status (0 if none) for the log.
func (c *Client) attempt(ctx context.Context, cl call) (*envelope, int, error) {
	rctx, cancel := ctx, context.CancelFunc(func() {})
	if c.timeout > 0 {
		rctx, cancel = context.WithTimeout(ctx, c.timeout)
	}
	defer cancel()

	form := url.Values{}
	for k, v := range cl.params {
		form[k] = v
	}
	form.Set("key", c.apiKey)
	form.Set("sign", c.sign)
	if cl.typ != "" {
		form.Set("type", cl.typ)
	}

	resp, err := c.http.R().
		SetContext(rctx).
		SetFormDataFromValues(form).
		SetDoNotParseResponse(true).
		Post(c.baseURL + "/" + string(cl.ep))
	if resp != nil && resp.RawResponse != nil && resp.RawResponse.Body != nil {
		defer resp.RawResponse.Body.Close()
	}
	if err != nil {
		return nil, 0, c.transportErr(ctx, rctx, cl, "request failed: "+err.Error())
	}
	status := resp.StatusCode()
	body, err := io.ReadAll(io.LimitReader(resp.RawResponse.Body, c.bodyLimit+1))
	if err != nil {
		return nil, status, c.transportErr(ctx, rctx, cl, fmt.Sprintf("HTTP %d: reading body: %v", status, err))
	}
	if int64(len(body)) > c.bodyLimit {
		return nil, status, c.transportErr(ctx, rctx, cl, fmt.Sprintf("HTTP %d: body exceeds %d bytes (truncated)", status, c.bodyLimit))
	}
	// A 5xx is a failure even with an envelope: the provider may have died
	// after applying the request.
	if status >= 500 {
		return nil, status, c.transportErr(ctx, rctx, cl, fmt.Sprintf("HTTP %d %s", status, http.StatusText(status)))
	}
	env, err := parseEnvelope(body)
	if err != nil {
		return nil, status, c.transportErr(ctx, rctx, cl, fmt.Sprintf("HTTP %d: not a JSON envelope: %v", status, err))
	}
	if !env.Result {
		// A definite refusal, also when it comes with a 4xx.
		return nil, status, &APIError{Endpoint: cl.ep, Type: cl.typ, Message: c.redact.String(env.Message)}
	}
	if status < 200 || status > 299 {
		return nil, status, c.transportErr(ctx, rctx, cl, fmt.Sprintf("HTTP %d with result:true", status))
	}
	return env, status, nil
}

// transportErr builds the error for a request that got no usable answer.
// A timeout is named as such; when the caller's own context ended, its
// error is reachable through errors.Is as well.
func (c *Client) transportErr(ctx, rctx context.Context, cl call, detail string) error {
	var kinds []error
	switch {
	case ctx.Err() != nil:
		kinds = append(kinds, ctx.Err())
		detail = "caller context ended (" + ctx.Err().Error() + "): " + detail
	case rctx.Err() != nil:
		detail = fmt.Sprintf("timed out after %s: %s", c.timeout, detail)
	}
	return c.fail(cl, detail, kinds...)
}

// fail builds a redacted transport failure for cl. An order failure also
// carries ErrUnknownOutcome: the provider may have executed it, and no
// caller may mistake it for "not applied".
func (c *Client) fail(cl call, detail string, extra ...error) error {
	kinds := []error{ErrTransport}
	if cl.order {
		kinds = append(kinds, ErrUnknownOutcome)
	}
	return &failure{op: cl.op(), detail: c.redact.String(detail), kinds: append(kinds, extra...)}
}

func (c *Client) logAttempt(ctx context.Context, cl call, attempt, status int, d time.Duration, err error) {
	if !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("endpoint", string(cl.ep)),
		slog.String("type", cl.typ),
		slog.Int("http_status", status),
		slog.Duration("duration", d),
		slog.Int("attempt", attempt),
	}
	if err != nil {
		// Error strings built here are already redacted; redact again in case
		// a future path forgets.
		attrs = append(attrs, slog.String("error", c.redact.String(err.Error())))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "vipreseller request", attrs...)
}
