import { afterEach, describe, expect, it, vi } from 'vitest';
import { Clock, LATEST_TIME, MAX_TIME } from '../../src/engine/clock.js';
import { SeededRandom } from '../../src/engine/random.js';
import { TimerHeap, type ScheduledTimer } from '../../src/engine/timer-heap.js';

const T0 = Date.parse('2024-04-08T10:30:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function manualClock(onError?: (error: unknown, label: string) => void): Clock {
  return new Clock({ mode: 'manual', start: T0, ...(onError ? { onError } : {}) });
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('Clock in manual mode', () => {
  it('starts at the given time and stays frozen while wall time moves', () => {
    const wall = vi.spyOn(Date, 'now').mockReturnValue(1_000_000);
    const clock = manualClock();
    expect(clock.now()).toBe(T0);
    wall.mockReturnValue(1_000_000 + DAY);
    expect(clock.now()).toBe(T0);
    expect(clock.iso()).toBe('2024-04-08T10:30:00.000Z');
    expect(clock.date().getTime()).toBe(T0);
    expect(clock.mode).toBe('manual');
    expect(clock.speed).toBe(0);
  });

  it('accepts a Date as start', () => {
    const clock = new Clock({ mode: 'manual', start: new Date(T0) });
    expect(clock.now()).toBe(T0);
  });

  it('reports its state', () => {
    const clock = manualClock();
    expect(clock.state()).toEqual({
      mode: 'manual',
      speed: 0,
      now: '2024-04-08T10:30:00.000Z',
      nowMs: T0,
      pendingEvents: 0,
      nextEventAt: null,
    });
    clock.schedule(5_000, () => undefined);
    clock.schedule(2_000, () => undefined);
    expect(clock.state()).toMatchObject({ pendingEvents: 2, nextEventAt: '2024-04-08T10:30:02.000Z' });
  });

  it('never fires a timer until the clock is advanced', () => {
    const clock = manualClock();
    const fired: string[] = [];
    clock.schedule(0, () => fired.push('zero'));
    clock.schedule(1, () => fired.push('one'));
    expect(fired).toEqual([]);
    clock.advance(0);
    expect(fired).toEqual(['zero']);
    clock.advance(1);
    expect(fired).toEqual(['zero', 'one']);
  });

  it('advance fires timers in due order, with now() equal to each due time', () => {
    const clock = manualClock();
    const seen: Array<[string, number]> = [];
    const at = (label: string) => () => seen.push([label, clock.now()]);
    clock.schedule(3_000, at('c'));
    clock.schedule(1_000, at('a'));
    clock.schedule(2_000, at('b'));
    clock.schedule(10_000, at('late'));
    const state = clock.advance(5_000);
    expect(seen).toEqual([
      ['a', T0 + 1_000],
      ['b', T0 + 2_000],
      ['c', T0 + 3_000],
    ]);
    expect(clock.now()).toBe(T0 + 5_000);
    expect(state).toMatchObject({ nowMs: T0 + 5_000, pendingEvents: 1, nextEventAt: '2024-04-08T10:30:10.000Z' });
    clock.advance(5_000);
    expect(seen.at(-1)).toEqual(['late', T0 + 10_000]);
    expect(clock.state().pendingEvents).toBe(0);
  });

  it('fires a timer due exactly at the advance target', () => {
    const clock = manualClock();
    let fired = 0;
    clock.schedule(1_000, () => fired++);
    clock.advance(999);
    expect(fired).toBe(0);
    clock.advance(1);
    expect(fired).toBe(1);
  });

  it('fires timers due at the same time in the order they were scheduled (FIFO)', () => {
    const clock = manualClock();
    const order: number[] = [];
    for (let i = 0; i < 20; i++) clock.scheduleAt(T0 + 1_000, () => order.push(i));
    clock.scheduleAt(T0 + 500, () => order.push(-1));
    clock.advance(1_000);
    expect(order).toEqual([-1, ...Array.from({ length: 20 }, (_, i) => i)]);
  });

  it('fires timers scheduled by timers during an advance when they fall due within it', () => {
    const clock = manualClock();
    const seen: Array<[string, number]> = [];
    clock.schedule(1_000, () => {
      seen.push(['first', clock.now()]);
      clock.schedule(500, () => {
        seen.push(['child', clock.now()]);
        clock.schedule(0, () => seen.push(['grandchild', clock.now()]));
      });
      clock.schedule(10_000, () => seen.push(['too late', clock.now()]));
    });
    clock.schedule(1_200, () => seen.push(['second', clock.now()]));
    clock.advance(2_000);
    expect(seen).toEqual([
      ['first', T0 + 1_000],
      ['second', T0 + 1_200],
      ['child', T0 + 1_500],
      ['grandchild', T0 + 1_500],
    ]);
    expect(clock.state()).toMatchObject({ pendingEvents: 1, nextEventAt: new Date(T0 + 11_000).toISOString() });
  });

  it('cancel() stops a pending timer and is harmless when repeated or after firing', () => {
    const clock = manualClock();
    const fired: string[] = [];
    const a = clock.schedule(1_000, () => fired.push('a'));
    const b = clock.schedule(2_000, () => fired.push('b'));
    expect(a.at).toBe(T0 + 1_000);
    expect(b.label).toBe('timer');
    a.cancel();
    a.cancel();
    expect(clock.state().pendingEvents).toBe(1);
    expect(clock.state().nextEventAt).toBe(new Date(T0 + 2_000).toISOString());
    clock.advance(5_000);
    expect(fired).toEqual(['b']);
    b.cancel(); // already fired: must not skew the count
    expect(clock.state().pendingEvents).toBe(0);
    clock.schedule(1, () => fired.push('c'));
    expect(clock.state().pendingEvents).toBe(1);
    clock.advance(1);
    expect(fired).toEqual(['b', 'c']);
  });

  it('a timer can cancel another timer due later in the same advance', () => {
    const clock = manualClock();
    const fired: string[] = [];
    const victim = clock.schedule(2_000, () => fired.push('victim'));
    clock.schedule(1_000, () => {
      fired.push('killer');
      victim.cancel();
    });
    clock.advance(3_000);
    expect(fired).toEqual(['killer']);
    expect(clock.state().pendingEvents).toBe(0);
  });

  it('clearTimers() drops every pending event', () => {
    const clock = manualClock();
    let fired = 0;
    for (let i = 1; i <= 5; i++) clock.schedule(i * 1_000, () => fired++);
    clock.clearTimers();
    expect(clock.state()).toMatchObject({ pendingEvents: 0, nextEventAt: null });
    clock.advance(DAY);
    expect(fired).toBe(0);
  });

  it('advanceTo() moves to an absolute time and fires only what is due by then', () => {
    const clock = manualClock();
    const seen: number[] = [];
    clock.scheduleAt(T0 + HOUR, () => seen.push(clock.now()));
    clock.scheduleAt(T0 + 2 * HOUR, () => seen.push(clock.now()));
    const state = clock.advanceTo(T0 + 90 * 60_000);
    expect(seen).toEqual([T0 + HOUR]);
    expect(clock.now()).toBe(T0 + 90 * 60_000);
    expect(state.now).toBe('2024-04-08T12:00:00.000Z');
    // Advancing to the current time is allowed and fires nothing new.
    clock.advanceTo(clock.now());
    expect(seen).toEqual([T0 + HOUR]);
    clock.advanceTo(T0 + 2 * HOUR);
    expect(seen).toEqual([T0 + HOUR, T0 + 2 * HOUR]);
  });

  it('refuses to move backwards or by a negative or non-finite duration', () => {
    const clock = manualClock();
    clock.advance(1_000);
    expect(() => clock.advanceTo(T0)).toThrow(RangeError);
    expect(() => clock.advanceTo(Number.NaN)).toThrow(RangeError);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    expect(() => clock.advance(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(clock.now()).toBe(T0 + 1_000);
  });

  it('a timer scheduled in the past fires on the next advance without moving time backwards', () => {
    const clock = manualClock();
    clock.advance(10_000);
    const seen: number[] = [];
    const handle = clock.scheduleAt(T0, () => seen.push(clock.now()));
    expect(handle.at).toBe(T0);
    expect(seen).toEqual([]);
    clock.advance(0);
    expect(seen).toEqual([T0 + 10_000]);
  });

  it('a negative delay counts as zero', () => {
    const clock = manualClock();
    const handle = clock.schedule(-5_000, () => undefined);
    expect(handle.at).toBe(T0);
  });

  it('tick() fires what is already due', () => {
    const clock = manualClock();
    let fired = 0;
    clock.schedule(0, () => fired++);
    clock.schedule(1, () => fired++);
    clock.tick();
    expect(fired).toBe(1);
    expect(clock.now()).toBe(T0);
  });

  it('reports a throwing timer through onError and still fires the others', () => {
    const errors: Array<[unknown, string]> = [];
    const clock = manualClock((error, label) => errors.push([error, label]));
    const fired: string[] = [];
    const boom = new Error('boom');
    clock.schedule(1_000, () => fired.push('before'));
    clock.schedule(
      2_000,
      () => {
        throw boom;
      },
      'exploding timer',
    );
    clock.schedule(3_000, () => fired.push('after'));
    expect(() => clock.advance(5_000)).not.toThrow();
    expect(fired).toEqual(['before', 'after']);
    expect(errors).toEqual([[boom, 'exploding timer']]);
    expect(clock.now()).toBe(T0 + 5_000);
  });

  it('scheduleAt with an argument runs fn(arg), and a label function is built only to report an error', () => {
    const errors: string[] = [];
    const clock = manualClock((_error, label) => errors.push(label));
    const seen: number[] = [];
    let built = 0;
    const label = (n: number) => `job ${n} (${++built})`;
    const run = (n: number) => {
      if (n === 2) throw new Error('boom');
      seen.push(n);
    };
    clock.scheduleAt(T0 + 1, run, label, 1);
    const failing = clock.scheduleAt(T0 + 2, run, label, 2);
    clock.scheduleAt(T0 + 3, run, 'plain', 3);
    expect(built).toBe(0);
    clock.advance(10);
    expect(seen).toEqual([1, 3]);
    expect(errors).toEqual(['job 2 (1)']);
    expect(failing.label).toBe('job 2 (2)');
  });

  it('the handle is the scheduled timer itself, its cancel shared on the prototype', () => {
    const clock = manualClock();
    const a = clock.schedule(1_000, () => undefined);
    const b = clock.schedule(2_000, () => undefined);
    expect(Object.hasOwn(a, 'cancel')).toBe(false);
    expect(a.cancel).toBe(b.cancel);
    a.cancel();
    expect(clock.state().pendingEvents).toBe(1);
  });

  it('a throwing timer without onError is swallowed, not propagated', () => {
    const clock = manualClock();
    let after = false;
    clock.schedule(1, () => {
      throw new Error('ignored');
    });
    clock.schedule(2, () => {
      after = true;
    });
    expect(() => clock.advance(10)).not.toThrow();
    expect(after).toBe(true);
  });

  it('fires 10,000 timers spread over 24 h, all in due order with exact timestamps', () => {
    const clock = manualClock();
    const random = new SeededRandom(2024);
    const scheduled: Array<{ at: number; index: number }> = [];
    const fired: Array<{ at: number; index: number; now: number }> = [];
    for (let index = 0; index < 10_000; index++) {
      // Coarse slots (whole seconds) so that many timers share a due time and FIFO is exercised too.
      const at = T0 + random.int(DAY / 1_000) * 1_000;
      scheduled.push({ at, index });
      clock.scheduleAt(at, () => fired.push({ at, index, now: clock.now() }));
    }
    expect(clock.state().pendingEvents).toBe(10_000);
    clock.advance(DAY);
    expect(fired).toHaveLength(10_000);
    const expected = [...scheduled].sort((a, b) => a.at - b.at || a.index - b.index);
    expect(fired.map(({ at, index }) => ({ at, index }))).toEqual(expected);
    for (const event of fired) expect(event.now).toBe(event.at);
    expect(clock.state()).toMatchObject({ pendingEvents: 0, nextEventAt: null, nowMs: T0 + DAY });
  });
});

describe('Clock in speed and real modes (wall time mocked, no waiting)', () => {
  it('needs a positive speed factor', () => {
    expect(() => new Clock({ mode: 'speed', start: T0 })).toThrow(RangeError);
    expect(() => new Clock({ mode: 'speed', speed: 0, start: T0 })).toThrow(RangeError);
    expect(() => new Clock({ mode: 'speed', speed: -2, start: T0 })).toThrow(RangeError);
    expect(() => new Clock({ mode: 'speed', speed: Number.NaN, start: T0 })).toThrow(RangeError);
    expect(() => manualClock().setMode('speed')).toThrow(RangeError);
  });

  it('speed mode runs N× wall time from its start', () => {
    const wall = vi.spyOn(Date, 'now').mockReturnValue(5_000_000);
    const clock = new Clock({ mode: 'speed', speed: 10, start: T0 });
    expect(clock.state()).toMatchObject({ mode: 'speed', speed: 10, nowMs: T0, now: '2024-04-08T10:30:00.000Z' });
    wall.mockReturnValue(5_000_000 + 1_500);
    expect(clock.state()).toMatchObject({ mode: 'speed', speed: 10, nowMs: T0 + 15_000, now: '2024-04-08T10:30:15.000Z' });
    clock.close();
  });

  it('real mode follows wall time one to one', () => {
    const wall = vi.spyOn(Date, 'now').mockReturnValue(7_000_000);
    const clock = new Clock({ mode: 'real', start: T0 });
    wall.mockReturnValue(7_000_000 + 2_345);
    expect(clock.state()).toMatchObject({ mode: 'real', speed: 1, nowMs: T0 + 2_345 });
    clock.close();
  });

  it('defaults to real mode starting at wall time', () => {
    vi.spyOn(Date, 'now').mockReturnValue(T0);
    const clock = new Clock();
    expect(clock.state()).toMatchObject({ mode: 'real', speed: 1, nowMs: T0 });
    clock.close();
  });

  it('setMode switches without a jump in simulated time', () => {
    const wall = vi.spyOn(Date, 'now').mockReturnValue(1_000_000);
    const clock = manualClock();
    clock.advance(60_000);
    wall.mockReturnValue(1_000_000 + 30_000); // wall time passing does not move a manual clock
    expect(clock.now()).toBe(T0 + 60_000);

    clock.setMode('speed', 4);
    expect(clock.state()).toMatchObject({ mode: 'speed', speed: 4, nowMs: T0 + 60_000 });
    wall.mockReturnValue(1_000_000 + 32_000);
    expect(clock.now()).toBe(T0 + 60_000 + 8_000);

    clock.setMode('real');
    expect(clock.state()).toMatchObject({ mode: 'real', speed: 1, nowMs: T0 + 68_000 });
    wall.mockReturnValue(1_000_000 + 33_000);
    expect(clock.now()).toBe(T0 + 69_000);

    clock.setMode('manual');
    expect(clock.state()).toMatchObject({ mode: 'manual', speed: 0, nowMs: T0 + 69_000 });
    wall.mockReturnValue(1_000_000 + 99_000);
    expect(clock.now()).toBe(T0 + 69_000);
    clock.close();
  });

  it('advance also works in speed mode, on top of the running time', () => {
    const wall = vi.spyOn(Date, 'now').mockReturnValue(2_000_000);
    const clock = new Clock({ mode: 'speed', speed: 2, start: T0 });
    wall.mockReturnValue(2_000_000 + 1_000);
    const seen: number[] = [];
    clock.scheduleAt(T0 + 2_000 + HOUR, () => seen.push(clock.now()));
    clock.advance(HOUR);
    expect(seen).toEqual([T0 + 2_000 + HOUR]);
    expect(clock.now()).toBe(T0 + 2_000 + HOUR);
    clock.close();
  });

  it('in speed mode a real timer fires events when their simulated time comes (fake wall timers)', () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'], now: 10_000_000 });
    const clock = new Clock({ mode: 'speed', speed: 10, start: T0 });
    const seen: number[] = [];
    clock.schedule(10_000, () => seen.push(clock.now())); // 10 s simulated = 1 s of wall time
    clock.schedule(20_000, () => seen.push(clock.now()));
    vi.advanceTimersByTime(999);
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual([T0 + 10_000]);
    vi.advanceTimersByTime(1_000);
    expect(seen).toEqual([T0 + 10_000, T0 + 20_000]);
    clock.close();
  });

  it('in real mode an event scheduled before the armed one fires at its own time, and later ones do not re-arm', () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'], now: 10_000_000 });
    const clock = new Clock({ mode: 'real', start: T0 });
    const seen: string[] = [];
    clock.schedule(5_000, () => seen.push(`late@${clock.now() - T0}`));
    expect(vi.getTimerCount()).toBe(1);
    clock.schedule(1_000, () => seen.push(`early@${clock.now() - T0}`));
    expect(vi.getTimerCount()).toBe(1);
    const cancelled = clock.schedule(500, () => seen.push('cancelled'));
    const arming = vi.spyOn(globalThis, 'setTimeout');
    for (let i = 0; i < 100; i++) clock.schedule(6_000 + i, () => undefined);
    expect(arming).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(1);
    cancelled.cancel();
    vi.advanceTimersByTime(999);
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual(['early@1000']);
    vi.advanceTimersByTime(4_000);
    expect(seen).toEqual(['early@1000', 'late@5000']);
    expect(clock.state().pendingEvents).toBe(100);
    clock.close();
  });

  it('close() stops the real timer', () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'], now: 10_000_000 });
    const clock = new Clock({ mode: 'real', start: T0 });
    let fired = 0;
    clock.schedule(1_000, () => fired++);
    clock.close();
    vi.advanceTimersByTime(5_000);
    expect(fired).toBe(0);
  });
});

describe('Clock range: nothing past LATEST_TIME (9998-12-31T23:59:59.999Z)', () => {
  it('leaves a year for what is computed ahead of the clock: a 365-day schedule still has a four-digit year', () => {
    expect(new Date(LATEST_TIME).toISOString()).toBe('9998-12-31T23:59:59.999Z');
    expect(new Date(LATEST_TIME + 365 * DAY).toISOString()).toBe('9999-12-31T23:59:59.999Z');
  });

  it('advances to LATEST_TIME exactly, and refuses anything past it with a RangeError, time unchanged', async () => {
    const clock = manualClock();
    expect(() => clock.advanceTo(MAX_TIME)).toThrow(RangeError);
    expect(() => clock.advanceTo(LATEST_TIME + 1)).toThrow(RangeError);
    expect(() => clock.advanceTo(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => clock.advance(LATEST_TIME)).toThrow(RangeError);
    expect(() => clock.advance(1e308)).toThrow(RangeError);
    await expect(clock.advanceInSlices({ to: LATEST_TIME + 1 })).rejects.toThrow(RangeError);
    await expect(clock.advanceInSlices({ by: 1e308 })).rejects.toThrow(RangeError);
    expect(clock.now()).toBe(T0);
    let fired = 0;
    clock.scheduleAt(LATEST_TIME, () => fired++);
    clock.scheduleAt(LATEST_TIME + 1, () => fired++);
    expect(clock.advanceTo(LATEST_TIME).now).toBe('9998-12-31T23:59:59.999Z');
    expect(fired).toBe(1);
    expect(() => clock.advance(1)).toThrow(RangeError);
    expect(clock.advance(0).nowMs).toBe(LATEST_TIME);
  });

  it('refuses a start past LATEST_TIME or not a time at all', () => {
    expect(() => new Clock({ mode: 'manual', start: LATEST_TIME + 1 })).toThrow(RangeError);
    expect(() => new Clock({ mode: 'manual', start: MAX_TIME })).toThrow(RangeError);
    expect(() => new Clock({ mode: 'manual', start: new Date('not a date') })).toThrow(RangeError);
    expect(() => new Clock({ mode: 'manual', start: Number.NaN })).toThrow(RangeError);
    expect(new Clock({ mode: 'manual', start: LATEST_TIME }).now()).toBe(LATEST_TIME);
  });

  it('in speed mode simulated time stops at LATEST_TIME, and an event past it never arms a timer', () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'], now: 10_000_000 });
    const clock = new Clock({ mode: 'speed', speed: 1_000_000, start: LATEST_TIME - 10 * DAY });
    let fired = 0;
    clock.scheduleAt(LATEST_TIME - DAY, () => fired++);
    clock.scheduleAt(LATEST_TIME + 1, () => fired++);
    vi.advanceTimersByTime((10 * DAY) / 1_000_000 + 1_000); // far past the bound at this speed
    expect(fired).toBe(1);
    expect(clock.now()).toBe(LATEST_TIME);
    expect(clock.state()).toMatchObject({ now: '9998-12-31T23:59:59.999Z', pendingEvents: 1 });
    expect(vi.getTimerCount()).toBe(0);
    clock.setMode('real');
    expect(clock.now()).toBe(LATEST_TIME);
    clock.close();
  });
});

describe('Clock.advanceInSlices', () => {
  /** Slices of exactly `events` events, whatever the machine's speed. */
  const bySlices = (events: number, onSlice?: (fired: number) => void) => ({ sliceMs: Infinity, sliceEvents: events, ...(onSlice ? { onSlice } : {}) });
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

  it('fires every due event in order with now() at its due time, across many slices, and ends at the target', async () => {
    const clock = manualClock();
    const random = new SeededRandom(19);
    const fired: Array<{ at: number; index: number; now: number }> = [];
    const scheduled: Array<{ at: number; index: number }> = [];
    for (let index = 0; index < 300; index++) {
      const at = T0 + random.int(60) * 1_000;
      scheduled.push({ at, index });
      clock.scheduleAt(at, () => fired.push({ at, index, now: clock.now() }));
    }
    clock.scheduleAt(T0 + 2 * HOUR, () => fired.push({ at: -1, index: -1, now: clock.now() }));
    const slices: number[] = [];
    const result = await clock.advanceInSlices(
      { by: HOUR },
      bySlices(7, (n) => slices.push(n)),
    );
    expect(fired.map(({ at, index }) => ({ at, index }))).toEqual([...scheduled].sort((a, b) => a.at - b.at || a.index - b.index));
    for (const event of fired) expect(event.now).toBe(event.at);
    // 300 events in slices of 7: 42 full slices and one of 6.
    expect(slices).toEqual([...Array.from({ length: 42 }, () => 7), 6]);
    expect(result).toMatchObject({ from: T0, fired: 300, slices: 43 });
    expect(result.state).toMatchObject({ nowMs: T0 + HOUR, pendingEvents: 1, nextEventAt: new Date(T0 + 2 * HOUR).toISOString() });
    expect(result.state.advancingTo).toBeUndefined();
    expect(clock.now()).toBe(T0 + HOUR);
  });

  it('fires events scheduled by events within the window, in later slices too', async () => {
    const clock = manualClock();
    const seen: Array<[string, number]> = [];
    // A chain: each event schedules the next 1 s later, 50 links, so it spans many one-event slices.
    const link = (n: number) => {
      seen.push([`link${n}`, clock.now()]);
      if (n < 50) clock.schedule(1_000, () => link(n + 1));
    };
    clock.schedule(1_000, () => link(1));
    clock.schedule(10_500, () => seen.push(['fixed', clock.now()]));
    const result = await clock.advanceInSlices({ by: 40_000 }, bySlices(1));
    expect(seen.slice(0, 11)).toEqual([
      ...Array.from({ length: 10 }, (_, i) => [`link${i + 1}`, T0 + (i + 1) * 1_000] as [string, number]),
      ['fixed', T0 + 10_500],
    ]);
    expect(seen).toHaveLength(41);
    expect(seen.at(-1)).toEqual(['link40', T0 + 40_000]);
    expect(result).toMatchObject({ fired: 41, slices: 41 });
    expect(clock.state()).toMatchObject({ pendingEvents: 1, nextEventAt: new Date(T0 + 41_000).toISOString() });
  });

  it('lets other work run between slices, with now() at the due time of the last event fired', async () => {
    const clock = manualClock();
    const firedAt: number[] = [];
    for (let i = 1; i <= 100; i++) clock.scheduleAt(T0 + i * 100, () => firedAt.push(clock.now()));
    const running = clock.advanceInSlices({ by: 60_000 }, bySlices(10));
    let done = false;
    void running.then(() => (done = true));
    const observed: Array<{ fired: number; now: number; advancingTo: string | undefined }> = [];
    while (!done) {
      await turn();
      const state = clock.state();
      observed.push({ fired: firedAt.length, now: clock.now(), advancingTo: state.advancingTo });
    }
    const during = observed.filter((o) => o.fired > 0 && o.fired < 100);
    // Ten slices of ten: the other work saw the advance at least at each of the nine boundaries inside it.
    expect(new Set(during.map((o) => o.fired)).size).toBeGreaterThanOrEqual(9);
    for (const o of during) {
      expect(o.fired % 10).toBe(0);
      expect(o.now).toBe(T0 + o.fired * 100);
      expect(o.advancingTo).toBe(new Date(T0 + 60_000).toISOString());
    }
    const nows = observed.map((o) => o.now);
    expect(nows).toEqual([...nows].sort((a, b) => a - b));
    expect((await running).state.nowMs).toBe(T0 + 60_000);
  });

  it('with a wall-time budget, a slice ends once the budget is spent, after at least one event', async () => {
    const clock = manualClock();
    for (let i = 1; i <= 5; i++) clock.scheduleAt(T0 + i, () => undefined);
    const slices: number[] = [];
    const result = await clock.advanceInSlices({ by: 10 }, { sliceMs: 0, onSlice: (n) => slices.push(n) });
    expect(slices).toEqual([1, 1, 1, 1, 1]);
    expect(result.fired).toBe(5);
  });

  it('runs concurrent advances one after another, in call order, each from where the previous ended', async () => {
    const clock = manualClock();
    const seen: Array<[string, number]> = [];
    for (let i = 1; i <= 30; i++) clock.scheduleAt(T0 + i * 1_000, () => seen.push([`e${i}`, clock.now()]));
    const order: string[] = [];
    const options = bySlices(3);
    const first = clock.advanceInSlices({ by: 10_000 }, options).then((r) => (order.push('first'), r));
    const second = clock.advanceInSlices({ by: 5_000 }, options).then((r) => (order.push('second'), r));
    // Queued behind the first two: by its turn the clock is at +15 s, so +12 s is in the past.
    const stale = clock.advanceInSlices({ to: T0 + 12_000 }, options).catch((error: unknown) => (order.push('stale'), error));
    const third = clock.advanceInSlices({ to: T0 + 20_000 }, options).then((r) => (order.push('third'), r));
    const [a, b, error, c] = await Promise.all([first, second, stale, third]);
    expect(order).toEqual(['first', 'second', 'stale', 'third']);
    expect(a).toMatchObject({ from: T0, fired: 10 });
    expect(a.state.nowMs).toBe(T0 + 10_000);
    expect(b).toMatchObject({ from: T0 + 10_000, fired: 5 });
    expect(b.state.nowMs).toBe(T0 + 15_000);
    expect(error).toBeInstanceOf(RangeError);
    expect(c).toMatchObject({ from: T0 + 15_000, fired: 5 });
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => [`e${i + 1}`, T0 + (i + 1) * 1_000]));
    expect(clock.now()).toBe(T0 + 20_000);
  });

  it('a reset between slices (cleared or cancelled events) stops those events, and the advance still ends at its target', async () => {
    const clock = manualClock();
    const fired: string[] = [];
    const tenantB: Array<{ cancel(): void }> = [];
    for (let i = 1; i <= 20; i++) {
      clock.scheduleAt(T0 + i * 1_000, () => fired.push(`a${i}`));
      tenantB.push(clock.scheduleAt(T0 + i * 1_000 + 500, () => fired.push(`b${i}`)));
    }
    let slice = 0;
    const result = await clock.advanceInSlices(
      { by: HOUR },
      bySlices(4, () => {
        slice++;
        // After the 2nd slice one tenant is reset (its timers cancelled); after the 4th, everything.
        if (slice === 2) for (const timer of tenantB) timer.cancel();
        if (slice === 4) clock.clearTimers();
      }),
    );
    expect(fired).toEqual(['a1', 'b1', 'a2', 'b2', 'a3', 'b3', 'a4', 'b4', 'a5', 'a6', 'a7', 'a8', 'a9', 'a10', 'a11', 'a12']);
    expect(result).toMatchObject({ fired: 16, slices: 4 });
    expect(result.state).toMatchObject({ nowMs: T0 + HOUR, pendingEvents: 0, nextEventAt: null });
  });

  it('a synchronous advance meanwhile fires at once, and time never moves backwards', async () => {
    const clock = manualClock();
    const seen: number[] = [];
    for (let i = 1; i <= 10; i++) clock.scheduleAt(T0 + i * 1_000, () => seen.push(clock.now()));
    let once = false;
    const result = await clock.advanceInSlices(
      { by: 5_000 },
      bySlices(2, () => {
        if (once) return;
        once = true;
        clock.advance(7_000); // from +2 s to +9 s
      }),
    );
    expect(seen).toEqual(Array.from({ length: 9 }, (_, i) => T0 + (i + 1) * 1_000));
    expect(result.state.nowMs).toBe(T0 + 9_000);
    expect(clock.now()).toBe(T0 + 9_000);
  });

  it('refuses a negative, non-finite or backwards target with a RangeError, and the queue goes on', async () => {
    const clock = manualClock();
    await expect(clock.advanceInSlices({ by: -1 })).rejects.toThrow(RangeError);
    await expect(clock.advanceInSlices({ by: Number.NaN })).rejects.toThrow(RangeError);
    await expect(clock.advanceInSlices({ to: T0 - 1 })).rejects.toThrow(RangeError);
    await expect(clock.advanceInSlices({ to: Number.POSITIVE_INFINITY })).rejects.toThrow(RangeError);
    expect((await clock.advanceInSlices({ by: 1_000 })).state.nowMs).toBe(T0 + 1_000);
  });

  it('close() stops an advance after the current slice, and one waiting its turn fires nothing', async () => {
    const clock = manualClock();
    let fired = 0;
    for (let i = 1; i <= 10; i++) clock.scheduleAt(T0 + i, () => fired++);
    const running = clock.advanceInSlices(
      { by: 100 },
      bySlices(3, () => clock.close()),
    );
    const waiting = clock.advanceInSlices({ by: 100 }, bySlices(3));
    expect(await running).toMatchObject({ fired: 3, slices: 1 });
    expect(await waiting).toMatchObject({ from: T0 + 3, fired: 0, slices: 0 });
    expect(fired).toBe(3);
    expect(clock.now()).toBe(T0 + 3);
  });

  it('takes its slice defaults from the clock options', async () => {
    const slices: number[] = [];
    const clock = new Clock({ mode: 'manual', start: T0, slices: bySlices(2, (n) => slices.push(n)) });
    for (let i = 1; i <= 5; i++) clock.scheduleAt(T0 + i, () => undefined);
    await clock.advanceInSlices({ by: 10 });
    expect(slices).toEqual([2, 2, 1]);
  });

  it('in real mode no real timer is armed during the advance and time stands still; afterwards it runs on from the target', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'], now: 10_000_000 });
    const clock = new Clock({ mode: 'real', start: T0 });
    const seen: Array<[string, number]> = [];
    for (let i = 1; i <= 6; i++) clock.scheduleAt(T0 + i * 1_000, () => seen.push([`e${i}`, clock.now()]));
    clock.scheduleAt(T0 + HOUR, () => seen.push(['later', clock.now()]));
    expect(vi.getTimerCount()).toBe(1);
    const during: Array<{ timers: number; now: number }> = [];
    const result = await clock.advanceInSlices(
      { by: 10_000 },
      bySlices(2, () => {
        // Wall time passing meanwhile (a busy machine) moves neither time nor a real timer.
        vi.setSystemTime(Date.now() + 60_000);
        if (during.length === 0) clock.schedule(500, () => seen.push(['scheduled meanwhile', clock.now()]));
        during.push({ timers: vi.getTimerCount(), now: clock.now() });
      }),
    );
    expect(during.map((d) => d.timers)).toEqual([0, 0, 0, 0]);
    expect(during.map((d) => d.now - T0)).toEqual([2_000, 3_000, 5_000, 6_000]);
    expect(seen.map(([label, at]) => [label, at - T0])).toEqual([
      ['e1', 1_000],
      ['e2', 2_000],
      ['scheduled meanwhile', 2_500],
      ['e3', 3_000],
      ['e4', 4_000],
      ['e5', 5_000],
      ['e6', 6_000],
    ]);
    expect(result.state.nowMs).toBe(T0 + 10_000);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(1_000);
    expect(clock.now()).toBe(T0 + 11_000);
    clock.close();
  });
});

describe('TimerHeap', () => {
  const noop = () => undefined;

  it('pops in due order, FIFO on ties, only what is due by the limit', () => {
    const heap = new TimerHeap();
    const pushed: ScheduledTimer[] = [];
    for (const [at, label] of [
      [30, 'c'],
      [10, 'a1'],
      [20, 'b'],
      [10, 'a2'],
      [50, 'e'],
      [10, 'a3'],
    ] as const) {
      pushed.push(heap.push(at, noop, label));
    }
    expect(heap.size).toBe(6);
    expect(heap.peek()?.label).toBe('a1');
    const popped: string[] = [];
    let timer: ScheduledTimer | undefined;
    while ((timer = heap.popDue(30))) popped.push(timer.label);
    expect(popped).toEqual(['a1', 'a2', 'a3', 'b', 'c']);
    expect(heap.size).toBe(1);
    expect(heap.popDue(49)).toBeUndefined();
    expect(heap.popDue(50)?.label).toBe('e');
    expect(heap.size).toBe(0);
    expect(heap.peek()).toBeUndefined();
  });

  it('cancel is lazy but exact: cancelled timers are skipped and counted once', () => {
    const heap = new TimerHeap();
    const a = heap.push(1, noop, 'a');
    const b = heap.push(2, noop, 'b');
    heap.push(3, noop, 'c');
    heap.cancel(a);
    heap.cancel(a);
    expect(heap.size).toBe(2);
    expect(heap.peek()?.label).toBe('b');
    heap.cancel(b);
    expect(heap.popDue(10)?.label).toBe('c');
    expect(heap.size).toBe(0);
  });

  it('cancelling an already popped timer does not change the size', () => {
    const heap = new TimerHeap();
    const a = heap.push(1, noop, 'a');
    heap.push(2, noop, 'b');
    expect(heap.popDue(1)).toBe(a);
    heap.cancel(a);
    expect(heap.size).toBe(1);
  });

  it('clear() empties the heap and marks every timer cancelled', () => {
    const heap = new TimerHeap();
    const a = heap.push(1, noop, 'a');
    heap.push(2, noop, 'b');
    heap.clear();
    expect(heap.size).toBe(0);
    expect(heap.peek()).toBeUndefined();
    expect(a.cancelled).toBe(true);
    heap.cancel(a);
    expect(heap.size).toBe(0);
  });

  it('keeps heap order through many random pushes and cancels', () => {
    const heap = new TimerHeap();
    const random = new SeededRandom(7);
    const live: ScheduledTimer[] = [];
    for (let i = 0; i < 2_000; i++) {
      const timer = heap.push(random.int(500), noop, `t${i}`);
      if (random.next() < 0.3) heap.cancel(timer);
      else live.push(timer);
    }
    expect(heap.size).toBe(live.length);
    const order: ScheduledTimer[] = [];
    let timer: ScheduledTimer | undefined;
    while ((timer = heap.popDue(Number.POSITIVE_INFINITY))) order.push(timer);
    expect(order).toEqual([...live].sort((x, y) => x.at - y.at || x.seq - y.seq));
  });
});
