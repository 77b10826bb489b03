package sandbox

// method is a payment method of the hosted page: code is the
// enabled_payments name, paymentType the payment_type of status answers.
type method struct {
	code, paymentType, bank, name string
}

// methods are the channels the hosted page offers, in its order.
var methods = []method{
	{"qris", "qris", "", "QRIS"},
	{"gopay", "gopay", "", "GoPay"},
	{"shopeepay", "shopeepay", "", "ShopeePay"},
	{"bca_va", "bank_transfer", "bca", "BCA Virtual Account"},
	{"bni_va", "bank_transfer", "bni", "BNI Virtual Account"},
	{"bri_va", "bank_transfer", "bri", "BRI Virtual Account"},
	{"permata_va", "bank_transfer", "permata", "Permata Virtual Account"},
	{"cimb_va", "bank_transfer", "cimb", "CIMB Niaga Virtual Account"},
	{"echannel", "echannel", "mandiri", "Mandiri Bill Payment"},
	{"indomaret", "cstore", "indomaret", "Indomaret"},
	{"alfamart", "cstore", "alfamart", "Alfamart"},
	{"credit_card", "credit_card", "bni", "Kartu Kredit/Debit"},
}

// Method codes for PickMethod, as enabled_payments spells them (QRIS is
// "other_qris" in enabled_payments; both names are accepted).
const (
	MethodQRIS       = "qris"
	MethodGoPay      = "gopay"
	MethodShopeePay  = "shopeepay"
	MethodBCAVA      = "bca_va"
	MethodBNIVA      = "bni_va"
	MethodBRIVA      = "bri_va"
	MethodPermataVA  = "permata_va"
	MethodCIMBVA     = "cimb_va"
	MethodEChannel   = "echannel"
	MethodIndomaret  = "indomaret"
	MethodAlfamart   = "alfamart"
	MethodCreditCard = "credit_card"
)

// lookupMethod finds a method by its code or enabled_payments alias.
func lookupMethod(code string) *method {
	if code == "other_qris" {
		code = MethodQRIS
	}
	for i := range methods {
		if methods[i].code == code {
			return &methods[i]
		}
	}
	return nil
}

// enabledMethods filters methods by enabled_payments (empty = all).
func enabledMethods(enabled []string) []method {
	if len(enabled) == 0 {
		return methods
	}
	var out []method
	for _, m := range methods {
		for _, e := range enabled {
			if lm := lookupMethod(e); lm != nil && lm.code == m.code {
				out = append(out, m)
				break
			}
		}
	}
	return out
}
