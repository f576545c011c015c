// One message: body, facts, cost, status timeline on the simulation clock, scenario buttons (forced
// status, simulated reply) and the webhook deliveries it caused.
import { api, enc } from './api.js';
import { Deliveries } from './deliveries.js';
import { bodyOf, costOf, dateTime, duration, fragment, h, keyOf, pretty, timeOfDay } from './dom.js';

/** States a forced transition can reach from each state (the natural path is walked on the server). */
const REACHABLE = {
  queued: ['delivered', 'read', 'failed', 'undelivered'],
  sent: ['delivered', 'read', 'failed', 'undelivered'],
  undelivered: ['delivered', 'read', 'failed'],
  delivered: ['read'],
  read: [],
  failed: [],
};
const FORCED = ['delivered', 'read', 'failed'];

export class Detail {
  constructor(root, { providers, inbound, toast, clockNow }) {
    this.root = root;
    this.providers = providers;
    this.inbound = inbound;
    this.toast = toast;
    this.message = undefined;
    this.regions = {};
    this.deliveries = new Deliveries(h('section', { class: 'card', 'aria-labelledby': 'deliveries-title' }), { toast, clockNow });
  }

  get key() {
    return this.message ? keyOf(this.message) : undefined;
  }

  show(message) {
    this.message = { ...message };
    const r = (this.regions = {
      head: h('header', { class: 'detail-head' }),
      facts: h('dl', { class: 'facts' }),
      actions: this.actions(),
      timeline: h('section', { class: 'card', 'aria-labelledby': 'timeline-title' }),
      raw: h('details', { class: 'raw' }, h('summary', {}, 'Provider data'), h('pre', { class: 'code' })),
    });
    this.root.replaceChildren(
      h(
        'article',
        { class: 'message-detail', 'data-message': keyOf(message) },
        r.head,
        h(
          'div',
          { class: 'summary-grid' },
          h(
            'section',
            { class: 'card', 'aria-labelledby': 'body-title' },
            h('h3', { id: 'body-title' }, 'Body'),
            h('pre', { class: 'body', 'data-role': 'body' }),
          ),
          r.facts,
        ),
        r.actions,
        r.timeline,
        this.deliveries.root,
        r.raw,
      ),
    );
    this.refresh();
    void this.deliveries.load(this.message);
  }

  clear() {
    this.message = undefined;
    this.deliveries.clear();
    this.root.replaceChildren(
      h(
        'div',
        { class: 'empty detail-empty' },
        h('h2', {}, 'No message selected'),
        h('p', {}, 'Pick a message on the left to see its body, status timeline and the webhooks it caused.'),
      ),
    );
  }

  /** A newer view of the shown message (live event or a forced transition's answer). */
  update(message) {
    if (!this.message || keyOf(message) !== this.key) return;
    if ((message.history?.length ?? 0) < (this.message.history?.length ?? 0)) return;
    const recipient = this.message.to;
    Object.assign(this.message, message);
    if (message.__statusEvent) this.message.to = recipient;
    this.refresh();
  }

  refresh() {
    const m = this.message;
    const r = this.regions;
    const title = this.providers.get(m.provider)?.title ?? m.provider;
    r.head.replaceChildren(
      h('div', { class: 'detail-title' }, h('h2', {}, m.to), h('span', { class: `badge status-${m.status} badge-large`, 'data-role': 'status' }, m.status)),
      h('p', { class: 'muted' }, h('span', { class: `provider provider-${m.provider}` }, title), ` · ${m.channel} · `, h('code', {}, m.id)),
    );
    this.root.querySelector('[data-role="body"]').textContent = bodyOf(m) || '(no text)';
    const cost = costOf(m);
    const subject = typeof m.data?.subject === 'string' ? m.data.subject : undefined;
    r.facts.replaceChildren(
      fragment(
        h('dt', {}, 'Provider'),
        h('dd', {}, title, ' · ', h('a', { href: `/_sim/docs/${enc(m.provider)}` }, 'API reference')),
        h('dt', {}, 'Tenant'),
        h('dd', {}, h('code', { class: 'wrap' }, m.tenant)),
        h('dt', {}, 'Channel'),
        h('dd', {}, m.channel),
        h('dt', {}, 'Recipient'),
        h('dd', {}, m.to),
        subject ? [h('dt', {}, 'Subject'), h('dd', {}, subject)] : null,
        h('dt', {}, 'Created'),
        h('dd', {}, dateTime(m.createdAt, { ms: true })),
        m.sendAt ? [h('dt', {}, 'Scheduled for'), h('dd', {}, dateTime(m.sendAt))] : null,
        h('dt', {}, 'Cost'),
        h('dd', { 'data-role': 'cost' }, cost ?? h('span', { class: 'muted' }, 'not recorded by this provider')),
        m.failure ? [h('dt', {}, 'Failure'), h('dd', { class: 'error-text' }, h('code', {}, m.failure.code), ` ${m.failure.message}`)] : null,
      ),
    );
    this.renderTimeline();
    const reachable = REACHABLE[m.status] ?? [];
    for (const button of r.actions.querySelectorAll('[data-force]')) {
      const ok = reachable.includes(button.dataset.force);
      button.disabled = !ok;
      button.title = ok ? '' : `A ${m.status} message cannot become ${button.dataset.force}`;
    }
    r.raw.querySelector('pre').textContent = pretty(m);
  }

  renderTimeline() {
    const history = this.message.history ?? [];
    const start = Date.parse(history[0]?.at ?? this.message.createdAt);
    this.regions.timeline.replaceChildren(
      h('h3', { id: 'timeline-title' }, 'Status timeline ', h('span', { class: 'muted small' }, '(simulation clock, UTC)')),
      h(
        'ol',
        { class: 'timeline' },
        history.map((step, i) =>
          h(
            'li',
            { class: `step status-${step.status}` },
            h('span', { class: `badge status-${step.status}` }, step.status),
            h('time', { datetime: step.at }, timeOfDay(step.at)),
            h('span', { class: 'muted' }, i === 0 ? dateTime(step.at).slice(0, 10) : `+${duration(Date.parse(step.at) - start)}`),
            step.forced ? h('span', { class: 'tag' }, 'forced') : null,
            step.reason ? h('span', { class: 'reason' }, step.reason) : null,
          ),
        ),
      ),
    );
  }

  actions() {
    const reason = h('input', { id: 'force-reason', name: 'reason', placeholder: 'optional', autocomplete: 'off' });
    const forceRow = h(
      'div',
      { class: 'action-row' },
      FORCED.map((status) =>
        h(
          'button',
          {
            type: 'button',
            class: `btn btn-${status}`,
            'data-force': status,
            onclick: async () => {
              if (await this.force(status, reason.value.trim())) reason.value = '';
            },
          },
          `Mark ${status}`,
        ),
      ),
      h('label', { for: 'force-reason', class: 'inline-label' }, 'Reason'),
      reason,
    );

    const provider = this.message.provider;
    const supported = this.inbound.get(provider) === true;
    const from = h('input', { id: 'reply-from', name: 'from', value: this.message.to, required: true, autocomplete: 'off', disabled: !supported });
    const text = h('input', { id: 'reply-text', name: 'text', value: 'Thanks, got it!', required: true, autocomplete: 'off', disabled: !supported });
    const reply = h(
      'form',
      { class: 'action-row', 'aria-label': 'Simulate a reply' },
      h('label', { for: 'reply-from', class: 'inline-label' }, 'Reply from'),
      from,
      h('label', { for: 'reply-text', class: 'inline-label' }, 'Text'),
      text,
      h('button', { type: 'submit', class: 'btn', disabled: !supported, title: supported ? '' : `${provider} has no inbound messages` }, 'Simulate reply'),
    );
    reply.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.reply(from.value.trim(), text.value);
    });
    return h(
      'section',
      { class: 'card actions', 'aria-labelledby': 'actions-title' },
      h('h3', { id: 'actions-title' }, 'Scenarios'),
      forceRow,
      reply,
      supported ? null : h('p', { class: 'muted small' }, `Simulated replies: ${provider} does not receive inbound messages.`),
    );
  }

  async force(status, reason) {
    const m = this.message;
    try {
      const updated = await api(`/messages/${enc(m.provider)}/${enc(m.id)}/status`, { method: 'POST', body: reason ? { status, reason } : { status } });
      this.update(updated);
      this.toast(`Marked ${status}`);
      return true;
    } catch (error) {
      this.toast(`Could not mark ${status}: ${error.message}`, 'error');
      return false;
    }
  }

  async reply(from, text) {
    const m = this.message;
    try {
      const stored = await api(`/inbound/${enc(m.provider)}`, { method: 'POST', body: { tenant: m.tenant, from, text } });
      const id = stored && typeof stored === 'object' ? (stored.id ?? stored.messageId ?? '') : '';
      this.toast(`Reply from ${from} received by ${m.provider}${id ? ` (${id})` : ''}`);
    } catch (error) {
      this.toast(`Reply failed: ${error.message}`, 'error');
    }
  }
}
