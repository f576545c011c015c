/**
 * The engine: every provider-neutral service wired to one clock and one seed. Providers and the
 * control API receive this object; nothing in it knows about HTTP or about any provider.
 */
import { Clock, type ClockOptions } from './clock.js';
import { EventBus } from './events.js';
import { FaultInjector } from './faults.js';
import { IdempotencyStore } from './idempotency.js';
import { Jobs } from './jobs.js';
import { Lifecycle, type LifecycleTimings } from './lifecycle.js';
import { MESSAGES, type SimMessage } from './message.js';
import { KeyRegistry } from './keys.js';
import { IdGenerator, SeededRandom } from './random.js';
import { RateLimiter } from './rate-limit.js';
import { RequestJournal } from './request-journal.js';
import { Store } from './store.js';
import { WebhookDispatcher, type SavedDelivery } from './webhooks.js';
import { webhookAddressPolicy, webhookUrlPolicy } from './webhook-url-policy.js';

export interface EngineOptions {
  clock?: Clock | ClockOptions;
  /** Seed for ids, secrets and probabilities: the same seed gives the same run. */
  seed?: number;
  /** Persist state to this file: a streamed JSON snapshot plus a journal of changed records (store-file.ts, journal.ts). */
  dataFile?: string;
  /** With a data file: fdatasync every batch before acknowledging it (power-loss safety, slower). */
  fsync?: boolean;
  timings?: Partial<LifecycleTimings>;
  /** Enforce the providers' documented rate limits (on by default). */
  rateLimits?: boolean;
  /** Delays before each webhook attempt, ms. */
  webhookRetrySchedule?: number[];
  webhookTimeoutMs?: number;
  /** Webhook attempts in flight at once, overall and per receiver origin (defaults 64 and 16, webhooks.ts). */
  webhookMaxConcurrent?: number;
  webhookMaxPerOrigin?: number;
  /** Finished webhook deliveries kept in the log (default 10,000); pending and retrying ones are always kept. */
  webhookLogLimit?: number;
  /** Hosts, `*.suffix`, CIDRs, `loopback`, `private` or `*` that webhooks may be delivered to. */
  webhookAllow?: readonly string[];
  /** Requests kept in the request journal (default 10,000; 0 turns it off). */
  journalSize?: number;
  /** What the journal's entries may hold in all, bytes (default 64 MiB); the oldest go first. */
  journalBytes?: number;
  /** Where errors thrown by timers and listeners are reported. */
  onError?: (error: unknown, where: string) => void;
}

export interface EngineSettings {
  rateLimits: boolean;
}

export interface Engine {
  readonly clock: Clock;
  readonly store: Store;
  readonly random: SeededRandom;
  readonly ids: IdGenerator;
  readonly events: EventBus;
  readonly lifecycle: Lifecycle;
  readonly rateLimiter: RateLimiter;
  readonly idempotency: IdempotencyStore;
  readonly webhooks: WebhookDispatcher;
  readonly faults: FaultInjector;
  /** Scheduled per-tenant work of the providers (campaign batches, scheduled sends…), persisted and reset here. */
  readonly jobs: Jobs;
  /** Credentials with properties; kept across resets. */
  readonly keys: KeyRegistry;
  /** Every request to a provider route and its answer, bounded; in memory only, never persisted. */
  readonly requests: RequestJournal;
  readonly settings: EngineSettings;
  /** The seed of this run (the last one given to `reseed`): generated fixtures and state exports read it. */
  readonly seed: number;
  /** Forgets state: everything, one namespace (provider) or one tenant of it. */
  reset(namespace?: string, tenant?: string): void;
  /** Resets everything and restarts ids, secrets and fault dice from `seed`: the same run again. */
  reseed(seed: number): void;
  /** Resolves once no webhook attempt is queued or in flight (tests await it after advancing the clock). */
  settle(): Promise<void>;
  /** Flushes state to disk and stops timers. */
  close(): Promise<void>;
}

export { MESSAGES } from './message.js';
const RANDOM_POSITION = 'randomPosition';
const CLOCK_NOW = 'clockNow';

export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  const onError = options.onError ?? (() => undefined);
  const clock = options.clock instanceof Clock ? options.clock : new Clock({ ...options.clock, onError: (error, label) => onError(error, `timer ${label}`) });
  const random = new SeededRandom(options.seed ?? 1);
  const ids = new IdGenerator(random);
  const events = new EventBus((error, name) => onError(error, `listener ${name}`));
  const store = await Store.open({
    clock,
    ...(options.dataFile ? { file: options.dataFile, lock: true, fsync: options.fsync ?? false } : {}),
    onWriteError: (error) => onError(error, 'store write'),
  });
  // A restarted server continues the id sequence where the file left it, so new ids never collide,
  // and simulated time where it was, so what it stored is never in its future.
  const position = store.getMeta(RANDOM_POSITION);
  if (typeof position === 'number') random.position = position;
  const then = store.getMeta(CLOCK_NOW);
  if (typeof then === 'number') clock.resumeFrom(then);
  store.onBeforeWrite(() => {
    store.setMeta(RANDOM_POSITION, random.position);
    store.setMeta(CLOCK_NOW, clock.now());
  });
  const lifecycle = new Lifecycle(clock, events, store, options.timings);
  // What else a restart must not forget lives in engine tables: written with the records (store.ts).
  const persisted = Boolean(options.dataFile);
  const rateLimiter = new RateLimiter(clock, persisted ? { table: store.table('quotas', { durable: false }) } : {});
  const idempotency = new IdempotencyStore(clock, persisted ? { table: store.table('idempotency') } : {});
  const webhooks = new WebhookDispatcher(clock, {
    ids,
    ...(persisted ? { table: store.table<SavedDelivery>('webhook-deliveries') } : {}),
    onGone: (delivery) => events.emit('webhook.gone', { delivery }),
    onChange: (delivery) => events.emit('webhook.delivery', { delivery }),
    allowUrl: webhookUrlPolicy(options.webhookAllow),
    allowAddress: webhookAddressPolicy(options.webhookAllow),
    onListenerError: (error) => onError(error, 'webhook listener'),
    ...(options.webhookRetrySchedule ? { retrySchedule: options.webhookRetrySchedule } : {}),
    ...(options.webhookTimeoutMs ? { timeoutMs: options.webhookTimeoutMs } : {}),
    ...(options.webhookMaxConcurrent ? { maxConcurrent: options.webhookMaxConcurrent } : {}),
    ...(options.webhookMaxPerOrigin ? { maxPerOrigin: options.webhookMaxPerOrigin } : {}),
    ...(options.webhookLogLimit ? { maxLogEntries: options.webhookLogLimit } : {}),
  });
  const jobs = new Jobs(clock, persisted ? store.table('jobs') : undefined);
  const faults = new FaultInjector(ids, options.seed ?? 1, () => clock.iso());
  const settings: EngineSettings = { rateLimits: options.rateLimits ?? true };
  const requests = new RequestJournal({
    ...(options.journalSize !== undefined ? { maxEntries: options.journalSize } : {}),
    ...(options.journalBytes !== undefined ? { maxBytes: options.journalBytes } : {}),
    onAdd: (record) => events.emit('request', { record }),
  });
  let seed = options.seed ?? 1;

  // Messages restored from a data file continue their lifecycle where they left off.
  for (const ref of store.collections<SimMessage>(MESSAGES)) lifecycle.resume(ref.collection.all());

  const engine: Engine = {
    clock,
    store,
    random,
    ids,
    events,
    lifecycle,
    rateLimiter,
    idempotency,
    webhooks,
    keys: new KeyRegistry(),
    faults,
    jobs,
    settings,
    requests,
    get seed() {
      return seed;
    },
    reset(namespace, tenant) {
      lifecycle.clear(namespace, tenant);
      if (!namespace) clock.clearTimers();
      store.reset(namespace, tenant);
      idempotency.reset(namespace, tenant);
      rateLimiter.reset(namespace ? `${namespace}:${tenant ? `${tenant}:` : ''}` : undefined);
      webhooks.reset(namespace, tenant);
      jobs.reset(namespace, tenant);
      requests.reset(namespace, tenant);
      if (!tenant) faults.clear(namespace);
      events.emit('reset', { ...(namespace ? { namespace } : {}), ...(tenant ? { tenant } : {}) });
    },
    reseed(next) {
      engine.reset();
      seed = next;
      random.reseed(next);
      faults.reseed(next);
      requests.restartIds();
    },
    settle: () => webhooks.settle(),
    async close() {
      // Simulated time is state a restart keeps, also when it moved with nothing falling due since the last write.
      store.changedFacts();
      clock.close();
      await webhooks.close();
      await store.close();
    },
  };
  return engine;
}
