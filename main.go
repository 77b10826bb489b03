// Command vipbase is a PocketBase application that runs an Indonesian digital
// top-up store fulfilled by the VIP-Reseller H2H API.
package main

import (
	"log"
	"os"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"

	"github.com/vipbase/vipbase/hooks"
	_ "github.com/vipbase/vipbase/pb_migrations"
)

func main() {
	app := pocketbase.New()

	var sandbox bool
	app.RootCmd.PersistentFlags().BoolVar(&sandbox, "sandbox", false,
		"run against the built-in VIP-Reseller sandbox (no credentials, no network)")
	_ = app.RootCmd.ParseFlags(os.Args[1:]) // eager, like PocketBase's own --dir/--dev

	// Migrations are hand-written Go files; a dashboard edit must not write
	// code into the operator's checkout, so automigrate stays off.
	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{Dir: "pb_migrations"})

	cfg, err := hooks.ConfigFromEnv()
	if err != nil {
		log.Fatal(err)
	}
	cfg.Sandbox = sandbox
	if _, err := hooks.Register(app, cfg); err != nil {
		log.Fatal(err)
	}
	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
}
