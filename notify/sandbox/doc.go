// Package sandbox is an in-process fake of Fonnte's send endpoint, with an
// inbox that keeps every WhatsApp message sent through it and the e-mails
// the shop mirrors into it, and the page that shows them (design §12,
// "Sandbox"). serve --sandbox points notify.Fonnte at it and mounts the page
// at /_sandbox/inbox; tests use it to see what a shopper would receive. It
// is a leaf: the standard library and internal/simhttp, no PocketBase and
// not notify itself, so a bug in the client is not mirrored here.
//
// # The send endpoint
//
// A Sandbox is an http.Handler for POST …/send (any path ending in /send;
// Server.URL is http://127.0.0.1:<port>/send). It reads what notify.Fonnte
// sends: a form, URL-encoded or multipart, with target, message and
// countryCode, and the header Authorization: <token>. The checks, in order,
// each answering HTTP 200 with {"status":false,"reason":…}, reasons worded
// so notify classifies them as it would Fonnte's:
//
//   - Authorization must equal Config.Token (a random one when empty, see
//     Token): else "invalid token" (permanent);
//   - target, split on commas, each all digits and, after countryCode
//     (default 62; "0" = none) replaces a leading 0, an Indonesian mobile
//     ^628[0-9]{7,12}$: else "invalid target" (permanent). INF: real Fonnte
//     sends to any number on WhatsApp and reports bad ones per target; the
//     shop only sends to Indonesian mobiles, so one bad target refuses all;
//   - message not blank: else "empty message" (permanent).
//
// An accepted send puts one Message per target into the inbox and answers
// {"detail":"success! message in queue","id":["80000001"],"process":"pending",
// "requestid":2000001,"status":true,"target":["6281234567890"]}; the ids are
// the inbox's Message.ID. Other paths answer 404 and other methods 405, with
// the same envelope. Bodies over 1 MiB answer 413 "request too large".
//
// # Inbox
//
// Inbox (embedded in Sandbox) keeps the last Config.Keep messages (default
// 500), WhatsApp and e-mail (AddEmail, which the hooks call from the mailer
// hook). Messages and For return them newest first; Since pages by id;
// WaitFor and WaitUntil block a test until messages arrive; Reset empties
// it. InboxHandler serves the page and its JSON feed; see its doc for the
// paths. The page is one self-contained HTML document (inline CSS and JS,
// Indonesian, phone-sized): a card per recipient, WhatsApp messages as
// green bubbles with their line breaks, e-mails with subject and text (the
// HTML part in a sandboxed frame on request), newest first, polling the
// feed every 2 s. Message content is rendered only with textContent, never
// parsed as HTML. Browser tests find data-testid="inbox-message" (each
// message, with data-channel and data-id), "inbox-thread" (each recipient,
// data-to) and "inbox-empty" (the empty state).
//
// # Faults and the request log
//
// Inject(Fault{Kind, Target, Times, …}) / ClearFaults, as in the other
// sandboxes: FaultTransient ("device disconnected"), FaultPermanent
// ("invalid target" for a number that looks right), FaultHTTPError (HTML
// 500), FaultLatency (a slow answer), FaultNotJSON (200 text/plain) and
// FaultTimeout (no answer); with Applied the last three deliver the message
// anyway, the case where the client cannot know. Every request is logged
// without the token or the text: Requests, Hits, ResetRequests.
package sandbox
