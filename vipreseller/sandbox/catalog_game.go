package sandbox

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
)

// Default catalog sizes per category.
const (
	defaultGameServices    = 60
	defaultPrepaidServices = 80
	defaultSocialServices  = 40
)

func generateCatalogs(cfg Config) map[string]*catalog {
	size := func(n, def int) int {
		if n <= 0 {
			return def
		}
		return n
	}
	rng := func(salt uint64) *rand.Rand { return rand.New(rand.NewPCG(uint64(cfg.Seed), salt)) }
	return map[string]*catalog{
		EndpointGame:    newCatalog(EndpointGame, genGame(size(cfg.GameServices, defaultGameServices), rng(1))),
		EndpointPrepaid: newCatalog(EndpointPrepaid, genPrepaid(size(cfg.PrepaidServices, defaultPrepaidServices), rng(2))),
		EndpointSocial:  newCatalog(EndpointSocial, genSocial(size(cfg.SocialServices, defaultSocialServices), rng(3))),
	}
}

// fill appends generated rows until n rows exist. Candidates are shuffled
// once; round r of a candidate yields a variant (another supplier), so any
// size can be reached with unique codes.
func fill[T any](rows []*service, n int, cands []T, rng *rand.Rand, mk func(c T, round int) *service) []*service {
	used := make(map[string]bool, n)
	for _, sv := range rows {
		used[sv.code] = true
	}
	rng.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	for round := 0; len(rows) < n; round++ {
		for _, c := range cands {
			if len(rows) >= n {
				break
			}
			sv := mk(c, round)
			if used[sv.code] {
				continue
			}
			used[sv.code] = true
			rows = append(rows, sv)
		}
	}
	return rows
}

// tiers derives premium and special from basic: each tier is 0.3–2 % cheaper.
func tiers(basic int64, rng *rand.Rand) price {
	basic = max(basic, 1)
	premium := basic - basic*int64(3+rng.IntN(17))/1000
	special := premium - premium*int64(2+rng.IntN(10))/1000
	return price{basic, max(premium, 1), max(special, 1)}
}

// jitter raises v by 0..perMille/1000.
func jitter(v int64, perMille int, rng *rand.Rand) int64 {
	return v + v*int64(rng.IntN(perMille+1))/1000
}

// maybeEmpty marks about 3 % of generated rows empty, as real lists have.
func maybeEmpty(rng *rand.Rand) string {
	if rng.IntN(100) < 3 {
		return statusEmpty
	}
	return statusAvailable
}

type gameSpec struct {
	game, prefix, unit string
	unitPrice          int64 // basic rupiah per unit (per month for subscriptions)
	denoms             []int
	sub                string // subscription label; "" for currency top-ups
	stocked            bool
}

var gameSpecs = []gameSpec{
	{game: "Mobile Legends A", prefix: "ML", unit: "Diamonds", unitPrice: 236, denoms: []int{5, 12, 19, 28, 36, 44, 59, 74, 85, 113, 170, 240, 296, 366, 408, 568, 875, 1159, 2010, 4830}},
	{game: "Mobile Legends B", prefix: "ML", unit: "Diamonds", unitPrice: 224, denoms: []int{3, 5, 10, 14, 28, 42, 56, 70, 112, 140, 210, 284, 355, 429, 716, 1446, 2976, 7502}},
	{game: "Mobile Legends Gift", prefix: "MLGIFT", unit: "Diamonds [NORMAL]", unitPrice: 140, denoms: []int{20, 50, 100, 149, 299, 599, 899, 1499}},
	{game: "Free Fire", prefix: "FF", unit: "Diamonds", unitPrice: 136, denoms: []int{10, 12, 20, 50, 70, 120, 210, 355, 500, 720, 1000, 1450, 2180, 3640, 7290}},
	{game: "Free Fire Max", prefix: "FFMAX", unit: "Diamonds", unitPrice: 149, denoms: []int{5, 12, 50, 70, 140, 355, 720, 1450, 2180, 3640}},
	{game: "Genshin Impact", prefix: "GI", unit: "Genesis Crystals", unitPrice: 197, denoms: []int{330, 1090, 2240, 3880, 8080}},
	{game: "Honkai Star Rail", prefix: "HSR", unit: "Oneiric Shards", unitPrice: 197, denoms: []int{60, 300, 980, 1980, 3280, 6480}},
	{game: "PUBGM INDO A", prefix: "PUBG", unit: "UC", unitPrice: 262, denoms: []int{30, 60, 120, 300, 325, 600, 660, 1500, 1800, 3000, 3850, 8100}},
	{game: "Valorant", prefix: "VAL", unit: "Points", unitPrice: 121, denoms: []int{125, 420, 700, 1375, 2400, 4000, 8150}},
	{game: "Call of Duty Mobile", prefix: "CODM", unit: "CP", unitPrice: 152, denoms: []int{31, 63, 128, 321, 645, 1373, 3564}},
	{game: "Arena of Valor", prefix: "AOV", unit: "Vouchers", unitPrice: 251, denoms: []int{18, 40, 90, 230, 470, 950, 1430, 2390}},
	{game: "Point Blank", prefix: "PB", unit: "Cash", unitPrice: 9, denoms: []int{1200, 2400, 6000, 12000, 24000, 60000}},
	{game: "Apex Legends Mobile", prefix: "APEX", unit: "Syndicate Gold", unitPrice: 161, denoms: []int{60, 90, 180, 300, 500, 1000, 2050}},
	{game: "iQIYI Premium", prefix: "IQIYI", unitPrice: 10500, denoms: []int{1, 3, 6, 12}, sub: "Standard"},
	{game: "Netflix Premium", prefix: "NETFLIX", unitPrice: 33500, denoms: []int{3, 6}, sub: "Sharing", stocked: true},
	{game: "Spotify Premium", prefix: "SPOTIFY", unitPrice: 19500, denoms: []int{2, 3, 6, 12}, sub: "Individual", stocked: true},
	{game: "Canva Pro", prefix: "CANVA", unitPrice: 14500, denoms: []int{1, 3, 6, 12}, sub: "Member", stocked: true},
	{game: "Vidio Premier", prefix: "VIDIO", unitPrice: 29000, denoms: []int{1, 3, 12}, sub: "Platinum"},
}

func gameRowOf(code, game, name string, p price) *service {
	return &service{endpoint: EndpointGame, code: code, game: game, name: name, price: p, status: statusAvailable, server: "1"}
}

func wellKnownGame() []*service {
	rows := []*service{
		gameRowOf("ML14-S14", "Mobile Legends A", "14 Diamonds ( 13 + 1 Bonus )", price{3310, 3260, 3235}),
		gameRowOf("ML86-S2", "Mobile Legends B", "86 Diamonds ( 78 + 8 Bonus )", price{19231, 19050, 18960}),
		gameRowOf("ML172-S2", "Mobile Legends B", "172 Diamonds ( 156 + 16 Bonus )", price{38180, 37790, 37610}),
		gameRowOf("ML257-S2", "Mobile Legends B", "257 Diamonds ( 234 + 23 Bonus )", price{56950, 56380, 56110}),
		gameRowOf("FF5-S13", "Free Fire", "5 Diamonds", price{853, 845, 840}),
		gameRowOf("FF100-S13", "Free Fire", "100 Diamonds", price{13577, 13440, 13375}),
		gameRowOf("FF140-S13", "Free Fire", "140 Diamonds", price{18295, 18110, 18020}),
		gameRowOf("FFMAX100-S24", "Free Fire Max", "100 Diamonds", price{14851, 14700, 14630}),
		gameRowOf("GI60-S24", "Genshin Impact", "60 Genesis Crystals", price{11900, 11780, 11720}),
		gameRowOf("IQIYISHARED-S1", "iQIYI Premium", "iQIYI Premium 1 Bulan Shared", price{11000, 10000, 9700}),
		gameRowOf("NETFLIX1M-S1", "Netflix Premium", "Netflix Premium 1 Bulan Sharing", price{35000, 33500, 32900}),
		gameRowOf("SPOTIFY1M-S1", "Spotify Premium", "Spotify Premium 1 Bulan Individual", price{20110, 19500, 19200}),
		gameRowOf("MLGIFT269-S1", "Mobile Legends Gift", "SKIN 269 Diamonds [NORMAL]", price{37660, 36584, 36315}),
	}
	rows[10].stocked, rows[10].stock = true, 12
	rows[10].description = "Akun Netflix Premium sharing 1 profil, garansi 30 hari."
	rows[11].stocked, rows[11].stock = true, 8
	rows[11].description = "Akun Spotify Premium individual, login via email, garansi 30 hari."
	rows[12].status = statusEmpty
	return rows
}

func genGame(n int, rng *rand.Rand) []*service {
	type cand struct {
		spec  *gameSpec
		denom int
		sup   int
	}
	var cands []cand
	for i := range gameSpecs {
		for _, d := range gameSpecs[i].denoms {
			cands = append(cands, cand{&gameSpecs[i], d, 1 + rng.IntN(30)})
		}
	}
	rows := fill(wellKnownGame(), n, cands, rng, func(c cand, round int) *service {
		g := c.spec
		var code, name string
		if g.sub != "" {
			code = fmt.Sprintf("%s%dM-S%d", g.prefix, c.denom, c.sup+round)
			name = fmt.Sprintf("%s %d Bulan %s", g.game, c.denom, g.sub)
		} else {
			code = fmt.Sprintf("%s%d-S%d", g.prefix, c.denom, c.sup+round)
			name = fmt.Sprintf("%d %s", c.denom, g.unit)
			if g.prefix == "MLGIFT" {
				name = "SKIN " + name
			}
		}
		sv := gameRowOf(code, g.game, name, tiers(jitter(g.unitPrice*int64(c.denom), 60, rng), rng))
		sv.status = maybeEmpty(rng)
		sv.server = strconv.Itoa(1 + rng.IntN(3))
		if g.stocked {
			sv.stocked, sv.stock = true, int64(1+rng.IntN(40))
			sv.description = fmt.Sprintf("Akun %s %d bulan, data login dikirim di catatan. Garansi selama masa aktif.", g.game, c.denom)
		}
		return sv
	})
	slices.SortStableFunc(rows, func(a, b *service) int {
		return cmp.Or(cmp.Compare(a.game, b.game), cmp.Compare(a.price.Basic, b.price.Basic), cmp.Compare(a.code, b.code))
	})
	return rows
}

// rupiah formats 25000 as "25.000".
func rupiah(v int64) string {
	s := strconv.FormatInt(v, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "." + s[i:]
	}
	return s
}
