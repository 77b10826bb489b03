package sandbox

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStatusByTrxID(t *testing.T) {
	sb, clk := newSB(t, Config{})
	g := gameOrder(t, sb, "ML14-S14", "136216325")
	p := prepaidOrder(t, sb, "PLN20", "51234567")
	s := socialOrder(t, sb, "3249", "https://vt.tiktok.com/abc", "1000")

	a := call(t, sb, EndpointGame, "status", "trxid", g)
	require.True(t, a.Result)
	assert.Equal(t, "Detail transaksi berhasil didapatkan.", a.Message)
	items := list(t, a)
	require.Len(t, items, 1, "data is always an array")
	assert.Equal(t, map[string]any{"trxid": g, "data": "136216325", "zone": "2685",
		"service": "Mobile Legends A - 14 Diamonds ( 13 + 1 Bonus )", "status": "waiting", "note": "", "price": 3235.0}, items[0])

	pi := list(t, call(t, sb, EndpointPrepaid, "status", "trxid", p))[0]
	assert.ElementsMatch(t, []string{"trxid", "data", "code", "service", "status", "note", "price"}, keys(pi))
	assert.Equal(t, "PLN20", pi["code"])

	si := list(t, call(t, sb, EndpointSocial, "status", "trxid", s))[0]
	assert.ElementsMatch(t, []string{"trxid", "data", "service", "quantity", "status", "remain", "count", "note", "price"}, keys(si))
	assert.EqualValues(t, 1000, si["remain"])
	assert.EqualValues(t, 0, si["count"])

	// Per-endpoint separation.
	for _, c := range [][2]string{{EndpointGame, p}, {EndpointPrepaid, g}, {EndpointSocial, g}, {EndpointGame, "VPNOTEXIST00"}} {
		a := call(t, sb, c[0], "status", "trxid", c[1])
		assert.False(t, a.Result)
		assert.Equal(t, "Transaksi tidak ditemukan.", a.Message)
	}

	// Lazy: a status read applies due transitions without waiting for Step.
	clk.Add(3 * time.Second)
	si = list(t, call(t, sb, EndpointSocial, "status", "trxid", s))[0]
	assert.Equal(t, "success", si["status"])
	assert.EqualValues(t, 0, si["remain"])
	assert.Positive(t, si["count"])
	assert.Equal(t, "success", mustTrx(t, sb, s).Status)
	assert.Equal(t, "waiting", mustTrx(t, sb, g).Status, "other transactions wait for Step")
	assert.Equal(t, 6, sb.Step(), "Step delivers the lazily applied transitions too")
}

func TestStatusByLimit(t *testing.T) {
	sb, clk := newSB(t, Config{Balance: 1 << 40})
	var ids []string
	for i := range 120 {
		ids = append(ids, prepaidOrder(t, sb, "TELKOMSEL_10K", "0812"+strconv.Itoa(1000+i)))
		clk.Add(time.Millisecond)
	}
	gameOrder(t, sb, "ML14-S14", "1")

	latest := list(t, call(t, sb, EndpointPrepaid, "status", "limit", "3"))
	require.Len(t, latest, 3)
	assert.Equal(t, ids[119], latest[0]["trxid"], "newest first")
	assert.Equal(t, ids[118], latest[1]["trxid"])
	assert.Equal(t, ids[117], latest[2]["trxid"])

	assert.Len(t, list(t, call(t, sb, EndpointPrepaid, "status")), 10, "default limit")
	assert.Len(t, list(t, call(t, sb, EndpointPrepaid, "status", "limit", "0")), 10)
	assert.Len(t, list(t, call(t, sb, EndpointPrepaid, "status", "limit", "500")), 100, "max limit")
	games := list(t, call(t, sb, EndpointGame, "status", "limit", "50"))
	assert.Len(t, games, 1, "per endpoint")
	empty := call(t, sb, EndpointSocial, "status", "limit", "5")
	assert.True(t, empty.Result)
	assert.JSONEq(t, `[]`, string(empty.Data))
}
