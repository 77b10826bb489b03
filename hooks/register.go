// Package hooks is everything PocketBase-side of vipbase: routes, record
// hooks, crons and commands. Register is the one entry point, so tests bind
// exactly the production wiring onto a tests.TestApp.
package hooks

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sync"
	"sync/atomic"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"

	"github.com/vipbase/vipbase/hooks/wallet"
	"github.com/vipbase/vipbase/internal/pbsqlite"
	"github.com/vipbase/vipbase/notify"
	wasandbox "github.com/vipbase/vipbase/notify/sandbox"
	"github.com/vipbase/vipbase/payment"
	"github.com/vipbase/vipbase/payment/midtrans"
	midsandbox "github.com/vipbase/vipbase/payment/midtrans/sandbox"
	"github.com/vipbase/vipbase/payment/tripay"
	tripaysandbox "github.com/vipbase/vipbase/payment/tripay/sandbox"
	"github.com/vipbase/vipbase/vipreseller"
	"github.com/vipbase/vipbase/vipreseller/sandbox"
)

// Service is the running vipbase integration bound to one app.
type Service struct {
	app     core.App
	cfg     Config
	crons   cronRuns            // the last run of each cron job
	client  *vipreseller.Client // nil when the provider is not configured
	sandbox *sandbox.Server     // non-nil in --sandbox mode

	// stop is cancelled on terminate: background loops (crons, poll) end
	// between provider calls; an order POST already on the wire finishes.
	stop       context.Context
	stopNow    context.CancelFunc
	shutdown   sync.Once
	syncs      syncGuards
	inflight   sync.WaitGroup // background dispatches, waited for on terminate
	dispatches sync.WaitGroup // background dispatches only (WaitDispatches)
	polling    sync.Mutex     // one PollOrders at a time
	nick       nicknameCache
	writes     *pbsqlite.GroupCommit // callback writes share transactions under load
	inbox      *callbackInbox        // received callbacks waiting to be processed
	rejects    *rejectCounter        // refused callbacks, counted per source and minute
	payRejects *rejectCounter        // refused payment notifications, likewise
	receipts   receiptBatcher        // received callbacks, stored in shared INSERTs

	gateways      []payment.Gateway // configured payment gateways (Tripay first)
	payChannels   channelCache
	tripaySandbox *tripaysandbox.Server // non-nil in --sandbox mode
	midSandbox    *midsandbox.Server    // non-nil in --sandbox mode
	// payCallbackBase, when set (sandbox: the loopback address), replaces
	// the public URL in gateway callback URLs.
	payCallbackBase string
	payInbox        *callbackInbox                 // received gateway notifications waiting to be confirmed
	payReceipts     insertBatcher[paymentEventRow] // received notifications, stored in shared INSERTs
	payConfirms     confirmGroup                   // status lookups shared by concurrent confirmations
	payChecking     sync.Mutex                     // one vip_payments_check at a time
	checkLimits     checkLimiter                   // "Cek pembayaran" per payment and IP
	openings        keyedLocks                     // one gateway opening (or unopened check) per payment at a time

	outbox     outbox                      // the notification worker's state
	fonnte     *notify.Fonnte              // the WhatsApp sender unless Config.WhatsApp replaces it
	storeCache atomic.Pointer[core.Record] // the store row (storeRow), forgotten when it is saved
	waSandbox  *wasandbox.Server           // non-nil in --sandbox mode: fake Fonnte and the inbox
}

// Register wires vipbase onto app: routes, hooks, crons and (for the real
// binary) the `vip` command. It never falls back to the sandbox on its own:
// only cfg.Sandbox starts it.
func Register(app core.App, cfg Config) (*Service, error) {
	s := &Service{app: app, cfg: cfg, writes: pbsqlite.NewGroupCommit(app), inbox: newCallbackInbox(), payInbox: newCallbackInbox(), outbox: newOutbox()}
	s.rejects, s.payRejects = s.webhookRejects(), s.paymentRejects()
	s.receipts = receiptBatcher{writes: s.writes, insert: insertReceipts}
	s.payReceipts = insertBatcher[paymentEventRow]{writes: s.writes, insert: insertPaymentEvents}
	s.stop, s.stopNow = context.WithCancel(context.Background())
	if cfg.Sandbox {
		if err := s.startSandbox(); err != nil {
			return nil, fmt.Errorf("start sandbox provider: %w", err)
		}
	}
	s.gateways = s.cfg.Gateways
	if s.gateways == nil && s.cfg.TripayConfigured() {
		s.gateways = append(s.gateways, tripay.New(s.cfg.TripayAPIKey, s.cfg.TripayPrivateKey, s.cfg.TripayMerchantCode,
			tripay.WithBaseURL(s.cfg.TripayAPIURL), tripay.WithTimeout(s.cfg.Timeout)))
	}
	if cfg.Gateways == nil && s.cfg.MidtransServerKey != "" {
		opts := []midtrans.Option{midtrans.WithEnvironment(s.cfg.MidtransEnv), midtrans.WithTimeout(s.cfg.Timeout)}
		if s.cfg.MidtransSnapURL != "" {
			opts = append(opts, midtrans.WithSnapURL(s.cfg.MidtransSnapURL))
		}
		if s.cfg.MidtransAPIURL != "" {
			opts = append(opts, midtrans.WithCoreURL(s.cfg.MidtransAPIURL))
		}
		s.gateways = append(s.gateways, midtrans.New(s.cfg.MidtransServerKey, opts...))
	}
	s.client = s.cfg.Client
	if s.client == nil && s.cfg.Configured() {
		s.client = vipreseller.New(s.cfg.APIID, s.cfg.APIKey,
			vipreseller.WithBaseURL(s.cfg.APIURL),
			vipreseller.WithHTTPClient(providerHTTPClient()),
			vipreseller.WithTimeout(s.cfg.Timeout),
			vipreseller.WithRateLimit(s.cfg.RateLimit),
			vipreseller.WithOrderSpacing(s.cfg.OrderSpacing),
		)
	}

	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if s.client == nil {
			msg := notConfiguredHint + " Order routes answer 503 until then."
			app.Logger().Warn(msg)
			fmt.Fprintln(os.Stderr, "WARNING: "+msg)
		}
		if s.cfg.AdminWhatsApp == "" && s.cfg.AdminEmail == "" {
			msg := "Neither VIPBASE_ADMIN_WHATSAPP nor VIPBASE_ADMIN_EMAIL is set: operator alerts (refunds due, orders needing review, provider trouble) are sent nowhere; watch /console/."
			app.Logger().Warn(msg)
			alertWarning.Do(func() { fmt.Fprintln(os.Stderr, "WARNING: "+msg) })
		}
		return se.Next()
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		// Stop starting work, let running work finish, and keep the locks
		// so no cron run starts against a closing database. Once: the
		// locks are never released.
		s.shutdown.Do(func() {
			s.stopNow()
			s.inflight.Wait()
			s.rejects.flush()
			s.payRejects.flush()
			s.writes.Wait()
			s.polling.Lock()
			s.syncs.catalog.Lock()
			s.syncs.stock.Lock()
			s.syncs.balance.Lock()
		})
		if s.sandbox != nil {
			s.sandbox.Close()
		}
		if s.tripaySandbox != nil {
			s.tripaySandbox.Close()
		}
		if s.midSandbox != nil {
			s.midSandbox.Close()
		}
		if s.waSandbox != nil {
			s.waSandbox.Close()
		}
		return e.Next()
	})

	s.app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.Bind(codedErrors())
		return se.Next()
	})
	wallet.Guards(s.app)
	s.registerBooks()
	s.registerPriceLocks()
	s.registerPricing()
	s.registerOrderHooks()
	s.registerCatalogRoutes()
	s.registerOrderRoutes()
	s.registerNicknameRoute()
	s.registerPaymentChannels()
	s.registerPaymentNotifications()
	s.registerCheckout()
	s.registerWebhook()
	s.registerCrons()
	s.registerCronRoute()
	s.registerNotifications()
	s.registerReports()
	s.registerAdminReview()
	s.registerPaymentHealth()
	s.registerStore()
	s.registerBrands()
	s.registerStorefront()
	if pb, ok := app.(*pocketbase.PocketBase); ok {
		pb.RootCmd.AddCommand(s.vipCommand(), s.payCommand())
	}
	return s, nil
}

// providerHTTPClient keeps enough idle connections to the provider for a
// burst of callback confirmations to reuse TLS sessions instead of opening
// one per request (Go's default keeps 2 per host).
func providerHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 64
	t.MaxIdleConnsPerHost = 32
	return &http.Client{Transport: t}
}

// Client is the provider client, nil when not configured.
func (s *Service) Client() *vipreseller.Client { return s.client }

// WhatsAppSandbox is the fake Fonnte and inbox of --sandbox mode, else nil.
func (s *Service) WhatsAppSandbox() *wasandbox.Server { return s.waSandbox }

// Sandbox is the in-process provider in --sandbox mode, else nil.
func (s *Service) Sandbox() *sandbox.Server { return s.sandbox }

// alertWarning prints the no-alert-address warning once per process.
var alertWarning sync.Once
