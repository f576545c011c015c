// Small DOM and formatting helpers. Text always goes in through textContent, never innerHTML.

/** h('div', { class: 'x', onclick: fn }, 'text', child) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Children (nested arrays, nulls skipped) as one DocumentFragment, for replaceChildren(). */
export function fragment(...children) {
  const frag = document.createDocumentFragment();
  append(frag, children);
  return frag;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

export const $ = (selector, root = document) => root.querySelector(selector);

const pad = (n, width = 2) => String(n).padStart(width, '0');

/** "19:20:25.221" (UTC, the simulation clock's time of day). */
export function timeOfDay(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

/** "2026-11-23 19:20:25 UTC" */
export function dateTime(iso, { ms = false } = {}) {
  if (!iso) return '—';
  const d = new Date(iso);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = ms ? timeOfDay(iso) : timeOfDay(iso).slice(0, 8);
  return `${date} ${time} UTC`;
}

/** 1500 → "1.5s", 125000 → "2m 5s", 0 → "0s". */
export function duration(ms) {
  const sign = ms < 0 ? '−' : '';
  let rest = Math.abs(ms);
  if (rest < 1000) return `${sign}${Math.round(rest)}ms`;
  if (rest < 60_000) return `${sign}${Number((rest / 1000).toFixed(rest % 1000 ? 1 : 0))}s`;
  const parts = [];
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ]) {
    const n = Math.floor(rest / size);
    if (n) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return sign + parts.slice(0, 2).join(' ');
}

/** The text a provider stored, whichever field it uses. */
export function bodyOf(message) {
  const data = message.data ?? {};
  for (const field of ['body', 'message', 'text', 'content']) {
    const value = data[field];
    if (typeof value === 'string') return value;
    if (value && typeof value === 'object') return JSON.stringify(value, null, 2);
  }
  if (typeof data.templateId === 'string') return `(template ${data.templateId})`;
  return '';
}

/** "0.0500 USD", or undefined when the provider records no cost. */
export function costOf(message) {
  const data = message.data ?? {};
  const amount = data.cost ?? data.price;
  if (amount === undefined || amount === null) return undefined;
  const currency = typeof data.currency === 'string' ? ` ${data.currency}` : '';
  return `${typeof amount === 'number' ? amount.toFixed(4).replace(/0{1,2}$/, '') : amount}${currency}`;
}

export const keyOf = (m) => `${m.provider}/${m.id}`;

export const pretty = (value) => {
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2);
};
