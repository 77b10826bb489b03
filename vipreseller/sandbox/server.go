package sandbox

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/vipbase/vipbase/internal/simhttp"
)

// Provider messages shared by several operations.
const (
	msgNotDetected   = "Request not detected."
	msgKeyUnknown    = "API Key not registered."
	msgSignInvalid   = "API Signature not valid."
	msgMissingParam  = "Masih ada parameter yang kosong."
	msgServiceAbsent = "Layanan tidak ditemukan atau saat ini tidak tersedia."
	msgServicesOK    = "Daftar layanan berhasil didapatkan."
	msgProfileOK     = "Successfully got your account details."
	registeredAt     = "2023-01-23 17:56:45"
	maxFormBytes     = 1 << 20
)

// reply is a complete HTTP answer, built under the lock and written outside it.
type reply struct {
	status int
	ctype  string
	body   []byte
}

// envelope is the provider's {result, data, message} wrapper.
type envelope struct {
	Result  bool   `json:"result"`
	Data    any    `json:"data"`
	Message string `json:"message"`
}

func okReply(data any, msg string) reply {
	return reply{status: http.StatusOK, ctype: "application/json", body: simhttp.Marshal(envelope{true, data, msg})}
}

func failReply(msg string) reply {
	return reply{status: http.StatusOK, ctype: "application/json", body: simhttp.Marshal(envelope{false, nil, msg})}
}

func writeReply(w http.ResponseWriter, rep reply) {
	if rep.ctype != "" {
		w.Header().Set("Content-Type", rep.ctype)
	}
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body)
}

// endpointOf takes the last path segment, so "/api/prepaid", "/prepaid" and a
// sandbox mounted under a prefix all work.
func endpointOf(path string) (string, bool) {
	p := strings.Trim(path, "/")
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		p = p[i+1:]
	}
	switch p {
	case EndpointProfile, EndpointGame, EndpointPrepaid, EndpointSocial:
		return p, true
	}
	return p, false
}

// ServeHTTP serves POST /api/profile, /api/game-feature, /api/prepaid and
// /api/social-media (also without the /api prefix). Other paths get 404.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ep, known := endpointOf(r.URL.Path)
	form := readForm(w, r)
	typ := form.Get("type")
	if ep == EndpointProfile {
		typ = ""
	}
	rec := s.logRequest(ep, typ, form)
	sw := &simhttp.StatusWriter{ResponseWriter: w}
	defer func() { s.setHTTPStatus(rec, sw.Status) }()
	if !known {
		http.NotFound(sw, r)
		return
	}
	s.serve(r.Context(), sw, r.Method, ep, typ, form)
}

// readForm parses urlencoded or multipart bodies into the POST values only,
// like PHP's $_POST; anything else yields an empty form.
func readForm(w http.ResponseWriter, r *http.Request) url.Values {
	if r.Method != http.MethodPost {
		return url.Values{}
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	err := r.ParseMultipartForm(maxFormBytes)
	if err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return url.Values{}
	}
	if r.PostForm == nil {
		return url.Values{}
	}
	return r.PostForm
}

// handle is the fault-free request path: auth, then the operation.
func (s *Sandbox) handle(method, ep, typ string, form url.Values, opt orderOpts) reply {
	key, sign := form.Get("key"), form.Get("sign")
	if method != http.MethodPost || key == "" || sign == "" || (ep != EndpointProfile && typ == "") {
		return failReply(msgNotDetected)
	}
	if subtle.ConstantTimeCompare([]byte(key), []byte(s.cfg.APIKey)) != 1 {
		return failReply(msgKeyUnknown)
	}
	if subtle.ConstantTimeCompare([]byte(sign), []byte(s.sign)) != 1 {
		return failReply(msgSignInvalid)
	}
	switch {
	case ep == EndpointProfile:
		return s.profile()
	case typ == "services":
		return s.services(ep, form)
	case typ == "order":
		return s.order(ep, form, opt)
	case typ == "status":
		return s.status(ep, form)
	case typ == "service-stock" && ep == EndpointGame:
		return s.serviceStock(form)
	case typ == "get-nickname" && ep == EndpointGame:
		return nickname(form)
	}
	return failReply(fmt.Sprintf("Type '%s' is not valid", typ))
}

type profileData struct {
	FullName   string `json:"full_name"`
	Username   string `json:"username"`
	Balance    int64  `json:"balance"`
	Point      int64  `json:"point"`
	Level      string `json:"level"`
	Registered string `json:"registered"`
}

func (s *Sandbox) profile() reply {
	return okReply(profileData{
		FullName:   s.cfg.FullName,
		Username:   s.cfg.Username,
		Balance:    s.Balance(),
		Level:      s.cfg.Level,
		Registered: registeredAt,
	}, msgProfileOK)
}

// Server is a Sandbox listening on loopback with its background loop running.
type Server struct {
	*Sandbox
	URL string // base URL including /api, e.g. http://127.0.0.1:41234/api

	srv *simhttp.Server
}

// Start listens on 127.0.0.1:0, serves the sandbox and runs its background
// loop until Close. With Config.StatePath it loads the saved state first
// (see Open) and keeps saving it until Close.
func Start(cfg Config) (*Server, error) { return StartOn("127.0.0.1:0", cfg) }

// StartOn is Start on a chosen address (the standalone `vip sandbox`).
func StartOn(addr string, cfg Config) (*Server, error) {
	sb, err := Open(cfg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox: listen: %w", err)
	}
	return &Server{
		Sandbox: sb,
		URL:     "http://" + ln.Addr().String() + "/api",
		srv:     simhttp.Serve(ln, sb, sb.Run),
	}, nil
}

// Close stops the listener and closes open connections (hung Timeout faults
// end with them), then stops the background loop, which writes the state a
// last time when Config.StatePath is set. It is idempotent.
func (s *Server) Close() { s.srv.Close() }
