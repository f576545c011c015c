// The request journal's state for the Requests view: pages from GET /_sim/requests (server-side filters,
// cursor paging, so entries journaled meanwhile never shift a page) and live `request` events merged in.
import { api, query } from './api.js';

const FIRST_PAGE = 200;
const NEXT_PAGE = 500;

/** Refused: an error status, or no answer at all (a fault broke the connection). */
export const isRefused = (entry) => entry.status === null || entry.status >= 400;

export const statusClass = (status) => (status === null ? 'none' : `${Math.floor(status / 100)}xx`);

export class RequestLog {
  /** `baseUrls`: provider name → its API prefix, to match a live entry's path as the server does. */
  constructor(onChange, baseUrls) {
    this.onChange = onChange;
    this.baseUrls = baseUrls;
    this.filters = { provider: '', status: '', path: '', to: '' };
    this.generation = 0;
    this.reset();
  }

  reset() {
    this.rows = [];
    this.ids = new Set();
    this.total = 0;
    this.cursor = undefined;
    this.more = true;
    this.loading = false;
    this.loaded = false;
    this.pending = [];
    this.generation++;
  }

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
      const page = await api(`/requests${query({ ...this.filters, limit, cursor: this.cursor })}`);
      if (generation !== this.generation) return;
      for (const entry of page.data) if (!this.ids.has(entry.id)) this.push(entry, 'end');
      this.cursor = page.nextCursor ?? undefined;
      this.more = page.nextCursor !== null;
      this.total = Math.max(this.total, page.total);
      this.loaded = true;
      const pending = this.pending;
      this.pending = [];
      for (const entry of pending) this.live(entry);
    } finally {
      if (generation === this.generation) this.loading = false;
      this.onChange();
    }
  }

  /** A `request` event. True when the list changed; a filter the page cannot check (a glob) reloads. */
  live(entry) {
    if (!this.loaded) {
      this.pending.push(entry);
      return false;
    }
    if (this.ids.has(entry.id)) return false;
    const matches = this.matches(entry);
    if (matches === undefined) {
      void this.reload();
      return false;
    }
    if (!matches) return false;
    this.push(entry, 'start');
    this.total += 1;
    return true;
  }

  push(entry, where) {
    this.ids.add(entry.id);
    if (where === 'start') this.rows.unshift(entry);
    else this.rows.push(entry);
  }

  /** The server's filters, for a live entry; undefined for a path glob. */
  matches(entry) {
    const f = this.filters;
    if (f.provider && entry.provider !== f.provider) return false;
    if (f.status && !(/^\d{3}$/.test(f.status) ? String(entry.status) === f.status : statusClass(entry.status) === f.status.toLowerCase())) return false;
    if (f.to && !entry.recipients.includes(f.to)) return false;
    if (f.path) {
      if (f.path.includes('*')) return undefined;
      const base = this.baseUrls.get(entry.provider);
      const below = base !== undefined && entry.path.startsWith(`${base}/`) ? entry.path.slice(base.length) : undefined;
      if (!entry.path.startsWith(f.path) && !(below ?? '').startsWith(f.path)) return false;
    }
    return true;
  }
}
