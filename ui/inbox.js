// The message list's state: pages loaded from GET /_sim/messages (server-side filters: provider, tenant,
// channel, status), live events merged in, and the client-side recipient and search filters.
import { api, query } from './api.js';
import { bodyOf, keyOf } from './dom.js';

const FIRST_PAGE = 200;
const NEXT_PAGE = 500;

export class Inbox {
  constructor(onChange) {
    this.onChange = onChange;
    this.filters = { provider: '', tenant: '', channel: '', status: '' };
    this.to = '';
    this.search = '';
    this.reset();
  }

  reset() {
    this.rows = [];
    this.byKey = new Map();
    this.total = 0;
    this.fromPages = 0;
    this.liveAdded = 0;
    this.more = true;
    this.loading = false;
    this.loaded = false;
    this.pending = [];
    this.generation = (this.generation ?? 0) + 1;
    this.visibleCache = undefined;
  }

  /** Drops everything and loads the first page for the current server-side filters. */
  async reload() {
    this.reset();
    this.onChange();
    await this.loadMore();
  }

  async loadMore() {
    if (this.loading || !this.more) return;
    const generation = this.generation;
    this.loading = true;
    try {
      const limit = this.loaded ? NEXT_PAGE : FIRST_PAGE;
      // Live messages that match were prepended on the server too: skip past them.
      const page = await api(`/messages${query({ ...this.filters, limit, offset: this.fromPages + this.liveAdded })}`);
      if (generation !== this.generation) return;
      this.fromPages += page.data.length;
      this.more = page.nextOffset !== null && page.data.length > 0;
      for (const message of page.data) {
        const known = this.byKey.get(keyOf(message));
        if (known) this.merge(known, message);
        else this.add(message, 'end');
      }
      this.total = Math.max(page.total, this.rows.length);
      this.loaded = true;
      const pending = this.pending;
      this.pending = [];
      for (const [kind, message] of pending) this.live(kind, message);
    } finally {
      if (generation === this.generation) this.loading = false;
      this.visibleCache = undefined;
      this.onChange();
    }
  }

  /** A message.created or message.status event. Returns true when the list changed. */
  live(kind, message) {
    if (!this.loaded) {
      this.pending.push([kind, message]);
      return false;
    }
    const known = this.byKey.get(keyOf(message));
    if (known) {
      this.merge(known, message);
      if (this.filters.status && known.status !== this.filters.status) this.remove(known);
    } else if (this.matchesServer(message)) {
      this.add(message, 'start');
      this.liveAdded += 1;
      this.total += 1;
    } else {
      return false;
    }
    this.visibleCache = undefined;
    return true;
  }

  /** Updates a known message; history only grows, so the longer one is the newer one. */
  merge(known, incoming) {
    if ((incoming.history?.length ?? 0) < (known.history?.length ?? 0)) return;
    const recipient = known.to;
    Object.assign(known, incoming);
    // message.status events carry the new state in `to`; the recipient stays as it was.
    if (incoming.__statusEvent) known.to = recipient;
    delete known.__statusEvent;
    known.__search = undefined;
  }

  add(message, where) {
    const row = { ...message };
    delete row.__statusEvent;
    this.byKey.set(keyOf(row), row);
    if (where === 'start') this.rows.unshift(row);
    else this.rows.push(row);
  }

  remove(row) {
    this.byKey.delete(keyOf(row));
    const index = this.rows.indexOf(row);
    if (index >= 0) this.rows.splice(index, 1);
    this.total = Math.max(0, this.total - 1);
  }

  matchesServer(m) {
    const f = this.filters;
    return (
      (!f.provider || m.provider === f.provider) &&
      (!f.tenant || m.tenant === f.tenant) &&
      (!f.channel || m.channel === f.channel) &&
      (!f.status || m.status === f.status)
    );
  }

  get clientFiltered() {
    return Boolean(this.to || this.search);
  }

  /** The rows to show: server-filtered rows narrowed by recipient and search text. */
  visible() {
    if (this.visibleCache) return this.visibleCache;
    const to = this.to.replace(/\s+/g, '').toLowerCase();
    const words = this.search.toLowerCase().split(/\s+/).filter(Boolean);
    this.visibleCache =
      !to && words.length === 0
        ? this.rows
        : this.rows.filter((row) => {
            if (to && !String(row.to).toLowerCase().includes(to)) return false;
            if (words.length === 0) return true;
            row.__search ??= [row.id, row.to, row.tenant, row.provider, row.channel, row.status, bodyOf(row), row.failure?.message ?? '']
              .join(' ')
              .toLowerCase();
            return words.every((w) => row.__search.includes(w));
          });
    return this.visibleCache;
  }

  setClientFilters({ to, search }) {
    this.to = to;
    this.search = search;
    this.visibleCache = undefined;
  }

  get(key) {
    return this.byKey.get(key);
  }
}
