/** A timer's label, or a function that builds it from the timer's argument only when read (an error report). */
export type TimerLabel<T> = string | ((arg: T) => string);

/**
 * One scheduled callback, and also the handle its scheduler gets back: a class so that `cancel` lives on
 * the prototype, because a million pending timers must not each carry a cancel closure.
 */
export class ScheduledTimer {
  cancelled = false;

  constructor(
    readonly at: number,
    readonly seq: number,
    private readonly fn: (arg: never) => void,
    /** Passed to `fn`, so one shared function can serve many timers instead of a closure each. */
    private readonly arg: unknown,
    private readonly name: TimerLabel<never>,
    private readonly heap: TimerHeap,
  ) {}

  get label(): string {
    return typeof this.name === 'string' ? this.name : (this.name as (arg: unknown) => string)(this.arg);
  }

  run(): void {
    (this.fn as (arg: unknown) => void)(this.arg);
  }

  cancel(): void {
    this.heap.cancel(this);
  }
}

/** Binary min-heap of scheduled callbacks, ordered by due time then by insertion (FIFO for ties). */
export class TimerHeap {
  private heap: ScheduledTimer[] = [];
  private seq = 0;
  private live = 0;

  /** Number of timers that will still fire. */
  get size(): number {
    return this.live;
  }

  push(at: number, fn: () => void, label: string): ScheduledTimer;
  push<T>(at: number, fn: (arg: T) => void, label: TimerLabel<T>, arg: T): ScheduledTimer;
  push<T>(at: number, fn: (arg: T) => void, label: TimerLabel<T>, arg?: T): ScheduledTimer {
    const timer = new ScheduledTimer(at, this.seq++, fn, arg, label, this);
    this.heap.push(timer);
    this.siftUp(this.heap.length - 1);
    this.live++;
    return timer;
  }

  cancel(timer: ScheduledTimer): void {
    if (timer.cancelled) return;
    // Lazy deletion: the entry stays in the heap and is skipped when it reaches the top.
    timer.cancelled = true;
    this.live--;
  }

  peek(): ScheduledTimer | undefined {
    this.dropCancelled();
    return this.heap[0];
  }

  /** Removes and returns the earliest timer due at or before `limit`. */
  popDue(limit: number): ScheduledTimer | undefined {
    const top = this.peek();
    if (!top || top.at > limit) return undefined;
    this.removeTop();
    this.live--;
    // Mark as spent so a late cancel() of an already-fired timer does not skew the count.
    top.cancelled = true;
    return top;
  }

  clear(): void {
    for (const timer of this.heap) timer.cancelled = true;
    this.heap = [];
    this.live = 0;
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.removeTop();
  }

  private removeTop(): void {
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
  }

  private before(a: ScheduledTimer, b: ScheduledTimer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(heap[index]!, heap[parent]!)) break;
      [heap[index], heap[parent]] = [heap[parent]!, heap[index]!];
      index = parent;
    }
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && this.before(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && this.before(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === index) return;
      [heap[index], heap[smallest]] = [heap[smallest]!, heap[index]!];
      index = smallest;
    }
  }
}
