import PocketBase from '../vendor/pocketbase.es.mjs';

export const pb = new PocketBase('/');
pb.autoCancellation(false); // catalog, history and refreshes may overlap on purpose

// ---------- small helpers ----------
export const $ = (sel, root) => (root || document).querySelector(sel);
export const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));
export const tid = (name, root) => $('[data-testid="' + name + '"]', root);
export const numberFmt = new Intl.NumberFormat('id-ID');
const dateFmt = new Intl.DateTimeFormat('id-ID', { dateStyle: 'medium', timeStyle: 'short' });
export const rp = (n) => 'Rp ' + numberFmt.format(Number(n) || 0);
export const pbDate = (s) => (s ? new Date(String(s).replace(' ', 'T')) : null);
export const fmtDate = (s) => { const d = pbDate(s); return d && !isNaN(d) ? dateFmt.format(d) : ''; };

// h('div', {class: 'x', dataset: {a: 1}}, 'text', child) — text is never parsed as HTML.
export function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid === null || kid === undefined || kid === false) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
}

export function uuid() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 15) | 64;
  b[8] = (b[8] & 63) | 128;
  const x = Array.from(b, (v) => v.toString(16).padStart(2, '0')).join('');
  return x.slice(0, 8) + '-' + x.slice(8, 12) + '-' + x.slice(12, 16) + '-' + x.slice(16, 20) + '-' + x.slice(20);
}

let toastTimer = 0;
export function toast(msg) {
  const t = tid('toast');
  t.textContent = msg;
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { t.hidden = true; }, 4000);
}
export function notice(msg) {
  const n = tid('notice');
  n.textContent = msg || '';
  n.hidden = !msg;
}

// ---------- server errors in Bahasa Indonesia, by their stable code ----------
// vipbase's routes put a code in data.code and one per field in
// data.<field>.code (README, "Error codes"); the English message is for
// developers and never shown.
export const MESSAGES = {
  insufficient_balance: 'Saldo tidak cukup. Isi saldo dulu, lalu coba lagi.',
  product_not_found: 'Produk tidak ditemukan atau sedang tidak dijual.',
  out_of_stock: 'Stok habis.',
  price_changed: 'Harga sudah berubah. Periksa harga terbaru, lalu tekan Beli sekarang lagi.',
  idempotency_mismatch: 'Permintaan ganda terdeteksi. Tekan tombolnya sekali lagi.',
  validation_failed: 'Periksa kembali isian yang ditandai.',
  invalid_body: 'Permintaan tidak valid. Muat ulang halaman, lalu coba lagi.',
  not_configured: 'Layanan sedang tidak tersedia. Coba lagi nanti.',
  unavailable: 'Layanan sedang tidak tersedia. Coba lagi nanti.',
  order_failed: 'Pesanan gagal dibuat; saldo tidak terpotong. Coba lagi.',
  order_not_found: 'Pesanan tidak ditemukan.',
  player_not_found: 'Pemain tidak ditemukan. Periksa ID (dan zone).',
  provider_unavailable: 'Penyedia sedang tidak menjawab. Coba lagi sebentar lagi.',
  nickname_unsupported: 'Game ini tidak mendukung cek nickname.',
  auth_required: 'Sesi berakhir. Silakan masuk lagi.',
  forbidden: 'Anda tidak punya akses untuk ini.',
  rate_limited: 'Terlalu banyak permintaan. Tunggu sebentar, lalu coba lagi.',
  internal_error: 'Terjadi kesalahan di server. Coba lagi.',
  guest_checkout_disabled: 'Toko ini hanya melayani member. Masuk atau daftar dulu untuk membeli.',
  payment_refused: 'Pembayaran tidak dapat dibuat oleh penyedia pembayaran; tidak ada dana yang terpotong. Pilih metode lain, lalu coba lagi.',
  gateway_unavailable: 'Penyedia pembayaran sedang tidak menjawab; tidak ada dana yang terpotong. Tekan tombolnya sekali lagi.',
  payment_not_found: 'Tagihan tidak ditemukan.',
  order_total_too_large: 'Total pesanan terlalu besar.',
};
const GAME_ID_TEXT = 'Isi 1–64 karakter: huruf, angka, titik, garis bawah atau tanda hubung.';
export const FIELD_CODES = {
  validation_target_digits: 'Harus 6–20 digit angka.',
  validation_target_phone_prefix: 'Nomor HP harus diawali 0 atau 62.',
  validation_target_game_id: GAME_ID_TEXT,
  validation_zone_required: 'Game ini memerlukan Zone ID / Server.',
  validation_zone_invalid: GAME_ID_TEXT,
  validation_zone_unlisted: 'Pilih server dari daftar.',
  validation_target_link: 'Wajib diisi, maksimal 500 karakter.',
  validation_quantity_range: 'Jumlah di luar batas layanan ini.',
  validation_product_required: 'Pilih produk terlebih dahulu.',
  validation_game_required: 'Pilih game terlebih dahulu.',
  validation_idempotency_key_length: 'Permintaan tidak valid. Muat ulang halaman, lalu coba lagi.',
  validation_quantity_integer: 'Jumlah harus bilangan bulat.',
  validation_phone: 'Nomor WhatsApp tidak valid. Contoh: 081234567890.',
  validation_phone_required: 'Nomor WhatsApp wajib diisi agar pesanan bisa dilacak.',
  validation_email: 'Format email tidak valid.',
  validation_channel_required: 'Pilih metode pembayaran.',
  validation_channel_unavailable: 'Metode pembayaran ini sedang tidak tersedia. Pilih metode lain.',
  validation_channel_amount: 'Metode ini tidak menerima nominal sebesar ini. Pilih metode lain.',
  validation_topup_range: 'Isi saldo minimal Rp 10.000 dan maksimal Rp 10.000.000.',
  validation_amount_range: 'Nominal tidak valid.',
  validation_category: 'Kategori produk tidak valid. Muat ulang halaman.',
  // PocketBase's own (sign-up and log-in)
  validation_not_unique: 'Email sudah terdaftar. Silakan masuk.',
  validation_is_email: 'Format email tidak valid.',
  validation_required: 'Wajib diisi.',
  validation_min_text_constraint: 'Terlalu pendek (kata sandi minimal 8 karakter).',
  validation_values_mismatch: 'Kata sandi tidak sama.',
};
// Route field names → form fields.
export const FIELD_OF = {
  phoneNumber: 'target', userId: 'target', target: 'target', zoneId: 'zone', zone: 'zone', quantity: 'quantity',
  phone: 'phone', email: 'email', channel: 'channel',
};

export function errorCode(err) {
  const data = err && err.response && err.response.data;
  return (data && typeof data.code === 'string') ? data.code : '';
}
export function errorText(err) {
  if (!err || err.isAbort) return '';
  if (!err.status) return 'Tidak dapat terhubung ke server. Periksa koneksi, lalu coba lagi.';
  const text = MESSAGES[errorCode(err)];
  if (text) return text;
  if (err.status === 401) return MESSAGES.auth_required;
  if (err.status === 429) return MESSAGES.rate_limited;
  return 'Terjadi kesalahan (' + err.status + '). Coba lagi.';
}
export function fieldErrorsOf(err) {
  const out = {};
  const data = (err && err.response && err.response.data) || {};
  for (const [name, v] of Object.entries(data)) {
    if (!v || typeof v !== 'object') continue;
    out[name] = FIELD_CODES[v.code] || 'Tidak valid.';
  }
  return out;
}

// ---------- state ----------
const CATS = { game: 'Game', prepaid: 'Pulsa & Data/PLN', social: 'Sosial Media' };
const ROUTE_OF = { game: 'game', prepaid: 'prepaid', social: 'social-media' };
export const STATUS = {
  unpaid: 'Menunggu pembayaran', pending: 'Menunggu', processing: 'Diproses', success: 'Berhasil', failed: 'Gagal',
  partial: 'Sebagian', expired: 'Kedaluwarsa',
};
export const FINAL = { success: true, failed: true, partial: true, expired: true };
// Payment channel groups, in the order the picker shows them.
// A Midtrans channel gets its own group whatever its group says: the
// shopper picks QRIS, GoPay, a VA… on Midtrans's page, not here.
export const GROUPS = [['wallet', 'Saldo'], ['qris', 'QRIS'], ['midtrans', 'Midtrans'], ['ewallet', 'E-Wallet'], ['va', 'Virtual Account'], ['retail', 'Gerai retail']];
export const groupOf = (c) => (c.gateway === 'midtrans' ? 'midtrans' : c.group);
// The gateway's hosted page: its name and the label of the link to it.
export const gatewayName = (p) => (p && p.gateway === 'midtrans' ? 'Midtrans' : 'Tripay');
export function payPageLabel(p) {
  let sandbox = /\/api-sandbox\//.test(p.checkoutUrl || '');
  if (p.gateway === 'midtrans') {
    try { sandbox = new URL(p.checkoutUrl).hostname !== 'app.midtrans.com'; } catch (_) { sandbox = false; }
  }
  return 'Bayar di halaman ' + gatewayName(p) + (sandbox ? ' (simulasi)' : '');
}
export const LEDGER = { deposit: 'Isi saldo', purchase: 'Pembelian', refund: 'Pengembalian dana', adjustment: 'Penyesuaian' };
export const PHONE_TYPES = { 'pulsa-reguler': 1, 'pulsa-transfer': 1, 'paket-internet': 1, 'paket-telepon': 1 };
export const TYPE_LABEL = {
  'pulsa-reguler': 'Pulsa', 'pulsa-transfer': 'Pulsa transfer', 'paket-internet': 'Paket data',
  'paket-telepon': 'Paket telepon', 'token-pln': 'Token PLN', 'saldo-emoney': 'E-money', 'voucher-game': 'Voucher',
};
export const PRODUCT_FIELDS = 'id,category,code,name,brand,type,price,min,max,needs_zone,nickname_code,track_stock,stock,sort';
export const BRAND_FIELDS = 'id,collectionId,collectionName,category,name,provider_category,display_name,logo,sort,popular,help,zones';
// The home's tile groups (brands.category), in order, with their headings.
// Pulsa and data are one group: an operator is one tile, its products split by kind inside.
export const BRAND_GROUPS = [
  ['game', 'Game'], ['voucher', 'Voucher'], ['streaming', 'Streaming & Aplikasi'], ['pulsa', 'Pulsa & Data', ['pulsa', 'data']],
  ['pln', 'PLN'], ['emoney', 'E-Money'], ['social', 'Sosial Media'],
];
// Phone operators: known by the words of a brand's name, and by a number's
// first four digits (0851, by.U's, is Telkomsel's).
export const OPERATORS = [
  { key: 'telkomsel', name: 'Telkomsel', re: /telkomsel|simpati|kartu ?as\b|\bloop\b/, prefixes: '0811 0812 0813 0821 0822 0823 0851 0852 0853' },
  { key: 'byu', name: 'by.U', re: /\bby\.? ?u\b/, prefixes: '' },
  { key: 'indosat', name: 'Indosat', re: /indosat|\bim3\b|ooredoo|mentari/, prefixes: '0814 0815 0816 0855 0856 0857 0858' },
  { key: 'axis', name: 'Axis', re: /\baxis\b/, prefixes: '0831 0832 0833 0838' },
  { key: 'xl', name: 'XL', re: /\bxl\b/, prefixes: '0817 0818 0819 0859 0877 0878' },
  { key: 'tri', name: 'Tri', re: /\btri\b|\bthree\b|^3$/, prefixes: '0895 0896 0897 0898 0899' },
  { key: 'smartfren', name: 'Smartfren', re: /smartfren/, prefixes: '0881 0882 0883 0884 0885 0886 0887 0888 0889' },
];
// An operator's products by kind: the tabs inside its page.
export const KINDS = [['pulsa', 'Pulsa'], ['data', 'Paket Data'], ['telepon', 'Telepon & SMS']];

export const S = {
  cat: 'game',
  brand: {},            // category → chosen brand
  brands: [],           // brands rows (public: active only), popular first
  brandOf: new Map(),   // "<provider_category>|<name>" → brands row
  store: null,          // the store row (name, tagline, contacts, terms)
  siteTitle: '',        // the page's title as served (store name — tagline)
  q: '',
  catalog: {},          // category → products (or a Promise while loading)
  product: null,
  attempt: null,        // {sig, key}: one Idempotency-Key per purchase attempt
  paying: false,
  nickSeq: 0,
  orders: new Map(),    // id → order record (newest known version)
  payOf: new Map(),     // order id → its payment's number (gateway checkouts)
  typeOf: new Map(),    // order id → its product's type (the SN's label)
  source: new Map(),    // id → how its newest version arrived: load | realtime | poll
  orderIds: [],         // history order (newest first)
  ordersPage: 0, ordersMore: false, ordersLoaded: false,
  wallet: [], walletPage: 0, walletMore: false,
  viewNumber: '',
  afterLogin: '',
  channels: new Map(),  // "<amount>|<member?>" → channel list (or a Promise while loading)
  channelNames: {},     // channel code → name, for invoices
  channel: '',          // the code picked in the buy form
  channelSeq: 0,        // the buy form's newest channel request
  topupSeq: 0,          // the top-up form's
  inv: null,            // the invoice on screen: {number, token, data, ...}
  kind: 'pulsa',         // the operator page's tab (KINDS)
  detected: '',          // the number typed in the pulsa page's box, as 08…
  topupChannel: '',
  topupAttempt: null,   // {sig, key}: one Idempotency-Key per intended top-up
  topupBusy: false,
  live: false,
  sandbox: false,       // serve --sandbox: the simulated inbox exists (detectSandbox)
};

export const loggedIn = () => pb.authStore.isValid && pb.authStore.record && pb.authStore.record.collectionName === 'users';

// ---------- routing ----------
export function currentView() {
  const s = $('main > section:not([hidden])');
  return s ? s.dataset.view : '';
}
export function show(view) {
  for (const s of $$('main > section')) s.hidden = s.dataset.view !== view;
  const nav = { order: 'orders' }[view] || view;
  for (const a of $$('.tabs-main a')) a.classList.toggle('active', a.dataset.nav === nav);
}
// Pages have real paths (/bayar/PAY…, /lacak, /pesanan/…): the server
// answers every unknown path with index.html, so a shared or reloaded link
// opens the same page. go() moves there without a reload; main.js routes.
let routeTo = () => {};
export function onNavigate(fn) { routeTo = fn; }
export const here = () => location.pathname + location.search;
export function go(path) {
  if (here() !== path) history.pushState(null, '', path);
  routeTo();
}
export function needLogin(msg) {
  if (loggedIn()) return false;
  S.afterLogin = here();
  notice(msg || 'Masuk dulu untuk melihat halaman ini.');
  go('/masuk');
  return true;
}
