// The top bar: clock indicator and advance, faults dialog, reset with confirmation, and toasts.
import { api, enc } from './api.js';
import { $, dateTime, h } from './dom.js';

/** Notifications in a polite live region; errors stay longer. */
export function toast(text, kind = 'info') {
  const item = h('div', { class: `toast toast-${kind}` }, text);
  const box = $('#toasts');
  box.append(item);
  while (box.children.length > 3) box.firstElementChild.remove();
  setTimeout(() => item.remove(), kind === 'error' ? 8000 : 4000);
}

/** The simulated clock: fresh from GET /_sim/clock and 'clock' events; between them it ticks locally. */
export class ClockView {
  constructor() {
    this.state = undefined;
    this.readAt = 0;
    this.refreshing = undefined;
    setInterval(() => this.paint(), 1000);
    for (const button of document.querySelectorAll('[data-advance]')) button.addEventListener('click', () => this.advance(button.dataset.advance));
    $('#advance-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const by = $('#advance-by').value.trim();
      if (by) void this.advance(by);
    });
  }

  /** Simulated now in ms. */
  now() {
    if (!this.state) return Date.now();
    const rate = this.state.mode === 'real' ? 1 : this.state.mode === 'speed' ? this.state.speed : 0;
    return this.state.nowMs + (performance.now() - this.readAt) * rate;
  }

  set(state) {
    this.state = { ...this.state, ...state, nowMs: state.nowMs ?? Date.parse(state.now) };
    this.readAt = performance.now();
    this.paint();
  }

  /** Coalesces bursts of events into one GET. */
  refresh() {
    this.refreshing ??= new Promise((resolve) => setTimeout(resolve, 150))
      .then(() => api('/clock'))
      .then((state) => this.set(state))
      .catch(() => undefined)
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  paint() {
    if (!this.state) return;
    const { mode, speed, pendingEvents, nextEventAt } = this.state;
    $('#clock-mode').textContent = mode === 'speed' ? `speed ×${speed}` : mode;
    $('#clock-mode').dataset.mode = mode;
    const now = new Date(this.now()).toISOString();
    const el = $('#clock-now');
    el.textContent = dateTime(now);
    el.dateTime = now;
    const pending = typeof pendingEvents === 'number' ? `${pendingEvents} pending` : '';
    const next = nextEventAt ? ` · next ${dateTime(nextEventAt).slice(11, 19)}` : '';
    $('#clock-pending').textContent = pending + next;
  }

  async advance(by) {
    try {
      this.set(await api('/clock/advance', { method: 'POST', body: { by } }));
      toast(`Clock advanced by ${by}`);
    } catch (error) {
      toast(`Could not advance the clock: ${error.message}`, 'error');
    }
  }
}

export class FaultsView {
  constructor(providers) {
    this.dialog = $('#faults-dialog');
    const select = $('#fault-provider');
    for (const p of providers.values()) select.append(h('option', { value: p.name }, p.title));
    $('#faults-open').addEventListener('click', () => {
      this.dialog.showModal();
      void this.refresh();
    });
    $('#fault-form').addEventListener('submit', (e) => {
      e.preventDefault();
      void this.add(new FormData(e.target));
    });
    $('#faults-clear').addEventListener('click', () => this.clear());
  }

  async refresh() {
    try {
      const { data } = await api('/faults');
      this.render(data);
    } catch (error) {
      toast(`Could not list faults: ${error.message}`, 'error');
    }
  }

  render(rules) {
    const count = $('#faults-count');
    count.hidden = rules.length === 0;
    count.textContent = String(rules.length);
    $('#faults-open').setAttribute('aria-label', `Faults, ${rules.length} active`);
    $('#faults-list').replaceChildren(
      rules.length
        ? h(
            'table',
            { class: 'table' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['Provider', 'Method', 'Path', 'Action', 'Hits', 'Left', ''].map((t) => h('th', { scope: 'col' }, t)),
              ),
            ),
            h(
              'tbody',
              {},
              rules.map((r) =>
                h(
                  'tr',
                  {},
                  h('td', {}, r.provider ?? 'any'),
                  h('td', {}, r.method ?? 'any'),
                  h('td', {}, h('code', {}, r.path ?? '*')),
                  h('td', {}, describeAction(r)),
                  h('td', {}, String(r.hits)),
                  h('td', {}, r.remaining === null ? '∞' : String(r.remaining)),
                  h(
                    'td',
                    {},
                    h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Remove fault ${r.id}`, onclick: () => this.remove(r.id) }, 'Remove'),
                  ),
                ),
              ),
            ),
          )
        : h('p', { class: 'muted' }, 'No fault rules: every request is answered normally.'),
    );
  }

  async add(form) {
    const rule = { action: { status: Number(form.get('status')) } };
    for (const field of ['provider', 'method', 'path']) {
      const value = String(form.get(field) ?? '').trim();
      if (value) rule[field] = value;
    }
    const count = String(form.get('count') ?? '').trim();
    if (count) rule.count = Number(count);
    try {
      await api('/faults', { method: 'POST', body: rule });
      toast(`Fault added: ${rule.method ?? 'any'} ${rule.provider ?? 'any provider'} ${rule.path ?? ''} → ${rule.action.status}`);
    } catch (error) {
      toast(`Could not add the fault: ${error.message}`, 'error');
    }
    await this.refresh();
  }

  async remove(id) {
    try {
      await api(`/faults/${enc(id)}`, { method: 'DELETE' });
    } catch (error) {
      toast(`Could not remove the fault: ${error.message}`, 'error');
    }
    await this.refresh();
  }

  async clear() {
    try {
      await api('/faults', { method: 'DELETE' });
      toast('All faults cleared');
    } catch (error) {
      toast(`Could not clear faults: ${error.message}`, 'error');
    }
    await this.refresh();
  }
}

function describeAction({ action = {}, probability }) {
  const parts = [];
  if (action.status) parts.push(`status ${action.status}`);
  if (action.fault) parts.push(action.fault);
  if (action.delay) parts.push(`delay ${JSON.stringify(action.delay)}`);
  if (probability !== undefined && probability !== 1) parts.push(`p=${probability}`);
  return parts.join(', ') || '—';
}

export function setupReset(providers) {
  const dialog = $('#reset-dialog');
  const scope = $('#reset-scope');
  for (const p of providers.values()) scope.append(h('option', { value: p.name }, `Only ${p.title}`));
  $('#reset-open').addEventListener('click', () => {
    scope.value = '';
    dialog.returnValue = '';
    dialog.showModal();
  });
  dialog.addEventListener('close', async () => {
    if (dialog.returnValue !== 'reset') return;
    const provider = scope.value;
    try {
      await api('/reset', { method: 'POST', body: provider ? { provider } : {} });
      toast(provider ? `${provider} reset` : 'Simulation reset');
    } catch (error) {
      toast(`Reset failed: ${error.message}`, 'error');
    }
  });
}
