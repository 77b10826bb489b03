package hooks

import (
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// cronRuns remembers the last run of every vipbase cron job since the
// process started (PocketBase's cron list has the schedules, not results):
// what the console and GET /api/admin/crons show.
type cronRuns struct {
	mu   sync.Mutex
	last map[string]*CronRun
}

// CronRun is one job's last run.
type CronRun struct {
	ID         string    `json:"id"`
	Expression string    `json:"expression"`
	Status     string    `json:"status"` // never | running | ok | failed
	Started    time.Time `json:"started,omitzero"`
	Finished   time.Time `json:"finished,omitzero"`
	DurationMs int64     `json:"durationMs"`
	Error      string    `json:"error,omitempty"`
	Runs       int       `json:"runs"`
	Failures   int       `json:"failures"`
}

func (c *cronRuns) start(id string) *CronRun {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.last == nil {
		c.last = map[string]*CronRun{}
	}
	r := c.last[id]
	if r == nil {
		r = &CronRun{ID: id}
		c.last[id] = r
	}
	r.Status, r.Started, r.Finished, r.Error, r.DurationMs = "running", time.Now().UTC(), time.Time{}, "", 0
	r.Runs++
	return r
}

func (c *cronRuns) finish(r *CronRun, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r.Status != "running" {
		return // a panic after finish was recorded
	}
	r.Finished = time.Now().UTC()
	r.DurationMs = r.Finished.Sub(r.Started).Milliseconds()
	r.Status = "ok"
	if err != nil {
		r.Status, r.Error = "failed", truncate(err.Error(), 1000)
		r.Failures++
	}
}

// CronRuns is every registered job with its last run, by id.
func (s *Service) CronRuns() []CronRun {
	s.crons.mu.Lock()
	defer s.crons.mu.Unlock()
	var out []CronRun
	for _, j := range s.app.Cron().Jobs() {
		r := CronRun{ID: j.Id(), Expression: j.Expression(), Status: "never"}
		if last := s.crons.last[j.Id()]; last != nil {
			r = *last
			r.Expression = j.Expression()
		} else if !isVipbaseCron(j.Id()) {
			r.Status = "" // PocketBase's own: no record of its runs
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, k int) bool { return out[i].ID < out[k].ID })
	return out
}

func isVipbaseCron(id string) bool { return len(id) > 4 && id[:4] == "vip_" }

func (s *Service) registerCronRoute() {
	s.app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/admin/crons", func(e *core.RequestEvent) error {
			return e.JSON(http.StatusOK, map[string]any{"success": true, "data": s.CronRuns()})
		}).Bind(apis.RequireSuperuserAuth())
		return se.Next()
	})
}
