package pricing

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPrice(t *testing.T) {
	for _, c := range []struct {
		name string
		cost int64
		r    Rule
		want int64
	}{
		{"percent, rounded up to 100", 10_100, Rule{BasisPoints: 1000, Rounding: 100}, 11_200},
		{"a multiple stays", 10_000, Rule{BasisPoints: 1000, Rounding: 100}, 11_000},
		{"fixed only, no rounding", 10_100, Rule{Fixed: 1_000}, 11_100},
		{"fixed, rounded to 500", 10_100, Rule{Fixed: 1_000, Rounding: 500}, 11_500},
		{"percent and fixed", 20_000, Rule{BasisPoints: 100, Fixed: 1_500, Rounding: 50}, 21_700},
		{"fractional percent rounds the product up", 3_235, Rule{BasisPoints: 850}, 3_510},
		{"rounding 1000", 96_500, Rule{BasisPoints: 800, Rounding: 1000}, 105_000},
		{"no markup", 7_777, Rule{}, 7_777},
		{"no cost, no price", 0, Rule{Fixed: 1_000}, 0},
	} {
		assert.Equal(t, c.want, Price(c.cost, c.r), c.name)
	}
	assert.Equal(t, int64(850), PercentToBasisPoints(8.5))
	assert.Equal(t, int64(1), PercentToBasisPoints(0.005))
}

func TestMatchPrecedence(t *testing.T) {
	rules := []Rule{
		{ID: "a-cat", Category: "prepaid", Fixed: 1000},
		{ID: "b-brand", Brand: "PLN", Fixed: 2000},
		{ID: "c-prod", Product: "p1", Fixed: 3000},
		{ID: "d-cat-level", Category: "prepaid", Level: "reseller", Fixed: 500},
		{ID: "e-brand-game", Category: "game", Brand: "Mobile Legends", BasisPoints: 800},
		{ID: "f-any", BasisPoints: 500},
	}
	id := func(it Item, level string) string {
		r, ok := Match(rules, it, level)
		if !ok {
			return ""
		}
		return r.ID
	}
	pulsa := Item{ID: "p0", Category: "prepaid", Brand: "TELKOMSEL"}
	assert.Equal(t, "a-cat", id(pulsa, ""))
	assert.Equal(t, "d-cat-level", id(pulsa, "reseller"), "a level beats no level at the same specificity")
	assert.Equal(t, "a-cat", id(pulsa, "gold"), "a level rule applies only to its level")
	pln := Item{ID: "p2", Category: "prepaid", Brand: "pln"}
	assert.Equal(t, "b-brand", id(pln, ""), "brand beats category; brand case-insensitive")
	assert.Equal(t, "b-brand", id(pln, "reseller"), "brand beats a category rule even with a level")
	assert.Equal(t, "c-prod", id(Item{ID: "p1", Category: "prepaid", Brand: "PLN"}, "reseller"), "product beats all")
	assert.Equal(t, "e-brand-game", id(Item{ID: "g", Category: "game", Brand: "MOBILE  LEGENDS"}, ""))
	assert.Equal(t, "f-any", id(Item{ID: "g2", Category: "game", Brand: "Free Fire"}, ""), "a rule with nothing set matches all")
	assert.Equal(t, "f-any", id(Item{ID: "s", Category: "social", Brand: "Instagram"}, ""))
	_, ok := Match(rules[:1], Item{Category: "game"}, "")
	assert.False(t, ok)

	tie := []Rule{{ID: "z", Category: "game", Fixed: 1}, {ID: "m", Category: "game", Fixed: 2}}
	r, _ := Match(tie, Item{Category: "game"}, "")
	assert.Equal(t, "m", r.ID, "equal rules: the smallest id, whatever the order")
	assert.Equal(t, []string{"reseller"}, Levels(rules))
}

// A rule is ranked by its tier first: a brand rule that also names its
// category is still a brand rule, so a member's brand rule beats it (review
// finding: the bit-sum let the public {brand, category} rule win and
// overcharge members).
func TestMatchTierThenLevel(t *testing.T) {
	it := Item{ID: "p1", Category: "game", Brand: "MOBILE LEGENDS"}
	public := Rule{ID: "a", Category: "game", Brand: "MOBILE LEGENDS", BasisPoints: 1000}
	member := Rule{ID: "b", Brand: "MOBILE LEGENDS", Level: "reseller", BasisPoints: 200}
	r, _ := Match([]Rule{public, member}, it, "reseller")
	assert.Equal(t, "b", r.ID, "brand tier: the level rule wins")
	r, _ = Match([]Rule{public, member}, it, "")
	assert.Equal(t, "a", r.ID, "the public shopper gets the public rule")

	prod := Rule{ID: "a", Product: "p1", Category: "game", BasisPoints: 1000}
	prodMember := Rule{ID: "b", Product: "p1", Level: "reseller", BasisPoints: 200}
	r, _ = Match([]Rule{prod, prodMember}, it, "reseller")
	assert.Equal(t, "b", r.ID, "product tier: the level rule wins")

	catLevel := Rule{ID: "0", Category: "game", Level: "reseller", BasisPoints: 100}
	r, _ = Match([]Rule{catLevel, public}, it, "reseller")
	assert.Equal(t, "a", r.ID, "a brand rule beats a category rule with a level")

	narrower := Rule{ID: "z", Category: "game", Brand: "MOBILE LEGENDS", BasisPoints: 900}
	wider := Rule{ID: "a", Brand: "MOBILE LEGENDS", BasisPoints: 700}
	r, _ = Match([]Rule{wider, narrower}, it, "")
	assert.Equal(t, "z", r.ID, "same tier and level: the rule naming more fields")
}

// The percent is converted from the decimal typed, half up: float products
// (1.005 × 100 = 100.49999…) do not lose a basis point.
func TestPercentToBasisPointsHalfUp(t *testing.T) {
	for p, want := range map[float64]int64{1.005: 101, 2.675: 268, 8.125: 813, 0.145: 15, 1.115: 112,
		8: 800, 1.2349: 123, 0: 0, -3: -300, -1.005: -101, 33.33: 3333} {
		assert.Equal(t, want, PercentToBasisPoints(p), "%v %%", p)
	}
}
