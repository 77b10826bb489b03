package sandbox

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/notify"
)

func TestFonnteClientSendLandsInInbox(t *testing.T) {
	srv, c := start(t, Config{})
	body := "Halo Kak,\nPesanan INV-1 berhasil.\n\nSN: 1234"
	id, err := c.Send(context.Background(), "0812-3456-7890", body)
	require.NoError(t, err)
	assert.Equal(t, "80000001", id)

	msgs := srv.Messages()
	require.Len(t, msgs, 1)
	assert.Equal(t, Message{ID: id, Channel: ChannelWhatsApp, To: "6281234567890", Body: body, At: testNow}, msgs[0])
	assert.Equal(t, msgs, srv.For("081234567890"))

	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, Request{At: testNow, Method: http.MethodPost, Path: "/send", Target: "6281234567890", CountryCode: "62",
		Authorized: true, HTTPStatus: http.StatusOK, Status: true, ID: id}, reqs[0])
	assert.Equal(t, 1, srv.Hits())
}

func TestFonnteClientWrongTokenIsPermanent(t *testing.T) {
	srv, _ := start(t, Config{Token: "right-token"})
	c := notify.NewFonnte("wrong-token", notify.WithURL(srv.URL()))
	_, err := c.Send(context.Background(), "081234567890", "halo")
	require.Error(t, err)
	assert.True(t, notify.IsPermanent(err), "error: %v", err)
	assert.Contains(t, err.Error(), ReasonInvalidToken)
	assert.NotContains(t, err.Error(), "right-token")
	assert.Zero(t, srv.Len())
	require.Len(t, srv.Requests(), 1)
	assert.False(t, srv.Requests()[0].Authorized)
}

func TestTokenGeneratedWhenEmpty(t *testing.T) {
	a, b := New(Config{}), New(Config{})
	assert.GreaterOrEqual(t, len(a.Token()), 20)
	assert.NotEqual(t, a.Token(), b.Token())
	assert.Equal(t, "given", New(Config{Token: "given"}).Token())
}

func TestSendAnswers(t *testing.T) {
	sb := New(Config{Token: "tok"})
	ok := func(target string) answer { return postForm(t, sb, "/send", "tok", send(target, "halo")) }

	a := ok("081234567890")
	assert.Equal(t, answer{Detail: "success! message in queue", ID: []string{"80000001"}, Process: "pending",
		RequestID: 2000001, Status: true, Target: []string{"6281234567890"}, code: 200, raw: a.raw}, a)
	assert.Equal(t, `{"detail":"success! message in queue","id":["80000001"],"process":"pending","requestid":2000001,"status":true,"target":["6281234567890"]}`, a.raw)

	two := ok("6281111111111,081222222222")
	assert.Equal(t, []string{"80000002", "80000003"}, two.ID)
	assert.Equal(t, []string{"6281111111111", "6281222222222"}, two.Target)
	assert.Len(t, sb.For("6281222222222"), 1)

	mp := postMultipart(t, sb, "tok", map[string]string{"target": "081333333333", "message": "multi\npart", "countryCode": "62"})
	assert.True(t, mp.Status, mp.raw)
	assert.Equal(t, "multi\npart", sb.For("081333333333")[0].Body)

	noCC := postForm(t, sb, "/send", "tok", url.Values{"target": {"081444444444"}, "message": {"x"}})
	assert.True(t, noCC.Status, "countryCode defaults to 62")
	offCC := postForm(t, sb, "/send", "tok", url.Values{"target": {"081444444444"}, "message": {"x"}, "countryCode": {"0"}})
	assert.Equal(t, ReasonInvalidTarget, offCC.Reason, "countryCode 0 leaves the 0, and 0812 is not 628")

	mounted := postForm(t, sb, "/_sandbox/fonnte/send", "tok", send("081234567890", "x"))
	assert.True(t, mounted.Status, "any path ending in /send")
}

func TestSendRefusals(t *testing.T) {
	cases := []struct {
		name, token, target, message, reason string
	}{
		{"no token", "", "081234567890", "halo", ReasonInvalidToken},
		{"wrong token", "nope", "081234567890", "halo", ReasonInvalidToken},
		{"no target", "tok", "", "halo", ReasonInvalidTarget},
		{"letters", "tok", "0812abc", "halo", ReasonInvalidTarget},
		{"plus sign", "tok", "+6281234567890", "halo", ReasonInvalidTarget},
		{"landline", "tok", "0215550123", "halo", ReasonInvalidTarget},
		{"foreign", "tok", "6591234567", "halo", ReasonInvalidTarget},
		{"too short", "tok", "0812345", "halo", ReasonInvalidTarget},
		{"one bad of two", "tok", "081234567890,12", "halo", ReasonInvalidTarget},
		{"empty message", "tok", "081234567890", "", ReasonEmptyMessage},
		{"blank message", "tok", "081234567890", " \n ", ReasonEmptyMessage},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sb := New(Config{Token: "tok"})
			a := postForm(t, sb, "/send", tc.token, send(tc.target, tc.message))
			assert.Equal(t, http.StatusOK, a.code)
			assert.False(t, a.Status)
			assert.Equal(t, tc.reason, a.Reason)
			assert.Equal(t, `{"reason":"`+tc.reason+`","status":false}`, a.raw)
			assert.Zero(t, sb.Len(), "nothing delivered")
			require.Len(t, sb.Requests(), 1)
			assert.Equal(t, tc.reason, sb.Requests()[0].Reason)
		})
	}
}

// TestReasonsClassifiedAsFonnte's checks each refusal through the real
// client: the sandbox's wording must land on the same side of
// notify.IsPermanent as Fonnte's.
func TestReasonsClassifiedAsFonntes(t *testing.T) {
	srv, c := start(t, Config{})
	for reason, permanent := range map[string]bool{
		ReasonInvalidToken: true, ReasonInvalidTarget: true, ReasonEmptyMessage: true, ReasonDisconnected: false,
	} {
		srv.Inject(Fault{Kind: FaultTransient, Reason: reason})
		_, err := c.Send(context.Background(), "081234567890", "halo")
		require.Error(t, err, reason)
		assert.Equal(t, permanent, notify.IsPermanent(err), "%s: %v", reason, err)
	}
}

func TestSendWrongPathMethodAndSize(t *testing.T) {
	sb := New(Config{Token: "tok"})
	a := postForm(t, sb, "/sendx", "tok", send("081234567890", "x"))
	assert.Equal(t, http.StatusNotFound, a.code)
	assert.False(t, a.Status)

	a = do(t, sb, httptest.NewRequest(http.MethodGet, "/send?target=081234567890&message=x", nil))
	assert.Equal(t, http.StatusMethodNotAllowed, a.code)
	assert.Equal(t, "method not allowed", a.Reason)

	big := postForm(t, sb, "/send", "tok", send("081234567890", strings.Repeat("x", bodyLimit)))
	assert.Equal(t, http.StatusRequestEntityTooLarge, big.code)
	assert.Equal(t, "request too large", big.Reason)

	assert.Zero(t, sb.Len())
	assert.Equal(t, 3, sb.Hits())
	reqs := sb.Requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, []int{404, 405, 413}, []int{reqs[0].HTTPStatus, reqs[1].HTTPStatus, reqs[2].HTTPStatus})
	sb.ResetRequests()
	assert.Zero(t, sb.Hits())
	assert.Empty(t, sb.Requests())
}

func TestNormaliseTargets(t *testing.T) {
	for in, want := range map[[2]string]string{
		{"081234567890", "62"}:  "6281234567890",
		{"6281234567890", "62"}: "6281234567890",
		{"081234567890", ""}:    "6281234567890",
		{" 0812345678 ", "62"}:  "62812345678",
		{"81234567890", "62"}:   "",
		{"081234567890", "0"}:   "",
		{"081234567890", "65"}:  "",
	} {
		got, ok := normaliseTargets(in[0], in[1])
		if want == "" {
			assert.False(t, ok, "%v", in)
			continue
		}
		assert.True(t, ok, "%v", in)
		assert.Equal(t, []string{want}, got, "%v", in)
	}
}
