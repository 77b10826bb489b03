// vipbase storefront. Plain JS on the vendored PocketBase SDK (window.PocketBase).
// Views are switched by the URL hash; orders and the wallet follow realtime events.
'use strict';
(function () {
  const pb = new PocketBase('/');
  pb.autoCancellation(false); // catalog, history and refreshes may overlap on purpose

  // ---------- small helpers ----------
  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));
  const tid = (name, root) => $('[data-testid="' + name + '"]', root);
  const numberFmt = new Intl.NumberFormat('id-ID');
  const dateFmt = new Intl.DateTimeFormat('id-ID', { dateStyle: 'medium', timeStyle: 'short' });
  const rp = (n) => 'Rp ' + numberFmt.format(Number(n) || 0);
  const pbDate = (s) => (s ? new Date(String(s).replace(' ', 'T')) : null);
  const fmtDate = (s) => { const d = pbDate(s); return d && !isNaN(d) ? dateFmt.format(d) : ''; };

  // h('div', {class: 'x', dataset: {a: 1}}, 'text', child) — text is never parsed as HTML.
  function h(tag, attrs, ...kids) {
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

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    const x = Array.from(b, (v) => v.toString(16).padStart(2, '0')).join('');
    return x.slice(0, 8) + '-' + x.slice(8, 12) + '-' + x.slice(12, 16) + '-' + x.slice(16, 20) + '-' + x.slice(20);
  }

  let toastTimer = 0;
  function toast(msg) {
    const t = tid('toast');
    t.textContent = msg;
    t.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { t.hidden = true; }, 4000);
  }
  function notice(msg) {
    const n = tid('notice');
    n.textContent = msg || '';
    n.hidden = !msg;
  }

  // ---------- server errors in Bahasa Indonesia, by their stable code ----------
  // vipbase's routes put a code in data.code and one per field in
  // data.<field>.code (README, "Error codes"); the English message is for
  // developers and never shown.
  const MESSAGES = {
    insufficient_balance: 'Saldo tidak cukup. Isi saldo dulu, lalu coba lagi.',
    product_not_found: 'Produk tidak ditemukan atau sedang tidak dijual.',
    out_of_stock: 'Stok habis.',
    price_changed: 'Harga sudah berubah. Periksa harga terbaru, lalu tekan Beli sekarang lagi.',
    idempotency_mismatch: 'Permintaan ganda terdeteksi. Tekan Beli sekarang sekali lagi.',
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
  const FIELD_CODES = {
    validation_target_digits: 'Harus 6–20 digit angka.',
    validation_target_phone_prefix: 'Nomor HP harus diawali 0 atau 62.',
    validation_target_game_id: GAME_ID_TEXT,
    validation_zone_required: 'Game ini memerlukan Zone ID / Server.',
    validation_zone_invalid: GAME_ID_TEXT,
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
  const FIELD_OF = {
    phoneNumber: 'target', userId: 'target', target: 'target', zoneId: 'zone', zone: 'zone', quantity: 'quantity',
    phone: 'phone', email: 'email', channel: 'channel',
  };

  function errorCode(err) {
    const data = err && err.response && err.response.data;
    return (data && typeof data.code === 'string') ? data.code : '';
  }
  function errorText(err) {
    if (!err || err.isAbort) return '';
    if (!err.status) return 'Tidak dapat terhubung ke server. Periksa koneksi, lalu coba lagi.';
    const text = MESSAGES[errorCode(err)];
    if (text) return text;
    if (err.status === 401) return MESSAGES.auth_required;
    if (err.status === 429) return MESSAGES.rate_limited;
    return 'Terjadi kesalahan (' + err.status + '). Coba lagi.';
  }
  function fieldErrorsOf(err) {
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
  const STATUS = {
    unpaid: 'Menunggu pembayaran', pending: 'Menunggu', processing: 'Diproses', success: 'Berhasil', failed: 'Gagal',
    partial: 'Sebagian', expired: 'Kedaluwarsa',
  };
  const FINAL = { success: true, failed: true, partial: true, expired: true };
  // Payment channel groups, in the order the picker shows them.
  // A Midtrans channel gets its own group whatever its group says: the
  // shopper picks QRIS, GoPay, a VA… on Midtrans's page, not here.
  const GROUPS = [['wallet', 'Saldo'], ['qris', 'QRIS'], ['midtrans', 'Midtrans'], ['ewallet', 'E-Wallet'], ['va', 'Virtual Account'], ['retail', 'Gerai retail']];
  const groupOf = (c) => (c.gateway === 'midtrans' ? 'midtrans' : c.group);
  // The gateway's hosted page: its name and the label of the link to it.
  const gatewayName = (p) => (p && p.gateway === 'midtrans' ? 'Midtrans' : 'Tripay');
  function payPageLabel(p) {
    let sandbox = /\/api-sandbox\//.test(p.checkoutUrl || '');
    if (p.gateway === 'midtrans') {
      try { sandbox = new URL(p.checkoutUrl).hostname !== 'app.midtrans.com'; } catch (_) { sandbox = false; }
    }
    return 'Bayar di halaman ' + gatewayName(p) + (sandbox ? ' (simulasi)' : '');
  }
  const LEDGER = { deposit: 'Isi saldo', purchase: 'Pembelian', refund: 'Pengembalian dana', adjustment: 'Penyesuaian' };
  const PHONE_TYPES = { 'pulsa-reguler': 1, 'pulsa-transfer': 1, 'paket-internet': 1, 'paket-telepon': 1 };
  const TYPE_LABEL = {
    'pulsa-reguler': 'Pulsa', 'pulsa-transfer': 'Pulsa transfer', 'paket-internet': 'Paket data',
    'paket-telepon': 'Paket telepon', 'token-pln': 'Token PLN', 'saldo-emoney': 'E-money', 'voucher-game': 'Voucher',
  };
  const PRODUCT_FIELDS = 'id,category,code,name,brand,type,price,min,max,needs_zone,nickname_code,track_stock,stock,sort';
  const BRAND_FIELDS = 'id,collectionId,collectionName,category,name,provider_category,display_name,logo,sort,popular,help';
  // The home's tile groups (brands.category), in order, with their headings.
  // Pulsa and data are one group: an operator is one tile, its products split by kind inside.
  const BRAND_GROUPS = [
    ['game', 'Game'], ['voucher', 'Voucher'], ['streaming', 'Streaming & Aplikasi'], ['pulsa', 'Pulsa & Data', ['pulsa', 'data']],
    ['pln', 'PLN'], ['emoney', 'E-Money'], ['social', 'Sosial Media'],
  ];
  // Phone operators: known by the words of a brand's name, and by a number's
  // first four digits (0851, by.U's, is Telkomsel's).
  const OPERATORS = [
    { key: 'telkomsel', name: 'Telkomsel', re: /telkomsel|simpati|kartu ?as\b|\bloop\b/, prefixes: '0811 0812 0813 0821 0822 0823 0851 0852 0853' },
    { key: 'byu', name: 'by.U', re: /\bby\.? ?u\b/, prefixes: '' },
    { key: 'indosat', name: 'Indosat', re: /indosat|\bim3\b|ooredoo|mentari/, prefixes: '0814 0815 0816 0855 0856 0857 0858' },
    { key: 'axis', name: 'Axis', re: /\baxis\b/, prefixes: '0831 0832 0833 0838' },
    { key: 'xl', name: 'XL', re: /\bxl\b/, prefixes: '0817 0818 0819 0859 0877 0878' },
    { key: 'tri', name: 'Tri', re: /\btri\b|\bthree\b|^3$/, prefixes: '0895 0896 0897 0898 0899' },
    { key: 'smartfren', name: 'Smartfren', re: /smartfren/, prefixes: '0881 0882 0883 0884 0885 0886 0887 0888 0889' },
  ];
  // An operator's products by kind: the tabs inside its page.
  const KINDS = [['pulsa', 'Pulsa'], ['data', 'Paket Data'], ['telepon', 'Telepon & SMS']];

  const S = {
    cat: 'game',
    brand: {},            // category → chosen brand
    brands: [],           // brands rows (public: active only), popular first
    brandOf: new Map(),   // "<provider_category>|<name>" → brands row
    store: null,          // the store row (name, tagline, contacts, terms)
    q: '',
    catalog: {},          // category → products (or a Promise while loading)
    product: null,
    attempt: null,        // {sig, key}: one Idempotency-Key per purchase attempt
    paying: false,
    nickSeq: 0,
    orders: new Map(),    // id → order record (newest known version)
    payOf: new Map(),     // order id → its payment's number (gateway checkouts)
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

  const loggedIn = () => pb.authStore.isValid && pb.authStore.record && pb.authStore.record.collectionName === 'users';

  // ---------- header & balance ----------
  function renderHeader() {
    const on = loggedIn();
    const bal = tid('balance');
    bal.hidden = !on;
    tid('nav-login').hidden = on;
    tid('nav-signup').hidden = on;
    tid('nav-logout').hidden = !on;
    if (on) {
      const b = pb.authStore.record.balance || 0;
      bal.textContent = rp(b);
      bal.dataset.amount = String(b);
      bal.title = pb.authStore.record.email || '';
      tid('wallet-balance').textContent = rp(b);
      tid('wallet-balance').dataset.amount = String(b);
    }
    if (S.product) { // SALDO comes and goes with the session, and is usable with enough balance
      fillContact();
      S.formAmount = -1;
      updateTotal();
    }
  }

  let refreshTimer = 0;
  function refreshBalance() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => {
      if (!loggedIn()) return;
      pb.collection('users').authRefresh().catch((err) => {
        if (err.status === 401 || err.status === 404) logout('Sesi berakhir. Silakan masuk lagi.');
      });
    }, 150);
  }

  // ---------- realtime ----------
  function setLive(on) {
    S.live = on;
    const el = $('.order-view .live');
    if (el) {
      el.dataset.connected = String(on);
      el.textContent = on ? 'Status diperbarui otomatis' : 'Menghubungkan ulang…';
    }
  }

  async function subscribeLive() {
    await unsubscribeLive();
    if (!loggedIn()) return;
    try {
      await pb.realtime.subscribe('PB_CONNECT', () => {
        setLive(true);
        resyncVisible(); // events may have been missed while disconnected
      });
      await pb.collection('orders').subscribe('*', (e) => onOrderEvent(e.record));
      await pb.collection('wallet_transactions').subscribe('*', onWalletEvent);
      setLive(true);
    } catch (err) {
      setLive(false);
    }
  }
  // Drops every subscription and the connection at once (no per-topic POST), so it
  // can run right before the auth changes: the server ties a connection to one auth.
  async function unsubscribeLive() {
    try { await pb.realtime.unsubscribe(); } catch (_) { /* already gone */ }
  }
  pb.realtime.onDisconnect = () => setLive(false);

  // The invoice on screen is of this order: a member's realtime event is news for it too.
  const invoiceShows = (num) => currentView() === 'invoice' && !!S.inv && !!S.inv.data && !!S.inv.data.order && S.inv.data.order.orderNumber === num;
  function onOrderEvent(rec) {
    const before = S.orders.get(rec.id);
    if (!upsertOrder(rec, 'realtime')) return;
    if (invoiceShows(rec.number)) fetchInvoice();
    if (!S.orderIds.includes(rec.id) && S.ordersLoaded) S.orderIds.unshift(rec.id);
    if (FINAL[rec.status]) {
      refreshBalance();
      // Tell about orders finishing elsewhere, not the one on screen (the event can
      // arrive just before the page switches to a new order, hence the delay).
      const onScreen = () => (currentView() === 'order' && S.viewNumber === rec.number) || invoiceShows(rec.number);
      if ((!before || !FINAL[before.status]) && !onScreen()) {
        setTimeout(() => { if (!onScreen()) toast('Pesanan ' + rec.number + ': ' + STATUS[rec.status]); }, 1000);
      }
    }
    rerenderOrders();
  }
  function onWalletEvent() {
    refreshBalance();
    if (currentView() === 'wallet') loadWallet(true);
    else S.walletPage = 0; // reload when opened
  }

  // Keeps only the newest version of an order (a slow GET must not undo a live update).
  function upsertOrder(rec, source) {
    const cur = S.orders.get(rec.id);
    if (cur && String(cur.updated) > String(rec.updated)) return false;
    const same = cur && String(cur.updated) === String(rec.updated);
    S.orders.set(rec.id, rec);
    if (!same) S.source.set(rec.id, source); // the source is where the newest version came from
    return true;
  }
  const orderByNumber = (num) => Array.from(S.orders.values()).find((o) => o.number === num);

  // Without a realtime connection, an open unfinished order is polled instead.
  setInterval(() => {
    if (S.live || !loggedIn() || currentView() !== 'order') return;
    const o = orderByNumber(S.viewNumber);
    if (!o || FINAL[o.status]) return;
    pb.collection('orders').getOne(o.id).then((rec) => {
      if (upsertOrder(rec, 'poll')) { rerenderOrders(); if (FINAL[rec.status]) refreshBalance(); }
    }).catch(() => {});
  }, 5000);

  function resyncVisible() {
    if (!loggedIn()) return;
    refreshBalance();
    const v = currentView();
    if (v === 'order' && S.viewNumber) fetchOrder(S.viewNumber).then(rerenderOrders).catch(() => {});
    if (v === 'orders') loadOrders(true);
    if (v === 'wallet') loadWallet(true);
  }

  // ---------- routing ----------
  function currentView() {
    const s = $('main > section:not([hidden])');
    return s ? s.dataset.view : '';
  }
  function show(view) {
    for (const s of $$('main > section')) s.hidden = s.dataset.view !== view;
    const nav = { order: 'orders' }[view] || view;
    for (const a of $$('.tabs-main a')) a.classList.toggle('active', a.dataset.nav === nav);
  }
  function go(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  }
  function needLogin(msg) {
    if (loggedIn()) return false;
    S.afterLogin = location.hash;
    notice(msg || 'Masuk dulu untuk melihat halaman ini.');
    go('#/masuk');
    return true;
  }

  function route() {
    const [path, qs] = location.hash.replace(/^#\/?/, '').split('?');
    const [head, arg] = path.split('/');
    const params = new URLSearchParams(qs || '');
    if (head !== 'masuk' && head !== 'daftar') notice('');
    if (head !== 'bayar') stopInvoice();
    switch (head) {
      case 'bayar':
        if (!arg) { go('#/lacak'); return; }
        show('invoice');
        if (params.has('order_id') && history.replaceState) {
          // Drop the gateway's query: a shared or reloaded link is the invoice's own.
          const keep = params.get('token') ? '?token=' + encodeURIComponent(params.get('token')) : '';
          history.replaceState(history.state, '', '#/bayar/' + arg + keep);
        }
        openInvoice(decodeURIComponent(arg), params.get('token') || '', params.get('transaction_status') || '');
        break;
      case 'lacak':
        show('track');
        if (arg) tid('track-form').elements.number.value = decodeURIComponent(arg);
        if (!tid('track-form').elements.phone.value) tid('track-form').elements.phone.value = storedContact().phone || '';
        renderLocalInvoices();
        break;
      case 'pesanan':
        if (needLogin('Masuk untuk melihat riwayat pesanan. Belanja tanpa akun? Cari pesanan Anda di menu Lacak.')) return;
        if (arg) { S.viewNumber = decodeURIComponent(arg); show('order'); openOrder(S.viewNumber); }
        else { show('orders'); renderOrdersList(); loadOrders(true); }
        break;
      case 'dompet':
        if (needLogin()) return;
        show('wallet');
        renderHeader();
        renderAccount();
        loadWallet(true);
        loadTopupChannels();
        break;
      case 'lupa-sandi':
        if (loggedIn()) { go('#/'); return; }
        renderForgot();
        show('forgot');
        break;
      case 'masuk':
      case 'daftar':
        if (loggedIn()) { go('#/'); return; }
        renderAuth(head === 'daftar');
        show('auth');
        break;
      default:
        resetAfterPurchase();
        show('store');
        selectCategory(S.cat);
    }
    window.scrollTo(0, 0);
  }

  // ---------- catalog ----------
  function loadCatalog(cat) {
    if (!S.catalog[cat]) {
      S.catalog[cat] = pb.collection('products').getFullList({
        filter: pb.filter('category = {:c}', { c: cat }), sort: 'brand,sort,price,name', fields: PRODUCT_FIELDS, batch: 500,
      }).then((items) => { S.catalog[cat] = items; return items; }, (err) => { delete S.catalog[cat]; throw err; });
    }
    return Promise.resolve(S.catalog[cat]);
  }

  // Brands in the home's order (popular, then the operator's sort, from the
  // brands rows); without a row, the most products first, then by name.
  function brandsOf(items) {
    const m = new Map();
    for (const p of items) {
      const b = m.get(p.brand) || { name: p.brand, n: 0, sort: Infinity, row: brandRow(p.category, p.brand) };
      b.n++;
      b.sort = Math.min(b.sort, p.sort || 0);
      m.set(p.brand, b);
    }
    const rank = (b) => (b.row ? S.brands.indexOf(b.row) : Infinity);
    const names = Array.from(m.values()).sort((a, b) => (rank(a) - rank(b)) || a.sort - b.sort || b.n - a.n || a.name.localeCompare(b.name, 'id'))
      .map((b) => b.name);
    // An operator's pulsa and data brands are one chip (the first).
    const seen = new Set();
    return names.filter((n) => {
      const op = items.length ? operatorOf(items[0].category, n) : '';
      if (!op) return true;
      if (seen.has(op)) return false;
      seen.add(op);
      return true;
    });
  }

  // ---------- phone operators ----------
  // The operator a prepaid pulsa/data brand sells for ('' for any other brand).
  function operatorOf(cat, name) {
    if (cat !== 'prepaid') return '';
    const row = brandRow(cat, name);
    if (row && row.category !== 'pulsa' && row.category !== 'data') return '';
    const text = (name + ' ' + ((row && row.display_name) || '')).toLowerCase();
    const op = OPERATORS.find((o) => o.re.test(text));
    return op ? op.key : '';
  }
  // Whether a product of brand b is shown under the chosen brand.
  function sameBrand(cat, b, chosen) {
    if (b === chosen) return true;
    const op = operatorOf(cat, b);
    return !!op && op === operatorOf(cat, chosen);
  }
  // 0812…, +62812…, 62812…, 812… → 0812…; digits only.
  function localNumber(s) {
    let d = String(s || '').replace(/[^\d+]/g, '').replace(/(?!^)\+/g, '');
    if (d.startsWith('+')) d = d.slice(1);
    if (d.startsWith('62')) d = '0' + d.slice(2);
    else if (d.startsWith('8')) d = '0' + d;
    return d.replace(/\D/g, '');
  }
  // The operator of a number by its prefix, or null.
  function operatorOfNumber(num) {
    const pre = localNumber(num).slice(0, 4);
    return pre.length === 4 ? OPERATORS.find((o) => o.prefixes.split(' ').includes(pre)) || null : null;
  }
  // Pulsa, data or calls: by type, else by the name, else by the brand's category.
  function kindOf(p) {
    if (p.type === 'paket-internet') return 'data';
    if (p.type === 'paket-telepon') return 'telepon';
    if (p.type === 'pulsa-reguler' || p.type === 'pulsa-transfer') return 'pulsa';
    if (/\b\d+(?:[.,]\d+)?\s?(?:gb|mb)\b|\bdata\b|internet|kuota/i.test(p.name)) return 'data';
    if (/\bsms\b|\bnelpon\b|\btelepon\b|\bmenit\b/i.test(p.name)) return 'telepon';
    const row = brandRow(p.category, p.brand);
    return row && row.category === 'data' ? 'data' : 'pulsa';
  }

  // The pulsa page's number box: shown while the prepaid list is on an
  // operator (or none yet). A known prefix picks the operator's chip.
  function renderDetect() {
    const box = tid('phone-detect');
    const cur = S.brand.prepaid || '';
    box.hidden = !(S.cat === 'prepaid' && !S.q.trim() && (!cur || operatorOf('prepaid', cur)));
  }
  function onDetectInput() {
    const raw = tid('input-detect-phone').value;
    const num = localNumber(raw);
    const out = tid('detect-result');
    S.detected = /^08\d{8,13}$/.test(num) ? num : '';
    if (num.length < 4) {
      out.dataset.state = '';
      out.dataset.operator = '';
      out.textContent = 'Ketik nomor HP, operatornya kami pilihkan.';
      return;
    }
    const op = operatorOfNumber(num);
    out.dataset.operator = op ? op.key : '';
    if (!op) {
      out.dataset.state = 'unknown';
      out.textContent = 'Nomor tidak dikenali, pilih operator.';
      return;
    }
    const items = Array.isArray(S.catalog.prepaid) ? S.catalog.prepaid : [];
    const brand = brandsOf(items).find((b) => operatorOf('prepaid', b) === op.key);
    if (!brand) {
      out.dataset.state = 'unavailable';
      out.textContent = 'Operator ' + op.name + ' belum tersedia. Pilih operator lain.';
      return;
    }
    out.dataset.state = 'ok';
    out.textContent = 'Operator: ' + brandName('prepaid', brand);
    if (S.brand.prepaid !== brand) {
      S.brand.prepaid = brand;
      renderBrands(brandsOf(items));
      renderTiles();
      renderProducts();
    }
    // The chosen number goes to the open form when it asks for a phone number.
    if (S.product && detectedFor(S.product)) tid('input-target').value = S.detected;
  }
  // Whether the number typed in the pulsa page's box is the target of p.
  function detectedFor(p) {
    if (!S.detected || p.category !== 'prepaid' || !PHONE_TYPES[p.type]) return false;
    const op = operatorOfNumber(S.detected);
    return !!op && op.key === operatorOf(p.category, p.brand);
  }

  // ---------- brands: the home's tiles ----------
  const brandRow = (cat, name) => S.brandOf.get(cat + '|' + name) || null;
  const brandName = (cat, name) => { const r = brandRow(cat, name); return (r && r.display_name) || name; };

  async function loadBrands() {
    try {
      S.brands = await pb.collection('brands').getFullList({ sort: '-popular,sort,display_name', fields: BRAND_FIELDS, batch: 500 });
    } catch (_) {
      S.brands = []; // the chips and products still work without tiles
    }
    S.brandOf = new Map(S.brands.map((b) => [b.provider_category + '|' + b.name, b]));
    renderTiles();
    if (currentView() === 'store' && Array.isArray(S.catalog[S.cat])) {
      renderBrands(brandsOf(S.catalog[S.cat]));
      renderProducts();
    }
  }

  // "Mobile Legends" → ML, "TikTok" → TT, "PLN" → PLN, "Telkomsel" → T.
  function initials(name) {
    const words = String(name).split(/[\s\-:()+]+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
    if (!words.length) return '?';
    if (words.length > 1) return (words[0][0] + words[1][0]).toUpperCase();
    const w = words[0];
    if (w.length <= 4 && w === w.toUpperCase()) return w;
    const caps = w.slice(1).match(/\p{Lu}/u);
    return (w[0] + (caps ? caps[0] : '')).toUpperCase();
  }
  // A steady colour per name; each is dark enough for white initials (≥ 4.5:1).
  const TILE_COLOURS = ['#1e5fa8', '#7a3fb0', '#23733e', '#b03a2e', '#0e6f7d', '#a3521c', '#3d4db7', '#a23368', '#2d6464', '#5c4a9c'];
  function tileColour(name) {
    let h = 0;
    for (const c of String(name)) h = (h * 31 + c.codePointAt(0)) % 9973;
    return TILE_COLOURS[h % TILE_COLOURS.length];
  }
  function brandMark(row, name, size) {
    if (row && row.logo) {
      return h('img', { class: 'mark', src: pb.files.getURL(row, row.logo, { thumb: '128x128' }), alt: '', width: size, height: size, loading: 'lazy', decoding: 'async' });
    }
    const text = initials(name);
    const mark = h('span', { class: 'mark mark-initials' + (text.length > 2 ? ' mark-long' : ''), 'aria-hidden': 'true' }, text);
    mark.style.background = tileColour(name);
    return mark;
  }

  function tileMatches(b, q) {
    return !q || (b.display_name + ' ' + b.name).toLowerCase().includes(q);
  }
  function tile(b) {
    const name = b.display_name || b.name;
    return h('button', {
      type: 'button', class: 'tile', 'data-testid': 'brand-tile', dataset: { brand: b.name, cat: b.provider_category },
      'aria-pressed': String(S.cat === b.provider_category && S.brand[S.cat] === b.name),
    }, brandMark(b, name, 56), h('span', { class: 'tile-name' }, name));
  }
  // Popular brands first, then a tile grid per group. Brands of one group
  // that the shopper would see under the same name get one tile (the first).
  function renderTiles() {
    const box = tid('brand-home');
    const q = S.q.trim().toLowerCase();
    const groups = [];
    const popular = S.brands.filter((b) => b.popular && tileMatches(b, q));
    const seen = new Set();
    const once = (list) => list.filter((b) => {
      const op = operatorOf(b.provider_category, b.name);
      const k = op ? 'op|' + op : b.category + '|' + (b.display_name || b.name).toLowerCase();
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    const group = (key, title, list) => h('section', { class: 'brand-group', 'data-testid': 'brand-group', dataset: { group: key }, 'aria-label': title },
      h('h2', { class: 'group-title' }, title), h('div', { class: 'tiles' }, list.map(tile)));
    if (popular.length) {
      const pop = once(popular);
      seen.clear();
      groups.push(group('popular', 'Populer', pop));
    }
    for (const [key, title, cats] of BRAND_GROUPS) {
      const list = once(S.brands.filter((b) => (cats || [key]).includes(b.category) && tileMatches(b, q)));
      if (list.length) groups.push(group(key, title, list));
    }
    if (!groups.length && q && S.brands.length) groups.push(h('p', { class: 'muted empty', 'data-testid': 'brand-empty', text: 'Merek tidak ditemukan.' }));
    box.replaceChildren(...groups);
  }

  function openBrand(cat, name) {
    S.q = '';
    tid('search').value = '';
    S.brand[cat] = name;
    renderTiles();
    selectCategory(cat).then(() => {
      const c = tid('catalog');
      if (c) c.scrollIntoView({ block: 'start' });
    });
  }

  async function selectCategory(cat) {
    S.cat = cat;
    for (const b of $$('.cat-tabs button')) b.setAttribute('aria-selected', String(b.dataset.cat === cat));
    const list = tid('products');
    if (!Array.isArray(S.catalog[cat])) {
      list.replaceChildren(h('p', { class: 'muted empty', text: 'Memuat produk…' }));
      tid('brands').replaceChildren();
    }
    let items;
    try {
      items = await loadCatalog(cat);
    } catch (err) {
      if (S.cat === cat) list.replaceChildren(h('p', { class: 'err empty', 'data-testid': 'catalog-error', text: 'Gagal memuat produk. ' + errorText(err) }));
      return;
    }
    if (S.cat !== cat) return;
    const brands = brandsOf(items);
    if (!brands.includes(S.brand[cat])) S.brand[cat] = brands.find((b) => sameBrand(cat, b, S.brand[cat])) || brands[0] || '';
    renderBrands(brands);
    renderProducts();
  }

  // The category's brands as chips, by the names shoppers see (the
  // provider's own name where two would read the same).
  function renderBrands(brands) {
    const names = brands.map((b) => brandName(S.cat, b));
    tid('brands').replaceChildren(...brands.map((b, i) => h('button', {
      type: 'button', 'data-testid': 'brand', dataset: { brand: b }, 'aria-pressed': String(b === S.brand[S.cat]),
    }, names.indexOf(names[i]) !== names.lastIndexOf(names[i]) ? b : names[i])));
    const chips = tid('brands');
    const on = $('[aria-pressed="true"]', chips);
    if (on) chips.scrollLeft = Math.max(0, on.offsetLeft - chips.offsetLeft - 16); // the chosen chip in view
    renderBrandHead();
  }
  function renderBrandHead() {
    const head = tid('brand-head');
    const name = S.brand[S.cat] || '';
    head.dataset.brand = name;
    head.hidden = !name || !!S.q.trim();
    if (!name) { head.replaceChildren(); return; }
    const shown = brandName(S.cat, name);
    head.replaceChildren(brandMark(brandRow(S.cat, name), shown, 40), h('span', { class: 'brand-name' }, shown));
  }

  function renderProducts() {
    const items = Array.isArray(S.catalog[S.cat]) ? S.catalog[S.cat] : [];
    const q = S.q.trim().toLowerCase();
    let shown = items.filter((p) => (q
      ? (p.name + ' ' + p.brand + ' ' + p.code).toLowerCase().includes(q)
      : sameBrand(S.cat, p.brand, S.brand[S.cat])));
    // An operator's page: a tab per kind (Pulsa, Paket Data, …) when it sells more than one.
    const tabs = tid('kind-tabs');
    const kinds = !q && operatorOf(S.cat, S.brand[S.cat] || '') ? KINDS.filter(([k]) => shown.some((p) => kindOf(p) === k)) : [];
    tabs.hidden = kinds.length < 2;
    if (kinds.length >= 2) {
      if (!kinds.some(([k]) => k === S.kind)) S.kind = kinds[0][0];
      tabs.replaceChildren(...kinds.map(([k, label]) => h('button', {
        type: 'button', role: 'tab', 'data-testid': 'kind-tab', dataset: { kind: k }, 'aria-selected': String(k === S.kind),
      }, label)));
      shown = shown.filter((p) => kindOf(p) === S.kind);
    } else {
      tabs.replaceChildren();
    }
    renderDetect();
    const list = tid('products');
    if (!shown.length) {
      list.replaceChildren(h('p', { class: 'muted empty', text: q ? 'Produk tidak ditemukan.' : 'Belum ada produk di kategori ini.' }));
      return;
    }
    list.replaceChildren(...shown.map((p) => {
      const out = p.track_stock && p.stock <= 0;
      const meta = [];
      if (q) meta.push(brandName(p.category, p.brand));
      if (TYPE_LABEL[p.type]) meta.push(TYPE_LABEL[p.type]);
      if (p.track_stock) meta.push(out ? 'Stok habis' : 'Stok ' + p.stock);
      if (p.category === 'social' && p.min) meta.push('Min ' + numberFmt.format(p.min));
      return h('button', {
        type: 'button', class: 'product', 'data-testid': 'product', dataset: { code: p.code, id: p.id },
        'aria-pressed': String(!!S.product && S.product.id === p.id), disabled: out,
      },
      h('span', { class: 'pname' }, p.name),
      meta.length ? h('span', { class: 'pmeta' }, meta.join(' · ')) : null,
      h('span', { class: 'pprice' }, rp(priceOf(p)) + (p.category === 'social' ? ' / 1000' : '')));
    }));
  }

  // ---------- order form ----------
  const form = () => tid('order-form');
  const fieldEl = (name) => $('[data-field="' + name + '"]', form());
  const val = (name) => (form().elements[name] ? form().elements[name].value : '');

  function selectProduct(p) {
    S.product = p;
    S.attempt = null;
    if (!S.paying) tid('pay').disabled = false;
    const f = form();
    f.hidden = false;
    f.dataset.code = p.code;
    tid('order-product').textContent = brandName(p.category, p.brand) + ' — ' + p.name;
    const row = brandRow(p.category, p.brand);
    tid('brand-help').textContent = (row && row.help) || '';
    tid('brand-help').hidden = !(row && row.help);
    const contact = { phone: f.elements.phone.value, email: f.elements.email.value, notify: f.elements.notifyWhatsapp.checked };
    f.reset();
    f.elements.phone.value = contact.phone;
    f.elements.email.value = contact.email;
    f.elements.notifyWhatsapp.checked = contact.notify;
    fillContact();
    S.formAmount = -1;
    clearErrors();
    tid('nickname-result').textContent = '';
    const target = fieldEl('target');
    const input = tid('input-target');
    const spec = targetSpec(p);
    target.dataset.kind = spec.kind;
    input.setAttribute('inputmode', spec.inputmode);
    if (spec.maxlength) input.setAttribute('maxlength', String(spec.maxlength));
    else input.removeAttribute('maxlength');
    $('label', target).textContent = spec.label;
    $('.hint', target).textContent = spec.hint;
    if (detectedFor(p)) input.value = S.detected;
    fieldEl('zone').hidden = !(p.category === 'game' && p.needs_zone);
    fieldEl('nickname').hidden = !(p.category === 'game' && p.nickname_code);
    const qty = fieldEl('quantity');
    qty.hidden = p.category !== 'social';
    if (p.category === 'social') {
      const q = tid('input-quantity');
      q.value = String(p.min || 1);
      q.min = String(p.min || 1);
      if (p.max) q.max = String(p.max); else q.removeAttribute('max');
      $('.hint', qty).textContent = 'Min ' + numberFmt.format(p.min || 1) + (p.max ? ', maks ' + numberFmt.format(p.max) : '') +
        '. Harga ' + rp(priceOf(p)) + ' per 1000.';
    }
    updateTotal();
    renderProducts();
    if (window.matchMedia('(max-width: 759px)').matches) f.scrollIntoView({ block: 'start' });
    input.focus({ preventScroll: true });
  }

  // What the target field asks for, by the brand's category (brands.category:
  // the operator may file a game-category product under streaming or voucher),
  // else by the product's category and type. The server's rule is the
  // product category's (hooks/order_validate.go): digits for prepaid, letters,
  // digits and . _ - for game, a link for social; the labels ask for what it accepts.
  function targetSpec(p) {
    const row = brandRow(p.category, p.brand);
    const name = brandName(p.category, p.brand);
    const kind = (row && row.category) || ({ game: 'game', social: 'social' }[p.category]) ||
      ({ 'token-pln': 'pln', 'saldo-emoney': 'emoney', 'voucher-game': 'voucher', 'paket-internet': 'data' }[p.type]) ||
      (PHONE_TYPES[p.type] ? 'pulsa' : '');
    const numeric = p.category === 'prepaid' ? 'numeric' : 'text';
    if (p.category === 'social' || kind === 'social') {
      return { kind: 'social', label: 'Link / username tujuan', hint: 'Contoh: https://www.tiktok.com/@akun/video/123', inputmode: 'url', maxlength: 500 };
    }
    switch (kind) {
      case 'streaming':
        // "Email / No. HP akun" is what streaming shops ask; the server's game rule refuses "@", so: the number.
        return { kind, label: 'No. HP akun', hint: 'Nomor HP yang terdaftar di akun ' + name + '. Contoh: 081234567890', inputmode: 'tel', maxlength: p.category === 'game' ? 64 : 0 };
      case 'voucher':
        return { kind, label: 'No. WhatsApp', hint: 'Kode voucher muncul di halaman pesanan. Contoh: 081234567890', inputmode: 'tel', maxlength: p.category === 'game' ? 64 : 0 };
      case 'pulsa':
      case 'data':
        return { kind, label: 'Nomor HP', hint: 'Contoh: 081234567890', inputmode: 'tel', maxlength: 0 };
      case 'pln':
        return { kind, label: 'Nomor meter / ID pelanggan', hint: 'Token dikirim di halaman pesanan.', inputmode: 'numeric', maxlength: 0 };
      case 'emoney':
        return { kind, label: 'Nomor HP terdaftar', hint: 'Nomor HP akun ' + name + '.', inputmode: 'tel', maxlength: 0 };
      default:
        if (p.category === 'game') return { kind: 'game', label: 'User ID', hint: '', inputmode: 'text', maxlength: 64 };
        return { kind: kind || 'other', label: 'Nomor tujuan', hint: '', inputmode: numeric, maxlength: 0 };
    }
  }

  // The shopper's own price: a member of a level (users.level) pays the
  // level's price when the product has one (products.prices), else the public one.
  function priceOf(p) {
    const lv = loggedIn() ? pb.authStore.record.level : '';
    return lv && p.prices && Number.isInteger(p.prices[lv]) ? p.prices[lv] : p.price;
  }
  function totalOf(p, qty) {
    if (p.category !== 'social') return priceOf(p);
    return Math.ceil((priceOf(p) * qty) / 1000); // the server rounds up to the rupiah too
  }
  function currentTotal() {
    const p = S.product;
    if (!p) return 0;
    const qty = parseInt(val('quantity'), 10) || 0;
    return totalOf(p, p.category === 'social' ? qty : 1);
  }
  function updateTotal() {
    const p = S.product;
    if (!p) return;
    const total = currentTotal();
    const el = tid('order-price');
    el.textContent = rp(total);
    el.dataset.amount = String(total);
    loadFormChannels(total);
    updateSummary();
    if (!S.paying && !(S.attempt && S.attempt.number)) tid('pay').textContent = 'Beli sekarang';
  }
  // The summary under the form: the price, the chosen channel's fee, what is paid.
  function updateSummary() {
    const total = currentTotal();
    const ch = (S.formChannels || []).find((c) => c.code === S.channel);
    const fee = ch ? ch.fee : 0;
    const feeEl = tid('order-fee');
    feeEl.textContent = ch ? (fee ? rp(fee) : 'Gratis') : '—';
    feeEl.dataset.amount = String(fee);
    const sum = tid('order-total');
    sum.textContent = rp(ch ? ch.total : total);
    sum.dataset.amount = String(ch ? ch.total : total);
  }

  // ---------- payment channels ----------
  // GET /api/payments/channels for an amount, cached for a few minutes per amount and shopper.
  function channelsFor(amount) {
    const key = amount + '|' + (loggedIn() ? pb.authStore.record.id : '');
    const hit = S.channels.get(key);
    if (hit && Date.now() - hit.at < 5 * 60 * 1000) return hit.list;
    const list = pb.send('/api/payments/channels', { method: 'GET', query: { amount } }).then((res) => {
      const items = Array.isArray(res.data) ? res.data : [];
      for (const c of items) S.channelNames[c.code] = c.name;
      S.channels.set(key, { at: Date.now(), list: items });
      return items;
    }, (err) => { S.channels.delete(key); throw err; });
    S.channels.set(key, { at: Date.now(), list });
    return list;
  }
  const balanceNow = () => (loggedIn() ? Number(pb.authStore.record.balance) || 0 : 0);

  // The channels as radio buttons grouped Saldo / QRIS / E-Wallet / Virtual Account / Gerai retail.
  function renderChannels(box, list, opts) {
    const known = new Set(GROUPS.map((g) => g[0]));
    const groups = GROUPS.concat([['other', 'Lainnya']]).map(([g, label]) =>
      [g, label, list.filter((c) => (g === 'other' ? !known.has(groupOf(c)) : groupOf(c) === g))]).filter((x) => x[2].length);
    if (!groups.length) {
      box.replaceChildren(h('p', { class: 'muted', 'data-testid': 'channels-empty' }, 'Belum ada metode pembayaran untuk nominal ini.'));
      return;
    }
    // One group open: the chosen channel's, else the first. The others show their cheapest total.
    const openGroup = (groups.find((x) => x[2].some((c) => c.code === opts.selected)) || groups[0])[0];
    box.replaceChildren(...groups.map(([g, label, items]) => h('details', {
      class: 'ch-group', 'data-testid': opts.testid + '-group', dataset: { group: g }, open: g === openGroup,
    },
    h('summary', {}, h('span', { class: 'ch-head' }, label),
      h('span', { class: 'ch-from' }, g === 'wallet' ? '' : (items.length > 1 ? 'mulai ' : '') + rp(Math.min(...items.map((c) => c.total))))),
    h('div', { class: 'ch-items' }, items.map((c) => {
      const short = c.code === 'SALDO' && balanceNow() < c.total;
      const mid = c.gateway === 'midtrans';
      const fee = c.code === 'SALDO' ? 'Saldo Anda ' + rp(balanceNow()) + (short ? ' · tidak cukup' : '')
        : mid ? (c.fee ? 'Biaya ' + rp(c.fee) : 'Tanpa biaya tambahan') + ' · pilih metode di halaman Midtrans'
          : (c.fee ? 'Biaya ' + rp(c.fee) : 'Tanpa biaya');
      const id = opts.name + '-' + c.code;
      return h('label', {
        class: 'channel' + (short ? ' off' : ''), for: id, 'data-testid': opts.testid,
        dataset: { code: c.code, group: c.group, gateway: c.gateway || '', fee: c.fee, total: c.total },
      },
      h('input', { type: 'radio', id, name: opts.name, value: c.code, checked: c.code === opts.selected, disabled: short }),
      h('span', { class: 'ch-name' }, c.name),
      h('span', { class: 'ch-total' }, rp(c.total)),
      h('span', { class: 'ch-fee' + (short ? ' bad' : '') }, fee));
    })))));
  }

  // Loads and shows the channels of the buy form for this total; keeps the
  // choice when it is still offered, else picks the wallet when it covers it.
  async function loadFormChannels(total) {
    if (S.formAmount === total && S.formKey === loggedIn()) return;
    S.formAmount = total;
    S.formKey = loggedIn();
    const box = tid('channels');
    const seq = ++S.channelSeq;
    if (!total) { S.formChannels = []; box.replaceChildren(h('p', { class: 'muted' }, 'Isi jumlah untuk melihat metode pembayaran.')); return; }
    const cached = channelsFor(total);
    if (!Array.isArray(cached)) box.replaceChildren(h('p', { class: 'muted' }, 'Memuat metode pembayaran…'));
    let list;
    try {
      list = await cached;
    } catch (err) {
      if (seq !== S.channelSeq) return;
      S.formAmount = -1;
      S.formChannels = [];
      box.replaceChildren(h('p', { class: 'err', 'data-testid': 'channels-error' }, 'Gagal memuat metode pembayaran. ' + errorText(err) + ' '),
        h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'channels-retry' }, 'Coba lagi'));
      $('[data-testid="channels-retry"]', box).addEventListener('click', () => loadFormChannels(currentTotal()));
      updateSummary();
      return;
    }
    if (seq !== S.channelSeq) return;
    S.formChannels = list;
    const usable = (c) => c.code !== 'SALDO' || balanceNow() >= c.total;
    if (!list.some((c) => c.code === S.channel && usable(c))) {
      const wallet = list.find((c) => c.code === 'SALDO' && usable(c));
      S.channel = wallet ? wallet.code : '';
    }
    renderChannels(box, list, { name: 'channel', testid: 'channel', selected: S.channel });
    updateSummary();
  }

  function normalizeNumber(s) {
    return s.replace(/[\s.\-()]/g, '').replace(/^\+/, '');
  }
  function readInput() {
    const p = S.product;
    const input = {
      target: val('target').trim(), zone: val('zone').trim(), quantity: parseInt(val('quantity'), 10),
      phone: normalizeNumber(val('phone').trim()), email: val('email').trim(), channel: S.channel,
    };
    if (p.category === 'prepaid') input.target = normalizeNumber(input.target);
    if (p.category !== 'game' || !p.needs_zone) input.zone = input.zone || '';
    return input;
  }
  // Only an empty field is caught here; every rule (digits, prefixes,
  // zones, ranges, phone numbers) comes back from the server as a field code.
  function validate(p, input) {
    const e = {};
    if (!input.target) e.target = FIELD_CODES.validation_required;
    if (p.category === 'social' && !Number.isInteger(input.quantity)) e.quantity = FIELD_CODES.validation_required;
    if (!input.channel) e.channel = FIELD_CODES.validation_channel_required;
    if (!input.phone && !loggedIn()) e.phone = FIELD_CODES.validation_phone_required;
    return e;
  }

  const FORM_FIELDS = ['target', 'zone', 'quantity', 'channel', 'phone', 'email'];
  function clearErrors() {
    for (const f of $$('.field', form())) f.classList.remove('invalid');
    for (const n of FORM_FIELDS) tid('error-' + n).textContent = '';
    tid('form-error').textContent = '';
  }
  function showErrors(errs, formMsg) {
    clearErrors();
    let first = null;
    for (const [name, msg] of Object.entries(errs)) {
      const field = fieldEl(name);
      if (!field || !FORM_FIELDS.includes(name)) { formMsg = formMsg || msg; continue; }
      field.classList.add('invalid');
      tid('error-' + name).textContent = msg;
      first = first || $('input:not([disabled])', field);
    }
    tid('form-error').textContent = formMsg || '';
    if (first) first.focus();
  }

  // ---------- where a guest's invoices are remembered ----------
  const PAY_KEY = 'vipbase.payments';
  const CONTACT_KEY = 'vipbase.contact';
  function storedPayments() {
    try {
      const v = JSON.parse(localStorage.getItem(PAY_KEY) || '{}');
      return v && typeof v === 'object' ? v : {};
    } catch (_) { return {}; }
  }
  function rememberPayment(number, token, extra) {
    const all = storedPayments();
    all[number] = Object.assign({}, all[number], extra, { token: token || (all[number] && all[number].token) || '', at: Date.now() });
    // the newest 30 are enough to come back to
    const keep = Object.entries(all).sort((a, b) => (b[1].at || 0) - (a[1].at || 0)).slice(0, 30);
    try { localStorage.setItem(PAY_KEY, JSON.stringify(Object.fromEntries(keep))); } catch (_) { /* private mode */ }
  }
  function rememberContact(phone, email) {
    try { localStorage.setItem(CONTACT_KEY, JSON.stringify({ phone, email })); } catch (_) { /* private mode */ }
  }
  function storedContact() {
    try { return JSON.parse(localStorage.getItem(CONTACT_KEY) || '{}') || {}; } catch (_) { return {}; }
  }
  // The contact fields keep what was typed; else the last one used on this device.
  function fillContact() {
    const f = form();
    const c = storedContact();
    if (!f.elements.phone.value && c.phone) f.elements.phone.value = c.phone;
    if (!f.elements.email.value && c.email) f.elements.email.value = c.email;
    const label = $('label', fieldEl('phone'));
    label.replaceChildren('Nomor WhatsApp');
    if (loggedIn()) label.append(h('span', { class: 'opt' }, ' (opsional)'));
    f.elements.phone.required = !loggedIn();
    fieldEl('notify').hidden = loggedIn(); // a member's choice is the account's (Dompet → Akun)
  }

  async function pay(ev) {
    ev.preventDefault();
    const p = S.product;
    if (!p || S.paying) return; // a second click while paying does nothing
    const input = readInput();
    const errs = validate(p, input);
    if (Object.keys(errs).length) { showErrors(errs); return; }
    clearErrors();
    const amount = currentTotal();
    const body = { category: p.category, service: p.code, target: input.target, amount, channel: input.channel };
    if (p.category === 'game' && input.zone) body.zone = input.zone;
    if (p.category === 'social') body.quantity = input.quantity;
    if (input.phone) body.phone = input.phone;
    if (input.email) body.email = input.email;
    if (!loggedIn()) body.notifyWhatsapp = form().elements.notifyWhatsapp.checked; // the server reads it for guests only
    // One Idempotency-Key per purchase attempt. The same attempt sent again (a double
    // click, a retry after a network error, a click that lands after the answer but
    // before the page switched) keeps its key, so the server returns the first checkout.
    const sig = JSON.stringify(body);
    if (!S.attempt || S.attempt.sig !== sig) S.attempt = { sig, key: uuid(), number: '' };
    const attempt = S.attempt;
    S.paying = true;
    const btn = tid('pay');
    btn.disabled = true;
    btn.textContent = 'Memproses…';
    try {
      const res = await pb.send('/api/checkout', { method: 'POST', body, headers: { 'Idempotency-Key': attempt.key } });
      const d = res.data || {};
      rememberContact(input.phone, input.email);
      if (d.payment) {
        const n = d.payment.number;
        rememberPayment(n, d.accessToken, { order: d.order ? d.order.orderNumber : '', name: d.order ? d.order.serviceName : '' });
        S.inv = { number: n, token: d.accessToken, data: { order: d.order, payment: d.payment } };
        attempt.number = n; // the store starts a new attempt when it is shown again
        go('#/bayar/' + encodeURIComponent(n));
      } else {
        attempt.number = d.order.orderNumber;
        refreshBalance();
        go('#/pesanan/' + encodeURIComponent(attempt.number));
      }
    } catch (err) {
      const code = errorCode(err);
      // A refused payment closed its checkout: the next press is a new attempt.
      if (code === 'idempotency_mismatch' || code === 'payment_refused') S.attempt = null;
      if (code === 'guest_checkout_disabled') {
        S.afterLogin = '#/';
        notice(MESSAGES.guest_checkout_disabled);
        go('#/masuk');
        return;
      }
      const fields = {};
      for (const [k, v] of Object.entries(fieldErrorsOf(err))) fields[FIELD_OF[k] || k] = v;
      showErrors(fields, errorText(err));
      if (err.status === 401 && loggedIn()) logout('Sesi berakhir. Silakan masuk lagi.');
      if (code === 'price_changed' || code === 'product_not_found' || code === 'out_of_stock') refreshCatalog(p);
      if (code === 'insufficient_balance') { refreshBalance(); S.formAmount = -1; S.channels.clear(); loadFormChannels(currentTotal()); }
      if (fields.channel) { S.formAmount = -1; S.channels.clear(); loadFormChannels(currentTotal()); }
    } finally {
      S.paying = false;
      if (!attempt.number) {
        btn.disabled = false;
        updateTotal();
      }
    }
  }

  // After a purchase, coming back to the store starts a fresh attempt: same product,
  // empty target, a new key.
  function resetAfterPurchase() {
    if (!S.attempt || !S.attempt.number) return;
    S.attempt = null;
    const f = form();
    f.elements.target.value = '';
    f.elements.zone.value = '';
    tid('nickname-result').textContent = '';
    clearErrors();
    tid('pay').disabled = false;
    S.formAmount = -1; // the balance may have changed: SALDO's state too
    updateTotal();
  }

  // Reloads the category after the server said the product changed, keeping the form.
  async function refreshCatalog(p) {
    delete S.catalog[p.category];
    try {
      const items = await loadCatalog(p.category);
      const fresh = items.find((x) => x.code === p.code);
      if (S.product && S.product.id === p.id) {
        if (fresh) { S.product = fresh; updateTotal(); }
      }
      if (S.cat === p.category) renderProducts();
    } catch (_) { /* the message is already shown */ }
  }

  async function checkNickname() {
    const p = S.product;
    if (!p) return;
    const input = readInput();
    const all = validate(p, input);
    const errs = {};
    if (all.target) errs.target = all.target;
    if (all.zone) errs.zone = all.zone;
    const out = tid('nickname-result');
    out.className = 'nick-result';
    out.dataset.nickname = '';
    if (errs.target || errs.zone) { showErrors(errs); out.textContent = ''; return; }
    clearErrors();
    const seq = ++S.nickSeq;
    out.textContent = 'Memeriksa…';
    const btn = tid('check-nickname');
    btn.disabled = true;
    try {
      const query = { game: p.nickname_code || p.code, userId: input.target };
      if (input.zone) query.zoneId = input.zone;
      const res = await pb.send('/api/games/nickname', { method: 'GET', query });
      if (seq !== S.nickSeq) return;
      out.textContent = '✓ ' + res.data.nickname;
      out.dataset.nickname = res.data.nickname;
      out.classList.add('ok');
    } catch (err) {
      if (seq !== S.nickSeq) return;
      const fields = fieldErrorsOf(err);
      const mapped = {};
      for (const [k, v] of Object.entries(fields)) if (FIELD_OF[k]) mapped[FIELD_OF[k]] = v;
      if (Object.keys(mapped).length) showErrors(mapped);
      out.textContent = Object.keys(mapped).length ? '' : errorText(err);
      out.classList.add('bad');
    } finally {
      btn.disabled = false;
    }
  }

  // ---------- orders ----------
  async function fetchOrder(num) {
    const rec = await pb.collection('orders').getFirstListItem(pb.filter('number = {:n}', { n: num }), { expand: 'payment' });
    if (rec.expand && rec.expand.payment) S.payOf.set(rec.id, rec.expand.payment.number);
    upsertOrder(rec, 'load');
    return rec;
  }

  async function openOrder(num) {
    const box = tid('order-view');
    const known = orderByNumber(num);
    if (known) renderOrder(known);
    else {
      box.dataset.number = num;
      box.dataset.status = '';
      box.replaceChildren(h('p', { class: 'muted', text: 'Memuat pesanan…' }));
    }
    try {
      await fetchOrder(num);
    } catch (err) {
      if (S.viewNumber !== num) return;
      if (!orderByNumber(num)) {
        box.replaceChildren(h('p', { class: 'err', text: err.status === 404 ? 'Pesanan tidak ditemukan.' : errorText(err) }));
      }
      return;
    }
    if (S.viewNumber === num && currentView() === 'order') renderOrder(orderByNumber(num));
  }

  function steps(o) {
    const st = o.status;
    if (st === 'unpaid' || st === 'expired') {
      return h('ol', { class: 'steps', 'aria-label': 'Tahapan pesanan' },
        h('li', { class: st === 'expired' ? '' : 'now' }, 'Menunggu pembayaran'),
        h('li', {}, 'Diproses'),
        h('li', { class: st === 'expired' ? 'done bad' : '' }, st === 'expired' ? 'Kedaluwarsa' : 'Selesai'));
    }
    const final = FINAL[st];
    const last = st === 'success' ? 'Berhasil' : st === 'failed' ? 'Gagal' : st === 'partial' ? 'Sebagian' : 'Selesai';
    const reached = st === 'processing' || (final && (st !== 'failed' || !!o.external_id)); // refused at once: never processed
    return h('ol', { class: 'steps', 'aria-label': 'Tahapan pesanan' },
      h('li', { class: 'done' }, 'Dibayar'),
      h('li', { class: reached ? 'done' : '' }, 'Diproses'),
      h('li', { class: final ? 'done ' + ({ success: 'good', partial: 'part' }[st] || 'bad') : '' }, last));
  }

  const badge = (status) => h('span', { class: 'badge st-' + status, 'data-testid': 'order-status', dataset: { status } }, STATUS[status] || status);

  function renderOrder(o) {
    const box = tid('order-view');
    box.dataset.number = o.number;
    box.dataset.status = o.status;
    box.dataset.source = S.source.get(o.id) || '';
    const rows = [
      ['Tujuan', o.target + (o.zone ? ' (' + o.zone + ')' : '')],
      o.category === 'social' ? ['Jumlah', numberFmt.format(o.quantity)] : null,
      ['Harga', rp(o.price)],
      ['Waktu', fmtDate(o.created)],
    ].filter(Boolean);
    const parts = [
      h('div', { class: 'head' },
        h('div', {}, h('h2', {}, o.service_name || o.service_code), h('div', { class: 'num', 'data-testid': 'order-number' }, o.number)),
        badge(o.status)),
      steps(o),
      h('dl', { class: 'kv' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    ];
    const payNum = S.payOf.get(o.id);
    if (o.status === 'unpaid') {
      parts.push(h('p', { class: 'muted' }, 'Menunggu pembayaran.'));
      if (payNum) parts.push(h('a', { class: 'btn btn-block', href: '#/bayar/' + encodeURIComponent(payNum), 'data-testid': 'order-invoice-link' }, 'Lihat tagihan'));
    }
    if (o.status === 'expired') parts.push(h('p', { class: 'muted' }, 'Waktu pembayaran habis; tidak ada dana yang terpotong.'));
    if (o.status === 'pending') parts.push(h('p', { class: 'muted' }, 'Pembayaran diterima. Pesanan sedang dikirim ke penyedia.'));
    if (o.status === 'processing') parts.push(h('p', { class: 'muted' }, 'Sedang diproses penyedia. Halaman ini diperbarui otomatis.'));
    if ((o.status === 'success' || o.status === 'partial') && o.sn) {
      const cat = S.catalog[o.category];
      const prod = Array.isArray(cat) ? cat.find((x) => x.id === o.product) : null;
      const label = { 'token-pln': 'Token listrik', 'voucher-game': 'Kode voucher' }[prod && prod.type] || 'SN / Keterangan';
      parts.push(h('div', { class: 'sn-box' }, label,
        h('code', { 'data-testid': 'order-sn', dataset: { sn: o.sn } }, o.sn)));
    }
    if (o.status === 'success' && !o.sn) parts.push(h('div', { class: 'sn-box' }, 'Pesanan berhasil.'));
    if (o.status === 'failed' || o.status === 'partial') {
      parts.push(h('div', { class: 'refund-box' + (o.status === 'partial' ? ' part' : '') },
        o.status === 'failed' ? h('strong', {}, 'Pesanan gagal' + (o.note ? ': ' + o.note : '.')) :
          h('strong', {}, 'Terkirim sebagian' + (o.remains ? ' (sisa ' + numberFmt.format(o.remains) + ')' : '') + '.'),
        o.refunded > 0 ? h('span', { 'data-testid': 'order-refund', dataset: { amount: o.refunded } }, 'Dana dikembalikan ' + rp(o.refunded)) : null));
    }
    if (!FINAL[o.status]) {
      parts.push(h('p', { class: 'live', 'data-testid': 'live', dataset: { connected: String(S.live) } },
        S.live ? 'Status diperbarui otomatis' : 'Menghubungkan ulang…'));
    }
    box.replaceChildren(...parts);
  }

  function rerenderOrders() {
    const v = currentView();
    if (v === 'order') {
      const o = orderByNumber(S.viewNumber);
      if (o) renderOrder(o);
    } else if (v === 'orders') renderOrdersList();
  }

  async function loadOrders(reset) {
    if (reset) { S.ordersPage = 0; }
    const page = S.ordersPage + 1;
    try {
      const res = await pb.collection('orders').getList(page, 20, { sort: '-created' });
      if (page === 1) S.orderIds = [];
      for (const rec of res.items) {
        upsertOrder(rec, 'load');
        if (!S.orderIds.includes(rec.id)) S.orderIds.push(rec.id);
      }
      S.ordersPage = page;
      S.ordersMore = page < res.totalPages;
      S.ordersLoaded = true;
      if (currentView() === 'orders') renderOrdersList();
    } catch (err) {
      if (currentView() === 'orders') tid('orders-list').replaceChildren(h('p', { class: 'err', text: errorText(err) }));
    }
  }

  function renderOrdersList() {
    const list = tid('orders-list');
    tid('orders-more').hidden = !S.ordersMore;
    if (!S.ordersLoaded) { list.replaceChildren(h('p', { class: 'muted', text: 'Memuat…' })); return; }
    const items = S.orderIds.map((id) => S.orders.get(id)).filter(Boolean);
    if (!items.length) {
      list.replaceChildren(h('p', { class: 'muted' }, 'Belum ada pesanan. ', h('a', { href: '#/' }, 'Mulai belanja')));
      return;
    }
    list.replaceChildren(...items.map((o) => h('a', {
      class: 'row', href: '#/pesanan/' + encodeURIComponent(o.number), 'data-testid': 'order-row',
      dataset: { number: o.number, status: o.status },
    },
    h('span', { class: 't' }, o.service_name || o.service_code),
    h('span', { class: 'r' }, rp(o.price)),
    h('span', { class: 's' }, o.target + (o.zone ? ' (' + o.zone + ')' : '') + ' · ' + fmtDate(o.created)),
    h('span', { class: 'r' }, badge(o.status)),
    o.sn && (o.status === 'success' || o.status === 'partial') ? h('span', { class: 'sn', 'data-testid': 'order-row-sn' }, 'SN: ' + o.sn) : null,
    o.refunded > 0 ? h('span', { class: 's' }, 'Dana dikembalikan ' + rp(o.refunded)) : null)));
  }

  // ---------- wallet ----------
  async function loadWallet(reset) {
    if (reset) S.walletPage = 0;
    const page = S.walletPage + 1;
    try {
      const res = await pb.collection('wallet_transactions').getList(page, 30, { sort: '-created', expand: 'order', fields: '*,expand.order.number' });
      S.wallet = page === 1 ? res.items : S.wallet.concat(res.items);
      S.walletPage = page;
      S.walletMore = page < res.totalPages;
      renderWallet();
    } catch (err) {
      tid('wallet-list').replaceChildren(h('p', { class: 'err', text: errorText(err) }));
    }
  }

  function renderWallet() {
    const list = tid('wallet-list');
    tid('wallet-more').hidden = !S.walletMore;
    if (!S.wallet.length) { list.replaceChildren(h('p', { class: 'muted', text: 'Belum ada transaksi.' })); return; }
    list.replaceChildren(...S.wallet.map((w) => {
      const num = w.expand && w.expand.order ? w.expand.order.number : '';
      const note = (w.note || '').replace(/^Order (?=\S+$)/, 'Pesanan ').replace(/^Refund (?=\S+$)/, 'Pengembalian ');
      const desc = [num && !note.includes(num) ? num : '', note, fmtDate(w.created)].filter(Boolean).join(' · ');
      return h('div', { class: 'row', 'data-testid': 'wallet-row', dataset: { type: w.type, amount: w.amount, balanceAfter: w.balance_after } },
        h('span', { class: 't' }, LEDGER[w.type] || w.type),
        h('span', { class: 'r ' + (w.amount >= 0 ? 'amt-plus' : 'amt-minus') }, (w.amount >= 0 ? '+' : '−') + rp(Math.abs(w.amount))),
        h('span', { class: 's' }, desc),
        h('span', { class: 'r s' }, 'Saldo ' + rp(w.balance_after)));
    }));
  }

  // ---------- invoice: #/bayar/{paymentNumber} ----------
  // What the shopper sees of a checkout, from its payment and its order
  // (none for a wallet top-up).
  const PROGRESS = {
    unpaid: 'Menunggu pembayaran', paid: 'Dibayar', processing: 'Diproses', success: 'Berhasil', failed: 'Gagal',
    partial: 'Sebagian', expired: 'Kedaluwarsa', payfailed: 'Pembayaran gagal', late: 'Terlambat dibayar',
  };
  const PROGRESS_FINAL = { success: true, failed: true, partial: true, expired: true, payfailed: true, late: true };
  function progressOf(d) {
    const p = d.payment || {};
    const o = d.order;
    if (p.status === 'unpaid') return o && o.status === 'expired' ? 'expired' : 'unpaid';
    if (p.status === 'expired') return 'expired';
    if (p.status === 'failed') return 'payfailed';
    if (!o) return 'success'; // a top-up: paid is done
    if (o.status === 'unpaid' || o.status === 'pending') return 'paid';
    if (o.status === 'expired') return 'late'; // paid after its expiry and not re-opened
    return o.status;
  }

  const tokenOf = (number) => (storedPayments()[number] || {}).token || '';

  // A gateway's return (Midtrans appends ?order_id=…&status_code=…&transaction_status=…
  // to the hash) opens the invoice too; its claim is only a hint until the
  // store has confirmed the payment.
  function openInvoice(number, token, returned) {
    stopInvoice();
    if (!S.inv || S.inv.number !== number) S.inv = { number, token: '', data: null };
    S.inv.token = token || S.inv.token || tokenOf(number);
    if (returned) S.inv.returned = /^(settlement|capture)$/.test(returned) ? returned : '';
    if (token) rememberPayment(number, token, {});
    S.inv.shown = '';
    S.inv.error = '';
    if (S.inv.data) renderInvoice();
    else {
      const box = tid('invoice');
      box.dataset.number = number;
      box.dataset.state = '';
      box.replaceChildren(h('p', { class: 'muted' }, 'Memuat tagihan…'));
    }
    fetchInvoice();
    if (invoiceFinal()) return;
    S.invTimer = setInterval(() => {
      if (document.visibilityState === 'visible') fetchInvoice();
    }, 3000);
    S.clockTimer = setInterval(tickCountdown, 1000);
  }
  function stopInvoice() {
    clearInterval(S.invTimer);
    clearInterval(S.clockTimer);
    S.invTimer = 0;
    S.clockTimer = 0;
  }
  const invoiceFinal = () => !!(S.inv && S.inv.data && PROGRESS_FINAL[progressOf(S.inv.data)]);

  async function fetchInvoice(force) {
    const inv = S.inv;
    if (!inv || inv.loading || (!force && invoiceFinal())) return;
    inv.loading = true;
    try {
      const res = await pb.send('/api/checkout/' + encodeURIComponent(inv.number), { method: 'GET', query: inv.token ? { token: inv.token } : {} });
      applyInvoice(inv, res.data);
    } catch (err) {
      if (S.inv !== inv) return;
      if (err.status === 404 && !inv.data) {
        stopInvoice();
        renderInvoiceMissing();
      } else if (inv.data && err.status !== 404) {
        inv.error = errorText(err);
        renderInvoice();
      }
    } finally {
      inv.loading = false;
    }
  }
  function applyInvoice(inv, data) {
    if (S.inv !== inv || !data || !data.payment) return;
    const before = inv.data ? progressOf(inv.data) : '';
    inv.data = data;
    inv.error = '';
    const now = progressOf(data);
    if (before && before !== now && (now === 'paid' || now === 'success')) refreshBalance();
    if (PROGRESS_FINAL[now]) stopInvoice();
    if (!S.channelNames[data.payment.channel]) {
      Promise.resolve(channelsFor(data.payment.amount)).then(() => { if (S.inv === inv) { inv.shown = ''; renderInvoice(); } }, () => {});
    }
    if (currentView() === 'invoice') renderInvoice();
  }

  function renderInvoiceMissing() {
    const box = tid('invoice');
    box.dataset.state = 'missing';
    box.replaceChildren(
      h('h2', {}, 'Tagihan tidak ditemukan'),
      h('p', { class: 'muted' }, 'Tagihan ini hanya bisa dibuka dari perangkat yang dipakai saat memesan, atau oleh akun pemiliknya. ' +
        'Anda tetap bisa melihat pesanan lewat nomor pesanan dan nomor WhatsApp.'),
      h('a', { class: 'btn btn-block', href: '#/lacak' }, 'Lacak pesanan'));
  }

  function invoiceSteps(state, deposit) {
    const at = { unpaid: 0, paid: 1, processing: 2 }[state];
    const done = (i) => (at === undefined ? (state === 'expired' || state === 'payfailed' ? i === 0 : true) : i < at);
    const labels = deposit ? ['Menunggu pembayaran', 'Dibayar', 'Saldo masuk'] : ['Menunggu pembayaran', 'Dibayar', 'Diproses', PROGRESS_FINAL[state] ? PROGRESS[state] : 'Selesai'];
    const endClass = { success: 'good', partial: 'part' }[state] || 'bad';
    return h('ol', { class: 'steps steps-' + labels.length, 'aria-label': 'Tahapan pesanan', 'data-testid': 'invoice-steps' },
      labels.map((l, i) => {
        const last = i === labels.length - 1;
        let cls = done(i) ? 'done' : i === at ? 'now' : '';
        if (last && PROGRESS_FINAL[state]) cls = 'done ' + (deposit && state === 'success' ? 'good' : endClass);
        return h('li', { class: cls, 'aria-current': i === at ? 'step' : null }, l);
      }));
  }

  // Instructions come from the gateway with a little HTML (<b>…</b>): only
  // bold survives, everything else becomes text. DOMParser's document is inert.
  function richText(html) {
    const doc = new DOMParser().parseFromString('<body>' + String(html || ''), 'text/html');
    const out = [];
    const walk = (node, bold) => {
      for (const c of node.childNodes) {
        if (c.nodeType === 3) out.push(bold ? h('b', {}, c.textContent) : c.textContent);
        else if (c.nodeType === 1 && !/^(SCRIPT|STYLE)$/.test(c.tagName)) walk(c, bold || /^(B|STRONG)$/.test(c.tagName));
      }
    };
    walk(doc.body, false);
    return out;
  }

  let qrLib = null;
  function loadQR() {
    if (!qrLib) {
      qrLib = new Promise((resolve, reject) => {
        const el = document.createElement('script');
        el.src = 'vendor/qrcode.js';
        el.onload = () => (window.qrcode ? resolve(window.qrcode) : reject(new Error('qrcode.js')));
        el.onerror = () => { qrLib = null; reject(new Error('qrcode.js')); };
        document.head.append(el);
      });
    }
    return qrLib;
  }
  // A real, scannable QR of the gateway's qr_string, drawn on a canvas.
  function qrBox(text, number, gateway) {
    const box = h('div', { class: 'qr', 'data-testid': 'invoice-qr-box' }, h('p', { class: 'muted' }, 'Membuat kode QR…'));
    loadQR().then((qrcode) => {
      const q = qrcode(0, 'M');
      q.addData(text);
      q.make();
      const n = q.getModuleCount();
      const quiet = 4;
      const cell = Math.max(4, Math.ceil(640 / (n + 2 * quiet)));
      const size = (n + 2 * quiet) * cell;
      const c = h('canvas', { width: size, height: size, role: 'img', 'aria-label': 'Kode QR QRIS. Pindai dengan aplikasi e-wallet atau m-banking.', 'data-testid': 'invoice-qr', dataset: { modules: n } });
      const g = c.getContext('2d');
      g.fillStyle = '#fff';
      g.fillRect(0, 0, size, size);
      g.fillStyle = '#000';
      for (let r = 0; r < n; r++) for (let k = 0; k < n; k++) if (q.isDark(r, k)) g.fillRect((k + quiet) * cell, (r + quiet) * cell, cell, cell);
      const save = h('a', { class: 'btn btn-ghost btn-small', download: 'QRIS-' + number + '.png', href: c.toDataURL('image/png'), 'data-testid': 'invoice-qr-download' }, 'Simpan gambar QR');
      box.replaceChildren(c, save);
    }, () => {
      box.replaceChildren(h('p', { class: 'err' }, 'Kode QR gagal dibuat. Gunakan tombol "Bayar di halaman ' + gateway + '".'));
    });
    return box;
  }

  function copyText(text) {
    const done = () => toast('Disalin: ' + text);
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, () => fallbackCopy(text, done));
    } else fallbackCopy(text, done);
  }
  function fallbackCopy(text, done) {
    const t = h('textarea', { readonly: true, class: 'offscreen' });
    t.value = text;
    document.body.append(t);
    t.select();
    let ok = false;
    try { ok = document.execCommand('copy'); } catch (_) { ok = false; }
    t.remove();
    if (ok) done(); else toast('Salin manual: ' + text);
  }

  function countdownText(p) {
    const end = pbDate(p.expiresAt);
    if (!end || isNaN(end)) return '';
    const left = Math.floor((end - Date.now()) / 1000);
    if (left <= 0) return 'Waktu pembayaran habis';
    const hh = Math.floor(left / 3600);
    const mm = Math.floor((left % 3600) / 60);
    const ss = left % 60;
    const two = (x) => String(x).padStart(2, '0');
    return 'Sisa waktu ' + (hh ? hh + ':' : '') + two(mm) + ':' + two(ss);
  }
  function tickCountdown() {
    const el = tid('invoice-countdown');
    if (!el || !S.inv || !S.inv.data) return;
    const txt = countdownText(S.inv.data.payment);
    el.textContent = txt;
    el.classList.toggle('bad', txt === 'Waktu pembayaran habis');
  }

  function renderInvoice() {
    const inv = S.inv;
    if (!inv || !inv.data) return;
    const d = inv.data;
    const p = d.payment;
    const o = d.order;
    const state = progressOf(d);
    const key = JSON.stringify([d, inv.error, inv.checkMsg, inv.returned || '', S.channelNames[p.channel] || '', S.sandbox]);
    if (inv.shown === key) return; // unchanged: keep the QR, the open steps and the selection
    inv.shown = key;
    const box = tid('invoice');
    if (box.dataset.state !== state) tid('invoice-announce').textContent = 'Status: ' + (PROGRESS[state] || state);
    box.dataset.number = p.number;
    box.dataset.state = state;
    box.dataset.payment = p.status;
    box.dataset.order = o ? o.status : '';
    const deposit = !o;
    const chName = S.channelNames[p.channel] || p.channel;
    const midtrans = p.gateway === 'midtrans';
    const parts = [
      h('div', { class: 'head' },
        h('div', {}, h('h2', {}, deposit ? 'Isi saldo' : (o.serviceName || o.service)),
          h('div', { class: 'num', 'data-testid': 'invoice-number' }, deposit ? p.number : o.orderNumber)),
        h('span', { class: 'badge pr-' + state, 'data-testid': 'invoice-status', dataset: { state } }, PROGRESS[state] || state)),
      invoiceSteps(state, deposit),
    ];
    if (state === 'unpaid') {
      parts.push(h('div', { class: 'pay-box' },
        h('div', { class: 'pay-total' }, h('span', {}, 'Total bayar'),
          h('strong', { 'data-testid': 'invoice-total', dataset: { amount: p.total } }, rp(p.total))),
        h('p', { class: 'muted small', 'data-testid': 'invoice-fee-note' }, midtrans
          ? (p.fee ? 'Sudah termasuk biaya layanan ' + rp(p.fee) + '.' : 'Tanpa biaya tambahan.')
          : p.fee ? 'Sudah termasuk biaya layanan ' + rp(p.fee) + ' (' + chName + ').' : 'Tanpa biaya layanan (' + chName + ').'),
        h('p', { class: 'countdown', 'data-testid': 'invoice-countdown', 'aria-live': 'off' }, countdownText(p)),
        h('p', { class: 'muted small' }, 'Bayar sebelum ' + fmtDate(p.expiresAt) + '.')));
      if (p.qrString) parts.push(qrBox(p.qrString, p.number, gatewayName(p)));
      if (p.payCode) {
        const va = /VA$/.test(p.channel) || /virtual account/i.test(chName);
        parts.push(h('div', { class: 'code-box' },
          h('span', { class: 'muted' }, va ? 'Nomor Virtual Account' : 'Kode pembayaran'),
          h('div', { class: 'code-row' },
            h('code', { 'data-testid': 'invoice-paycode', dataset: { code: p.payCode } }, p.payCode),
            h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'copy-paycode', 'aria-label': 'Salin ' + (va ? 'nomor virtual account' : 'kode pembayaran') }, 'Salin'))));
      }
      if (!midtrans && /QRIS/.test(p.channel) && !p.qrString) parts.push(h('p', { class: 'muted' }, 'Buka halaman ' + gatewayName(p) + ' untuk menampilkan kode QR.'));
      if (midtrans) {
        // Midtrans shows the QR, the VA number or the e-wallet button on its own page.
        parts.push(h('div', { class: 'gw-box', 'data-testid': 'invoice-midtrans' },
          h('ol', {},
            h('li', {}, 'Tekan ', h('b', {}, 'Bayar di halaman Midtrans'), '.'),
            h('li', {}, 'Pilih metode: QRIS, GoPay, ShopeePay atau Virtual Account.'),
            h('li', {}, 'Selesaikan pembayaran, lalu kembali ke toko. Halaman ini diperbarui otomatis.'))));
        if (inv.returned) {
          parts.push(h('p', { class: 'note', 'data-testid': 'invoice-returned' }, 'Pembayaran Anda sedang dikonfirmasi. Mohon tunggu sebentar…'));
        }
      }
      if (p.checkoutUrl) {
        parts.push(h('a', { class: 'btn btn-block' + (midtrans ? '' : ' btn-ghost'), href: p.checkoutUrl, rel: 'noopener', 'data-testid': 'invoice-checkout-link', dataset: { gateway: p.gateway || '' } },
          payPageLabel(p)));
      }
      const steps = Array.isArray(p.instructions) ? p.instructions : [];
      if (steps.length) {
        parts.push(h('div', { class: 'howto', 'data-testid': 'invoice-instructions' }, h('h3', {}, 'Cara membayar'),
          steps.map((s, i) => h('details', { open: i === 0 },
            h('summary', {}, s.title || 'Langkah pembayaran'),
            h('ol', {}, (Array.isArray(s.steps) ? s.steps : []).map((x) => h('li', {}, richText(x))))))));
      }
      parts.push(h('button', { type: 'button', class: 'btn btn-block' + (midtrans && p.checkoutUrl ? ' btn-ghost' : ''), 'data-testid': 'check-payment' }, 'Cek pembayaran'));
      if (inv.checkMsg) parts.push(h('p', { class: 'muted center', 'data-testid': 'check-result', role: 'status' }, inv.checkMsg));
    }
    const rows = [];
    if (o) {
      rows.push(['Tujuan', o.target + (o.zone ? ' (' + o.zone + ')' : '')]);
      if (o.category === 'social') rows.push(['Jumlah', numberFmt.format(o.quantity)]);
      rows.push(['Harga', rp(o.amount)]);
    } else rows.push(['Nominal', rp(p.amount)]);
    rows.push(['Biaya layanan', p.fee ? rp(p.fee) : 'Gratis'], ['Total', rp(p.total)], ['Metode', midtrans ? 'Midtrans' : chName], ['No. tagihan', p.number]);
    if (p.paidAt) rows.push(['Dibayar', fmtDate(p.paidAt)]);
    const summary = h('dl', { class: 'kv', 'data-testid': 'invoice-summary' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
    const notes = [];
    if (state === 'paid') notes.push(h('p', { class: 'note' }, 'Pembayaran diterima. Pesanan sedang dikirim ke penyedia.'));
    if (state === 'processing') notes.push(h('p', { class: 'note' }, 'Pesanan sedang diproses penyedia. Halaman ini diperbarui otomatis.'));
    if (state === 'success' && deposit) notes.push(h('div', { class: 'sn-box' }, 'Saldo bertambah ' + rp(p.amount) + '.'));
    if (state === 'success' && o) {
      notes.push(o.sn ? h('div', { class: 'sn-box' }, 'SN / Keterangan', h('code', { 'data-testid': 'invoice-sn', dataset: { sn: o.sn } }, o.sn))
        : h('div', { class: 'sn-box' }, 'Pesanan berhasil.'));
    }
    if (state === 'failed' || state === 'partial' || state === 'late') {
      const due = p.refundDue || 0;
      const msg = state === 'late' ? 'Pembayaran diterima setelah batas waktu; pesanan tidak dikirim.'
        : state === 'failed' ? 'Pesanan gagal diproses penyedia.' : 'Pesanan terkirim sebagian.';
      const refund = o && o.refunded > 0 ? 'Dana ' + rp(o.refunded) + ' sudah dikembalikan' + (p.status === 'refunded' ? '.' : ' ke saldo Anda.')
        : due > 0 ? 'Dana ' + rp(due) + ' akan dikembalikan oleh admin. Kami menghubungi Anda lewat WhatsApp.' : '';
      notes.push(h('div', { class: 'refund-box' + (state === 'partial' ? ' part' : '') }, h('strong', {}, msg),
        refund ? h('span', { 'data-testid': 'invoice-refund' }, refund) : null));
    }
    if (state === 'expired' || state === 'payfailed') {
      notes.push(h('div', { class: 'refund-box' }, h('strong', {}, state === 'expired' ? 'Waktu pembayaran habis.' : 'Pembayaran gagal.'),
        h('span', {}, 'Tidak ada dana yang terpotong. Silakan pesan lagi.')),
      h('a', { class: 'btn btn-block', href: deposit ? '#/dompet' : '#/' }, deposit ? 'Isi saldo lagi' : 'Pesan lagi'));
    }
    // How to pay comes before the summary; once paid, what happened comes first.
    if (state === 'unpaid') parts.push(summary, ...notes); else parts.push(...notes, summary);
    if (!PROGRESS_FINAL[state]) {
      parts.push(h('p', { class: 'live', 'data-testid': 'live', dataset: { connected: String(!inv.error) } },
        inv.error ? 'Koneksi terputus, mencoba lagi…' : 'Status diperbarui otomatis'));
    }
    if (PROGRESS_FINAL[state] && o) {
      parts.push(h('p', { class: 'muted center small' }, 'Simpan nomor pesanan ', h('b', {}, o.orderNumber), ' untuk melacaknya nanti.'));
    }
    if (state === 'success') parts.push(h('a', { class: 'btn btn-ghost btn-block', href: deposit ? '#/dompet' : '#/' }, deposit ? 'Ke dompet' : 'Belanja lagi'));
    parts.push(sandboxHint());
    box.replaceChildren(...parts.filter(Boolean));
    const copy = tid('copy-paycode', box);
    if (copy) copy.addEventListener('click', () => copyText(p.payCode));
    const check = tid('check-payment', box);
    if (check) {
      check.addEventListener('click', checkPayment);
      if (inv.checkBusy) check.disabled = true;
    }
  }

  // "Cek pembayaran": the server asks the gateway now (once per 5 s).
  async function checkPayment() {
    const inv = S.inv;
    if (!inv || inv.checkBusy) return;
    inv.checkBusy = true;
    const btn = tid('check-payment');
    if (btn) { btn.disabled = true; btn.textContent = 'Mengecek…'; }
    let msg = '';
    try {
      const res = await pb.send('/api/checkout/' + encodeURIComponent(inv.number) + '/check', {
        method: 'POST', query: inv.token ? { token: inv.token } : {},
      });
      if (res.data && res.data.payment && res.data.payment.status === 'unpaid') msg = 'Pembayaran belum diterima. Selesaikan pembayaran, lalu cek lagi.';
      applyInvoice(inv, res.data);
    } catch (err) {
      msg = err.status === 429 ? 'Baru saja dicek. Tunggu beberapa detik, lalu cek lagi.' : errorText(err);
    }
    setTimeout(() => {
      inv.checkBusy = false;
      const b = tid('check-payment');
      if (b) { b.disabled = false; b.textContent = 'Cek pembayaran'; }
    }, 5000);
    if (S.inv !== inv) return;
    inv.checkMsg = msg;
    inv.shown = '';
    renderInvoice();
    const b = tid('check-payment');
    if (b) { b.disabled = true; b.textContent = 'Cek pembayaran'; }
  }

  // ---------- track: #/lacak ----------
  async function submitTrack(ev) {
    ev.preventDefault();
    const f = tid('track-form');
    const number = f.elements.number.value.trim().toUpperCase();
    const phone = normalizeNumber(f.elements.phone.value.trim());
    const errEl = tid('track-error');
    errEl.textContent = '';
    tid('error-track-number').textContent = '';
    tid('error-track-phone').textContent = '';
    for (const x of $$('.field', f)) x.classList.remove('invalid');
    const bad = {};
    if (!number) bad.number = FIELD_CODES.validation_required;
    if (!phone) bad.phone = FIELD_CODES.validation_required;
    if (Object.keys(bad).length) { showTrackErrors(bad); return; }
    const btn = tid('track-submit');
    btn.disabled = true;
    const out = tid('track-result');
    try {
      const res = await pb.send('/api/orders/track', { method: 'GET', query: { number, phone } });
      rememberContact(phone, storedContact().email || '');
      renderTrack(res.data);
    } catch (err) {
      out.hidden = true;
      const fields = fieldErrorsOf(err);
      if (Object.keys(fields).length) showTrackErrors(fields);
      else errEl.textContent = err.status === 404 ? 'Pesanan tidak ditemukan. Periksa nomor pesanan dan nomor WhatsApp yang dipakai saat memesan.' : errorText(err);
    } finally {
      btn.disabled = false;
    }
  }
  function showTrackErrors(errs) {
    for (const [k, v] of Object.entries(errs)) {
      const el = tid('error-track-' + k);
      if (el) { el.textContent = v; el.closest('.field').classList.add('invalid'); } else tid('track-error').textContent = v;
    }
  }
  function renderTrack(d) {
    const out = tid('track-result');
    const o = d.order;
    const p = d.payment;
    const state = p ? progressOf(d) : o.status;
    out.dataset.number = o.orderNumber;
    out.dataset.status = o.status;
    const rows = [['Tujuan', o.target + (o.zone ? ' (' + o.zone + ')' : '')], ['Harga', rp(o.amount)], ['Waktu', fmtDate(o.created)]];
    if (p) rows.push(['Pembayaran', (p.status === 'unpaid' ? 'Belum dibayar' : p.status === 'paid' ? 'Lunas' : p.status === 'refunded' ? 'Dikembalikan' : p.status === 'expired' ? 'Kedaluwarsa' : 'Gagal') + ' · ' + rp(p.total)]);
    const token = p ? tokenOf(p.number) : '';
    out.replaceChildren(...[
      h('div', { class: 'head' }, h('div', {}, h('h2', {}, o.serviceName || o.service), h('div', { class: 'num' }, o.orderNumber)),
        h('span', { class: 'badge pr-' + state, 'data-testid': 'track-status', dataset: { state } }, PROGRESS[state] || STATUS[o.status] || o.status)),
      h('dl', { class: 'kv' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      p && (token || loggedIn()) ? h('a', { class: 'btn btn-block', href: '#/bayar/' + encodeURIComponent(p.number), 'data-testid': 'track-open-invoice' }, 'Buka tagihan') : null,
      p && !token && !loggedIn() && p.status === 'unpaid' && p.checkoutUrl
        ? h('a', { class: 'btn btn-block', href: p.checkoutUrl, rel: 'noopener' }, 'Bayar di halaman ' + gatewayName(p)) : null,
      state === 'success' ? h('p', { class: 'muted small' }, 'SN/token tampil di halaman tagihan pada perangkat yang dipakai saat memesan.') : null,
    ].filter(Boolean));
    out.hidden = false;
  }
  function renderLocalInvoices() {
    const all = Object.entries(storedPayments()).sort((a, b) => (b[1].at || 0) - (a[1].at || 0));
    const box = tid('local-invoices');
    if (!all.length) { box.replaceChildren(); return; }
    box.replaceChildren(h('h2', { class: 'list-title' }, 'Tagihan di perangkat ini'),
      h('div', { class: 'list' }, all.slice(0, 10).map(([n, v]) => h('a', { class: 'row', href: '#/bayar/' + encodeURIComponent(n), 'data-testid': 'local-invoice', dataset: { number: n } },
        h('span', { class: 't' }, v.name || 'Pesanan'), h('span', { class: 'r s' }, new Date(v.at || 0).toLocaleDateString('id-ID')),
        h('span', { class: 's' }, v.order || n)))));
  }

  // ---------- wallet top-up ----------
  const TOPUP_MIN = 10000;
  const TOPUP_MAX = 10000000;
  const topupAmount = () => parseInt(String(tid('input-topup-amount').value).replace(/\D/g, ''), 10) || 0;
  let topupTimer = 0;
  function onTopupAmount() {
    clearTimeout(topupTimer);
    tid('error-topup-amount').textContent = '';
    tid('topup-error').textContent = '';
    topupTimer = setTimeout(loadTopupChannels, 250);
    for (const b of $$('button', tid('topup-chips'))) b.setAttribute('aria-pressed', String(Number(b.dataset.amount) === topupAmount()));
  }
  async function loadTopupChannels() {
    const amount = topupAmount();
    const box = tid('topup-channels');
    const seq = ++S.topupSeq;
    if (amount < TOPUP_MIN || amount > TOPUP_MAX) {
      box.replaceChildren(h('p', { class: 'muted' }, amount ? FIELD_CODES.validation_topup_range : 'Isi nominal untuk melihat metode pembayaran.'));
      S.topupChannels = [];
      return;
    }
    let list;
    try {
      list = (await channelsFor(amount)).filter((c) => c.code !== 'SALDO');
    } catch (err) {
      if (seq === S.topupSeq) box.replaceChildren(h('p', { class: 'err' }, 'Gagal memuat metode pembayaran. ' + errorText(err)));
      return;
    }
    if (seq !== S.topupSeq) return;
    S.topupChannels = list;
    if (!list.some((c) => c.code === S.topupChannel)) S.topupChannel = '';
    renderChannels(box, list, { name: 'topup-channel', testid: 'topup-channel', selected: S.topupChannel });
  }
  async function submitTopup(ev) {
    ev.preventDefault();
    if (S.topupBusy) return;
    const amount = topupAmount();
    const errs = {};
    if (amount < TOPUP_MIN || amount > TOPUP_MAX) errs.amount = FIELD_CODES.validation_topup_range;
    if (!S.topupChannel) errs.channel = FIELD_CODES.validation_channel_required;
    tid('error-topup-amount').textContent = errs.amount || '';
    tid('error-topup-channel').textContent = errs.channel || '';
    tid('topup-error').textContent = '';
    if (Object.keys(errs).length) return;
    // One Idempotency-Key per intended top-up, as the checkout does: the same
    // amount and channel sent again (a retry after a lost answer) keep it, so
    // the server answers with the invoice it already opened; a change of
    // amount or channel, or a top-up that went through, starts a new one.
    const sig = amount + '|' + S.topupChannel;
    if (!S.topupAttempt || S.topupAttempt.sig !== sig) S.topupAttempt = { sig, key: uuid() };
    const attempt = S.topupAttempt;
    S.topupBusy = true;
    const btn = tid('topup-submit');
    btn.disabled = true;
    btn.textContent = 'Memproses…';
    try {
      const res = await pb.send('/api/wallet/topup', {
        method: 'POST', body: { amount, channel: S.topupChannel }, headers: { 'Idempotency-Key': attempt.key },
      });
      const d = res.data || {};
      if (S.topupAttempt === attempt) S.topupAttempt = null; // the next top-up is a new one
      const n = d.payment.number;
      rememberPayment(n, d.accessToken, { name: 'Isi saldo ' + rp(amount) });
      S.inv = { number: n, token: d.accessToken, data: { order: null, payment: d.payment } };
      tid('topup-form').reset();
      S.topupChannel = '';
      loadTopupChannels();
      go('#/bayar/' + encodeURIComponent(n));
    } catch (err) {
      const fields = fieldErrorsOf(err);
      tid('error-topup-amount').textContent = fields.amount || '';
      tid('error-topup-channel').textContent = fields.channel || '';
      tid('topup-error').textContent = errorText(err);
      const code = errorCode(err);
      // A refused invoice closed its attempt: the next press is a new top-up.
      if (code === 'idempotency_mismatch' || code === 'payment_refused') S.topupAttempt = null;
      if (fields.channel) { S.channels.clear(); loadTopupChannels(); }
    } finally {
      S.topupBusy = false;
      btn.disabled = false;
      btn.textContent = 'Isi saldo';
    }
  }

  // ---------- auth ----------
  let signupMode = false;
  function renderAuth(signup) {
    signupMode = signup;
    const f = tid('auth-form');
    f.reset();
    tid('auth-error').textContent = '';
    tid('auth-title').textContent = signup ? 'Daftar akun baru' : 'Masuk';
    tid('auth-submit').textContent = signup ? 'Daftar' : 'Masuk';
    $('[data-signup-only]', f).hidden = !signup;
    $('[data-login-only]', f).hidden = signup;
    tid('auth-password').setAttribute('autocomplete', signup ? 'new-password' : 'current-password');
    const sw = tid('auth-switch');
    sw.replaceChildren(signup ? 'Sudah punya akun? ' : 'Belum punya akun? ',
      h('a', { href: signup ? '#/masuk' : '#/daftar', 'data-testid': 'auth-switch-link' }, signup ? 'Masuk' : 'Daftar'));
  }

  async function submitAuth(ev) {
    ev.preventDefault();
    const f = tid('auth-form');
    const email = f.elements.email.value.trim();
    const password = f.elements.password.value;
    const confirm = f.elements.passwordConfirm.value;
    const errEl = tid('auth-error');
    errEl.textContent = '';
    if (!email || !password) { errEl.textContent = 'Masukkan email dan kata sandi.'; return; }
    const btn = tid('auth-submit');
    btn.disabled = true;
    try {
      if (signupMode) await pb.collection('users').create({ email, password, passwordConfirm: confirm });
      await pb.collection('users').authWithPassword(email, password);
    } catch (err) {
      const fields = Object.values(fieldErrorsOf(err));
      // PocketBase answers a wrong password with a bare 400.
      errEl.textContent = fields.length ? fields.join(' ') : err.status === 400 ? 'Email atau kata sandi salah.' : errorText(err);
      return;
    } finally {
      btn.disabled = false;
    }
    S.orders.clear(); S.source.clear(); S.orderIds = []; S.ordersLoaded = false; S.wallet = []; S.walletPage = 0;
    renderHeader();
    subscribeLive();
    toast(signupMode ? 'Akun dibuat. Selamat datang!' : 'Berhasil masuk.');
    const next = S.afterLogin || '#/';
    S.afterLogin = '';
    go(next);
  }

  // ---------- forgotten password ----------
  // PocketBase mails the reset link (in sandbox mode to /_sandbox/inbox). The
  // answer is the same whether the address has an account or not: the page
  // never tells who is a customer.
  const FORGOT_SENT = 'Jika e-mail terdaftar, tautan reset sudah dikirim.';
  let forgotBusy = false;
  function renderForgot() {
    const f = tid('forgot-form');
    const typed = tid('auth-email').value.trim();
    f.reset();
    if (typed) f.elements.email.value = typed;
    tid('error-forgot-email').textContent = '';
    tid('forgot-result').hidden = true;
  }
  async function submitForgot(ev) {
    ev.preventDefault();
    if (forgotBusy) return;
    const f = tid('forgot-form');
    const email = f.elements.email.value.trim();
    const out = tid('forgot-result');
    out.hidden = true;
    tid('error-forgot-email').textContent = '';
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
      tid('error-forgot-email').textContent = FIELD_CODES.validation_is_email;
      return;
    }
    forgotBusy = true;
    const btn = tid('forgot-submit');
    btn.disabled = true;
    btn.textContent = 'Mengirim…';
    try {
      await pb.collection('users').requestPasswordReset(email);
    } catch (_) {
      // Any answer reads the same (no account enumeration).
    } finally {
      forgotBusy = false;
      btn.disabled = false;
      btn.textContent = 'Kirim tautan reset';
    }
    out.textContent = FORGOT_SENT;
    out.hidden = false;
  }

  async function logout(msg) {
    await unsubscribeLive();
    pb.authStore.clear();
    S.orders.clear(); S.source.clear(); S.orderIds = []; S.ordersLoaded = false; S.wallet = []; S.walletPage = 0;
    renderHeader();
    if (msg) toast(msg);
    go('#/');
  }

  // ---------- account (Dompet → Akun): WhatsApp number and messages ----------
  // A member edits their own users record: phone (the server normalises
  // 08…/+62… to 62… and answers a bad number with validation_phone) and
  // notify_whatsapp. Nothing else is sent; the SDK refreshes the auth record.
  let accountBusy = false;
  function renderAccount() {
    if (!loggedIn() || accountBusy) return;
    const f = tid('account-form');
    const u = pb.authStore.record;
    f.elements.phone.value = u.phone || '';
    f.elements.notify.checked = !!u.notify_whatsapp;
    onAccountInput();
  }
  function showAccountError(msg) {
    tid('error-account-phone').textContent = msg;
    $('[data-field="account-phone"]', tid('account-form')).classList.toggle('invalid', !!msg);
  }
  function onAccountInput() {
    tid('account-result').textContent = '';
    tid('account-error').textContent = '';
    showAccountError('');
  }
  async function submitAccount(ev) {
    ev.preventDefault();
    if (accountBusy || !loggedIn()) return;
    const f = tid('account-form');
    const body = { phone: normalizeNumber(f.elements.phone.value.trim()), notify_whatsapp: f.elements.notify.checked };
    onAccountInput();
    accountBusy = true;
    const btn = tid('account-save');
    btn.disabled = true;
    btn.textContent = 'Menyimpan…';
    try {
      await pb.collection('users').update(pb.authStore.record.id, body);
      tid('account-result').textContent = 'Tersimpan.';
    } catch (err) {
      const fields = fieldErrorsOf(err);
      if (fields.phone) showAccountError(fields.phone);
      else tid('account-error').textContent = Object.values(fields)[0] || errorText(err);
      if (err.status === 401) logout('Sesi berakhir. Silakan masuk lagi.');
    } finally {
      accountBusy = false;
      btn.disabled = false;
      btn.textContent = 'Simpan';
    }
  }

  // ---------- sandbox inbox (serve --sandbox only) ----------
  // In sandbox mode the app serves a simulated WhatsApp/e-mail inbox at
  // /_sandbox/inbox and marks the page with <meta name="vipbase-mode"
  // content="sandbox">; a production page has no mark and nothing is probed.
  const INBOX_URL = '/_sandbox/inbox';
  function detectSandbox() {
    if (document.querySelector('meta[name="vipbase-mode"]')?.content !== 'sandbox') return;
    S.sandbox = true;
    tid('sandbox-inbox-link').hidden = false;
    if (S.inv && currentView() === 'invoice') { S.inv.shown = ''; renderInvoice(); }
  }
  // A line under an invoice: where the shop's messages about it can be read.
  function sandboxHint() {
    if (!S.sandbox) return null;
    return h('p', { class: 'muted small center sandbox-hint', 'data-testid': 'sandbox-hint' }, 'Mode simulasi: WhatsApp dan email dari toko tampil di ',
      h('a', { href: INBOX_URL, target: '_blank', rel: 'noopener' }, 'kotak masuk simulasi'), '.');
  }

  // ---------- wiring ----------
  function bind() {
    window.addEventListener('hashchange', route);
    pb.authStore.onChange(renderHeader);
    for (const b of $$('.cat-tabs button')) b.addEventListener('click', () => { S.q = ''; tid('search').value = ''; renderTiles(); selectCategory(b.dataset.cat); });
    tid('brands').addEventListener('click', (e) => {
      const b = e.target.closest('button[data-brand]');
      if (!b) return;
      S.brand[S.cat] = b.dataset.brand;
      S.q = '';
      tid('search').value = '';
      for (const x of $$('button', tid('brands'))) x.setAttribute('aria-pressed', String(x === b));
      renderBrandHead();
      renderTiles();
      renderProducts();
    });
    tid('brand-home').addEventListener('click', (e) => {
      const b = e.target.closest('button[data-brand]');
      if (b) openBrand(b.dataset.cat, b.dataset.brand);
    });
    tid('kind-tabs').addEventListener('click', (e) => {
      const b = e.target.closest('button[data-kind]');
      if (!b) return;
      S.kind = b.dataset.kind;
      renderProducts();
    });
    tid('input-detect-phone').addEventListener('input', onDetectInput);
    tid('search').addEventListener('input', (e) => { S.q = e.target.value; renderTiles(); renderBrandHead(); renderProducts(); });
    tid('products').addEventListener('click', (e) => {
      const b = e.target.closest('button[data-id]');
      if (!b) return;
      const p = (S.catalog[S.cat] || []).find((x) => x.id === b.dataset.id);
      if (p) selectProduct(p);
    });
    const f = form();
    f.addEventListener('submit', pay);
    f.addEventListener('input', (e) => {
      const field = e.target.closest('.field');
      if (field && field.classList.contains('invalid')) {
        field.classList.remove('invalid');
        tid('error-' + field.dataset.field).textContent = '';
      }
      if (e.target.name === 'target' || e.target.name === 'zone') {
        S.nickSeq++;
        const out = tid('nickname-result');
        out.textContent = '';
        out.className = 'nick-result';
        out.dataset.nickname = '';
      }
      tid('form-error').textContent = '';
      if (e.target.name === 'channel') {
        S.channel = e.target.value;
        updateSummary();
        return;
      }
      if (e.target.name === 'quantity') { // one channel list per pause in typing
        clearTimeout(S.qtyTimer);
        S.qtyTimer = setTimeout(updateTotal, 300);
        return;
      }
      if (e.target.name === 'target' || e.target.name === 'zone') updateTotal();
    });
    tid('check-nickname').addEventListener('click', checkNickname);
    tid('track-form').addEventListener('submit', submitTrack);
    tid('topup-form').addEventListener('submit', submitTopup);
    tid('input-topup-amount').addEventListener('input', onTopupAmount);
    tid('topup-chips').addEventListener('click', (e) => {
      const b = e.target.closest('button[data-amount]');
      if (!b) return;
      tid('input-topup-amount').value = numberFmt.format(Number(b.dataset.amount));
      onTopupAmount();
    });
    tid('topup-channels').addEventListener('change', (e) => {
      if (e.target.name !== 'topup-channel') return;
      S.topupChannel = e.target.value;
      tid('error-topup-channel').textContent = '';
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && currentView() === 'invoice') fetchInvoice();
    });
    tid('account-form').addEventListener('submit', submitAccount);
    tid('account-form').addEventListener('input', onAccountInput);
    tid('auth-form').addEventListener('submit', submitAuth);
    tid('forgot-form').addEventListener('submit', submitForgot);
    tid('nav-logout').addEventListener('click', () => logout('Anda sudah keluar.'));
    tid('orders-more').addEventListener('click', () => loadOrders(false));
    tid('wallet-more').addEventListener('click', () => loadWallet(false));
  }

  // ---------- store identity: header and footer ----------
  async function loadStore() {
    try {
      const res = await pb.collection('store').getList(1, 1, { fields: 'id,collectionId,collectionName,name,tagline,logo,cs_whatsapp,cs_email,terms,refund_policy' });
      S.store = res.items[0] || null;
    } catch (_) {
      S.store = null; // the defaults stay
    }
    renderStore();
  }

  // 6281234567890 → 0812-3456-7890
  function localPhone(n) {
    const local = String(n).replace(/^62/, '0');
    return local.replace(/^(\d{4})(\d{4})(\d+)$/, '$1-$2-$3');
  }

  function renderStore() {
    const st = S.store || {};
    const name = (st.name || '').trim();
    const logo = tid('logo');
    const kids = [];
    if (st.logo) kids.push(h('img', { class: 'logo-img', src: pb.files.getURL(st, st.logo, { thumb: '64x64' }), alt: '', width: 28, height: 28 }));
    if (name) kids.push(h('span', { class: 'logo-name' }, name));
    else kids.push(h('span', { class: 'logo-name' }, 'vip', h('b', {}, 'base')));
    logo.replaceChildren(...kids);
    const tagline = tid('store-tagline');
    tagline.textContent = (st.tagline || '').trim();
    tagline.hidden = !tagline.textContent;

    const wa = tid('footer-cs-whatsapp');
    wa.hidden = !st.cs_whatsapp;
    if (st.cs_whatsapp) {
      wa.href = 'https://wa.me/' + st.cs_whatsapp;
      wa.textContent = 'WhatsApp ' + localPhone(st.cs_whatsapp);
    }
    const mail = tid('footer-cs-email');
    mail.hidden = !st.cs_email;
    if (st.cs_email) {
      mail.href = 'mailto:' + st.cs_email;
      mail.textContent = st.cs_email;
    }
    tid('footer-cs').hidden = wa.hidden && mail.hidden;
    for (const [id, text] of [['footer-terms', st.terms], ['footer-refund', st.refund_policy]]) {
      const d = tid(id);
      d.hidden = !(text || '').trim();
      $('.legal-text', d).textContent = (text || '').trim();
    }
    tid('footer-copy').textContent = '© ' + new Date().getFullYear() + ' ' + (name || 'vipbase');
  }

  async function boot() {
    bind();
    loadStore();
    const brandsReady = loadBrands(); // before the first render: the default brand is the first tile's
    if (loggedIn()) {
      try {
        await pb.collection('users').authRefresh();
      } catch (err) {
        if (err.status === 401 || err.status === 403 || err.status === 404) pb.authStore.clear();
      }
    } else if (pb.authStore.token) {
      pb.authStore.clear();
    }
    renderHeader();
    if (loggedIn()) subscribeLive();
    await brandsReady;
    route();
    document.documentElement.dataset.ready = 'true';
    if (window.requestIdleCallback) requestIdleCallback(detectSandbox, { timeout: 1000 });
    else setTimeout(detectSandbox, 200);
  }

  boot();
})();
