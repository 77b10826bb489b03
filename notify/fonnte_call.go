package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/vipbase/vipbase/internal/flexjson"
)

// fonnteAnswer is Fonnte's send answer. Every field is read leniently: id
// is a list of strings in the documentation and of numbers in some
// answers, status sometimes a string.
type fonnteAnswer struct {
	Status json.RawMessage `json:"status"`
	Reason json.RawMessage `json:"reason"`
	Detail json.RawMessage `json:"detail"`
	ID     json.RawMessage `json:"id"`
}

// post makes the one HTTP request of a send and classifies its answer.
func (f *Fonnte) post(ctx context.Context, target, message string) (string, int, error) {
	rctx, cancel := ctx, context.CancelFunc(func() {})
	if f.timeout > 0 {
		rctx, cancel = context.WithTimeout(ctx, f.timeout)
	}
	defer cancel()

	resp, err := f.http.R().
		SetContext(rctx).
		SetHeader("Authorization", f.token).
		SetFormData(map[string]string{"target": target, "message": message, "countryCode": "62"}).
		SetDoNotParseResponse(true).
		Post(f.url)
	if resp != nil && resp.RawResponse != nil && resp.RawResponse.Body != nil {
		defer resp.RawResponse.Body.Close()
	}
	if err != nil {
		return "", 0, f.transient(ctx, rctx, "request failed: "+err.Error())
	}
	status := resp.StatusCode()
	body, err := io.ReadAll(io.LimitReader(resp.RawResponse.Body, fonnteBodyLimit+1))
	switch {
	case err != nil:
		return "", status, f.transient(ctx, rctx, fmt.Sprintf("HTTP %d: reading body: %v", status, err))
	case len(body) > fonnteBodyLimit:
		return "", status, f.transient(ctx, rctx, fmt.Sprintf("HTTP %d: body exceeds %d bytes", status, fonnteBodyLimit))
	case status >= 500:
		return "", status, f.transient(ctx, rctx, fmt.Sprintf("HTTP %d %s", status, http.StatusText(status)))
	}
	id, err := f.decode(status, body)
	return id, status, err
}

// decode reads a non-5xx answer: status decides, reason explains.
func (f *Fonnte) decode(status int, body []byte) (string, error) {
	var a fonnteAnswer
	if err := json.Unmarshal(body, &a); err != nil || flexjson.IsNull(a.Status) {
		return "", &SendError{Reason: fmt.Sprintf("HTTP %d: not a Fonnte answer (%d bytes)", status, len(body))}
	}
	ok, err := flexjson.Bool(a.Status)
	if err != nil {
		return "", &SendError{Reason: fmt.Sprintf("HTTP %d: status: %v", status, err)}
	}
	if !ok {
		reason, _ := flexjson.String(a.Reason)
		if reason == "" {
			reason, _ = flexjson.String(a.Detail)
		}
		reason = strings.TrimSpace(reason)
		if reason == "" {
			reason = fmt.Sprintf("no reason given (HTTP %d)", status)
		}
		return "", &SendError{Permanent: permanentReason(reason), Reason: "fonnte: " + f.redact.String(flexjson.Truncate(reason))}
	}
	id, err := firstID(a.ID)
	if err != nil {
		return "", &SendError{Reason: fmt.Sprintf("HTTP %d: id: %v", status, err)}
	}
	return f.redact.String(id), nil
}

// firstID reads the id of a single-target send: ["123"], [123], "123", 123
// or absent ("": Fonnte said it queued the message, so it is sent).
func firstID(raw json.RawMessage) (string, error) {
	if flexjson.IsNull(raw) {
		return "", nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err == nil {
		if len(list) == 0 {
			return "", nil
		}
		raw = list[0]
	}
	s, err := flexjson.String(raw)
	return strings.TrimSpace(s), err
}

// permanentMarkers are the words of Fonnte reasons that another attempt
// cannot change: a bad target or a bad token. Anything else — "devices
// disconnected", quota, rate limits, unknown reasons — is transient, so an
// unfamiliar refusal is retried and ends in admin_notify_failing rather
// than being dropped at once.
var permanentMarkers = []string{
	"invalid token", "token invalid", "unknown token", "token not found", "token not valid", "wrong token",
	"invalid target", "target invalid", "target not valid", "invalid number", "number invalid",
	"not registered", "not on whatsapp", "no whatsapp", "not a whatsapp",
	"empty message", "message is empty", "message empty",
}

func permanentReason(reason string) bool {
	r := strings.ToLower(reason)
	for _, m := range permanentMarkers {
		if strings.Contains(r, m) {
			return true
		}
	}
	return false
}

// transient builds a redacted transient failure, naming a timeout as such
// and keeping the caller's context error reachable.
func (f *Fonnte) transient(ctx, rctx context.Context, detail string) error {
	se := &SendError{}
	switch {
	case ctx.Err() != nil:
		se.err = ctx.Err()
		detail = "caller context ended (" + ctx.Err().Error() + "): " + detail
	case rctx.Err() != nil:
		detail = fmt.Sprintf("timed out after %s: %s", f.timeout, detail)
	}
	se.Reason = f.redact.String(detail)
	return se
}
