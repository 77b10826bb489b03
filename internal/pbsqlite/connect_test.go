package pbsqlite

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/stretchr/testify/require"
)

// The shipped connection: data.db with synchronous=FULL, the log database
// with PocketBase's default, and SQLite working normally on top of the
// pinned allocator pages (many statements prepared and finalized).
func TestConnect(t *testing.T) {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir(), DBConnect: Connect(Options{PinAllocatorPages: true})})
	require.NoError(t, app.Bootstrap())
	t.Cleanup(func() { _ = app.ResetBootstrapState() })

	sync := func(db dbx.Builder) int {
		var n int
		require.NoError(t, db.NewQuery("PRAGMA synchronous").Row(&n))
		return n
	}
	require.Equal(t, 2, sync(app.NonconcurrentDB()), "data.db: FULL")
	require.Equal(t, 2, sync(app.ConcurrentDB()), "data.db readers: FULL")
	require.Equal(t, 1, sync(app.AuxNonconcurrentDB()), "auxiliary.db: NORMAL")

	_, err := app.DB().NewQuery("CREATE TABLE pin_t (id INTEGER PRIMARY KEY, a TEXT, b TEXT, c TEXT)").Execute()
	require.NoError(t, err)
	for i := range 500 {
		_, err := app.DB().NewQuery(fmt.Sprintf("INSERT INTO pin_t (id, a, b, c) VALUES (%d, {:a}, {:b}, {:c})", i)).
			Bind(dbx.Params{"a": fmt.Sprint("a", i), "b": strings.Repeat("x", i*16), "c": "c"}).Execute()
		require.NoError(t, err)
	}
	var sum struct {
		N   int `db:"n"`
		Len int `db:"l"`
	}
	require.NoError(t, app.DB().NewQuery("SELECT COUNT(*) AS n, SUM(length(b)) AS l FROM pin_t").One(&sum))
	require.Equal(t, 500, sum.N)
	require.Equal(t, 16*499*500/2, sum.Len)
}
