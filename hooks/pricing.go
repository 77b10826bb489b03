package hooks

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/vipbase/vipbase/pricing"
)

// Pricing rules (design §14): the rules in pricing_rules price every product
// that is not price_locked, the public price in products.price and one per
// member level that has a rule in products.prices. Prices change in the
// request that saved a rule, or in the sync that changed a cost; a product
// whose prices did not change is not written.

var errRounding = validation.NewError("validation_rounding", "Must be 0, 50, 100, 500 or 1000.")

// loadRules is every active rule.
func loadRules(app core.App) ([]pricing.Rule, error) {
	recs, err := app.FindAllRecords("pricing_rules", dbEq("active", true))
	if err != nil {
		return nil, fmt.Errorf("pricing rules: %w", err)
	}
	rules := make([]pricing.Rule, 0, len(recs))
	for _, r := range recs {
		rules = append(rules, pricing.Rule{ID: r.Id, Category: r.GetString("category"), Brand: r.GetString("brand"),
			Product: r.GetString("product"), Level: r.GetString("level"),
			BasisPoints: pricing.PercentToBasisPoints(r.GetFloat("markup_percent")),
			Fixed:       int64(r.GetInt("markup_fixed")), Rounding: int64(r.GetInt("rounding"))})
	}
	return rules, nil
}

// priceProduct sets p's price and level prices from its cost by the rules
// (a locked product keeps its price, for every level). A product's own
// markup_percent acts as a product rule that an explicit one beats.
func (s *Service) priceProduct(p *core.Record, rules []pricing.Rule) {
	if p.GetBool("price_locked") {
		setLevelPrices(p, nil)
		return
	}
	cost := int64(p.GetInt("cost"))
	if own := p.GetFloat("markup_percent"); own > 0 {
		rules = append(slices.Clip(rules), pricing.Rule{ID: "~product-markup", Product: p.Id,
			BasisPoints: pricing.PercentToBasisPoints(own), Rounding: 100})
	}
	it := pricing.Item{ID: p.Id, Category: p.GetString("category"), Brand: p.GetString("brand")}
	public, ok := pricing.Match(rules, it, "")
	if !ok {
		public = pricing.Default(s.cfg.MarkupBasisPoints)
	}
	p.Set("price", pricing.Price(cost, public))
	levels := map[string]int64{}
	for _, level := range pricing.Levels(rules) {
		if r, ok := pricing.Match(rules, it, level); ok && r.Level == level {
			levels[level] = pricing.Price(cost, r)
		}
	}
	setLevelPrices(p, levels)
}

func setLevelPrices(p *core.Record, levels map[string]int64) {
	if len(levels) == 0 {
		if len(levelPrices(p)) > 0 {
			p.Set("prices", nil)
		}
		return
	}
	p.Set("prices", levels)
}

// levelPrices reads products.prices.
func levelPrices(p *core.Record) map[string]int64 {
	var m map[string]int64
	raw, _ := json.Marshal(p.Get("prices"))
	_ = json.Unmarshal(raw, &m)
	return m
}

// priceForLevel is what a shopper of level pays per unit of p.
func priceForLevel(p *core.Record, level string) int64 {
	if level != "" {
		if v, ok := levelPrices(p)[level]; ok {
			return v
		}
	}
	return int64(p.GetInt("price"))
}

// userLevel is a member's level ("" for guests and public prices).
func userLevel(tx core.App, user string) string {
	if user == "" {
		return ""
	}
	u, err := tx.FindRecordById("users", user)
	if err != nil {
		return ""
	}
	return u.GetString("level")
}

// repriceAll prices every product by the rules and writes the changed ones.
func (s *Service) repriceAll(tx core.App) (changed int, err error) {
	rules, err := loadRules(tx)
	if err != nil {
		return 0, err
	}
	products, err := tx.FindAllRecords("products")
	if err != nil {
		return 0, err
	}
	for _, p := range products {
		before := priceSnapshot(p)
		s.priceProduct(p, rules)
		if priceSnapshot(p) == before {
			continue
		}
		if err := tx.Save(p); err != nil {
			return changed, fmt.Errorf("reprice %s: %w", p.GetString("code"), err)
		}
		changed++
	}
	return changed, nil
}

func priceSnapshot(p *core.Record) string {
	raw, _ := json.Marshal(levelPrices(p))
	return fmt.Sprint(p.GetInt("price"), "|", string(raw))
}

func (s *Service) registerPricing() {
	// A rule saved or deleted reprices the catalog in the same request and
	// transaction: the answer comes when every price has changed.
	reprice := func(e *core.RecordRequestEvent) error {
		if r := e.Record.GetInt("rounding"); !slices.Contains(pricing.Roundings, int64(r)) {
			return fieldsError(validation.Errors{"rounding": errRounding})
		}
		return e.App.RunInTransaction(func(tx core.App) error {
			e.App = tx
			if err := e.Next(); err != nil {
				return err
			}
			n, err := s.repriceAll(tx)
			if err != nil {
				return err
			}
			tx.Logger().Info("pricing rule saved: catalog repriced", "rule", e.Record.Id, "productsChanged", n)
			return nil
		})
	}
	s.app.OnRecordCreateRequest("pricing_rules").BindFunc(reprice)
	// At start: what changed while the store was down (a new default
	// markup in VIP_RESELLER_MARKUP_PERCENT, rules seeded by an upgrade)
	// shows at once, not at the next sync. Only changed products are written.
	s.app.OnBootstrap().BindFunc(func(be *core.BootstrapEvent) error {
		if err := be.Next(); err != nil { // the migrations ran
			return err
		}
		n := 0
		err := s.app.RunInTransaction(func(tx core.App) error {
			var err error
			n, err = s.repriceAll(tx)
			return err
		})
		switch {
		case err != nil:
			s.app.Logger().Error("pricing: could not reprice the catalog at start", "error", err)
		case n > 0:
			s.app.Logger().Info("pricing: catalog repriced at start (rules or the default markup changed since the last run)", "productsChanged", n)
		}
		return nil
	})
	s.app.OnRecordUpdateRequest("pricing_rules").BindFunc(reprice)
	s.app.OnRecordDeleteRequest("pricing_rules").BindFunc(func(e *core.RecordRequestEvent) error {
		return e.App.RunInTransaction(func(tx core.App) error {
			e.App = tx
			if err := e.Next(); err != nil {
				return err
			}
			_, err := s.repriceAll(tx)
			return err
		})
	})

	// A member's level is the store's to give.
	level := func(e *core.RecordRequestEvent) error {
		was := ""
		if !e.Record.IsNew() {
			was = e.Record.Original().GetString("level")
		}
		if e.Record.GetString("level") != was && !e.HasSuperuserAuth() {
			return apiError(http.StatusForbidden, CodeForbidden, "Only the store sets a member's level.", nil)
		}
		return e.Next()
	}
	s.app.OnRecordCreateRequest("users").BindFunc(level)
	s.app.OnRecordUpdateRequest("users").BindFunc(level)
}
