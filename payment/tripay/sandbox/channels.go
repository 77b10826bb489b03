package sandbox

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Channel groups as Tripay names them. Tripay lists QRIS under "E-Wallet".
const (
	GroupVA      = "Virtual Account"
	GroupRetail  = "Convenience Store"
	GroupEWallet = "E-Wallet"
)

// channel is one payment channel. Percent fees are basis points (70 = 0,70 %).
type channel struct {
	group, code, name, kind  string // kind: direct | redirect
	merchantFlat, merchantBP int64
	customerFlat, customerBP int64
	minFee, maxFee           int64 // 0 = none (null)
	minAmount, maxAmount     int64
	minExpiry, maxExpiry     time.Duration
	needsPhone               bool
	active                   bool
}

// fees returns the merchant's and the shopper's fee on amount: flat plus the
// percent rounded up to the rupiah, the total kept within minimum_fee and
// maximum_fee (the difference goes to whoever pays the fee).
func (c *channel) fees(amount int64) (merchant, customer int64) {
	merchant = c.merchantFlat + ceilBP(amount, c.merchantBP)
	customer = c.customerFlat + ceilBP(amount, c.customerBP)
	total := merchant + customer
	adj := int64(0)
	if c.minFee > 0 && total < c.minFee {
		adj = c.minFee - total
	}
	if c.maxFee > 0 && total > c.maxFee {
		adj = c.maxFee - total
	}
	if c.customerFlat > 0 || c.customerBP > 0 {
		customer += adj
	} else {
		merchant += adj
	}
	return merchant, customer
}

func ceilBP(amount, bp int64) int64 { return (amount*bp + 9_999) / 10_000 }

func (c *channel) isQRIS() bool { return strings.HasPrefix(c.code, "QRIS") }

// defaultChannels is a realistic channel list (docs/payments-api.md §1):
// QRIS Rp 750 + 0,70 %, VA Rp 4.250 (BCA Rp 5.500), retail Rp 3.500,
// e-wallets 3 %. Expiry windows: QRIS 10–60 min (QRIS2 up to 24 h), e-wallets
// 10–60 min, VA and retail 15 min – 72 h (INF: the doc gives only QRIS's).
// MUAMALATVA is listed inactive, to exercise a disabled channel.
func defaultChannels(merchantPays bool) []*channel {
	qris := func(code, name string, maxExp time.Duration) *channel {
		return &channel{group: GroupEWallet, code: code, name: name, kind: "direct", customerFlat: 750, customerBP: 70,
			minAmount: 1_000, maxAmount: 5_000_000, minExpiry: 10 * time.Minute, maxExpiry: maxExp, active: true}
	}
	wallet := func(code, name string, max int64) *channel {
		return &channel{group: GroupEWallet, code: code, name: name, kind: "redirect", customerBP: 300, minFee: 1_000,
			minAmount: 1_000, maxAmount: max, minExpiry: 10 * time.Minute, maxExpiry: time.Hour, active: true}
	}
	va := func(code, name string, fee int64) *channel {
		return &channel{group: GroupVA, code: code, name: name, kind: "direct", customerFlat: fee,
			minAmount: 10_000, maxAmount: 10_000_000, minExpiry: 15 * time.Minute, maxExpiry: 72 * time.Hour, active: true}
	}
	retail := func(code, name string, min int64) *channel {
		return &channel{group: GroupRetail, code: code, name: name, kind: "direct", customerFlat: 3_500,
			minAmount: min, maxAmount: 2_500_000, minExpiry: 15 * time.Minute, maxExpiry: 72 * time.Hour, active: true}
	}
	chs := []*channel{
		qris("QRIS", "QRIS by ShopeePay", time.Hour),
		qris("QRISC", "QRIS (Customizable)", time.Hour),
		qris("QRIS2", "QRIS", 24*time.Hour),
		wallet("OVO", "OVO", 2_000_000),
		wallet("DANA", "DANA", 10_000_000),
		wallet("SHOPEEPAY", "ShopeePay", 10_000_000),
		va("BRIVA", "BRI Virtual Account", 4_250),
		va("BNIVA", "BNI Virtual Account", 4_250),
		va("BCAVA", "BCA Virtual Account", 5_500),
		va("MANDIRIVA", "Mandiri Virtual Account", 4_250),
		va("PERMATAVA", "Permata Virtual Account", 4_250),
		va("CIMBVA", "CIMB Niaga Virtual Account", 4_250),
		va("BSIVA", "BSI Virtual Account", 4_250),
		va("MUAMALATVA", "Muamalat Virtual Account", 4_250),
		retail("ALFAMART", "Alfamart", 10_000),
		retail("INDOMARET", "Indomaret", 10_000),
		retail("ALFAMIDI", "Alfamidi", 5_000),
	}
	for _, c := range chs {
		switch c.code {
		case "OVO":
			c.needsPhone = true
		case "MUAMALATVA":
			c.active = false
		}
		if merchantPays {
			c.merchantFlat, c.merchantBP, c.customerFlat, c.customerBP = c.customerFlat, c.customerBP, 0, 0
		}
	}
	return chs
}

func (s *Sandbox) channelLocked(code string) *channel {
	for _, c := range s.channels {
		if c.code == code {
			return c
		}
	}
	return nil
}

// SetChannelActive enables or disables a channel (ErrUnknownChannel if none).
func (s *Sandbox) SetChannelActive(code string, active bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.channelLocked(code)
	if c == nil {
		return ErrUnknownChannel
	}
	c.active = active
	return nil
}

// ChannelCodes lists the channel codes, active or not, in list order.
func (s *Sandbox) ChannelCodes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, len(s.channels))
	for i, c := range s.channels {
		out[i] = c.code
	}
	return out
}

// pct renders basis points as a JSON number percent: 70 → 0.7, 300 → 3.
type pct int64

func (p pct) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(float64(p)/100, 'f', -1, 64)), nil
}

// pctString renders basis points as Tripay's string percent: 70 → "0.70".
func pctString(bp int64) string { return fmt.Sprintf("%d.%02d", bp/100, bp%100) }

type flatPct struct {
	Flat    int64 `json:"flat"`
	Percent pct   `json:"percent"`
}

type flatPctString struct {
	Flat    int64  `json:"flat"`
	Percent string `json:"percent"`
}

type channelJSON struct {
	Group         string        `json:"group"`
	Code          string        `json:"code"`
	Name          string        `json:"name"`
	Type          string        `json:"type"`
	FeeMerchant   flatPct       `json:"fee_merchant"`
	FeeCustomer   flatPct       `json:"fee_customer"`
	TotalFee      flatPctString `json:"total_fee"`
	MinimumFee    *int64        `json:"minimum_fee"`
	MaximumFee    *int64        `json:"maximum_fee"`
	MinimumAmount int64         `json:"minimum_amount"`
	MaximumAmount int64         `json:"maximum_amount"`
	IconURL       string        `json:"icon_url"`
	Active        bool          `json:"active"`
}

func nullable(v int64) *int64 {
	if v == 0 {
		return nil
	}
	return &v
}

func (c *channel) json() channelJSON {
	return channelJSON{
		Group: c.group, Code: c.code, Name: c.name, Type: c.kind,
		FeeMerchant:   flatPct{c.merchantFlat, pct(c.merchantBP)},
		FeeCustomer:   flatPct{c.customerFlat, pct(c.customerBP)},
		TotalFee:      flatPctString{c.merchantFlat + c.customerFlat, pctString(c.merchantBP + c.customerBP)},
		MinimumFee:    nullable(c.minFee),
		MaximumFee:    nullable(c.maxFee),
		MinimumAmount: c.minAmount, MaximumAmount: c.maxAmount,
		IconURL: "https://tripay.co.id/images/payment-channel/" + strings.ToLower(c.code) + ".png",
		Active:  c.active,
	}
}

// paymentChannels answers GET merchant/payment-channel (optional ?code=).
func (s *Sandbox) paymentChannels(q url.Values) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	code := q.Get("code")
	out := []channelJSON{}
	for _, c := range s.channels {
		if code == "" || c.code == code {
			out = append(out, c.json())
		}
	}
	if code != "" && len(out) == 0 {
		return failReply(400, "Payment channel not found")
	}
	return okReply(out, "Success")
}

type feeCalcJSON struct {
	Code string `json:"code"`
	Name string `json:"name"`
	Fee  struct {
		Flat    int64  `json:"flat"`
		Percent string `json:"percent"`
		Min     *int64 `json:"min"`
		Max     *int64 `json:"max"`
	} `json:"fee"`
	TotalFee struct {
		Merchant int64 `json:"merchant"`
		Customer int64 `json:"customer"`
	} `json:"total_fee"`
}

// feeCalculator answers GET merchant/fee-calculator?amount=&code= (code
// optional: all channels).
func (s *Sandbox) feeCalculator(q url.Values) reply {
	amount, err := strconv.ParseInt(q.Get("amount"), 10, 64)
	if err != nil || amount <= 0 {
		return failReply(400, "The amount field is required and must be a positive integer")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	code := q.Get("code")
	out := []feeCalcJSON{}
	for _, c := range s.channels {
		if code != "" && c.code != code {
			continue
		}
		var f feeCalcJSON
		f.Code, f.Name = c.code, c.name
		f.Fee.Flat, f.Fee.Percent = c.merchantFlat+c.customerFlat, pctString(c.merchantBP+c.customerBP)
		f.Fee.Min, f.Fee.Max = nullable(c.minFee), nullable(c.maxFee)
		f.TotalFee.Merchant, f.TotalFee.Customer = c.fees(amount)
		out = append(out, f)
	}
	if code != "" && len(out) == 0 {
		return failReply(400, "Payment channel not found")
	}
	return okReply(out, "")
}
