package sandbox

import (
	"net/http"
	"net/url"
	"strings"
)

const (
	msgStockOK          = "Stok tersedia."
	msgStockUnsupported = "Layanan tidak support untuk cek stock."
)

// services answers type=services. The unfiltered answer is served from a
// cached body; filtered ones join the cached rows.
func (s *Sandbox) services(ep string, form url.Values) reply {
	match := servicesFilter(ep, form)
	s.mu.Lock()
	c := s.catalogs[ep]
	var body []byte
	if match == nil {
		body = c.fullBody()
	} else {
		var rows [][]byte
		for _, sv := range c.list {
			if match(sv) {
				rows = append(rows, sv.row())
			}
		}
		body = listBody(rows)
	}
	s.mu.Unlock()
	return reply{status: http.StatusOK, ctype: "application/json", body: body}
}

// servicesFilter returns the row predicate for the request's filters, or nil
// when nothing filters. Unknown filter types are ignored, as PHP ignores
// unknown params.
func servicesFilter(ep string, form url.Values) func(*service) bool {
	ftype, fvalue := strings.TrimSpace(form.Get("filter_type")), strings.TrimSpace(form.Get("filter_value"))
	switch ep {
	case EndpointGame:
		game := form.Get("filter_game")
		if ftype == "game" && fvalue != "" {
			game = fvalue
		}
		game = strings.TrimSpace(game)
		status := strings.TrimSpace(form.Get("filter_status"))
		if game == "" && status == "" {
			return nil
		}
		return func(sv *service) bool {
			return (game == "" || strings.EqualFold(sv.game, game)) &&
				(status == "" || strings.EqualFold(sv.listStatus(), status))
		}
	case EndpointPrepaid:
		if fvalue == "" {
			return nil
		}
		switch ftype {
		case "type":
			return func(sv *service) bool { return strings.EqualFold(sv.kind, fvalue) }
		case "brand":
			return func(sv *service) bool { return strings.EqualFold(sv.brand, fvalue) }
		}
	case EndpointSocial:
		if ftype == "category" && fvalue != "" {
			return func(sv *service) bool { return strings.EqualFold(sv.category, fvalue) }
		}
	}
	return nil
}

type stockData struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	Price       price  `json:"price"`
	Description string `json:"description"`
	Stock       int64  `json:"stock"`
	Server      int    `json:"server"` // an int here, a string in the services list
	Status      string `json:"status"`
}

// serviceStock answers game-feature type=service-stock.
func (s *Sandbox) serviceStock(form url.Values) reply {
	code := strings.TrimSpace(form.Get("service"))
	if code == "" {
		return failReply(msgMissingParam)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sv := s.catalogs[EndpointGame].byCode[code]
	switch {
	case sv == nil:
		return failReply(msgServiceAbsent)
	case !sv.stocked:
		return failReply(msgStockUnsupported)
	}
	return okReply(stockData{
		Code:        sv.code,
		Name:        sv.name,
		Price:       sv.price,
		Description: sv.description,
		Stock:       max(sv.stock, 0),
		Server:      atoiOr(sv.server, 1),
		Status:      sv.listStatus(),
	}, msgStockOK)
}
