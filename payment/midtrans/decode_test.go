package midtrans

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vipbase/vipbase/payment"
)

func TestNormaliseStatus(t *testing.T) {
	cases := []struct {
		tx, fraud string
		want      payment.Status
		hold      string
	}{
		{"settlement", "", payment.StatusPaid, ""},
		{"settlement", "accept", payment.StatusPaid, ""},
		{"Settlement ", "", payment.StatusPaid, ""},
		{"capture", "accept", payment.StatusPaid, ""},
		{"capture", "challenge", payment.StatusUnpaid, "fraud challenge: accept or deny it in the Midtrans dashboard"},
		{"capture", "", payment.StatusUnpaid, HoldNoFraud},
		{"capture", "deny", payment.StatusFailed, ""},
		{"deny", "", payment.StatusFailed, ""},
		{"cancel", "", payment.StatusFailed, ""},
		{"failure", "", payment.StatusFailed, ""},
		{"expire", "", payment.StatusExpired, ""},
		{"pending", "", payment.StatusUnpaid, ""},
		{"pending", "challenge", payment.StatusUnpaid, ""},
		{"refund", "accept", payment.StatusRefunded, ""},
		{"partial_refund", "", payment.StatusRefunded, ""},
		{"chargeback", "", payment.StatusRefunded, ""},
		{"partial_chargeback", "", payment.StatusRefunded, ""},
	}
	for _, tc := range cases {
		got, hold, err := NormaliseStatus(tc.tx, tc.fraud)
		require.NoError(t, err, tc.tx+"/"+tc.fraud)
		assert.Equal(t, tc.want, got, tc.tx+"/"+tc.fraud)
		assert.Equal(t, tc.hold, hold, tc.tx+"/"+tc.fraud)
	}
	for _, bad := range [][2]string{{"", ""}, {"authorize", ""}, {"paid", ""}, {"capture", "review"}} {
		_, _, err := NormaliseStatus(bad[0], bad[1])
		assert.ErrorIs(t, err, ErrUnknownStatus, bad)
	}
}

func TestParseRupiah(t *testing.T) {
	for s, want := range map[string]int64{"10000.00": 10_000, "10000": 10_000, "10000.0": 10_000, " 1 ": 1, "0.00": 0} {
		got, err := parseRupiah(s)
		require.NoError(t, err, s)
		assert.Equal(t, want, got, s)
	}
	for _, s := range []string{"10000.50", "10000.01", "10.000", "10,000.00", "-1", "+1", "1e4", "", ".00", "10000.", "10000.000", "abc", "99999999999999999999"} {
		_, err := parseRupiah(s)
		assert.Error(t, err, s)
	}
}
