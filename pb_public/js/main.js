import { logout, onAccountInput, renderAccount, renderAuth, renderForgot, renderReset, submitAccount, submitAuth, submitForgot, submitReset, verifyEmail } from './account.js';
import { brandBySlug, brandPath, loadBrands, loadCatalog, onDetectInput, openBrand, renderBrandHead, renderProducts, renderTiles, selectCategory } from './catalog.js';
import { checkNickname, form, pay, resetAfterPurchase, selectProduct, updateSummary, updateTotal } from './checkout.js';
import { bindConfirm } from './confirm.js';
import { $, $$, S, currentView, go, onNavigate, loggedIn, needLogin, notice, numberFmt, pb, show, tid } from './core.js';
import { loadStore } from './identity.js';
import { fetchInvoice, openInvoice, stopInvoice } from './invoice.js';
import { renderHeader, subscribeLive } from './live.js';
import { loadOrders, loadWallet, openOrder, renderOrdersList } from './orders.js';
import { detectSandbox } from './sandbox.js';
import { storedContact } from './stored.js';
import { onZonePick } from './target.js';
import { loadTopupChannels, onTopupAmount, submitTopup } from './topup.js';
import { renderLocalInvoices, submitTrack } from './track.js';

// The store's pages by their first path segment; anything else is the store.
let routeSeq = 0;
function route() {
  const seq = ++routeSeq;
  const [head, arg] = location.pathname.replace(/^\/+/, '').split('/');
  const params = new URLSearchParams(location.search);
  if (head !== 'masuk' && head !== 'daftar') notice('');
  if (head !== 'bayar') stopInvoice();
  switch (head) {
    case 'bayar':
      if (!arg) { go('/lacak'); return; }
      show('invoice');
      if (params.has('order_id') && history.replaceState) {
        // Drop the gateway's query: a shared or reloaded link is the invoice's own.
        const keep = params.get('token') ? '?token=' + encodeURIComponent(params.get('token')) : '';
        history.replaceState(history.state, '', '/bayar/' + arg + keep);
      }
      openInvoice(decodeURIComponent(arg), params.get('token') || '', params.get('transaction_status') || '');
      break;
    case 'lacak':
      show('track');
      if (arg) tid('track-form').elements.number.value = decodeURIComponent(arg);
      if (!tid('track-form').elements.phone.value) tid('track-form').elements.phone.value = storedContact().phone || '';
      renderLocalInvoices();
      break;
    case 'pesanan':
      if (needLogin('Masuk untuk melihat riwayat pesanan. Belanja tanpa akun? Cari pesanan Anda di menu Lacak.')) return;
      if (arg) { S.viewNumber = decodeURIComponent(arg); show('order'); openOrder(S.viewNumber); }
      else { show('orders'); renderOrdersList(); loadOrders(true); }
      break;
    case 'dompet':
      if (needLogin()) return;
      show('wallet');
      renderHeader();
      renderAccount();
      loadWallet(true);
      loadTopupChannels();
      break;
    case 'reset-sandi': // the link of a password-reset e-mail
      if (!arg) { go('/lupa-sandi'); return; }
      S.resetToken = decodeURIComponent(arg);
      renderReset();
      show('reset');
      break;
    case 'verifikasi': // the link of a verification e-mail
      show('verify');
      verifyEmail(decodeURIComponent(arg || ''));
      break;
    case 'lupa-sandi':
      if (loggedIn()) { go('/'); return; }
      renderForgot();
      show('forgot');
      break;
    case 'masuk':
    case 'daftar':
      if (loggedIn()) { go('/'); return; }
      renderAuth(head === 'daftar');
      show('auth');
      break;
    case 'beli': { // a brand's page
      const b = arg ? brandBySlug(decodeURIComponent(arg)) : null;
      if (!b) { history.replaceState(null, '', '/'); route(); return; }
      openBrandPage(b, seq);
      return;
    }
    default:
      storePage('home');
      document.title = S.siteTitle;
      resetAfterPurchase();
      show('store');
      selectCategory(S.cat);
  }
  window.scrollTo(0, 0);
}

// A brand's page shows once its products are in, all at once (nothing
// jumps as they arrive); unless the shopper went elsewhere meanwhile.
async function openBrandPage(b, seq) {
  try {
    await loadCatalog(b.provider_category);
  } catch (_) { /* the page says so (selectCategory) */ }
  if (seq !== routeSeq) return;
  storePage('brand');
  resetAfterPurchase();
  show('store');
  openBrand(b.provider_category, b.name);
}

// The store view is the home (tiles, search) or one brand's page.
function storePage(kind) {
  $('[data-view="store"]').dataset.page = kind;
}

// ---------- wiring ----------
// A link of the store's own pages moves without a reload; the dashboard,
// the console, the API and the sandbox's pages load as pages.
const OWN_PAGES = /^\/(?!_\/|_sandbox\/|api\/|console\/|vendor\/|js\/)/;
function onLinkClick(e) {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.target.closest('a[href]');
  if (!a || a.getAttribute('href').startsWith('#') || a.target || a.hasAttribute('download') || a.origin !== location.origin || !OWN_PAGES.test(a.pathname)) return;
  e.preventDefault();
  go(a.pathname + a.search);
}

// Links from before paths (#/bayar/…, #/lacak/…) still open their page.
function fromHash() {
  if (location.hash.startsWith('#/')) history.replaceState(null, '', location.hash.slice(1));
}

function bind() {
  onNavigate(route);
  window.addEventListener('popstate', route);
  document.addEventListener('click', onLinkClick);
  pb.authStore.onChange(renderHeader);
  for (const b of $$('.cat-tabs button')) b.addEventListener('click', () => { if (location.pathname !== '/') history.replaceState(null, '', '/'); S.q = ''; tid('search').value = ''; renderTiles(); selectCategory(b.dataset.cat); });
  tid('brands').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-brand]');
    if (!b) return;
    S.brand[S.cat] = b.dataset.brand;
    history.replaceState(null, '', brandPath(S.cat, b.dataset.brand)); // the chosen brand's page, to share
    S.q = '';
    tid('search').value = '';
    for (const x of $$('button', tid('brands'))) x.setAttribute('aria-pressed', String(x === b));
    renderBrandHead();
    renderTiles();
    renderProducts();
  });
  tid('kind-tabs').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-kind]');
    if (!b) return;
    S.kind = b.dataset.kind;
    renderProducts();
  });
  tid('input-detect-phone').addEventListener('input', onDetectInput);
  tid('search').addEventListener('input', (e) => { S.q = e.target.value; renderTiles(); renderBrandHead(); renderProducts(); });
  tid('products').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-id]');
    if (!b) return;
    const p = (S.catalog[S.cat] || []).find((x) => x.id === b.dataset.id);
    if (p) selectProduct(p);
  });
  const f = form();
  f.addEventListener('submit', pay);
  const onFormInput = (e) => {
    const field = e.target.closest('.field');
    if (field && field.classList.contains('invalid')) {
      field.classList.remove('invalid');
      tid('error-' + field.dataset.field).textContent = '';
    }
    if (e.target.name === 'target' || e.target.name === 'zone') {
      S.nickSeq++;
      const out = tid('nickname-result');
      out.textContent = '';
      out.className = 'nick-result';
      out.dataset.nickname = '';
    }
    tid('form-error').textContent = '';
    if (e.target.name === 'channel') {
      S.channel = e.target.value;
      updateSummary();
      return;
    }
    if (e.target.name === 'quantity') { // one channel list per pause in typing
      clearTimeout(S.qtyTimer);
      S.qtyTimer = setTimeout(updateTotal, 300);
      return;
    }
    if (e.target.name === 'target' || e.target.name === 'zone') updateTotal();
  };
  f.addEventListener('input', onFormInput);
  tid('step-account').addEventListener('input', onFormInput); // step 1's fields, above the products
  tid('check-nickname').addEventListener('click', checkNickname);
  tid('select-zone').addEventListener('change', onZonePick);
  bindConfirm();
  tid('track-form').addEventListener('submit', submitTrack);
  tid('topup-form').addEventListener('submit', submitTopup);
  tid('input-topup-amount').addEventListener('input', onTopupAmount);
  tid('topup-chips').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-amount]');
    if (!b) return;
    tid('input-topup-amount').value = numberFmt.format(Number(b.dataset.amount));
    onTopupAmount();
  });
  tid('topup-channels').addEventListener('change', (e) => {
    if (e.target.name !== 'topup-channel') return;
    S.topupChannel = e.target.value;
    tid('error-topup-channel').textContent = '';
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && currentView() === 'invoice') fetchInvoice();
  });
  tid('account-form').addEventListener('submit', submitAccount);
  tid('account-form').addEventListener('input', onAccountInput);
  tid('auth-form').addEventListener('submit', submitAuth);
  tid('forgot-form').addEventListener('submit', submitForgot);
  tid('reset-form').addEventListener('submit', (e) => submitReset(e, S.resetToken));
  tid('nav-logout').addEventListener('click', () => logout('Anda sudah keluar.'));
  tid('orders-more').addEventListener('click', () => loadOrders(false));
  tid('wallet-more').addEventListener('click', () => loadWallet(false));
}

async function boot() {
  // The home's title as served (a brand's page is served with its own).
  const home = document.querySelector('meta[name="vipbase-home-title"]');
  S.siteTitle = (home && home.content) || document.title;
  fromHash();
  bind();
  loadStore();
  const brandsReady = loadBrands(); // before the first render: the default brand is the first tile's
  if (loggedIn()) {
    try {
      await pb.collection('users').authRefresh();
    } catch (err) {
      if (err.status === 401 || err.status === 403 || err.status === 404) pb.authStore.clear();
    }
  } else if (pb.authStore.token) {
    pb.authStore.clear();
  }
  renderHeader();
  if (loggedIn()) subscribeLive();
  await brandsReady;
  route();
  document.documentElement.dataset.ready = 'true';
  if (window.requestIdleCallback) requestIdleCallback(detectSandbox, { timeout: 1000 });
  else setTimeout(detectSandbox, 200);
}

boot();
