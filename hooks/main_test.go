package hooks_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	_ "github.com/vipbase/vipbase/pb_migrations"
)

// The template database is migrated once and copied per test (~20 ms each).
var (
	templateDir string
	superToken  string
	userTokens  = map[string]string{} // email → token
	userIDs     = map[string]string{}
	seededRules []map[string]any // the migration's pricing_rules, removed from the template
)

const (
	superEmail = "admin@example.com"
	userEmail  = "u1@example.com"
	otherEmail = "u2@example.com"
)

func TestMain(m *testing.M) {
	code, err := runTests(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "test setup:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func runTests(m *testing.M) (int, error) {
	dir, err := os.MkdirTemp("", "vipbase_tpl_*")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	templateDir = dir

	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir, EncryptionEnv: "pb_test_env"})
	if err := app.Bootstrap(); err != nil {
		return 0, err
	}
	if err := app.RunAllMigrations(); err != nil {
		return 0, err
	}
	// The seeded pricing rules are the shipped defaults (TestSeededPricing
	// checks them); every other test prices at the plain default markup.
	rules, err := app.FindAllRecords("pricing_rules")
	if err != nil {
		return 0, err
	}
	for _, r := range rules {
		seededRules = append(seededRules, r.FieldsData())
	}
	if _, err := app.DB().NewQuery("DELETE FROM pricing_rules").Execute(); err != nil {
		return 0, err
	}
	su := core.NewRecord(mustCollection(app, core.CollectionNameSuperusers))
	su.SetEmail(superEmail)
	su.SetPassword("1234567890")
	if err := app.Save(su); err != nil {
		return 0, err
	}
	if superToken, err = su.NewAuthToken(); err != nil {
		return 0, err
	}
	for _, email := range []string{userEmail, otherEmail} {
		u := core.NewRecord(mustCollection(app, "users"))
		u.SetEmail(email)
		u.SetPassword("1234567890")
		if err := app.Save(u); err != nil {
			return 0, err
		}
		tok, err := u.NewAuthToken()
		if err != nil {
			return 0, err
		}
		userTokens[email], userIDs[email] = tok, u.Id
	}
	if err := app.ResetBootstrapState(); err != nil {
		return 0, err
	}
	return m.Run(), nil
}

func mustCollection(app core.App, name string) *core.Collection {
	c, err := app.FindCollectionByNameOrId(name)
	if err != nil {
		panic(err)
	}
	return c
}
