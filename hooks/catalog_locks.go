package hooks

import (
	"net/http"
	"strconv"

	"github.com/pocketbase/pocketbase/core"

	"github.com/vipbase/vipbase/notify"
)

// A price a person types is theirs (design §14): the save that changes a
// product's price locks it (price_locked), so no sync or markup change puts
// it back; clearing the lock hands the price back to the markup. And no
// active product is sold below its cost: such a save is refused, and a sync
// that raises the cost above a locked price switches the product off and
// tells the operator.

// CodeBelowCost answers a save that would sell an active product under cost.
const CodeBelowCost = "below_cost"

func (s *Service) registerPriceLocks() {
	guard := func(e *core.RecordRequestEvent) error {
		p, orig := e.Record, e.Record.Original()
		if p.GetString("service") != "" {
			// The cost is the provider's: a stale dashboard form must not
			// write back an old one (and pass the below-cost check with it).
			p.Set("cost", orig.GetInt("cost"))
		}
		if p.GetInt("price") != orig.GetInt("price") && p.GetBool("price_locked") == orig.GetBool("price_locked") {
			p.Set("price_locked", true)
		}
		if p.GetInt("cost") > 0 {
			rules, err := loadRules(e.App)
			if err != nil {
				return err
			}
			s.priceProduct(p, rules) // unlocked: the rules' price again, now
		}
		if p.GetBool("active") && p.GetInt("price") < p.GetInt("cost") {
			return apiError(http.StatusBadRequest, CodeBelowCost, "Product "+p.GetString("code")+" would sell at Rp "+
				strconv.Itoa(p.GetInt("price"))+", below its cost of Rp "+strconv.Itoa(p.GetInt("cost"))+
				": raise the price or switch the product off.", nil)
		}
		return e.Next()
	}
	s.app.OnRecordUpdateRequest("products").BindFunc(guard)
	s.app.OnRecordCreateRequest("products").BindFunc(guard)
}

// lockedBelowCost is a locked price the provider's cost has overtaken.
func lockedBelowCost(p *core.Record) bool {
	return p.GetBool("price_locked") && p.GetInt("price") < p.GetInt("cost")
}

// disableBelowCost switches off a sellable product whose locked price is
// now under its cost, and raises the operator alert in tx.
func (s *Service) disableBelowCost(tx core.App, p *core.Record) error {
	p.Set("active", false)
	p.Set("auto_disabled", true)
	reason := "Harga modal naik menjadi " + "Rp " + Rupiah(int64(p.GetInt("cost"))) + ", di atas harga jual terkunci " +
		"Rp " + Rupiah(int64(p.GetInt("price"))) + ". Produk dinonaktifkan: naikkan harga (atau buka kuncinya) lalu aktifkan lagi."
	tx.Logger().Warn("product switched off: its locked price is below the new cost",
		"product", p.Id, "code", p.GetString("code"), "price", p.GetInt("price"), "cost", p.GetInt("cost"))
	return s.adminAlert(tx, notify.AdminReview, "below_cost:"+p.Id+":"+strconv.Itoa(p.GetInt("cost")), map[string]any{
		"Kind": "produk", "Number": p.GetString("code") + " (" + p.GetString("name") + ")", "Reason": reason,
		"URL": s.dashboardURL("products", p.Id)})
}
