/**
 * What a webhook delivery is, as the dispatcher (webhooks.ts), the log's queries (delivery-queries.ts) and
 * persistence (delivery-persistence.ts) share it: the request a provider dispatches, the logged delivery
 * and its attempts, its saved and exported forms, the transitions persistence attaches to, and the
 * filter, page and figures the control API reads. webhooks.ts re-exports them all.
 */
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
  /** Simulated ISO time the attempt's request was sent (after any wait for a slot in the pool). */
  at: string;
  /** Wall-clock duration of the HTTP exchange, from sending the request to the end of the answer. */
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

/**
 * The plain-JSON part of a delivery: with its signer (which a persisted record would name), everything
 * needed to list it and to send it again after a restart.
 */
export interface DeliveryState {
  readonly delivery: WebhookDelivery;
  /** Serialised once at dispatch; every attempt and every replay sends exactly these bytes. */
  readonly rawBody: string;
  readonly secret: string;
  /** The provider's extra headers, sent on every attempt. */
  readonly headers: Record<string, string> | undefined;
}

/** Every change of a delivery's state, in the order they happen; `state` is the live record. */
export type DeliveryTransition =
  | { kind: 'created'; state: DeliveryState }
  | { kind: 'attempt-started'; state: DeliveryState; attempt: number }
  | { kind: 'attempt-finished'; state: DeliveryState; attempt: DeliveryAttempt }
  | { kind: 'retry-scheduled'; state: DeliveryState; at: string }
  | { kind: 'finished'; state: DeliveryState }
  /** `reset`: its tenant, provider or everything was reset. `forgotten`: finished, and past the log's bound. */
  | { kind: 'dropped'; state: DeliveryState; reason: 'reset' | 'forgotten' };

/**
 * A delivery as the data file holds it: what it takes to list it and to send it again after a restart.
 * Its signer is named: functions are not data (see `registerSigner`).
 */
export interface SavedDelivery {
  id: string;
  seq: number;
  /** The registered name of its signer; absent for a signer nobody registered (it cannot be resumed). */
  signer?: string;
  delivery: WebhookDelivery;
  rawBody: string;
  secret: string;
  headers?: Record<string, string>;
}

/** A delivery in a state export: a saved one without its place in the log. */
export type ExportedDelivery = Omit<SavedDelivery, 'seq'>;

export interface WebhookDeliveryFilter {
  namespace?: string;
  tenant?: string;
  eventType?: string;
  status?: DeliveryStatus;
  subject?: string;
  endpointId?: string;
}

export interface WebhookDeliveryPage {
  /** Newest first. */
  deliveries: WebhookDelivery[];
  /** Every delivery in the log that matches the filter, on every page. */
  total: number;
  /** Where the next page starts; null on the last page. */
  nextCursor: string | null;
}

export interface WebhookDispatchStats {
  /** Attempts due and waiting for a slot in the pool. */
  queued: number;
  /** Attempts sent and not yet answered. */
  inFlight: number;
  /** Deliveries pending or retrying (queued, in flight, or waiting for the clock). */
  unfinished: number;
  /** Deliveries in the log, finished or not. */
  logged: number;
}
