// Package sandbox is an in-process simulator of the VIP-Reseller (VIPayment)
// H2H API, for tests, demos (serve --sandbox) and benchmarks. It follows
// docs/vip-api.md: same endpoints, params, envelopes, field names and
// messages. It is deterministic for a Config.Seed and safe for concurrent
// use; it imports only the standard library.
//
// # Transport and auth
//
// A Sandbox is an http.Handler serving POST /api/profile, /api/game-feature,
// /api/prepaid and /api/social-media; the last path segment picks the
// endpoint, so the /api prefix is optional. Other paths answer 404. Only
// POST form values count (urlencoded or multipart, like PHP's $_POST). Every
// answer is HTTP 200 with {"result","data","message"}; errors carry
// result:false and data:null:
//
//   - not POST, or key, sign (or type, except profile) missing: "Request not detected."
//   - key other than Config.APIKey: "API Key not registered."
//   - sign other than md5(APIID+APIKey) in lowercase hex: "API Signature not valid."
//   - type unknown for the endpoint: "Type '<x>' is not valid"
//
// Types per endpoint: game-feature takes services, order, status,
// service-stock and get-nickname; prepaid and social-media take services,
// order and status; profile takes none.
//
// # Catalog
//
// The catalog is generated from Seed, sized by Config (defaults 60 game, 80
// prepaid, 40 social rows; 20,000 rows generate in milliseconds) and always
// holds these rows: game ML14-S14, ML86-S2, ML172-S2, ML257-S2, FF5-S13,
// FF100-S13, FF140-S13, FFMAX100-S24, GI60-S24, IQIYISHARED-S1, the
// stock-tracked NETFLIX1M-S1 (stock 12) and SPOTIFY1M-S1 (stock 8), and
// MLGIFT269-S1 with status empty; prepaid TELKOMSEL_10K, TELKOMSEL_25K,
// XLDHR3, INDOSAT10, PLN20, PLN50, DANA25; social ids 1001 (Instagram
// Followers, 50–10,000), 1002, 2001, 3249 (TikTok Views, 100–100,000) and
// 3250. About 3 % of generated rows are empty.
//
// The prepaid list starts with a row whose fields are all empty strings, as
// the real list does; filtered lists omit it. Social min/max are strings.
// Filters: game filter_type=game&filter_value=X or filter_game=X, plus
// filter_status; prepaid filter_type=type|brand&filter_value=X; social
// filter_type=category&filter_value=X. Matching ignores case; unknown filter
// types are ignored. The unfiltered answer is cached and rebuilt after a
// mutation (SetServiceStatus, SetServicePrice, RemoveService, SetStock).
//
// service-stock (game) answers stock-tracked items with stock, description
// and an int server; others get "Layanan tidak support untuk cek stock.".
// A stock-tracked item with stock 0 lists as empty and cannot be ordered;
// each order takes one unit (not given back on error).
//
// get-nickname (game) knows mobile-legends, mobile-legends-region,
// genshin-impact and honkai-star-rail (these need additional_target),
// free-fire, pubgm, valorant and pointblank. Unknown code: "Kode game tidak
// ditemukan."; a target ending in "404": "ID tidak ditemukan."; otherwise a
// stable made-up nickname.
//
// # Orders and target rules
//
// Orders are checked in this order: missing params ("Masih ada parameter
// yang kosong."), throttle (Config.OrderGap, shared by game-feature and
// prepaid; social uses OrderGap/6; measured from the last accepted order),
// unknown or empty service, social quantity min/max, the 444 rule below,
// social pending duplicate (same service and target, not terminal), then
// balance. The price is the tier of Config.Level (Special/H2H/Admin →
// special, Premium → premium, else basic); social prices are per 1000 and
// charged as ceil(price × quantity / 1000). Success debits the balance.
//
// The last three characters of the target (data_no, or data for social)
// decide the outcome:
//
//	999  processing, then error; note "Nomor tujuan salah." (prepaid),
//	     "Zone tujuan salah." / "ID tujuan salah." (game, with / without zone),
//	     "Target tidak valid." (social); the price is refunded
//	777  processing, then stays there until SetStatus
//	555  social: processing, then partial with remain = quantity/2 and
//	     price × remain / quantity refunded; other endpoints: success
//	444  rejected at once: "Nomor tujuan tidak valid." (nothing created)
//	333  already success in the order answer (no transitions, no callbacks)
//	else processing, then success
//
// On success the note is the SN: a 20-digit token in 4-digit groups joined
// by "-" for token-pln, an 18-digit serial for other prepaid, "REF-" plus 8
// characters for stock-tracked game items, "" otherwise. Trxids are "VP" +
// 10 uppercase alphanumerics, unique, and like SNs derived from Seed.
//
// Schedule: waiting → processing at Created+ProcessingAfter, → terminal at
// that +CompleteAfter. Step applies due transitions; Run calls Step every
// 50ms; Start runs it. A status request applies the due transitions of the
// transactions it returns, but their callbacks still leave with the next
// Step. Transaction and Transactions show applied state only.
//
// # Status
//
// type=status is per endpoint: trxid gives a one-item array (unknown or
// another endpoint's trxid: "Transaksi tidak ditemukan."); without trxid,
// limit (default 10, max 100) lists the newest first. Items carry: game
// trxid, data, zone, service, status, note, price; prepaid trxid, data,
// code, service, status, note, price; social trxid, data, service,
// quantity, status, remain, count, note, price.
//
// # Callbacks
//
// Each transition POSTs {"data":{<status item>}} to the callback URL with
// Content-Type: application/json and X-Client-Signature: md5(APIID+APIKey).
// Step and SetStatus send synchronously outside the state lock, in
// transition order; a callback handler must not call Step or SetStatus.
// CallbacksSent counts POSTs that got any HTTP response.
//
// # Faults
//
// Inject adds rules tried in order; the first rule that matches Endpoint,
// Type and the kind's scope (NoTrxID, Throttle, InsufficientBalance: orders;
// EmptyList: services; callback kinds: callbacks) and passes its Rate roll
// is consumed (Times: 0 = once, -1 = forever). Request faults act before
// auth and validation, so an unapplied fault answers even a bad request.
// An Applied order fault first runs the order normally (creating and
// debiting it when valid) and then fails the answer. Timeout drops the
// connection (Request.HTTPStatus 0) or, when the writer cannot be hijacked,
// writes a bodyless 504. Garbage cuts an applied order's body right after
// `"trxid":"VP`, answers an unapplied order with that fixed fragment, and
// cuts other answers in half. An unapplied NoTrxID answers result:true with
// only data, status and note. Callback faults: Drop skips the POST,
// Duplicate sends it twice, Reorder holds a non-terminal callback until the
// trx's next callback has been sent.
//
// # Request log
//
// Every request, rejected or not, is logged with key and sign removed from
// Form; Count and Requests read the log, ResetRequests clears it.
// Config.RequestLogLimit bounds it for long benchmarks.
//
// # Persistence
//
// Off by default. With Config.StatePath, Open (and New, Start, StartOn)
// loads a JSON state written by an earlier process — transactions with
// their status, schedule (absolute due times) and refunds, the balance, the
// stock of stock-tracked items, the throttle clock and callbacks not yet
// sent — and Run writes it back (temp file + rename) at most once a second
// while it changes and once more when it stops, so Server.Close saves it;
// SaveState writes on demand. A missing file is a fresh start; one that
// cannot be parsed makes Open and Start fail (New panics) and is left alone.
// The catalog is still generated from Seed; faults, the request log and the
// callback URL are not kept. Transitions that fell due while the process was
// down are applied by the first Step, and a durable sandbox without a
// callback URL keeps callbacks queued until SetCallbackURL instead of
// dropping them. New trxids continue the seeded sequence past saved ones.
package sandbox
