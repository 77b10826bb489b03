// Package pbsqlite is SQLite plumbing for a PocketBase app, with no
// knowledge of what the app stores: a durable connection, shared
// transactions for small concurrent writes (GroupCommit) and a plain record
// writer for hot server-side saves (WriteRecord).
package pbsqlite

import (
	"cmp"
	"path/filepath"
	"sync"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"modernc.org/libc"
)

// Options tune Connect.
type Options struct {
	// PinAllocatorPages keeps a few pages of every small size class of the
	// SQLite allocator mapped for the life of the process (pinAllocatorPages
	// below). Measured on PocketBase v0.39.11 with modernc.org/sqlite v1.55.0
	// and modernc.org/libc v1.74.1: about 20% more callbacks per second
	// (BenchmarkWebhookThroughput, ~1,330/s to ~1,600/s) for ~10 MB of
	// resident memory. Re-measure when either module is upgraded: the gain
	// depends on libc's allocator unmapping empty pages at once.
	PinAllocatorPages bool
	// Synchronous is data.db's synchronous mode; "" = FULL (below). Only
	// benchmarks comparing the modes set it.
	Synchronous string
}

// Connect returns a core.DBConnectFunc that opens data.db with PocketBase's
// own pragmas but synchronous=FULL, so every commit survives a power loss.
// With NORMAL the last commits can vanish, among them a write made just
// before an irreversible outbound call (vipbase's dispatch claim before an
// order POST): after the restart the call would look unmade and be made
// again. Measured cost: about a quarter of peak write throughput. Every
// other database (the log database) keeps PocketBase's default.
func Connect(opts Options) core.DBConnectFunc {
	return func(dbPath string) (*dbx.DB, error) {
		if opts.PinAllocatorPages {
			pinAllocatorPages()
		}
		if filepath.Base(dbPath) != "data.db" {
			return core.DefaultDBConnect(dbPath)
		}
		return dbx.Open("sqlite", dbPath+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)"+
			"&_pragma=journal_size_limit(200000000)&_pragma=synchronous("+cmp.Or(opts.Synchronous, "FULL")+")"+
			"&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-32000)")
	}
}

// pinAllocatorPages keeps a few pages of every small size class of the
// SQLite allocator (modernc.org/libc's, process-wide) mapped for good. That
// allocator unmaps a size class's 64 KB page as soon as its last block is
// freed, so statements prepared and finalized on otherwise idle connections
// paid an mmap and a munmap for several classes each time: about a
// quarter of the CPU of a callback. One block is kept in each of pinnedPages pages per
// class (about 10 MB, resident from the start: freeing the spare blocks
// writes the allocator's free lists into them); the pages' other blocks are
// freed for use. 16 pages per class measured best
// (BenchmarkWebhookThroughput: 1 page ~1,330/s, 4 ~1,340/s, 16 ~1,600/s,
// 32 no better).
var pinAllocatorPages = sync.OnceFunc(func() {
	const page, pinnedPages = 64 << 10, 16
	tls := libc.NewTLS()
	defer tls.Close()
	for log := 4; log <= 14; log++ {
		size := 1 << log
		kept := map[uintptr]bool{}
		var spare []uintptr
		for range pinnedPages * page / size {
			p := libc.Xmalloc(tls, libc.Tsize_t(size))
			if p == 0 {
				break
			}
			if base := p &^ (page - 1); !kept[base] && len(kept) < pinnedPages {
				kept[base] = true
				continue
			}
			spare = append(spare, p)
		}
		for _, p := range spare {
			libc.Xfree(tls, p)
		}
	}
})
