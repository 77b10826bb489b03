package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// sync_runs records every catalog/stock/balance sync; superusers only.
func init() {
	m.Register(func(app core.App) error {
		c := core.NewBaseCollection("sync_runs")
		c.Fields.Add(
			&core.TextField{Name: "action", Required: true, Max: 50},
			&core.SelectField{Name: "trigger", Values: []string{"cron", "admin", "cli", "startup"}, MaxSelect: 1, Required: true},
			&core.SelectField{Name: "status", Values: []string{"running", "success", "failed"}, MaxSelect: 1, Required: true},
			&core.JSONField{Name: "counts", MaxSize: 64 << 10},
			&core.TextField{Name: "error", Max: 5000},
			&core.DateField{Name: "started"},
			&core.DateField{Name: "finished"},
		)
		c.Fields.Add(timestamps()...)
		c.AddIndex("idx_sync_runs_action_started", false, "action, started", "")
		return app.Save(c)
	}, func(app core.App) error { return deleteCollection(app, "sync_runs") })
}
