/**
 * A state snapshot (`GET` / `PUT /_sim/state`): everything a simulation holds, or one provider's, or one
 * tenant's, as one JSON document. What belongs in it is what a restart with `--data` keeps, plus what
 * a test sets up and a CI run wants to look at:
 *
 * - `collections`: every record of every collection (messages with their history, contacts, campaigns,
 *   webhook subscriptions, settings…), one entry per record, in each collection's insertion order;
 * - the engine tables: `jobs` (scheduled work), `idempotency` (completed Idempotency-Key entries),
 *   `quotas` (counters of windows an hour or longer), `webhookDeliveries` (the log, with what it takes
 *   to send an unfinished one again);
 * - `keys` (registered credentials) and `faults` (rules with their hits), for the whole simulation or
 *   one provider (a tenant's state carries none: both are the provider's);
 * - `facts`: the simulated time and the last insertion number (for a provider or tenant, the highest
 *   among its records); for the whole simulation also the seed, the id generator's and the fault dice's
 *   positions, rate limiting on or off and the lifecycle timings.
 *
 * Not state: the clock's mode and speed, the server's options, in-flight requests and Idempotency-Keys
 * still in flight, per-second rate windows (over before anyone could restore them), the built-in
 * receivers' request bins, the event stream.
 *
 * Layout: one record per line, like the data file's snapshot (journal.ts), so it is written and read a
 * bounded piece at a time and no string ever holds a million messages; any JSON parser still reads it.
 *
 *   {"msgsim":"state","version":1,"scope":{"provider":null,"tenant":null},"collections":[
 *   {"provider":"msghub","tenant":"mk_live_…","collection":"messages","record":{…}}
 *   ,{…}
 *   ],"jobs":[
 *   …
 *   ],"faults":[
 *   ],"facts":{"now":"…","seq":42,…}}
 */
import type { IdempotencyRecord } from './idempotency.js';
import type { Job } from './jobs.js';
import type { RegisteredKey } from './keys.js';
import type { FaultRule } from './faults.js';
import type { LifecycleTimings } from './lifecycle.js';
import type { QuotaRecord } from './rate-limit.js';
import type { BaseRecord } from './store.js';
import type { ExportedDelivery } from './webhooks.js';

export interface StateScope {
  /** A provider (an engine namespace); null: everything. */
  provider: string | null;
  /** One tenant of that provider; null: all of them. */
  tenant: string | null;
}

export interface StateRecordEntry {
  provider: string;
  tenant: string;
  collection: string;
  record: BaseRecord;
}

export interface StateFacts {
  /** Simulated time when the export ended. */
  now: string;
  /** The last insertion number given out (records' `seq`); for a provider or tenant, the highest among its records. */
  seq: number;
  /** The rest only for the whole simulation. */
  seed?: number;
  idPosition?: number;
  faultDice?: number;
  rateLimits?: boolean;
  timings?: LifecycleTimings;
}

export interface StateDocument {
  msgsim: 'state';
  version: 1;
  scope: StateScope;
  collections: StateRecordEntry[];
  jobs: Job[];
  idempotency: IdempotencyRecord[];
  quotas: QuotaRecord[];
  webhookDeliveries: ExportedDelivery[];
  keys: RegisteredKey[];
  faults: FaultRule[];
  facts: StateFacts;
}

/** The arrays of a document, in the order they are written. */
export const STATE_SECTIONS = ['collections', 'jobs', 'idempotency', 'quotas', 'webhookDeliveries', 'keys', 'faults'] as const;
export type StateSection = (typeof STATE_SECTIONS)[number];

export const WHOLE_SCOPE: StateScope = Object.freeze({ provider: null, tenant: null });

/** The first line of a document: everything up to the first record. */
export function stateHead(scope: StateScope): string {
  return `{"msgsim":"state","version":1,"scope":${JSON.stringify({ provider: scope.provider, tenant: scope.tenant })},"${STATE_SECTIONS[0]}":[`;
}

/** A quota counter's key names its tenant as the provider router builds it (`rateLimitKey`): `<namespace>:<tenant>:`. */
export function quotaKeyIn(key: string, provider: string, tenant: string | null): boolean {
  if (!key.startsWith(`${provider}:`) || !key.endsWith(':')) return false;
  return tenant === null || key === `${provider}:${tenant}:`;
}
