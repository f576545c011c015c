/**
 * The simulation clock: the only module that reads wall time or arms real timers.
 *
 * Everything time-driven in msgsim (lifecycle steps, scheduled sends, quota windows, idempotency expiry,
 * webhook retries) schedules on this clock, so a test can run a day of simulated traffic instantly with
 * `manual` mode and QA can fast-forward a running server with `advance()`.
 *
 * Modes: `real` (virtual time follows wall time), `speed` (N× wall time), `manual` (time moves only on
 * `advance`/`advanceTo`). A single real timer is armed for the earliest due event in real/speed mode.
 */
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
}

/** The largest time a Date can hold (ECMA-262 §21.4.1.1). */
export const MAX_TIME = 8.64e15;

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
  private closed = false;
  private lastIsoAt = Number.NaN;
  private lastIso = '';
  private readonly onError: (error: unknown, label: string) => void;

  constructor(options: ClockOptions = {}) {
    const start = options.start instanceof Date ? options.start.getTime() : options.start;
    this.anchorReal = Date.now();
    this.anchorVirtual = start ?? this.anchorReal;
    this.currentMode = options.mode ?? 'real';
    this.rate = rateFor(this.currentMode, options.speed);
    this.onError = options.onError ?? (() => undefined);
  }

  get mode(): ClockMode {
    return this.currentMode;
  }

  get speed(): number {
    return this.rate;
  }

  /** Simulated time, epoch milliseconds. */
  now(): number {
    if (this.rate === 0) return this.anchorVirtual;
    return this.anchorVirtual + Math.floor((Date.now() - this.anchorReal) * this.rate);
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
  advance(ms: number): ClockState {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance needs a non-negative duration');
    return this.advanceTo(this.now() + ms);
  }

  /** Moves simulated time forward to `target` (epoch ms). Time never moves backwards. */
  advanceTo(target: number): ClockState {
    const from = this.now();
    if (!Number.isFinite(target) || target < from) {
      throw new RangeError('the clock only moves forward');
    }
    if (target > MAX_TIME) throw new RangeError('the clock cannot go past the largest date JavaScript can represent');
    this.fireDue(target);
    this.reanchor(target);
    this.arm();
    return this.state();
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
    if (!Number.isFinite(virtual) || virtual <= this.now() || virtual > MAX_TIME) return;
    this.reanchor(virtual);
    this.arm();
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

  private fireDue(limit: number): void {
    if (this.firing) return;
    this.firing = true;
    try {
      let timer: ScheduledTimer | undefined;
      while ((timer = this.timers.popDue(limit))) {
        // Pin simulated time to the event's due time so the timestamps it records are exact.
        if (timer.at > this.now()) this.reanchor(timer.at);
        try {
          timer.run();
        } catch (error) {
          this.onError(error, timer.label);
        }
      }
    } finally {
      this.firing = false;
    }
  }

  private arm(): void {
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = undefined;
    this.armedFor = Infinity;
    if (this.closed || this.rate === 0) return;
    const next = this.timers.peek();
    if (!next) return;
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
