// Package sandbox is an in-process simulator of the Tripay payment gateway
// (closed payment), for tests, demos (serve --sandbox) and benchmarks. It
// follows docs/payments-api.md §1: same endpoints, fields, envelopes and
// signatures. It computes every signature itself and imports only the
// standard library; it is deterministic for a Config.Seed and safe for
// concurrent use.
//
// # Transport and auth
//
// A Sandbox is an http.Handler. The endpoint is the end of the path, so
// any base works: https://tripay.co.id/api-sandbox/ maps to
// <Server.URL> = http://127.0.0.1:<port>/api-sandbox/, and /api/ or no
// prefix work too. Every API call needs Authorization: Bearer <APIKey>,
// else HTTP 401 {"success":false,"message":"Invalid API Key"}. Answers are
// {"success","message","data"}; refusals are success:false with HTTP 400
// (404 "Transaction not found" for an unknown reference; 405 for a wrong
// method).
//
//   - POST transaction/create, JSON or form (PHP-style order_items[0][name]).
//     Checked in order: required fields (method, merchant_ref, amount,
//     customer_name, customer_email, order_items, signature: "The amount
//     field is required."), signature = lowercase hex HMAC-SHA256(private
//     key, merchant_code+merchant_ref+amount) ("Invalid signature"), the
//     channel exists ("Payment channel not found") and is active ("Payment
//     channel is not enabled"), amount within the channel's min/max
//     ("Minimum amount for BRI Virtual Account is Rp 10.000"), Σ
//     price×quantity = amount, customer_phone for OVO, merchant_ref not held
//     by an UNPAID or PAID transaction ("Duplicate merchant_ref…"; an
//     EXPIRED/FAILED one may be reused — INF, the doc does not say), and
//     expired_time within the channel's window (refused, not clipped; absent
//     = min(24 h, the channel's maximum)). The answer's data: reference
//     ("T" + merchant code digits + 10 random), merchant_ref,
//     payment_method, payment_name, amount, fee_merchant, fee_customer,
//     total_fee, amount_received, pay_code (VA number / retail code),
//     pay_url (e-wallets), checkout_url (this sandbox's pay page), qr_string
//     and qr_url (QRIS: an EMVCo payload with a real CRC-16 tail), status
//     UNPAID, expired_time, order_items, instructions[{title, steps}].
//     As in Tripay, amount is what the shopper pays (goods + fee_customer)
//     and amount_received = amount − total_fee.
//   - GET transaction/detail?reference= the same object plus created_at,
//     expired_at, paid_at and note (null when unset); once PAID, amount is
//     what was paid. A PayAfterExpiry on an UNPAID transaction past its
//     time pays it without an EXPIRED first.
//   - GET transaction/check-status?reference= only a sentence ("Status
//     transaksi saat ini PAID").
//   - GET merchant/transactions?merchant_ref=|reference=|method=|status=
//     &page=&per_page=&sort= a list (no instructions/QR) plus pagination;
//     no match is success with data [].
//   - GET merchant/payment-channel[?code=] the channel list: group, code,
//     name, type (direct|redirect), fee_merchant{flat,percent},
//     fee_customer{flat,percent}, total_fee{flat, percent as a string
//     "0.70"}, minimum_fee, maximum_fee (null when none), minimum_amount,
//     maximum_amount, icon_url, active. Channels: QRIS, QRISC, QRIS2 (group
//     "E-Wallet", as Tripay lists QRIS), OVO, DANA, SHOPEEPAY (redirect),
//     BRIVA, BNIVA, BCAVA, MANDIRIVA, PERMATAVA, CIMBVA, BSIVA, MUAMALATVA
//     (inactive), ALFAMART, INDOMARET, ALFAMIDI; fees and limits as in the
//     doc, charged to the shopper unless Config.MerchantPaysFee.
//   - GET merchant/fee-calculator?amount=[&code=] [{code, name, fee{flat,
//     percent, min, max}, total_fee{merchant, customer}}].
//
// # Pay page and control API
//
// checkout_url is GET <base>sandbox/pay/{reference}: an Indonesian page with
// the total, channel, pay code or QR string and, while UNPAID, the buttons
// Bayar, Gagalkan and Kedaluwarsakan. They POST to <base>sandbox/control
// (action=pay|pay-amount|pay-after-expiry|fail|expire|refund, reference,
// amount, page=1), which redirects to return_url (or back to the page).
// Without page=1 it answers the envelope with the detail. The same in Go:
// Pay, PayAmount (a wrong amount), PayAfterExpiry, Fail, Expire, Refund.
// Transactions expire by themselves at expired_time: lazily on every read,
// and by Step (Start runs it every 50 ms).
//
// # Notifications
//
// Every status change POSTs JSON to the transaction's callback_url, else
// Config.CallbackURL, with X-Callback-Event: payment_status and
// X-Callback-Signature = lowercase hex HMAC-SHA256(private key, raw body).
// Body: reference, merchant_ref, payment_method (name),
// payment_method_code, total_amount, fee_merchant, fee_customer, total_fee,
// amount_received, is_closed_payment (1), status, paid_at (unix or null),
// note. Anything but a JSON answer with success true is retried per
// Config.RetrySchedule (default 3 retries 50 ms apart; Tripay's own is every
// 2 minutes, 3 times: RealRetrySchedule). Deliveries are asynchronous; one
// transaction's notifications leave in order. Flush waits for them,
// Deliveries lists every attempt, Close stops them.
//
// # Faults and the request log
//
// Inject(Fault{Kind, Endpoint, Times, …}) / ClearFaults, as in
// vipreseller/sandbox: request faults Timeout (a create is applied, then the
// connection is dropped unanswered), HTTPError (5xx; Applied creates
// anyway), Garbage, Latency; notification faults NotifyDuplicate,
// NotifyDelay, NotifyLost, NotifyOutOfOrder (ReleaseHeld sends what is
// still held), NotifyBadSignature. Every
// request is logged without signatures or the API key: Requests, Count,
// ResetRequests.
package sandbox
