/**
 * Library mode: a whole msgsim in one call, listening on a port of its own.
 *
 *   const sim = await createSimulator({ clock: 'manual', port: 0 });
 *   sim.url; sim.clock.advance(5_000); sim.messages(); sim.reset(); await sim.close();
 */
import { randomInt } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Clock, type ClockMode } from './engine/clock.js';
import { createEngine, MESSAGES, type Engine } from './engine/engine.js';
import type { LifecycleTimings } from './engine/lifecycle.js';
import type { SimMessage } from './engine/message.js';
import { mergeNewestFirst } from './engine/pagination.js';
import { createApp, type MsgsimApp } from './http/app.js';
import type { ReceivedRequest } from './http/app-options.js';
import type { ScenarioSummary } from './control/types.js';
import { hungRequests } from './http/fault-actions.js';
import { createLogger, type Logger, type LogLevel } from './logger.js';
import { PROVIDERS } from './providers/index.js';
import type { Provider } from './providers/provider.js';
import type { SimEventMap, SimEventName } from './engine/events.js';
import type { MessageState } from './engine/message.js';
import type { FaultRule, FaultRuleInput } from './engine/faults.js';
import type { DeliveryStatus, WebhookDelivery } from './engine/webhooks.js';
import type { RequestEntry, RequestFilter } from './engine/request-journal.js';
import { waitForEvent, waitForMessage, type WaitOptions } from './wait-for.js';
import type { StateDocument } from './engine/state-document.js';
import { exportStateChunks } from './engine/state-export.js';
import { importState } from './engine/state-import.js';
import { readStateDocument } from './engine/state-read.js';
import { loadSetup, type SetupSource } from './setup/load-setup.js';
import type { RuntimeScenario } from './setup/document.js';

export interface SimulatorOptions {
  port?: number;
  host?: string;
  /** Serve one provider at the root instead of all under /<name>. */
  provider?: string;
  clock?: ClockMode;
  /** Factor for the speed clock. */
  speed?: number;
  /** Simulated start time. */
  start?: Date | number;
  /**
   * Seed for ids, secrets and fault dice: the same seed gives the same run. Without one, each start draws
   * its own, so ids never repeat across restarts (a consumer's unique-id column keeps working); with
   * `data`, the sequence continues from the file either way.
   */
  seed?: number;
  /** Persist state to this JSON file. */
  data?: string;
  /** With `data`: fdatasync every write before acknowledging it. */
  fsync?: boolean;
  rateLimits?: boolean;
  timings?: Partial<LifecycleTimings>;
  webhookRetrySchedule?: number[];
  /** Finished webhook deliveries kept in the log (default 10,000); pending and retrying ones are always kept. */
  webhookLogLimit?: number;
  /** Requests kept in the request journal (default 10,000); 0 turns it off. */
  journalSize?: number;
  logLevel?: LogLevel;
  /** Protect the control API with this token. */
  adminToken?: string;
  /** Answer browsers' CORS requests: true for any origin, or a list of origins (off by default). */
  cors?: boolean | readonly string[];
  /** Where webhooks may be delivered (default: loopback and private ranges). */
  webhookAllow?: readonly string[];
  logger?: Logger;
  providers?: readonly Provider[];
  /**
   * A set-up file (YAML or JSON, schema/msgsim-config.schema.json): providers, clock, seed… and the keys,
   * fixtures, faults and receivers loaded before the server answers. Options given here beat the file's.
   */
  config?: SetupSource['config'];
  /** The same document inline (an object, or its YAML text), instead of `config`. */
  scenario?: SetupSource['scenario'];
}

/** `sim.requests()` filters: those of `GET /_sim/requests`, with `since` as a Date, an ISO string or ms of simulated time. */
export interface RequestQuery extends Omit<RequestFilter, 'since'> {
  since?: Date | string | number;
  /** At most this many, the newest. */
  limit?: number;
}

export interface Simulator {
  url: string;
  port: number;
  engine: Engine;
  clock: Clock;
  /** The seed this run uses (drawn at start when none was given): pass it back to replay the run. */
  seed: number;
  server: Server;
  /** Every message in the outbox, newest first, optionally for one provider. */
  messages(provider?: string): SimMessage[];
  /** The request journal, newest first: what was sent to the providers and what they answered (secrets redacted). */
  requests(filter?: RequestQuery): RequestEntry[];
  reset(provider?: string, tenant?: string): void;
  /** Resolves on the next engine event that matches (SSE names: 'message.status', 'webhook.delivery', …). */
  waitFor<K extends SimEventName>(name: K, predicate?: (event: SimEventMap[K]) => boolean, options?: WaitOptions): Promise<SimEventMap[K]>;
  /** Resolves once the message reaches `status` (at once if it already has). */
  waitForMessage(provider: string, id: string, status: MessageState, options?: WaitOptions): Promise<SimMessage>;
  /** The control API's operations as functions. */
  faults: { add(rule: FaultRuleInput): FaultRule; list(): readonly FaultRule[]; clear(provider?: string): void };
  /** Forces a message to a state through the natural path (same events and webhooks). */
  forceStatus(provider: string, id: string, status: MessageState, reason?: string): SimMessage;
  /** The base URL of a provider's API as mounted: `sim.baseUrl('msghub')` → `http://127.0.0.1:54321/msghub/api/v1`. */
  baseUrl(provider: string): string;
  /** Every webhook delivery with its attempts, newest first (finished ones past the log's bound are forgotten). */
  deliveries(filter?: DeliveryFilter): WebhookDelivery[];
  /** The built-in webhook receivers (`/_sim/receivers/<name>/hook`). */
  receivers: {
    /** Receivers that exist, most recently used last. */
    names(): string[];
    /** What a receiver got, newest first (empty for an unknown name). */
    requests(name: string): ReceivedRequest[];
    /** Forgets one receiver, or all of them. */
    clear(name?: string): void;
  };
  /** Resolves once no webhook attempt is queued or in flight. */
  settle(): Promise<void>;
  /** Loads a scenario, as POST /_sim/scenario: keys, fixtures, generated fixtures, faults, receivers, timings (an object, or YAML text). */
  scenario(scenario: RuntimeScenario | string): Promise<ScenarioSummary>;
  /** The state as one document (GET /_sim/state): everything, one provider's, or one of its tenants'. A copy: later changes do not show in it. */
  exportState(scope?: { provider?: string; tenant?: string }): Promise<StateDocument>;
  /** Restores a state document (PUT /_sim/state), replacing its scope; a bad one throws a 400 SimError naming the field and changes nothing. */
  importState(document: StateDocument | string): Promise<void>;
  /** Stops accepting connections, waits for in-flight requests and webhooks, flushes state. */
  close(): Promise<void>;
}

/** Which deliveries `sim.deliveries()` returns; every field optional. */
export interface DeliveryFilter {
  provider?: string;
  tenant?: string;
  eventType?: string;
  status?: DeliveryStatus;
  subject?: string;
}

/** The options given in code, without those left undefined (which must not hide a set-up file's). */
function definedOnly(options: SimulatorOptions): SimulatorOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

export async function createSimulator(given: SimulatorOptions = {}): Promise<Simulator> {
  const setup = await loadSetup(given, given.providers ?? PROVIDERS);
  const options: SimulatorOptions = setup ? { ...setup.options, ...definedOnly(given) } : given;
  const logger = options.logger ?? createLogger(options.logLevel ?? 'silent');
  const clock = new Clock({
    mode: options.clock ?? (options.speed ? 'speed' : 'real'),
    ...(options.speed ? { speed: options.speed } : {}),
    ...(options.start !== undefined ? { start: options.start } : {}),
    onError: (err, label) => logger.error({ err, label }, 'scheduled event failed'),
  });
  const seed = options.seed ?? randomInt(1, 2 ** 31);
  const engine = await createEngine({
    clock,
    seed,
    ...(options.data ? { dataFile: options.data, fsync: options.fsync ?? false } : {}),
    rateLimits: options.rateLimits ?? true,
    ...(options.timings ? { timings: options.timings } : {}),
    ...(options.webhookRetrySchedule ? { webhookRetrySchedule: options.webhookRetrySchedule } : {}),
    ...(options.webhookLogLimit ? { webhookLogLimit: options.webhookLogLimit } : {}),
    ...(options.journalSize !== undefined ? { journalSize: options.journalSize } : {}),
    ...(options.webhookAllow ? { webhookAllow: options.webhookAllow } : {}),
    onError: (err, where) => logger.error({ err, where }, 'engine error'),
  });
  const host = options.host ?? '127.0.0.1';
  let app: MsgsimApp['app'];
  let mounted: MsgsimApp['providers'];
  let receiverStore: MsgsimApp['receivers'];
  let applyScenario: MsgsimApp['applyScenario'];
  let server: Server;
  try {
    ({
      app,
      providers: mounted,
      receivers: receiverStore,
      applyScenario,
    } = await createApp({
      engine,
      providers: options.providers ?? PROVIDERS,
      ...(options.provider ? { only: options.provider } : {}),
      ...(options.adminToken ? { adminToken: options.adminToken } : {}),
      ...(options.cors ? { cors: options.cors } : {}),
      logger,
    }));
    if (setup) await setup.apply(applyScenario);
    server = await new Promise<Server>((resolve, reject) => {
      // Express 5 passes listen errors (EADDRINUSE) to this callback instead of emitting them.
      const listening = app.listen(options.port ?? 0, host, (error?: Error) => (error ? reject(error) : resolve(listening)));
    });
  } catch (error) {
    // The data file's lock and descriptor go with the simulator that failed to start.
    await engine.close().catch(() => undefined);
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;

  const url = `http://${urlHost}:${port}`;
  return {
    url,
    port,
    engine,
    clock,
    seed,
    server,
    messages(provider) {
      return [...mergeNewestFirst(engine.store.collections<SimMessage>(MESSAGES, provider).map((ref) => ref.collection.all()))];
    },
    requests(filter = {}) {
      const { since, limit, ...rest } = filter;
      const when = since === undefined ? undefined : since instanceof Date ? since.getTime() : typeof since === 'string' ? Date.parse(since) : since;
      return engine.requests.list({ ...rest, ...(when !== undefined ? { since: when } : {}) }, limit).map((record) => record.view());
    },
    reset: (provider, tenant) => engine.reset(provider, tenant),
    waitFor: (name, predicate, waitOptions) => waitForEvent(engine, name, predicate, waitOptions),
    waitForMessage: (provider, id, status, waitOptions) => waitForMessage(engine, provider, id, status, waitOptions),
    faults: {
      add: (rule) => engine.faults.add(rule),
      list: () => engine.faults.list(),
      clear: (provider) => engine.faults.clear(provider),
    },
    forceStatus(provider, id, status, reason) {
      const message = engine.store
        .collections<SimMessage>(MESSAGES, provider)
        .map((ref) => ref.collection.get(id))
        .find((m): m is SimMessage => m !== undefined);
      if (!message) throw new Error(`no ${provider} message ${id}`);
      return engine.lifecycle.force(message, status, reason ? { reason } : {});
    },
    baseUrl(provider) {
      const entry = mounted.get(provider);
      if (!entry) throw new Error(`no provider ${provider} is mounted; mounted: ${[...mounted.keys()].join(', ')}`);
      return `${url}${entry.apiPrefix}`;
    },
    deliveries: ({ provider, ...rest } = {}) => engine.webhooks.list({ ...rest, ...(provider ? { namespace: provider } : {}) }),
    receivers: {
      names: () => receiverStore.list().map((r) => r.name),
      requests(name) {
        const receiver = receiverStore.use(name, false);
        return receiver ? receiverStore.requests(receiver) : [];
      },
      clear(name) {
        for (const receiver of receiverStore.list()) if (name === undefined || receiver.name === name) receiverStore.remove(receiver);
      },
    },
    settle: () => engine.settle(),
    async scenario(scenario) {
      const summary = await applyScenario(scenario);
      await engine.store.commit();
      return summary;
    },
    async exportState(scope = {}) {
      if (scope.tenant !== undefined && scope.provider === undefined) throw new Error('a tenant scope needs its provider');
      return (await readStateDocument(exportStateChunks(engine, { provider: scope.provider ?? null, tenant: scope.tenant ?? null }))) as StateDocument;
    },
    async importState(document) {
      // Detached from the caller's object, which could otherwise change restored records behind the store's back.
      const value = typeof document === 'string' ? await readStateDocument([document]) : structuredClone(document);
      importState(engine, value, { namespaces: [...mounted.keys()] });
      await engine.store.commit();
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Requests hung on purpose by a TIMEOUT fault would otherwise hold the shutdown forever.
        for (const req of hungRequests) if (req.app === app) req.socket.destroy();
      });
      await engine.close();
    },
  };
}
