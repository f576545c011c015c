/**
 * The webhook delivery log: every delivery by id, in creation order for newest-first listing and keyset
 * paging, bounded in the one way that loses no event. A pending or retrying delivery is the only copy of
 * an event that still has to reach its receiver, so it is never dropped to make room; only deliveries
 * that are over (succeeded, failed, disabled) are forgotten, those that finished longest ago first, once
 * more than `maxFinished` of them are kept. (Issue 19: bounding the log by evicting the oldest entry
 * cancelled its retries, and 500 of 10,500 events never arrived.)
 */
import { Fifo } from './fifo.js';
import { firstAtOrAfter } from './seq-search.js';

export interface LoggedEntry {
  readonly id: string;
  /** Increasing in creation order; the listing's order and the cursor's key. */
  readonly seq: number;
}

export class DeliveryLog<E extends LoggedEntry> {
  private readonly byId = new Map<string, E>();
  /** Ascending seq. Forgotten entries stay as holes (skipped: no longer in `byId`) until compaction. */
  private order: E[] = [];
  /** Finished entries in the order they finished: the eviction order. */
  private readonly finishedOrder = new Fifo<E>();
  private highestSeq = 0;

  /** `onForget` hears of each finished entry forgotten to respect the bound (not of `removeWhere`). */
  constructor(
    private readonly maxFinished: number,
    private readonly onForget?: (entry: E) => void,
  ) {}

  /** Entries kept, finished or not. */
  get size(): number {
    return this.byId.size;
  }

  /** Finished entries kept (at most `maxFinished`). */
  get finishedCount(): number {
    return this.finishedOrder.size;
  }

  /** The highest seq ever added (0 before any), forgotten and removed entries included: a new entry's must be greater. */
  get lastSeq(): number {
    return this.highestSeq;
  }

  get(id: string): E | undefined {
    return this.byId.get(id);
  }

  /** `entry.seq` must be greater than every seq added before. */
  add(entry: E): void {
    this.highestSeq = Math.max(this.highestSeq, entry.seq);
    this.byId.set(entry.id, entry);
    this.order.push(entry);
  }

  /** The entry will not change again: it may now be forgotten, after every entry that finished before it. */
  finished(entry: E): void {
    if (this.byId.get(entry.id) !== entry) return;
    this.finishedOrder.push(entry);
    while (this.finishedOrder.size > this.maxFinished) {
      const oldest = this.finishedOrder.shift()!;
      this.byId.delete(oldest.id);
      this.onForget?.(oldest);
    }
    this.compact();
  }

  /** Forgets the entries `drop` selects (a reset), finished or not; returns them. */
  removeWhere(drop: (entry: E) => boolean): E[] {
    const removed: E[] = [];
    for (const entry of this.byId.values()) {
      if (drop(entry)) removed.push(entry);
    }
    if (removed.length === 0) return removed;
    for (const entry of removed) this.byId.delete(entry.id);
    this.finishedOrder.retain((entry) => this.byId.get(entry.id) === entry);
    this.compact();
    return removed;
  }

  /** Entries newest first, starting strictly before `beforeSeq` when given. */
  *newestFirst(beforeSeq?: number): Generator<E> {
    // The array is captured: a compaction during the walk replaces `this.order` and leaves this one intact.
    const order = this.order;
    let i = beforeSeq === undefined ? order.length - 1 : firstAtOrAfter(order, beforeSeq) - 1;
    for (; i >= 0; i--) {
      const entry = order[i]!;
      // Checked at each step: entries may be forgotten while a walk is under way.
      if (this.byId.get(entry.id) === entry) yield entry;
    }
  }

  /** Drops the holes once they are most of `order`, so forgetting stays O(1) amortised. */
  private compact(): void {
    const holes = this.order.length - this.byId.size;
    if (holes < 1024 || holes < this.byId.size) return;
    this.order = this.order.filter((entry) => this.byId.get(entry.id) === entry);
  }
}
