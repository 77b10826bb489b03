package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Reports (design §13): read-only view collections for superusers (list
// and view rules nil), visible in the dashboard. Days are WIB (UTC+7): the
// stored datetimes are UTC text, so a day is date(<timestamp>, '+7 hours').
//
// An order belongs to the day it was created: created never changes, so a
// day's figures do not move when the provider finishes an order later, and
// the day's order count includes orders still open. completed_at would
// spread one day's sales over the following days and drop open orders.
//
// Every figure is whole rupiah or a count, CAST AS INTEGER (and COALESCEd
// to 0) so PocketBase infers integer number fields; the percentage of
// report_products is a REAL with one decimal.
func init() {
	m.Register(func(app core.App) error {
		for _, v := range reportViews {
			c := core.NewViewCollection(v.name)
			c.ViewQuery = v.query
			if err := app.Save(c); err != nil {
				return err
			}
		}
		return nil
	}, func(app core.App) error {
		for _, v := range reportViews {
			if err := deleteCollection(app, v.name); err != nil {
				return err
			}
		}
		return nil
	})
}

var reportViews = []struct{ name, query string }{
	{"report_daily", reportDailyQuery},
	{"report_products", reportProductsQuery},
	{"report_payments", reportPaymentsQuery},
}

// orderRefund is what an order gave back: orders.refunded, or — for a
// guest, whose refund is owed until the operator records it — the payment's
// refund_due (design §11), whichever is larger. Needs orders o LEFT JOIN
// payments p.
const orderRefund = `MAX(CAST(o.refunded AS INTEGER), COALESCE(CAST(p.refund_due AS INTEGER), 0))`

// orderRevenue is an order's price less its refund for success and
// partial orders (the design's revenue), 0 otherwise.
const orderRevenue = `CASE WHEN o.status IN ('success', 'partial') THEN CAST(o.price AS INTEGER) - ` + orderRefund + ` ELSE 0 END`

// orderCost is what the provider kept: cost for a success; for a partial,
// the provider refunds us the undelivered part, and nothing records that
// refund, so it is cost × delivered / quantity rounded down (delivered =
// quantity − remains, as our own refund is price × remains / quantity);
// 0 for every other status (failed: the provider refunded us in full;
// unpaid/expired: never sent; pending/processing: not settled yet).
const orderCost = `CASE WHEN o.status = 'success' THEN CAST(o.cost AS INTEGER) ` +
	`WHEN o.status = 'partial' AND CAST(o.quantity AS INTEGER) > 0 THEN CAST(o.cost AS INTEGER) * ` +
	`(CAST(o.quantity AS INTEGER) - MIN(MAX(CAST(o.remains AS INTEGER), 0), CAST(o.quantity AS INTEGER))) / CAST(o.quantity AS INTEGER) ` +
	`WHEN o.status = 'partial' THEN CAST(o.cost AS INTEGER) ELSE 0 END`

// reportDailyQuery is one row per WIB day with any order, paid payment or
// deposit; id is the day's digits (20261201: view ids are [a-z0-9]).
// fees is Σ payments.fee of the payments paid that day (by paid_at): the
// fee is charged to the shopper on top of the price (total = amount + fee),
// so it is not part of cost or profit, only shown. deposits is Σ amount of
// the deposit ledger rows written that day: wallet top-ups, operator
// deposits, and the pass-through deposit of a member's gateway-paid order
// (its purchase row follows in the same transaction).
const reportDailyQuery = `SELECT
  CAST(replace(d.day, '-', '') AS TEXT) AS id,
  CAST(d.day AS TEXT) AS day,
  CAST(COALESCE(o.orders, 0) AS INTEGER) AS orders,
  CAST(COALESCE(o.success, 0) AS INTEGER) AS success,
  CAST(COALESCE(o.failed, 0) AS INTEGER) AS failed,
  CAST(COALESCE(o.partial, 0) AS INTEGER) AS partial,
  CAST(COALESCE(o.expired, 0) AS INTEGER) AS expired,
  CAST(COALESCE(o.revenue, 0) AS INTEGER) AS revenue,
  CAST(COALESCE(o.cost, 0) AS INTEGER) AS cost,
  CAST(COALESCE(o.revenue, 0) - COALESCE(o.cost, 0) AS INTEGER) AS profit,
  CAST(COALESCE(f.fees, 0) AS INTEGER) AS fees,
  CAST(COALESCE(w.deposits, 0) AS INTEGER) AS deposits
FROM (
  SELECT date(created, '+7 hours') AS day FROM orders
  UNION SELECT date(paid_at, '+7 hours') AS day FROM payments WHERE paid_at != ''
  UNION SELECT date(created, '+7 hours') AS day FROM wallet_transactions WHERE type = 'deposit'
) d
LEFT JOIN (
  SELECT date(o.created, '+7 hours') AS day,
    COUNT(*) AS orders,
    SUM(o.status = 'success') AS success,
    SUM(o.status = 'failed') AS failed,
    SUM(o.status = 'partial') AS partial,
    SUM(o.status = 'expired') AS expired,
    SUM(` + orderRevenue + `) AS revenue,
    SUM(` + orderCost + `) AS cost
  FROM orders o LEFT JOIN payments p ON p.id = o.payment AND o.payment != ''
  GROUP BY 1
) o ON o.day = d.day
LEFT JOIN (
  SELECT date(paid_at, '+7 hours') AS day, SUM(CAST(fee AS INTEGER)) AS fees
  FROM payments WHERE paid_at != '' GROUP BY 1
) f ON f.day = d.day
LEFT JOIN (
  SELECT date(created, '+7 hours') AS day, SUM(CAST(amount AS INTEGER)) AS deposits
  FROM wallet_transactions WHERE type = 'deposit' GROUP BY 1
) w ON w.day = d.day
WHERE d.day IS NOT NULL`

// reportProductsQuery is one row per product ordered in the last 30 days
// (a rolling 30 × 24 hours from now, by created). success_rate is the
// percentage of the product's finished orders (success, partial, failed)
// that succeeded in full, a REAL rounded to one decimal (0 when none has
// finished): open, unpaid and expired orders say nothing about delivery.
// revenue, cost and profit are as in report_daily.
const reportProductsQuery = `SELECT
  o.product AS id,
  o.product AS product,
  CAST(COALESCE(MAX(pr.name), MAX(o.service_name), '') AS TEXT) AS name,
  CAST(COALESCE(MAX(pr.category), MAX(o.category), '') AS TEXT) AS category,
  CAST(COUNT(*) AS INTEGER) AS orders,
  CAST(SUM(o.status = 'success') AS INTEGER) AS success,
  CAST(SUM(o.status = 'partial') AS INTEGER) AS partial,
  CAST(SUM(o.status = 'failed') AS INTEGER) AS failed,
  CAST(CASE WHEN SUM(o.status IN ('success', 'partial', 'failed')) > 0
    THEN ROUND(100.0 * SUM(o.status = 'success') / SUM(o.status IN ('success', 'partial', 'failed')), 1)
    ELSE 0 END AS REAL) AS success_rate,
  CAST(COALESCE(SUM(` + orderRevenue + `), 0) AS INTEGER) AS revenue,
  CAST(COALESCE(SUM(` + orderCost + `), 0) AS INTEGER) AS cost,
  CAST(COALESCE(SUM(` + orderRevenue + `), 0) - COALESCE(SUM(` + orderCost + `), 0) AS INTEGER) AS profit
FROM orders o
LEFT JOIN products pr ON pr.id = o.product
LEFT JOIN payments p ON p.id = o.payment AND o.payment != ''
WHERE o.product != '' AND o.created >= strftime('%Y-%m-%d %H:%M:%fZ', 'now', '-30 days')
GROUP BY o.product`

// reportPaymentsQuery is one row per WIB day a payment was created, gateway
// and channel: the attempts started that day and what became of them. A
// payment is paid when it has paid_at (status paid, or refunded to a guest
// afterwards: the money did arrive); paid_total is what shoppers paid
// (total = amount + fee), fees the part of it that was the gateway fee.
// Unlike report_daily's fees (by the day of payment) this groups by the
// day of the attempt, so a payment made across WIB midnight counts on its
// creation day here. id: day digits + gateway + lowercased channel.
const reportPaymentsQuery = `SELECT
  CAST(replace(date(created, '+7 hours'), '-', '') || gateway || lower(replace(replace(channel, '_', ''), '-', '')) AS TEXT) AS id,
  CAST(date(created, '+7 hours') AS TEXT) AS day,
  gateway,
  channel,
  CAST(COUNT(*) AS INTEGER) AS count,
  CAST(SUM(paid_at != '') AS INTEGER) AS paid,
  CAST(COALESCE(SUM(CASE WHEN paid_at != '' THEN CAST(total AS INTEGER) ELSE 0 END), 0) AS INTEGER) AS paid_total,
  CAST(COALESCE(SUM(CASE WHEN paid_at != '' THEN CAST(fee AS INTEGER) ELSE 0 END), 0) AS INTEGER) AS fees,
  CAST(SUM(status = 'expired') AS INTEGER) AS expired
FROM payments
GROUP BY 2, 3, 4`
