package hooks_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/hooks"
)

// reportRow is a view row as plain values, for whole-row comparisons.
type reportRow map[string]any

// viewRows reads a report view through the app, keyed by id, with the
// given columns (numbers as int64, the percentage as float64).
func (e *env) viewRows(view string, cols ...string) map[string]reportRow {
	e.t.Helper()
	recs, err := e.app.FindAllRecords(view)
	require.NoError(e.t, err)
	out := map[string]reportRow{}
	for _, r := range recs {
		row := reportRow{}
		for _, c := range cols {
			switch v := r.Get(c).(type) {
			case float64:
				if c == "success_rate" {
					row[c] = v
				} else {
					row[c] = int64(v)
				}
			default:
				row[c] = v
			}
		}
		out[r.Id] = row
	}
	return out
}

// insert writes a row by SQL, so created/updated are exactly what the test
// says (autodate fields refuse Set) and no hook moves money.
func (e *env) insert(table string, row dbx.Params) {
	e.t.Helper()
	if _, ok := row["updated"]; !ok {
		row["updated"] = row["created"]
	}
	_, err := e.app.DB().Insert(table, row).Execute()
	require.NoError(e.t, err, "insert into %s: %v", table, row)
}

var fixtureSeq int

// fixtureID is a fresh 15-character record id.
func fixtureID() string {
	fixtureSeq++
	return fmt.Sprintf("rpt%012d", fixtureSeq)
}

func (e *env) insertOrder(created, status string, price, cost, quantity, remains, refunded int64, extra dbx.Params) string {
	e.t.Helper()
	id := fixtureID()
	row := dbx.Params{"id": id, "number": "TST-" + id, "user": userIDs[userEmail], "category": "prepaid",
		"service_code": "T10", "service_name": "Telkomsel 10K", "target": "081200000001",
		"status": status, "price": price, "cost": cost, "quantity": quantity, "remains": remains,
		"refunded": refunded, "created": created}
	for k, v := range extra {
		row[k] = v
	}
	e.insert("orders", row)
	return id
}

func (e *env) insertPayment(created, gateway, channel, status string, amount, fee int64, paidAt string, extra dbx.Params) string {
	e.t.Helper()
	id := fixtureID()
	row := dbx.Params{"id": id, "number": "PAY-" + id, "purpose": "order", "gateway": gateway, "channel": channel,
		"amount": amount, "fee": fee, "total": amount + fee, "status": status, "paid_at": paidAt, "created": created}
	for k, v := range extra {
		row[k] = v
	}
	e.insert("payments", row)
	return id
}

func (e *env) insertLedger(created, typ string, amount int64) {
	e.t.Helper()
	e.insert("wallet_transactions", dbx.Params{"id": fixtureID(), "user": userIDs[userEmail], "type": typ,
		"amount": amount, "balance_after": 0, "created": created})
}

// seedReportFixture writes orders, payments and ledger rows around WIB
// midnights (WIB = UTC+7: 2026-12-01 17:00:00.000Z is 2026-12-02 00:00 WIB).
// The expected figures are worked out by hand in TestReportDaily.
func (e *env) seedReportFixture() {
	e.t.Helper()
	// 2026-11-30 WIB: a success one millisecond before 12-01 WIB begins.
	e.insertOrder("2026-11-30 16:59:59.999Z", "success", 1_000, 900, 1, 0, 0, nil)

	// 2026-12-01 WIB.
	e.insertOrder("2026-11-30 17:00:00.000Z", "success", 10_000, 9_000, 1, 0, 0, nil) // 00:00 WIB
	e.insertOrder("2026-12-01 16:59:59.999Z", "failed", 20_000, 18_000, 1, 0, 20_000, nil)
	expiredPay := e.insertPayment("2026-12-01 10:00:00.000Z", "tripay", "QRIS", "expired", 15_000, 750, "", nil)
	e.insertOrder("2026-12-01 10:00:00.000Z", "expired", 15_000, 14_000, 1, 0, 0, dbx.Params{"payment": expiredPay})
	e.insertOrder("2026-12-01 11:00:00.000Z", "pending", 7_000, 6_500, 1, 0, 0, nil)
	e.insertPayment("2026-12-01 03:00:00.000Z", "tripay", "QRIS", "paid", 50_000, 500, "2026-12-01 03:01:00.000Z",
		dbx.Params{"purpose": "deposit"})
	e.insertPayment("2026-12-01 05:00:00.000Z", "midtrans", "MIDTRANS", "expired", 20_000, 0, "", nil)
	e.insertLedger("2026-12-01 03:01:00.000Z", "deposit", 50_000)
	e.insertLedger("2026-12-01 16:59:59.999Z", "deposit", 25_000)
	e.insertLedger("2026-12-01 12:00:00.000Z", "purchase", -10_000) // not a deposit
	e.insertLedger("2026-12-01 12:00:00.000Z", "refund", 20_000)    // not a deposit

	// 2026-12-02 WIB.
	// A member's social order, 750 of 1000 delivered: refunded 50000×250/1000.
	e.insertOrder("2026-12-01 17:00:00.000Z", "partial", 50_000, 40_000, 1_000, 250, 12_500, dbx.Params{"category": "social"})
	// A guest's partial, 2 of 3 delivered: the 10000 is owed (refund_due), not yet recorded on the order.
	guestPay := e.insertPayment("2026-12-01 17:05:00.000Z", "tripay", "QRIS", "paid", 30_000, 1_000, "2026-12-01 17:06:00.000Z",
		dbx.Params{"refund_due": 10_000, "phone": "6281200000002"})
	e.insertOrder("2026-12-01 17:05:00.000Z", "partial", 30_000, 27_001, 3, 1, 0,
		dbx.Params{"user": "", "category": "social", "payment": guestPay, "phone": "6281200000002"})
	// Paid at 23:55 WIB checkout, money in at 00:01 WIB the next day.
	lastPay := e.insertPayment("2026-12-02 16:55:00.000Z", "tripay", "BRIVA", "paid", 5_000, 4_250, "2026-12-02 17:01:00.000Z", nil)
	e.insertOrder("2026-12-02 16:59:59.999Z", "success", 5_000, 4_000, 1, 0, 0, dbx.Params{"payment": lastPay})
	e.insertLedger("2026-12-01 17:00:00.000Z", "deposit", 100_000)
}

var dailyCols = []string{"day", "orders", "success", "failed", "partial", "expired",
	"revenue", "cost", "profit", "fees", "deposits"}

func daily(day string, n ...int64) reportRow {
	r := reportRow{"day": day}
	for i, c := range dailyCols[1:] {
		r[c] = n[i]
	}
	return r
}

// The hand computation of the fixture, per WIB day.
var wantDaily = map[string]reportRow{
	//                                 orders succ fail part exp revenue cost profit fees deposits
	"20261130": daily("2026-11-30", 1, 1, 0, 0, 0, 1_000, 900, 100, 0, 0),
	// revenue: 10000 (the failed, expired and pending orders add nothing); fees: the
	// deposit payment's 500 (the expired payments were never paid); deposits 50000 + 25000.
	"20261201": daily("2026-12-01", 4, 1, 1, 0, 1, 10_000, 9_000, 1_000, 500, 75_000),
	// revenue: (50000 − 12500) + (30000 − 10000 owed to the guest) + 5000 = 62500;
	// cost: 40000×750/1000 = 30000, ⌊27001×2/3⌋ = 18000, 4000 → 52000.
	"20261202": daily("2026-12-02", 3, 1, 0, 2, 0, 62_500, 52_000, 10_500, 1_000, 100_000),
	// only the BRIVA fee, paid after WIB midnight.
	"20261203": daily("2026-12-03", 0, 0, 0, 0, 0, 0, 0, 0, 4_250, 0),
}

func TestReportDailyMatchesHandComputation(t *testing.T) {
	e := newEnv(t)
	e.seedReportFixture()
	assert.Equal(t, wantDaily, e.viewRows("report_daily", dailyCols...))
}

func TestReportPaymentsPerDayGatewayChannel(t *testing.T) {
	e := newEnv(t)
	e.seedReportFixture()
	cols := []string{"day", "gateway", "channel", "count", "paid", "paid_total", "fees", "expired"}
	row := func(day, gateway, channel string, n ...int64) reportRow {
		r := reportRow{"day": day, "gateway": gateway, "channel": channel}
		for i, c := range cols[3:] {
			r[c] = n[i]
		}
		return r
	}
	assert.Equal(t, map[string]reportRow{
		// the expired QRIS and the paid deposit (50000 + 500 fee)
		"20261201tripayqris":       row("2026-12-01", "tripay", "QRIS", 2, 1, 50_500, 500, 1),
		"20261201midtransmidtrans": row("2026-12-01", "midtrans", "MIDTRANS", 1, 0, 0, 0, 1),
		"20261202tripayqris":       row("2026-12-02", "tripay", "QRIS", 1, 1, 31_000, 1_000, 0),
		// created 23:55 WIB on 12-02, paid on 12-03: counted on the day of the attempt
		"20261202tripaybriva": row("2026-12-02", "tripay", "BRIVA", 1, 1, 9_250, 4_250, 0),
	}, e.viewRows("report_payments", cols...))
}

func TestReportProductsLast30Days(t *testing.T) {
	e := newEnv(t)
	ago := func(d time.Duration) string { return time.Now().UTC().Add(-d).Format("2006-01-02 15:04:05.000Z") }
	p1, p2 := fixtureID(), fixtureID()
	e.insert("products", dbx.Params{"id": p1, "category": "social", "code": "IGF", "name": "Instagram Followers", "created": ago(0)})
	e.insert("products", dbx.Params{"id": p2, "category": "prepaid", "code": "T5", "name": "Telkomsel 5K", "created": ago(0)})
	prod := func(id string) dbx.Params { return dbx.Params{"product": id} }
	day := 24 * time.Hour

	e.insertOrder(ago(time.Hour), "success", 10_000, 8_000, 1, 0, 0, prod(p1))
	e.insertOrder(ago(2*day), "failed", 10_000, 8_000, 1, 0, 10_000, prod(p1))
	e.insertOrder(ago(29*day), "partial", 9_000, 7_001, 3, 1, 3_000, prod(p1)) // ⌊7001×2/3⌋ = 4667
	e.insertOrder(ago(3*day), "expired", 10_000, 8_000, 1, 0, 0, prod(p1))
	e.insertOrder(ago(time.Minute), "pending", 10_000, 8_000, 1, 0, 0, prod(p1))
	e.insertOrder(ago(31*day), "success", 99_000, 1_000, 1, 0, 0, prod(p1)) // older than 30 days
	e.insertOrder(ago(time.Hour), "success", 5_000, 4_500, 1, 0, 0, prod(p2))
	e.insertOrder(ago(5*day), "success", 5_000, 4_500, 1, 0, 0, prod(p2))
	e.insertOrder(ago(6*day), "failed", 5_000, 4_500, 1, 0, 5_000, prod(p2))
	e.insertOrder(ago(31*day), "success", 5_000, 4_500, 1, 0, 0, prod(fixtureID())) // only outside the window

	got := e.viewRows("report_products", "product", "name", "category", "orders", "success", "partial", "failed",
		"success_rate", "revenue", "cost", "profit")
	assert.Equal(t, map[string]reportRow{
		// finished 3 (success, partial, failed), 1 in full: 33.3 %; revenue 10000 + (9000 − 3000)
		p1: {"product": p1, "name": "Instagram Followers", "category": "social", "orders": int64(5), "success": int64(1),
			"partial": int64(1), "failed": int64(1), "success_rate": 33.3, "revenue": int64(16_000), "cost": int64(12_667), "profit": int64(3_333)},
		p2: {"product": p2, "name": "Telkomsel 5K", "category": "prepaid", "orders": int64(3), "success": int64(2),
			"partial": int64(0), "failed": int64(1), "success_rate": 66.7, "revenue": int64(10_000), "cost": int64(9_000), "profit": int64(1_000)},
	}, got)
}

// The views are typed so the dashboard and SDK see numbers, and only
// superusers may read them.
func TestReportViewsAreSuperuserOnlyAndTyped(t *testing.T) {
	e := newEnv(t)
	e.seedReportFixture()
	for name, ints := range map[string][]string{
		"report_daily":    dailyCols[1:],
		"report_products": {"orders", "success", "partial", "failed", "revenue", "cost", "profit"},
		"report_payments": {"count", "paid", "paid_total", "fees", "expired"},
	} {
		c, err := e.app.FindCollectionByNameOrId(name)
		require.NoError(t, err, name)
		assert.True(t, c.IsView(), name)
		assert.Nil(t, c.ListRule, name)
		assert.Nil(t, c.ViewRule, name)
		for _, f := range ints {
			nf, ok := c.Fields.GetByName(f).(*core.NumberField)
			if assert.True(t, ok, "%s.%s is a number field", name, f) {
				assert.True(t, nf.OnlyInt, "%s.%s is an integer", name, f)
			}
		}
		url := "/api/collections/" + name + "/records"
		assert.Equal(t, 403, e.do(http.MethodGet, url, userTokens[userEmail], nil).Status, name)
		assert.Equal(t, 403, e.do(http.MethodGet, url, "", nil).Status, name)
	}
	rate, ok := mustField(t, e, "report_products", "success_rate").(*core.NumberField)
	require.True(t, ok)
	assert.False(t, rate.OnlyInt)
	_, ok = mustField(t, e, "report_products", "product").(*core.RelationField)
	assert.True(t, ok, "report_products.product links to the product")

	r := e.do(http.MethodGet, "/api/collections/report_daily/records?sort=day", superToken, nil)
	require.Equal(t, 200, r.Status, r.Raw)
	items := r.Body["items"].([]any)
	require.Len(t, items, 4)
	first := items[1].(map[string]any)
	assert.Equal(t, "2026-12-01", first["day"])
	assert.Equal(t, float64(75_000), first["deposits"]) // a JSON number, not a string
}

func mustField(t *testing.T, e *env, collection, field string) core.Field {
	c, err := e.app.FindCollectionByNameOrId(collection)
	require.NoError(t, err)
	return c.Fields.GetByName(field)
}

// Orders placed through the real routes land in today's WIB row.
func TestReportDailyCountsRealOrders(t *testing.T) {
	e := newEnv(t).ready()
	e.deposit(userEmail, 100_000)
	ok := e.order(e.buyPrepaid(userEmail, "081200000333"))     // sandbox: success in the answer
	failed := e.order(e.buyPrepaid(userEmail, "081200000444")) // sandbox: refused, refunded
	require.Equal(t, hooks.OrderSuccess, ok.GetString("status"))
	require.Equal(t, hooks.OrderFailed, failed.GetString("status"))

	today := time.Now().UTC().Add(7 * time.Hour).Format("20060102")
	rows := e.viewRows("report_daily", dailyCols...)
	require.Contains(t, rows, today)
	row := rows[today]
	assert.Equal(t, int64(2), row["orders"])
	assert.Equal(t, int64(1), row["success"])
	assert.Equal(t, int64(1), row["failed"])
	assert.Equal(t, int64(ok.GetInt("price")), row["revenue"])
	assert.Equal(t, int64(ok.GetInt("cost")), row["cost"])
	assert.Equal(t, int64(ok.GetInt("price")-ok.GetInt("cost")), row["profit"])
	assert.Equal(t, int64(100_000), row["deposits"])
}

const dailyCSV = "/api/admin/reports/daily.csv"

// getCSV calls the export and returns the recorder (headers included).
func (e *env) getCSV(query, token string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, dailyCSV+query, nil)
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	rec := httptest.NewRecorder()
	e.handler().ServeHTTP(rec, req)
	return rec
}

func TestReportDailyCSV(t *testing.T) {
	e := newEnv(t)
	e.seedReportFixture()
	res := e.getCSV("?from=2026-11-29&to=2026-12-04", superToken)
	require.Equal(t, 200, res.Code, res.Body.String())
	assert.Equal(t, "text/csv; charset=utf-8", res.Header().Get("Content-Type"))
	assert.Equal(t, `attachment; filename="laporan-harian-2026-11-29-2026-12-04.csv"`, res.Header().Get("Content-Disposition"))

	rows, err := csv.NewReader(strings.NewReader(res.Body.String())).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, [][]string{
		{"day", "orders", "success", "failed", "partial", "expired", "revenue", "cost", "profit", "fees", "deposits"},
		{"2026-11-29", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"}, // no activity: a zero row
		{"2026-11-30", "1", "1", "0", "0", "0", "1000", "900", "100", "0", "0"},
		{"2026-12-01", "4", "1", "1", "0", "1", "10000", "9000", "1000", "500", "75000"},
		{"2026-12-02", "3", "1", "0", "2", "0", "62500", "52000", "10500", "1000", "100000"},
		{"2026-12-03", "0", "0", "0", "0", "0", "0", "0", "0", "4250", "0"},
		{"2026-12-04", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"},
	}, rows)

	one := e.getCSV("?from=2026-12-02&to=2026-12-02", superToken)
	require.Equal(t, 200, one.Code)
	assert.Equal(t, "day,orders,success,failed,partial,expired,revenue,cost,profit,fees,deposits\n"+
		"2026-12-02,3,1,0,2,0,62500,52000,10500,1000,100000\n", one.Body.String())

	year := e.getCSV("?from=2024-01-01&to=2024-12-31", superToken) // 366 days: the longest range
	require.Equal(t, 200, year.Code, year.Body.String())
	assert.Equal(t, 367, strings.Count(year.Body.String(), "\n"))
}

func TestReportDailyCSVRefusals(t *testing.T) {
	e := newEnv(t)
	ok := "?from=2026-12-01&to=2026-12-07"
	for _, tc := range []struct {
		name, query, token string
		status             int
		code               string
		fields             map[string]string // field → data.<field>.code
	}{
		{name: "guest", query: ok, status: 401, code: "auth_required"},
		{name: "user", query: ok, token: userTokens[userEmail], status: 403, code: "forbidden"},
		{name: "missing", query: "", token: superToken, status: 400, code: "validation_failed",
			fields: map[string]string{"from": "validation_date", "to": "validation_date"}},
		{name: "bad from", query: "?from=2026-13-01&to=2026-12-07", token: superToken, status: 400, code: "validation_failed",
			fields: map[string]string{"from": "validation_date"}},
		{name: "unpadded to", query: "?from=2026-12-01&to=2026-12-7", token: superToken, status: 400, code: "validation_failed",
			fields: map[string]string{"to": "validation_date"}},
		{name: "from after to", query: "?from=2026-12-08&to=2026-12-07", token: superToken, status: 400, code: "validation_failed",
			fields: map[string]string{"to": "validation_date_range"}},
		{name: "367 days", query: "?from=2025-01-01&to=2026-01-02", token: superToken, status: 400, code: "validation_failed",
			fields: map[string]string{"to": "validation_date_range"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(http.MethodGet, dailyCSV+tc.query, tc.token, nil)
			require.Equal(t, tc.status, r.Status, r.Raw)
			assert.Equal(t, tc.code, r.data()["code"], r.Raw)
			for field, code := range tc.fields {
				fe, _ := r.data()[field].(map[string]any)
				assert.Equal(t, code, fe["code"], "%s: %s", field, r.Raw)
			}
			if tc.fields != nil {
				assert.Len(t, r.data(), len(tc.fields)+1, "only the named fields (and code): %s", r.Raw)
			}
		})
	}
}
