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
// fractional) to basis points, rounding half up.
func PercentToBasisPoints(p float64) int64 { return int64(math.Floor(p*100 + 0.5)) }

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

// specificity orders rules: product > brand > category, then level.
func (r Rule) specificity() int {
	s := 0
	if r.Product != "" {
		s += 8
	}
	if r.Brand != "" {
		s += 4
	}
	if r.Category != "" {
		s += 2
	}
	if r.Level != "" {
		s++
	}
	return s
}

// Match is the rule that prices it for a shopper of level ("" = public),
// and false when none matches. Of equally specific rules the one with the
// smallest ID wins, so the answer never depends on the order rules load in.
func Match(rules []Rule, it Item, level string) (Rule, bool) {
	var best Rule
	found := false
	for _, r := range rules {
		if !r.matches(it, level) {
			continue
		}
		if !found || r.specificity() > best.specificity() || (r.specificity() == best.specificity() && r.ID < best.ID) {
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
