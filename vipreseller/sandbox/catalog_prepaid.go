package sandbox

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
)

// Prepaid product types (the "type" field).
const (
	kindPulsa   = "pulsa-reguler"
	kindData    = "paket-internet"
	kindPLN     = "token-pln"
	kindEmoney  = "saldo-emoney"
	kindVoucher = "voucher-game"
)

type operator struct {
	brand, label, pulsaCode string // pulsaCode is a format with one %d (thousands)
	dataCode, dataProduct   string
}

var operators = []operator{
	{"TELKOMSEL", "Telkomsel", "TELKOMSEL_%dK", "TSELCS%d", "Combo Sakti"},
	{"INDOSAT", "Indosat", "INDOSAT%d", "ISATFR%d", "Freedom Internet"},
	{"XL", "XL", "XL%d", "XLXC%d", "Xtra Combo"},
	{"AXIS", "Axis", "AXIS%d", "AXBN%d", "Bronet"},
	{"TRI", "Tri", "TRI%d", "TRIAON%d", "AlwaysOn"},
	{"SMARTFREN", "Smartfren", "SMART%d", "SFUNL%d", "Unlimited Nonstop"},
}

var (
	pulsaDenoms   = []int64{5, 10, 15, 20, 25, 30, 40, 50, 75, 100, 150, 200}
	dataGB        = []int64{1, 2, 3, 5, 8, 10, 15, 25, 50}
	plnDenoms     = []int64{20, 50, 100, 200, 500, 1000}
	emoneyDenoms  = []int64{10, 20, 25, 50, 100, 150, 200, 250, 300, 500}
	voucherDenoms = []int64{10, 20, 50, 100, 150, 300, 500}
	emoneyBrands  = [][2]string{{"DANA", "DANA"}, {"OVO", "OVO"}, {"GO PAY", "GOPAY"}, {"SHOPEE PAY", "SHOPEEPAY"}, {"LinkAja", "LINKAJA"}}
	maintenances  = []string{"23:45 - 00:15", "23:30 - 00:30", "00:00 - 01:00"}
)

func prepaidRowOf(brand, code, name, kind, category string, p price) *service {
	return &service{endpoint: EndpointPrepaid, brand: brand, code: code, name: name, note: "-", price: p,
		status: statusAvailable, multiTrx: true, category: category, kind: kind}
}

func wellKnownPrepaid() []*service {
	rows := []*service{
		prepaidRowOf("TELKOMSEL", "TELKOMSEL_10K", "Telkomsel 10.000", kindPulsa, "Umum", price{10150, 10125, 10100}),
		prepaidRowOf("TELKOMSEL", "TELKOMSEL_25K", "Telkomsel 25.000", kindPulsa, "Umum", price{25275, 25250, 25200}),
		prepaidRowOf("XL", "XLDHR3", "XL HOTROD 3 GB / 30 Hari", kindData, "Hotrod", price{48225, 48200, 48175}),
		prepaidRowOf("INDOSAT", "INDOSAT10", "Indosat 10.000", kindPulsa, "Umum", price{10500, 10450, 10400}),
		prepaidRowOf("PLN", "PLN20", "PLN 20.000", kindPLN, "Umum", price{20150, 20125, 20100}),
		prepaidRowOf("PLN", "PLN50", "PLN 50.000", kindPLN, "Umum", price{50150, 50125, 50100}),
		prepaidRowOf("DANA", "DANA25", "DANA 25.000", kindEmoney, "Umum", price{25200, 25150, 25100}),
	}
	rows[2].maintenance = "23:44 - 00:16"
	rows[4].note = "Masukkan nomor meter / ID pelanggan."
	rows[5].note = rows[4].note
	return rows
}

type prepaidCand struct {
	brand, code, name, kind, category, note string
	basic                                   int64
}

func prepaidCands() []prepaidCand {
	var cs []prepaidCand
	for _, op := range operators {
		for _, k := range pulsaDenoms {
			face := k * 1000
			cs = append(cs, prepaidCand{op.brand, fmt.Sprintf(op.pulsaCode, k), op.label + " " + rupiah(face),
				kindPulsa, "Umum", "-", face})
		}
		for _, gb := range dataGB {
			cs = append(cs, prepaidCand{op.brand, fmt.Sprintf(op.dataCode, gb),
				fmt.Sprintf("%s %s %d GB / 30 Hari", op.label, op.dataProduct, gb),
				kindData, op.dataProduct, fmt.Sprintf("Kuota %d GB 24 jam, masa aktif 30 hari.", gb), 9000 + gb*4300})
		}
	}
	for _, k := range plnDenoms {
		cs = append(cs, prepaidCand{"PLN", fmt.Sprintf("PLN%d", k), "PLN " + rupiah(k*1000), kindPLN, "Umum",
			"Masukkan nomor meter / ID pelanggan.", k*1000 + 100})
	}
	for _, b := range emoneyBrands {
		for _, k := range emoneyDenoms {
			cs = append(cs, prepaidCand{b[0], fmt.Sprintf("%s%d", b[1], k), b[0] + " " + rupiah(k*1000), kindEmoney,
				"Umum", "Masukkan nomor HP terdaftar.", k*1000 + 900})
		}
	}
	for _, k := range voucherDenoms {
		cs = append(cs, prepaidCand{"GOOGLE PLAY", fmt.Sprintf("GPLAY%d", k), "Google Play " + rupiah(k*1000),
			kindVoucher, "Voucher", "Kode voucher dikirim di SN.", k*1000 + 1500})
	}
	return cs
}

func genPrepaid(n int, rng *rand.Rand) []*service {
	rows := fill(wellKnownPrepaid(), n, prepaidCands(), rng, func(c prepaidCand, round int) *service {
		code, name := c.code, c.name
		if round > 0 {
			code = fmt.Sprintf("%s_%d", c.code, round+1)
			name = fmt.Sprintf("%s [Jalur %d]", c.name, round+1)
		}
		sv := prepaidRowOf(c.brand, code, name, c.kind, c.category, tiers(jitter(c.basic, 30, rng), rng))
		sv.note = c.note
		sv.status = maybeEmpty(rng)
		sv.multiTrx = rng.IntN(10) < 7
		if rng.IntN(5) == 0 {
			sv.maintenance = maintenances[rng.IntN(len(maintenances))]
		}
		return sv
	})
	slices.SortStableFunc(rows, func(a, b *service) int {
		return cmp.Or(cmp.Compare(a.brand, b.brand), cmp.Compare(a.kind, b.kind),
			cmp.Compare(a.price.Basic, b.price.Basic), cmp.Compare(a.code, b.code))
	})
	return rows
}
