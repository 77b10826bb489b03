// vipbase operator console (design §13). A plain ES module on the vendored
// PocketBase SDK, for superusers: today's numbers (report_daily), a
// live order feed (realtime), what needs a person with its actions, the
// provider and sync state, and the health of callbacks, payment notifications
// and outgoing messages. Every action is one of the existing superuser routes;
// the server decides, the page only shows what it answered.
import PocketBase, { LocalAuthStore } from '../vendor/pocketbase.es.mjs';

(() => {
  // Its own storage key: a superuser here and a shopper in the storefront
  // never overwrite each other's session.
  const pb = new PocketBase('/', new LocalAuthStore('vipbase_console_auth'));
  pb.autoCancellation(false); // the sections load in parallel, often from the same routes

  const REFRESH_MS = 30000;
  const FEED_MAX = 30;
  const FEED_FIRST = 20;
  const WIB_MS = 7 * 3600 * 1000;

  const state = {
    started: false,
    timer: 0,
    feed: new Map(),        // order id -> record
    fresh: new Set(),       // order ids changed live since the page loaded
    connectedOnce: false,
    queueTimer: 0,
    todayTimer: 0,
    running: new Set(),     // "<id>:<action>" requests in flight
    results: new Map(),     // item id -> {text, ok}
    refreshes: 0,
  };

  // ---------- words ----------

  const ORDER_STATUS = {
    unpaid: 'Belum dibayar', pending: 'Menunggu', processing: 'Diproses', success: 'Berhasil',
    failed: 'Gagal', partial: 'Sebagian', expired: 'Kedaluwarsa',
  };
  const PAYMENT_STATUS = {
    unpaid: 'Belum dibayar', paid: 'Dibayar', expired: 'Kedaluwarsa', failed: 'Gagal', refunded: 'Sudah direfund',
  };
  const OUTCOME = {
    received: 'diterima', applied: 'diterapkan', duplicate: 'duplikat', stale: 'usang',
    unknown_order: 'pesanan tak dikenal', unknown_payment: 'pembayaran tak dikenal', rejected: 'ditolak',
    invalid: 'tidak valid', mismatch: 'nominal beda', deferred: 'ditunda', error: 'error',
  };
  const BAD_OUTCOMES = new Set(['rejected', 'invalid', 'mismatch', 'error']);
  const WARN_OUTCOMES = new Set(['deferred', 'unknown_order', 'unknown_payment', 'received']);
  const SYNC_ACTIONS = [
    ['full-sync', 'Sinkron lengkap'], ['sync-services', 'Layanan'], ['sync-products', 'Produk'],
    ['sync-stock', 'Stok'], ['sync-balance', 'Saldo'],
  ];
  const CRON_STATUS = { ok: 'OK', failed: 'Gagal', running: 'Berjalan', never: 'Belum jalan' };
  const ERRORS = {
    order_not_pending: 'Hanya pesanan berstatus Menunggu yang bisa diproses.',
    send_outcome_unknown: 'Hasil pengiriman sebelumnya belum pasti: pesanan direkonsiliasi, tidak dikirim ulang.',
    order_not_sent: 'Pesanan belum sampai ke VIP-Reseller; pakai tombol Proses.',
    order_not_found: 'Pesanan tidak ditemukan.',
    payment_not_found: 'Pembayaran tidak ditemukan.',
    not_refundable: 'Pembayaran ini tidak punya refund tertunda, atau sudah tercatat direfund.',
    refund_still_due: 'Masih ada refund tertunda: kembalikan dananya dan tandai sudah direfund dulu.',
    books_not_deletable: 'Pesanan dan pembayaran tidak bisa dihapus.',
    payment_field_read_only: 'Kolom pembayaran ini mengikuti gateway dan tidak bisa diubah.',
    order_final: 'Status pesanan ini tidak bisa diubah dengan tangan.',
    order_field_read_only: 'Kolom ini tidak boleh diubah.',
    provider_unavailable: 'VIP-Reseller tidak menjawab. Coba lagi sebentar lagi.',
    not_configured: 'VIP-Reseller belum dikonfigurasi.',
    unknown_action: 'Aksi tidak dikenal.',
    invalid_body: 'Permintaan tidak valid.',
    rate_limited: 'Terlalu banyak permintaan. Tunggu sebentar.',
    auth_required: 'Sesi habis. Silakan masuk lagi.',
    forbidden: 'Hanya superuser yang boleh melakukan ini.',
    internal_error: 'Terjadi kesalahan di server. Lihat log.',
    unavailable: 'Layanan sedang tidak tersedia.',
  };

  // ---------- small helpers ----------

  const $ = (id) => document.querySelector(`[data-testid="${id}"]`);
  const idr = new Intl.NumberFormat('id-ID');

  function rupiah(n) {
    const v = Math.trunc(Number(n) || 0);
    return (v < 0 ? '−Rp ' : 'Rp ') + idr.format(Math.abs(v));
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k === 'text') node.textContent = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else if (k.startsWith('data-') || k === 'href' || k === 'target' || k === 'rel' || k === 'type' || k === 'title') node.setAttribute(k, v);
      else node[k] = v;
    }
    for (const c of children.flat()) {
      if (c !== undefined && c !== null && c !== false) node.append(c);
    }
    return node;
  }

  // parseDate reads PocketBase's "2026-12-07 08:30:00.123Z" and Go's RFC 3339
  // (nanoseconds trimmed to what Date takes).
  function parseDate(s) {
    if (!s) return null;
    const d = new Date(String(s).replace(' ', 'T').replace(/(\.\d{3})\d+/, '$1'));
    return Number.isNaN(d.getTime()) || d.getFullYear() < 2000 ? null : d;
  }

  function wibDay(d) {
    return new Date(d.getTime() + WIB_MS).toISOString().slice(0, 10);
  }

  function fmtTime(s) {
    const d = parseDate(s);
    if (!d) return '–';
    const opts = { timeZone: 'Asia/Jakarta', hour: '2-digit', minute: '2-digit' };
    if (wibDay(d) !== wibDay(new Date())) Object.assign(opts, { day: 'numeric', month: 'short' });
    return d.toLocaleString('id-ID', opts) + ' WIB';
  }

  function ago(s) {
    const d = parseDate(s);
    if (!d) return '';
    const min = Math.round((Date.now() - d.getTime()) / 60000);
    if (min < 1) return 'baru saja';
    if (min < 60) return `${min} menit lalu`;
    if (min < 48 * 60) return `${Math.round(min / 60)} jam lalu`;
    return `${Math.round(min / 1440)} hari lalu`;
  }

  // maskContact hides the middle of a phone number (or of an e-mail's name):
  // enough to recognise a shopper, not enough to copy.
  function maskContact(to) {
    const s = String(to || '');
    const at = s.indexOf('@');
    if (at > 0) {
      const name = s.slice(0, at);
      return (name.length <= 2 ? name[0] + '•' : name[0] + '•'.repeat(name.length - 2) + name.slice(-1)) + s.slice(at);
    }
    if (s.length < 8) return s;
    return s.slice(0, 4) + '•'.repeat(s.length - 7) + s.slice(-3);
  }

  function errorText(err) {
    const body = err?.response || {};
    const code = body?.data?.code;
    if (code && ERRORS[code]) return ERRORS[code];
    if (!err?.status) return 'Tidak dapat terhubung ke server.';
    if (err.status === 401) return ERRORS.auth_required;
    if (err.status === 403) return ERRORS.forbidden;
    return body.message || err.message || 'Terjadi kesalahan.';
  }

  function showError(id, text) {
    const p = $(id);
    p.textContent = text || '';
    p.hidden = !text;
  }

  function badge(status, words, extra) {
    return el('span', { class: `badge s-${status}${extra ? ' ' + extra : ''}`, 'data-testid': 'status-badge', text: words[status] || status || '–' });
  }

  function dashboardLink(collection, id, text) {
    return el('a', {
      class: 'num', href: `/_/#/collections?collection=${collection}&recordId=${encodeURIComponent(id)}`,
      target: '_blank', rel: 'noopener', 'data-testid': 'queue-link', title: 'Buka di dashboard', text,
    });
  }

  // ---------- session ----------

  function isLoggedIn() {
    return pb.authStore.isValid && pb.authStore.isSuperuser;
  }

  function render() {
    const ok = isLoggedIn();
    $('console-login-card').hidden = ok;
    $('console-main').hidden = !ok;
    $('console-actions').hidden = !ok;
    $('console-live').hidden = !ok;
    if (ok) startConsole();
    else stopConsole();
    document.documentElement.dataset.ready = 'true';
  }

  async function login(ev) {
    ev.preventDefault();
    const btn = $('console-login');
    if (btn.disabled) return;
    const email = $('console-email').value.trim();
    const password = $('console-password').value;
    if (!email || !password) {
      showError('console-login-error', 'Isi email dan kata sandi.');
      return;
    }
    showError('console-login-error', '');
    btn.disabled = true;
    try {
      await pb.collection('_superusers').authWithPassword(email, password);
      $('console-password').value = '';
      render();
    } catch (err) {
      showError('console-login-error', loginErrorText(err));
    } finally {
      btn.disabled = false;
    }
  }

  function loginErrorText(err) {
    if (!err?.status) return 'Tidak dapat terhubung ke server.';
    if (err.status === 429) return 'Terlalu banyak percobaan. Tunggu sebentar lalu coba lagi.';
    if (err.status === 400 || err.status === 401 || err.status === 403 || err.status === 404) {
      return 'Email atau kata sandi salah, atau akun ini bukan superuser.';
    }
    return errorText(err);
  }

  function logout(reason) {
    pb.authStore.clear();
    render();
    if (reason) showError('console-login-error', reason);
  }

  // sessionLost sends the operator back to the login form when the server no
  // longer accepts the token (expired, superuser deleted).
  function sessionLost(err) {
    if (err?.status === 401) {
      logout(ERRORS.auth_required);
      return true;
    }
    return false;
  }

  function startConsole() {
    if (state.started) return;
    state.started = true;
    $('console-who').textContent = 'Masuk sebagai ' + (pb.authStore.record?.email || 'superuser');
    refreshAll();
    startFeed();
    state.timer = setInterval(refreshAll, REFRESH_MS);
  }

  function stopConsole() {
    if (!state.started) return;
    state.started = false;
    clearInterval(state.timer);
    clearTimeout(state.queueTimer);
    clearTimeout(state.todayTimer);
    pb.realtime.unsubscribe().catch(() => {});
    state.feed.clear();
    state.fresh.clear();
    state.results.clear();
    state.connectedOnce = false;
    $('feed-list').replaceChildren();
    $('queue-list').replaceChildren();
    setLive('off');
  }

  // ---------- refresh ----------

  async function refreshAll() {
    if (!isLoggedIn()) return;
    const btn = $('console-refresh');
    btn.disabled = true;
    await Promise.allSettled([
      guard('today', loadToday), guard('queue', loadQueue),
      guard('provider', loadProvider), guard('health', loadHealth),
    ]);
    btn.disabled = false;
    state.refreshes++;
    $('console-main').dataset.refreshes = String(state.refreshes);
    $('console-updated').textContent = 'Diperbarui ' + new Date().toLocaleTimeString('id-ID', { timeZone: 'Asia/Jakarta' }) +
      ' WIB · otomatis tiap 30 detik';
  }

  // guard runs one section's loader and shows its failure in that section.
  async function guard(section, load) {
    try {
      await load();
      showError(section + '-error', '');
    } catch (err) {
      if (sessionLost(err)) return;
      showError(section + '-error', 'Gagal memuat: ' + errorText(err));
    }
  }

  // later coalesces a burst of realtime events into one reload of a section.
  function later(key, section, load, ms) {
    clearTimeout(state[key]);
    state[key] = setTimeout(() => guard(section, load), ms);
  }

  // ---------- today ----------

  async function loadToday() {
    const day = wibDay(new Date());
    const id = day.replaceAll('-', '');
    // A list, not getOne: a quiet day has no row, and that is not an error.
    const list = await pb.collection('report_daily').getList(1, 1, { filter: pb.filter('id = {:id}', { id }), skipTotal: true });
    const r = list.items[0] || {};
    $('today-day').textContent = new Date(day + 'T12:00:00Z').toLocaleDateString('id-ID', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long' });
    setStat('today-orders', idr.format(r.orders || 0), r.orders || 0);
    setStat('today-success-failed', `${idr.format(r.success || 0)} / ${idr.format(r.failed || 0)}`, `${r.success || 0}/${r.failed || 0}`);
    setStat('today-revenue', rupiah(r.revenue), r.revenue || 0);
    setStat('today-profit', rupiah(r.profit), r.profit || 0);
    $('today-profit').classList.toggle('neg', (r.profit || 0) < 0);
    $('today-more').textContent = `Sebagian ${idr.format(r.partial || 0)} · kedaluwarsa ${idr.format(r.expired || 0)} · ` +
      `biaya gateway ${rupiah(r.fees)} · deposit ${rupiah(r.deposits)}`;
    $('console-today').dataset.loaded = 'true';
  }

  function setStat(id, text, value) {
    const node = $(id);
    node.textContent = text;
    node.dataset.value = String(value);
  }

  // ---------- live feed ----------

  async function startFeed() {
    setLive('connecting');
    pb.realtime.onDisconnect = () => {
      if (state.started) setLive('off');
    };
    try {
      await pb.realtime.subscribe('PB_CONNECT', onConnect);
      await pb.collection('orders').subscribe('*', onOrderEvent);
    } catch (err) {
      setLive('off');
      if (!sessionLost(err)) showError('feed-error', 'Siaran langsung gagal: ' + errorText(err));
    }
    await guard('feed', fillFeed);
  }

  function onConnect() {
    if (!state.started) return;
    setLive('on');
    if (state.connectedOnce) {
      // Events sent while the connection was down are gone: read them again.
      guard('feed', fillFeed);
      later('queueTimer', 'queue', loadQueue, 200);
    }
    state.connectedOnce = true;
  }

  async function fillFeed() {
    const list = await pb.collection('orders').getList(1, FEED_FIRST, { sort: '-updated', skipTotal: true });
    for (const o of list.items) {
      const known = state.feed.get(o.id);
      if (!known || String(known.updated) <= String(o.updated)) state.feed.set(o.id, o);
    }
    renderFeed();
    $('console-feed').dataset.loaded = 'true';
  }

  function onOrderEvent(e) {
    if (!state.started || !e?.record) return;
    if (e.action === 'delete') {
      state.feed.delete(e.record.id);
      state.fresh.delete(e.record.id);
    } else {
      state.feed.set(e.record.id, e.record);
      state.fresh.add(e.record.id);
    }
    renderFeed();
    later('queueTimer', 'queue', loadQueue, 400);
    later('todayTimer', 'today', loadToday, 800);
  }

  function setLive(s) {
    const node = $('console-live');
    node.dataset.state = s;
    const words = { on: 'Langsung', connecting: 'Menyambung…', off: 'Terputus' }[s];
    node.firstElementChild.textContent = words;
    node.title = 'Siaran langsung: ' + words.toLowerCase();
    $('feed-state').textContent = s === 'on' ? 'diperbarui langsung' : s === 'connecting' ? 'menyambung…' : 'terputus — muat ulang';
    $('console-feed').dataset.live = s;
  }

  function renderFeed() {
    const items = [...state.feed.values()].sort((a, b) => String(b.updated).localeCompare(String(a.updated)));
    for (const o of items.slice(FEED_MAX)) {
      state.feed.delete(o.id);
      state.fresh.delete(o.id);
    }
    const rows = items.slice(0, FEED_MAX).map(feedRow);
    $('feed-list').replaceChildren(...rows);
    $('feed-empty').hidden = rows.length > 0;
  }

  function feedRow(o) {
    return el('li', {
      class: 'item' + (state.fresh.has(o.id) ? ' fresh' : ''), 'data-testid': 'feed-item',
      'data-id': o.id, 'data-number': o.number, 'data-status': o.status, 'data-live': state.fresh.has(o.id) ? 'true' : 'false',
    },
    el('div', { class: 'row' },
      el('span', { class: 'num', text: o.number }),
      badge(o.status, ORDER_STATUS)),
    el('div', { class: 'row' },
      el('span', { class: 'name', 'data-testid': 'feed-product', text: o.service_name || o.service_code || '–' }),
      el('span', { class: 'price', 'data-testid': 'feed-price', text: rupiah(o.price) })),
    el('div', { class: 'row muted small' },
      el('span', { text: [o.user ? 'Member' : 'Tamu', o.review ? '⚠ perlu dicek' : ''].filter(Boolean).join(' · ') }),
      el('span', { text: fmtTime(o.updated) })));
  }

  // ---------- what needs a person ----------

  async function loadQueue() {
    const [orders, payments] = await Promise.all([
      pb.collection('orders').getList(1, 50, {
        filter: 'review != "" && (payment = "" || payment.status != "refunded")',
        sort: '-updated', expand: 'payment',
      }),
      pb.collection('payments').getList(1, 50, {
        filter: '(refund_due > 0 && status = "paid") || (review != "" && status != "refunded")',
        sort: '-updated',
      }),
    ]);
    const listed = new Set(orders.items.map((o) => o.id));
    // A guest's refund due names both rows: the order's item carries it.
    const pays = payments.items.filter((p) => !p.order || !listed.has(p.order));
    const rows = [...orders.items.map(orderItem), ...pays.map(paymentItem)];
    $('queue-list').replaceChildren(...rows);
    $('queue-empty').hidden = rows.length > 0;
    const count = $('queue-count');
    count.textContent = String(rows.length);
    count.classList.toggle('hot', rows.length > 0);
    $('console-queue').dataset.loaded = 'true';
  }

  function orderItem(o) {
    const pay = o.expand?.payment;
    const open = o.status === 'pending' || o.status === 'processing';
    const buttons = [];
    if (o.external_id || (o.status === 'pending' && o.dispatch === 'unknown')) {
      buttons.push(actionButton(o, 'recheck', 'Cek ulang ke provider', () => recheck(o)));
    }
    if (o.status === 'pending' && (o.dispatch === 'queued' || o.dispatch === 'retry')) {
      buttons.push(actionButton(o, 'process', 'Kirim sekarang', () => processOrder(o)));
    }
    if (open) buttons.push(actionButton(o, 'fail', 'Gagalkan & refund', () => failOrder(o), 'danger'));
    if (pay && pay.status === 'paid' && pay.refund_due > 0) {
      buttons.push(actionButton(o, 'refunded', 'Tandai sudah direfund', () => markRefunded(o, pay)));
    } else if (o.review) {
      buttons.push(actionButton(o, 'resolve', 'Tandai selesai', () => resolveReview({ orderNumber: o.number }, o.number)));
    }
    const facts = [o.service_name || o.service_code, rupiah(o.price), o.target, o.external_id ? 'trx ' + o.external_id : '',
      pay?.refund_due > 0 ? 'refund tertunda ' + rupiah(pay.refund_due) : ''];
    return queueItem('order', o, dashboardLink('orders', o.id, o.number), badge(o.status, ORDER_STATUS), o.review, facts, buttons);
  }

  function paymentItem(p) {
    const buttons = [];
    if (p.status === 'paid' && p.refund_due > 0) {
      buttons.push(actionButton(p, 'refunded', 'Tandai sudah direfund', () => markRefunded(p, p)));
    } else if (p.review) {
      buttons.push(actionButton(p, 'resolve', 'Tandai selesai', () => resolveReview({ paymentNumber: p.number }, p.number)));
    }
    const facts = [p.purpose === 'deposit' ? 'Isi saldo' : 'Pembayaran pesanan', p.gateway + ' ' + p.channel, rupiah(p.total),
      p.refund_due > 0 ? 'refund tertunda ' + rupiah(p.refund_due) : '', p.phone ? 'WA ' + p.phone : ''];
    const reason = p.review || (p.refund_due > 0 ? `Dana ${rupiah(p.refund_due)} harus dikembalikan ke pembeli.` : '');
    return queueItem('payment', p, dashboardLink('payments', p.id, p.number), badge(p.status, PAYMENT_STATUS), reason, facts, buttons);
  }

  function queueItem(kind, rec, link, statusBadge, reason, facts, buttons) {
    const res = state.results.get(rec.id);
    return el('li', {
      class: 'item q', 'data-testid': 'queue-item', 'data-kind': kind, 'data-id': rec.id,
      'data-number': rec.number, 'data-status': rec.status,
    },
    el('div', { class: 'row' }, link, statusBadge),
    el('p', { class: 'reason', 'data-testid': 'queue-reason', text: reason || '' }),
    el('p', { class: 'muted small facts', text: facts.filter(Boolean).join(' · ') }),
    buttons.length ? el('div', { class: 'actions' }, buttons) : null,
    el('p', {
      class: 'result ' + (res?.ok ? 'ok' : 'bad'), 'data-testid': 'queue-result', role: 'status',
      hidden: !res, 'data-ok': res ? String(res.ok) : null, text: res?.text || '',
    }));
  }

  function actionButton(rec, action, label, fn, tone) {
    const key = rec.id + ':' + action;
    const btn = el('button', {
      type: 'button', class: 'btn btn-small' + (tone ? ' btn-' + tone : ''), 'data-testid': 'queue-' + action,
      'data-number': rec.number, text: label, disabled: state.running.has(key),
    });
    btn.addEventListener('click', () => runAction(btn, rec, key, fn));
    return btn;
  }

  // runAction sends one action once: the button stays disabled (across
  // refreshes too) until the server answered, and its answer stays shown.
  async function runAction(btn, rec, key, fn) {
    if (state.running.has(key)) return;
    state.running.add(key);
    btn.disabled = true;
    btn.setAttribute('aria-busy', 'true');
    try {
      const text = await fn();
      if (text === null) return; // the operator cancelled
      state.results.set(rec.id, { text, ok: true });
    } catch (err) {
      if (sessionLost(err)) return;
      state.results.set(rec.id, { text: errorText(err), ok: false });
    } finally {
      state.running.delete(key);
      btn.disabled = false;
      btn.removeAttribute('aria-busy');
      await guard('queue', loadQueue);
    }
  }

  async function recheck(o) {
    const res = await pb.send('/api/admin/orders/recheck', { method: 'POST', body: { orderNumber: o.number } });
    const now = res?.data?.status;
    return `Dicek ulang: status ${ORDER_STATUS[now] || now || '–'}` + (res?.data?.sn ? ` · SN ${res.data.sn}` : '');
  }

  async function processOrder(o) {
    const res = await pb.send('/api/orders/process', { method: 'POST', body: { orderNumber: o.number } });
    const now = res?.data?.status;
    return `Dikirim ke provider: status ${ORDER_STATUS[now] || now || '–'}`;
  }

  async function failOrder(o) {
    const who = o.user ? 'dikembalikan ke saldo member' : 'dicatat sebagai refund tertunda (tamu)';
    if (!window.confirm(`Gagalkan ${o.number}? Dana ${rupiah(o.price)} ${who}. Pastikan pesanan ini memang tidak terkirim di VIP-Reseller.`)) return null;
    const rec = await pb.collection('orders').update(o.id, { status: 'failed' });
    return `Digagalkan` + (rec.refunded > 0 ? `; dana ${rupiah(rec.refunded)} dikembalikan ke saldo.` : '.');
  }

  async function markRefunded(rec, pay) {
    const note = window.prompt(`Catatan refund ${pay.number} (${rupiah(pay.refund_due)}), mis. nomor transfer — boleh kosong:`, '');
    if (note === null) return null;
    await pb.send('/api/admin/payments/refund', { method: 'POST', body: { paymentNumber: pay.number, note: note.trim() } });
    return `Tercatat: ${rupiah(pay.refund_due)} sudah dikembalikan.`;
  }

  // resolveReview clears the review (order and its payments together); the
  // server keeps what it said and the note in the order's history.
  async function resolveReview(body, number) {
    const note = window.prompt(`Catatan penyelesaian ${number} (mis. sudah dihubungi) — boleh kosong:`, '');
    if (note === null) return null;
    await pb.send('/api/admin/reviews/resolve', { method: 'POST', body: { ...body, note: note.trim() } });
    return 'Selesai ditangani.';
  }

  // ---------- provider and syncs ----------

  async function loadProvider() {
    const [status, crons] = await Promise.all([
      pb.send('/api/admin/vip-sync', { query: { action: 'status' } }),
      pb.send('/api/admin/crons', {}),
    ]);
    const d = status?.data || {};
    const bal = d.providerBalance;
    const balNode = $('provider-balance');
    if (!d.configured) {
      balNode.textContent = 'Belum dikonfigurasi';
    } else {
      balNode.textContent = bal && bal.balance !== undefined && bal.balance !== null ? rupiah(bal.balance) : 'Belum dibaca';
    }
    balNode.dataset.value = bal?.balance ?? '';
    $('provider-balance-at').textContent = bal ? `Level ${bal.level || '–'} · dibaca ${fmtTime(bal.at)} (${ago(bal.at)})` : 'Belum ada sinkron saldo.';
    $('provider-syncs').replaceChildren(...SYNC_ACTIONS.map(([action, label]) => syncRow(action, label, d.runs?.[action])));
    const jobs = crons?.data || [];
    const ours = jobs.filter((c) => c.status);   // PocketBase's own jobs have no status: schedule only
    const theirs = jobs.filter((c) => !c.status);
    $('provider-crons').replaceChildren(...ours.map(cronRow));
    $('provider-crons-pb').replaceChildren(...theirs.map(cronRow));
    $('provider-crons-pb-count').textContent = `(${theirs.length})`;
    $('provider-crons-pb-box').hidden = theirs.length === 0;
    $('console-provider').dataset.loaded = 'true';
  }

  // syncBalance asks the provider for its balance now (the cron does it every
  // 10 minutes): POST /api/admin/vip-sync {action: "sync-balance"}.
  async function syncBalance() {
    const btn = $('provider-sync-balance');
    if (btn.disabled) return;
    btn.disabled = true;
    btn.setAttribute('aria-busy', 'true');
    const out = $('provider-result');
    try {
      const res = await pb.send('/api/admin/vip-sync', { method: 'POST', body: { action: 'sync-balance' } });
      const ok = res?.data?.status === 'success';
      out.className = 'result ' + (ok ? 'ok' : 'bad');
      out.textContent = ok ? 'Saldo dibaca dari VIP-Reseller.' : 'Gagal: ' + (res?.data?.error || 'tanpa keterangan');
    } catch (err) {
      if (sessionLost(err)) return;
      out.className = 'result bad';
      out.textContent = { sync_running: 'Sinkron yang sama sedang berjalan.' }[err?.response?.data?.code] || errorText(err);
    } finally {
      out.hidden = false;
      btn.disabled = false;
      btn.removeAttribute('aria-busy');
      await guard('provider', loadProvider);
    }
  }

  function syncRow(action, label, run) {
    const st = run?.status || 'never';
    const words = { success: 'Berhasil', failed: 'Gagal', running: 'Berjalan', never: 'Belum pernah' };
    return el('li', { class: 'item line', 'data-testid': 'sync-row', 'data-action': action, 'data-status': st },
      el('div', { class: 'row' },
        el('span', { class: 'name', text: label }),
        el('span', { class: `badge s-${{ success: 'success', failed: 'failed', running: 'processing' }[st] || 'none'}`, text: words[st] || st })),
      run ? el('div', { class: 'muted small', text: `${run.trigger || ''} · selesai ${fmtTime(run.finished || run.started)}` }) : null,
      run?.error ? el('div', { class: 'error small', text: run.error }) : null);
  }

  function cronRow(c) {
    const ours = c.status !== '' && c.status !== undefined;
    const st = ours ? c.status : 'schedule';
    const cls = { ok: 'success', failed: 'failed', running: 'processing' }[st] || 'none';
    return el('li', { class: 'item line', 'data-testid': 'cron-row', 'data-id': c.id, 'data-status': st },
      el('div', { class: 'row' },
        el('span', { class: 'name mono', text: c.id }),
        ours ? el('span', { class: `badge s-${cls}`, text: CRON_STATUS[st] || st }) : el('code', { text: c.expression })),
      !ours ? null : el('div', { class: 'muted small' },
        el('code', { text: c.expression }),
        c.finished ? ` · terakhir ${fmtTime(c.finished)} (${c.durationMs} ms) · ${c.runs}× jalan, ${c.failures}× gagal` : '',
        !c.finished && st === 'never' ? ' · belum jalan sejak server mulai' : ''),
      c.error ? el('div', { class: 'error small', text: c.error }) : null);
  }

  // ---------- health ----------

  async function loadHealth() {
    const [webhook, payments, notify] = await Promise.all([
      pb.send('/api/webhooks/vip-reseller', {}),
      paymentHealth(),
      pb.collection('notifications').getList(1, 5, {
        filter: 'status = "failed"', sort: '-updated', fields: 'id,channel,to,template,last_error,attempts,updated',
      }),
    ]);
    renderWebhook(webhook?.data || {});
    renderPayments(payments);
    renderNotify(notify);
    $('console-health').dataset.loaded = 'true';
  }

  // paymentHealth is the server's count of the last 24 h by outcome, in
  // requests (a refused row stands for every request of its minute).
  async function paymentHealth() {
    const d = (await pb.send('/api/admin/payments/health', {}))?.data || {};
    const by = Object.fromEntries(Object.entries(d.last24h || {}).filter(([, n]) => n > 0));
    const total = Object.values(by).reduce((a, n) => a + n, 0);
    return { total, by, last: d.last || null };
  }

  function chip(outcome, n, testid) {
    const tone = BAD_OUTCOMES.has(outcome) ? 'bad' : WARN_OUTCOMES.has(outcome) ? 'warn' : 'ok';
    return el('li', { class: 'chip ' + tone, 'data-testid': testid, 'data-outcome': outcome, 'data-count': String(n) },
      el('b', { text: idr.format(n) }), ' ' + (OUTCOME[outcome] || outcome));
  }

  function renderWebhook(d) {
    const last = d.lastCallbackAt;
    $('health-webhook-last').textContent = (d.configured ? '' : 'VIP-Reseller belum dikonfigurasi · ') +
      (last ? `Callback sah terakhir ${fmtTime(last)} (${ago(last)})` : 'Belum ada callback sah.');
    const counts = Object.entries(d.last24h || {}).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
    $('health-webhook').replaceChildren(...(counts.length ? counts.map(([o, n]) => chip(o, n, 'health-webhook-chip'))
      : last ? [el('li', { class: 'muted small', text: 'Tidak ada callback 24 jam terakhir.' })] : []));
  }

  function renderPayments(h) {
    $('health-payments-last').textContent = (h.last ? `Terakhir ${fmtTime(h.last.created)} (${ago(h.last.created)}) dari ${h.last.gateway || '–'}, ${OUTCOME[h.last.outcome] || h.last.outcome}`
      : 'Belum ada notifikasi pembayaran.') + (h.total ? ` · ${idr.format(h.total)} dalam 24 jam` : h.last ? ' · tidak ada dalam 24 jam' : '');
    const counts = Object.entries(h.by).sort((a, b) => b[1] - a[1]);
    $('health-payments').replaceChildren(...counts.map(([o, n]) => chip(o, n, 'health-payments-chip')));
    $('health-payments').dataset.total = String(h.total);
  }

  function renderNotify(list) {
    const count = $('health-notify-count');
    count.textContent = idr.format(list.totalItems);
    count.classList.toggle('hot', list.totalItems > 0);
    $('health-notify').replaceChildren(...(list.items.length ? list.items.map((n) => el('li', { class: 'item line', 'data-testid': 'notify-row', 'data-id': n.id },
      el('div', { class: 'row' },
        el('span', { class: 'name mono', text: n.template }),
        el('span', { class: 'muted small', text: `${n.channel === 'email' ? 'E-mail' : 'WhatsApp'} ${maskContact(n.to)}` })),
      el('div', { class: 'error small', text: n.last_error || '(tanpa pesan error)' }),
      el('div', { class: 'muted small', text: `${n.attempts || 0}× dicoba · ${fmtTime(n.updated)}` })))
      : [el('li', { class: 'muted small', text: 'Tidak ada pesan yang gagal.' })]));
  }

  // ---------- start ----------

  async function start() {
    $('console-login-form').addEventListener('submit', login);
    $('console-logout').addEventListener('click', () => logout(''));
    $('console-refresh').addEventListener('click', () => refreshAll());
    $('provider-sync-balance').addEventListener('click', syncBalance);
    if (pb.authStore.token && isLoggedIn()) {
      try {
        await pb.collection('_superusers').authRefresh();
      } catch (err) {
        if (err?.status) pb.authStore.clear(); // rejected, not merely offline
      }
    } else if (pb.authStore.token) {
      pb.authStore.clear(); // expired, or not a superuser's
    }
    render();
  }

  start();
})();
