package vipreseller

import (
	"context"
	"net/url"
	"strconv"
	"strings"
)

// SocialAPI is the social-media (SMM) endpoint.
type SocialAPI struct{ c *Client }

// Services lists the SMM catalog, optionally one category (also filtered
// locally). Rows without an id are dropped; the id is what Order takes as
// Service.
func (a *SocialAPI) Services(ctx context.Context, p SocialServicesParams) ([]SocialService, error) {
	params := url.Values{}
	cat := strings.TrimSpace(p.Category)
	if cat != "" {
		params.Set("filter_type", "category")
		params.Set("filter_value", cat)
	}
	return services(ctx, a.c, call{ep: EndpointSocial, params: params}, func(s *SocialService) bool {
		return strings.TrimSpace(s.ID) != "" && matches(cat, s.Category)
	})
}

// Order buys an SMM service. The target link or username goes in the "data"
// field (not data_no, unlike the other endpoints). It sends exactly one
// request and is never retried.
func (a *SocialAPI) Order(ctx context.Context, p SocialOrderParams) (*Transaction, error) {
	params := url.Values{}
	params.Set("service", p.Service)
	params.Set("data", p.Data)
	params.Set("quantity", strconv.FormatInt(p.Quantity, 10))
	return a.c.order(ctx, call{ep: EndpointSocial, params: params})
}

// Status looks up SMM transactions (with remain and start count).
func (a *SocialAPI) Status(ctx context.Context, p StatusParams) ([]Transaction, error) {
	return a.c.status(ctx, EndpointSocial, p)
}
