// Package pricing turns a provider cost into a sell price by the store's
// pricing rules (design §14). It knows nothing of PocketBase: the hooks load
// the rules and the products and write what changed.
//
// A rule applies to a product when every field it sets matches: category,
// brand (case and spacing aside), product id and, for members, level. The
// most specific rule wins — product > brand > category > none — and at the
// same specificity a rule with a level beats one without. Without any rule
// the store's default markup applies, rounded to Rp 100.
//
// price = cost × (1 + percent/100) + fixed, rounded up to a multiple of
// the rule's rounding step. Integer arithmetic only: the percent is held in
// basis points (1/100 %), and the product with the cost is rounded up.
package pricing

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Rounding steps a rule may use (0 = none).
var Roundings = []int64{0, 50, 100, 500, 1000}

// Rule is one active pricing rule.
type Rule struct {
	ID       string
	Category string // "" = any
	Brand    string // "" = any; compared case- and space-insensitively
	Product  string // "" = any; a product id
	Level    string // "" = everyone; else members of that level only
	// BasisPoints is the percentage markup in 1/100 % (8 % = 800).
	BasisPoints int64
	Fixed       int64 // rupiah added after the percentage
	Rounding    int64 // round up to a multiple of this (0 = none)
}

// Item is what a rule is matched against.
type Item struct {
	ID, Category, Brand string
}

// PercentToBasisPoints converts a rule's markup_percent (which may be
// fractional) to basis points, rounding half up on the decimal the
// operator typed: 1.005 % is 101 bp, not the 100 a float product gives.
func PercentToBasisPoints(p float64) int64 {
	if math.IsNaN(p) || math.IsInf(p, 0) {
		return 0
	}
	neg := p < 0
	digits := strconv.FormatFloat(math.Abs(p), 'f', -1, 64) // the shortest decimal that is p
	whole, frac, _ := strings.Cut(digits, ".")
	frac += "000"
	bp, err := strconv.ParseInt(whole+frac[:2], 10, 64)
	if err != nil {
		return 0
	}
	if frac[2] >= '5' {
		bp++
	}
	if neg {
		return -bp
	}
	return bp
}

// Price is cost priced by r. A cost of 0 or less has no price (0).
func Price(cost int64, r Rule) int64 {
	if cost <= 0 {
		return 0
	}
	p := (cost*(10000+r.BasisPoints)+9999)/10000 + r.Fixed
	if r.Rounding > 0 {
		p = (p + r.Rounding - 1) / r.Rounding * r.Rounding
	}
	return p
}

// Default is the rule of a store without a matching rule: its markup
// (basis points), rounded up to Rp 100.
func Default(basisPoints int64) Rule {
	return Rule{ID: "default", BasisPoints: basisPoints, Rounding: 100}
}

func sameBrand(a, b string) bool {
	norm := func(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), "") }
	return norm(a) == norm(b)
}

// matches is whether every field r sets fits the item and the level.
func (r Rule) matches(it Item, level string) bool {
	return (r.Category == "" || r.Category == it.Category) &&
		(r.Brand == "" || sameBrand(r.Brand, it.Brand)) &&
		(r.Product == "" || r.Product == it.ID) &&
		(r.Level == "" || r.Level == level)
}

// tier is what a rule is about: 3 a product, 2 a brand, 1 a category,
// 0 everything. A rule naming a brand and its category is a brand rule.
func (r Rule) tier() int {
	switch {
	case r.Product != "":
		return 3
	case r.Brand != "":
		return 2
	case r.Category != "":
		return 1
	}
	return 0
}

// beats is whether r wins over o: the higher tier, then a rule for the
// shopper's level over a public one, then the rule naming more fields,
// then the smaller ID, so the answer never depends on the order rules
// load in.
func (r Rule) beats(o Rule) bool {
	level := func(x Rule) int {
		if x.Level != "" {
			return 1
		}
		return 0
	}
	named := func(x Rule) int {
		n := 0
		for _, f := range []string{x.Product, x.Brand, x.Category} {
			if f != "" {
				n++
			}
		}
		return n
	}
	if c := cmp.Compare(r.tier(), o.tier()); c != 0 {
		return c > 0
	}
	if c := cmp.Compare(level(r), level(o)); c != 0 {
		return c > 0
	}
	if c := cmp.Compare(named(r), named(o)); c != 0 {
		return c > 0
	}
	return r.ID < o.ID
}

// Match is the rule that prices it for a shopper of level ("" = public),
// and false when none matches.
func Match(rules []Rule, it Item, level string) (Rule, bool) {
	var best Rule
	found := false
	for _, r := range rules {
		if r.matches(it, level) && (!found || r.beats(best)) {
			best, found = r, true
		}
	}
	return best, found
}

// Levels are the member levels some rule names, sorted.
func Levels(rules []Rule) []string {
	var out []string
	for _, r := range rules {
		if r.Level != "" && !slices.Contains(out, r.Level) {
			out = append(out, r.Level)
		}
	}
	slices.SortFunc(out, cmp.Compare)
	return out
}
