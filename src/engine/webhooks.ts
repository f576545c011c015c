/**
 * Webhook dispatcher: real HTTP POSTs to the receiver's URL, signed per attempt, retried on the simulated
 * clock, with every attempt kept in a bounded delivery log that the control API lists and replays.
 *
 * Semantics follow the Svix retry documentation (https://docs.svix.com/retries) and Standard Webhooks
 * (https://www.standardwebhooks.com):
 * - at-least-once delivery: the event id is stable across retries and replays, and receivers dedupe on it;
 * - a 2xx answer within the timeout (15 s with Svix) is success; any other status, including 3xx
 *   redirects, a timeout or a network error is a failure and is retried on the schedule;
 * - 410 Gone disables the endpoint at once (Standard Webhooks: senders should stop sending to an endpoint
 *   that answers 410), so no further retries happen.
 *
 * The engine knows no provider: `namespace` is opaque, signing is a function passed in with the request.
 * Time: simulated time (`clock.now()`) for timestamps and retry timers; wall time only for the network
 * timeout and the measured attempt duration, because the receiver is a real process.
 */
import type { Clock, TimerHandle } from './clock.js';
import { DeliveryLog } from './delivery-log.js';
import { SimError } from './errors.js';
import type { IdGenerator } from './random.js';
import type { WebhookSigner } from './webhook-signing.js';

export interface WebhookRequest {
  /** Provider name, opaque to the engine. */
  namespace: string;
  tenant: string;
  /** Subscription id when the provider has subscriptions. */
  endpointId?: string;
  url: string;
  secret: string;
  /** Stable across retries and replays (at-least-once; receivers dedupe on it). */
  eventId: string;
  eventType: string;
  /** Serialised once with JSON.stringify; the same raw bytes are sent on every attempt. */
  payload: unknown;
  sign: WebhookSigner;
  headers?: Record<string, string>;
  /** E.g. a message id, for filtering the log. */
  subject?: string;
}

export interface DeliveryAttempt {
  attempt: number;
  /** Simulated ISO time the attempt started. */
  at: string;
  /** Wall-clock duration of the HTTP exchange. */
  durationMs: number;
  request: { url: string; headers: Record<string, string>; body: string };
  /** Body holds at most the first 4 KiB. */
  response?: { status: number; headers: Record<string, string>; body: string };
  /** Timeout, connection refused, reset… */
  error?: string;
  outcome: 'success' | 'failure' | 'gone';
}

export type DeliveryStatus = 'pending' | 'retrying' | 'succeeded' | 'failed' | 'disabled';

export interface WebhookDelivery {
  /** `whd_…` */
  id: string;
  namespace: string;
  tenant: string;
  endpointId?: string;
  url: string;
  eventId: string;
  eventType: string;
  subject?: string;
  payload: unknown;
  status: DeliveryStatus;
  attempts: DeliveryAttempt[];
  /** Simulated ISO time of the next attempt, null when none is planned or one is in flight. */
  nextAttemptAt: string | null;
  createdAt: string;
  /** Id of the delivery this one replays. */
  replayOf?: string;
}

export interface WebhookDispatcherOptions {
  ids: IdGenerator;
  /**
   * Delays in ms before each attempt; its length is the maximum number of attempts. The first entry
   * belongs to the first attempt, which always starts at once (see `dispatch`).
   */
  retrySchedule?: number[];
  /** Per attempt, wall time. */
  timeoutMs?: number;
  /** Injectable for tests. */
  fetch?: typeof fetch;
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
  /**
   * Called when `onGone` or `onChange` throws. A listener's bug must never stop deliveries, but it should
   * not vanish silently either; without this option such errors are ignored.
   */
  onListenerError?: (error: unknown, delivery: WebhookDelivery) => void;
  /** Refuses URLs outside the allowlist (returns the reason); refused deliveries fail at once, unsent. */
  allowUrl?: (url: string) => string | undefined;
}

export interface WebhookDeliveryFilter {
  namespace?: string;
  tenant?: string;
  eventType?: string;
  status?: DeliveryStatus;
  subject?: string;
  endpointId?: string;
}

/**
 * Svix's schedule (https://docs.svix.com/retries): immediately, 5 s, 5 min, 30 min, 2 h, 5 h — each delay
 * counted from the failure of the previous attempt. Svix continues with 10 h and 10 h more; msgsim stops
 * after 5 h (six attempts, as ARCHITECTURE.md states) so a simulated day of failures stays readable.
 */
export const DEFAULT_RETRY_SCHEDULE: readonly number[] = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000];

/** Svix gives receivers 15 s to answer. */
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_LOG_ENTRIES = 10_000;

/** Only the start of a receiver's answer is kept: enough to debug, bounded in memory. */
const MAX_LOGGED_RESPONSE_BYTES = 4 * 1024;

const USER_AGENT = 'msgsim-webhooks/1.0';

/**
 * One delivery and what it takes to send it again. Everything but `sign`, `timer` and `cancelled` is
 * plain JSON data; the caller's request object is not kept (its payload lives on as `rawBody`), so a
 * pending delivery costs its log entry and body, nothing more.
 */
interface DeliveryRecord {
  readonly id: string;
  /** Creation order, for the log. */
  readonly seq: number;
  readonly delivery: WebhookDelivery;
  /** Serialised once at dispatch; every attempt and every replay sends exactly these bytes. */
  readonly rawBody: string;
  readonly secret: string;
  readonly headers: Record<string, string> | undefined;
  readonly sign: WebhookSigner;
  timer: TimerHandle | undefined;
  /** Set when the entry is reset: in-flight results are dropped and nothing is rescheduled. */
  cancelled: boolean;
}

export class WebhookDispatcher {
  private readonly ids: IdGenerator;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly allowUrl: ((url: string) => string | undefined) | undefined;
  private readonly onGone: ((delivery: WebhookDelivery) => void) | undefined;
  private readonly onChange: ((delivery: WebhookDelivery) => void) | undefined;
  private readonly onListenerError: ((error: unknown, delivery: WebhookDelivery) => void) | undefined;
  private retrySchedule: number[];
  private readonly log: DeliveryLog<DeliveryRecord>;
  private seq = 0;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly clock: Clock,
    options: WebhookDispatcherOptions,
  ) {
    this.ids = options.ids;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
    if (!(this.timeoutMs > 0)) throw new RangeError('timeoutMs must be positive');
    // Resolved at call time rather than captured here, so a test can stub globalThis.fetch later.
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.allowUrl = options.allowUrl;
    this.log = new DeliveryLog(Math.max(1, options.maxLogEntries ?? DEFAULT_MAX_LOG_ENTRIES));
    this.onGone = options.onGone;
    this.onChange = options.onChange;
    this.onListenerError = options.onListenerError;
    this.retrySchedule = validSchedule(options.retrySchedule ?? [...DEFAULT_RETRY_SCHEDULE]);
  }

  /**
   * Logs a delivery and starts its first attempt. Returns at once and never throws for network problems;
   * the returned object is the live log entry and is updated as attempts complete.
   * Throws only for a payload JSON cannot serialise (a programming error in the caller).
   */
  dispatch(request: WebhookRequest): WebhookDelivery {
    const { url, secret, headers, sign } = request;
    return this.enqueue(request, { url, secret, headers, sign, rawBody: serialise(request.payload) }, undefined);
  }

  /** Newest first. */
  list(filter: WebhookDeliveryFilter = {}): WebhookDelivery[] {
    const out: WebhookDelivery[] = [];
    for (const { delivery } of this.log.newestFirst()) {
      if (filter.namespace !== undefined && delivery.namespace !== filter.namespace) continue;
      if (filter.tenant !== undefined && delivery.tenant !== filter.tenant) continue;
      if (filter.eventType !== undefined && delivery.eventType !== filter.eventType) continue;
      if (filter.status !== undefined && delivery.status !== filter.status) continue;
      if (filter.subject !== undefined && delivery.subject !== filter.subject) continue;
      if (filter.endpointId !== undefined && delivery.endpointId !== filter.endpointId) continue;
      out.push(delivery);
    }
    return out;
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
    return this.enqueue(original.delivery, { ...original, url: original.delivery.url }, id);
  }

  /** Resolves once no attempt is in flight (tests await it after `clock.advance`). */
  async settle(): Promise<void> {
    // Loop: an attempt finishing may let a real/speed-mode clock fire a retry that starts another one.
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  /** Applies to retries planned from now on; timers already armed keep their delay. */
  setRetrySchedule(schedule: number[]): void {
    this.retrySchedule = validSchedule(schedule);
  }

  get schedule(): readonly number[] {
    return this.retrySchedule;
  }

  /** Drops log entries (all, one namespace, or one tenant of a namespace) and cancels their retries. */
  reset(namespace?: string, tenant?: string): void {
    const removed = this.log.removeWhere(
      ({ delivery }) => (namespace === undefined || delivery.namespace === namespace) && (tenant === undefined || delivery.tenant === tenant),
    );
    for (const record of removed) this.cancel(record);
  }

  /** `about` gives the log fields, `sending` what each attempt sends. */
  private enqueue(
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
      seq: ++this.seq,
      delivery,
      rawBody,
      secret: sending.secret,
      headers: sending.headers,
      sign: sending.sign,
      timer: undefined,
      cancelled: false,
    };
    this.log.add(record);

    // The first attempt starts on a microtask, not a clock timer: in manual mode a 0 ms timer would wait
    // for the next advance, and the caller (an API handler) must never wait for the receiver.
    this.track(Promise.resolve().then(() => this.attempt(record)));
    return delivery;
  }

  private track(promise: Promise<void>): void {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
  }

  private async attempt(record: DeliveryRecord): Promise<void> {
    if (record.cancelled) return;
    record.timer = undefined;
    const { delivery, rawBody } = record;
    delivery.nextAttemptAt = null;
    const attemptNumber = delivery.attempts.length + 1;
    const at = this.clock.iso();

    let headers: Record<string, string> = {};
    let result: Pick<DeliveryAttempt, 'response' | 'error' | 'outcome'>;
    const started = this.clock.realNow();
    const refused = this.allowUrl?.(delivery.url);
    try {
      headers = this.buildHeaders(record);
      result = refused ? { error: `not sent: ${refused}`, outcome: 'failure' } : await this.post(delivery.url, headers, rawBody);
    } catch (error) {
      // Signing or header problems (or anything unexpected) are logged as a failed attempt, never thrown.
      result = { error: `request not sent: ${describeError(error)}`, outcome: 'failure' };
    }
    const durationMs = Math.max(0, Math.round(this.clock.realNow() - started));
    if (record.cancelled) return;

    delivery.attempts.push({
      attempt: attemptNumber,
      at,
      durationMs,
      request: { url: delivery.url, headers, body: rawBody },
      ...result,
    });

    if (refused) {
      // Retrying cannot change the allowlist's answer.
      delivery.status = 'failed';
    } else if (result.outcome === 'success') {
      delivery.status = 'succeeded';
    } else if (result.outcome === 'gone') {
      delivery.status = 'disabled';
      this.notify(this.onGone, delivery);
    } else if (attemptNumber < this.retrySchedule.length) {
      // Svix counts each delay from the failure of the preceding attempt, i.e. from now.
      const delay = this.retrySchedule[attemptNumber] ?? 0;
      delivery.status = 'retrying';
      delivery.nextAttemptAt = new Date(this.clock.now() + delay).toISOString();
      record.timer = this.clock.schedule(
        delay,
        () => this.track(this.attempt(record)),
        `webhook retry ${delivery.id} #${attemptNumber + 1}`,
      );
    } else {
      delivery.status = 'failed';
    }
    if (delivery.status !== 'retrying') this.log.finished(record);
    this.notify(this.onChange, delivery);
  }

  /**
   * Signed afresh on every attempt: the timestamp is part of the Standard Webhooks signature and
   * receivers reject stale ones. Names are lower-cased (HTTP headers are case-insensitive) so a
   * provider header cannot duplicate a default one; signature headers go last so nothing overrides them.
   */
  private buildHeaders({ delivery, headers: extraHeaders, sign, secret, rawBody }: DeliveryRecord): Record<string, string> {
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

  private async post(
    url: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<Pick<DeliveryAttempt, 'response' | 'error' | 'outcome'>> {
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method: 'POST',
        headers,
        body,
        // A redirect is a failure (Svix: "any other status code, including 3xx redirects"), so it must
        // be seen rather than followed.
        redirect: 'manual',
        signal: this.clock.realAbortSignal(this.timeoutMs),
      });
    } catch (error) {
      return { error: this.describeNetworkError(error), outcome: 'failure' };
    }

    const status = response.status;
    const outcome: DeliveryAttempt['outcome'] =
      status >= 200 && status < 300 ? 'success' : status === 410 ? 'gone' : 'failure';
    const responseHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      responseHeaders[name] = value;
    });
    // The status decides the outcome; a body cut short (timeout, reset) is only noted in the log.
    const { text, error } = await readLimited(response, MAX_LOGGED_RESPONSE_BYTES);
    return {
      response: { status, headers: responseHeaders, body: text },
      ...(error !== undefined ? { error: `response body: ${this.describeNetworkError(error)}` } : {}),
      outcome,
    };
  }

  private describeNetworkError(error: unknown): string {
    if (isTimeout(error)) return `timeout after ${this.timeoutMs} ms`;
    return describeError(error);
  }

  private notify(listener: ((delivery: WebhookDelivery) => void) | undefined, delivery: WebhookDelivery): void {
    if (!listener) return;
    try {
      listener(delivery);
    } catch (error) {
      this.onListenerError?.(error, delivery);
    }
  }

  /** The delivery was reset: its timer goes, and an attempt in flight records nothing when it ends. */
  private cancel(record: DeliveryRecord): void {
    record.cancelled = true;
    record.timer?.cancel();
    record.timer = undefined;
    record.delivery.nextAttemptAt = null;
  }
}

function validSchedule(schedule: number[]): number[] {
  if (
    !Array.isArray(schedule) ||
    schedule.length === 0 ||
    !schedule.every((delay) => typeof delay === 'number' && Number.isFinite(delay) && delay >= 0)
  ) {
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

/** Reads at most `limit` bytes, then cancels the stream so a huge or endless body costs nothing more. */
async function readLimited(response: Response, limit: number): Promise<{ text: string; error?: unknown }> {
  const reader = response.body?.getReader();
  if (!reader) return { text: '' };
  const chunks: Uint8Array[] = [];
  let size = 0;
  let error: unknown;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch (caught) {
    error = caught;
  } finally {
    if (size >= limit) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
  const bytes = Buffer.concat(chunks).subarray(0, limit);
  return error === undefined ? { text: bytes.toString('utf8') } : { text: bytes.toString('utf8'), error };
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

/**
 * Node's fetch reports network failures as `TypeError: fetch failed` with the useful part in `cause`
 * (`connect ECONNREFUSED 127.0.0.1:1234`, `other side closed`…), so the cause chain is unwrapped.
 */
function describeError(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5; depth++) {
    if (!(current instanceof Error)) break;
    const cause: unknown = current.cause;
    if (!(cause instanceof Error)) {
      // AggregateError (several addresses tried) has an empty message but a code.
      const code = errorCode(current);
      if (!current.message) return code ?? current.name;
      return code && !current.message.includes(code) ? `${code}: ${current.message}` : current.message;
    }
    current = cause;
  }
  return current instanceof Error ? current.message : String(current);
}

function errorCode(error: Error): string | undefined {
  const code: unknown = (error as Error & { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
