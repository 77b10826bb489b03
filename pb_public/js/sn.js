// A delivered order's SN, labelled by what it is — a PLN token is "Token
// listrik", its 20 digits grouped in fours, a voucher a "Kode voucher" —
// with a copy button; the same on the invoice and the order page, however
// the page was opened.
import { h, toast } from './core.js';

const SN_LABEL = { 'token-pln': 'Token listrik', 'voucher-game': 'Kode voucher' };

export function snText(sn, type) {
  if (type !== 'token-pln') return sn;
  const digits = sn.replace(/[\s-]/g, '');
  return /^\d{20}$/.test(digits) ? digits.match(/\d{4}/g).join(' ') : sn;
}

// testid names the code element (invoice-sn, order-sn); its data-sn is the SN as sent.
export function snBox(sn, type, testid) {
  const label = SN_LABEL[type] || 'SN / Keterangan';
  const copy = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'copy-sn', 'aria-label': 'Salin ' + label.toLowerCase() }, 'Salin');
  copy.addEventListener('click', () => copyText(type === 'token-pln' ? sn.replace(/[\s-]/g, '') : sn));
  return h('div', { class: 'sn-box', 'data-testid': testid + '-box', dataset: { type: type || '' } },
    h('span', { 'data-testid': 'sn-label' }, label),
    h('div', { class: 'code-row' }, h('code', { 'data-testid': testid, dataset: { sn } }, snText(sn, type)), copy));
}

export function copyText(text) {
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
