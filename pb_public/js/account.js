import { form, normalizeNumber } from './checkout.js';
import { $, FIELD_CODES, S, errorText, fieldErrorsOf, go, h, loggedIn, notice, pb, tid, toast } from './core.js';
import { renderHeader, subscribeLive, unsubscribeLive } from './live.js';

// ---------- auth ----------
let signupMode = false;
export function renderAuth(signup) {
  signupMode = signup;
  const f = tid('auth-form');
  f.reset();
  tid('auth-error').textContent = '';
  tid('auth-title').textContent = signup ? 'Daftar akun baru' : 'Masuk';
  tid('auth-submit').textContent = signup ? 'Daftar' : 'Masuk';
  $('[data-signup-only]', f).hidden = !signup;
  $('[data-login-only]', f).hidden = signup;
  tid('auth-password').setAttribute('autocomplete', signup ? 'new-password' : 'current-password');
  const sw = tid('auth-switch');
  sw.replaceChildren(signup ? 'Sudah punya akun? ' : 'Belum punya akun? ',
    h('a', { href: signup ? '/masuk' : '/daftar', 'data-testid': 'auth-switch-link' }, signup ? 'Masuk' : 'Daftar'));
}

export async function submitAuth(ev) {
  ev.preventDefault();
  const f = tid('auth-form');
  const email = f.elements.email.value.trim();
  const password = f.elements.password.value;
  const confirm = f.elements.passwordConfirm.value;
  const errEl = tid('auth-error');
  errEl.textContent = '';
  if (!email || !password) { errEl.textContent = 'Masukkan email dan kata sandi.'; return; }
  const btn = tid('auth-submit');
  btn.disabled = true;
  try {
    if (signupMode) await pb.collection('users').create({ email, password, passwordConfirm: confirm });
    await pb.collection('users').authWithPassword(email, password);
  } catch (err) {
    const fields = Object.values(fieldErrorsOf(err));
    // PocketBase answers a wrong password with a bare 400.
    errEl.textContent = fields.length ? fields.join(' ') : err.status === 400 ? 'Email atau kata sandi salah.' : errorText(err);
    return;
  } finally {
    btn.disabled = false;
  }
  S.orders.clear(); S.source.clear(); S.orderIds = []; S.ordersLoaded = false; S.wallet = []; S.walletPage = 0;
  renderHeader();
  subscribeLive();
  toast(signupMode ? 'Akun dibuat. Selamat datang!' : 'Berhasil masuk.');
  const next = S.afterLogin || '/';
  S.afterLogin = '';
  go(next);
}

// ---------- forgotten password ----------
// PocketBase mails the reset link (in sandbox mode to /_sandbox/inbox). The
// answer is the same whether the address has an account or not: the page
// never tells who is a customer.
const FORGOT_SENT = 'Jika e-mail terdaftar, tautan reset sudah dikirim.';
let forgotBusy = false;
export function renderForgot() {
  const f = tid('forgot-form');
  const typed = tid('auth-email').value.trim();
  f.reset();
  if (typed) f.elements.email.value = typed;
  tid('error-forgot-email').textContent = '';
  tid('forgot-result').hidden = true;
}
export async function submitForgot(ev) {
  ev.preventDefault();
  if (forgotBusy) return;
  const f = tid('forgot-form');
  const email = f.elements.email.value.trim();
  const out = tid('forgot-result');
  out.hidden = true;
  tid('error-forgot-email').textContent = '';
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    tid('error-forgot-email').textContent = FIELD_CODES.validation_is_email;
    return;
  }
  forgotBusy = true;
  const btn = tid('forgot-submit');
  btn.disabled = true;
  btn.textContent = 'Mengirim…';
  try {
    await pb.collection('users').requestPasswordReset(email);
  } catch (_) {
    // Any answer reads the same (no account enumeration).
  } finally {
    forgotBusy = false;
    btn.disabled = false;
    btn.textContent = 'Kirim tautan reset';
  }
  out.textContent = FORGOT_SENT;
  out.hidden = false;
}

export async function logout(msg) {
  await unsubscribeLive();
  pb.authStore.clear();
  S.orders.clear(); S.source.clear(); S.orderIds = []; S.ordersLoaded = false; S.wallet = []; S.walletPage = 0;
  renderHeader();
  if (msg) toast(msg);
  go('/');
}

// ---------- account (Dompet → Akun): WhatsApp number and messages ----------
// A member edits their own users record: phone (the server normalises
// 08…/+62… to 62… and answers a bad number with validation_phone) and
// notify_whatsapp. Nothing else is sent; the SDK refreshes the auth record.
let accountBusy = false;
export function renderAccount() {
  if (!loggedIn() || accountBusy) return;
  const f = tid('account-form');
  const u = pb.authStore.record;
  f.elements.phone.value = u.phone || '';
  f.elements.notify.checked = !!u.notify_whatsapp;
  onAccountInput();
}
function showAccountError(msg) {
  tid('error-account-phone').textContent = msg;
  $('[data-field="account-phone"]', tid('account-form')).classList.toggle('invalid', !!msg);
}
export function onAccountInput() {
  tid('account-result').textContent = '';
  tid('account-error').textContent = '';
  showAccountError('');
}
export async function submitAccount(ev) {
  ev.preventDefault();
  if (accountBusy || !loggedIn()) return;
  const f = tid('account-form');
  const body = { phone: normalizeNumber(f.elements.phone.value.trim()), notify_whatsapp: f.elements.notify.checked };
  onAccountInput();
  accountBusy = true;
  const btn = tid('account-save');
  btn.disabled = true;
  btn.textContent = 'Menyimpan…';
  try {
    await pb.collection('users').update(pb.authStore.record.id, body);
    tid('account-result').textContent = 'Tersimpan.';
  } catch (err) {
    const fields = fieldErrorsOf(err);
    if (fields.phone) showAccountError(fields.phone);
    else tid('account-error').textContent = Object.values(fields)[0] || errorText(err);
    if (err.status === 401) logout('Sesi berakhir. Silakan masuk lagi.');
  } finally {
    accountBusy = false;
    btn.disabled = false;
    btn.textContent = 'Simpan';
  }
}

// ---------- links of the store's e-mails ----------
// /reset-sandi/<token>: a new password for the account of the token.
export function renderReset() {
  tid('reset-form').reset();
  for (const k of ['reset-password', 'reset-confirm']) tid('error-' + k).textContent = '';
  tid('reset-error').textContent = '';
}
let resetBusy = false;
export async function submitReset(ev, token) {
  ev.preventDefault();
  if (resetBusy) return;
  const f = tid('reset-form');
  const pw = f.elements.password.value;
  const again = f.elements.passwordConfirm.value;
  renderErrors({});
  if (pw.length < 8) { renderErrors({ 'reset-password': 'Minimal 8 karakter.' }); return; }
  if (pw !== again) { renderErrors({ 'reset-confirm': 'Kata sandi tidak sama.' }); return; }
  resetBusy = true;
  const btn = tid('reset-submit');
  btn.disabled = true;
  try {
    await pb.collection('users').confirmPasswordReset(token, pw, again);
    notice('Kata sandi sudah diganti. Silakan masuk dengan kata sandi baru.');
    go('/masuk');
  } catch (err) {
    const fields = fieldErrorsOf(err);
    if (fields.token || err.status === 400 && !fields.password && !fields.passwordConfirm) {
      tid('reset-error').textContent = 'Tautan ini tidak berlaku lagi (sudah dipakai atau kedaluwarsa). Minta tautan baru.';
    } else {
      renderErrors({ 'reset-password': fields.password, 'reset-confirm': fields.passwordConfirm }, errorText(err));
    }
  } finally {
    resetBusy = false;
    btn.disabled = false;
  }
}
function renderErrors(errs, formMsg) {
  for (const k of ['reset-password', 'reset-confirm']) tid('error-' + k).textContent = errs[k] || '';
  tid('reset-error').textContent = Object.values(errs).some(Boolean) ? '' : formMsg || '';
}

// /verifikasi/<token>: the account's e-mail is confirmed.
export async function verifyEmail(token) {
  const out = tid('verify-result');
  out.textContent = 'Memverifikasi…';
  try {
    await pb.collection('users').confirmVerification(token);
    out.textContent = 'Email Anda sudah terverifikasi. Terima kasih!';
    if (loggedIn()) pb.collection('users').authRefresh().catch(() => {});
  } catch (_) {
    out.textContent = 'Tautan verifikasi ini tidak berlaku lagi (sudah dipakai atau kedaluwarsa).';
  }
}
