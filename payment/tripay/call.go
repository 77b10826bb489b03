package tripay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/vipbase/vipbase/internal/backoff"
	"github.com/vipbase/vipbase/internal/flexjson"
	"github.com/vipbase/vipbase/payment"
)

// call is one Tripay operation.
type call struct {
	op     string     // endpoint path: "transaction/create", "merchant/payment-channel"
	query  url.Values // GET parameters
	body   []byte     // POST JSON body; nil for a GET
	create bool       // not idempotent: one request, failures are unknown outcomes
	secret string     // a per-request secret (the create signature) to redact as well
}

// shouldRetry is the retry predicate: only reads, only after a transport
// failure. A refusal is a definite answer and asking again gets the same
// one; a create sent again after a failure could make a second transaction.
func shouldRetry(cl call, err error) bool {
	var refused *payment.RefusedError
	return !cl.create && errors.Is(err, payment.ErrTransport) && !errors.As(err, &refused)
}

// do runs a call, with retries for reads, and returns the data of a
// success:true answer and the HTTP status of the last attempt. decode reads
// that data; when it fails the answer is malformed, which counts as a
// transport failure of the attempt (a read is retried, a create is in doubt).
func (c *Client) do(ctx context.Context, cl call, decode func(json.RawMessage) error) (int, error) {
	if !c.Configured() {
		return 0, payment.ErrNotConfigured
	}
	tries := c.maxTries
	if cl.create {
		tries = 1
	}
	red := c.redact
	if cl.secret != "" {
		red = c.redactorWith(cl.secret)
	}
	for attempt := 1; ; attempt++ {
		start := time.Now()
		data, status, err := c.attempt(ctx, cl, red)
		if err == nil {
			if derr := decode(data); derr != nil {
				err = c.fail(cl, red, "malformed data: "+derr.Error())
			}
		}
		c.logAttempt(ctx, cl, red, attempt, status, time.Since(start), err)
		if err == nil || attempt >= tries || !shouldRetry(cl, err) || ctx.Err() != nil {
			return status, err
		}
		if c.sleep(ctx, c.backoff(attempt)) != nil {
			return status, err
		}
	}
}

// backoff is the wait after the given failed attempt (see backoff.Delay).
func (c *Client) backoff(attempt int) time.Duration {
	return backoff.Delay(attempt, c.minBackoff, c.maxBackoff, c.jitter)
}

// envelope is Tripay's {success, message, data} wrapper.
type envelope struct {
	Success json.RawMessage `json:"success"`
	Message json.RawMessage `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// attempt sends one request and classifies the answer: data of a
// success:true 2xx answer, a *payment.RefusedError for success:false, a
// transport failure for anything else (timeout, connection, 5xx, HTML,
// garbage, oversize).
func (c *Client) attempt(ctx context.Context, cl call, red redactor) (json.RawMessage, int, error) {
	rctx, cancel := ctx, context.CancelFunc(func() {})
	if c.timeout > 0 {
		rctx, cancel = context.WithTimeout(ctx, c.timeout)
	}
	defer cancel()

	req := c.http.R().
		SetContext(rctx).
		SetHeader("Authorization", "Bearer "+c.apiKey).
		SetDoNotParseResponse(true)
	method := http.MethodGet
	if cl.body != nil {
		method = http.MethodPost
		req.SetHeader("Content-Type", "application/json").SetBody(cl.body)
	}
	u := c.baseURL + cl.op
	if len(cl.query) > 0 {
		u += "?" + cl.query.Encode()
	}
	resp, err := req.Execute(method, u)
	if resp != nil && resp.RawResponse != nil && resp.RawResponse.Body != nil {
		defer resp.RawResponse.Body.Close()
	}
	if err != nil {
		return nil, 0, c.transportErr(ctx, rctx, cl, red, "request failed: "+err.Error())
	}
	status := resp.StatusCode()
	body, err := io.ReadAll(io.LimitReader(resp.RawResponse.Body, c.bodyLimit+1))
	if err != nil {
		return nil, status, c.transportErr(ctx, rctx, cl, red, fmt.Sprintf("HTTP %d: reading body: %v", status, err))
	}
	if int64(len(body)) > c.bodyLimit {
		return nil, status, c.transportErr(ctx, rctx, cl, red, fmt.Sprintf("HTTP %d: body exceeds %d bytes", status, c.bodyLimit))
	}
	// A 5xx is a failure even with an envelope: Tripay may have died after
	// creating the transaction.
	if status >= 500 {
		return nil, status, c.transportErr(ctx, rctx, cl, red, fmt.Sprintf("HTTP %d %s", status, http.StatusText(status)))
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil || flexjson.IsNull(env.Success) {
		return nil, status, c.transportErr(ctx, rctx, cl, red, fmt.Sprintf("HTTP %d: not a Tripay answer (%d bytes)", status, len(body)))
	}
	ok, err := flexjson.Bool(env.Success)
	if err != nil {
		return nil, status, c.transportErr(ctx, rctx, cl, red, fmt.Sprintf("HTTP %d: success: %v", status, err))
	}
	if !ok {
		msg, err := flexString(env.Message)
		if err != nil {
			msg = string(env.Message) // a validation array is still Tripay's words
		}
		if msg == "" {
			msg = fmt.Sprintf("no message (HTTP %d)", status)
		}
		return nil, status, &payment.RefusedError{Gateway: Name, Op: cl.op, Message: red.String(msg)}
	}
	if status < 200 || status > 299 {
		return nil, status, c.transportErr(ctx, rctx, cl, red, fmt.Sprintf("HTTP %d with success:true", status))
	}
	return env.Data, status, nil
}

// transportErr names a timeout as such; when the caller's own context
// ended, its error is reachable through errors.Is as well.
func (c *Client) transportErr(ctx, rctx context.Context, cl call, red redactor, detail string) error {
	var extra []error
	switch {
	case ctx.Err() != nil:
		extra = append(extra, ctx.Err())
		detail = "caller context ended (" + ctx.Err().Error() + "): " + detail
	case rctx.Err() != nil:
		detail = fmt.Sprintf("timed out after %s: %s", c.timeout, detail)
	}
	return c.fail(cl, red, detail, extra...)
}

// fail builds a redacted transport failure. A create's also carries
// payment.ErrUnknownOutcome: Tripay may have created the transaction.
func (c *Client) fail(cl call, red redactor, detail string, extra ...error) error {
	kinds := []error{payment.ErrTransport}
	if cl.create {
		kinds = append(kinds, payment.ErrUnknownOutcome)
	}
	return &failure{op: cl.op, detail: red.String(detail), kinds: append(kinds, extra...)}
}

func (c *Client) logAttempt(ctx context.Context, cl call, red redactor, attempt, status int, d time.Duration, err error) {
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
		attrs = append(attrs, slog.String("error", red.String(err.Error())))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "tripay request", attrs...)
}
