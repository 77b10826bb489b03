package sandbox

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var trxPattern = regexp.MustCompile(`^VP[0-9A-Z]{10}$`)

func TestOrderResponses(t *testing.T) {
	sb, _ := newSB(t, Config{Balance: 1_000_000})

	g := order(t, sb, EndpointGame, "service", "ML14-S14", "data_no", "136216325", "data_zone", "2685")
	assert.ElementsMatch(t, []string{"trxid", "data", "zone", "service", "status", "note", "balance", "price"}, keys(g))
	assert.Regexp(t, trxPattern, g["trxid"])
	assert.Equal(t, "136216325", g["data"])
	assert.Equal(t, "2685", g["zone"])
	assert.Equal(t, "Mobile Legends A - 14 Diamonds ( 13 + 1 Bonus )", g["service"])
	assert.Equal(t, "waiting", g["status"])
	assert.Equal(t, "", g["note"])
	assert.EqualValues(t, 3235, g["price"])
	assert.EqualValues(t, 1_000_000-3235, g["balance"])

	p := order(t, sb, EndpointPrepaid, "service", "TELKOMSEL_10K", "data_no", "081234567890")
	assert.ElementsMatch(t, []string{"trxid", "data", "code", "service", "status", "note", "balance", "price"}, keys(p))
	assert.Equal(t, "TELKOMSEL_10K", p["code"])
	assert.Equal(t, "Telkomsel 10.000", p["service"])
	assert.EqualValues(t, 10100, p["price"])

	s := order(t, sb, EndpointSocial, "service", "3249", "data", "https://www.tiktok.com/@x/video/1", "quantity", "1000")
	assert.ElementsMatch(t, []string{"trxid", "data", "service", "quantity", "status", "note", "balance", "price"}, keys(s))
	assert.Equal(t, "TikTok Views", s["service"])
	assert.EqualValues(t, 1000, s["quantity"])
	assert.EqualValues(t, 1100, s["price"])

	// per-1000 price rounded up: 1100 * 150 / 1000 = 165; 1100 * 101 / 1000 = 111.1 → 112
	s2 := order(t, sb, EndpointSocial, "service", "3249", "data", "other-target", "quantity", "101")
	assert.EqualValues(t, 112, s2["price"])

	assert.Equal(t, int64(1_000_000-3235-10100-1100-112), sb.Balance())
	txs := sb.Transactions("")
	require.Len(t, txs, 4)
	assert.Equal(t, g["trxid"], txs[0].TrxID)
	assert.Equal(t, int64(1), txs[0].Quantity)
	assert.Equal(t, int64(1000), txs[2].Remain, "social remain starts at quantity")
	assert.Len(t, sb.Transactions(EndpointSocial), 2)
}

func TestOrderValidation(t *testing.T) {
	sb, _ := newSB(t, Config{Balance: 5000})
	cases := []struct {
		ep  string
		kv  []string
		msg string
	}{
		{EndpointGame, []string{"data_no", "1"}, "Masih ada parameter yang kosong."},
		{EndpointGame, []string{"service", "ML14-S14"}, "Masih ada parameter yang kosong."},
		{EndpointPrepaid, []string{"service", "PLN20", "data_no", " "}, "Masih ada parameter yang kosong."},
		{EndpointSocial, []string{"service", "3249", "data", "x"}, "Masih ada parameter yang kosong."},
		{EndpointSocial, []string{"service", "3249", "quantity", "100"}, "Masih ada parameter yang kosong."},
		{EndpointGame, []string{"service", "NOPE-S1", "data_no", "1"}, "Layanan tidak ditemukan atau saat ini tidak tersedia."},
		{EndpointGame, []string{"service", "MLGIFT269-S1", "data_no", "1"}, "Layanan tidak ditemukan atau saat ini tidak tersedia."},
		{EndpointPrepaid, []string{"service", "ML14-S14", "data_no", "1"}, "Layanan tidak ditemukan atau saat ini tidak tersedia."},
		{EndpointSocial, []string{"service", "3249", "data", "x", "quantity", "99"}, "Pesanan Anda kurang dari jumlah pesanan minimum."},
		{EndpointSocial, []string{"service", "3249", "data", "x", "quantity", "abc"}, "Pesanan Anda kurang dari jumlah pesanan minimum."},
		{EndpointSocial, []string{"service", "3249", "data", "x", "quantity", "100001"}, "Pesanan Anda melebihi batas pesanan maksimum."},
		{EndpointGame, []string{"service", "ML86-S2", "data_no", "1"}, "Saldo Anda tidak cukup untuk melakukan pemesanan ini."},
		{EndpointPrepaid, []string{"service", "PLN20", "data_no", "5000444"}, "Nomor tujuan tidak valid."},
	}
	for _, tc := range cases {
		a := call(t, sb, tc.ep, "order", tc.kv...)
		assert.False(t, a.Result, tc.kv)
		assert.Equal(t, "null", string(a.Data))
		assert.Equal(t, tc.msg, a.Message, tc.kv)
	}
	assert.Empty(t, sb.Transactions(""), "no rejected order creates a transaction")
	assert.Equal(t, int64(5000), sb.Balance())
	games := 0
	for _, tc := range cases {
		if tc.ep == EndpointGame {
			games++
		}
	}
	assert.Equal(t, games, sb.Count(EndpointGame, "order"), "rejected orders are logged too")
}

func TestSocialDuplicatePending(t *testing.T) {
	sb, clk := newSB(t, Config{})
	socialOrder(t, sb, "1001", "vipbase.id", "100")
	dup := call(t, sb, EndpointSocial, "order", "service", "1001", "data", "vipbase.id", "quantity", "200")
	assert.False(t, dup.Result)
	assert.Equal(t, "Masih terdapat pesanan pending dengan target yang sama.", dup.Message)
	socialOrder(t, sb, "1002", "vipbase.id", "100")   // other service
	socialOrder(t, sb, "1001", "other.target", "100") // other target
	clk.Add(3 * time.Second)
	sb.Step()
	socialOrder(t, sb, "1001", "vipbase.id", "100") // terminal now
}

func TestTargetRules(t *testing.T) {
	sb, clk := newSB(t, Config{Seed: 9})
	start := sb.Balance()

	ok := prepaidOrder(t, sb, "TELKOMSEL_10K", "081200000001")
	pln := prepaidOrder(t, sb, "PLN50", "5123456789")
	perr := prepaidOrder(t, sb, "INDOSAT10", "085700000999")
	gzone := gameOrder(t, sb, "FF100-S13", "4455999")
	gnozone := order(t, sb, EndpointGame, "service", "FF5-S13", "data_no", "7788999")["trxid"].(string)
	stuck := gameOrder(t, sb, "ML14-S14", "1234777")
	partial := socialOrder(t, sb, "1001", "acct555", "1001")
	smm999 := socialOrder(t, sb, "3249", "video999", "1000")
	game555 := gameOrder(t, sb, "ML86-S2", "9000555")
	netflix := gameOrder(t, sb, "NETFLIX1M-S1", "buyer@mail.test")
	instant := order(t, sb, EndpointPrepaid, "service", "DANA25", "data_no", "081299999333")
	assert.Equal(t, "success", instant["status"], "333 is terminal in the order answer")
	assert.Regexp(t, `^\d{18}$`, instant["note"])

	clk.Add(3 * time.Second)
	sb.Step()

	check := func(id, status string) Transaction {
		tr := mustTrx(t, sb, id)
		assert.Equal(t, status, tr.Status, id)
		return tr
	}
	assert.Regexp(t, `^\d{18}$`, check(ok, "success").Note)
	assert.Regexp(t, `^\d{4}(-\d{4}){4}$`, check(pln, "success").Note)
	assert.Equal(t, "Nomor tujuan salah.", check(perr, "error").Note)
	assert.Equal(t, "Zone tujuan salah.", check(gzone, "error").Note)
	assert.Equal(t, "ID tujuan salah.", check(gnozone, "error").Note)
	check(stuck, "processing")
	p := check(partial, "partial")
	assert.Equal(t, int64(500), p.Remain)
	assert.Positive(t, p.StartCount)
	e := check(smm999, "error")
	assert.Equal(t, "Target tidak valid.", e.Note)
	assert.Equal(t, int64(1000), e.Remain)
	assert.Equal(t, "", check(game555, "success").Note)
	assert.Regexp(t, `^REF-[0-9A-Z]{8}$`, check(netflix, "success").Note)

	clk.Add(time.Hour)
	sb.Step()
	check(stuck, "processing")

	// Balance: every charge minus refunds of error (full) and partial (price*remain/qty).
	var charged, refunded int64
	for _, tr := range sb.Transactions("") {
		charged += tr.Price
		switch tr.Status {
		case StatusError:
			refunded += tr.Price
		case StatusPartial:
			refunded += tr.Price * tr.Remain / tr.Quantity
		}
	}
	assert.Equal(t, start-charged+refunded, sb.Balance())
	pt := mustTrx(t, sb, partial)
	assert.Equal(t, int64((24000*1001+999)/1000), pt.Price)
	assert.Positive(t, refunded)
}

func TestTrxIDsUniqueAndDeterministic(t *testing.T) {
	ids := func() []string {
		sb, _ := newSB(t, Config{Seed: 5, Balance: 1 << 40})
		var out []string
		for i := range 2000 {
			out = append(out, prepaidOrder(t, sb, "PLN20", "51234"+strings.Repeat("1", i%5)))
		}
		return out
	}
	a, b := ids(), ids()
	assert.Equal(t, a, b)
	seen := map[string]bool{}
	for _, id := range a {
		require.Regexp(t, trxPattern, id)
		require.False(t, seen[id])
		seen[id] = true
	}
}

func TestThrottle(t *testing.T) {
	sb, clk := newSB(t, Config{OrderGap: 6 * time.Second})
	gameOrder(t, sb, "ML14-S14", "1")
	a := call(t, sb, EndpointPrepaid, "order", "service", "PLN20", "data_no", "2")
	assert.False(t, a.Result)
	assert.Equal(t, "Transaksi dibatasi, coba lagi dalam 6 detik.", a.Message, "game and prepaid share the gap")

	socialOrder(t, sb, "3249", "v1", "100") // social has its own, shorter gap
	a = call(t, sb, EndpointSocial, "order", "service", "3249", "data", "v2", "quantity", "100")
	assert.Equal(t, "Transaksi dibatasi, coba lagi dalam 1 detik.", a.Message)

	clk.Add(4500 * time.Millisecond)
	a = call(t, sb, EndpointGame, "order", "service", "ML14-S14", "data_no", "3")
	assert.Equal(t, "Transaksi dibatasi, coba lagi dalam 2 detik.", a.Message)
	socialOrder(t, sb, "3249", "v2", "100")
	clk.Add(1500 * time.Millisecond)
	prepaidOrder(t, sb, "PLN20", "2")
	assert.Len(t, sb.Transactions(""), 4)
}
