import { S, currentView, h, tid } from './core.js';
import { renderInvoice } from './invoice.js';

// ---------- sandbox inbox (serve --sandbox only) ----------
// In sandbox mode the app serves a simulated WhatsApp/e-mail inbox at
// /_sandbox/inbox and marks the page with <meta name="vipbase-mode"
// content="sandbox">; a production page has no mark and nothing is probed.
const INBOX_URL = '/_sandbox/inbox';
export function detectSandbox() {
  if (document.querySelector('meta[name="vipbase-mode"]')?.content !== 'sandbox') return;
  S.sandbox = true;
  tid('sandbox-inbox-link').hidden = false;
  if (S.inv && currentView() === 'invoice') { S.inv.shown = ''; renderInvoice(); }
}
// A line under an invoice: where the shop's messages about it can be read.
export function sandboxHint() {
  if (!S.sandbox) return null;
  return h('p', { class: 'muted small center sandbox-hint', 'data-testid': 'sandbox-hint' }, 'Mode simulasi: WhatsApp dan email dari toko tampil di ',
    h('a', { href: INBOX_URL, target: '_blank', rel: 'noopener' }, 'kotak masuk simulasi'), '.');
}
