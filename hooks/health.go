package hooks

import (
	"net/http"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Health of what reaches us from outside, for the console (design §13):
// requests of the last 24 h by outcome. A refused row stands for the
// `requests` it counted (one row per source IP, reason and minute), so the
// numbers are requests, not rows.

// outcomeCounts is the requests of collection (webhook_logs or
// payment_events) created in the last window, by outcome.
func outcomeCounts(app core.App, collection string, window time.Duration) (map[string]int, error) {
	var rows []struct {
		Outcome string `db:"outcome"`
		N       int    `db:"n"`
	}
	err := app.DB().Select("outcome", "SUM(MAX(requests, 1)) AS n").From(collection).
		Where(dbx.NewExp("created >= {:since}", dbx.Params{"since": types.NowDateTime().Add(-window).String()})).
		GroupBy("outcome").All(&rows)
	counts := map[string]int{}
	for _, r := range rows {
		counts[r.Outcome] = r.N
	}
	return counts, err
}

func (s *Service) registerPaymentHealth() {
	s.app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/admin/payments/health", s.handlePaymentHealth).Bind(apis.RequireSuperuserAuth())
		return se.Next()
	})
}

// handlePaymentHealth answers GET /api/admin/payments/health: the last
// gateway notification and the last 24 h by outcome (requests).
func (s *Service) handlePaymentHealth(e *core.RequestEvent) error {
	counts, err := outcomeCounts(s.app, "payment_events", 24*time.Hour)
	if err != nil {
		return apiError(http.StatusInternalServerError, CodeInternal, "", err)
	}
	data := map[string]any{"last24h": counts, "last": nil}
	var last struct {
		Created string `db:"created" json:"created"`
		Gateway string `db:"gateway" json:"gateway"`
		Outcome string `db:"outcome" json:"outcome"`
	}
	if err := s.app.DB().Select("created", "gateway", "outcome").From("payment_events").
		OrderBy("created DESC").Limit(1).One(&last); err == nil {
		data["last"] = last
	}
	return ok(e, data)
}
