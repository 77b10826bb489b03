// Step 1 of buying, the account: what the target field asks for (by the
// brand's category), the zone (a list where the servers are known) and the
// nickname check, and where these fields sit — above the products, or in
// the order form. Their inputs belong to the order form wherever they are.
import { brandName, brandRow } from './catalog.js';
import { $, PHONE_TYPES, S, h, tid } from './core.js';

const form = () => tid('order-form');
const fieldEl = (name) => $('[data-field="' + name + '"]', $('[data-view="store"]'));

export const accountKey = (p) => (p ? p.category + '|' + brandName(p.category, p.brand) : '');

// Sets step 1 up for a product of the brand on screen (the first one before
// a nominal is chosen; null: no brand): what the target asks for, the zone
// and the nickname check, and where the fields sit — above the products, or
// in the form for a phone operator (its number box is at the top) and while
// searching. A new brand starts with an empty account and no nominal.
export function prepareAccount(p, chosen) {
  const box = tid('step-account');
  const fields = tid('account-fields');
  const above = !!p && p.category !== 'prepaid' && !S.q.trim();
  if (above && fields.parentNode !== box) box.append(fields);
  if (!above && fields.parentNode !== form()) tid('order-product').after(fields);
  box.hidden = !above;
  tid('step-nominal').hidden = !above;
  $('[data-view="store"]').dataset.steps = above ? 'on' : 'off';
  if (!p) return;
  const key = accountKey(p);
  if (S.accountKey !== key) {
    S.accountKey = key;
    form().elements.target.value = '';
    form().elements.zone.value = '';
    const out = tid('nickname-result');
    out.textContent = '';
    out.dataset.nickname = '';
    S.nickSeq++;
    if (!chosen && S.product && accountKey(S.product) !== key) { // the nominal was another brand's
      S.product = null;
      form().hidden = true;
    }
  }
  const row = brandRow(p.category, p.brand);
  tid('brand-help').textContent = (row && row.help) || '';
  tid('brand-help').hidden = !(row && row.help);
  const target = fieldEl('target');
  const input = tid('input-target');
  const spec = targetSpec(p);
  target.dataset.kind = spec.kind;
  input.setAttribute('inputmode', spec.inputmode);
  if (spec.maxlength) input.setAttribute('maxlength', String(spec.maxlength));
  else input.removeAttribute('maxlength');
  $('label', target).textContent = spec.label;
  $('.hint', target).textContent = spec.hint;
  $('.step-name', fields).textContent = spec.kind === 'social' ? 'Tujuan' : 'Data akun';
  fieldEl('zone').hidden = !(p.category === 'game' && p.needs_zone);
  fieldEl('nickname').hidden = !(p.category === 'game' && p.nickname_code);
  zoneList(row);
}

// A game whose servers are known (brands.zones, "code=Label" lines) picks
// the zone from a list; the list writes the form's zone input.
function zoneList(row) {
  const opts = ((row && row.zones) || '').split('\n').map((l) => l.trim()).filter(Boolean)
    .map((l) => { const [code, ...label] = l.split('='); return [code.trim(), label.join('=').trim() || code.trim()]; });
  const list = tid('select-zone');
  const input = tid('input-zone');
  const key = opts.map((o) => o[0]).join('|');
  if (list.dataset.key !== key) {
    list.dataset.key = key;
    list.replaceChildren(h('option', { value: '' }, 'Pilih server'), ...opts.map(([v, l]) => h('option', { value: v }, l)));
  }
  list.value = opts.some((o) => o[0] === input.value) ? input.value : '';
  list.hidden = !opts.length;
  input.hidden = !!opts.length;
  $('label', fieldEl('zone')).htmlFor = opts.length ? 'f-zone-list' : 'f-zone';
  $('label', fieldEl('zone')).textContent = opts.length ? 'Server' : 'Zone ID / Server';
}
export function onZonePick() {
  const input = tid('input-zone');
  input.value = tid('select-zone').value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}
// The zone as the shopper knows it: the server's name when picked from the list.
export function zoneShown(zone) {
  const list = tid('select-zone');
  const opt = !list.hidden && zone ? Array.from(list.options).find((o) => o.value === zone) : null;
  return opt ? opt.textContent : zone;
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
