// Package sandbox is an in-process simulator of Midtrans Snap and the Core
// API, for tests, demos (serve --sandbox) and benchmarks. It follows
// docs/payments-api.md §2: same endpoints, fields, answers and signatures.
// It computes every signature itself and imports only the standard
// library; it is deterministic for a Config.Seed and safe for concurrent
// use. Its shape (Config, Start, control API, faults, request log) is the
// Tripay simulator's, payment/tripay/sandbox.
//
// # Transport and auth
//
// A Sandbox is an http.Handler; the endpoint is read from the end of the
// path, so Server.SnapURL (http://127.0.0.1:<port>/snap/v1/) and
// Server.CoreURL (…/v2/) stand in for app.sandbox.midtrans.com/snap/v1/ and
// api.sandbox.midtrans.com/v2/. Every API call needs HTTP Basic auth with
// the server key as user (the password is ignored; Midtrans documents it
// empty), else HTTP 401 {"status_code":"401","status_message":"Access
// denied due to unauthorized transaction, please check client or server
// key"} (Snap's answer also carries error_messages).
//
//   - POST {snap}/transactions. Validated like Snap, every problem listed in
//     400 {"error_messages":[…]}: transaction_details.order_id required, ≤ 50
//     characters of letters, digits and -_~.; gross_amount required, an
//     integer ("transaction_details.gross_amount is not an integer" for
//     10000.5; a string holding an integer is accepted), ≥ 1; item_details
//     price and quantity integers, quantity ≥ 1, name required, Σ
//     price×quantity = gross_amount ("transaction_details.gross_amount is not
//     equal to the sum of item_details"); enabled_payments must leave a
//     method; expiry {start_time "2006-01-02 15:04:05 -0700", unit
//     minute|hour|day (plurals too), duration ≥ 1}. An order_id held by a
//     transaction that is not expired: 400 ["transaction_details.order_id
//     sudah digunakan"]; an expired one is replaced (Transaction.Replaced).
//     Answer 201 {"token", "redirect_url": <base>snap/v2/vtweb/<token>}.
//     X-Override-Notification (up to 3 comma-separated URLs) replaces the
//     dashboard URL for that transaction; X-Append-Notification adds to it.
//   - GET {core}/{order_id}/status: the status object (status_code,
//     status_message "Success, transaction is found", transaction_id,
//     order_id, merchant_id, gross_amount "10000.00", currency IDR,
//     payment_type, transaction_time, transaction_status, fraud_status,
//     signature_key, settlement_time, expiry_time, and per method va_numbers
//     | permata_va_number | bill_key+biller_code | payment_code+store |
//     acquirer | masked_card+bank+card_type; refund_amount). HTTP 404
//     {"status_code":"404","status_message":"Transaction doesn't exist."}
//     for an unknown order_id and, as Snap does, until the shopper has
//     picked a method. Found transactions answer HTTP 200 whatever their
//     status_code ("407" for expire: HTTP 407 would mean something else).
//   - POST {core}/{order_id}/cancel: pending only (200, status_code "200",
//     "Success, transaction is canceled"), else 412 "Merchant cannot modify
//     the status of the transaction"; 404 as for status.
//   - POST {core}/{order_id}/expire: pending or not started → expire (200,
//     status_code "407"), else 412. A not-started one is not notified and
//     its status stays 404 (Core never had it).
//
// status_code by state: pending 201, settlement 200, capture 200 (201 in
// fraud challenge), deny 202, cancel 200, refund 200, expire 202 in
// notifications and 407 in status answers.
//
// # Payment window
//
// With expiry.start_time the window is [start_time, start_time+duration]:
// a shopper who has not picked a method by then finds the token expired
// (silently: no notification, status 404). Without it the window (duration,
// default 24 h) starts when the method is picked, so a shopper can pay long
// after the store gave up; an unpicked token lapses after max(24 h,
// duration) (INF). A pending transaction past its window expires (notified)
// lazily on every read and by Step (Start runs it every 50 ms).
//
// # Hosted page and control API
//
// redirect_url is GET <base>snap/v2/vtweb/{token}: a page (Indonesian and
// English) with the amount and, before a method is picked, one button per
// enabled method (data-testid method-qris, method-gopay, method-bca_va, …);
// then the pay code and the buttons Bayar (pay → settlement), Gagalkan
// (fail → deny) and Kedaluwarsakan (expire); and, once a method is picked,
// a link (data-testid finish) to callbacks.finish?order_id=&status_code=
// &transaction_status=. The buttons are form POSTs to the page itself
// (action=pick&method=…|pay|fail|expire) answered 303 back to it. The same
// in Go: PickMethod, Pay, PayAmount (another gross_amount), PayAfterExpiry,
// Fail, Expire, Cancel, Challenge (card capture in fraud challenge),
// AcceptChallenge, DenyChallenge, Reverse (settlement → deny), Refund.
// A credit_card payment settles as capture + accept.
//
// # Notifications
//
// Every status change of a transaction with a method POSTs its status
// object (status_message "midtrans payment notification", signature_key =
// lowercase hex SHA512(order_id+status_code+gross_amount+server key)) to the
// override URLs, else Config.NotificationURL plus the append URLs. A 2xx
// accepts it; otherwise the retries allowed by the answer (RetriesFor: 500
// → 1, 503 → 4, 400/404 → 2, 3xx → none, anything else or no answer → 5)
// follow Config.RetrySchedule (default: Midtrans's 2, 10, 30, 90, 210
// minutes as milliseconds; RealRetrySchedule). Redirects are not followed.
// Deliveries are asynchronous; one transaction's notifications leave in
// order. Flush waits for them, Deliveries lists every attempt, Close stops
// them.
//
// # Faults and the request log
//
// Inject(Fault{Kind, Endpoint, Times, …}) / ClearFaults: request faults
// Timeout (the operation is applied, then the connection is dropped
// unanswered), HTTPError (500 HTML; Applied applies anyway), Garbage,
// Latency; notification faults NotifyDuplicate, NotifyDelay, NotifyLost,
// NotifyOutOfOrder (ReleaseHeld sends what is still held),
// NotifyBadSignature, NotifyLatePending (the pending notification again
// after the settlement). Every request is logged without its Authorization
// header: Requests, Count, ResetRequests.
package sandbox
