package hooks

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	storefront "github.com/vipbase/vipbase/pb_public"
)

// registerStorefront serves the storefront at / with an index.html fallback,
// as PocketBase's own binary serves pb_public: the copy embedded in the
// binary, or cfg.PublicDir when it is set. A PublicDir that is not a
// directory makes serve fail before anything else starts, naming the flag
// and the path. The route binds last, so any route registered before it wins.
func (s *Service) registerStorefront() {
	fsys, err := storefrontFS(s.cfg.PublicDir)
	s.app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Priority: -999,
		Func: func(se *core.ServeEvent) error {
			if err != nil {
				return err
			}
			return se.Next()
		},
	})
	s.app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Priority: 999,
		Func: func(se *core.ServeEvent) error {
			if fsys != nil && !se.Router.HasRoute(http.MethodGet, "/{path...}") {
				// Compressed: the page, its modules and the SDK are ~145 KB as text,
				// ~45 KB gzipped, which is what a phone on a slow network waits for.
				gzip := apis.GzipWithConfig(apis.GzipConfig{MinLength: 1024})
				se.Router.GET("/{path...}", apis.Static(storeIndexFS{FS: fsys, s: s}, true)).Bind(gzip)
				if !se.Router.HasRoute(http.MethodGet, "/beli/{slug}") { // a brand's page, with its own head
					se.Router.GET("/beli/{slug}", s.serveBrandPage(fsys)).Bind(gzip)
				}
			}
			return se.Next()
		},
	})
}

// storefrontFS is what / serves for a --publicDir value: the embedded
// storefront for "", else that directory, which must exist.
func storefrontFS(publicDir string) (fs.FS, error) {
	if publicDir == "" {
		return storefront.FS, nil
	}
	info, err := os.Stat(publicDir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("--publicDir %q: no such directory (leave the flag out to serve the storefront built into the binary)", publicDir)
	case err != nil:
		return nil, fmt.Errorf("--publicDir %q: %w", publicDir, err)
	case !info.IsDir():
		return nil, fmt.Errorf("--publicDir %q: not a directory (leave the flag out to serve the storefront built into the binary)", publicDir)
	}
	return os.DirFS(publicDir), nil
}
