package vipreseller

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
)

// Operations shared by the game, prepaid and social areas: they differ only
// in endpoint and order fields.

// order sends an order call once and decodes the transaction. An accepted
// order without a trxid cannot be tracked, so it is an unknown outcome just
// like a lost answer: reconcile it, never resend it.
func (c *Client) order(ctx context.Context, cl call) (*Transaction, error) {
	cl.typ, cl.order = "order", true
	var trx *Transaction
	err := c.do(ctx, cl, func(env *envelope) (err error) {
		if trx, err = decodeOne[Transaction](env.Data); err != nil {
			return err
		}
		if strings.TrimSpace(trx.TrxID) == "" {
			return errors.New("result:true without a trxid")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return trx, nil
}

// status looks up one transaction (TrxID) or lists the latest Limit. The
// answer is a list even for one trxid; an unknown trxid is an APIError whose
// NotFound reports true.
func (c *Client) status(ctx context.Context, ep Endpoint, p StatusParams) ([]Transaction, error) {
	return c.statusCall(ctx, ep, p, false)
}

// statusCall is status; paced means a limiter slot was already taken.
func (c *Client) statusCall(ctx context.Context, ep Endpoint, p StatusParams, paced bool) ([]Transaction, error) {
	params := url.Values{}
	if p.TrxID != "" {
		params.Set("trxid", p.TrxID)
	} else if p.Limit > 0 {
		params.Set("limit", strconv.Itoa(p.Limit))
	}
	var list []Transaction
	err := c.do(ctx, call{ep: ep, typ: "status", params: params, paced: paced}, func(env *envelope) (err error) {
		list, err = decodeList[Transaction](env.Data, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	return list, nil
}

// services fetches one catalog and drops rows keep rejects. Rows that do
// not decode are skipped with a warning (see decodeCatalog).
func services[T any](ctx context.Context, c *Client, cl call, keep func(*T) bool) ([]T, error) {
	cl.typ, cl.yield = "services", true
	var list []T
	err := c.do(ctx, cl, func(env *envelope) error {
		items, skipped, firstErr, err := decodeCatalog(env.Data, keep)
		if err != nil {
			return err
		}
		if skipped > 0 {
			c.logger.LogAttrs(ctx, slog.LevelWarn, "vipreseller: skipped malformed catalog rows",
				slog.String("endpoint", string(cl.ep)), slog.Int("skipped", skipped),
				slog.String("first_error", c.redact.String(firstErr.Error())))
		}
		list = items
		return nil
	})
	if err != nil {
		return nil, err
	}
	return list, nil
}

// decodeInto returns a decode step for answers whose data is one object.
func decodeInto[T any](dst **T) func(*envelope) error {
	return func(env *envelope) (err error) {
		*dst, err = decodeOne[T](env.Data)
		return err
	}
}

// matches is the local filter: the provider may ignore filter params, and
// its values differ in case and spacing between docs and data.
func matches(want, got string) bool {
	want = strings.TrimSpace(want)
	return want == "" || strings.EqualFold(want, strings.TrimSpace(got))
}

// ProfileAPI reads the reseller account.
type ProfileAPI struct{ c *Client }

// Get returns the account's name, balance and level (the level picks the
// price tier).
func (a *ProfileAPI) Get(ctx context.Context) (*Profile, error) {
	var p *Profile
	if err := a.c.do(ctx, call{ep: EndpointProfile, yield: true}, decodeInto(&p)); err != nil {
		return nil, err
	}
	return p, nil
}
