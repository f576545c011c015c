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
import { MESSAGES, type MessageFailure, type MessageState, type SimMessage, type StatusChange } from './message.js';
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

/** A natural step; `delay` names the timing that spaces it, read when it is scheduled. */
interface Step {
  readonly to: MessageState;
  readonly delay: keyof LifecycleTimings;
  readonly options: TransitionOptions;
}

// Shared by every message: a pending lifecycle must not allocate its step.
const NO_OPTIONS: TransitionOptions = Object.freeze({});
const SEND: Step = { to: 'sent', delay: 'sendMs', options: NO_OPTIONS };
const REJECT_INVALID: Step = { to: 'failed', delay: 'sendMs', options: Object.freeze({ failure: INVALID_NUMBER }) };
const DELIVER: Step = { to: 'delivered', delay: 'deliverMs', options: NO_OPTIONS };
const DELIVER_SLOWLY: Step = { to: 'delivered', delay: 'slowDeliverMs', options: NO_OPTIONS };
const REJECT: Step = { to: 'failed', delay: 'deliverMs', options: Object.freeze({ failure: CARRIER_REJECTED }) };
const READ: Step = { to: 'read', delay: 'readMs', options: NO_OPTIONS };

/**
 * Where a message keeps its armed step: on the record itself, under a symbol (JSON and the journal never
 * see it). A Map from message to handle cost a rehash of a ~57 MB table, 0.2–0.4 s with the event loop
 * blocked, each time a million pending messages crossed a power of two (bench/README.md, a large advance).
 */
const TIMER = Symbol('lifecycle timer');
type Timed = SimMessage & { [TIMER]?: TimerHandle | undefined };

export function isTerminal(state: MessageState): boolean {
  return NEXT[state].length === 0;
}

/**
 * Whether a message has reached its final state: no natural step will follow. That is failed and read;
 * delivered for a recipient that does not read (one that reads is final once read); sent for the
 * recipient that is never delivered; and wherever a forced transition left it, since forcing cancels
 * the natural timer. Only a late delivery receipt (MessageHub) or another forced move changes it then.
 */
export function isSettled(message: SimMessage): boolean {
  return isTerminal(message.status) || message.history.at(-1)?.forced === true || nextStep(message) === undefined;
}

export class Lifecycle {
  /** Messages with a natural step armed (their handle sits on the message itself: see TIMER). */
  private armed = 0;
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
    // One string for createdAt, updatedAt and (unless the caller gives its own) the first history entry:
    // a million messages would otherwise hold three copies of the same time.
    const now = this.clock.iso();
    const message = this.store.collection<SimMessage>(input.namespace, input.tenant, MESSAGES).insert({
      id: input.id,
      createdAt: now,
      updatedAt: now,
      namespace: input.namespace,
      tenant: input.tenant,
      channel: input.channel,
      to: input.to,
      status: 'queued',
      outcome: input.outcome ?? magicOutcome(input.to),
      ...(input.sendAt ? { sendAt: input.sendAt } : {}),
      history: [{ status: 'queued', at: input.at ?? now }],
      data: definedFields(input.data),
    });
    this.start(message);
    return message;
  }

  /** Begins the natural progression of a freshly stored message. */
  start(message: SimMessage): void {
    this.events.emit('message.created', { message });
    this.scheduleNext(message);
  }

  /**
   * Re-arms timers for messages loaded from disk, due times counted from their last change. A message a
   * forced transition left at rest stays at rest, as it would have without the restart.
   */
  resume(messages: Iterable<SimMessage>): void {
    for (const message of messages) {
      if (!isSettled(message)) this.scheduleNext(message);
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
    const change: StatusChange = { status: to, at };
    if (options.forced) change.forced = true;
    if (options.reason) change.reason = options.reason;
    // A fresh array of the exact length: push() would grow the backing store to 17 slots for 2 entries.
    message.history = message.history.concat(change);
    this.store.collection<SimMessage>(message.namespace, message.tenant, MESSAGES).touch(message);
    this.events.emit('message.status', { message, from, to, forced: options.forced ?? false });
    if (!options.forced) this.scheduleNext(message);
  }

  /** Stops the natural progression (a paused or cancelled send). */
  cancel(message: SimMessage): void {
    const timer = (message as Timed)[TIMER];
    if (!timer) return;
    timer.cancel();
    this.disarm(message);
  }

  /**
   * Forgets the timers of everything, one namespace or one tenant's messages (before the store drops
   * them; on a full reset the caller also clears the clock's queue). Messages live in the store's
   * collections of that scope, whatever the collection (an attempt is a message too).
   */
  clear(namespace?: string, tenant?: string): void {
    if (!namespace) {
      this.armed = 0;
      return;
    }
    for (const collection of this.store.collectionsIn(namespace, tenant)) {
      for (const record of collection.all()) if ((record as Timed)[TIMER]) this.cancel(record as SimMessage);
    }
  }

  get pending(): number {
    return this.armed;
  }

  private disarm(message: SimMessage): void {
    (message as Timed)[TIMER] = undefined;
    this.armed--;
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
    const step = nextStep(message);
    if (!step) return;
    const last = message.history.at(-1)?.at ?? message.createdAt;
    const base = message.status === 'queued' && message.sendAt ? Date.parse(message.sendAt) : Date.parse(last);
    // A message has at most one natural timer, whoever starts it twice.
    this.cancel(message);
    (message as Timed)[TIMER] = this.clock.scheduleAt(base + this.current[step.delay], this.fire, describeTimer, message);
    this.armed++;
  }

  /** One function for every lifecycle timer; the step is read again from the message when it fires. */
  private readonly fire = (message: SimMessage): void => {
    this.disarm(message);
    const step = nextStep(message);
    if (step) this.transition(message, step.to, step.options);
  };
}

/** The next natural step of a message, from its state and its magic outcome; none when it rests. */
function nextStep(message: SimMessage): Step | undefined {
  switch (message.status) {
    case 'queued':
      // Sends that bypass the API's own check (campaign batches) still fail on an invalid number.
      return message.outcome === 'invalid' ? REJECT_INVALID : SEND;
    case 'sent':
      switch (message.outcome) {
        case 'fail':
        case 'fallback':
          return REJECT;
        case 'undelivered':
          return undefined;
        case 'slow':
          return DELIVER_SLOWLY;
        default:
          return DELIVER;
      }
    case 'delivered':
      return message.outcome === 'read' ? READ : undefined;
    default:
      return undefined;
  }
}

/** A lifecycle timer's label, built only when its step failed and the error is reported. */
function describeTimer(message: SimMessage): string {
  return `lifecycle ${message.namespace} ${message.id}, now ${message.status}`;
}

/** A copy without the fields a provider left undefined (a send passes seven, most of them unset). */
function definedFields(data: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(data)) {
    const value = (data as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function invalidTransition(from: MessageState, to: MessageState): SimError {
  return new SimError({ kind: 'conflict', code: 'invalid_status_transition', message: `A ${from} message cannot become ${to}`, field: 'status', value: to });
}
