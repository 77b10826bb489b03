import { logout } from './account.js';
import { brandName, detectedFor, loadCatalog, renderProducts } from './catalog.js';
import { $, $$, FIELD_CODES, FIELD_OF, GROUPS, MESSAGES, S, errorCode, errorText, fieldErrorsOf, go, groupOf, h, loggedIn, notice, numberFmt, pb, rp, tid, uuid } from './core.js';
import { closeConfirm, confirmBusy, confirmed, nicknameOf, openConfirm } from './confirm.js';
import { refreshBalance } from './live.js';
import { accountKey, prepareAccount, zoneShown } from './target.js';
import { rememberContact, rememberPayment, storedContact } from './stored.js';

// ---------- order form ----------
export const form = () => tid('order-form');
// The form's fields sit in the form or, step 1, above the products.
const fieldEl = (name) => $('[data-field="' + name + '"]', $('[data-view="store"]'));
const val = (name) => (form().elements[name] ? form().elements[name].value : '');

export function selectProduct(p) {
  S.product = p;
  S.attempt = null;
  if (!S.paying) tid('pay').disabled = false;
  const f = form();
  f.hidden = false;
  f.dataset.code = p.code;
  tid('order-product').textContent = brandName(p.category, p.brand) + ' — ' + p.name;
  const keep = { phone: f.elements.phone.value, email: f.elements.email.value, notify: f.elements.notifyWhatsapp.checked,
    target: val('target'), zone: val('zone') };
  const sameAccount = S.accountKey === accountKey(p);
  f.reset();
  f.elements.phone.value = keep.phone;
  f.elements.email.value = keep.email;
  f.elements.notifyWhatsapp.checked = keep.notify;
  if (sameAccount) { // another nominal of the same brand: the account typed in step 1 stays
    f.elements.target.value = keep.target;
    f.elements.zone.value = keep.zone;
  }
  fillContact();
  S.formAmount = -1;
  clearErrors();
  prepareAccount(p, true);
  const input = tid('input-target');
  if (detectedFor(p)) input.value = S.detected;
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
  if (!input.value) { // the account is still to fill: there first
    const first = S.q.trim() || p.category === 'prepaid' ? f : tid('step-account');
    if (window.matchMedia('(max-width: 759px)').matches) first.scrollIntoView({ block: 'start' });
    input.focus({ preventScroll: true });
  } else if (window.matchMedia('(max-width: 759px)').matches) {
    f.scrollIntoView({ block: 'start' });
  }
}

// The shopper's own price: a member of a level (users.level) pays the
// level's price when the product has one (products.prices), else the public one.
export function priceOf(p) {
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
export function updateTotal() {
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
export function updateSummary() {
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
export function channelsFor(amount) {
  const key = amount + '|' + (loggedIn() ? pb.authStore.record.id : '');
  const hit = S.channels.get(key);
  if (hit && Date.now() - hit.at < 5 * 60 * 1000) return hit.list;
  const list = pb.send('/api/payments/channels', { method: 'GET', query: { amount, all: 1 } }).then((res) => {
    const items = Array.isArray(res.data) ? res.data : [];
    for (const c of items) S.channelNames[c.code] = c.name;
    S.channels.set(key, { at: Date.now(), list: items });
    return items;
  }, (err) => { S.channels.delete(key); throw err; });
  S.channels.set(key, { at: Date.now(), list });
  return list;
}
const balanceNow = () => (loggedIn() ? Number(pb.authStore.record.balance) || 0 : 0);

// A group's cheapest total ("mulai Rp …"), or why none of it can be used.
function fromText(items) {
  const ok = items.filter((c) => c.usable !== false);
  if (!ok.length) return 'tidak tersedia';
  return (ok.length > 1 ? 'mulai ' : '') + rp(Math.min(...ok.map((c) => c.total)));
}

// The channels as radio buttons grouped Saldo / QRIS / E-Wallet / Virtual Account / Gerai retail;
// one that does not take this amount is shown off, with why ("min. Rp 10.000").
export function renderChannels(box, list, opts) {
  const known = new Set(GROUPS.map((g) => g[0]));
  const groups = GROUPS.concat([['other', 'Lainnya']]).map(([g, label]) =>
    [g, label, list.filter((c) => (g === 'other' ? !known.has(groupOf(c)) : groupOf(c) === g))]).filter((x) => x[2].length);
  if (!groups.length) {
    box.replaceChildren(h('p', { class: 'muted', 'data-testid': 'channels-empty' }, 'Belum ada metode pembayaran untuk nominal ini.'));
    return;
  }
  // One group open: the chosen channel's, else the first. The others show their cheapest total.
  const openGroup = (groups.find((x) => x[2].some((c) => c.code === opts.selected)) ||
    groups.find((x) => x[2].some((c) => c.usable !== false)) || groups[0])[0];
  box.replaceChildren(...groups.map(([g, label, items]) => h('details', {
    class: 'ch-group', 'data-testid': opts.testid + '-group', dataset: { group: g }, open: g === openGroup,
  },
  h('summary', {}, h('span', { class: 'ch-head' }, label),
    h('span', { class: 'ch-from' }, g === 'wallet' ? '' : fromText(items))),
  h('div', { class: 'ch-items' }, items.map((c) => {
    const short = (c.code === 'SALDO' && balanceNow() < c.total) || c.usable === false;
    const mid = c.gateway === 'midtrans';
    const fee = c.usable === false ? 'Tidak tersedia untuk nominal ini · ' + c.note
      : c.code === 'SALDO' ? 'Saldo Anda ' + rp(balanceNow()) + (short ? ' · tidak cukup' : '')
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
  const usable = (c) => c.usable !== false && (c.code !== 'SALDO' || balanceNow() >= c.total);
  if (!list.some((c) => c.code === S.channel && usable(c))) {
    const wallet = list.find((c) => c.code === 'SALDO' && usable(c));
    S.channel = wallet ? wallet.code : '';
  }
  renderChannels(box, list, { name: 'channel', testid: 'channel', selected: S.channel });
  updateSummary();
}

export function normalizeNumber(s) {
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
  for (const f of $$('.field', $('[data-view="store"]'))) f.classList.remove('invalid');
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
    first = first || $('input:not([disabled]):not([hidden]), select:not([hidden])', field);
  }
  tid('form-error').textContent = formMsg || '';
  if (first) first.focus();
}

export function fillContact() {
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

export async function pay(ev) {
  ev.preventDefault();
  const p = S.product;
  if (!p || S.paying) return; // a second click while paying does nothing
  const input = readInput();
  const errs = validate(p, input);
  if (Object.keys(errs).length) { closeConfirm(); showErrors(errs); return; }
  clearErrors();
  if (!confirmed(ev)) { // "Beli sekarang" opens the sheet; its "Ya, bayar" sends
    const ch = (S.formChannels || []).find((c) => c.code === input.channel) || { name: input.channel, total: currentTotal() };
    const nick = tid('nickname-result').dataset.nickname;
    openConfirm({ ...input, zoneName: zoneShown(input.zone), product: p, title: tid('order-product').textContent, label: $('label', fieldEl('target')).textContent,
      channel: ch, known: nick && S.nickFor === p.nickname_code + '|' + input.target + '|' + input.zone ? nick : '' });
    return;
  }
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
  confirmBusy(true);
  try {
    const res = await pb.send('/api/checkout', { method: 'POST', body, headers: { 'Idempotency-Key': attempt.key } });
    const d = res.data || {};
    rememberContact(input.phone, input.email);
    closeConfirm();
    if (d.payment) {
      const n = d.payment.number;
      rememberPayment(n, d.accessToken, { order: d.order ? d.order.orderNumber : '', name: d.order ? d.order.serviceName : '' });
      S.inv = { number: n, token: d.accessToken, data: { order: d.order, payment: d.payment } };
      attempt.number = n; // the store starts a new attempt when it is shown again
      go('/bayar/' + encodeURIComponent(n));
    } else {
      attempt.number = d.order.orderNumber;
      refreshBalance();
      go('/pesanan/' + encodeURIComponent(attempt.number));
    }
  } catch (err) {
    closeConfirm();
    const code = errorCode(err);
    // A refused payment closed its checkout: the next press is a new attempt.
    if (code === 'idempotency_mismatch' || code === 'payment_refused') S.attempt = null;
    if (code === 'guest_checkout_disabled') {
      S.afterLogin = '/';
      notice(MESSAGES.guest_checkout_disabled);
      go('/masuk');
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
    confirmBusy(false);
    if (!attempt.number) {
      btn.disabled = false;
      updateTotal();
    }
  }
}

// After a purchase, coming back to the store starts a fresh attempt: same product,
// empty target, a new key.
export function resetAfterPurchase() {
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

export async function checkNickname() {
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
    const nick = await nicknameOf(p, input);
    if (seq !== S.nickSeq) return;
    out.textContent = '✓ ' + nick;
    out.dataset.nickname = nick;
    S.nickFor = p.nickname_code + '|' + input.target + '|' + input.zone;
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
