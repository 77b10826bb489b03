package sandbox

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaults(t *testing.T) {
	sb := New(Config{})
	assert.Equal(t, "SANDBOX1", sb.APIID())
	assert.Equal(t, "sandbox-api-key-0123456789abcdef0123456789abcdef0123456789abcdef01", sb.APIKey())
	sum := md5.Sum([]byte(sb.APIID() + sb.APIKey()))
	assert.Equal(t, hex.EncodeToString(sum[:]), sb.Signature())
	assert.Equal(t, int64(50_000_000), sb.Balance())
	assert.Equal(t, time.Second, sb.cfg.ProcessingAfter)
	assert.Equal(t, 2*time.Second, sb.cfg.CompleteAfter)

	neg := New(Config{ProcessingAfter: -1, CompleteAfter: -time.Hour})
	assert.Zero(t, neg.cfg.ProcessingAfter)
	assert.Zero(t, neg.cfg.CompleteAfter)

	sb.SetBalance(7)
	assert.Equal(t, int64(7), sb.Balance())
}

func TestAuth(t *testing.T) {
	sb, _ := newSB(t, Config{APIID: "ABCD1234", APIKey: "k3y"})
	good := sb.Signature()
	cases := []struct {
		name, path string
		form       url.Values
		msg        string
	}{
		{"no key", "/api/profile", url.Values{"sign": {good}}, "Request not detected."},
		{"no sign", "/api/profile", url.Values{"key": {"k3y"}}, "Request not detected."},
		{"no type", "/api/prepaid", url.Values{"key": {"k3y"}, "sign": {good}}, "Request not detected."},
		{"empty form", "/api/game-feature", url.Values{}, "Request not detected."},
		{"wrong key", "/api/profile", url.Values{"key": {"nope"}, "sign": {good}}, "API Key not registered."},
		{"wrong sign", "/api/profile", url.Values{"key": {"k3y"}, "sign": {"0123"}}, "API Signature not valid."},
		{"upper-case sign", "/api/profile", url.Values{"key": {"k3y"}, "sign": {strings.ToUpper(good)}}, "API Signature not valid."},
		{"bad type", "/api/prepaid", url.Values{"key": {"k3y"}, "sign": {good}, "type": {"refund"}}, "Type 'refund' is not valid"},
		{"game-only type on prepaid", "/api/prepaid", url.Values{"key": {"k3y"}, "sign": {good}, "type": {"get-nickname"}}, "Type 'get-nickname' is not valid"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := post(t, sb, tc.path, tc.form)
			assert.Equal(t, http.StatusOK, rec.Code)
			a := decode(t, rec.Body.Bytes())
			assert.False(t, a.Result)
			assert.Equal(t, "null", string(a.Data))
			assert.Equal(t, tc.msg, a.Message)
		})
	}

	t.Run("GET is not detected", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, "/api/profile?key=k3y&sign="+good, nil)
		rec := httptestRecorder(sb, req)
		assert.Equal(t, "Request not detected.", decode(t, rec.Body.Bytes()).Message)
	})
	t.Run("query string does not count", func(t *testing.T) {
		rec := post(t, sb, "/api/profile?key=k3y&sign="+good, url.Values{})
		assert.Equal(t, "Request not detected.", decode(t, rec.Body.Bytes()).Message)
	})
}

func TestProfile(t *testing.T) {
	sb, _ := newSB(t, Config{Username: "Alinko", FullName: "Alin Koko", Level: "Basic", Balance: 522})
	a := call(t, sb, "profile", "type", "ignored")
	require.True(t, a.Result)
	assert.Equal(t, "Successfully got your account details.", a.Message)
	assert.JSONEq(t, `{"full_name":"Alin Koko","username":"Alinko","balance":522,"point":0,"level":"Basic","registered":"2023-01-23 17:56:45"}`, string(a.Data))

	def := New(Config{})
	m := obj(t, call(t, def, "profile", ""))
	assert.Equal(t, "sandbox", m["username"])
	assert.Equal(t, "VIP Sandbox", m["full_name"])
	assert.Equal(t, "Special", m["level"])
	assert.Equal(t, 1, def.Count(EndpointProfile, ""))
}

func TestRunAppliesTransitions(t *testing.T) {
	sb := New(Config{ProcessingAfter: -1, CompleteAfter: -1})
	id := gameOrder(t, sb, "ML14-S14", "12345")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { sb.Run(ctx); close(done) }()
	require.Eventually(t, func() bool { return mustTrx(t, sb, id).Status == StatusSuccess }, 2*time.Second, 10*time.Millisecond)
	cancel()
	<-done
}

func TestTierByLevel(t *testing.T) {
	for level, want := range map[string]int64{"Special": 3235, "H2H": 3235, "Premium": 3260, "Basic": 3310, "Whatever": 3310} {
		sb, _ := newSB(t, Config{Level: level})
		m := order(t, sb, EndpointGame, "service", "ML14-S14", "data_no", "1")
		assert.EqualValues(t, want, m["price"], level)
	}
}
