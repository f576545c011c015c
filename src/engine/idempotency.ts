/**
 * Idempotency keys, following the IETF httpapi "The Idempotency-Key HTTP Header Field" draft
 * (draft-ietf-httpapi-idempotency-key-header) and Stripe's behaviour:
 * - a key is scoped per tenant, method and route (a key reused elsewhere is a different entry);
 * - the same key with the same request replays the first response;
 * - the same key with a different request payload is an error (draft, Error Scenarios: 422);
 * - the same key while the first request is still being processed is an error (draft, Error Scenarios: 409);
 * - a request rejected before it executed (auth, validation, rate limit) is not stored, so a retry may
 *   succeed (Stripe: "results are only saved if an API endpoint started executing").
 * Entries expire `ttlMs` of simulated time after completion (Stripe keeps keys 24 hours).
 *
 * Completed entries live in an engine table, so with `--data` a replay after a restart still returns the
 * original response (the entry is written in the same batch as the records its request created, and
 * acknowledged with them). Entries still in flight stay in memory: a request a crash interrupted was never
 * answered, and its key must be free again after the restart, not "in use" for a day.
 */
import { createHash } from 'node:crypto';
import type { Clock } from './clock.js';
import { memoryTable, type Table } from './table.js';

export interface IdempotencyScope {
  namespace: string;
  tenant: string;
  method: string;
  route: string;
  key: string;
}

export interface StoredResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export type IdempotencyBegin =
  | { kind: 'new'; complete(response: StoredResponse): void; abandon(): void }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' }
  | { kind: 'in_flight' };

interface Entry {
  scope: IdempotencyScope;
  fingerprint: string;
  response: StoredResponse | undefined;
  /** Completed entries expire ttlMs after completion; in-flight ones ttlMs after begin, so a handler that
   * never settles cannot pin memory (or a 409) forever. */
  expiresAt: number;
}

/** A completed entry, as the table (and the data file) holds it. */
export interface IdempotencyRecord extends Entry {
  /** The entry's key: scope and key, unambiguous. */
  id: string;
  response: StoredResponse;
}

export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** How often (simulated time) the whole store is swept for expired entries; access also drops them. */
const SWEEP_INTERVAL_MS = 60_000;
const MAX_KEY_LENGTH = 255;

export class IdempotencyStore {
  private readonly inFlight = new Map<string, Entry>();
  private readonly completed: Table<IdempotencyRecord>;
  private readonly ttlMs: number;
  private lastSweep: number;

  constructor(
    private readonly clock: Clock,
    options: { ttlMs?: number; table?: Table<IdempotencyRecord> } = {},
  ) {
    const ttlMs = options.ttlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS;
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError('idempotency ttlMs must be positive');
    this.ttlMs = ttlMs;
    this.completed = options.table ?? memoryTable('idempotency');
    this.lastSweep = clock.now();
  }

  /**
   * sha256 hex of a canonical JSON of `input`: JSON.stringify semantics (undefined members dropped,
   * toJSON honoured) with object keys sorted recursively by UTF-16 code units as in RFC 8785 (JCS), so
   * `{a,b}` and `{b,a}` are the same request. `undefined` itself (no body) has its own fingerprint.
   */
  static fingerprint(input: unknown): string {
    return createHash('sha256').update(canonicalJson(input)).digest('hex');
  }

  begin(scope: IdempotencyScope, fingerprint: string): IdempotencyBegin {
    const now = this.clock.now();
    if (now - this.lastSweep >= SWEEP_INTERVAL_MS) this.sweep(now);
    const id = entryId(scope);
    const existing = this.live(id, now);
    if (existing !== undefined) {
      // Mismatch wins over in-flight: a different payload under the same key is a client bug that no
      // amount of waiting fixes, so 422 is the more useful answer.
      if (existing.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (existing.response === undefined) return { kind: 'in_flight' };
      return { kind: 'replay', response: structuredClone(existing.response) };
    }

    const entry: Entry = { scope: { ...scope }, fingerprint, response: undefined, expiresAt: now + this.ttlMs };
    this.inFlight.set(id, entry);
    // Only the entry this call created may be settled by it: after reset() or expiry another request may
    // own the key, and a late complete()/abandon() must not clobber it.
    const owns = (): boolean => this.inFlight.get(id) === entry;
    return {
      kind: 'new',
      complete: (response: StoredResponse) => {
        if (!owns()) return;
        this.inFlight.delete(id);
        // Cloned so later mutation of the handler's objects cannot change what is replayed.
        this.completed.put({ id, scope: entry.scope, fingerprint, response: structuredClone(response), expiresAt: this.clock.now() + this.ttlMs });
      },
      abandon: () => {
        if (owns()) this.inFlight.delete(id);
      },
    };
  }

  /** Live entries, in flight or completed. */
  get size(): number {
    this.sweep(this.clock.now());
    return this.inFlight.size + this.completed.size;
  }

  /** Forgets entries: all, one namespace (provider), or one tenant (of a namespace when both given). */
  reset(namespace?: string, tenant?: string): void {
    const matches = (entry: Entry) =>
      (namespace === undefined || entry.scope.namespace === namespace) && (tenant === undefined || entry.scope.tenant === tenant);
    for (const [id, entry] of this.inFlight) if (matches(entry)) this.inFlight.delete(id);
    this.completed.deleteWhere(matches);
  }

  /** Completed entries of everything, one namespace or one tenant of it (in-flight ones are no state: see the header). */
  entries(namespace?: string, tenant?: string): IdempotencyRecord[] {
    return [...this.completed.all()].filter(
      (entry) => (namespace === undefined || entry.scope.namespace === namespace) && (tenant === undefined || entry.scope.tenant === tenant),
    );
  }

  /** Completed entries a state import brings back. */
  restore(entries: readonly IdempotencyRecord[]): void {
    for (const entry of entries) this.completed.put(entry);
  }

  /** The entry for this key unless it has expired (an expired one is dropped). */
  private live(id: string, now: number): Entry | undefined {
    const entry = this.inFlight.get(id) ?? this.completed.get(id);
    if (entry === undefined || entry.expiresAt > now) return entry;
    if (!this.inFlight.delete(id)) this.completed.delete(id);
    return undefined;
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [id, entry] of this.inFlight) if (entry.expiresAt <= now) this.inFlight.delete(id);
    this.completed.deleteWhere((entry) => entry.expiresAt <= now);
  }
}

/**
 * 1..255 characters of printable ASCII. The draft makes the field an RFC 8941 sf-string (%x20-7E); 255
 * is Stripe's maximum. Leading/trailing spaces are refused because HTTP strips them from field values
 * (RFC 9110 §5.5), so such a key could never arrive intact.
 */
export function validateIdempotencyKey(key: string): boolean {
  return key.length <= MAX_KEY_LENGTH && /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(key);
}

export function entryId(scope: IdempotencyScope): string {
  // JSON array: unambiguous whatever characters the parts contain. Methods are case-normalised.
  return JSON.stringify([scope.namespace, scope.tenant, scope.method.toUpperCase(), scope.route, scope.key]);
}

function canonicalJson(input: unknown): string {
  const json = JSON.stringify(input);
  // JSON.stringify(undefined) is undefined; '' is not valid JSON, so it cannot collide with any body.
  if (json === undefined) return '';
  return serialize(JSON.parse(json) as unknown);
}

/** Serialises parsed JSON with sorted keys, building strings (not objects) so `__proto__` keys stay data. */
function serialize(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(serialize).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${serialize(record[k])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}
