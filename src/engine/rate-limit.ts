/**
 * Multi-window fixed-window rate limiter (per second, per minute, per day, per month), keyed per tenant.
 *
 * Fixed windows rather than sliding logs or token buckets because the providers we imitate document
 * quotas as "N per second / per day / per month", and because a fixed window has exactly one instant at
 * which it frees, so `Retry-After` can be computed honestly: "never earlier than the window really frees"
 * (RFC 9110 §10.2.3: Retry-After in whole seconds).
 *
 * Time comes only from the injected Clock, so a manual clock can walk a tenant across a day boundary.
 *
 * Quotas of an hour or longer (a day's 10,000, a month's API requests) are kept in an engine table too, so
 * that with `--data` a restart does not hand a tenant a fresh quota. They are written with the next batch
 * (or within the store's flush delay), never waited for: a crash may forget the last moment's counts.
 */
import type { Clock } from './clock.js';
import type { Table } from './table.js';

export interface RateWindow {
  name: string;
  limit: number;
  /** The provider's own error code when this window is the one that blocks (e.g. a monthly quota's). */
  code?: string;
  /** Fixed window length, aligned to multiples of itself since the epoch (per-second resets on the second). */
  windowMs?: number;
  /** Calendar window in UTC: 'day' resets at 00:00 UTC, 'month' at 00:00 UTC on the 1st. */
  calendar?: 'day' | 'month';
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch ms when the reported window frees. */
  resetAt: number;
  /** 0 when allowed; when denied, whole seconds until the blocking window frees (rounded up, at least 1). */
  retryAfterSeconds: number;
  /** The blocking window when denied, else the window with the fewest remaining. */
  window: string;
}

interface WindowCounter {
  start: number;
  end: number;
  count: number;
  /** Wall time (clock.realNow) at which the Retry-After of this window's last refusal runs out. */
  freeAt?: number;
}

interface WindowState {
  window: RateWindow;
  start: number;
  end: number;
  count: number;
  /** The counter object, when one exists (a refusal marks it). */
  counter: WindowCounter | undefined;
}

/** A counter of a persisted window, as the table holds it. */
export interface QuotaRecord {
  /** `key` and `window`, unambiguous. */
  id: string;
  key: string;
  window: string;
  start: number;
  end: number;
  count: number;
}

/** Windows this long or longer survive a restart (see the header). */
const PERSISTED_WINDOW_MS = 3_600_000;

const UNLIMITED_REMAINING = Number.MAX_SAFE_INTEGER;
/** How often (simulated time) the whole table is swept for expired counters; access also drops them. */
const SWEEP_INTERVAL_MS = 60_000;

export class RateLimiter {
  /** key → window name → counter of the window in force when it was last touched. */
  private readonly counters = new Map<string, Map<string, WindowCounter>>();
  private lastSweep: number;
  private readonly table: Table<QuotaRecord> | undefined;

  constructor(
    private readonly clock: Clock,
    options: { table?: Table<QuotaRecord> } = {},
  ) {
    this.lastSweep = clock.now();
    this.table = options.table;
    // Counters a data file kept: those of windows still running count on.
    const now = clock.now();
    for (const record of [...(this.table?.all() ?? [])]) {
      if (record.end <= now) {
        this.table!.delete(record.id);
        continue;
      }
      let byName = this.counters.get(record.key);
      if (!byName) this.counters.set(record.key, (byName = new Map<string, WindowCounter>()));
      byName.set(record.window, { start: record.start, end: record.end, count: record.count });
    }
  }

  /**
   * Counts `cost` against every window, all-or-nothing: if any window would go over its limit nothing
   * is counted, so a rejected request never eats into another window's quota.
   */
  consume(key: string, windows: readonly RateWindow[], cost = 1): RateDecision {
    if (!Number.isFinite(cost) || cost < 0) throw new RangeError('rate-limit cost must be a non-negative number');
    const now = this.clock.now();
    this.maybeSweep(now);
    const states = this.load(key, windows, now);
    const decision = decide(states, now, cost);
    if (decision.allowed) {
      if (cost > 0) this.store(key, states, cost);
    } else {
      this.promiseRetry(key, states, decision);
    }
    return decision;
  }

  /**
   * The decision a request of `cost` (default 1) would get, without counting it: for headers such as
   * X-RateLimit-Remaining on responses that are not themselves limited.
   */
  peek(key: string, windows: readonly RateWindow[], cost = 1): RateDecision {
    if (!Number.isFinite(cost) || cost < 0) throw new RangeError('rate-limit cost must be a non-negative number');
    const now = this.clock.now();
    this.maybeSweep(now);
    const states = this.load(key, windows, now);
    const decision = decide(states, now, cost);
    // peek reports remaining before the request, not after it.
    if (decision.allowed && states.length > 0) decision.remaining += cost;
    return decision;
  }

  /** Forgets counters: all of them, or those whose key starts with `keyPrefix` (one tenant, one provider). */
  reset(keyPrefix?: string): void {
    this.table?.deleteWhere((record) => keyPrefix === undefined || record.key.startsWith(keyPrefix));
    if (keyPrefix === undefined) {
      this.counters.clear();
      return;
    }
    for (const key of [...this.counters.keys()]) {
      if (key.startsWith(keyPrefix)) this.counters.delete(key);
    }
  }

  /**
   * The counters of windows an hour or longer that are still running (what a restart keeps, and so what a
   * state export keeps: a per-second window is over before anyone could restore it).
   */
  quotas(): QuotaRecord[] {
    const now = this.clock.now();
    const out: QuotaRecord[] = [];
    for (const [key, byName] of this.counters) {
      for (const [window, counter] of byName) {
        if (counter.end > now && counter.end - counter.start >= PERSISTED_WINDOW_MS) {
          out.push({ id: `${key}\u0000${window}`, key, window, start: counter.start, end: counter.end, count: counter.count });
        }
      }
    }
    return out;
  }

  /** Counters a state import brings back; they count on while their window runs. */
  restoreQuotas(records: readonly QuotaRecord[]): void {
    for (const record of records) {
      let byName = this.counters.get(record.key);
      if (!byName) this.counters.set(record.key, (byName = new Map<string, WindowCounter>()));
      byName.set(record.window, { start: record.start, end: record.end, count: record.count });
      this.table?.put({ ...record });
    }
  }

  /** Number of keys holding at least one live counter (for tests and /_sim diagnostics). */
  get size(): number {
    this.sweep(this.clock.now());
    return this.counters.size;
  }

  private load(key: string, windows: readonly RateWindow[], now: number): WindowState[] {
    const byName = this.counters.get(key);
    const seen = new Set<string>();
    const states = windows.map((window) => {
      validateWindow(window);
      if (seen.has(window.name)) throw new RangeError(`duplicate rate window name "${window.name}"`);
      seen.add(window.name);
      const { start, end } = windowBounds(window, now);
      const counter = byName?.get(window.name);
      // A counter from an earlier window (or from a window whose length was reconfigured) counts as 0, and
      // so does one whose Retry-After has run out in wall time (see promiseRetry).
      const live =
        counter !== undefined && counter.start === start && counter.end === end && !(counter.freeAt !== undefined && this.clock.realNow() >= counter.freeAt);
      if (counter !== undefined && !live) byName?.delete(window.name);
      return { window, start, end, count: live ? counter.count : 0, counter: live ? counter : undefined };
    });
    if (byName !== undefined && byName.size === 0) this.counters.delete(key);
    return states;
  }

  /**
   * A refused client is told to retry in `retryAfterSeconds`, counted on the simulated clock. Under a
   * manual (or slowed) clock that time would never come for a client that sleeps real seconds, so the
   * promise is kept in wall time too: once that much wall time has passed since the window's last
   * refusal, the window starts over. A client that honours Retry-After gets through; one that retries at
   * once is refused again (and waits again); a test that advances the clock gets through at the window's
   * simulated end, as before. With a real clock the two coincide.
   */
  private promiseRetry(key: string, states: readonly WindowState[], decision: RateDecision): void {
    const blocking = states.find((state) => state.window.name === decision.window);
    if (!blocking) return;
    let counter = blocking.counter;
    if (!counter) {
      counter = { start: blocking.start, end: blocking.end, count: blocking.count };
      let byName = this.counters.get(key);
      if (!byName) this.counters.set(key, (byName = new Map<string, WindowCounter>()));
      byName.set(blocking.window.name, counter);
    }
    counter.freeAt = this.clock.realNow() + decision.retryAfterSeconds * 1000;
  }

  private store(key: string, states: readonly WindowState[], cost: number): void {
    let byName = this.counters.get(key);
    if (byName === undefined) {
      byName = new Map();
      this.counters.set(key, byName);
    }
    for (const state of states) {
      const count = state.count + cost;
      byName.set(state.window.name, {
        start: state.start,
        end: state.end,
        count,
        ...(state.counter?.freeAt !== undefined ? { freeAt: state.counter.freeAt } : {}),
      });
      if (this.table && state.end - state.start >= PERSISTED_WINDOW_MS) {
        this.table.put({ id: `${key}\u0000${state.window.name}`, key, window: state.window.name, start: state.start, end: state.end, count });
      }
    }
  }

  private maybeSweep(now: number): void {
    if (now - this.lastSweep >= SWEEP_INTERVAL_MS) this.sweep(now);
  }

  /** Drops every counter whose window has ended, so memory follows live tenants, not all tenants ever seen. */
  private sweep(now: number): void {
    this.lastSweep = now;
    this.table?.deleteWhere((record) => record.end <= now);
    for (const [key, byName] of this.counters) {
      for (const [name, counter] of byName) {
        if (counter.end <= now) byName.delete(name);
      }
      if (byName.size === 0) this.counters.delete(key);
    }
  }
}

function decide(states: readonly WindowState[], now: number, cost: number): RateDecision {
  if (states.length === 0) {
    return { allowed: true, limit: Infinity, remaining: UNLIMITED_REMAINING, resetAt: now, retryAfterSeconds: 0, window: '' };
  }
  const blocking = states.filter((s) => s.count + cost > s.window.limit);
  if (blocking.length > 0) {
    // Several windows may block (per-second and per-day); retrying before the last of them frees is
    // pointless, so report the one that frees latest. Earlier-ending fixed windows have rolled over by then.
    const worst = blocking.reduce((a, b) => (b.end > a.end ? b : a));
    return {
      allowed: false,
      limit: worst.window.limit,
      remaining: Math.max(0, worst.window.limit - worst.count),
      resetAt: worst.end,
      retryAfterSeconds: Math.max(1, Math.ceil((worst.end - now) / 1000)),
      window: worst.window.name,
    };
  }
  // Fewest remaining after this request; on a tie the later reset, the more conservative thing to tell a client
  // (the IETF RateLimit headers draft lets a server report the policy closest to exhaustion).
  const tightest = states.reduce((a, b) => {
    const ra = a.window.limit - a.count;
    const rb = b.window.limit - b.count;
    return rb < ra || (rb === ra && b.end > a.end) ? b : a;
  });
  return {
    allowed: true,
    limit: tightest.window.limit,
    remaining: tightest.window.limit - tightest.count - cost,
    resetAt: tightest.end,
    retryAfterSeconds: 0,
    window: tightest.window.name,
  };
}

function validateWindow(window: RateWindow): void {
  const hasMs = window.windowMs !== undefined;
  const hasCalendar = window.calendar !== undefined;
  if (hasMs === hasCalendar) {
    throw new RangeError(`rate window "${window.name}" needs exactly one of windowMs or calendar`);
  }
  if (hasMs && !(Number.isFinite(window.windowMs) && (window.windowMs ?? 0) > 0)) {
    throw new RangeError(`rate window "${window.name}" needs a positive windowMs`);
  }
  if (!(window.limit >= 0)) throw new RangeError(`rate window "${window.name}" needs a non-negative limit`);
}

/** Start (inclusive) and end (exclusive) of the fixed window containing `now`. */
export function windowBounds(window: RateWindow, now: number): { start: number; end: number } {
  if (window.windowMs !== undefined) {
    const start = Math.floor(now / window.windowMs) * window.windowMs;
    return { start, end: start + window.windowMs };
  }
  const date = new Date(now);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  if (window.calendar === 'month') {
    // Date.UTC normalises month 12 to January of the next year.
    return { start: Date.UTC(year, month, 1), end: Date.UTC(year, month + 1, 1) };
  }
  const day = date.getUTCDate();
  return { start: Date.UTC(year, month, day), end: Date.UTC(year, month, day + 1) };
}
