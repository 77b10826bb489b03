package hooks

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/vipbase/vipbase/vipreseller"
)

// stockProbeBatch bounds how many never-asked game services one sync-stock
// run probes, so a 10,000-row catalog is explored over several runs instead
// of one run that holds the rate limiter for half an hour.
const stockProbeBatch = 100

// stockCounts is what sync-stock did. Updated counts the answers that wrote
// a services and/or products row; unchanged the ones that wrote nothing.
type stockCounts struct {
	Checked     int `json:"checked"`
	Tracked     int `json:"tracked"`
	Unsupported int `json:"unsupported"`
	Updated     int `json:"updated"`
	Unchanged   int `json:"unchanged"`
	Errors      int `json:"errors"`
}

// syncStock asks service-stock for game services known to be stock-tracked
// and for a batch of never-asked ones; services that answer "not supported"
// are remembered (stock = -1) and not asked again. An answer equal to what
// is stored writes nothing: no new `updated`, no realtime event.
func (s *Service) syncStock(ctx context.Context, counts map[string]any, progress Progress) error {
	tracked, err := s.app.FindAllRecords("services", dbx.HashExp{"category": CategoryGame, "listed": true},
		dbx.NewExp("stock_checked_at != '' AND stock >= 0"))
	if err != nil {
		return err
	}
	var fresh []*core.Record
	err = s.app.RecordQuery("services").
		AndWhere(dbx.HashExp{"category": CategoryGame, "listed": true, "stock_checked_at": ""}).
		OrderBy("code").Limit(stockProbeBatch).All(&fresh)
	if err != nil {
		return err
	}
	c := &stockCounts{}
	var lastErr error
	for _, svc := range append(tracked, fresh...) {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		c.Checked++
		st, err := s.client.Game.ServiceStock(ctx, svc.GetString("code"))
		var apiErr *vipreseller.APIError
		var wrote bool
		switch {
		case errors.As(err, &apiErr):
			c.Unsupported++
			wrote, err = s.saveStock(svc, -1, false)
		case err != nil:
			c.Errors++
			lastErr = err
			continue
		default:
			c.Tracked++
			wrote, err = s.saveStock(svc, st.Stock, true)
		}
		if err != nil {
			return err
		}
		if wrote {
			c.Updated++
		} else {
			c.Unchanged++
		}
	}
	counts["game"] = c
	progress(fmt.Sprintf("stock    game     checked %d, tracked %d, unsupported %d, updated %d, unchanged %d, errors %d",
		c.Checked, c.Tracked, c.Unsupported, c.Updated, c.Unchanged, c.Errors))
	if c.Errors > 0 {
		return fmt.Errorf("stock: %d of %d lookups failed, last: %w", c.Errors, c.Checked, lastErr)
	}
	return nil
}

// stockDirty says which rows storing stock would change. The service: when
// it was never asked (stock_checked_at is how "asked" is remembered, so it
// is stamped on the first answer and on every change, never on a repeat) or
// when the value differs. Its product (nil: none yet): when track_stock or,
// for a tracked one, the stock differs; an untracked product is left alone.
func stockDirty(svc, p *core.Record, stock int64, tracked bool) (service, product bool) {
	service = svc.GetString("stock_checked_at") == "" || int64(svc.GetInt("stock")) != stock
	if p != nil {
		if tracked {
			product = !p.GetBool("track_stock") || int64(p.GetInt("stock")) != stock
		} else {
			product = p.GetBool("track_stock")
		}
	}
	return service, product
}

// productOfService is the product sold for a service, nil when there is none.
func productOfService(app core.App, serviceID string) (*core.Record, error) {
	p, err := app.FindFirstRecordByFilter("products", "service = {:s}", dbx.Params{"s": serviceID})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return p, err
}

// saveStock stores one service's stock and mirrors it on its product, each
// row only if it changes; wrote reports whether any row was saved. The
// common case, nothing changed, is decided on plain reads without opening a
// write transaction.
func (s *Service) saveStock(svc *core.Record, stock int64, tracked bool) (wrote bool, err error) {
	p, err := productOfService(s.app, svc.Id)
	if err != nil {
		return false, err
	}
	if sd, pd := stockDirty(svc, p, stock, tracked); !sd && !pd {
		return false, nil
	}
	err = s.app.RunInTransaction(func(tx core.App) error {
		wrote = false // a retried transaction starts over
		svc, err := tx.FindRecordById("services", svc.Id)
		if err != nil {
			return err
		}
		p, err := productOfService(tx, svc.Id)
		if err != nil {
			return err
		}
		sd, pd := stockDirty(svc, p, stock, tracked)
		if sd {
			svc.Set("stock", stock)
			svc.Set("stock_checked_at", types.NowDateTime())
			if err := tx.Save(svc); err != nil {
				return err
			}
		}
		if pd {
			p.Set("track_stock", tracked)
			if tracked {
				p.Set("stock", stock)
			}
			if err := tx.Save(p); err != nil {
				return err
			}
		}
		wrote = sd || pd
		return nil
	})
	return wrote, err
}

// syncBalance reads the provider profile; its balance and level are kept on
// the run (for the status route and the price tier) and a low balance is
// logged as a warning, because orders will start to fail without it.
func (s *Service) syncBalance(ctx context.Context, counts map[string]any, progress Progress) error {
	p, err := s.client.Profile.Get(ctx)
	if err != nil {
		return err
	}
	counts["balance"] = p.Balance
	counts["level"] = p.Level
	counts["username"] = p.Username
	progress(fmt.Sprintf("balance  Rp %s (level %s)", Rupiah(p.Balance), p.Level))
	if p.Balance < s.cfg.LowBalanceThreshold {
		s.app.Logger().Warn("VIP-Reseller balance is low: top up the provider account or orders will fail",
			"balance", p.Balance, "threshold", s.cfg.LowBalanceThreshold)
		s.lowBalanceAlert(p.Balance)
	}
	return nil
}

// Rupiah formats an amount the Indonesian way: 1234567 → "1.234.567".
func Rupiah(n int64) string {
	neg := n < 0
	if neg {
		n = -n
	}
	s := fmt.Sprint(n)
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, '.')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}
