// The Requests view: every request the providers received, newest first and live (`request` events),
// refused ones marked (status, error code, field), filterable by provider, status class, path and
// recipient; a request's detail links to the message it created.
import { $, h, timeOfDay } from './dom.js';
import { RequestDetail, statusBadge } from './request-detail.js';
import { isRefused, RequestLog } from './requests.js';
import { VirtualList } from './vlist.js';

const ROW_HEIGHT = 60;

export class RequestsView {
  constructor({ providers, openMessage }) {
    this.providers = providers;
    this.visible = false;
    this.frame = 0;
    const baseUrls = new Map([...providers.values()].map((p) => [p.name, p.baseUrl]));
    this.log = new RequestLog(() => this.schedule(), baseUrls);
    this.detail = new RequestDetail($('#request-detail'), { providers, openMessage });
    this.list = new VirtualList($('#request-list'), {
      rowHeight: ROW_HEIGHT,
      keyOf: (entry) => entry.id,
      renderRow: (entry) => this.row(entry),
      rowClass: (entry) => (isRefused(entry) ? 'refused' : ''),
      onSelect: (entry) => {
        if (this.detail.entry?.id !== entry.id) this.detail.show(entry);
      },
      onNearEnd: () => {
        if (this.log.loaded && this.log.more && !this.log.loading) void this.log.loadMore();
      },
    });
    const select = $('#r-provider');
    for (const p of providers.values()) select.append(h('option', { value: p.name }, p.title));
    this.setupFilters();
  }

  reload() {
    return this.log.reload();
  }

  /** A `request` event from /_sim/events. */
  event(entry) {
    if (this.log.live(entry)) this.schedule();
  }

  show() {
    this.visible = true;
    this.render();
  }

  /** Hidden rows leave the DOM: the Messages view's rows are then the only `.vrow`s on the page. */
  hide() {
    this.visible = false;
    this.list.spacer.replaceChildren();
    this.list.elements = new Map();
  }

  schedule() {
    if (this.frame || !this.visible) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  render() {
    if (!this.visible) return;
    const { log } = this;
    this.list.setItems(log.rows);
    const n = (x) => x.toLocaleString('en-US');
    const filtered = Object.values(log.filters).some(Boolean);
    const refused = log.rows.filter(isRefused).length;
    $('#request-summary').textContent = !log.loaded
      ? 'Loading…'
      : `${n(log.total)} ${filtered ? 'matching ' : ''}request${log.total === 1 ? '' : 's'}, newest first${refused ? ` · ${n(refused)} refused${log.rows.length < log.total ? ' loaded' : ''}` : ''}`;
    const empty = $('#request-empty');
    empty.hidden = !log.loaded || log.rows.length > 0;
    if (!empty.hidden)
      empty.replaceChildren(
        ...(filtered
          ? [h('h2', {}, 'No matching requests'), h('p', {}, 'Change or clear the filters above.')]
          : [h('h2', {}, 'No requests yet'), h('p', {}, 'Every request an app sends to a provider appears here, accepted or refused.')]),
      );
  }

  row(entry) {
    const title = this.providers.get(entry.provider)?.title ?? entry.provider;
    const refused = isRefused(entry);
    const error = entry.error;
    return [
      h(
        'div',
        { class: 'row-line' },
        statusBadge(entry),
        h('span', { class: 'method' }, entry.method),
        h('span', { class: 'row-to row-path' }, entry.path),
        h('span', { class: `provider provider-${entry.provider}` }, title),
        h('time', { class: 'row-time', datetime: entry.at }, timeOfDay(entry.at).slice(0, 8)),
      ),
      h(
        'div',
        { class: 'row-line row-sub' },
        refused
          ? h(
              'span',
              { class: 'row-preview error-text' },
              error?.code ? h('code', { 'data-role': 'error-code' }, error.code) : entry.fault?.fault ? h('code', {}, entry.fault.fault) : 'no answer',
              error?.field ? [' · field ', h('code', { 'data-role': 'error-field' }, error.field)] : null,
            )
          : h(
              'span',
              { class: 'row-preview' },
              entry.messageId ? `→ ${entry.messageId}` : (entry.operationId ?? ''),
              entry.idempotentReplay ? h('span', { class: 'tag' }, 'replay') : null,
            ),
        h('span', { class: 'row-meta' }, [entry.recipients.slice(0, 2).join(', '), entry.tenant].filter(Boolean).join(' · ')),
      ),
    ];
  }

  setupFilters() {
    const form = $('#request-filters');
    form.addEventListener('submit', (e) => e.preventDefault());
    const apply = () => {
      const next = { provider: $('#r-provider').value, status: $('#r-status').value, path: $('#r-path').value.trim(), to: $('#r-to').value.trim() };
      if (JSON.stringify(next) === JSON.stringify(this.log.filters)) return;
      this.log.filters = next;
      this.list.scrollToTop();
      void this.log.reload();
    };
    for (const id of ['#r-provider', '#r-status']) $(id).addEventListener('change', apply);
    let timer;
    for (const id of ['#r-path', '#r-to'])
      $(id).addEventListener('input', () => {
        clearTimeout(timer);
        timer = setTimeout(apply, 300);
      });
  }
}
