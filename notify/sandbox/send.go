package sandbox

import (
	"errors"
	"mime"
	"net/http"
	"regexp"
	"strings"

	"github.com/vipbase/vipbase/internal/simhttp"
)

// Fonnte's reasons, as its API answers them. Each is worded so that
// notify's permanentMarkers classify it as Fonnte's would be: a bad token,
// target or message is permanent, a disconnected device transient.
const (
	ReasonInvalidToken  = "invalid token"
	ReasonInvalidTarget = "invalid target"
	ReasonEmptyMessage  = "empty message"
	ReasonDisconnected  = "device disconnected"
)

// bodyLimit caps a send's form: a WhatsApp message is at most 64 Ki
// characters, each at most 4 bytes.
const bodyLimit = 1 << 20

// mobileRe is what the sandbox accepts as a target once countryCode is
// applied: an Indonesian mobile, 62 8 and 7 to 12 more digits. Real Fonnte
// takes any number on WhatsApp; the shop only ever sends to these.
var mobileRe = regexp.MustCompile(`^628[0-9]{7,12}$`)

// call is one parsed send.
type call struct {
	auth, target, message, countryCode string
}

// sendAnswer is Fonnte's answer; fields in Fonnte's (alphabetical) order.
type sendAnswer struct {
	Detail    string   `json:"detail,omitempty"`
	ID        []string `json:"id,omitempty"`
	Process   string   `json:"process,omitempty"`
	Reason    string   `json:"reason,omitempty"`
	RequestID int64    `json:"requestid,omitempty"`
	Status    bool     `json:"status"`
	Target    []string `json:"target,omitempty"`
}

// outcome is a JSON answer with its HTTP status.
type outcome struct {
	http   int
	answer sendAnswer
}

func refuse(status int, reason string) outcome {
	return outcome{http: status, answer: sendAnswer{Reason: reason}}
}

// isSendPath reports whether path ends in the send endpoint, so any base
// works: https://api.fonnte.com/send, http://127.0.0.1:<port>/send, or a
// mount like /_sandbox/fonnte/send.
func isSendPath(path string) bool {
	p := strings.TrimRight(path, "/")
	return p == "/send" || strings.HasSuffix(p, "/send")
}

// ServeHTTP serves POST …/send. Every request is logged (Requests, Hits)
// as it arrives, and completed before its answer is written.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var c call
	var o outcome
	parsed := false
	switch {
	case !isSendPath(r.URL.Path):
		o = refuse(http.StatusNotFound, "endpoint not found")
	case r.Method != http.MethodPost:
		o = refuse(http.StatusMethodNotAllowed, "method not allowed")
		w.Header().Set("Allow", http.MethodPost)
	default:
		var err error
		if c, err = parseCall(w, r); err != nil {
			o = refuse(http.StatusRequestEntityTooLarge, "request too large")
		} else {
			parsed = true
		}
	}
	rec := s.logRequest(r, c)
	lw := &logWriter{ResponseWriter: w, s: s, rec: rec}
	note := func(f FaultKind, o outcome) { s.noteAnswer(rec, f, o) }
	if parsed {
		s.serve(r.Context(), lw, c, note)
		return
	}
	note(0, o)
	writeJSON(lw, o)
}

// parseCall reads the form, URL-encoded or multipart, as Fonnte's PHP
// examples and notify.Fonnte send it.
func parseCall(w http.ResponseWriter, r *http.Request) (call, error) {
	r.Body = http.MaxBytesReader(w, r.Body, bodyLimit)
	var err error
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		err = r.ParseMultipartForm(bodyLimit)
	} else {
		err = r.ParseForm()
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return call{}, err
	}
	// Any other parse error leaves the fields empty: Fonnte then answers
	// about the missing target.
	return call{
		auth:        strings.TrimSpace(r.Header.Get("Authorization")),
		target:      r.PostFormValue("target"),
		message:     r.PostFormValue("message"),
		countryCode: r.PostFormValue("countryCode"),
	}, nil
}

// normaliseTargets splits a comma-separated target field and applies
// countryCode to each number with a leading 0 (Fonnte's default code is
// 62; "0" turns the replacement off). ok is false when any target is
// empty, not all digits, or not an Indonesian mobile.
func normaliseTargets(target, countryCode string) ([]string, bool) {
	cc := strings.TrimSpace(countryCode)
	if cc == "" {
		cc = "62"
	}
	var out []string
	for _, t := range strings.Split(target, ",") {
		t = strings.TrimSpace(t)
		if t == "" || strings.Trim(t, "0123456789") != "" {
			return nil, false
		}
		if cc != "0" && strings.HasPrefix(t, "0") {
			t = cc + t[1:]
		}
		if !mobileRe.MatchString(t) {
			return nil, false
		}
		out = append(out, t)
	}
	return out, len(out) > 0
}

// handle checks a send in Fonnte's order — token, target, message — and
// delivers it to the inbox, one message per target.
func (s *Sandbox) handle(c call) outcome {
	if !s.tokenOK(c.auth) {
		return refuse(http.StatusOK, ReasonInvalidToken)
	}
	targets, ok := normaliseTargets(c.target, c.countryCode)
	if !ok {
		return refuse(http.StatusOK, ReasonInvalidTarget)
	}
	if strings.TrimSpace(c.message) == "" {
		return refuse(http.StatusOK, ReasonEmptyMessage)
	}
	a := sendAnswer{Detail: "success! message in queue", Process: "pending", RequestID: s.nextRequestID(), Status: true, Target: targets}
	for _, t := range targets {
		m := s.Inbox.add(Message{Channel: ChannelWhatsApp, To: t, Body: c.message})
		a.ID = append(a.ID, m.ID)
	}
	return outcome{http: http.StatusOK, answer: a}
}

func writeJSON(w http.ResponseWriter, o outcome) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(o.http)
	_, _ = w.Write(simhttp.Marshal(o.answer))
}
