import { logout } from './account.js';
import { fillContact, updateTotal } from './checkout.js';
import { $, FINAL, S, STATUS, currentView, loggedIn, pb, rp, tid, toast } from './core.js';
import { fetchInvoice } from './invoice.js';
import { fetchOrder, loadOrders, loadWallet, rerenderOrders } from './orders.js';

// ---------- header & balance ----------
export function renderHeader() {
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
  if (S.product) { // SALDO comes and goes with the session, and is usable with enough balance
    fillContact();
    S.formAmount = -1;
    updateTotal();
  }
}

let refreshTimer = 0;
export function refreshBalance() {
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

export async function subscribeLive() {
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
export async function unsubscribeLive() {
  try { await pb.realtime.unsubscribe(); } catch (_) { /* already gone */ }
}
pb.realtime.onDisconnect = () => setLive(false);

// The invoice on screen is of this order: a member's realtime event is news for it too.
const invoiceShows = (num) => currentView() === 'invoice' && !!S.inv && !!S.inv.data && !!S.inv.data.order && S.inv.data.order.orderNumber === num;
function onOrderEvent(rec) {
  const before = S.orders.get(rec.id);
  if (!upsertOrder(rec, 'realtime')) return;
  if (invoiceShows(rec.number)) fetchInvoice();
  if (!S.orderIds.includes(rec.id) && S.ordersLoaded) S.orderIds.unshift(rec.id);
  if (FINAL[rec.status]) {
    refreshBalance();
    // Tell about orders finishing elsewhere, not the one on screen (the event can
    // arrive just before the page switches to a new order, hence the delay).
    const onScreen = () => (currentView() === 'order' && S.viewNumber === rec.number) || invoiceShows(rec.number);
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
export function upsertOrder(rec, source) {
  const cur = S.orders.get(rec.id);
  if (cur && String(cur.updated) > String(rec.updated)) return false;
  const same = cur && String(cur.updated) === String(rec.updated);
  S.orders.set(rec.id, rec);
  if (!same) S.source.set(rec.id, source); // the source is where the newest version came from
  return true;
}
export const orderByNumber = (num) => Array.from(S.orders.values()).find((o) => o.number === num);

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
