// msgsim dev inbox: a live list of every simulated message (Server-Sent Events from /_sim/events, no
// polling), a detail pane, the scenario controls QA uses most, and the Requests view (the request journal).
import { api, ApiError, enc } from './api.js';
import { ClockView, FaultsView, setupReset, toast } from './controls.js';
import { Detail } from './detail.js';
import { $, bodyOf, h, keyOf, timeOfDay } from './dom.js';
import { Inbox } from './inbox.js';
import { RequestsView } from './request-view.js';
import { isRefused } from './requests.js';
import { VirtualList } from './vlist.js';

const ROW_HEIGHT = 60;
const DEFAULT_CHANNELS = ['sms', 'whatsapp', 'email'];

// An admin token passed once in the URL is now a cookie; keep it out of the address bar and history.
if (new URLSearchParams(location.search).has('admin_token')) history.replaceState(null, '', location.pathname);

const clock = new ClockView();
let providers = new Map();
const inbound = new Map();
const seen = { tenants: new Set(), channels: new Set(DEFAULT_CHANNELS) };

const inbox = new Inbox(() => scheduleRender());
let detail;
let list;
let requests;
let view = 'messages';
let refusedUnseen = 0;
let frame = 0;
let shownLiveAdded = 0;
let choices = '';

try {
  await start();
} catch (error) {
  const hint = error instanceof ApiError && error.status === 401 ? ' Open this page once as /_sim/ui?admin_token=<token>.' : '';
  $('#list-summary').textContent = `Could not reach the control API: ${error.message}.${hint}`;
  $('#live').dataset.state = 'error';
  $('#live').textContent = 'Offline';
}

async function start() {
  const health = await api('/health');
  providers = new Map(health.providers.map((p) => [p.name, p]));
  clock.set(health.clock);
  void clock.refresh();
  await Promise.all([...providers.keys()].map(probeInbound));

  const providerSelect = $('#f-provider');
  for (const p of providers.values()) providerSelect.append(h('option', { value: p.name }, p.title));
  refreshChoices();

  detail = new Detail($('#detail'), { providers, inbound, toast, clockNow: () => clock.now() });
  list = new VirtualList($('#message-list'), {
    rowHeight: ROW_HEIGHT,
    keyOf,
    renderRow,
    onSelect: (m) => {
      if (detail.key !== keyOf(m)) detail.show(m);
    },
    onNearEnd: () => {
      if (inbox.loaded && inbox.more && !inbox.loading) void inbox.loadMore();
    },
  });
  const faults = new FaultsView(providers);
  void faults.refresh();
  setupReset(providers);
  setupFilters();
  $('#jump-top').addEventListener('click', () => {
    list.scrollToTop();
    $('#jump-top').hidden = true;
  });
  list.viewport.addEventListener('scroll', () => {
    if (list.atTop) $('#jump-top').hidden = true;
  });
  requests = new RequestsView({ providers, openMessage });
  for (const tab of document.querySelectorAll('.view-tab')) tab.addEventListener('click', () => showView(tab.dataset.view));
  if (location.hash === '#requests') showView('requests');
  connect(faults);
}

/** Messages or Requests: one pair of panes at a time; the hash keeps the choice across reloads. */
function showView(name) {
  view = name;
  const onRequests = name === 'requests';
  for (const tab of document.querySelectorAll('.view-tab')) tab.setAttribute('aria-pressed', String(tab.dataset.view === name));
  for (const id of ['#inbox', '#detail']) $(id).hidden = onRequests;
  for (const id of ['#requests', '#request-detail']) $(id).hidden = !onRequests;
  history.replaceState(null, '', onRequests ? '#requests' : location.pathname + location.search);
  if (onRequests) {
    refusedUnseen = 0;
    $('#refused-count').hidden = true;
    requests.show();
  } else {
    requests.hide();
    list.schedule();
  }
}

/** A request's link to the message it created: the message's own detail, in the Messages view. */
async function openMessage(provider, id) {
  try {
    const message = await api(`/messages/${enc(provider)}/${enc(id)}`);
    showView('messages');
    detail.show(message);
  } catch (error) {
    toast(`Could not open ${id}: ${error.message}`, 'error');
  }
}

/** A provider receives simulated replies unless its inbound route answers 404 (an empty body is a 400). */
async function probeInbound(name) {
  try {
    await api(`/inbound/${enc(name)}`, { method: 'POST', body: {} });
    inbound.set(name, true);
  } catch (error) {
    inbound.set(name, !(error instanceof ApiError && error.status === 404));
  }
}

function connect(faults) {
  const live = $('#live');
  const events = new EventSource('/_sim/events');
  events.addEventListener('open', () => {
    live.dataset.state = 'open';
    live.textContent = 'Live';
    live.title = 'Receiving events from /_sim/events';
    // First connection or a reconnection: load afresh, so nothing that happened meanwhile is missed.
    void Promise.all([inbox.reload(), requests.reload()]).then(() => (document.body.dataset.ready = 'true'));
    void clock.refresh();
  });
  events.addEventListener('error', () => {
    live.dataset.state = 'reconnecting';
    live.textContent = 'Reconnecting…';
  });
  const message = (kind) => (e) => {
    const m = JSON.parse(e.data);
    if (kind === 'status') m.__statusEvent = true;
    noteSeen(m);
    if (inbox.live(kind, m)) scheduleRender();
    detail.update(m);
    void clock.refresh();
  };
  events.addEventListener('message.created', message('created'));
  events.addEventListener('message.status', message('status'));
  events.addEventListener('webhook.delivery', (e) => detail.deliveries.event(JSON.parse(e.data)));
  events.addEventListener('request', (e) => {
    const entry = JSON.parse(e.data);
    requests.event(entry);
    if (view !== 'requests' && isRefused(entry)) {
      refusedUnseen += 1;
      $('#refused-count').textContent = String(refusedUnseen);
      $('#refused-count').hidden = false;
    }
  });
  events.addEventListener('clock', (e) => {
    clock.set(JSON.parse(e.data));
    void clock.refresh();
  });
  events.addEventListener('reset', (e) => {
    const { provider } = JSON.parse(e.data);
    if (detail.message && (!provider || provider === detail.message.provider)) {
      detail.clear();
      list.clearSelection();
    }
    void inbox.reload();
    void requests.reload();
    void clock.refresh();
    void faults.refresh();
  });
}

function scheduleRender() {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    render();
  });
}

function render() {
  for (const row of inbox.rows) noteSeen(row);
  refreshChoices();
  const rows = inbox.visible();
  list.setItems(rows);
  if (inbox.liveAdded > shownLiveAdded && !list.atTop) $('#jump-top').hidden = false;
  shownLiveAdded = inbox.liveAdded;

  const n = (x) => x.toLocaleString('en-US');
  let summary;
  if (!inbox.loaded) summary = 'Loading…';
  else if (inbox.clientFiltered)
    summary = `${n(rows.length)} match${rows.length === 1 ? '' : 'es'} in ${n(inbox.rows.length)} loaded of ${n(inbox.total)} message${inbox.total === 1 ? '' : 's'}${inbox.more ? ' · loading more…' : ''}`;
  else
    summary = `${n(inbox.total)} message${inbox.total === 1 ? '' : 's'}, newest first${inbox.rows.length < inbox.total ? ` · ${n(inbox.rows.length)} loaded, scroll for more` : ''}`;
  $('#list-summary').textContent = summary;

  const empty = $('#list-empty');
  empty.hidden = !inbox.loaded || rows.length > 0;
  if (!empty.hidden) empty.replaceChildren(...emptyState());
}

function emptyState() {
  if (inbox.total > 0 || inbox.filters.provider || inbox.filters.status || inbox.filters.channel || inbox.filters.tenant) {
    return [h('h2', {}, 'No matching messages'), h('p', {}, 'Change or clear the filters above.')];
  }
  const msghub = providers.get('msghub');
  const example = msghub
    ? `curl -X POST ${location.origin}${msghub.baseUrl}/messages/send \\\n  -H "X-API-Key: mk_live_demo1234" -H "Content-Type: application/json" \\\n  -d '{"channel":"sms","to":"+14155550123","body":"Hello!"}'`
    : undefined;
  return [
    h('h2', {}, 'No messages yet'),
    h('p', {}, 'Send one through any provider’s API and it appears here at once.'),
    example ? h('pre', { class: 'code' }, example) : null,
  ];
}

function renderRow(m) {
  const title = providers.get(m.provider)?.title ?? m.provider;
  return [
    h(
      'div',
      { class: 'row-line' },
      h('span', { class: `badge status-${m.status}` }, m.status),
      h('span', { class: 'row-to' }, m.to),
      h('span', { class: `provider provider-${m.provider}` }, title),
      h('time', { class: 'row-time', datetime: m.createdAt }, timeOfDay(m.createdAt).slice(0, 8)),
    ),
    h(
      'div',
      { class: 'row-line row-sub' },
      h('span', { class: 'row-preview' }, bodyOf(m).replace(/\s+/g, ' ') || '(no text)'),
      h('span', { class: 'row-meta' }, `${m.channel} · ${m.tenant}`),
    ),
  ];
}

function noteSeen(m) {
  if (m.tenant) seen.tenants.add(m.tenant);
  if (m.channel) seen.channels.add(m.channel);
}

function refreshChoices() {
  const signature = `${seen.tenants.size}|${seen.channels.size}`;
  if (signature === choices) return;
  choices = signature;
  $('#tenants').replaceChildren(
    ...[...seen.tenants]
      .sort()
      .slice(0, 500)
      .map((t) => h('option', { value: t })),
  );
  const select = $('#f-channel');
  const current = select.value;
  select.replaceChildren(h('option', { value: '' }, 'All'), ...[...seen.channels].sort().map((c) => h('option', { value: c }, c)));
  select.value = current;
}

function setupFilters() {
  const form = $('#filters');
  form.addEventListener('submit', (e) => e.preventDefault());
  const server = () => {
    const next = { provider: $('#f-provider').value, status: $('#f-status').value, channel: $('#f-channel').value, tenant: $('#f-tenant').value.trim() };
    if (JSON.stringify(next) === JSON.stringify(inbox.filters)) return;
    inbox.filters = next;
    list.scrollToTop();
    void inbox.reload();
  };
  for (const id of ['#f-provider', '#f-status', '#f-channel']) $(id).addEventListener('change', server);
  $('#f-tenant').addEventListener('change', server);
  $('#f-tenant').addEventListener('input', debounce(server, 400));
  const client = debounce(() => {
    inbox.setClientFilters({ to: $('#f-to').value, search: $('#f-search').value });
    list.scrollToTop();
    scheduleRender();
  }, 120);
  $('#f-to').addEventListener('input', client);
  $('#f-search').addEventListener('input', client);
}

function debounce(fn, ms) {
  let timer;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}
