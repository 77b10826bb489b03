package hooks

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// maxReportDays is the longest range one daily export takes: a leap year.
const maxReportDays = 366

// reportDayLayout is how days are written in report_daily and in the query.
const reportDayLayout = "2006-01-02"

var (
	errDateInvalid = validation.NewError("validation_date", "Must be a date written YYYY-MM-DD.")
	errDateRange   = validation.NewError("validation_date_range", "Must be on or after from, and at most 366 days after it.")
)

// reportDailyColumns are the CSV header and the report_daily columns, in order.
var reportDailyColumns = []string{"day", "orders", "success", "failed", "partial", "expired",
	"revenue", "cost", "profit", "fees", "deposits"}

// reportDay is one report_daily row.
type reportDay struct {
	Day      string `db:"day"`
	Orders   int64  `db:"orders"`
	Success  int64  `db:"success"`
	Failed   int64  `db:"failed"`
	Partial  int64  `db:"partial"`
	Expired  int64  `db:"expired"`
	Revenue  int64  `db:"revenue"`
	Cost     int64  `db:"cost"`
	Profit   int64  `db:"profit"`
	Fees     int64  `db:"fees"`
	Deposits int64  `db:"deposits"`
}

func (d reportDay) record() []string {
	out := []string{d.Day}
	for _, n := range []int64{d.Orders, d.Success, d.Failed, d.Partial, d.Expired, d.Revenue, d.Cost, d.Profit, d.Fees, d.Deposits} {
		out = append(out, strconv.FormatInt(n, 10))
	}
	return out
}

func (s *Service) registerReports() {
	s.app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/admin/reports/daily.csv", s.handleDailyCSV).Bind(apis.RequireSuperuserAuth())
		return se.Next()
	})
}

// handleDailyCSV exports report_daily for the WIB days from..to (both
// included) as CSV: GET /api/admin/reports/daily.csv?from=&to=. Every day of
// the range is a row, a day without activity all zeros, so a spreadsheet
// gets a continuous date column. Money is plain integer rupiah.
func (s *Service) handleDailyCSV(e *core.RequestEvent) error {
	from, to, err := reportRange(e.Request.URL.Query().Get("from"), e.Request.URL.Query().Get("to"))
	if err != nil {
		return err
	}
	var rows []reportDay
	err = s.app.DB().Select(reportDailyColumns...).From("report_daily").
		Where(dbx.Between("day", from.Format(reportDayLayout), to.Format(reportDayLayout))).
		OrderBy("day").All(&rows)
	if err != nil {
		return apiError(http.StatusInternalServerError, CodeInternal, "The report could not be read.", err)
	}
	byDay := make(map[string]reportDay, len(rows))
	for _, r := range rows {
		byDay[r.Day] = r
	}

	name := fmt.Sprintf("laporan-harian-%s-%s.csv", from.Format(reportDayLayout), to.Format(reportDayLayout))
	h := e.Response.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "no-store")
	e.Response.WriteHeader(http.StatusOK)
	w := csv.NewWriter(e.Response)
	_ = w.Write(reportDailyColumns)
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		day := d.Format(reportDayLayout)
		r, ok := byDay[day]
		if !ok {
			r = reportDay{Day: day}
		}
		_ = w.Write(r.record())
	}
	w.Flush()
	if err := w.Error(); err != nil {
		s.app.Logger().Warn("reports: writing the daily CSV failed", "error", err)
	}
	return nil
}

// reportRange reads the from/to query dates; bad or missing ones, to before
// from, or more than maxReportDays days are a 400 with field errors.
func reportRange(fromText, toText string) (from, to time.Time, err error) {
	errs := validation.Errors{}
	from, fromErr := time.Parse(reportDayLayout, fromText)
	if fromErr != nil {
		errs["from"] = errDateInvalid
	}
	to, toErr := time.Parse(reportDayLayout, toText)
	if toErr != nil {
		errs["to"] = errDateInvalid
	}
	if len(errs) == 0 && (to.Before(from) || to.Sub(from) >= maxReportDays*24*time.Hour) {
		errs["to"] = errDateRange
	}
	if len(errs) > 0 {
		return from, to, fieldsError(errs)
	}
	return from, to, nil
}
