package sandbox

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
)

// socialKind is one platform metric; prices are per 1000 units (basic).
type socialKind struct {
	platform, metric string
	lo, hi           int64 // per-1000 price range
	min, max         int64
	note             string
}

var socialKinds = []socialKind{
	{"Instagram", "Followers", 9000, 60000, 50, 10000, "Masukkan username tanpa @, akun tidak private."},
	{"Instagram", "Likes", 3000, 20000, 50, 50000, "Masukkan link postingan."},
	{"Instagram", "Views", 300, 3000, 100, 1000000, "Masukkan link video / reels."},
	{"Instagram", "Comments", 40000, 120000, 10, 1000, "Masukkan link postingan."},
	{"TikTok", "Views", 150, 2500, 100, 100000, "Masukkan link video."},
	{"TikTok", "Followers", 15000, 70000, 100, 50000, "Masukkan username tanpa @."},
	{"TikTok", "Likes", 4000, 25000, 50, 50000, "Masukkan link video."},
	{"TikTok", "Shares", 2000, 9000, 100, 100000, "Masukkan link video."},
	{"YouTube", "Views", 9000, 40000, 500, 1000000, "Masukkan link video."},
	{"YouTube", "Subscribers", 60000, 200000, 50, 10000, "Masukkan link channel."},
	{"YouTube", "Likes", 8000, 30000, 50, 20000, "Masukkan link video."},
	{"Twitter", "Followers", 20000, 90000, 100, 20000, "Masukkan username tanpa @."},
	{"Twitter", "Likes", 9000, 40000, 50, 10000, "Masukkan link tweet."},
	{"Facebook", "Page Likes", 20000, 80000, 100, 50000, "Masukkan link halaman."},
	{"Facebook", "Post Likes", 6000, 30000, 50, 20000, "Masukkan link postingan."},
	{"Shopee", "Followers", 10000, 45000, 100, 10000, "Masukkan username toko."},
	{"Spotify", "Plays", 3000, 15000, 1000, 1000000, "Masukkan link lagu."},
	{"Telegram", "Members", 10000, 50000, 100, 30000, "Masukkan link grup / channel publik."},
}

var socialTags = []string{
	"[Real]", "[Instant]", "[Refill 30 Hari]", "[No Refill]", "[HQ]", "[Indonesia]",
	"[Max 100K]", "[Fast]", "[Cheapest]", "[Real Aktif]", "[Refill 7 Hari]", "[Speed 10K/Hari]",
}

func socialRowOf(id, category, name, note string, min, max int64, p price) *service {
	return &service{endpoint: EndpointSocial, code: id, category: category, name: name, note: note,
		min: min, max: max, price: p, status: statusAvailable}
}

func wellKnownSocial() []*service {
	return []*service{
		socialRowOf("1001", "Instagram", "Instagram Followers", "Masukkan username tanpa @, akun tidak private.", 50, 10000, price{25000, 24500, 24000}),
		socialRowOf("1002", "Instagram", "Instagram Likes", "Masukkan link postingan.", 50, 50000, price{6000, 5800, 5700}),
		socialRowOf("2001", "YouTube", "YouTube Views", "Masukkan link video.", 500, 1000000, price{12000, 11700, 11500}),
		socialRowOf("3249", "TikTok", "TikTok Views", "Masukkan link video.", 100, 100000, price{1200, 1150, 1100}),
		socialRowOf("3250", "TikTok", "TikTok Followers", "Masukkan username tanpa @.", 100, 50000, price{30000, 29000, 28500}),
	}
}

func genSocial(n int, rng *rand.Rand) []*service {
	type cand struct {
		kind *socialKind
		tags string
	}
	var cands []cand
	for i := range socialKinds {
		for j, t := range socialTags {
			cands = append(cands, cand{&socialKinds[i], t + " " + socialTags[(j+5)%len(socialTags)]})
		}
	}
	rows := wellKnownSocial()
	used := make(map[string]bool, n)
	for _, sv := range rows {
		used[sv.code] = true
	}
	next := 1003
	nextID := func() string {
		for {
			id := strconv.Itoa(next)
			next += 1 + rng.IntN(3)
			if !used[id] {
				used[id] = true
				return id
			}
		}
	}
	// Social codes are ids, so fill never sees a collision; names carry the round.
	rows = fill(rows, n, cands, rng, func(c cand, round int) *service {
		k := c.kind
		name := fmt.Sprintf("%s %s %s", k.platform, k.metric, c.tags)
		if round > 0 {
			name += fmt.Sprintf(" [Server %d]", round+1)
		}
		maxQ := k.max * int64(1+rng.IntN(5))
		sv := socialRowOf(nextID(), k.platform, name, k.note, k.min, maxQ,
			tiers(k.lo+rng.Int64N(k.hi-k.lo+1), rng))
		sv.status = maybeEmpty(rng)
		return sv
	})
	slices.SortStableFunc(rows, func(a, b *service) int {
		x, _ := strconv.Atoi(a.code)
		y, _ := strconv.Atoi(b.code)
		return cmp.Compare(x, y)
	})
	return rows
}
