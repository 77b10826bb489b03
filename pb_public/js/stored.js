

// ---------- where a guest's invoices are remembered ----------
const PAY_KEY = 'vipbase.payments';
const CONTACT_KEY = 'vipbase.contact';
export function storedPayments() {
  try {
    const v = JSON.parse(localStorage.getItem(PAY_KEY) || '{}');
    return v && typeof v === 'object' ? v : {};
  } catch (_) { return {}; }
}
export function rememberPayment(number, token, extra) {
  const all = storedPayments();
  all[number] = Object.assign({}, all[number], extra, { token: token || (all[number] && all[number].token) || '', at: Date.now() });
  // the newest 30 are enough to come back to
  const keep = Object.entries(all).sort((a, b) => (b[1].at || 0) - (a[1].at || 0)).slice(0, 30);
  try { localStorage.setItem(PAY_KEY, JSON.stringify(Object.fromEntries(keep))); } catch (_) { /* private mode */ }
}
export function rememberContact(phone, email) {
  try { localStorage.setItem(CONTACT_KEY, JSON.stringify({ phone, email })); } catch (_) { /* private mode */ }
}
export function storedContact() {
  try { return JSON.parse(localStorage.getItem(CONTACT_KEY) || '{}') || {}; } catch (_) { return {}; }
}
// The contact fields keep what was typed; else the last one used on this device.
