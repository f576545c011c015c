// The webhook deliveries a message caused: request headers, payload, signature, response, every attempt,
// the next retry, and a Replay button. Kept live by webhook.delivery events.
import { api, enc } from './api.js';
import { dateTime, duration, h, pretty, timeOfDay } from './dom.js';

const SIGNATURE_HEADER = /signature|^webhook-(id|timestamp)$|event-id/i;

export class Deliveries {
  constructor(root, { toast, clockNow }) {
    this.root = root;
    this.toast = toast;
    this.clockNow = clockNow;
    this.message = undefined;
    this.items = new Map();
    this.order = 0;
    this.open = new Set();
    this.generation = 0;
  }

  /** Loads the deliveries of a message (MsGine-style providers use the parent send's id as subject). */
  async load(message) {
    this.message = message;
    this.items = new Map();
    this.open = new Set();
    this.loaded = false;
    const generation = ++this.generation;
    this.render();
    const subjects = [message.id];
    if (typeof message.data?.parentId === 'string' && message.data.parentId !== message.id) subjects.push(message.data.parentId);
    try {
      const pages = await Promise.all(subjects.map((s) => api(`/webhooks/deliveries?provider=${enc(message.provider)}&subject=${enc(s)}&limit=1000`)));
      if (generation !== this.generation) return;
      for (const page of pages) for (const d of [...page.data].reverse()) this.upsert(d);
      this.loaded = true;
    } catch (error) {
      if (generation === this.generation) this.toast(`Could not load webhook deliveries: ${error.message}`, 'error');
    }
    this.render();
  }

  clear() {
    this.message = undefined;
    this.generation++;
    this.root.replaceChildren();
  }

  concerns(d) {
    const m = this.message;
    if (!m || d.provider !== m.provider) return false;
    if (d.subject === m.id) return true;
    const parent = m.data?.parentId;
    return typeof parent === 'string' && d.subject === parent && (typeof d.payload?.to !== 'string' || d.payload.to === m.to);
  }

  /** A webhook.delivery event. */
  event(d) {
    if (!this.concerns(d)) return;
    this.upsert(d);
    this.render();
  }

  upsert(d) {
    const known = this.items.get(d.id);
    if (known && known.delivery.attempts.length > d.attempts.length) return;
    this.items.set(d.id, { delivery: d, order: known?.order ?? ++this.order });
  }

  async replay(d) {
    try {
      const copy = await api(`/webhooks/deliveries/${enc(d.id)}/replay`, { method: 'POST' });
      this.upsert(copy);
      this.render();
      this.toast(`Replayed ${d.eventType} as ${copy.id}`);
    } catch (error) {
      this.toast(`Replay failed: ${error.message}`, 'error');
    }
  }

  render() {
    if (!this.message) return;
    const list = [...this.items.values()].sort((a, b) => b.order - a.order).map((it) => it.delivery);
    const body = list.length
      ? h(
          'ol',
          { class: 'deliveries' },
          list.map((d) => h('li', {}, this.card(d))),
        )
      : h(
          'p',
          { class: 'muted' },
          this.loaded === false
            ? 'Loading…'
            : "No webhook deliveries for this message yet. Subscribe a webhook through the provider's API (for example POST /msghub/api/v1/webhooks) and they appear here as they happen.",
        );
    this.root.replaceChildren(h('h3', { id: 'deliveries-title' }, `Webhook deliveries (${list.length})`), body);
  }

  card(d) {
    const last = d.attempts.at(-1);
    const signature = Object.entries(last?.request.headers ?? {}).filter(([name]) => SIGNATURE_HEADER.test(name));
    const now = this.clockNow();
    return h(
      'article',
      { class: 'delivery', 'data-delivery': d.id, 'aria-label': `${d.eventType} delivery ${d.id}` },
      h(
        'header',
        { class: 'delivery-head' },
        h('span', { class: 'event-type' }, d.eventType),
        h('span', { class: `badge delivery-${d.status}`, 'data-role': 'delivery-status' }, d.status),
        h('span', { class: 'muted' }, `${d.attempts.length} attempt${d.attempts.length === 1 ? '' : 's'}`),
        d.replayOf ? h('span', { class: 'tag' }, `replay of ${d.replayOf}`) : null,
        h(
          'button',
          { type: 'button', class: 'btn btn-small', onclick: () => this.replay(d), 'aria-label': `Replay ${d.eventType} delivery ${d.id}` },
          'Replay',
        ),
      ),
      h(
        'dl',
        { class: 'facts facts-compact' },
        h('dt', {}, 'Delivery'),
        h('dd', {}, h('code', {}, d.id), ' · event ', h('code', {}, d.eventId)),
        h('dt', {}, 'URL'),
        h('dd', {}, h('code', { class: 'wrap' }, d.url)),
        h('dt', {}, 'Created'),
        h('dd', {}, dateTime(d.createdAt, { ms: true })),
        h('dt', {}, 'Next attempt'),
        h(
          'dd',
          { 'data-role': 'next-attempt' },
          d.nextAttemptAt ? `${dateTime(d.nextAttemptAt)} (in ${duration(Date.parse(d.nextAttemptAt) - now)})` : 'none planned',
        ),
        signature.length
          ? [
              h('dt', {}, 'Signature'),
              h(
                'dd',
                {},
                h(
                  'ul',
                  { class: 'headers' },
                  signature.map(([n, v]) => h('li', {}, h('b', {}, `${n}: `), h('code', { class: 'wrap' }, v))),
                ),
              ),
            ]
          : null,
      ),
      this.section(d, 'payload', 'Payload', h('pre', { class: 'code' }, pretty(d.payload))),
      this.section(
        d,
        'attempts',
        `Attempts (${d.attempts.length})`,
        d.attempts.length
          ? h(
              'ol',
              { class: 'attempts' },
              [...d.attempts].reverse().map((a) => h('li', {}, this.attempt(d, a))),
            )
          : h('p', { class: 'muted' }, 'No attempt yet.'),
      ),
    );
  }

  attempt(d, a) {
    const outcome = a.response ? `${a.response.status}` : (a.error ?? 'no response');
    return h(
      'div',
      { class: `attempt attempt-${a.outcome}` },
      h(
        'p',
        { class: 'attempt-head' },
        h('b', {}, `#${a.attempt}`),
        ` at ${timeOfDay(a.at)} → `,
        h('span', { class: `badge attempt-${a.outcome}` }, outcome),
        ` ${a.outcome} · ${Math.round(a.durationMs)} ms`,
      ),
      this.section(d, `req-${a.attempt}`, 'Request headers', headerList(a.request.headers)),
      this.section(d, `body-${a.attempt}`, 'Request body', h('pre', { class: 'code' }, pretty(a.request.body))),
      a.response
        ? this.section(d, `res-${a.attempt}`, `Response ${a.response.status}`, [
            headerList(a.response.headers),
            h('pre', { class: 'code' }, a.response.body ? pretty(a.response.body) : '(empty body)'),
          ])
        : null,
      a.error ? h('p', { class: 'error-text' }, a.error) : null,
    );
  }

  /** A <details> whose open state survives live re-renders. */
  section(d, name, title, content) {
    const id = `${d.id}:${name}`;
    const details = h('details', { open: this.open.has(id) }, h('summary', {}, title), content);
    details.addEventListener('toggle', () => (details.open ? this.open.add(id) : this.open.delete(id)));
    return details;
  }
}

function headerList(headers) {
  return h(
    'ul',
    { class: 'headers' },
    Object.entries(headers ?? {}).map(([n, v]) => h('li', {}, h('b', {}, `${n}: `), h('code', { class: 'wrap' }, v))),
  );
}
