package sandbox

import (
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRequestLog(t *testing.T) {
	sb, clk := newSB(t, Config{})
	call(t, sb, "profile", "")
	clk.Add(time.Second)
	gameOrder(t, sb, "FF5-S13", "123")
	post(t, sb, "/api/prepaid", url.Values{"key": {"wrong"}, "sign": {"x"}, "type": {"status"}, "trxid": {"VP1"}})
	post(t, sb, "/api/postpaid", url.Values{"key": {"k"}})

	reqs := sb.Requests()
	require.Len(t, reqs, 4)
	assert.Equal(t, EndpointProfile, reqs[0].Endpoint)
	assert.Equal(t, "", reqs[0].Type)
	assert.Equal(t, newClock().Now(), reqs[0].At)
	assert.Equal(t, 200, reqs[0].HTTPStatus)

	assert.Equal(t, EndpointGame, reqs[1].Endpoint)
	assert.Equal(t, "order", reqs[1].Type)
	assert.Equal(t, url.Values{"type": {"order"}, "service": {"FF5-S13"}, "data_no": {"123"}, "data_zone": {"2685"}}, reqs[1].Form)
	for _, r := range reqs {
		assert.NotContains(t, r.Form, "key")
		assert.NotContains(t, r.Form, "sign")
	}
	assert.Equal(t, "status", reqs[2].Type, "rejected requests are logged")
	assert.Equal(t, "postpaid", reqs[3].Endpoint)
	assert.Equal(t, 404, reqs[3].HTTPStatus)

	assert.Equal(t, 1, sb.Count(EndpointGame, "order"))
	assert.Equal(t, 1, sb.Count(EndpointPrepaid, "status"))
	assert.Equal(t, 1, sb.Count(EndpointProfile, ""))
	assert.Zero(t, sb.Count(EndpointSocial, "order"))

	reqs[1].Form.Set("service", "mutated")
	assert.Equal(t, "FF5-S13", sb.Requests()[1].Form.Get("service"), "Requests returns a copy")

	sb.ResetRequests()
	assert.Empty(t, sb.Requests())
	assert.Zero(t, sb.Count(EndpointGame, "order"))
}

func TestRequestLogLimit(t *testing.T) {
	sb, _ := newSB(t, Config{RequestLogLimit: 3})
	for i := range 10 {
		call(t, sb, EndpointGame, "status", "trxid", "VP"+string(rune('A'+i)))
	}
	reqs := sb.Requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, "VPJ", reqs[2].Form.Get("trxid"))
	assert.Equal(t, 3, sb.Count(EndpointGame, "status"))
}
