package hooks

import (
	"errors"
	"net/http"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

func (s *Service) registerCatalogRoutes() {
	s.app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		admin := se.Router.Group("/api/admin").Bind(apis.RequireSuperuserAuth())
		admin.POST("/vip-sync", s.handleSync)
		admin.GET("/vip-sync", s.handleSyncInfo)
		admin.GET("/vip/profile", s.handleProfile)
		return se.Next()
	})
}

// handleSync runs one sync now: POST /api/admin/vip-sync {action}.
func (s *Service) handleSync(e *core.RequestEvent) error {
	var body struct {
		Action string `json:"action"`
	}
	if err := e.BindBody(&body); err != nil {
		return invalidBody("", err)
	}
	if !isSyncAction(body.Action) {
		return apiError(http.StatusBadRequest, CodeUnknownAction, "Unknown action. Valid actions: "+strings.Join(SyncActions, ", ")+".", nil)
	}
	if s.client == nil {
		return unavailable()
	}
	run, err := s.RunSync(e.Request.Context(), body.Action, TriggerAdmin, nil)
	if errors.Is(err, ErrSyncBusy) {
		return apiError(http.StatusConflict, CodeSyncRunning, "A sync of this kind is already running; try again when it finishes.", nil)
	}
	if run == nil {
		return apiError(http.StatusInternalServerError, CodeInternal, "The sync could not start.", err)
	}
	return e.JSON(http.StatusOK, map[string]any{"success": run.GetString("status") == "success", "data": run})
}

// handleSyncInfo answers GET /api/admin/vip-sync?action=low-stock|status.
func (s *Service) handleSyncInfo(e *core.RequestEvent) error {
	switch e.Request.URL.Query().Get("action") {
	case "low-stock":
		var products []*core.Record
		err := s.app.RecordQuery("products").
			AndWhere(dbx.HashExp{"active": true, "track_stock": true}).
			AndWhere(dbx.NewExp("stock <= low_stock_threshold")).
			OrderBy("stock ASC", "code ASC").All(&products)
		if err != nil {
			return apiError(http.StatusInternalServerError, CodeInternal, "Could not list products.", err)
		}
		for _, p := range products {
			p.Unhide("cost") // superusers see what restocking costs
		}
		return ok(e, products)
	case "status":
		runs, err := s.lastRuns()
		if err != nil {
			return apiError(http.StatusInternalServerError, CodeInternal, "Could not read sync runs.", err)
		}
		var balance any
		if r := runs[ActionSyncBalance]; r != nil {
			var counts map[string]any
			_ = r.UnmarshalJSONField("counts", &counts)
			balance = map[string]any{"balance": counts["balance"], "level": counts["level"], "at": r.GetDateTime("finished")}
		}
		return ok(e, map[string]any{"configured": s.client != nil, "runs": runs, "providerBalance": balance})
	default:
		return apiError(http.StatusBadRequest, CodeUnknownAction, "Unknown action. Valid actions: low-stock, status.", nil)
	}
}

// handleProfile proxies the provider profile: GET /api/admin/vip/profile.
func (s *Service) handleProfile(e *core.RequestEvent) error {
	if s.client == nil {
		return unavailable()
	}
	p, err := s.client.Profile.Get(e.Request.Context())
	if err != nil {
		return apiError(http.StatusBadGateway, CodeProviderUnavailable, "VIP-Reseller did not answer the profile request.", err)
	}
	return ok(e, map[string]any{"username": p.Username, "fullName": p.FullName, "balance": p.Balance,
		"point": p.Point, "level": p.Level, "registered": p.Registered})
}
