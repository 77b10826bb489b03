package hooks

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/pocketbase/pocketbase/core"
)

// The `brands` collection is what shoppers see of the provider's brands:
// "Mobile Legends" with a logo under Game instead of the provider's
// "Mobile Legends A" chip, Netflix under Streaming instead of Game. The
// catalog sync owns a row until a person saves it (dashboard or REST); from
// then on `edited` is true and the sync never touches it again.

// Brand grouping categories (brands.category), in storefront order.
const (
	BrandGame      = "game"
	BrandVoucher   = "voucher"
	BrandStreaming = "streaming"
	BrandPulsa     = "pulsa"
	BrandData      = "data"
	BrandPLN       = "pln"
	BrandEmoney    = "emoney"
	BrandSocial    = "social"
)

// brandCounts is what the brand pass of sync-products did.
type brandCounts struct {
	Created     int `json:"created"`
	Updated     int `json:"updated"`
	Unchanged   int `json:"unchanged"`
	Deactivated int `json:"deactivated"`
	Edited      int `json:"edited"` // left alone: a person saved them
}

func (s *Service) registerBrands() {
	s.app.OnRecordCreateRequest("brands").BindFunc(markBrandEdited)
	s.app.OnRecordUpdateRequest("brands").BindFunc(markBrandEdited)
}

// markBrandEdited hands a row to the person saving it. Sending `edited`
// explicitly (false) is the way to give a row back to the sync.
func markBrandEdited(e *core.RecordRequestEvent) error {
	info, err := e.RequestInfo()
	if err != nil {
		return err
	}
	if _, given := info.Body["edited"]; !given {
		e.Record.Set("edited", true)
	}
	return e.Next()
}

// brandSeen is what the products say about one (category, brand).
type brandSeen struct {
	active bool
	types  []string // of active products, or of all when none is active
	all    []string
}

// syncBrands upserts one brands row per (products.category, products.brand)
// of active products, after the products are synced. Rows a person edited
// are never changed; a row whose products all went inactive is switched off;
// a row is saved only when something differs, so an unchanged catalog
// writes nothing.
func (s *Service) syncBrands(counts map[string]any, progress Progress) error {
	col, err := s.app.FindCachedCollectionByNameOrId("brands")
	if err != nil {
		return err
	}
	c := &brandCounts{}
	err = s.app.RunInTransaction(func(tx core.App) error {
		var rows []struct {
			Category string `db:"category"`
			Brand    string `db:"brand"`
			Type     string `db:"type"`
			Active   bool   `db:"active"`
		}
		if err := tx.DB().NewQuery("SELECT category, brand, type, MAX(active) AS active FROM products " +
			"WHERE brand != '' GROUP BY category, brand, type ORDER BY category, brand, type").All(&rows); err != nil {
			return err
		}
		seen := map[[2]string]*brandSeen{}
		var order [][2]string
		for _, r := range rows {
			k := [2]string{r.Category, r.Brand}
			b := seen[k]
			if b == nil {
				b = &brandSeen{}
				seen[k] = b
				order = append(order, k)
			}
			b.all = append(b.all, r.Type)
			if r.Active {
				b.active = true
				b.types = append(b.types, r.Type)
			}
		}
		existing, err := tx.FindAllRecords("brands")
		if err != nil {
			return err
		}
		byKey := make(map[[2]string]*core.Record, len(existing))
		for _, r := range existing {
			k := [2]string{r.GetString("provider_category"), r.GetString("name")}
			byKey[k] = r
			if seen[k] == nil {
				order = append(order, k) // no products left at all
			}
		}
		for _, k := range order {
			b, rec := seen[k], byKey[k]
			if b == nil {
				b = &brandSeen{}
			}
			switch {
			case rec == nil && !b.active:
				continue // never shown, nothing to sell
			case rec == nil:
				rec = core.NewRecord(col)
				rec.Set("provider_category", k[0])
				rec.Set("name", k[1])
				c.Created++
			case rec.GetBool("edited"):
				c.Edited++
				continue
			}
			types := b.types
			if !b.active {
				types = b.all
			}
			before, wasActive := brandSnapshot(rec), rec.GetBool("active")
			display := TidyBrandName(k[1])
			rec.Set("display_name", display)
			rec.Set("category", BrandCategory(k[0], k[1], types))
			rec.Set("popular", popularBrand(display))
			rec.Set("zones", brandZones[strings.ToLower(display)])
			rec.Set("active", b.active)
			if !rec.IsNew() {
				if brandSnapshot(rec) == before {
					c.Unchanged++
					continue
				}
				c.Updated++
				if wasActive && !b.active {
					c.Deactivated++
				}
			}
			if err := tx.Save(rec); err != nil {
				return fmt.Errorf("save brand %s/%s: %w", k[0], k[1], err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("brands: %w", err)
	}
	counts["brands"] = c
	progress(fmt.Sprintf("brands   created %d, updated %d, unchanged %d, switched off %d, edited (kept) %d",
		c.Created, c.Updated, c.Unchanged, c.Deactivated, c.Edited))
	return nil
}

// brandSnapshot is the comparable state of the fields the sync owns.
func brandSnapshot(r *core.Record) string {
	return fmt.Sprint(r.GetString("display_name"), "|", r.GetString("category"), "|", r.GetBool("popular"), "|", r.GetBool("active"),
		"|", r.GetString("zones"))
}

// brandZones are the servers of games whose provider takes a server code as
// the zone, one "code=Label" per line; the storefront offers them as a list.
// Genshin Impact's codes are the ones docs/vip-reseller-api.md quotes (MED
// confidence); the operator edits a row's zones, or adds them to other
// games, in the dashboard.
var brandZones = map[string]string{
	"genshin impact": "os_asia=Asia\nos_usa=America\nos_euro=Europe\nos_cht=TW, HK, MO",
}

// brandDisplayNames are provider texts whose tidy form no rule gets right.
// Keys are lower case, after the suffixes are gone.
var brandDisplayNames = map[string]string{
	"pubgm":       "PUBG Mobile",
	"pubg mobile": "PUBG Mobile",
	"go pay":      "GoPay",
	"gopay":       "GoPay",
	"shopee pay":  "ShopeePay",
	"shopeepay":   "ShopeePay",
	"google play": "Google Play",
	"linkaja":     "LinkAja",
	"tri":         "Tri",
	"axis":        "Axis",
}

// brandRegionWords are trailing words that only say which supplier or
// region variant the provider resells; they name the same game.
var brandRegionWords = []string{"INDO", "INDONESIA", "ID", "GLOBAL", "Global", "Indo", "Indonesia"}

// TidyBrandName is the name shoppers see for a provider brand text: spaces
// trimmed and collapsed; trailing supplier variants (" A" … " E"), region
// words (" INDO", " ID", " Global") and bracketed region markers
// ("(Global)", "[ID]") removed while another word remains; a few known
// spellings fixed (PUBGM → PUBG Mobile, GO PAY → GoPay); and shouted words
// of five letters or more in title case (TELKOMSEL → Telkomsel), shorter
// ones kept (PLN, DANA, XL). Conservative on purpose: the operator fixes
// the rest in the dashboard, and that edit is kept forever.
func TidyBrandName(provider string) string {
	name := strings.Join(strings.Fields(provider), " ")
	for {
		before := name
		words := strings.Fields(name)
		if len(words) > 1 {
			last := words[len(words)-1]
			if isVariantLetter(last) || slices.Contains(brandRegionWords, last) || isRegionMarker(last) {
				name = strings.Join(words[:len(words)-1], " ")
			}
		}
		if name == before {
			break
		}
	}
	if fixed, ok := brandDisplayNames[strings.ToLower(name)]; ok {
		return fixed
	}
	words := strings.Fields(name)
	for i, w := range words {
		if len([]rune(w)) >= 5 && isShouted(w) {
			words[i] = string(w[0]) + strings.ToLower(w[1:])
		}
	}
	return strings.Join(words, " ")
}

// isVariantLetter is a provider's supplier letter: one capital A–E.
func isVariantLetter(w string) bool { return len(w) == 1 && w[0] >= 'A' && w[0] <= 'E' }

// isRegionMarker is "(Global)", "[ID]" and the like.
func isRegionMarker(w string) bool {
	if len(w) < 3 || !(w[0] == '(' && w[len(w)-1] == ')' || w[0] == '[' && w[len(w)-1] == ']') {
		return false
	}
	inner := strings.ToUpper(w[1 : len(w)-1])
	return slices.Contains([]string{"INDO", "INDONESIA", "ID", "GLOBAL", "SEA"}, inner)
}

func isShouted(w string) bool {
	letters := false
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		letters = letters || unicode.IsLetter(r)
	}
	return letters
}

// prepaidTypeCategories maps products.type to the grouping category, in the
// order that wins when one brand sells several types (Telkomsel sells pulsa
// and data: it is found under Pulsa).
var prepaidTypeCategories = []struct{ typ, category string }{
	{"pulsa-reguler", BrandPulsa},
	{"pulsa-transfer", BrandPulsa},
	{"paket-telepon", BrandPulsa},
	{"paket-internet", BrandData},
	{"token-pln", BrandPLN},
	{"saldo-emoney", BrandEmoney},
	{"voucher-game", BrandVoucher},
}

// streamingWords are words of game-list brands that are apps or streaming
// subscriptions, not games.
var streamingWords = []string{"netflix", "spotify", "vidio", "youtube", "disney", "viu", "wetv", "iqiyi", "canva",
	"hbo", "joox", "catchplay", "genflix", "prime", "apple", "vision+", "mola", "capcut"}

// voucherWords are words of game-list brands that sell store credit.
var voucherWords = []string{"voucher", "steam", "razer", "itunes", "playstation", "xbox", "nintendo", "google"}

// BrandCategory guesses the storefront group of a provider brand: social
// brands are Sosial Media; prepaid brands go by their products' types
// (pulsa before data before PLN before e-money before voucher; an unknown
// type is Pulsa); game-list brands that are streaming or apps (Netflix,
// Spotify, Vidio, …) are Streaming, store-credit ones (Steam, Google Play,
// "… Voucher") Voucher, the rest Game.
func BrandCategory(providerCategory, brand string, types []string) string {
	switch providerCategory {
	case CategorySocial:
		return BrandSocial
	case CategoryPrepaid:
		for _, t := range prepaidTypeCategories {
			if slices.Contains(types, t.typ) {
				return t.category
			}
		}
		return BrandPulsa
	}
	words := strings.FieldsFunc(strings.ToLower(brand), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '+'
	})
	for _, w := range words {
		if slices.Contains(streamingWords, w) || slices.Contains(streamingWords, strings.TrimSuffix(w, "+")) {
			return BrandStreaming
		}
	}
	for _, w := range words {
		if slices.Contains(voucherWords, w) {
			return BrandVoucher
		}
	}
	return BrandGame
}

// popularBrands are shown first when the sync creates their rows (tidy
// names, compared without case).
var popularBrands = []string{"mobile legends", "free fire", "pubg mobile", "genshin impact", "telkomsel", "pln", "dana"}

func popularBrand(display string) bool {
	return slices.Contains(popularBrands, strings.ToLower(display))
}
