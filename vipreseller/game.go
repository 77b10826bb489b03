package vipreseller

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/vipbase/vipbase/internal/flexjson"
)

// GameAPI is the game-feature endpoint: game top-ups, vouchers, premium apps.
type GameAPI struct{ c *Client }

// Services lists the game catalog. The game filter is sent in both forms
// seen in the wild (filter_type=game&filter_value=… and filter_game=…) and
// applied locally as well, so the result is right whichever one the provider
// honours. Rows without a code are dropped.
func (a *GameAPI) Services(ctx context.Context, p GameServicesParams) ([]GameService, error) {
	params := url.Values{}
	if g := strings.TrimSpace(p.Game); g != "" {
		params.Set("filter_type", "game")
		params.Set("filter_value", g)
		params.Set("filter_game", g)
	}
	if s := strings.TrimSpace(p.Status); s != "" {
		params.Set("filter_status", s)
	}
	return services(ctx, a.c, call{ep: EndpointGame, params: params}, func(s *GameService) bool {
		return strings.TrimSpace(s.Code) != "" && matches(p.Game, s.Game) && matches(p.Status, s.Status)
	})
}

// Order buys a game product. It sends exactly one request and is never
// retried: any failure without a definite answer wraps ErrUnknownOutcome and
// must be reconciled through Status. The zone goes in its own field, never
// as "id|zone".
func (a *GameAPI) Order(ctx context.Context, p GameOrderParams) (*Transaction, error) {
	params := url.Values{}
	params.Set("service", p.Service)
	params.Set("data_no", p.DataNo)
	if p.Zone != "" {
		params.Set("data_zone", p.Zone)
	}
	return a.c.order(ctx, call{ep: EndpointGame, params: params})
}

// Status looks up game-feature transactions.
func (a *GameAPI) Status(ctx context.Context, p StatusParams) ([]Transaction, error) {
	return a.c.status(ctx, EndpointGame, p)
}

// ServiceStock reports the stock of a stock-tracked product (accounts,
// vouchers). Other products answer an APIError with MsgStockUnsupported.
func (a *GameAPI) ServiceStock(ctx context.Context, service string) (*ServiceStock, error) {
	var st *ServiceStock
	cl := call{ep: EndpointGame, typ: "service-stock", params: url.Values{"service": {service}}, yield: true}
	if err := a.c.do(ctx, cl, decodeInto(&st)); err != nil {
		return nil, err
	}
	return st, nil
}

// Nickname looks up the account name behind a player ID. The provider marks
// additional_target as required, so it is always sent, empty when the game
// has no zone. It is a low-priority call: when its share of the rate limit
// is used up it sends nothing and returns ErrBusy.
func (a *GameAPI) Nickname(ctx context.Context, p NicknameParams) (*Nickname, error) {
	params := url.Values{}
	params.Set("code", p.Code)
	params.Set("target", p.Target)
	params.Set("additional_target", p.Zone)
	var n *Nickname
	err := a.c.do(ctx, call{ep: EndpointGame, typ: "get-nickname", params: params, low: true}, func(env *envelope) error {
		name, err := flexjson.String(env.Data)
		if err != nil {
			return fmt.Errorf("data: %w", err)
		}
		n = &Nickname{Name: name, Country: env.Country}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}
