/**
 * Webhook dispatcher: real HTTP POSTs to the receiver's URL, signed per attempt, retried on the simulated
 * clock, through a bounded pool of concurrent requests, with every delivery kept in a log that the
 * control API pages through and replays.
 *
 * Semantics follow the Svix retry documentation (https://docs.svix.com/retries) and Standard Webhooks
 * (https://www.standardwebhooks.com):
 * - at-least-once delivery: the event id is stable across retries and replays, and receivers dedupe on it;
 * - a 2xx answer within the timeout (15 s with Svix) is success; any other status, including 3xx
 *   redirects, a timeout or a network error is a failure and is retried on the schedule;
 * - 410 Gone disables the endpoint at once (Standard Webhooks: senders should stop sending to an endpoint
 *   that answers 410), so no further retries happen.
 *
 * A delivery's life: created (logged, in line for its first attempt) → attempt started (sent) → attempt
 * finished → retry scheduled (back in line when the clock reaches it) or finished; or dropped by a reset.
 * Each of these is one method below and one `onTransition` call, so persistence can attach there.
 *
 * This file is the dispatch and its retries. A delivery's types are in webhook-delivery.ts (the
 * dispatcher's record of one in delivery-record.ts); reading the log (lists, pages, counts, figures) in
 * delivery-queries.ts; keeping deliveries across restarts and state snapshots (the table, signers saved
 * by name, export and restore) in delivery-persistence.ts.
 *
 * The engine knows no provider: `namespace` is opaque, signing is a function passed in with the request.
 * Time: simulated time (`clock.now()`) for timestamps and retry timers; wall time only for the network
 * timeout and the measured attempt duration, because the receiver is a real process.
 */
import type { LookupFunction } from 'node:net';
import type { Clock } from './clock.js';
import { DeliveryLog } from './delivery-log.js';
import { DeliveryPersistence } from './delivery-persistence.js';
import { countDeliveries, dispatchStats, listDeliveries, pageDeliveries } from './delivery-queries.js';
import type { DeliveryRecord } from './delivery-record.js';
import { DispatchPool } from './dispatch-pool.js';
import { SimError } from './errors.js';
import type { IdGenerator } from './random.js';
import type { Table } from './table.js';
import type {
  DeliveryAttempt,
  DeliveryTransition,
  ExportedDelivery,
  SavedDelivery,
  WebhookDelivery,
  WebhookDeliveryFilter,
  WebhookDeliveryPage,
  WebhookDispatchStats,
  WebhookRequest,
} from './webhook-delivery.js';
import {
  AddressRefusedError,
  createHttpTransport,
  describeError,
  postWebhook,
  type HttpTransport,
  type PostResult,
  type WebhookTransport,
} from './webhook-post.js';
import { standardWebhooksSigner, type WebhookSigner } from './webhook-signing.js';
import type { AddressPolicy } from './webhook-url-policy.js';

export type * from './webhook-delivery.js';

export interface WebhookDispatcherOptions {
  ids: IdGenerator;
  /**
   * Delays in ms before each attempt; its length is the maximum number of attempts. The first entry
   * belongs to the first attempt, which always starts at once (see `dispatch`).
   */
  retrySchedule?: number[];
  /** Per attempt, wall time, counted from when its request is sent (not while it waits for a slot). */
  timeoutMs?: number;
  /** Attempts in flight at once, all receivers together (default 64). */
  maxConcurrent?: number;
  /** Attempts in flight at once to one origin (scheme, host and port; default 16). */
  maxPerOrigin?: number;
  /** How a POST is sent; node:http(s) with a keep-alive Agent of the dispatcher's own by default. Injectable for tests. */
  transport?: WebhookTransport;
  /**
   * How many finished deliveries (succeeded, failed, disabled) the log keeps; past it, those that
   * finished longest ago are forgotten. Pending and retrying deliveries are always kept, whatever their
   * number: forgetting one would lose its event.
   */
  maxLogEntries?: number;
  /** Receiver answered 410: the provider disables the subscription; no more retries. */
  onGone?: (delivery: WebhookDelivery) => void;
  /** After every attempt (for the live UI stream). */
  onChange?: (delivery: WebhookDelivery) => void;
  /** Every state change (see DeliveryTransition): where persistence attaches. */
  onTransition?: (transition: DeliveryTransition) => void;
  /**
   * Called when `onGone`, `onChange` or `onTransition` throws. A listener's bug must never stop
   * deliveries, but it should not vanish silently either; without this option such errors are ignored.
   */
  onListenerError?: (error: unknown, delivery: WebhookDelivery) => void;
  /** Refuses URLs outside the allowlist (returns the reason); refused deliveries fail at once, unsent. */
  allowUrl?: (url: string) => string | undefined;
  /**
   * Refuses the addresses a URL's host name resolves to (returns the reason), checked by the default
   * transport as it connects; refused deliveries fail at once, unsent, as with `allowUrl`.
   */
  allowAddress?: AddressPolicy;
  /** How the default transport resolves host names (dns.lookup by default). Injectable for tests. */
  lookup?: LookupFunction;
  /**
   * Where deliveries are kept across restarts (`--data`): loaded at construction, pending and retrying
   * ones resumed on the clock once their signer is registered (`registerSigner`).
   */
  table?: Table<SavedDelivery>;
}

/** The signer every Standard Webhooks provider uses, registered by every dispatcher under this name. */
export const STANDARD_WEBHOOKS = 'standard-webhooks';

/**
 * Svix's schedule (https://docs.svix.com/retries): immediately, 5 s, 5 min, 30 min, 2 h, 5 h — each delay
 * counted from the failure of the previous attempt. Svix continues with 10 h and 10 h more; msgsim stops
 * after 5 h (six attempts, as the README states) so a simulated day of failures stays readable.
 */
export const DEFAULT_RETRY_SCHEDULE: readonly number[] = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000];

/** Svix gives receivers 15 s to answer. */
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_LOG_ENTRIES = 10_000;
/**
 * Per origin: a local receiver takes no more requests per second from more than ~16 at once, only each
 * one waits longer (bench/webhooks.ts runs a bare sender at 1, 4, 16 and 64 at a time: 2.9k, 4.2k, 8.5k,
 * 8.7k POST/s on 2026-12-07); 16 keep-alive sockets stay far below a server's accept backlog (Node's
 * default 511), so no connection waits on SYN retransmissions; and browsers allow 6 per origin, so a
 * receiver built for the web takes 16 at once.
 */
export const DEFAULT_MAX_PER_ORIGIN = 16;
/**
 * Overall: four receivers at full speed. The bound on the whole is what keeps a burst from taking the
 * event loop from the provider API: each answer costs a slice of a loop turn, and 64 of them per turn
 * still leave requests room (p99 of a provider GET during a 100,000-delivery burst: bench/webhooks.ts).
 */
export const DEFAULT_MAX_CONCURRENT = 64;

const USER_AGENT = 'msgsim-webhooks/1.0';

/** A retry timer's label, built only if the timer throws (a string per timer would cost memory). */
const retryLabel = (record: DeliveryRecord): string => `webhook retry ${record.id}`;

export class WebhookDispatcher {
  private readonly ids: IdGenerator;
  private readonly timeoutMs: number;
  private readonly transport: WebhookTransport;
  /** The default transport, whose sockets `close` releases. */
  private readonly ownTransport: HttpTransport | undefined;
  private readonly allowUrl: ((url: string) => string | undefined) | undefined;
  private readonly onGone: ((delivery: WebhookDelivery) => void) | undefined;
  private readonly onChange: ((delivery: WebhookDelivery) => void) | undefined;
  private readonly onTransition: ((transition: DeliveryTransition) => void) | undefined;
  private readonly onListenerError: ((error: unknown, delivery: WebhookDelivery) => void) | undefined;
  private retrySchedule: number[];
  private readonly log: DeliveryLog<DeliveryRecord>;
  private readonly pool: DispatchPool<DeliveryRecord>;
  private closed = false;
  /** Deliveries across restarts (`table`) and state snapshots, and the signers they are saved by name with. */
  private readonly persistence: DeliveryPersistence;
  /** One function for every retry timer (the timer carries the record), not a closure each. */
  private readonly retryDue = (record: DeliveryRecord): void => {
    record.timer = undefined;
    this.line(record);
  };

  constructor(
    private readonly clock: Clock,
    options: WebhookDispatcherOptions,
  ) {
    this.ids = options.ids;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
    if (!(this.timeoutMs > 0)) throw new RangeError('timeoutMs must be positive');
    this.allowUrl = options.allowUrl;
    this.onGone = options.onGone;
    this.onChange = options.onChange;
    this.onTransition = options.onTransition;
    this.onListenerError = options.onListenerError;
    this.retrySchedule = validSchedule(options.retrySchedule ?? [...DEFAULT_RETRY_SCHEDULE]);
    this.log = new DeliveryLog(Math.max(1, options.maxLogEntries ?? DEFAULT_MAX_LOG_ENTRIES), (record) =>
      this.transition({ kind: 'dropped', state: record, reason: 'forgotten' }),
    );
    const maxPerOrigin = options.maxPerOrigin ?? DEFAULT_MAX_PER_ORIGIN;
    this.pool = new DispatchPool({ maxConcurrent: options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT, maxPerOrigin }, (record) => this.attempt(record));
    this.ownTransport = options.transport
      ? undefined
      : createHttpTransport(maxPerOrigin, {
          ...(options.allowAddress ? { allowAddress: options.allowAddress } : {}),
          ...(options.lookup ? { lookup: options.lookup } : {}),
        });
    this.transport = options.transport ?? this.ownTransport!.post;
    this.persistence = new DeliveryPersistence(this.log, options.table, (record) => this.resume(record));
    this.persistence.load();
    this.registerSigner(STANDARD_WEBHOOKS, standardWebhooksSigner);
  }

  /**
   * Names a signer, so deliveries signed with it can be saved and resumed after a restart; resumes the
   * loaded deliveries that wait for it. Providers register theirs when they are built.
   */
  registerSigner(name: string, signer: WebhookSigner): void {
    this.persistence.registerSigner(name, signer);
  }

  /**
   * Logs a delivery and puts its first attempt in line. Returns at once and never throws for network
   * problems; the returned object is the live log entry and is updated as attempts complete.
   * Throws only for a payload JSON cannot serialise (a programming error in the caller).
   */
  dispatch(request: WebhookRequest): WebhookDelivery {
    const { url, secret, headers, sign } = request;
    return this.create(request, { url, secret, headers, sign, rawBody: serialise(request.payload) }, undefined);
  }

  /** Newest first. */
  list(filter: WebhookDeliveryFilter = {}): WebhookDelivery[] {
    return listDeliveries(this.log, filter);
  }

  /** One page, newest first, from a cursor that is a position in the log (see pageDeliveries). */
  page(options: { filter?: WebhookDeliveryFilter; limit: number; cursor?: string }): WebhookDeliveryPage {
    return pageDeliveries(this.log, options);
  }

  get(id: string): WebhookDelivery | undefined {
    return this.log.get(id)?.delivery;
  }

  /**
   * A new delivery of the same event: same event id and the same raw body (receivers dedupe on the id,
   * as with Svix's "resend"), to the same URL and secret, with fresh attempts and `replayOf` set.
   */
  replay(id: string): WebhookDelivery | undefined {
    const original = this.log.get(id);
    if (!original) return undefined;
    return this.create(original.delivery, { ...original, url: original.delivery.url }, id);
  }

  /** How many deliveries in the log match. */
  count(filter: WebhookDeliveryFilter = {}): number {
    return countDeliveries(this.log, filter);
  }

  stats(): WebhookDispatchStats {
    return dispatchStats(this.log, this.pool);
  }

  /** Resolves once no attempt is queued or in flight (tests await it after `clock.advance`). */
  async settle(): Promise<void> {
    // Loop: an attempt finishing may let a real/speed-mode clock put a retry in line.
    while (!this.pool.idle) await this.pool.whenIdle();
  }

  /**
   * Starts no more attempts (those in line stay pending in the log) and resolves once none is in flight:
   * a shutdown finishes what it sent, without first working through a queue of 100,000.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.pool.removeWhere(() => true);
    await this.settle();
    this.ownTransport?.close();
  }

  /** Applies to retries planned from now on; timers already armed keep their delay. */
  setRetrySchedule(schedule: number[]): void {
    this.retrySchedule = validSchedule(schedule);
  }

  get schedule(): readonly number[] {
    return this.retrySchedule;
  }

  /** Drops deliveries (all, one namespace, or one tenant of a namespace): their retries and their place in line. */
  reset(namespace?: string, tenant?: string): void {
    const removed = this.log.removeWhere(
      ({ delivery }) => (namespace === undefined || delivery.namespace === namespace) && (tenant === undefined || delivery.tenant === tenant),
    );
    if (removed.length === 0) return;
    for (const record of removed) {
      record.cancelled = true;
      record.timer?.cancel();
      record.timer = undefined;
      record.delivery.nextAttemptAt = null;
    }
    this.pool.removeWhere((record) => record.cancelled);
    for (const record of removed) this.transition({ kind: 'dropped', state: record, reason: 'reset' });
  }

  // --- the state changes -------------------------------------------------------------------------

  /** `about` gives the log fields, `sending` what each attempt sends. */
  private create(
    about: Pick<WebhookRequest, 'namespace' | 'tenant' | 'endpointId' | 'eventId' | 'eventType' | 'subject'>,
    sending: Pick<DeliveryRecord, 'rawBody' | 'secret' | 'headers' | 'sign'> & { url: string },
    replayOf: string | undefined,
  ): WebhookDelivery {
    const { rawBody } = sending;
    const now = this.clock.iso();
    const delivery: WebhookDelivery = {
      id: this.ids.next('whd_'),
      namespace: about.namespace,
      tenant: about.tenant,
      ...(about.endpointId !== undefined ? { endpointId: about.endpointId } : {}),
      url: sending.url,
      eventId: about.eventId,
      eventType: about.eventType,
      ...(about.subject !== undefined ? { subject: about.subject } : {}),
      // A snapshot of what is sent, so later mutation of the caller's object cannot rewrite history.
      payload: JSON.parse(rawBody) as unknown,
      status: 'pending',
      attempts: [],
      nextAttemptAt: now,
      createdAt: now,
      ...(replayOf !== undefined ? { replayOf } : {}),
    };
    const record: DeliveryRecord = {
      id: delivery.id,
      seq: this.log.lastSeq + 1,
      delivery,
      rawBody,
      secret: sending.secret,
      headers: sending.headers,
      sign: sending.sign,
      saved: undefined,
      timer: undefined,
      cancelled: false,
    };
    record.saved = this.persistence.savedFor(record);
    this.log.add(record);
    this.transition({ kind: 'created', state: record });
    // In line, not started here: the caller (an API handler, a clock event) must never wait for the
    // receiver, and in manual mode a 0 ms clock timer would wait for the next advance.
    this.line(record);
    return delivery;
  }

  /** Due: waits for a slot in the pool (the timeout does not run yet). */
  private line(record: DeliveryRecord): void {
    if (record.cancelled || this.closed) return;
    this.pool.push(originOf(record.delivery.url), record);
  }

  /** Runs in a pool slot; never throws. */
  private async attempt(record: DeliveryRecord): Promise<void> {
    if (record.cancelled) return;
    const { delivery, rawBody } = record;
    delivery.nextAttemptAt = null;
    const attemptNumber = delivery.attempts.length + 1;
    const at = this.clock.iso();
    this.transition({ kind: 'attempt-started', state: record, attempt: attemptNumber });

    let headers: Record<string, string> = {};
    let result: PostResult;
    const started = this.clock.realNow();
    let refused = this.allowUrl?.(delivery.url);
    try {
      headers = this.buildHeaders(record);
      result = refused
        ? { error: `not sent: ${refused}`, outcome: 'failure' }
        : await postWebhook(this.transport, this.clock, this.timeoutMs, delivery.url, headers, rawBody);
    } catch (error) {
      // The host name resolved to an address off the allowlist; signing or header problems (or anything
      // unexpected) are logged as a failed attempt, never thrown.
      refused = error instanceof AddressRefusedError ? error.message : undefined;
      result = { error: refused ? `not sent: ${refused}` : `request not sent: ${describeError(error)}`, outcome: 'failure' };
    }
    const durationMs = Math.max(0, Math.round(this.clock.realNow() - started));
    if (record.cancelled) return;

    const attempt: DeliveryAttempt = { attempt: attemptNumber, at, durationMs, request: { url: delivery.url, headers, body: rawBody }, ...result };
    delivery.attempts.push(attempt);
    this.transition({ kind: 'attempt-finished', state: record, attempt });

    if (refused) {
      // Retrying cannot change the allowlist's answer.
      this.finish(record, 'failed');
    } else if (result.outcome === 'success') {
      this.finish(record, 'succeeded');
    } else if (result.outcome === 'gone') {
      this.finish(record, 'disabled');
    } else if (attemptNumber < this.retrySchedule.length) {
      this.scheduleRetry(record, this.retrySchedule[attemptNumber] ?? 0);
    } else {
      this.finish(record, 'failed');
    }
    this.notify(this.onChange, delivery);
  }

  private scheduleRetry(record: DeliveryRecord, delay: number): void {
    // Svix counts each delay from the failure of the preceding attempt, i.e. from now.
    const at = this.clock.now() + delay;
    record.delivery.status = 'retrying';
    record.delivery.nextAttemptAt = new Date(at).toISOString();
    record.timer = this.clock.scheduleAt(at, this.retryDue, retryLabel, record);
    this.transition({ kind: 'retry-scheduled', state: record, at: record.delivery.nextAttemptAt });
  }

  private finish(record: DeliveryRecord, status: 'succeeded' | 'failed' | 'disabled'): void {
    record.delivery.status = status;
    if (status === 'disabled') this.notify(this.onGone, record.delivery);
    this.transition({ kind: 'finished', state: record });
    // Last: it may forget older finished deliveries, each a `dropped` transition after this one.
    this.log.finished(record);
  }

  // ------------------------------------------------------------------------------------------------

  /**
   * Signed afresh on every attempt: the timestamp is part of the Standard Webhooks signature and
   * receivers reject stale ones. Names are lower-cased (HTTP headers are case-insensitive) so a
   * provider header cannot duplicate a default one; signature headers go last so nothing overrides them.
   */
  private buildHeaders({ delivery, headers: extraHeaders, sign, secret, rawBody }: DeliveryRecord): Record<string, string> {
    if (!sign) throw new Error('its signer is not registered');
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
    };
    const add = (extra: Record<string, string> | undefined): void => {
      for (const [name, value] of Object.entries(extra ?? {})) headers[name.toLowerCase()] = value;
    };
    add(extraHeaders);
    add(
      sign({
        secret,
        rawBody,
        eventId: delivery.eventId,
        timestamp: Math.floor(this.clock.now() / 1000),
      }),
    );
    return headers;
  }

  private transition(transition: DeliveryTransition): void {
    this.persistence.save(transition);
    if (!this.onTransition) return;
    try {
      this.onTransition(transition);
    } catch (error) {
      this.onListenerError?.(error, transition.state.delivery);
    }
  }

  /**
   * Every delivery of everything, one namespace or one tenant of it, oldest first, as a state export keeps
   * it: what the data file would hold, without the log position (a restore gives each a new one).
   */
  exported(namespace?: string, tenant?: string): ExportedDelivery[] {
    return this.persistence.exported(namespace, tenant);
  }

  /**
   * Deliveries a state import brings back, after the ones in the log, in their order: listed again, and
   * the unfinished ones resumed as after a restart (a retry at its time, else in line).
   */
  restore(deliveries: readonly ExportedDelivery[]): void {
    this.persistence.restore(deliveries);
  }

  /** A loaded delivery goes on where it was: a retry at its time (at once if that has passed), else in line. */
  private resume(record: DeliveryRecord): void {
    const { delivery } = record;
    const at = delivery.status === 'retrying' && delivery.nextAttemptAt ? Date.parse(delivery.nextAttemptAt) : Number.NaN;
    if (Number.isFinite(at)) record.timer = this.clock.scheduleAt(at, this.retryDue, retryLabel, record);
    else this.line(record);
  }

  private notify(listener: ((delivery: WebhookDelivery) => void) | undefined, delivery: WebhookDelivery): void {
    if (!listener) return;
    try {
      listener(delivery);
    } catch (error) {
      this.onListenerError?.(error, delivery);
    }
  }
}

/** The pool's key: one line per scheme, host and port, the unit a receiver (and undici's pool) serves. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    // Not a URL: its attempt fails at once, without the network; one line for all of them.
    return '';
  }
}

function validSchedule(schedule: number[]): number[] {
  if (!Array.isArray(schedule) || schedule.length === 0 || !schedule.every((delay) => typeof delay === 'number' && Number.isFinite(delay) && delay >= 0)) {
    throw new SimError({
      kind: 'invalid_request',
      message: 'retrySchedule must be a non-empty list of non-negative delays in milliseconds',
      field: 'retrySchedule',
      value: schedule,
    });
  }
  return [...schedule];
}

function serialise(payload: unknown): string {
  let raw: string | undefined;
  try {
    raw = JSON.stringify(payload);
  } catch (error) {
    throw new SimError({ kind: 'internal', message: `webhook payload is not serialisable: ${describeError(error)}` });
  }
  // JSON.stringify(undefined) is undefined; send an explicit JSON null rather than an empty body.
  return raw ?? 'null';
}
