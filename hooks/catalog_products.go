package hooks

import (
	"context"
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/vipbase/vipbase/pricing"
	"github.com/vipbase/vipbase/vipreseller"
)

// productCounts is what sync-products did to one category.
type productCounts struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Disabled  int `json:"disabled"`
	Enabled   int `json:"enabled"`
}

// SellPrice is cost plus markup (basis points), rounded up to the next 100
// rupiah. Integer math only: no float ever touches money.
func SellPrice(cost, markupBasisPoints int64) int64 {
	if cost <= 0 {
		return 0
	}
	p := (cost*(10000+markupBasisPoints) + 9999) / 10000
	return (p + 99) / 100 * 100
}

type nicknameGame struct {
	prefix, code string
	zone         bool
}

// nicknameGames maps a provider game name prefix to its get-nickname code and
// whether it needs a zone. Only used to prefill new products; the operator
// can edit both fields in the dashboard afterwards.
var nicknameGames = []nicknameGame{
	{"mobile legends", "mobile-legends", true},
	{"free fire", "free-fire", false},
	{"pubgm", "pubgm", false},
	{"pubg mobile", "pubgm", false},
	{"valorant", "valorant", false},
	{"genshin impact", "genshin-impact", true},
	{"honkai star rail", "honkai-star-rail", true},
	{"point blank", "pointblank", false},
}

func nicknameFor(game string) (code string, needsZone bool) {
	g := strings.ToLower(game)
	for _, n := range nicknameGames {
		if strings.HasPrefix(g, n.prefix) {
			return n.code, n.zone
		}
	}
	return "", false
}

// syncProducts derives one product per listed service. New products are
// published; a product whose service disappeared or ran empty is disabled
// with auto_disabled, and re-enabled when it comes back. A product a person
// switched off (active=false, auto_disabled=false) stays off.
func (s *Service) syncProducts(ctx context.Context, counts map[string]any, progress Progress) error {
	tier, err := s.priceTier(ctx)
	if err != nil {
		return fmt.Errorf("price level: %w", err)
	}
	col, err := s.app.FindCachedCollectionByNameOrId("products")
	if err != nil {
		return err
	}
	for _, category := range Categories {
		c := &productCounts{}
		err := s.app.RunInTransaction(func(tx core.App) error {
			services, err := tx.FindAllRecords("services", dbEq("category", category))
			if err != nil {
				return err
			}
			rules, err := loadRules(tx)
			if err != nil {
				return err
			}
			products, err := tx.FindAllRecords("products", dbEq("category", category))
			if err != nil {
				return err
			}
			byCode := make(map[string]*core.Record, len(products))
			for _, p := range products {
				byCode[p.GetString("code")] = p
			}
			for _, svc := range services {
				p := byCode[svc.GetString("code")]
				sellable := svc.GetBool("listed") && svc.GetString("status") == vipreseller.ServiceAvailable
				if p == nil {
					if !svc.GetBool("listed") {
						continue // never sold, already gone: nothing to create
					}
					p = core.NewRecord(col)
					p.Set("category", category)
					p.Set("code", svc.GetString("code"))
					p.Set("active", sellable)
					p.Set("auto_disabled", !sellable)
					if category == CategoryGame {
						code, zone := nicknameFor(svc.GetString("brand"))
						p.Set("nickname_code", code)
						p.Set("needs_zone", zone)
					}
					c.Created++
				} else {
					before := productSnapshot(p)
					s.applyProductFields(p, svc, tier, rules)
					switch {
					case !sellable && p.GetBool("active"):
						p.Set("active", false)
						p.Set("auto_disabled", true)
						c.Disabled++
					case sellable && p.GetBool("active") && lockedBelowCost(p):
						if err := s.disableBelowCost(tx, p); err != nil {
							return err
						}
						c.Disabled++
					case sellable && !p.GetBool("active") && p.GetBool("auto_disabled") && !lockedBelowCost(p):
						p.Set("active", true)
						p.Set("auto_disabled", false)
						c.Enabled++
					}
					if productSnapshot(p) == before {
						c.Unchanged++
						continue
					}
					c.Updated++
					if err := tx.Save(p); err != nil {
						return fmt.Errorf("save product %s: %w", p.GetString("code"), err)
					}
					continue
				}
				s.applyProductFields(p, svc, tier, rules)
				if err := tx.Save(p); err != nil {
					return fmt.Errorf("save product %s: %w", p.GetString("code"), err)
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("%s products: %w", category, err)
		}
		counts[category] = c
		progress(fmt.Sprintf("products %-8s created %d, updated %d, unchanged %d, disabled %d, re-enabled %d",
			category, c.Created, c.Updated, c.Unchanged, c.Disabled, c.Enabled))
	}
	return s.syncBrands(counts, progress)
}

// applyProductFields copies the provider-owned fields and reprices.
func (s *Service) applyProductFields(p, svc *core.Record, tier string, rules []pricing.Rule) {
	p.Set("service", svc.Id)
	p.Set("name", svc.GetString("name"))
	p.Set("brand", svc.GetString("brand"))
	p.Set("type", svc.GetString("type"))
	p.Set("min", svc.GetInt("min"))
	p.Set("max", svc.GetInt("max"))
	cost := int64(svc.GetInt("price_" + tier))
	p.Set("cost", cost)
	s.priceProduct(p, rules)
}

// productSnapshot is the comparable state of the fields sync may touch.
func productSnapshot(p *core.Record) string {
	return fmt.Sprint(p.GetString("service"), "|", p.GetString("name"), "|", p.GetString("brand"), "|",
		p.GetString("type"), "|", p.GetInt("min"), "|", p.GetInt("max"), "|", p.GetInt("cost"), "|",
		priceSnapshot(p), "|", p.GetBool("active"), "|", p.GetBool("auto_disabled"))
}

// priceTier is the configured cost tier, or the one the provider profile's
// level implies (asked once, then remembered from the last balance sync).
func (s *Service) priceTier(ctx context.Context) (string, error) {
	if s.cfg.PriceLevel != "" {
		return s.cfg.PriceLevel, nil
	}
	if recs, err := s.app.FindRecordsByFilter("sync_runs", "action = {:a} && status = 'success'", "-started", 1, 0,
		map[string]any{"a": ActionSyncBalance}); err == nil && len(recs) > 0 {
		var counts struct {
			Level string `json:"level"`
		}
		if recs[0].UnmarshalJSONField("counts", &counts) == nil && counts.Level != "" {
			return vipreseller.LevelTier(counts.Level), nil
		}
	}
	profile, err := s.client.Profile.Get(ctx)
	if err != nil {
		return "", err
	}
	return vipreseller.LevelTier(profile.Level), nil
}
