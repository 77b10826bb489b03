import { $, FINAL, LEDGER, S, STATUS, currentView, errorText, fmtDate, h, numberFmt, pb, rp, tid } from './core.js';
import { orderByNumber, upsertOrder } from './live.js';
import { snBox } from './sn.js';

// ---------- orders ----------
export async function fetchOrder(num) {
  const rec = await pb.collection('orders').getFirstListItem(pb.filter('number = {:n}', { n: num }), { expand: 'payment,product' });
  if (rec.expand && rec.expand.payment) S.payOf.set(rec.id, rec.expand.payment.number);
  if (rec.expand && rec.expand.product) S.typeOf.set(rec.id, rec.expand.product.type); // live updates carry no expand
  upsertOrder(rec, 'load');
  return rec;
}

export async function openOrder(num) {
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

export function steps(o) {
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

export const badge = (status) => h('span', { class: 'badge st-' + status, 'data-testid': 'order-status', dataset: { status } }, STATUS[status] || status);

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
    if (payNum) parts.push(h('a', { class: 'btn btn-block', href: '/bayar/' + encodeURIComponent(payNum), 'data-testid': 'order-invoice-link' }, 'Lihat tagihan'));
  }
  if (o.status === 'expired') parts.push(h('p', { class: 'muted' }, 'Waktu pembayaran habis; tidak ada dana yang terpotong.'));
  if (o.status === 'pending') parts.push(h('p', { class: 'muted' }, 'Pembayaran diterima. Pesanan sedang dikirim ke penyedia.'));
  if (o.status === 'processing') parts.push(h('p', { class: 'muted' }, 'Sedang diproses penyedia. Halaman ini diperbarui otomatis.'));
  if ((o.status === 'success' || o.status === 'partial') && o.sn) {
    const cat = S.catalog[o.category];
    const prod = Array.isArray(cat) ? cat.find((x) => x.id === o.product) : null;
    parts.push(snBox(o.sn, S.typeOf.get(o.id) || (prod && prod.type), 'order-sn'));
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

export function rerenderOrders() {
  const v = currentView();
  if (v === 'order') {
    const o = orderByNumber(S.viewNumber);
    if (o) renderOrder(o);
  } else if (v === 'orders') renderOrdersList();
}

export async function loadOrders(reset) {
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

export function renderOrdersList() {
  const list = tid('orders-list');
  tid('orders-more').hidden = !S.ordersMore;
  if (!S.ordersLoaded) { list.replaceChildren(h('p', { class: 'muted', text: 'Memuat…' })); return; }
  const items = S.orderIds.map((id) => S.orders.get(id)).filter(Boolean);
  if (!items.length) {
    list.replaceChildren(h('p', { class: 'muted' }, 'Belum ada pesanan. ', h('a', { href: '/' }, 'Mulai belanja')));
    return;
  }
  list.replaceChildren(...items.map((o) => h('a', {
    class: 'row', href: '/pesanan/' + encodeURIComponent(o.number), 'data-testid': 'order-row',
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
export async function loadWallet(reset) {
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
