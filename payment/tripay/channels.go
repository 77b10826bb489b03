package tripay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vipbase/vipbase/payment"
)

// Channels lists the merchant's channels (merchant/payment-channel) with
// the customer's fee and the amount limits. A channel whose group cannot be
// told is left out (and logged): the storefront only shows known groups.
//
// The customer fee is fee_customer {flat, percent}. minimum_fee and
// maximum_fee bound the total fee, so they become the customer fee's Min
// and Max only when the customer bears all of it (fee_merchant is zero);
// for a split fee FeeFor asks Tripay. Expiry windows come from
// minimum_expired/maximum_expired (seconds) when Tripay sends them, else
// from the documented QRIS windows (10–60 min; QRIS2 up to 24 h).
func (c *Client) Channels(ctx context.Context) ([]payment.Channel, error) {
	var out []payment.Channel
	_, err := c.do(ctx, call{op: opChannels}, func(data json.RawMessage) error {
		out = out[:0]
		var list []json.RawMessage
		if err := json.Unmarshal(data, &list); err != nil {
			return errors.New("data is not a list")
		}
		for i, raw := range list {
			ch, group, err := decodeChannel(raw)
			if err != nil {
				return fmt.Errorf("channel %d: %w", i, err)
			}
			if ch.Group == "" {
				c.logger.Warn("tripay: channel of an unknown group left out", "code", c.redact.String(ch.Code), "group", c.redact.String(group))
				continue
			}
			out = append(out, c.redact.channel(ch))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func decodeChannel(raw json.RawMessage) (payment.Channel, string, error) {
	f, err := readFields(raw)
	if err != nil {
		return payment.Channel{}, "", errors.New("not an object")
	}
	group := f.str("group")
	ch := payment.Channel{
		Code:      f.str("code"),
		Name:      f.str("name"),
		Gateway:   Name,
		MinAmount: f.int("minimum_amount"),
		MaxAmount: f.int("maximum_amount"),
		Icon:      f.str("icon_url"),
		Active:    f.bool("active"),
		MinExpiry: time.Duration(f.int("minimum_expired")) * time.Second,
		MaxExpiry: time.Duration(f.int("maximum_expired")) * time.Second,
	}
	cust, merch := f.object("fee_customer"), f.object("fee_merchant")
	ch.Customer = payment.Fee{Flat: cust.int("flat"), Percent: cust.percent("percent")}
	merchFlat, merchPercent := merch.int("flat"), merch.percent("percent")
	minFee, maxFee := f.int("minimum_fee"), f.int("maximum_fee")
	f.check("fee_customer", cust)
	f.check("fee_merchant", merch)
	if f.Err() != nil {
		return payment.Channel{}, group, f.Err()
	}
	if ch.Code == "" {
		return payment.Channel{}, group, errors.New("no code")
	}
	if ch.Customer != (payment.Fee{}) && merchFlat == 0 && merchPercent == 0 {
		ch.Customer.Min, ch.Customer.Max = minFee, maxFee
	}
	if ch.MinExpiry == 0 && ch.MaxExpiry == 0 {
		ch.MinExpiry, ch.MaxExpiry = documentedExpiry(ch.Code)
	}
	ch.Group = groupOf(group, ch.Code)
	return ch, group, nil
}

// groupOf sorts a channel by Tripay's group name and its code. Tripay lists
// QRIS under "E-Wallet", so the code decides first.
func groupOf(group, code string) payment.Group {
	code, group = strings.ToUpper(code), strings.ToLower(group)
	switch {
	case strings.HasPrefix(code, "QRIS"):
		return payment.GroupQRIS
	case strings.Contains(group, "virtual") || strings.HasSuffix(code, "VA"):
		return payment.GroupVA
	case strings.Contains(group, "convenience") || strings.Contains(group, "retail") ||
		code == "ALFAMART" || code == "INDOMARET" || code == "ALFAMIDI":
		return payment.GroupRetail
	case strings.Contains(group, "wallet") || code == "OVO" || code == "DANA" || code == "SHOPEEPAY":
		return payment.GroupEWallet
	}
	return ""
}

// documentedExpiry is payments-api.md §1's window for channels whose list
// entry names none: QRIS 10–60 min, QRIS2 up to 24 h; others the default.
func documentedExpiry(code string) (time.Duration, time.Duration) {
	switch strings.ToUpper(code) {
	case "QRIS2":
		return 10 * time.Minute, 24 * time.Hour
	case "QRIS", "QRISC":
		return 10 * time.Minute, time.Hour
	}
	return 0, 0
}

// FeeFor asks merchant/fee-calculator what the shopper pays on top of
// amount through channel (total_fee.customer of the entry for channel).
func (c *Client) FeeFor(ctx context.Context, channel string, amount int64) (int64, error) {
	var fee int64
	q := url.Values{"code": {channel}, "amount": {strconv.FormatInt(amount, 10)}}
	_, err := c.do(ctx, call{op: opFee, query: q}, func(data json.RawMessage) error {
		var list []json.RawMessage
		if json.Unmarshal(data, &list) != nil {
			list = []json.RawMessage{data} // one object instead of a list of one
		}
		for _, raw := range list {
			f, err := readFields(raw)
			if err != nil {
				return errors.New("entry is not an object")
			}
			if code := f.str("code"); code != "" && !strings.EqualFold(code, channel) {
				continue
			}
			total := f.object("total_fee")
			fee = total.int("customer")
			f.check("total_fee", total)
			if f.Err() != nil {
				return f.Err()
			}
			if _, ok := total.Fields["customer"]; !ok {
				return errors.New("no total_fee.customer")
			}
			return nil
		}
		return fmt.Errorf("no entry for %q", channel)
	})
	if err != nil {
		return 0, err
	}
	return fee, nil
}
