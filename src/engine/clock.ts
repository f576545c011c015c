/**
 * The simulation clock: the only module that reads wall time or arms real timers.
 *
 * Everything time-driven in msgsim (lifecycle steps, scheduled sends, quota windows, idempotency expiry,
 * webhook retries) schedules on this clock, so a test can run a day of simulated traffic instantly with
 * `manual` mode and QA can fast-forward a running server with `advance()`.
 *
 * Modes: `real` (virtual time follows wall time), `speed` (N× wall time), `manual` (time moves only on
 * `advance`/`advanceTo`). A single real timer is armed for the earliest due event in real/speed mode.
 *
 * `advance`/`advanceTo` fire synchronously, for library code that reads state right after. A server
 * advances with `advanceInSlices`, which yields to the event loop between slices of events so requests
 * are served during a long advance (a million due events take seconds).
 */
import { durationMs, type Duration } from './duration.js';
import { TimerHeap, type ScheduledTimer, type TimerLabel } from './timer-heap.js';

export type ClockMode = 'real' | 'manual' | 'speed';

export interface ClockOptions {
  mode?: ClockMode;
  /** Factor for `speed` mode (e.g. 10 = ten simulated seconds per wall second). */
  speed?: number;
  /** Simulated start time (epoch ms or Date); defaults to wall time now. */
  start?: number | Date;
  /** Called when a scheduled callback throws, so one bad event never stops the others. */
  onError?: (error: unknown, label: string) => void;
  /** Defaults for `advanceInSlices`. */
  slices?: SliceOptions;
}

export interface SliceOptions {
  /** Wall time a slice may run before yielding, ms (default 10); checked after each event. */
  sliceMs?: number;
  /** Most events a slice fires (default: no limit). With `sliceMs: Infinity`, slices are deterministic. */
  sliceEvents?: number;
  /** Called after each slice with the number of events it fired. */
  onSlice?: (fired: number) => void;
}

/** Where an advance goes: `by` is counted from the simulated time when the advance's turn comes. */
export type AdvanceTarget = { by: Duration } | { to: number };

export interface AdvanceResult {
  /** Simulated time when this advance's turn came (an advance waits for the one before it). */
  from: number;
  /** Events this advance fired. */
  fired: number;
  slices: number;
  state: ClockState;
}

/** What scheduling returns: the heap's own timer entry, so a pending timer costs one object. */
export interface TimerHandle {
  readonly at: number;
  readonly label: string;
  cancel(): void;
}

export interface ClockState {
  mode: ClockMode;
  speed: number;
  now: string;
  nowMs: number;
  pendingEvents: number;
  nextEventAt: string | null;
  /** Present while an advance runs: where it is going (`now` is the due time of the last event it fired). */
  advancingTo?: string;
}

/** The largest time a Date can hold (ECMA-262 §21.4.1.1). */
export const MAX_TIME = 8.64e15;

/**
 * The latest instant the clock reaches: 9998-12-31T23:59:59.999Z. What msgsim computes ahead of the clock
 * (365-day schedules, 24 h idempotency and status expiry, 5 h webhook retries, day and month quota windows)
 * then still falls within year 9999, the last one `toISOString` writes with four digits, as every spec's
 * date-time and every stored timestamp (compared as strings) expect.
 */
export const LATEST_TIME = Date.UTC(9999, 0, 1) - 1;

/** How long a slice of `advanceInSlices` runs before it lets the event loop serve what is waiting. */
const DEFAULT_SLICE_MS = 10;

/** Longest delay Node accepts for setTimeout (2^31-1 ms); longer waits are re-armed. */
const MAX_REAL_DELAY = 2_147_483_647;

export class Clock {
  private anchorVirtual: number;
  private anchorReal: number;
  private currentMode: ClockMode;
  private rate: number;
  private readonly timers = new TimerHeap();
  private realTimer: NodeJS.Timeout | undefined;
  /** The simulated due time `realTimer` was armed for. */
  private armedFor = Infinity;
  private firing = false;
  /** The target of the sliced advance running now; while set, simulated time stands still between events. */
  private slicedTo: number | undefined;
  /** The tail of the queue of sliced advances: each waits for the one before it. */
  private advances: Promise<unknown> = Promise.resolve();
  private readonly sliceDefaults: SliceOptions;
  private closed = false;
  private lastIsoAt = Number.NaN;
  private lastIso = '';
  private readonly onError: (error: unknown, label: string) => void;

  constructor(options: ClockOptions = {}) {
    const start = options.start instanceof Date ? options.start.getTime() : options.start;
    if (start !== undefined && !(Number.isFinite(start) && start <= LATEST_TIME)) {
      throw new RangeError(`the clock's start must be a time no later than ${new Date(LATEST_TIME).toISOString()}`);
    }
    this.anchorReal = Date.now();
    this.anchorVirtual = start ?? this.anchorReal;
    this.currentMode = options.mode ?? 'real';
    this.rate = rateFor(this.currentMode, options.speed);
    this.onError = options.onError ?? (() => undefined);
    this.sliceDefaults = options.slices ?? {};
  }

  get mode(): ClockMode {
    return this.currentMode;
  }

  get speed(): number {
    return this.rate;
  }

  /** Simulated time, epoch milliseconds. Real and speed mode stop at LATEST_TIME. */
  now(): number {
    if (this.rate === 0 || this.slicedTo !== undefined) return this.anchorVirtual;
    return Math.min(LATEST_TIME, this.anchorVirtual + Math.floor((Date.now() - this.anchorReal) * this.rate));
  }

  date(): Date {
    return new Date(this.now());
  }

  iso(): string {
    // Several stamps per request fall in the same millisecond: format it once.
    const now = this.now();
    if (now !== this.lastIsoAt) {
      this.lastIsoAt = now;
      this.lastIso = new Date(now).toISOString();
    }
    return this.lastIso;
  }

  state(): ClockState {
    const next = this.timers.peek();
    return {
      mode: this.currentMode,
      speed: this.rate,
      now: this.iso(),
      nowMs: this.now(),
      pendingEvents: this.timers.size,
      nextEventAt: next ? new Date(next.at).toISOString() : null,
      ...(this.slicedTo !== undefined ? { advancingTo: new Date(this.slicedTo).toISOString() } : {}),
    };
  }

  /** Switches mode without a jump in simulated time. */
  setMode(mode: ClockMode, speed?: number): void {
    this.reanchor(this.now());
    this.currentMode = mode;
    this.rate = rateFor(mode, speed);
    this.arm();
  }

  /** Runs `fn` after `delayMs` of simulated time. */
  schedule(delayMs: number, fn: () => void, label = 'timer'): TimerHandle {
    return this.scheduleAt(this.now() + Math.max(0, delayMs), fn, label);
  }

  /**
   * Runs `fn` when simulated time reaches `at` (epoch ms); a time in the past fires on the next tick.
   * With `arg`, `fn(arg)` runs instead, so a caller scheduling many timers can share one function, and
   * the label may be a function of `arg`, built only when an error is reported.
   */
  scheduleAt(at: number, fn: () => void, label?: string): TimerHandle;
  scheduleAt<T>(at: number, fn: (arg: T) => void, label: TimerLabel<T>, arg: T): TimerHandle;
  scheduleAt<T>(at: number, fn: (arg: T) => void, label: TimerLabel<T> = 'timer', arg?: T): TimerHandle {
    const timer = this.timers.push(at, fn, label, arg as T);
    // Most new events fall after the one already armed (every send schedules a few seconds ahead):
    // re-arm only when this one comes first, not once per send.
    if (!this.firing && at < this.armedFor) this.arm();
    return timer;
  }

  /**
   * Moves simulated time forward by `ms`, firing every due event in order with `now()` equal to its
   * due time, including events scheduled by the events themselves. Works in every mode.
   */
  advance(by: Duration): ClockState {
    return this.advanceTo(this.now() + this.durationOf(by));
  }

  /** Moves simulated time forward to `target` (epoch ms). Time never moves backwards. */
  advanceTo(target: number): ClockState {
    const from = this.now();
    this.checkTarget(from, target);
    this.fireDue(target);
    this.reanchor(target);
    this.arm();
    return this.state();
  }

  /**
   * `advanceTo` in slices: fires every due event in order, like `advanceTo`, but after each slice (a wall-time
   * budget, or a number of events) yields to the event loop, so requests are served meanwhile.
   *
   * - Sliced advances run one at a time, in call order; each computes and checks its target when its turn
   *   comes (a RangeError rejects that advance only), so concurrent advances act as if made one after another.
   * - Meanwhile `now()` is the due time of the last event fired (simulated time stands still between slices,
   *   even in real/speed mode) and no real timer is armed; at the end time is the target and, in real/speed
   *   mode, runs on from there.
   * - Events scheduled or cancelled between slices (requests, a reset) are honoured: a new event due by the
   *   target fires in this advance, a cancelled or cleared one does not.
   * - A synchronous `advance` meanwhile fires at once (it cannot wait); this one goes on from there and never
   *   moves time backwards. `close()` stops it after the current slice.
   */
  advanceInSlices(target: AdvanceTarget, options: SliceOptions = {}): Promise<AdvanceResult> {
    const run = this.advances.then(() => this.runSliced(target, { ...this.sliceDefaults, ...options }));
    this.advances = run.catch(() => undefined);
    return run;
  }

  /** Fires whatever is already due (used by real/speed mode and by tests that poke the clock). */
  tick(): void {
    this.fireDue(this.now());
    this.arm();
  }

  /** Drops every pending event (used by reset). */
  clearTimers(): void {
    this.timers.clear();
    this.arm();
  }

  /**
   * Wall-time timer for I/O housekeeping that must not follow simulated time (debounced disk flush).
   * Returns a cancel function.
   */
  realTimeout(ms: number, fn: () => void): () => void {
    const handle = setTimeout(fn, ms);
    handle.unref();
    return () => clearTimeout(handle);
  }

  /**
   * Runs `fn` on the next turn of the event loop, once pending I/O has been handled (wall time: group
   * commit gathers the requests of one turn). Returns a cancel function.
   */
  realImmediate(fn: () => void): () => void {
    const handle = setImmediate(fn);
    return () => clearImmediate(handle);
  }

  /**
   * Continues simulated time from a data file: a restarted simulator never reads an earlier time than
   * the one it last wrote (records and jobs would otherwise lie in its future).
   */
  resumeFrom(virtual: number): void {
    if (!Number.isFinite(virtual) || virtual <= this.now() || virtual > LATEST_TIME) return;
    this.reanchor(virtual);
    this.arm();
  }

  /** Resolves after `ms` of wall time (a client pacing itself, e.g. honouring Retry-After). */
  realSleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** Wall time as an ISO string (log lines and reports about the real world, not the simulation). */
  wallIso(): string {
    return new Date(Date.now()).toISOString();
  }

  /** Wall time in epoch milliseconds (when a request arrived, for the request journal). */
  wallNow(): number {
    return Date.now();
  }

  /** AbortSignal that fires after `ms` of wall time (network timeouts are real, not simulated). */
  realAbortSignal(ms: number): AbortSignal {
    return AbortSignal.timeout(ms);
  }

  /** Wall-clock milliseconds, for measuring durations of real I/O (webhook attempt timing). */
  realNow(): number {
    return performance.now();
  }

  close(): void {
    this.closed = true;
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = undefined;
    this.armedFor = Infinity;
  }

  private reanchor(virtual: number): void {
    this.anchorVirtual = virtual;
    this.anchorReal = Date.now();
  }

  private async runSliced(target: AdvanceTarget, options: SliceOptions): Promise<AdvanceResult> {
    const from = this.now();
    const to = 'to' in target ? target.to : from + this.durationOf(target.by);
    this.checkTarget(from, to);
    const sliceMs = options.sliceMs ?? DEFAULT_SLICE_MS;
    const sliceEvents = options.sliceEvents ?? Infinity;
    this.reanchor(from);
    this.slicedTo = to;
    this.arm();
    let fired = 0;
    let slices = 0;
    try {
      // A closed clock (the server stopping) fires nothing more, also for an advance that was waiting its turn.
      while (!this.closed) {
        const deadline = sliceMs === Infinity ? Infinity : this.realNow() + sliceMs;
        const count = this.fireDue(to, sliceEvents, deadline);
        fired += count;
        slices++;
        options.onSlice?.(count);
        if (!this.hasDue(to)) break;
        await new Promise<void>((resolve) => this.realImmediate(resolve));
      }
    } finally {
      this.slicedTo = undefined;
    }
    if (!this.closed) this.reanchor(Math.max(to, this.anchorVirtual));
    this.arm();
    return { from, fired, slices, state: this.state() };
  }

  /** Milliseconds of a duration (`5000`, `'3s'`, `'1h30m'`); a RangeError for anything else. */
  private durationOf(by: Duration): number {
    const ms = durationMs(by);
    if (ms === undefined) throw new RangeError(`advance needs a non-negative duration, in ms or like "3s", "5m", "1h30m" (got ${JSON.stringify(by)})`);
    return ms;
  }

  private checkTarget(from: number, to: number): void {
    if (Number.isNaN(to) || to < from) throw new RangeError('the clock only moves forward');
    if (to > LATEST_TIME) throw new RangeError(`the clock cannot go past ${new Date(LATEST_TIME).toISOString()}`);
  }

  private hasDue(limit: number): boolean {
    const next = this.timers.peek();
    return next !== undefined && next.at <= limit;
  }

  /** Fires events due by `limit`, in order, up to `maxEvents` or until wall time passes `deadline`; returns how many ran. */
  private fireDue(limit: number, maxEvents = Infinity, deadline = Infinity): number {
    if (this.firing) return 0;
    this.firing = true;
    let fired = 0;
    try {
      let timer: ScheduledTimer | undefined;
      while (fired < maxEvents && (timer = this.timers.popDue(limit))) {
        // Pin simulated time to the event's due time so the timestamps it records are exact.
        if (timer.at > this.now()) this.reanchor(timer.at);
        fired++;
        try {
          timer.run();
        } catch (error) {
          this.onError(error, timer.label);
        }
        if (deadline !== Infinity && this.realNow() >= deadline) break;
      }
    } finally {
      this.firing = false;
    }
    return fired;
  }

  private arm(): void {
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = undefined;
    this.armedFor = Infinity;
    // A sliced advance fires everything due by its target itself, and re-arms when it ends.
    if (this.closed || this.rate === 0 || this.slicedTo !== undefined) return;
    const next = this.timers.peek();
    // Simulated time stops at LATEST_TIME: a later event never falls due.
    if (!next || next.at > LATEST_TIME) return;
    this.armedFor = next.at;
    const delay = Math.min(MAX_REAL_DELAY, Math.max(0, Math.ceil((next.at - this.now()) / this.rate)));
    this.realTimer = setTimeout(() => this.tick(), delay);
    this.realTimer.unref();
  }
}

function rateFor(mode: ClockMode, speed: number | undefined): number {
  if (mode === 'manual') return 0;
  if (mode === 'real') return 1;
  if (speed === undefined || !Number.isFinite(speed) || speed <= 0) {
    throw new RangeError('speed mode needs a positive factor');
  }
  return speed;
}
