// The confirmation sheet: what is about to be bought, for which account (the
// game's nickname when the provider can tell it), how it is paid and the
// total, before anything is charged. Its "Ya, bayar" is a submit button of the
// order form, so the form's submit handler sends the order only when the sheet
// was the one pressed.
import { FIELD_OF, errorCode, errorText, fieldErrorsOf, h, pb, rp, tid } from './core.js';

const sheet = () => tid('confirm-sheet');

// The player's nickname for this game account (GET /api/games/nickname).
export async function nicknameOf(p, input) {
  const query = { game: p.nickname_code || p.code, userId: input.target };
  if (input.zone) query.zoneId = input.zone;
  const res = await pb.send('/api/games/nickname', { method: 'GET', query });
  return res.data.nickname;
}

// Whether the form was submitted by the sheet's confirm button.
export const confirmed = (ev) => !!(ev && ev.submitter && ev.submitter === tid('confirm-pay'));

export function closeConfirm() {
  const d = sheet();
  if (d.open) d.close();
}

export function confirmBusy(busy) {
  const b = tid('confirm-pay');
  b.disabled = busy || b.dataset.blocked === 'true' || sheet().dataset.armed !== 'true';
  b.textContent = busy ? 'Memproses…' : b.dataset.label;
}

// Opens the sheet for an order. o: { product, title, target, zone, zoneName, label,
// channel: { name, total }, phone, email, known } — known is a nickname the
// form already checked for this account.
export async function openConfirm(o) {
  const d = sheet();
  const seq = (d.dataset.seq = String(Number(d.dataset.seq || 0) + 1));
  const zone = o.zoneName || o.zone;
  const account = zone ? o.target + '/' + zone : o.target;
  const rows = [['Produk', o.title], [o.label, zone ? o.target + ' (' + zone + ')' : o.target],
    ['Pembayaran', o.channel.name]];
  if (o.phone) rows.push(['WhatsApp', o.phone]);
  if (o.email) rows.push(['Email', o.email]);
  tid('confirm-summary').replaceChildren(...rows.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })]),
    h('dt', { class: 'sum', text: 'Total bayar' }), h('dd', { class: 'sum', 'data-testid': 'confirm-total', text: rp(o.channel.total) }));
  const btn = tid('confirm-pay');
  btn.dataset.label = 'Ya, bayar ' + rp(o.channel.total);
  const line = tid('confirm-account');
  const say = (cls, text, nickname) => {
    line.className = 'confirm-id ' + cls;
    line.textContent = text;
    line.dataset.nickname = nickname || '';
  };
  const block = (blocked) => { btn.dataset.blocked = String(blocked); confirmBusy(false); };
  if (!d.open) {
    // Armed a moment after it opens: the second half of a double tap on
    // "Beli sekarang" must not land on "Ya, bayar".
    d.dataset.armed = 'false';
    d.showModal();
    setTimeout(() => { if (d.dataset.seq === seq) { d.dataset.armed = 'true'; confirmBusy(false); } }, 400);
  }
  const p = o.product;
  if (!(p.category === 'game' && p.nickname_code)) {
    say('', 'Pastikan benar — ' + o.label + ': ' + account);
    block(false);
    return;
  }
  if (o.known) {
    say('ok', 'Pastikan ID benar: ' + o.known + ' (' + account + ')', o.known);
    block(false);
    return;
  }
  say('wait', 'Memeriksa ID ' + account + '…');
  block(true);
  try {
    let nick;
    try {
      nick = await nicknameOf(p, o);
    } catch (err) { // the checks' share of the provider is used up: once more in a moment
      if (errorCode(err) !== 'provider_busy') throw err;
      await new Promise((r) => setTimeout(r, 1500));
      if (d.dataset.seq !== seq) return;
      nick = await nicknameOf(p, o);
    }
    if (d.dataset.seq !== seq) return;
    say('ok', 'Pastikan ID benar: ' + nick + ' (' + account + ')', nick);
    block(false);
  } catch (err) {
    if (d.dataset.seq !== seq) return;
    // Not found (or an ID the provider refuses) is the shopper's to fix;
    // the provider being busy or down is not a reason to refuse the order.
    const wrong = errorCode(err) === 'player_not_found' || Object.keys(fieldErrorsOf(err)).some((k) => FIELD_OF[k]);
    if (wrong) {
      say('bad', 'ID ' + account + ' tidak ditemukan. Periksa lagi ID' + (o.zone ? ' dan server' : '') + ' Anda.');
      block(true);
    } else {
      say('wait', 'Nickname belum bisa dicek (' + errorText(err) + '). Pastikan ID benar: ' + account);
      block(false);
    }
  }
}

export function bindConfirm() {
  tid('confirm-back').addEventListener('click', closeConfirm);
}
