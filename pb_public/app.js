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
    price_changed: 'Harga sudah berubah. Periksa harga terbaru, lalu tekan Bayar lagi.',
    idempotency_mismatch: 'Permintaan ganda terdeteksi. Tekan Bayar sekali lagi.',
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
    // PocketBase's own (sign-up and log-in)
    validation_not_unique: 'Email sudah terdaftar. Silakan masuk.',
    validation_is_email: 'Format email tidak valid.',
    validation_required: 'Wajib diisi.',
    validation_min_text_constraint: 'Terlalu pendek (kata sandi minimal 8 karakter).',
    validation_values_mismatch: 'Kata sandi tidak sama.',
  };
  // Route field names → form fields.
  const FIELD_OF = { phoneNumber: 'target', userId: 'target', target: 'target', zoneId: 'zone', quantity: 'quantity' };

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
  const STATUS = { pending: 'Menunggu', processing: 'Diproses', success: 'Berhasil', failed: 'Gagal', partial: 'Sebagian' };
  const FINAL = { success: true, failed: true, partial: true };
  const LEDGER = { deposit: 'Isi saldo', purchase: 'Pembelian', refund: 'Pengembalian dana', adjustment: 'Penyesuaian' };
  const PHONE_TYPES = { 'pulsa-reguler': 1, 'pulsa-transfer': 1, 'paket-internet': 1, 'paket-telepon': 1 };
  const TYPE_LABEL = {
    'pulsa-reguler': 'Pulsa', 'pulsa-transfer': 'Pulsa transfer', 'paket-internet': 'Paket data',
    'paket-telepon': 'Paket telepon', 'token-pln': 'Token PLN', 'saldo-emoney': 'E-money', 'voucher-game': 'Voucher',
  };
  const PRODUCT_FIELDS = 'id,category,code,name,brand,type,price,min,max,needs_zone,nickname_code,track_stock,stock,sort';

  const S = {
    cat: 'game',
    brand: {},            // category → chosen brand
    q: '',
    catalog: {},          // category → products (or a Promise while loading)
    product: null,
    attempt: null,        // {sig, key}: one Idempotency-Key per purchase attempt
    paying: false,
    nickSeq: 0,
    orders: new Map(),    // id → order record (newest known version)
    source: new Map(),    // id → how its newest version arrived: load | realtime | poll
    orderIds: [],         // history order (newest first)
    ordersPage: 0, ordersMore: false, ordersLoaded: false,
    wallet: [], walletPage: 0, walletMore: false,
    viewNumber: '',
    afterLogin: '',
    live: false,
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

  function onOrderEvent(rec) {
    const before = S.orders.get(rec.id);
    if (!upsertOrder(rec, 'realtime')) return;
    if (!S.orderIds.includes(rec.id) && S.ordersLoaded) S.orderIds.unshift(rec.id);
    if (FINAL[rec.status]) {
      refreshBalance();
      // Tell about orders finishing elsewhere, not the one on screen (the event can
      // arrive just before the page switches to a new order, hence the delay).
      const onScreen = () => currentView() === 'order' && S.viewNumber === rec.number;
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
    const nav = view === 'order' ? 'orders' : view;
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
    const hash = location.hash.replace(/^#\/?/, '');
    const [head, arg] = hash.split('/');
    if (head !== 'masuk' && head !== 'daftar') notice('');
    switch (head) {
      case 'pesanan':
        if (needLogin()) return;
        if (arg) { S.viewNumber = decodeURIComponent(arg); show('order'); openOrder(S.viewNumber); }
        else { show('orders'); renderOrdersList(); loadOrders(true); }
        break;
      case 'dompet':
        if (needLogin()) return;
        show('wallet');
        renderHeader();
        loadWallet(true);
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

  // Brands with the most products first (a fair proxy for popularity), then by name.
  function brandsOf(items) {
    const m = new Map();
    for (const p of items) {
      const b = m.get(p.brand) || { name: p.brand, n: 0, sort: Infinity };
      b.n++;
      b.sort = Math.min(b.sort, p.sort || 0);
      m.set(p.brand, b);
    }
    return Array.from(m.values()).sort((a, b) => a.sort - b.sort || b.n - a.n || a.name.localeCompare(b.name, 'id'))
      .map((b) => b.name);
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
    if (!brands.includes(S.brand[cat])) S.brand[cat] = brands[0] || '';
    renderBrands(brands);
    renderProducts();
  }

  function renderBrands(brands) {
    tid('brands').replaceChildren(...brands.map((b) => h('button', {
      type: 'button', 'data-testid': 'brand', dataset: { brand: b }, 'aria-pressed': String(b === S.brand[S.cat]),
    }, b)));
  }

  function renderProducts() {
    const items = Array.isArray(S.catalog[S.cat]) ? S.catalog[S.cat] : [];
    const q = S.q.trim().toLowerCase();
    const shown = items.filter((p) => (q
      ? (p.name + ' ' + p.brand + ' ' + p.code).toLowerCase().includes(q)
      : p.brand === S.brand[S.cat]));
    const list = tid('products');
    if (!shown.length) {
      list.replaceChildren(h('p', { class: 'muted empty', text: q ? 'Produk tidak ditemukan.' : 'Belum ada produk di kategori ini.' }));
      return;
    }
    list.replaceChildren(...shown.map((p) => {
      const out = p.track_stock && p.stock <= 0;
      const meta = [];
      if (q) meta.push(p.brand);
      if (TYPE_LABEL[p.type]) meta.push(TYPE_LABEL[p.type]);
      if (p.track_stock) meta.push(out ? 'Stok habis' : 'Stok ' + p.stock);
      if (p.category === 'social' && p.min) meta.push('Min ' + numberFmt.format(p.min));
      return h('button', {
        type: 'button', class: 'product', 'data-testid': 'product', dataset: { code: p.code, id: p.id },
        'aria-pressed': String(!!S.product && S.product.id === p.id), disabled: out,
      },
      h('span', { class: 'pname' }, p.name),
      meta.length ? h('span', { class: 'pmeta' }, meta.join(' · ')) : null,
      h('span', { class: 'pprice' }, rp(p.price) + (p.category === 'social' ? ' / 1000' : '')));
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
    tid('order-product').textContent = p.brand + ' — ' + p.name;
    f.reset();
    clearErrors();
    tid('nickname-result').textContent = '';
    const target = fieldEl('target');
    const input = tid('input-target');
    let label = 'Nomor tujuan';
    let hint = '';
    input.setAttribute('inputmode', 'text');
    input.removeAttribute('maxlength');
    if (p.category === 'prepaid') {
      input.setAttribute('inputmode', 'numeric');
      if (PHONE_TYPES[p.type]) { label = 'Nomor HP'; hint = 'Contoh: 081234567890'; }
      else if (p.type === 'token-pln') { label = 'Nomor meter / ID pelanggan'; hint = 'Token dikirim di halaman pesanan.'; }
      else if (p.type === 'saldo-emoney') { label = 'Nomor HP terdaftar'; }
      else if (p.type === 'voucher-game') { label = 'Nomor HP'; hint = 'Kode voucher muncul di halaman pesanan.'; }
    } else if (p.category === 'game') {
      label = 'User ID';
      input.setAttribute('maxlength', '64');
    } else {
      label = 'Link / username tujuan';
      hint = 'Contoh: https://www.tiktok.com/@akun/video/123';
      input.setAttribute('maxlength', '500');
    }
    $('label', target).textContent = label;
    $('.hint', target).textContent = hint;
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
        '. Harga ' + rp(p.price) + ' per 1000.';
    }
    updateTotal();
    renderProducts();
    if (window.matchMedia('(max-width: 759px)').matches) f.scrollIntoView({ block: 'start' });
    input.focus({ preventScroll: true });
  }

  function totalOf(p, qty) {
    if (p.category !== 'social') return p.price;
    return Math.ceil((p.price * qty) / 1000); // the server rounds up to the rupiah too
  }
  function updateTotal() {
    const p = S.product;
    if (!p) return;
    const qty = parseInt(val('quantity'), 10) || 0;
    const total = totalOf(p, p.category === 'social' ? qty : 1);
    const el = tid('order-price');
    el.textContent = rp(total);
    el.dataset.amount = String(total);
    tid('pay').textContent = 'Bayar ' + rp(total);
  }

  function normalizeNumber(s) {
    return s.replace(/[\s.\-()]/g, '').replace(/^\+/, '');
  }
  function readInput() {
    const p = S.product;
    const input = { target: val('target').trim(), zone: val('zone').trim(), quantity: parseInt(val('quantity'), 10) };
    if (p.category === 'prepaid') input.target = normalizeNumber(input.target);
    if (p.category !== 'game' || !p.needs_zone) input.zone = input.zone || '';
    return input;
  }
  // Only an empty field is caught here; every rule (digits, prefixes,
  // zones, ranges) comes back from the server as a field code.
  function validate(p, input) {
    const e = {};
    if (!input.target) e.target = FIELD_CODES.validation_required;
    if (p.category === 'social' && !Number.isInteger(input.quantity)) e.quantity = FIELD_CODES.validation_required;
    return e;
  }

  function clearErrors() {
    for (const f of $$('.field', form())) f.classList.remove('invalid');
    for (const n of ['target', 'zone', 'quantity']) tid('error-' + n).textContent = '';
    tid('form-error').textContent = '';
  }
  function showErrors(errs, formMsg) {
    clearErrors();
    let first = null;
    for (const [name, msg] of Object.entries(errs)) {
      const field = fieldEl(name);
      if (!field) { formMsg = formMsg || msg; continue; }
      field.classList.add('invalid');
      tid('error-' + name).textContent = msg;
      first = first || $('input', field);
    }
    tid('form-error').textContent = formMsg || '';
    if (first) first.focus();
  }

  async function pay(ev) {
    ev.preventDefault();
    const p = S.product;
    if (!p || S.paying) return; // a second click while paying does nothing
    const input = readInput();
    const errs = validate(p, input);
    if (Object.keys(errs).length) { showErrors(errs); return; }
    clearErrors();
    if (!loggedIn()) {
      S.afterLogin = '#/';
      notice('Masuk atau daftar dulu untuk membeli.');
      go('#/masuk');
      return;
    }
    const body = { service: p.code };
    if (p.category === 'prepaid') { body.phoneNumber = input.target; body.amount = p.price; }
    if (p.category === 'game') { body.userId = input.target; if (input.zone) body.zoneId = input.zone; }
    if (p.category === 'social') { body.target = input.target; body.quantity = input.quantity; }
    // One Idempotency-Key per purchase attempt. The same attempt sent again (a double
    // click, a retry after a network error, a click that lands after the answer but
    // before the page switched) keeps its key, so the server returns the first order.
    const sig = JSON.stringify(body);
    if (!S.attempt || S.attempt.sig !== sig) S.attempt = { sig, key: uuid(), number: '' };
    const attempt = S.attempt;
    S.paying = true;
    const btn = tid('pay');
    btn.disabled = true;
    btn.textContent = 'Memproses…';
    try {
      const res = await pb.send('/api/orders/' + ROUTE_OF[p.category], {
        method: 'POST', body, headers: { 'Idempotency-Key': attempt.key },
      });
      attempt.number = res.data.orderNumber; // the store starts a new attempt when it is shown again
      refreshBalance();
      go('#/pesanan/' + encodeURIComponent(attempt.number));
    } catch (err) {
      const code = errorCode(err);
      if (code === 'idempotency_mismatch') S.attempt = null;
      const fields = {};
      for (const [k, v] of Object.entries(fieldErrorsOf(err))) fields[FIELD_OF[k] || k] = v;
      showErrors(fields, errorText(err));
      if (err.status === 401) logout('Sesi berakhir. Silakan masuk lagi.');
      if (code === 'price_changed' || code === 'product_not_found' || code === 'out_of_stock') refreshCatalog(p);
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
    const errs = validate(p, input);
    delete errs.quantity;
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
    const rec = await pb.collection('orders').getFirstListItem(pb.filter('number = {:n}', { n: num }));
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

  async function logout(msg) {
    await unsubscribeLive();
    pb.authStore.clear();
    S.orders.clear(); S.source.clear(); S.orderIds = []; S.ordersLoaded = false; S.wallet = []; S.walletPage = 0;
    renderHeader();
    if (msg) toast(msg);
    go('#/');
  }

  // ---------- wiring ----------
  function bind() {
    window.addEventListener('hashchange', route);
    pb.authStore.onChange(renderHeader);
    for (const b of $$('.cat-tabs button')) b.addEventListener('click', () => { S.q = ''; tid('search').value = ''; selectCategory(b.dataset.cat); });
    tid('brands').addEventListener('click', (e) => {
      const b = e.target.closest('button[data-brand]');
      if (!b) return;
      S.brand[S.cat] = b.dataset.brand;
      S.q = '';
      tid('search').value = '';
      for (const x of $$('button', tid('brands'))) x.setAttribute('aria-pressed', String(x === b));
      renderProducts();
    });
    tid('search').addEventListener('input', (e) => { S.q = e.target.value; renderProducts(); });
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
      updateTotal();
    });
    tid('check-nickname').addEventListener('click', checkNickname);
    tid('auth-form').addEventListener('submit', submitAuth);
    tid('nav-logout').addEventListener('click', () => logout('Anda sudah keluar.'));
    tid('orders-more').addEventListener('click', () => loadOrders(false));
    tid('wallet-more').addEventListener('click', () => loadWallet(false));
  }

  async function boot() {
    bind();
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
    route();
    document.documentElement.dataset.ready = 'true';
  }

  boot();
})();
