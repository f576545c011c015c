// One journaled request: what was sent (headers with secrets redacted, query, body), what was answered,
// why it was refused (the provider's error code, the field and value), and the message it created.
import { dateTime, duration, h, pretty } from './dom.js';
import { isRefused } from './requests.js';

export class RequestDetail {
  constructor(root, { providers, openMessage }) {
    this.root = root;
    this.providers = providers;
    this.openMessage = openMessage;
    this.entry = undefined;
  }

  show(entry) {
    this.entry = entry;
    const title = this.providers.get(entry.provider)?.title ?? entry.provider;
    const refused = isRefused(entry);
    this.root.replaceChildren(
      h(
        'article',
        { class: 'message-detail request-detail', 'data-request': entry.id },
        h(
          'header',
          { class: 'detail-head' },
          h(
            'div',
            { class: 'detail-title' },
            h('h2', { class: 'request-line' }, h('span', { class: 'method' }, entry.method), ' ', h('code', { class: 'wrap' }, entry.path)),
            statusBadge(entry, 'badge-large'),
          ),
          h(
            'p',
            { class: 'muted' },
            h('span', { class: `provider provider-${entry.provider}` }, title),
            entry.operationId ? ` · ${entry.operationId} · ` : ' · ',
            h('code', {}, entry.id),
          ),
        ),
        refused ? this.refusal(entry) : null,
        entry.messageId ? this.created(entry) : null,
        this.facts(entry),
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'sent-title' },
          h('h3', { id: 'sent-title' }, 'Request'),
          section('Headers (secrets redacted)', headerList(entry.headers)),
          Object.keys(entry.query).length ? section('Query', headerList(entry.query), true) : null,
          section(bodyTitle('Body', entry.body, entry.bodyBytes, entry.bodyTruncated), bodyBlock(entry.body, 'body', entry.bodyBytes), true),
        ),
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'answer-title' },
          h('h3', { id: 'answer-title' }, 'Response'),
          entry.status === null
            ? h('p', { class: 'error-text' }, 'No answer was sent: a fault broke the connection or left it hanging.')
            : section(
                bodyTitle(`Body (${entry.status})`, entry.responseBody, entry.responseBytes, entry.responseTruncated),
                bodyBlock(entry.responseBody, 'response', entry.responseBytes),
                true,
              ),
        ),
      ),
    );
  }

  clear() {
    this.entry = undefined;
    this.root.replaceChildren(
      h(
        'div',
        { class: 'empty detail-empty' },
        h('h2', {}, 'No request selected'),
        h('p', {}, 'Pick a request on the left to see what was sent, what was answered, and why a refused one was refused.'),
      ),
    );
  }

  refusal(entry) {
    const { error, fault } = entry;
    return h(
      'section',
      { class: 'card refusal', 'aria-labelledby': 'refusal-title', 'data-role': 'refusal' },
      h('h3', { id: 'refusal-title' }, entry.status === null ? 'Broken off' : `Refused with ${entry.status}`),
      h(
        'dl',
        { class: 'facts facts-compact' },
        error?.code ? [h('dt', {}, 'Error code'), h('dd', {}, h('code', { 'data-role': 'error-code' }, error.code))] : null,
        error?.message ? [h('dt', {}, 'Message'), h('dd', {}, error.message)] : null,
        error?.field ? [h('dt', {}, 'Field'), h('dd', {}, h('code', { 'data-role': 'error-field' }, error.field))] : null,
        error && 'value' in error ? [h('dt', {}, 'Value'), h('dd', {}, h('code', { class: 'wrap' }, JSON.stringify(error.value)))] : null,
        fault ? [h('dt', {}, 'Fault'), h('dd', {}, faultText(fault))] : null,
      ),
    );
  }

  created(entry) {
    const more = entry.messageIds.length - 1;
    return h(
      'section',
      { class: 'card created' },
      h('h3', {}, 'Created'),
      h(
        'p',
        {},
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-link',
            'data-role': 'message-link',
            onclick: () => this.openMessage(entry.provider, entry.messageId),
          },
          `Open message ${entry.messageId} →`,
        ),
        more > 0 ? h('span', { class: 'muted' }, ` and ${more} more (${entry.messageIds.slice(1, 4).join(', ')}${more > 3 ? '…' : ''})`) : null,
      ),
    );
  }

  facts(entry) {
    return h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Tenant'),
      h('dd', {}, entry.tenant ? h('code', { class: 'wrap' }, entry.tenant) : h('span', { class: 'muted' }, 'none known')),
      h('dt', {}, 'Recipients'),
      h('dd', {}, entry.recipients.length ? entry.recipients.join(', ') : h('span', { class: 'muted' }, 'none named')),
      h('dt', {}, 'Arrived'),
      h('dd', {}, dateTime(entry.at, { ms: true }), h('span', { class: 'muted' }, ' (simulation clock)')),
      h('dt', {}, 'Wall time'),
      h('dd', {}, dateTime(entry.receivedAt, { ms: true }), ` · took ${duration(entry.durationMs)}`),
      entry.idempotentReplay
        ? [h('dt', {}, 'Replay'), h('dd', {}, h('span', { class: 'tag' }, 'Idempotent-Replayed'), ' answered from the stored response')]
        : null,
      entry.fault && !isRefused(entry) ? [h('dt', {}, 'Fault'), h('dd', {}, faultText(entry.fault))] : null,
    );
  }
}

export function statusBadge(entry, extra = '') {
  const cls = entry.status === null ? 'http-none' : `http-${Math.floor(entry.status / 100)}xx`;
  return h('span', { class: `badge ${cls} ${extra}`.trim(), 'data-role': 'http-status' }, entry.status === null ? 'no answer' : String(entry.status));
}

function faultText(fault) {
  const parts = [];
  if (fault.status) parts.push(`status ${fault.status}`);
  if (fault.fault) parts.push(fault.fault);
  if (fault.delay) parts.push(`delay ${JSON.stringify(fault.delay)}`);
  return `${parts.join(', ')} (${fault.source === 'rule' ? 'a /_sim/faults rule' : 'X-Msgsim-Fault / Prefer header'})`;
}

function bodyTitle(label, text, bytes, truncated) {
  if (text === null) return bytes ? `${label}: ${bytes} bytes, not kept` : `${label}: none`;
  return `${label}: ${bytes.toLocaleString('en-US')} bytes${truncated ? ', first 16 KiB shown' : ''}`;
}

function bodyBlock(text, role, bytes) {
  if (text === null) return h('p', { class: 'muted' }, bytes ? 'Not kept (over the size limit, or the connection was broken).' : 'No body.');
  return h('pre', { class: 'code', 'data-role': role }, pretty(text));
}

function section(title, content, open = false) {
  return h('details', { open }, h('summary', {}, title), content);
}

function headerList(headers) {
  return h(
    'ul',
    { class: 'headers' },
    Object.entries(headers).map(([n, v]) => h('li', {}, h('b', {}, `${n}: `), h('code', { class: 'wrap' }, Array.isArray(v) ? v.join(', ') : v))),
  );
}
