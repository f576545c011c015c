/**
 * A first-in first-out queue with O(1) push and shift. `Array.prototype.shift` moves every remaining
 * element, which at 100,000 queued webhook attempts makes draining the queue quadratic; here the head
 * only advances, and the consumed prefix is cut off once it is most of the array.
 */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    // Released at once, so a consumed item is not kept alive until the next compaction.
    this.items[this.head] = undefined as T;
    this.head++;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Keeps the items `keep` accepts, in order; returns how many were removed. */
  retain(keep: (item: T) => boolean): number {
    const before = this.size;
    this.items = this.items.slice(this.head).filter(keep);
    this.head = 0;
    return before - this.items.length;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }

  *[Symbol.iterator](): Generator<T> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i] as T;
  }
}
