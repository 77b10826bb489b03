package sandbox

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestControlPayPicksQRISAndPayAmount(t *testing.T) {
	sb, _, rc := sbWithReceiver(t, Config{})
	mustCreate(t, sb, "VB-C1", 10_000)
	require.NoError(t, sb.Pay("VB-C1"))
	tx, _ := sb.Transaction("VB-C1")
	assert.Equal(t, MethodQRIS, tx.Method)
	assert.Equal(t, StatusSettlement, tx.Status)
	assert.Equal(t, int64(10_000), tx.PaidAmount)
	assert.ErrorIs(t, sb.Pay("VB-C1"), ErrNotPending)

	mustCreate(t, sb, "VB-C2", 10_000)
	require.NoError(t, sb.PickMethod("VB-C2", MethodBNIVA))
	require.NoError(t, sb.PayAmount("VB-C2", 9_000))
	a := statusOf(t, sb, "VB-C2")
	assert.Equal(t, "9000.00", a.str("gross_amount"), "the mismatch is visible")
	assert.Equal(t, sig("VB-C2", "200", "9000.00", DefaultServerKey), a.str("signature_key"))
	sb.Flush()
	var last notice
	for _, n := range rc.notices() {
		if n.OrderID == "VB-C2" {
			last = n
		}
	}
	assert.Equal(t, "settlement", last.TransactionStatus)
	assert.Equal(t, "9000.00", last.GrossAmount)
	assert.True(t, last.Valid)
	assert.ErrorIs(t, sb.Pay("VB-NONE"), ErrUnknownTransaction)
}

func TestControlPayAfterExpiry(t *testing.T) {
	sb, clk, rc := sbWithReceiver(t, Config{})
	mustCreate(t, sb, "VB-C3", 10_000)
	assert.ErrorIs(t, sb.PayAfterExpiry("VB-C3"), ErrNotExpired)
	require.NoError(t, sb.PickMethod("VB-C3", MethodQRIS))
	clk.Add(25 * time.Hour)
	assert.ErrorIs(t, sb.Pay("VB-C3"), ErrExpired)
	require.NoError(t, sb.PayAfterExpiry("VB-C3"))
	assert.Equal(t, "settlement", statusOf(t, sb, "VB-C3").str("transaction_status"))
	sb.Flush()
	assert.Equal(t, []string{"pending", "expire", "settlement"}, rc.statuses())

	mustCreate(t, sb, "VB-C4", 10_000)
	require.NoError(t, sb.Expire("VB-C4"))
	require.NoError(t, sb.PayAfterExpiry("VB-C4"), "never started, paid anyway")
	a := statusOf(t, sb, "VB-C4")
	assert.Equal(t, "qris", a.str("payment_type"))
	assert.Equal(t, "settlement", a.str("transaction_status"))
}

func TestControlFailExpireCancel(t *testing.T) {
	sb, _ := newSB(t, Config{})
	mustCreate(t, sb, "VB-C5", 10_000)
	require.NoError(t, sb.Fail("VB-C5"))
	a := statusOf(t, sb, "VB-C5")
	assert.Equal(t, "deny", a.str("transaction_status"))
	assert.Equal(t, "202", a.str("status_code"))
	assert.Equal(t, "deny", a.str("fraud_status"))
	assert.ErrorIs(t, sb.Expire("VB-C5"), ErrNotPending)
	assert.ErrorIs(t, sb.Cancel("VB-C5"), ErrNotPending)

	mustCreate(t, sb, "VB-C6", 10_000)
	require.NoError(t, sb.PickMethod("VB-C6", MethodBRIVA))
	require.NoError(t, sb.Cancel("VB-C6"))
	assert.Equal(t, "cancel", statusOf(t, sb, "VB-C6").str("transaction_status"))
}

func TestControlChallengeReverseRefund(t *testing.T) {
	sb, _, rc := sbWithReceiver(t, Config{})
	mustCreate(t, sb, "VB-C7", 50_000)
	require.NoError(t, sb.Challenge("VB-C7"))
	a := statusOf(t, sb, "VB-C7")
	assert.Equal(t, []string{"capture", "challenge", "201", "credit_card"},
		[]string{a.str("transaction_status"), a.str("fraud_status"), a.str("status_code"), a.str("payment_type")})
	require.NoError(t, sb.AcceptChallenge("VB-C7"))
	a = statusOf(t, sb, "VB-C7")
	assert.Equal(t, []string{"capture", "accept", "200"}, []string{a.str("transaction_status"), a.str("fraud_status"), a.str("status_code")})
	assert.ErrorIs(t, sb.AcceptChallenge("VB-C7"), ErrNotChallenged)
	require.NoError(t, sb.Refund("VB-C7"))
	a = statusOf(t, sb, "VB-C7")
	assert.Equal(t, "refund", a.str("transaction_status"))
	assert.Equal(t, "50000.00", a.str("refund_amount"))

	mustCreate(t, sb, "VB-C8", 50_000)
	require.NoError(t, sb.Challenge("VB-C8"))
	require.NoError(t, sb.DenyChallenge("VB-C8"))
	a = statusOf(t, sb, "VB-C8")
	assert.Equal(t, []string{"deny", "deny", "202"}, []string{a.str("transaction_status"), a.str("fraud_status"), a.str("status_code")})

	mustCreate(t, sb, "VB-C9", 10_000)
	require.NoError(t, sb.PickMethod("VB-C9", MethodQRIS))
	assert.ErrorIs(t, sb.Challenge("VB-C9"), ErrNotCard)
	assert.ErrorIs(t, sb.Reverse("VB-C9"), ErrNotPaid)
	require.NoError(t, sb.Pay("VB-C9"))
	require.NoError(t, sb.Reverse("VB-C9"))
	assert.Equal(t, "deny", statusOf(t, sb, "VB-C9").str("transaction_status"))
	assert.ErrorIs(t, sb.Refund("VB-C9"), ErrNotPaid)

	mustCreate(t, sb, "VB-C10", 10_000)
	require.NoError(t, sb.PickMethod("VB-C10", MethodCreditCard))
	require.NoError(t, sb.Pay("VB-C10"))
	a = statusOf(t, sb, "VB-C10")
	assert.Equal(t, []string{"capture", "accept", "481111-1114"}, []string{a.str("transaction_status"), a.str("fraud_status"), a.str("masked_card")})

	sb.Flush()
	var c9 []string
	for _, n := range rc.notices() {
		assert.True(t, n.Valid)
		if n.OrderID == "VB-C9" {
			c9 = append(c9, n.TransactionStatus)
		}
	}
	assert.Equal(t, []string{"pending", "settlement", "deny"}, c9)
}
