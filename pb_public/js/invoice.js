import { channelsFor, pay } from './checkout.js';
import { $, S, currentView, errorText, fmtDate, gatewayName, h, numberFmt, loggedIn, payPageLabel, pb, pbDate, rp, tid } from './core.js';
import { refreshBalance } from './live.js';
import { badge, steps } from './orders.js';
import { sandboxHint } from './sandbox.js';
import { rememberPayment, storedPayments } from './stored.js';
import { copyText, snBox } from './sn.js';

// ---------- invoice: /bayar/{paymentNumber} ----------
// What the shopper sees of a checkout, from its payment and its order
// (none for a wallet top-up).
export const PROGRESS = {
  unpaid: 'Menunggu pembayaran', paid: 'Dibayar', processing: 'Diproses', success: 'Berhasil', failed: 'Gagal',
  partial: 'Sebagian', expired: 'Kedaluwarsa', payfailed: 'Pembayaran gagal', late: 'Terlambat dibayar',
};
const PROGRESS_FINAL = { success: true, failed: true, partial: true, expired: true, payfailed: true, late: true };
export function progressOf(d) {
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

export const tokenOf = (number) => (storedPayments()[number] || {}).token || '';

// A gateway's return (Midtrans appends ?order_id=…&status_code=…&transaction_status=…
// to the hash) opens the invoice too; its claim is only a hint until the
// store has confirmed the payment.
export function openInvoice(number, token, returned) {
  stopInvoice();
  if (!S.inv || S.inv.number !== number) S.inv = { number, token: '', data: null };
  S.inv.token = token || S.inv.token || tokenOf(number);
  if (returned) S.inv.returned = /^(settlement|capture)$/.test(returned) ? returned : '';
  if (token) rememberPayment(number, token, {});
  // A guest's invoice address carries its token: shared or opened on another
  // phone, it shows the same invoice (a member's needs the login instead).
  if (S.inv.token && !loggedIn() && !new URLSearchParams(location.search).get('token') && location.pathname === '/bayar/' + encodeURIComponent(number)) {
    history.replaceState(history.state, '', location.pathname + '?token=' + encodeURIComponent(S.inv.token));
  }
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
export function stopInvoice() {
  clearInterval(S.invTimer);
  clearInterval(S.clockTimer);
  S.invTimer = 0;
  S.clockTimer = 0;
}
const invoiceFinal = () => !!(S.inv && S.inv.data && PROGRESS_FINAL[progressOf(S.inv.data)]);

export async function fetchInvoice(force) {
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
    h('a', { class: 'btn btn-block', href: '/lacak' }, 'Lacak pesanan'));
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
      el.src = '/vendor/qrcode.js';
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

export function renderInvoice() {
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
    notes.push(o.sn ? snBox(o.sn, o.productType, 'invoice-sn') : h('div', { class: 'sn-box' }, 'Pesanan berhasil.'));
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
    h('a', { class: 'btn btn-block', href: deposit ? '/dompet' : '/' }, deposit ? 'Isi saldo lagi' : 'Pesan lagi'));
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
  if (state === 'success') parts.push(h('a', { class: 'btn btn-ghost btn-block', href: deposit ? '/dompet' : '/' }, deposit ? 'Ke dompet' : 'Belanja lagi'));
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
