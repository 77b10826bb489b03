package hooks

import (
	"net/http"
	"os"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// registerStorefront serves cfg.PublicDir at / with an index.html fallback,
// as PocketBase's own binary serves pb_public. It binds last, so any route
// registered before it wins.
func (s *Service) registerStorefront() {
	if s.cfg.PublicDir == "" {
		return
	}
	s.app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Priority: 999,
		Func: func(se *core.ServeEvent) error {
			if info, err := os.Stat(s.cfg.PublicDir); err != nil || !info.IsDir() {
				se.App.Logger().Warn("storefront directory not found; / is not served", "dir", s.cfg.PublicDir)
				return se.Next()
			}
			if !se.Router.HasRoute(http.MethodGet, "/{path...}") {
				se.Router.GET("/{path...}", apis.Static(os.DirFS(s.cfg.PublicDir), true))
			}
			return se.Next()
		},
	})
}
