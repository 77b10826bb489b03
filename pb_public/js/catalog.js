import { priceOf } from './checkout.js';
import { prepareAccount } from './target.js';
import { $, $$, BRAND_FIELDS, BRAND_GROUPS, KINDS, OPERATORS, PHONE_TYPES, PRODUCT_FIELDS, S, TYPE_LABEL, currentView, errorText, h, numberFmt, pb, rp, tid } from './core.js';

// ---------- catalog ----------
export function loadCatalog(cat) {
  if (!S.catalog[cat]) {
    S.catalog[cat] = pb.collection('products').getFullList({
      filter: pb.filter('category = {:c}', { c: cat }), sort: 'brand,sort,price,name', fields: PRODUCT_FIELDS, batch: 500,
    }).then((items) => { S.catalog[cat] = items; return items; }, (err) => { delete S.catalog[cat]; throw err; });
  }
  return Promise.resolve(S.catalog[cat]);
}

// Brands in the home's order (popular, then the operator's sort, from the
// brands rows); without a row, the most products first, then by name.
function brandsOf(items) {
  const m = new Map();
  for (const p of items) {
    const b = m.get(p.brand) || { name: p.brand, n: 0, sort: Infinity, row: brandRow(p.category, p.brand) };
    b.n++;
    b.sort = Math.min(b.sort, p.sort || 0);
    m.set(p.brand, b);
  }
  const rank = (b) => (b.row ? S.brands.indexOf(b.row) : Infinity);
  const names = Array.from(m.values()).sort((a, b) => (rank(a) - rank(b)) || a.sort - b.sort || b.n - a.n || a.name.localeCompare(b.name, 'id'))
    .map((b) => b.name);
  // Brands a shopper sees under one name (an operator's pulsa and data, a
  // game's "A" and "B" suppliers) are one chip (the first).
  const seen = new Set();
  return names.filter((n) => {
    const k = items.length ? shownKey(items[0].category, n) : n;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
// What a brand is to a shopper: its operator, else the name it is shown by.
function shownKey(cat, name) {
  const op = operatorOf(cat, name);
  return op ? 'op|' + op : 'n|' + brandName(cat, name).toLowerCase();
}

// ---------- phone operators ----------
// The operator a prepaid pulsa/data brand sells for ('' for any other brand).
function operatorOf(cat, name) {
  if (cat !== 'prepaid') return '';
  const row = brandRow(cat, name);
  if (row && row.category !== 'pulsa' && row.category !== 'data') return '';
  const text = (name + ' ' + ((row && row.display_name) || '')).toLowerCase();
  const op = OPERATORS.find((o) => o.re.test(text));
  return op ? op.key : '';
}
// Whether a product of brand b is shown under the chosen brand.
function sameBrand(cat, b, chosen) {
  return b === chosen || (!!chosen && shownKey(cat, b) === shownKey(cat, chosen));
}
// One list of a brand shown under one name: by price, and a product offered
// by two of its suppliers under the same name only once (the cheaper one in
// stock).
function merged(list) {
  if (new Set(list.map((p) => p.brand)).size < 2) return list;
  const best = new Map();
  for (const p of list.slice().sort((a, b) => priceOf(a) - priceOf(b))) {
    const k = p.name.replace(/\s+/g, ' ').trim().toLowerCase();
    const had = best.get(k);
    if (!had || (had.track_stock && had.stock <= 0 && !(p.track_stock && p.stock <= 0))) best.set(k, p);
  }
  return Array.from(best.values());
}
// 0812…, +62812…, 62812…, 812… → 0812…; digits only.
function localNumber(s) {
  let d = String(s || '').replace(/[^\d+]/g, '').replace(/(?!^)\+/g, '');
  if (d.startsWith('+')) d = d.slice(1);
  if (d.startsWith('62')) d = '0' + d.slice(2);
  else if (d.startsWith('8')) d = '0' + d;
  return d.replace(/\D/g, '');
}
// The operator of a number by its prefix, or null.
function operatorOfNumber(num) {
  const pre = localNumber(num).slice(0, 4);
  return pre.length === 4 ? OPERATORS.find((o) => o.prefixes.split(' ').includes(pre)) || null : null;
}
// Pulsa, data or calls: by type, else by the name, else by the brand's category.
function kindOf(p) {
  if (p.type === 'paket-internet') return 'data';
  if (p.type === 'paket-telepon') return 'telepon';
  if (p.type === 'pulsa-reguler' || p.type === 'pulsa-transfer') return 'pulsa';
  if (/\b\d+(?:[.,]\d+)?\s?(?:gb|mb)\b|\bdata\b|internet|kuota/i.test(p.name)) return 'data';
  if (/\bsms\b|\bnelpon\b|\btelepon\b|\bmenit\b/i.test(p.name)) return 'telepon';
  const row = brandRow(p.category, p.brand);
  return row && row.category === 'data' ? 'data' : 'pulsa';
}

// The pulsa page's number box: shown while the prepaid list is on an
// operator (or none yet). A known prefix picks the operator's chip.
function renderDetect() {
  const box = tid('phone-detect');
  const cur = S.brand.prepaid || '';
  box.hidden = !(S.cat === 'prepaid' && !S.q.trim() && (!cur || operatorOf('prepaid', cur)));
}
export function onDetectInput() {
  const raw = tid('input-detect-phone').value;
  const num = localNumber(raw);
  const out = tid('detect-result');
  S.detected = /^08\d{8,13}$/.test(num) ? num : '';
  if (num.length < 4) {
    out.dataset.state = '';
    out.dataset.operator = '';
    out.textContent = 'Ketik nomor HP, operatornya kami pilihkan.';
    return;
  }
  const op = operatorOfNumber(num);
  out.dataset.operator = op ? op.key : '';
  if (!op) {
    out.dataset.state = 'unknown';
    out.textContent = 'Nomor tidak dikenali, pilih operator.';
    return;
  }
  const items = Array.isArray(S.catalog.prepaid) ? S.catalog.prepaid : [];
  const brand = brandsOf(items).find((b) => operatorOf('prepaid', b) === op.key);
  if (!brand) {
    out.dataset.state = 'unavailable';
    out.textContent = 'Operator ' + op.name + ' belum tersedia. Pilih operator lain.';
    return;
  }
  out.dataset.state = 'ok';
  out.textContent = 'Operator: ' + brandName('prepaid', brand);
  if (S.brand.prepaid !== brand) {
    S.brand.prepaid = brand;
    if (location.pathname.startsWith('/beli/')) history.replaceState(null, '', brandPath('prepaid', brand));
    renderBrands(brandsOf(items));
    renderTiles();
    renderProducts();
  }
  // The chosen number goes to the open form when it asks for a phone number.
  if (S.product && detectedFor(S.product)) tid('input-target').value = S.detected;
}
// Whether the number typed in the pulsa page's box is the target of p.
export function detectedFor(p) {
  if (!S.detected || p.category !== 'prepaid' || !PHONE_TYPES[p.type]) return false;
  const op = operatorOfNumber(S.detected);
  return !!op && op.key === operatorOf(p.category, p.brand);
}

// ---------- brands: the home's tiles ----------
export const brandRow = (cat, name) => S.brandOf.get(cat + '|' + name) || null;
export const brandName = (cat, name) => { const r = brandRow(cat, name); return (r && r.display_name) || name; };

export async function loadBrands() {
  try {
    S.brands = await pb.collection('brands').getFullList({ sort: '-popular,sort,display_name', fields: BRAND_FIELDS, batch: 500 });
  } catch (_) {
    S.brands = []; // the chips and products still work without tiles
  }
  S.brandOf = new Map(S.brands.map((b) => [b.provider_category + '|' + b.name, b]));
  tid('brand-home').dataset.loaded = 'true';
  renderTiles();
  if (currentView() === 'store' && Array.isArray(S.catalog[S.cat])) {
    renderBrands(brandsOf(S.catalog[S.cat]));
    renderProducts();
  }
}

// "Mobile Legends" → ML, "TikTok" → TT, "PLN" → PLN, "Telkomsel" → T.
function initials(name) {
  const words = String(name).split(/[\s\-:()+]+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
  if (!words.length) return '?';
  if (words.length > 1) return (words[0][0] + words[1][0]).toUpperCase();
  const w = words[0];
  if (w.length <= 4 && w === w.toUpperCase()) return w;
  const caps = w.slice(1).match(/\p{Lu}/u);
  return (w[0] + (caps ? caps[0] : '')).toUpperCase();
}
// A steady colour per name; each is dark enough for white initials (≥ 4.5:1).
const TILE_COLOURS = ['#1e5fa8', '#7a3fb0', '#23733e', '#b03a2e', '#0e6f7d', '#a3521c', '#3d4db7', '#a23368', '#2d6464', '#5c4a9c'];
function tileColour(name) {
  let h = 0;
  for (const c of String(name)) h = (h * 31 + c.codePointAt(0)) % 9973;
  return TILE_COLOURS[h % TILE_COLOURS.length];
}
function brandMark(row, name, size) {
  if (row && row.logo) {
    return h('img', { class: 'mark', src: pb.files.getURL(row, row.logo, { thumb: '128x128' }), alt: '', width: size, height: size, loading: 'lazy', decoding: 'async' });
  }
  const text = initials(name);
  const mark = h('span', { class: 'mark mark-initials' + (text.length > 2 ? ' mark-long' : ''), 'aria-hidden': 'true' }, text);
  mark.style.background = tileColour(name);
  return mark;
}

function tileMatches(b, q) {
  return !q || (b.display_name + ' ' + b.name).toLowerCase().includes(q);
}
// A brand's page, /beli/<its shown name as a slug>: a link that can be shared.
export const brandSlug = (b) => (b.display_name || b.name).toLowerCase().normalize('NFKD')
  .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
export const brandBySlug = (slug) => S.brands.find((b) => brandSlug(b) === slug) || null;
export function brandPath(cat, name) {
  const row = brandRow(cat, name);
  return row && brandSlug(row) ? '/beli/' + brandSlug(row) : '/';
}
function tile(b) {
  const name = b.display_name || b.name;
  const on = S.cat === b.provider_category && sameBrand(S.cat, S.brand[S.cat] || '', b.name) && location.pathname.startsWith('/beli/');
  return h('a', {
    href: brandSlug(b) ? '/beli/' + brandSlug(b) : '/', class: 'tile', 'data-testid': 'brand-tile',
    dataset: { brand: b.name, cat: b.provider_category, name }, 'aria-current': on ? 'page' : null,
  }, brandMark(b, name, 56), h('span', { class: 'tile-name' }, name));
}
// Popular brands first, then a tile grid per group. Brands of one group
// that the shopper would see under the same name get one tile (the first).
export function renderTiles() {
  const box = tid('brand-home');
  const q = S.q.trim().toLowerCase();
  const groups = [];
  const popular = S.brands.filter((b) => b.popular && tileMatches(b, q));
  const seen = new Set();
  const once = (list) => list.filter((b) => {
    const op = operatorOf(b.provider_category, b.name);
    const k = op ? 'op|' + op : b.category + '|' + (b.display_name || b.name).toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const group = (key, title, list) => h('section', { class: 'brand-group', 'data-testid': 'brand-group', dataset: { group: key }, 'aria-label': title },
    h('h2', { class: 'group-title' }, title), h('div', { class: 'tiles' }, list.map(tile)));
  if (popular.length) {
    const pop = once(popular);
    seen.clear();
    groups.push(group('popular', 'Populer', pop));
  }
  for (const [key, title, cats] of BRAND_GROUPS) {
    const list = once(S.brands.filter((b) => (cats || [key]).includes(b.category) && tileMatches(b, q)));
    if (list.length) groups.push(group(key, title, list));
  }
  if (!groups.length && q && S.brands.length) groups.push(h('p', { class: 'muted empty', 'data-testid': 'brand-empty', text: 'Merek tidak ditemukan.' }));
  box.replaceChildren(...groups);
}

export function openBrand(cat, name) {
  S.q = '';
  tid('search').value = '';
  S.brand[cat] = name;
  document.title = brandName(cat, name) + ' — ' + S.siteTitle.split(' — ')[0];
  S.cat = cat;
  renderBrandHead(); // its place is taken before the products load
  renderTiles();
  selectCategory(cat).then(() => {
    const c = tid('catalog');
    if (c) c.scrollIntoView({ block: 'start' });
  });
}

export async function selectCategory(cat) {
  S.cat = cat;
  for (const b of $$('.cat-tabs button')) b.setAttribute('aria-selected', String(b.dataset.cat === cat));
  const list = tid('products');
  if (!Array.isArray(S.catalog[cat])) {
    list.replaceChildren(h('p', { class: 'muted empty', text: 'Memuat produk…' }));
    tid('brands').replaceChildren();
  }
  let items;
  try {
    items = await loadCatalog(cat);
  } catch (err) {
    if (S.cat === cat) list.replaceChildren(h('p', { class: 'err empty', 'data-testid': 'catalog-error', text: 'Gagal memuat produk. ' + errorText(err) }));
    return;
  }
  if (S.cat !== cat) return;
  const brands = brandsOf(items);
  if (!brands.includes(S.brand[cat])) S.brand[cat] = brands.find((b) => sameBrand(cat, b, S.brand[cat])) || brands[0] || '';
  renderBrands(brands);
  renderProducts();
}

// The category's brands as chips, by the names shoppers see (the
// provider's own name where two would read the same).
function renderBrands(brands) {
  const names = brands.map((b) => brandName(S.cat, b));
  tid('brands').replaceChildren(...brands.map((b, i) => h('button', {
    type: 'button', 'data-testid': 'brand', dataset: { brand: b, name: names[i] }, 'aria-pressed': String(b === S.brand[S.cat]),
  }, names.indexOf(names[i]) !== names.lastIndexOf(names[i]) ? b : names[i])));
  const chips = tid('brands');
  const on = $('[aria-pressed="true"]', chips);
  if (on) chips.scrollLeft = Math.max(0, on.offsetLeft - chips.offsetLeft - 16); // the chosen chip in view
  renderBrandHead();
}
export function renderBrandHead() {
  const head = tid('brand-head');
  const name = S.brand[S.cat] || '';
  head.dataset.brand = name;
  head.hidden = !name || !!S.q.trim();
  if (!name) { head.replaceChildren(); return; }
  const shown = brandName(S.cat, name);
  head.replaceChildren(brandMark(brandRow(S.cat, name), shown, 40), h('span', { class: 'brand-name' }, shown));
}

export function renderProducts() {
  const items = Array.isArray(S.catalog[S.cat]) ? S.catalog[S.cat] : [];
  const q = S.q.trim().toLowerCase();
  let shown = items.filter((p) => (q
    ? (p.name + ' ' + p.brand + ' ' + p.code).toLowerCase().includes(q)
    : sameBrand(S.cat, p.brand, S.brand[S.cat])));
  if (!q) shown = merged(shown);
  // An operator's page: a tab per kind (Pulsa, Paket Data, …) when it sells more than one.
  const tabs = tid('kind-tabs');
  const kinds = !q && operatorOf(S.cat, S.brand[S.cat] || '') ? KINDS.filter(([k]) => shown.some((p) => kindOf(p) === k)) : [];
  tabs.hidden = kinds.length < 2;
  if (kinds.length >= 2) {
    if (!kinds.some(([k]) => k === S.kind)) S.kind = kinds[0][0];
    tabs.replaceChildren(...kinds.map(([k, label]) => h('button', {
      type: 'button', role: 'tab', 'data-testid': 'kind-tab', dataset: { kind: k }, 'aria-selected': String(k === S.kind),
    }, label)));
    shown = shown.filter((p) => kindOf(p) === S.kind);
  } else {
    tabs.replaceChildren();
  }
  prepareAccount(q ? null : shown[0] || null);
  renderDetect();
  const list = tid('products');
  if (!shown.length) {
    list.replaceChildren(h('p', { class: 'muted empty', text: q ? 'Produk tidak ditemukan.' : 'Belum ada produk di kategori ini.' }));
    return;
  }
  list.replaceChildren(...shown.map((p) => {
    const out = p.track_stock && p.stock <= 0;
    const meta = [];
    if (q) meta.push(brandName(p.category, p.brand));
    if (TYPE_LABEL[p.type]) meta.push(TYPE_LABEL[p.type]);
    if (p.track_stock) meta.push(out ? 'Stok habis' : 'Stok ' + p.stock);
    if (p.category === 'social' && p.min) meta.push('Min ' + numberFmt.format(p.min));
    return h('button', {
      type: 'button', class: 'product', 'data-testid': 'product', dataset: { code: p.code, id: p.id },
      'aria-pressed': String(!!S.product && S.product.id === p.id), disabled: out,
    },
    h('span', { class: 'pname' }, p.name),
    meta.length ? h('span', { class: 'pmeta' }, meta.join(' · ')) : null,
    h('span', { class: 'pprice' }, rp(priceOf(p)) + (p.category === 'social' ? ' / 1000' : '')));
  }));
}
