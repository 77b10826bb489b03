package hooks

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/vipbase/vipbase/payment"
)

// Payment channels (design §11): the channels of every configured gateway,
// read live and cached, refreshed by the vip_payment_channels cron; the
// shopper's wallet (SALDO) for a logged-in shopper.
const (
	// channelsMaxAge is how long a gateway's list is served before it is
	// read again on demand (the cron refreshes it sooner).
	channelsMaxAge = 30 * time.Minute
	// ChannelWallet is the code of paying from the wallet.
	ChannelWallet = "SALDO"
	// CronPaymentChannels refreshes the gateways' channel lists.
	CronPaymentChannels = "vip_payment_channels"
)

// errAmountRange is the field error of an amount outside 1..maxOrderTotal.
var errAmountRange = validation.NewError("validation_amount_range", "Must be a whole rupiah amount from 1 to 100.000.000.")

// channelCache keeps each gateway's last good channel list.
type channelCache struct {
	mu   sync.Mutex
	byGW map[string]cachedChannels
}

type cachedChannels struct {
	list []payment.Channel
	at   time.Time
}

// channels returns gw's list, reading it when the cached one is older than
// maxAge; on a failed read the last good list is kept (and said in the log).
func (s *Service) channels(ctx context.Context, gw payment.Gateway, maxAge time.Duration) []payment.Channel {
	c := &s.payChannels
	c.mu.Lock()
	cached, ok := c.byGW[gw.Name()]
	c.mu.Unlock()
	if ok && time.Since(cached.at) < maxAge {
		return cached.list
	}
	list, err := gw.Channels(ctx)
	if err != nil {
		s.app.Logger().Warn("payments: could not read the gateway's channels; keeping the last list",
			"gateway", gw.Name(), "cached", len(cached.list), "error", err)
		return cached.list
	}
	c.mu.Lock()
	if c.byGW == nil {
		c.byGW = map[string]cachedChannels{}
	}
	c.byGW[gw.Name()] = cachedChannels{list: list, at: time.Now()}
	c.mu.Unlock()
	return list
}

// refreshChannels is the vip_payment_channels job.
func (s *Service) refreshChannels(ctx context.Context) {
	for _, gw := range s.gateways {
		s.channels(ctx, gw, 0)
	}
}

// channelView is one entry of GET /api/payments/channels.
type channelView struct {
	Code      string        `json:"code"`
	Name      string        `json:"name"`
	Group     payment.Group `json:"group"`
	Gateway   string        `json:"gateway"`
	Fee       int64         `json:"fee"`
	Total     int64         `json:"total"`
	MinAmount int64         `json:"minAmount"`
	MaxAmount int64         `json:"maxAmount"`
	Icon      string        `json:"icon"`
	Usable    bool          `json:"usable"`         // takes this amount; false only with ?all=1
	Note      string        `json:"note,omitempty"` // why not, for a shopper: "min. Rp 10.000"
}

func (s *Service) registerPaymentChannels() {
	s.app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/payments/channels", s.handleChannels)
		return se.Next()
	})
	s.addCron(CronPaymentChannels, "*/10 * * * *", 2*time.Minute, func(ctx context.Context) error {
		s.refreshChannels(ctx)
		return nil
	})
}

// handleChannels answers GET /api/payments/channels?amount=N: every channel
// that takes N, with its fee and total, grouped by kind; SALDO only for a
// logged-in shopper.
func (s *Service) handleChannels(e *core.RequestEvent) error {
	amount, err := strconv.ParseInt(strings.TrimSpace(e.Request.URL.Query().Get("amount")), 10, 64)
	if err != nil || amount < 1 || amount > maxOrderTotal {
		return fieldsError(validation.Errors{"amount": errAmountRange})
	}
	all := e.Request.URL.Query().Get("all") == "1" // also the active channels outside their limits, to explain them
	var out []channelView
	if e.Auth != nil && e.Auth.Collection().Name == "users" {
		out = append(out, channelView{Code: ChannelWallet, Name: "Saldo", Group: payment.GroupWallet, Gateway: "wallet",
			Total: amount, MinAmount: 1, MaxAmount: maxOrderTotal, Usable: true})
	}
	for _, gw := range s.gateways {
		for _, ch := range s.channels(e.Request.Context(), gw, channelsMaxAge) {
			usable := ch.Accepts(amount)
			if !usable && !(all && ch.Active) {
				continue
			}
			fee := ch.Customer.For(amount)
			v := channelView{Code: ch.Code, Name: ch.Name, Group: ch.Group, Gateway: gw.Name(),
				Fee: fee, Total: amount + fee, MinAmount: ch.MinAmount, MaxAmount: ch.MaxAmount, Icon: ch.Icon, Usable: usable}
			switch {
			case usable:
			case amount < ch.MinAmount:
				v.Note = "min. Rp " + Rupiah(ch.MinAmount)
			default:
				v.Note = "maks. Rp " + Rupiah(ch.MaxAmount)
			}
			out = append(out, v)
		}
	}
	order := []payment.Group{payment.GroupWallet, payment.GroupQRIS, payment.GroupEWallet, payment.GroupVA, payment.GroupRetail}
	slices.SortStableFunc(out, func(a, b channelView) int {
		return slices.Index(order, a.Group) - slices.Index(order, b.Group)
	})
	if out == nil {
		out = []channelView{}
	}
	return e.JSON(http.StatusOK, map[string]any{"success": true, "data": out})
}
