import { channelsFor, form, renderChannels } from './checkout.js';
import { $$, FIELD_CODES, S, errorCode, errorText, fieldErrorsOf, go, h, pb, rp, tid, uuid } from './core.js';
import { rememberPayment } from './stored.js';

// ---------- wallet top-up ----------
const TOPUP_MIN = 10000;
const TOPUP_MAX = 10000000;
const topupAmount = () => parseInt(String(tid('input-topup-amount').value).replace(/\D/g, ''), 10) || 0;
let topupTimer = 0;
export function onTopupAmount() {
  clearTimeout(topupTimer);
  tid('error-topup-amount').textContent = '';
  tid('topup-error').textContent = '';
  topupTimer = setTimeout(loadTopupChannels, 250);
  for (const b of $$('button', tid('topup-chips'))) b.setAttribute('aria-pressed', String(Number(b.dataset.amount) === topupAmount()));
}
export async function loadTopupChannels() {
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
  if (!list.some((c) => c.code === S.topupChannel && c.usable !== false)) S.topupChannel = '';
  renderChannels(box, list, { name: 'topup-channel', testid: 'topup-channel', selected: S.topupChannel });
}
export async function submitTopup(ev) {
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
    go('/bayar/' + encodeURIComponent(n));
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
