package sandbox

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStatus404UntilMethodPicked(t *testing.T) {
	sb, _ := newSB(t, Config{})
	for _, id := range []string{"VB-NONE", "VB-6001"} {
		if id == "VB-6001" {
			mustCreate(t, sb, id, 10_000)
		}
		a := statusOf(t, sb, id)
		assert.Equal(t, http.StatusNotFound, a.code)
		assert.Equal(t, map[string]any{"status_code": "404", "status_message": "Transaction doesn't exist."}, a.m)
	}
	require.NoError(t, sb.PickMethod("VB-6001", MethodBCAVA))
	a := statusOf(t, sb, "VB-6001")
	require.Equal(t, http.StatusOK, a.code)
	tx, _ := sb.Transaction("VB-6001")
	assert.Equal(t, "201", a.str("status_code"))
	assert.Equal(t, "Success, transaction is found", a.str("status_message"))
	assert.Equal(t, tx.TransactionID, a.str("transaction_id"))
	assert.Equal(t, "10000.00", a.str("gross_amount"))
	assert.Equal(t, "bank_transfer", a.str("payment_type"))
	assert.Equal(t, "pending", a.str("transaction_status"))
	assert.Equal(t, "accept", a.str("fraud_status"))
	assert.Equal(t, "IDR", a.str("currency"))
	assert.Equal(t, DefaultMerchantID, a.str("merchant_id"))
	assert.Equal(t, "2026-03-14 17:00:00", a.str("transaction_time"), "WIB")
	assert.Equal(t, "2026-03-15 17:00:00", a.str("expiry_time"), "default 24 h from the pick")
	assert.Equal(t, []any{map[string]any{"bank": "bca", "va_number": tx.PayCode}}, a.m["va_numbers"])
	assert.Equal(t, sig("VB-6001", "201", "10000.00", DefaultServerKey), a.str("signature_key"))
	assert.NotContains(t, a.m, "settlement_time")

	require.NoError(t, sb.Pay("VB-6001"))
	a = statusOf(t, sb, "VB-6001")
	assert.Equal(t, "200", a.str("status_code"))
	assert.Equal(t, "settlement", a.str("transaction_status"))
	assert.Equal(t, "2026-03-14 17:00:00", a.str("settlement_time"))
}

func TestStatusFieldsPerMethod(t *testing.T) {
	sb, _ := newSB(t, Config{})
	for m, check := range map[string]func(a answer){
		MethodQRIS:      func(a answer) { assert.Equal(t, "gopay", a.str("acquirer")) },
		MethodPermataVA: func(a answer) { assert.Len(t, a.str("permata_va_number"), 15) },
		MethodEChannel:  func(a answer) { assert.Equal(t, "70012", a.str("biller_code")); assert.Len(t, a.str("bill_key"), 12) },
		MethodIndomaret: func(a answer) {
			assert.Equal(t, "indomaret", a.str("store"))
			assert.NotEmpty(t, a.str("payment_code"))
		},
		"other_qris": func(a answer) { assert.Equal(t, "qris", a.str("payment_type")) },
	} {
		id := "VB-M-" + m
		mustCreate(t, sb, id, 10_000)
		require.NoError(t, sb.PickMethod(id, m))
		check(statusOf(t, sb, id))
	}
	mustCreate(t, sb, "VB-M-x", 10_000)
	assert.ErrorIs(t, sb.PickMethod("VB-M-x", "bitcoin"), ErrUnknownMethod)
	require.NoError(t, sb.PickMethod("VB-M-x", MethodGoPay))
	assert.ErrorIs(t, sb.PickMethod("VB-M-x", MethodQRIS), ErrMethodChosen)

	b := validBody("VB-M-en", 10_000)
	b["enabled_payments"] = []string{"bca_va", "other_qris"}
	require.Equal(t, http.StatusCreated, postCreate(t, sb, b).code)
	assert.ErrorIs(t, sb.PickMethod("VB-M-en", MethodGoPay), ErrMethodNotEnabled)
	require.NoError(t, sb.PickMethod("VB-M-en", MethodQRIS))
}

func TestCoreCancelAndExpire(t *testing.T) {
	sb, _, rc := sbWithReceiver(t, Config{})
	mustCreate(t, sb, "VB-7001", 10_000)
	assert.Equal(t, http.StatusNotFound, core(t, sb, http.MethodPost, "VB-7001", EndpointCancel).code, "Core does not have it yet")
	require.NoError(t, sb.PickMethod("VB-7001", MethodQRIS))
	a := core(t, sb, http.MethodPost, "VB-7001", EndpointCancel)
	assert.Equal(t, http.StatusOK, a.code)
	assert.Equal(t, "200", a.str("status_code"))
	assert.Equal(t, "cancel", a.str("transaction_status"))
	a = core(t, sb, http.MethodPost, "VB-7001", EndpointCancel)
	assert.Equal(t, http.StatusPreconditionFailed, a.code)
	assert.Equal(t, map[string]any{"status_code": "412", "status_message": msgCannotModify}, a.m)
	assert.Equal(t, http.StatusMethodNotAllowed, core(t, sb, http.MethodGet, "VB-7001", EndpointCancel).code)

	mustCreate(t, sb, "VB-7002", 10_000)
	require.NoError(t, sb.PickMethod("VB-7002", MethodQRIS))
	a = core(t, sb, http.MethodPost, "VB-7002", EndpointExpire)
	assert.Equal(t, http.StatusOK, a.code)
	assert.Equal(t, "407", a.str("status_code"))
	assert.Equal(t, "expire", a.str("transaction_status"))
	a = statusOf(t, sb, "VB-7002")
	assert.Equal(t, "407", a.str("status_code"))
	assert.Equal(t, sig("VB-7002", "407", "10000.00", DefaultServerKey), a.str("signature_key"))

	mustCreate(t, sb, "VB-7003", 10_000)
	require.NoError(t, sb.Pay("VB-7003"))
	assert.Equal(t, http.StatusPreconditionFailed, core(t, sb, http.MethodPost, "VB-7003", EndpointExpire).code, "settled")

	mustCreate(t, sb, "VB-7004", 10_000)
	a = core(t, sb, http.MethodPost, "VB-7004", EndpointExpire)
	assert.Equal(t, http.StatusOK, a.code, "a not-started one can be expired")
	assert.Equal(t, http.StatusNotFound, statusOf(t, sb, "VB-7004").code, "and stays unknown to Core")
	assert.Equal(t, http.StatusNotFound, core(t, sb, http.MethodPost, "VB-NONE", EndpointExpire).code)

	sb.Flush()
	got := map[string][]string{}
	for _, n := range rc.notices() {
		got[n.OrderID] = append(got[n.OrderID], n.TransactionStatus+"/"+n.StatusCode)
	}
	assert.Equal(t, []string{"pending/201", "cancel/200"}, got["VB-7001"])
	assert.Equal(t, []string{"pending/201", "expire/202"}, got["VB-7002"], "an expire notification says 202")
	assert.NotContains(t, got, "VB-7004")
}

func TestExpiryWithStartTime(t *testing.T) {
	sb, clk, rc := sbWithReceiver(t, Config{})
	b := validBody("VB-8001", 10_000)
	b["expiry"] = map[string]any{"start_time": "2026-03-14 17:00:00 +0700", "unit": "minute", "duration": 30}
	require.Equal(t, http.StatusCreated, postCreate(t, sb, b).code)
	tx, _ := sb.Transaction("VB-8001")
	assert.Equal(t, t0.Add(30*time.Minute), tx.ExpiresAt.UTC(), "the window started at start_time")

	clk.Add(20 * time.Minute)
	require.NoError(t, sb.PickMethod("VB-8001", MethodQRIS))
	assert.Equal(t, "2026-03-14 17:30:00", statusOf(t, sb, "VB-8001").str("expiry_time"), "picking does not restart it")
	clk.Add(10 * time.Minute)
	assert.Equal(t, 1, sb.Step())
	assert.ErrorIs(t, sb.Pay("VB-8001"), ErrExpired)
	assert.Equal(t, "expire", statusOf(t, sb, "VB-8001").str("transaction_status"))

	// Never picked: it lapses silently, and the order_id is free again.
	b = validBody("VB-8002", 10_000)
	b["expiry"] = map[string]any{"start_time": "2026-03-14 17:30:00 +0700", "unit": "hour", "duration": 1}
	require.Equal(t, http.StatusCreated, postCreate(t, sb, b).code)
	clk.Add(time.Hour)
	assert.ErrorIs(t, sb.PickMethod("VB-8002", MethodQRIS), ErrExpired)
	assert.Equal(t, http.StatusNotFound, statusOf(t, sb, "VB-8002").code)
	mustCreate(t, sb, "VB-8002", 10_000)
	sb.Flush()
	assert.Equal(t, []string{"pending", "expire"}, rc.statuses())
}

func TestExpiryWithoutStartTimeStartsAtPick(t *testing.T) {
	sb, clk, rc := sbWithReceiver(t, Config{})
	b := validBody("VB-9001", 10_000)
	b["expiry"] = map[string]any{"unit": "minute", "duration": 15}
	require.Equal(t, http.StatusCreated, postCreate(t, sb, b).code)
	clk.Add(3 * time.Hour) // the store gave up long ago
	assert.Zero(t, sb.Step())
	require.NoError(t, sb.PickMethod("VB-9001", MethodGoPay))
	tx, _ := sb.Transaction("VB-9001")
	assert.Equal(t, t0.Add(3*time.Hour+15*time.Minute), tx.ExpiresAt.UTC())
	clk.Add(14 * time.Minute)
	require.NoError(t, sb.Pay("VB-9001"), "still payable: the window started at the pick")
	sb.Flush() // order holds within a transaction, not across them

	mustCreate(t, sb, "VB-9002", 10_000) // no expiry at all: 24 h from the pick
	clk.Add(23 * time.Hour)
	require.NoError(t, sb.PickMethod("VB-9002", MethodQRIS))
	clk.Add(24 * time.Hour)
	assert.Equal(t, 1, sb.Step())
	sb.Flush()
	assert.Equal(t, []string{"pending", "settlement", "pending", "expire"}, rc.statuses())

	mustCreate(t, sb, "VB-9003", 10_000)
	clk.Add(DefaultExpiry)
	assert.Equal(t, 1, sb.Step(), "an unpicked token lapses after 24 h")
	tx, _ = sb.Transaction("VB-9003")
	assert.Equal(t, StatusExpire, tx.Status)
}
