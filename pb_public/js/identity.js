import { $, S, h, pb, tid } from './core.js';

// ---------- store identity: header and footer ----------
export async function loadStore() {
  try {
    const res = await pb.collection('store').getList(1, 1, { fields: 'id,collectionId,collectionName,name,tagline,logo,cs_whatsapp,cs_email,terms,refund_policy' });
    S.store = res.items[0] || null;
  } catch (_) {
    S.store = null; // the defaults stay
  }
  renderStore();
}

// 6281234567890 → 0812-3456-7890
function localPhone(n) {
  const local = String(n).replace(/^62/, '0');
  return local.replace(/^(\d{4})(\d{4})(\d+)$/, '$1-$2-$3');
}

function renderStore() {
  const st = S.store || {};
  const name = (st.name || '').trim();
  const logo = tid('logo');
  const kids = [];
  if (st.logo) kids.push(h('img', { class: 'logo-img', src: pb.files.getURL(st, st.logo, { thumb: '64x64' }), alt: '', width: 28, height: 28 }));
  if (name) kids.push(h('span', { class: 'logo-name' }, name));
  else kids.push(h('span', { class: 'logo-name' }, 'vip', h('b', {}, 'base')));
  logo.replaceChildren(...kids);
  const tagline = tid('store-tagline');
  tagline.textContent = (st.tagline || '').trim();
  tagline.hidden = !tagline.textContent;

  const wa = tid('footer-cs-whatsapp');
  wa.hidden = !st.cs_whatsapp;
  if (st.cs_whatsapp) {
    wa.href = 'https://wa.me/' + st.cs_whatsapp;
    wa.textContent = 'WhatsApp ' + localPhone(st.cs_whatsapp);
  }
  const mail = tid('footer-cs-email');
  mail.hidden = !st.cs_email;
  if (st.cs_email) {
    mail.href = 'mailto:' + st.cs_email;
    mail.textContent = st.cs_email;
  }
  tid('footer-cs').hidden = wa.hidden && mail.hidden;
  for (const [id, text] of [['footer-terms', st.terms], ['footer-refund', st.refund_policy]]) {
    const d = tid(id);
    d.hidden = !(text || '').trim();
    $('.legal-text', d).textContent = (text || '').trim();
  }
  tid('footer-copy').textContent = '© ' + new Date().getFullYear() + ' ' + (name || 'vipbase');
}
