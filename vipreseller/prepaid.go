package vipreseller

import (
	"context"
	"net/url"
	"strings"
)

// PrepaidAPI is the prepaid endpoint: pulsa, data packages, PLN tokens,
// e-money.
type PrepaidAPI struct{ c *Client }

// Services lists the prepaid catalog, optionally filtered by type
// (pulsa-reguler, token-pln, …) or brand. A type/brand filter is applied
// locally too, in case the provider ignores it. Rows without a code are
// dropped: the real list opens with an all-empty row.
func (a *PrepaidAPI) Services(ctx context.Context, p PrepaidServicesParams) ([]PrepaidService, error) {
	params := url.Values{}
	ft, fv := strings.TrimSpace(p.FilterType), strings.TrimSpace(p.FilterValue)
	if ft != "" && fv != "" {
		params.Set("filter_type", ft)
		params.Set("filter_value", fv)
	}
	return services(ctx, a.c, call{ep: EndpointPrepaid, params: params}, func(s *PrepaidService) bool {
		if strings.TrimSpace(s.Code) == "" {
			return false
		}
		switch strings.ToLower(ft) {
		case "type":
			return matches(fv, s.Type)
		case "brand":
			return matches(fv, s.Brand)
		}
		return true
	})
}

// Order buys a prepaid product for a phone, meter or wallet number. It sends
// exactly one request and is never retried: any failure without a definite
// answer wraps ErrUnknownOutcome. The answer's status may already be final.
func (a *PrepaidAPI) Order(ctx context.Context, p PrepaidOrderParams) (*Transaction, error) {
	params := url.Values{}
	params.Set("service", p.Service)
	params.Set("data_no", p.DataNo)
	return a.c.order(ctx, call{ep: EndpointPrepaid, params: params})
}

// Status looks up prepaid transactions; Note carries the SN/token.
func (a *PrepaidAPI) Status(ctx context.Context, p StatusParams) ([]Transaction, error) {
	return a.c.status(ctx, EndpointPrepaid, p)
}
