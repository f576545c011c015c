/**
 * What the built-in receivers keep, bounded, so that a webhook storm or a client posting megabytes in a
 * loop cannot grow the server without limit: at most `receivers` receivers (a new one makes the least
 * recently used one forgotten), `requestsPerReceiver` requests each and `totalBytes` across all of them
 * (the oldest requests are forgotten first, and counted in `dropped`), and `heldPerReceiver` requests
 * held unanswered by a paused receiver (the oldest one's connection is closed, as a receiver that never
 * answers would see it timed out). A request's size is its body in bytes plus its headers, query and
 * path. Bodies above `requestBytes` are refused before they are read (413, in the routes).
 */

export interface ReceiverLimits {
  receivers: number;
  requestsPerReceiver: number;
  requestBytes: number;
  totalBytes: number;
  heldPerReceiver: number;
}

export const RECEIVER_LIMITS: Readonly<ReceiverLimits> = Object.freeze({
  receivers: 100,
  requestsPerReceiver: 1_000,
  requestBytes: 1024 * 1024,
  totalBytes: 64 * 1024 * 1024,
  heldPerReceiver: 1_000,
});

export interface ReceivedRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Simulated time of arrival. */
  receivedAt: string;
  /** What the receiver answered (null while paused). */
  status: number | null;
}

export interface ReceiverConfig {
  status: number;
  delayMs: number;
  paused: boolean;
}

/** A request a paused receiver holds: answer it (unpause, delete) or give up on it (over the bound). */
export interface HeldRequest {
  release(): void;
  abandon(): void;
}

export interface Receiver {
  readonly name: string;
  config: ReceiverConfig;
  /** Oldest first. */
  readonly kept: Kept[];
  /** In arrival order; a request leaves when answered or when its client goes away. */
  readonly held: Set<HeldRequest>;
  bytes: number;
  /** Requests forgotten to stay within the limits. */
  dropped: number;
}

interface Kept {
  readonly receiver: Receiver;
  readonly request: ReceivedRequest;
  readonly bytes: number;
  gone: boolean;
}

export class ReceiverStore {
  /** In order of last use: the first is the one to forget. */
  private readonly receivers = new Map<string, Receiver>();
  /** Every kept request in arrival order, across receivers (some already gone, skipped and compacted). */
  private queue: Kept[] = [];
  private head = 0;
  private goneInQueue = 0;
  private total = 0;

  constructor(readonly limits: Readonly<ReceiverLimits> = RECEIVER_LIMITS) {}

  get bytes(): number {
    return this.total;
  }

  /** The receiver, now the most recently used; created (forgetting the least recently used) if asked. */
  use(name: string, create: boolean): Receiver | undefined {
    let receiver = this.receivers.get(name);
    if (receiver) this.receivers.delete(name);
    else if (create) {
      while (this.receivers.size >= this.limits.receivers) this.remove(this.receivers.values().next().value!);
      receiver = { name, config: { status: 200, delayMs: 0, paused: false }, kept: [], held: new Set(), bytes: 0, dropped: 0 };
    }
    if (receiver) this.receivers.set(name, receiver);
    return receiver;
  }

  list(): Receiver[] {
    return [...this.receivers.values()];
  }

  /** Newest first. */
  requests(receiver: Receiver): ReceivedRequest[] {
    const out: ReceivedRequest[] = [];
    for (let i = receiver.kept.length - 1; i >= 0; i--) out.push(receiver.kept[i]!.request);
    return out;
  }

  keep(receiver: Receiver, request: ReceivedRequest): void {
    const kept: Kept = { receiver, request, bytes: sizeOf(request), gone: false };
    receiver.kept.push(kept);
    receiver.bytes += kept.bytes;
    this.total += kept.bytes;
    this.queue.push(kept);
    while (receiver.kept.length > this.limits.requestsPerReceiver) this.forget(receiver.kept[0]!, true);
    while (this.total > this.limits.totalBytes && this.head < this.queue.length) {
      const oldest = this.queue[this.head]!;
      if (!oldest.gone) this.forget(oldest, true);
      this.head++;
      this.goneInQueue--;
    }
    this.compact();
  }

  /** Holds a request; over the bound, the oldest held one is abandoned. */
  hold(receiver: Receiver, request: HeldRequest): void {
    receiver.held.add(request);
    while (receiver.held.size > this.limits.heldPerReceiver) {
      const oldest = receiver.held.values().next().value!;
      receiver.held.delete(oldest);
      oldest.abandon();
    }
  }

  /** Answers every held request. */
  releaseAll(receiver: Receiver): void {
    const held = [...receiver.held];
    receiver.held.clear();
    for (const request of held) request.release();
  }

  /** Forgets the receiver and what it kept, answering what it held. */
  remove(receiver: Receiver): void {
    this.receivers.delete(receiver.name);
    this.releaseAll(receiver);
    while (receiver.kept.length > 0) this.forget(receiver.kept[0]!, false);
    this.compact();
  }

  private forget(kept: Kept, dropped: boolean): void {
    const { receiver } = kept;
    // The oldest of its receiver whichever way it is reached: arrival order is the same in both lists.
    const at = receiver.kept[0] === kept ? 0 : receiver.kept.indexOf(kept);
    receiver.kept.splice(at, 1);
    receiver.bytes -= kept.bytes;
    this.total -= kept.bytes;
    if (dropped) receiver.dropped++;
    kept.gone = true;
    this.goneInQueue++;
  }

  /** Rebuilds the queue once passed and gone entries are half of it, so it stays within twice what is kept. */
  private compact(): void {
    const waste = this.head + this.goneInQueue;
    if (waste <= 1024 || waste * 2 < this.queue.length) return;
    this.queue = this.queue.slice(this.head).filter((k) => !k.gone);
    this.head = 0;
    this.goneInQueue = 0;
  }
}

function sizeOf(request: ReceivedRequest): number {
  let bytes = Buffer.byteLength(request.body) + request.query.length + request.path.length + request.method.length;
  for (const [name, value] of Object.entries(request.headers)) {
    bytes += name.length + (Array.isArray(value) ? value.reduce((sum, v) => sum + v.length, 0) : (value ?? '').length);
  }
  return bytes;
}
