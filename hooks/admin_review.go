package hooks

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// An order or payment with a review waits on a person (design §13): the
// console lists it until the operator says it was handled. Resolving
// clears the review on the order and its payments together and keeps what
// it said, who handled it and their note in an order_events row (source
// admin) — or, for a top-up without an order, in the log. Money still
// owed to a shopper is not waved away here: record the refund first.

// CodeRefundStillDue is 409 on resolving a review whose payment still owes the shopper.
const CodeRefundStillDue = "refund_still_due"

func (s *Service) registerAdminReview() {
	s.app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.POST("/api/admin/reviews/resolve", s.handleResolveReview).Bind(apis.RequireSuperuserAuth())
		return se.Next()
	})
}

type resolveBody struct {
	OrderNumber   string `json:"orderNumber"`
	PaymentNumber string `json:"paymentNumber"`
	Note          string `json:"note"`
}

func (s *Service) handleResolveReview(e *core.RequestEvent) error {
	var b resolveBody
	if err := e.BindBody(&b); err != nil || (strings.TrimSpace(b.OrderNumber) == "") == (strings.TrimSpace(b.PaymentNumber) == "") {
		return invalidBody(`Send {"orderNumber": "…"} or {"paymentNumber": "PAY-…"}, with an optional "note".`, err)
	}
	by := e.Auth.GetString("email")
	var owed int64
	var resolved []string
	var logPayment, logNote string
	err := s.app.RunInTransaction(func(tx core.App) error {
		var o, p *core.Record
		var err error
		if n := strings.TrimSpace(b.OrderNumber); n != "" {
			if o, err = tx.FindFirstRecordByData("orders", "number", n); err != nil {
				return errOrderNotFound()
			}
		} else {
			if p, err = tx.FindFirstRecordByData("payments", "number", strings.TrimSpace(b.PaymentNumber)); err != nil {
				return errPaymentNotFound()
			}
			if id := p.GetString("order"); id != "" {
				if o, err = tx.FindRecordById("orders", id); err != nil {
					return err
				}
			}
		}
		pays := []*core.Record{}
		if o != nil {
			if pays, err = tx.FindAllRecords("payments", dbx.HashExp{"order": o.Id}); err != nil {
				return err
			}
		} else {
			pays = append(pays, p)
		}
		var said []string
		for _, pay := range pays {
			if pay.GetString("status") == PaymentPaid && pay.GetInt("refund_due") > 0 {
				owed = int64(pay.GetInt("refund_due"))
				return nil
			}
		}
		if o != nil && o.GetString("review") != "" {
			said = append(said, o.GetString("review"))
			o.Set("review", "")
			if err := s.writeRecord(tx, o); err != nil {
				return err
			}
			resolved = append(resolved, o.GetString("number"))
		}
		for _, pay := range pays {
			if r := pay.GetString("review"); r != "" {
				if !strings.Contains(strings.Join(said, "\n"), r) {
					said = append(said, r)
				}
				pay.Set("review", "")
				if err := s.writeRecord(tx, pay); err != nil {
					return err
				}
				resolved = append(resolved, pay.GetString("number"))
			}
		}
		if len(resolved) == 0 {
			return nil
		}
		note := "Review resolved by " + by + "."
		if n := strings.TrimSpace(b.Note); n != "" {
			note += " " + n
		}
		note = truncate(note+" It said: "+strings.Join(said, " | "), 2000)
		if o != nil {
			return s.addOrderEvent(tx, o.Id, o.GetString("status"), o.GetString("status"), SourceAdmin, note)
		}
		logPayment, logNote = p.GetString("number"), note // a top-up has no order_events: the log keeps it
		return nil
	})
	var apiErr *router.ApiError
	switch {
	case errors.As(err, &apiErr):
		return apiErr
	case err != nil:
		return apiError(http.StatusInternalServerError, CodeInternal, "", err)
	}
	if logPayment != "" {
		s.app.Logger().Info("review resolved", "payment", logPayment, "note", logNote)
	}
	if owed > 0 {
		return apiError(http.StatusConflict, CodeRefundStillDue,
			fmt.Sprintf("Rp %s is still owed to the shopper: return it and record it (POST /api/admin/payments/refund) first.", Rupiah(owed)), nil)
	}
	return ok(e, map[string]any{"resolved": resolved})
}
