/**
 * A bounded pool for outgoing requests: at most `maxConcurrent` run at once, and at most `maxPerOrigin`
 * of those go to one origin; the rest wait in line, first in first out. Across origins the oldest
 * waiting item goes first among those whose origin has room, so a busy origin never holds up another.
 *
 * Why a bound at all (issue 19): Node's fetch (undici) opens one connection per concurrent request to an
 * origin, with no limit by default. 16,000 webhooks released at once meant 16,000 connections to one
 * receiver; its accept backlog (511 in Node) overflowed, and the connections left out waited for TCP's
 * SYN retransmissions (1 s, 3 s, 7 s, 15 s), the time the attempt's timeout was counting.
 */
import { Fifo } from './fifo.js';

export interface DispatchPoolLimits {
  maxConcurrent: number;
  maxPerOrigin: number;
}

interface Waiting<T> {
  /** Arrival order across origins. */
  readonly seq: number;
  readonly item: T;
}

interface OriginLine<T> {
  readonly waiting: Fifo<Waiting<T>>;
  running: number;
}

export class DispatchPool<T> {
  /** Only origins with something waiting or running; a line is removed once it has neither. */
  private readonly lines = new Map<string, OriginLine<T>>();
  private running = 0;
  private waiting = 0;
  private arrivals = 0;
  private pumpPending = false;
  private idleWaiters: Array<() => void> = [];
  private readonly maxConcurrent: number;
  private readonly maxPerOrigin: number;

  /** `run` must not throw or reject: the pool only counts it as over when it settles. */
  constructor(
    limits: DispatchPoolLimits,
    private readonly run: (item: T) => Promise<void>,
  ) {
    this.maxConcurrent = positiveInteger(limits.maxConcurrent, 'maxConcurrent');
    this.maxPerOrigin = positiveInteger(limits.maxPerOrigin, 'maxPerOrigin');
  }

  /** Items waiting for a slot. */
  get queued(): number {
    return this.waiting;
  }

  /** Items running. */
  get active(): number {
    return this.running;
  }

  get idle(): boolean {
    return this.waiting === 0 && this.running === 0;
  }

  /**
   * Queues `item`. It starts on a microtask at the earliest, never inside this call: the caller (an API
   * handler, a clock event) returns first, and a burst of pushes is started once, in order.
   */
  push(origin: string, item: T): void {
    let line = this.lines.get(origin);
    if (!line) this.lines.set(origin, (line = { waiting: new Fifo(), running: 0 }));
    line.waiting.push({ seq: this.arrivals++, item });
    this.waiting++;
    if (!this.pumpPending) {
      this.pumpPending = true;
      queueMicrotask(() => {
        this.pumpPending = false;
        this.pump();
      });
    }
  }

  /** Takes waiting items that `drop` selects out of line (running ones are left to finish); returns how many. */
  removeWhere(drop: (item: T) => boolean): number {
    let removed = 0;
    for (const [origin, line] of this.lines) {
      removed += line.waiting.retain((waiting) => !drop(waiting.item));
      if (line.waiting.size === 0 && line.running === 0) this.lines.delete(origin);
    }
    this.waiting -= removed;
    this.wakeIfIdle();
    return removed;
  }

  /** Resolves the next time nothing is waiting or running (at once if that is now). */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.running < this.maxConcurrent) {
      const next = this.oldestStartable();
      if (!next) break;
      this.start(next[0], next[1]);
    }
    this.wakeIfIdle();
  }

  /**
   * The origin whose first waiting item arrived first, among origins below their limit. A scan over the
   * origins with work: msgsim's receivers are a handful of origins, so this stays a few comparisons.
   */
  private oldestStartable(): [string, OriginLine<T>] | undefined {
    let best: [string, OriginLine<T>] | undefined;
    let bestSeq = Infinity;
    for (const entry of this.lines) {
      const line = entry[1];
      if (line.running >= this.maxPerOrigin) continue;
      const head = line.waiting.peek();
      if (head !== undefined && head.seq < bestSeq) {
        best = entry;
        bestSeq = head.seq;
      }
    }
    return best;
  }

  private start(origin: string, line: OriginLine<T>): void {
    const { item } = line.waiting.shift()!;
    this.waiting--;
    line.running++;
    this.running++;
    const over = (): void => {
      line.running--;
      this.running--;
      if (line.running === 0 && line.waiting.size === 0) this.lines.delete(origin);
      this.pump();
    };
    let running: Promise<void>;
    try {
      running = this.run(item);
    } catch {
      running = Promise.resolve();
    }
    running.then(over, over);
  }

  private wakeIfIdle(): void {
    if (!this.idle || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
  return value;
}
