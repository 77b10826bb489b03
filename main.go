// Command vipbase is a PocketBase application that runs an Indonesian digital
// top-up store fulfilled by the VIP-Reseller H2H API.
package main

import (
	"log"
	"os"
	"path/filepath"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"
	"github.com/pocketbase/pocketbase/tools/osutils"

	"github.com/vipbase/vipbase/hooks"
	"github.com/vipbase/vipbase/internal/pbsqlite"
	_ "github.com/vipbase/vipbase/pb_migrations"
)

func main() {
	app := pocketbase.NewWithConfig(pocketbase.Config{
		DBConnect: pbsqlite.Connect(pbsqlite.Options{PinAllocatorPages: true}),
	})

	var sandbox bool
	app.RootCmd.PersistentFlags().BoolVar(&sandbox, "sandbox", false,
		"run against the built-in VIP-Reseller sandbox (no credentials, no network)")
	var publicDir string
	app.RootCmd.PersistentFlags().StringVar(&publicDir, "publicDir", defaultPublicDir(),
		"the directory of the storefront served at /")
	_ = app.RootCmd.ParseFlags(os.Args[1:]) // eager, like PocketBase's own --dir/--dev

	// Migrations are hand-written Go files; a dashboard edit must not write
	// code into the operator's checkout, so automigrate stays off.
	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{Dir: "pb_migrations"})

	cfg, err := hooks.ConfigFromEnv()
	if err != nil {
		log.Fatal(err)
	}
	cfg.Sandbox = sandbox
	cfg.PublicDir = publicDir
	if _, err := hooks.Register(app, cfg); err != nil {
		log.Fatal(err)
	}
	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
}

// defaultPublicDir is ./pb_public under `go run`, else pb_public next to the
// binary (PocketBase's convention).
func defaultPublicDir() string {
	if osutils.IsProbablyGoRun() {
		return "./pb_public"
	}
	return filepath.Join(os.Args[0], "../pb_public")
}
