// Command vipbase is a PocketBase application that runs an Indonesian digital
// top-up store fulfilled by the VIP-Reseller H2H API.
package main

import (
	"log"
	"os"
	"sync/atomic"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/cmd"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"
	"github.com/spf13/cobra"

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
	app.RootCmd.PersistentFlags().StringVar(&publicDir, "publicDir", "",
		"serve the storefront at / from this directory instead of the copy built into the binary")
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
	// app.Start() would add these two commands and then drop serve's error
	// (exit status 0). Adding them here lets a serve that cannot start (a bad
	// --publicDir, a busy port, a failed migration) exit 1, which systemd's
	// Restart=on-failure and scripts can see.
	app.RootCmd.AddCommand(cmd.NewSuperuserCommand(app))
	serve := cmd.NewServeCommand(app, true)
	var serveFailed atomic.Bool
	run := serve.RunE
	serve.RunE = func(c *cobra.Command, args []string) error {
		err := run(c, args) // printed by cobra
		serveFailed.Store(err != nil)
		return err
	}
	app.RootCmd.AddCommand(serve)
	if err := app.Execute(); err != nil {
		log.Fatal(err)
	}
	if serveFailed.Load() {
		os.Exit(1)
	}
}
