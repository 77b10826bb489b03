package hooks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/vipbase/vipbase/vipreseller"
)

// Order categories, also the services/products `category` values.
const (
	CategoryGame    = "game"
	CategoryPrepaid = "prepaid"
	CategorySocial  = "social"
)

// Categories in sync order.
var Categories = []string{CategoryGame, CategoryPrepaid, CategorySocial}

// serviceRow is one provider catalog row, flattened to the services fields.
type serviceRow struct {
	Code, Name, Brand, Type, Server, Status, Maintenance, Note string
	Basic, Premium, Special, Min, Max                          int64
	MultiTrx                                                   bool
	Raw                                                        json.RawMessage
}

// changeCounts is what a sync did to one category.
type changeCounts struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Delisted  int `json:"delisted"`
}

// fetchServices asks the provider for one category's full, unfiltered list.
func (s *Service) fetchServices(ctx context.Context, category string) ([]serviceRow, error) {
	var rows []serviceRow
	switch category {
	case CategoryGame:
		list, err := s.client.Game.Services(ctx, vipreseller.GameServicesParams{})
		if err != nil {
			return nil, err
		}
		for _, g := range list {
			rows = append(rows, serviceRow{Code: g.Code, Name: g.Name, Brand: g.Game, Server: g.Server,
				Status: g.Status, Basic: g.Price.Basic, Premium: g.Price.Premium, Special: g.Price.Special, Raw: g.Raw})
		}
	case CategoryPrepaid:
		list, err := s.client.Prepaid.Services(ctx, vipreseller.PrepaidServicesParams{})
		if err != nil {
			return nil, err
		}
		for _, p := range list {
			rows = append(rows, serviceRow{Code: p.Code, Name: p.Name, Brand: p.Brand, Type: p.Type, Status: p.Status,
				Maintenance: p.Maintenance, Note: p.Note, MultiTrx: p.MultiTrx,
				Basic: p.Price.Basic, Premium: p.Price.Premium, Special: p.Price.Special, Raw: p.Raw})
		}
	case CategorySocial:
		list, err := s.client.Social.Services(ctx, vipreseller.SocialServicesParams{})
		if err != nil {
			return nil, err
		}
		for _, m := range list {
			rows = append(rows, serviceRow{Code: m.ID, Name: m.Name, Brand: m.Category, Status: m.Status, Note: m.Note,
				Min: m.Min, Max: m.Max, Basic: m.Price.Basic, Premium: m.Price.Premium, Special: m.Price.Special, Raw: m.Raw})
		}
	}
	return rows, nil
}

// syncServices refreshes all three categories; a category whose list fails
// or comes back empty keeps its last good rows and reports the error.
func (s *Service) syncServices(ctx context.Context, counts map[string]any, progress Progress) error {
	var errs []error
	for _, category := range Categories {
		c, err := s.syncServiceCategory(ctx, category)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s services: %w", category, err))
			progress(fmt.Sprintf("services %-8s FAILED: %v (last good catalog kept)", category, err))
			continue
		}
		counts[category] = c
		progress(fmt.Sprintf("services %-8s created %d, updated %d, unchanged %d, delisted %d",
			category, c.Created, c.Updated, c.Unchanged, c.Delisted))
	}
	return errors.Join(errs...)
}

func (s *Service) syncServiceCategory(ctx context.Context, category string) (*changeCounts, error) {
	rows, err := s.fetchServices(ctx, category)
	if err != nil {
		return nil, err
	}
	col, err := s.app.FindCachedCollectionByNameOrId("services")
	if err != nil {
		return nil, err
	}
	// Network first, then one short write transaction for the category.
	counts := &changeCounts{}
	err = s.app.RunInTransaction(func(tx core.App) error {
		existing, err := tx.FindAllRecords("services", dbx.HashExp{"category": category})
		if err != nil {
			return err
		}
		if len(rows) == 0 && len(existing) > 0 {
			return errors.New("the provider returned an empty list")
		}
		byCode := make(map[string]*core.Record, len(existing))
		for _, r := range existing {
			byCode[r.GetString("code")] = r
		}
		now := types.NowDateTime()
		seen := make(map[string]bool, len(rows))
		for _, row := range rows {
			if row.Code == "" || seen[row.Code] {
				continue
			}
			seen[row.Code] = true
			rec := byCode[row.Code]
			if rec == nil {
				rec = core.NewRecord(col)
				rec.Set("category", category)
				rec.Set("code", row.Code)
				counts.Created++
			} else if serviceUnchanged(rec, row) {
				counts.Unchanged++
				continue
			} else {
				counts.Updated++
			}
			applyServiceRow(rec, row)
			rec.Set("listed", true)
			rec.Set("synced_at", now)
			if err := tx.Save(rec); err != nil {
				return fmt.Errorf("save service %s: %w", row.Code, err)
			}
		}
		for code, rec := range byCode {
			if seen[code] || !rec.GetBool("listed") {
				continue
			}
			rec.Set("listed", false)
			rec.Set("synced_at", now)
			if err := tx.Save(rec); err != nil {
				return fmt.Errorf("delist service %s: %w", code, err)
			}
			counts.Delisted++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return counts, nil
}

func applyServiceRow(rec *core.Record, row serviceRow) {
	rec.Set("name", row.Name)
	rec.Set("brand", row.Brand)
	rec.Set("type", row.Type)
	rec.Set("server", row.Server)
	rec.Set("status", normalizeServiceStatus(row.Status))
	rec.Set("maintenance", row.Maintenance)
	rec.Set("note", row.Note)
	rec.Set("multi_trx", row.MultiTrx)
	rec.Set("price_basic", row.Basic)
	rec.Set("price_premium", row.Premium)
	rec.Set("price_special", row.Special)
	rec.Set("min", row.Min)
	rec.Set("max", row.Max)
	rec.Set("raw", types.JSONRaw(compactJSON(row.Raw)))
}

// serviceUnchanged compares every stored field, raw JSON included, so a
// re-sync of an identical catalog writes nothing.
func serviceUnchanged(rec *core.Record, row serviceRow) bool {
	return rec.GetBool("listed") &&
		rec.GetString("name") == row.Name &&
		rec.GetString("brand") == row.Brand &&
		rec.GetString("type") == row.Type &&
		rec.GetString("server") == row.Server &&
		rec.GetString("status") == normalizeServiceStatus(row.Status) &&
		rec.GetString("maintenance") == row.Maintenance &&
		rec.GetString("note") == row.Note &&
		rec.GetBool("multi_trx") == row.MultiTrx &&
		int64(rec.GetInt("price_basic")) == row.Basic &&
		int64(rec.GetInt("price_premium")) == row.Premium &&
		int64(rec.GetInt("price_special")) == row.Special &&
		int64(rec.GetInt("min")) == row.Min &&
		int64(rec.GetInt("max")) == row.Max &&
		bytes.Equal(compactJSON([]byte(rec.GetString("raw"))), compactJSON(row.Raw))
}

// normalizeServiceStatus maps anything but "available" to "empty": a service
// we cannot confirm as sellable must not be sold.
func normalizeServiceStatus(status string) string {
	if status == vipreseller.ServiceAvailable {
		return vipreseller.ServiceAvailable
	}
	return vipreseller.ServiceEmpty
}

func compactJSON(raw []byte) []byte {
	if len(raw) == 0 {
		return []byte("null")
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return []byte(strconv.Quote(string(raw)))
	}
	return buf.Bytes()
}
