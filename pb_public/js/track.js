import { form, normalizeNumber } from './checkout.js';
import { $$, FIELD_CODES, STATUS, errorText, fieldErrorsOf, fmtDate, gatewayName, h, loggedIn, pb, rp, tid } from './core.js';
import { PROGRESS, progressOf, tokenOf } from './invoice.js';
import { badge } from './orders.js';
import { rememberContact, storedContact, storedPayments } from './stored.js';

// ---------- track: /lacak ----------
export async function submitTrack(ev) {
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
    p && (token || loggedIn()) ? h('a', { class: 'btn btn-block', href: '/bayar/' + encodeURIComponent(p.number), 'data-testid': 'track-open-invoice' }, 'Buka tagihan') : null,
    p && !token && !loggedIn() && p.status === 'unpaid' && p.checkoutUrl
      ? h('a', { class: 'btn btn-block', href: p.checkoutUrl, rel: 'noopener' }, 'Bayar di halaman ' + gatewayName(p)) : null,
    state === 'success' ? h('p', { class: 'muted small' }, 'SN/token tampil di halaman tagihan pada perangkat yang dipakai saat memesan.') : null,
  ].filter(Boolean));
  out.hidden = false;
}
export function renderLocalInvoices() {
  const all = Object.entries(storedPayments()).sort((a, b) => (b[1].at || 0) - (a[1].at || 0));
  const box = tid('local-invoices');
  if (!all.length) { box.replaceChildren(); return; }
  box.replaceChildren(h('h2', { class: 'list-title' }, 'Tagihan di perangkat ini'),
    h('div', { class: 'list' }, all.slice(0, 10).map(([n, v]) => h('a', { class: 'row', href: '/bayar/' + encodeURIComponent(n), 'data-testid': 'local-invoice', dataset: { number: n } },
      h('span', { class: 't' }, v.name || 'Pesanan'), h('span', { class: 'r s' }, new Date(v.at || 0).toLocaleDateString('id-ID')),
      h('span', { class: 's' }, v.order || n)))));
}
