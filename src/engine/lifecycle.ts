/**
 * The message state machine, driven by the clock:
 *
 *   queued ──▶ sent ──▶ delivered ──▶ read
 *     │          ├────▶ failed
 *     └──▶ failed└────▶ undelivered ──▶ delivered | failed   (late delivery receipt)
 *
 * Each natural step is one clock timer, chosen from the message's magic outcome; QA can force a
 * transition, which walks the same path (emitting the same events) and cancels the natural timer.
 */
import type { Clock, TimerHandle } from './clock.js';
import { SimError } from './errors.js';
import type { EventBus } from './events.js';
import { MESSAGES, type MessageFailure, type MessageState, type SimMessage } from './message.js';
import type { Store } from './store.js';
import { magicOutcome, type MagicOutcome } from './magic.js';

export interface LifecycleTimings {
  /** queued → sent */
  sendMs: number;
  /** sent → delivered (or failed, for recipients that fail) */
  deliverMs: number;
  /** delivered → read, for recipients that read */
  readMs: number;
  /** sent → delivered for the slow magic recipient */
  slowDeliverMs: number;
}

export const DEFAULT_TIMINGS: LifecycleTimings = {
  sendMs: 1_000,
  deliverMs: 2_000,
  readMs: 5_000,
  slowDeliverMs: 60_000,
};

const NEXT: Record<MessageState, readonly MessageState[]> = {
  queued: ['sent', 'failed'],
  sent: ['delivered', 'failed', 'undelivered'],
  undelivered: ['delivered', 'failed'],
  delivered: ['read'],
  read: [],
  failed: [],
};

export const CARRIER_REJECTED: MessageFailure = {
  code: 'carrier_rejected',
  message: 'The carrier rejected the message',
};

export const INVALID_NUMBER: MessageFailure = {
  code: 'invalid_number',
  message: 'The recipient address is not valid',
};

export interface QueuedMessageInput {
  id: string;
  namespace: string;
  tenant: string;
  channel: string;
  to: string;
  /** Provider-specific fields, opaque to the engine. */
  data: object;
  /** Leave the queue at this time (scheduled sends). */
  sendAt?: string;
  /** Defaults to what the recipient's magic address makes of it. */
  outcome?: MagicOutcome;
  /** When it was queued; defaults to now. */
  at?: string;
}

export interface TransitionOptions {
  forced?: boolean;
  reason?: string;
  failure?: MessageFailure;
}

export function isTerminal(state: MessageState): boolean {
  return NEXT[state].length === 0;
}

export class Lifecycle {
  private readonly timers = new Map<string, TimerHandle>();
  private current: LifecycleTimings;

  constructor(
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly store: Store,
    timings: Partial<LifecycleTimings> = {},
  ) {
    this.current = { ...DEFAULT_TIMINGS, ...timings };
  }

  get timings(): LifecycleTimings {
    return { ...this.current };
  }

  setTimings(timings: Partial<LifecycleTimings>): LifecycleTimings {
    this.current = { ...this.current, ...timings };
    return this.timings;
  }

  /**
   * Stores a new queued message in the engine outbox and starts its lifecycle: the one way every
   * provider sends (its own record, if any, links to it through `data`).
   */
  enqueue(input: QueuedMessageInput): SimMessage {
    const message = this.store.collection<SimMessage>(input.namespace, input.tenant, MESSAGES).insert({
      id: input.id,
      namespace: input.namespace,
      tenant: input.tenant,
      channel: input.channel,
      to: input.to,
      status: 'queued',
      outcome: input.outcome ?? magicOutcome(input.to),
      ...(input.sendAt ? { sendAt: input.sendAt } : {}),
      history: [{ status: 'queued', at: input.at ?? this.clock.iso() }],
      data: { ...input.data },
    });
    this.start(message);
    return message;
  }

  /** Begins the natural progression of a freshly stored message. */
  start(message: SimMessage): void {
    this.events.emit('message.created', { message });
    this.scheduleNext(message);
  }

  /** Re-arms timers for messages loaded from disk, due times counted from their last change. */
  resume(messages: Iterable<SimMessage>): void {
    for (const message of messages) {
      if (!isTerminal(message.status)) this.scheduleNext(message);
    }
  }

  canTransition(from: MessageState, to: MessageState): boolean {
    return NEXT[from].includes(to);
  }

  /**
   * Moves a message to `to`, through the intermediate states a real message would pass
   * (queued → delivered emits sent, then delivered). Refuses what no real message can do.
   */
  force(message: SimMessage, to: MessageState, options: Omit<TransitionOptions, 'forced'> = {}): SimMessage {
    const path = this.pathTo(message.status, to);
    if (!path) {
      throw invalidTransition(message.status, to);
    }
    for (const step of path) this.transition(message, step, { ...options, forced: true });
    return message;
  }

  /** One step of the state machine; emits `message.status` and schedules the next natural step. */
  transition(message: SimMessage, to: MessageState, options: TransitionOptions = {}): void {
    if (!this.canTransition(message.status, to)) {
      throw invalidTransition(message.status, to);
    }
    this.cancel(message);
    const from = message.status;
    const at = this.clock.iso();
    message.status = to;
    message.updatedAt = at;
    if (to === 'sent') message.sentAt = at;
    if (to === 'delivered') message.deliveredAt = at;
    if (to === 'read') message.readAt = at;
    if (to === 'undelivered') message.undeliveredAt = at;
    if (to === 'failed') {
      message.failedAt = at;
      message.failure = options.failure ?? (options.reason ? { code: 'failed', message: options.reason } : CARRIER_REJECTED);
    }
    message.history.push({
      status: to,
      at,
      ...(options.forced ? { forced: true } : {}),
      ...(options.reason ? { reason: options.reason } : {}),
    });
    this.store.collection<SimMessage>(message.namespace, message.tenant, MESSAGES).touch();
    this.events.emit('message.status', { message, from, to, forced: options.forced ?? false });
    if (!options.forced) this.scheduleNext(message);
  }

  /** Stops the natural progression (a paused or cancelled send). */
  cancel(message: SimMessage): void {
    const key = timerKey(message);
    this.timers.get(key)?.cancel();
    this.timers.delete(key);
  }

  /** Forgets every timer (the clock's own queue is cleared by the caller on a full reset). */
  clear(namespace?: string, tenant?: string): void {
    for (const [key, timer] of this.timers) {
      const [ns, tn] = key.split('\u0000');
      if (!namespace || (ns === namespace && (!tenant || tn === tenant))) {
        timer.cancel();
        this.timers.delete(key);
      }
    }
  }

  get pending(): number {
    return this.timers.size;
  }

  /** Shortest walk through the state machine, so a forced jump emits every step a real message would. */
  private pathTo(from: MessageState, to: MessageState): MessageState[] | undefined {
    const previous = new Map<MessageState, MessageState>();
    const queue: MessageState[] = [from];
    while (queue.length > 0) {
      const state = queue.shift()!;
      if (state === to && state !== from) break;
      for (const next of NEXT[state]) {
        if (next !== from && !previous.has(next)) {
          previous.set(next, state);
          queue.push(next);
        }
      }
    }
    if (!previous.has(to)) return undefined;
    const path: MessageState[] = [];
    for (let state: MessageState | undefined = to; state && state !== from; state = previous.get(state)) path.unshift(state);
    return path;
  }

  private scheduleNext(message: SimMessage): void {
    const step = this.nextStep(message);
    if (!step) return;
    const last = message.history.at(-1)?.at ?? message.createdAt;
    const base = message.status === 'queued' && message.sendAt ? Date.parse(message.sendAt) : Date.parse(last);
    const key = timerKey(message);
    const timer = this.clock.scheduleAt(
      base + step.delay,
      () => {
        this.timers.delete(key);
        if (message.status === step.from) this.transition(message, step.to, step.options);
      },
      `lifecycle ${message.id} ${step.from}→${step.to}`,
    );
    this.timers.set(key, timer);
  }

  private nextStep(
    message: SimMessage,
  ): { from: MessageState; to: MessageState; delay: number; options: TransitionOptions } | undefined {
    const t = this.current;
    const from = message.status;
    switch (from) {
      case 'queued':
        // Sends that bypass the API's own check (campaign batches) still fail on an invalid number.
        if (message.outcome === 'invalid') return { from, to: 'failed', delay: t.sendMs, options: { failure: INVALID_NUMBER } };
        return { from, to: 'sent', delay: t.sendMs, options: {} };
      case 'sent':
        switch (message.outcome) {
          case 'fail':
          case 'fallback':
            return { from, to: 'failed', delay: t.deliverMs, options: { failure: CARRIER_REJECTED } };
          case 'undelivered':
            return undefined;
          case 'slow':
            return { from, to: 'delivered', delay: t.slowDeliverMs, options: {} };
          default:
            return { from, to: 'delivered', delay: t.deliverMs, options: {} };
        }
      case 'delivered':
        return message.outcome === 'read' ? { from, to: 'read', delay: t.readMs, options: {} } : undefined;
      default:
        return undefined;
    }
  }
}

function invalidTransition(from: MessageState, to: MessageState): SimError {
  return new SimError({ kind: 'conflict', code: 'invalid_status_transition', message: `A ${from} message cannot become ${to}`, field: 'status', value: to });
}

function timerKey(message: SimMessage): string {
  return `${message.namespace}\u0000${message.tenant}\u0000${message.id}`;
}
