package hooks

import "strings"

// PaymentNotifyPath is where a gateway sends its notifications
// (POST /api/payments/<gateway>).
func PaymentNotifyPath(gateway string) string { return "/api/payments/" + gateway }

// publicURL is the store's public base URL without a trailing slash:
// VIPBASE_PUBLIC_URL, else Settings › Application URL, else "" (unknown).
func (s *Service) publicURL() string {
	u := s.cfg.PublicURL
	if u == "" {
		u = s.app.Settings().Meta.AppURL
	}
	return strings.TrimRight(strings.TrimSpace(u), "/")
}

// paymentCallbackURL is the notification URL to give gateway for this
// store ("" when the public URL is unknown: the gateway's dashboard
// setting applies).
func (s *Service) paymentCallbackURL(gateway string) string {
	if s.payCallbackBase != "" {
		return s.payCallbackBase + PaymentNotifyPath(gateway)
	}
	if u := s.publicURL(); u != "" {
		return u + PaymentNotifyPath(gateway)
	}
	return ""
}

// paymentReturnURL is where the gateway's page sends the shopper back: the
// storefront's invoice page of the payment.
func (s *Service) paymentReturnURL(number string) string {
	if u := s.publicURL(); u != "" {
		return u + "/bayar/" + number
	}
	return ""
}
