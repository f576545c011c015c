import { describe, expect, it } from 'vitest';
import { Clock } from '../../src/engine/clock.js';
import { RateLimiter, windowBounds, type RateWindow } from '../../src/engine/rate-limit.js';

const START = Date.parse('2024-04-08T10:30:00Z');

function setup(): { clock: Clock; limiter: RateLimiter } {
  const clock = new Clock({ mode: 'manual', start: START });
  return { clock, limiter: new RateLimiter(clock) };
}

const perSecond = (limit: number): RateWindow => ({ name: 'second', limit, windowMs: 1000 });
const perMinute = (limit: number): RateWindow => ({ name: 'minute', limit, windowMs: 60_000 });
const perDay = (limit: number): RateWindow => ({ name: 'day', limit, calendar: 'day' });
const perMonth = (limit: number): RateWindow => ({ name: 'month', limit, calendar: 'month' });

describe('windowBounds', () => {
  it.each([
    {
      what: 'second, aligned on the second',
      w: perSecond(1),
      at: '2024-04-08T10:30:00.250Z',
      start: '2024-04-08T10:30:00.000Z',
      end: '2024-04-08T10:30:01.000Z',
    },
    { what: 'minute', w: perMinute(1), at: '2024-04-08T10:30:59.999Z', start: '2024-04-08T10:30:00.000Z', end: '2024-04-08T10:31:00.000Z' },
    { what: 'day at UTC midnight', w: perDay(1), at: '2024-04-08T23:59:59.999Z', start: '2024-04-08T00:00:00.000Z', end: '2024-04-09T00:00:00.000Z' },
    {
      what: 'day starting exactly at midnight',
      w: perDay(1),
      at: '2024-04-09T00:00:00.000Z',
      start: '2024-04-09T00:00:00.000Z',
      end: '2024-04-10T00:00:00.000Z',
    },
    { what: 'month', w: perMonth(1), at: '2024-04-08T10:30:00Z', start: '2024-04-01T00:00:00.000Z', end: '2024-05-01T00:00:00.000Z' },
    { what: 'leap February', w: perMonth(1), at: '2024-02-29T23:00:00Z', start: '2024-02-01T00:00:00.000Z', end: '2024-03-01T00:00:00.000Z' },
    {
      what: 'December rolls into the next year',
      w: perMonth(1),
      at: '2024-12-31T23:59:59Z',
      start: '2024-12-01T00:00:00.000Z',
      end: '2025-01-01T00:00:00.000Z',
    },
  ])('$what', ({ w, at, start, end }) => {
    const bounds = windowBounds(w, Date.parse(at));
    expect(new Date(bounds.start).toISOString()).toBe(start);
    expect(new Date(bounds.end).toISOString()).toBe(end);
  });
});

describe('RateLimiter.consume', () => {
  it.each([
    { what: 'per second', window: perSecond(3), offsetMs: 250, resetAt: '2024-04-08T10:30:01.000Z', retryAfter: 1 },
    { what: 'per minute', window: perMinute(3), offsetMs: 0, resetAt: '2024-04-08T10:31:00.000Z', retryAfter: 60 },
    { what: 'per minute, mid-window', window: perMinute(3), offsetMs: 59_001, resetAt: '2024-04-08T10:31:00.000Z', retryAfter: 1 },
    { what: 'per day (UTC midnight)', window: perDay(3), offsetMs: 0, resetAt: '2024-04-09T00:00:00.000Z', retryAfter: 13.5 * 3600 },
    { what: 'per month (the 1st, UTC)', window: perMonth(3), offsetMs: 0, resetAt: '2024-05-01T00:00:00.000Z', retryAfter: (22 * 24 + 13.5) * 3600 },
  ])('$what: allows up to the limit, then denies until the window frees', ({ window, offsetMs, resetAt, retryAfter }) => {
    const { clock, limiter } = setup();
    clock.advance(offsetMs);
    const remaining = [1, 2, 3].map(() => limiter.consume('t1', [window]));
    expect(remaining.map((d) => [d.allowed, d.remaining, d.retryAfterSeconds])).toEqual([
      [true, 2, 0],
      [true, 1, 0],
      [true, 0, 0],
    ]);
    const denied = limiter.consume('t1', [window]);
    expect(denied).toEqual({
      allowed: false,
      limit: 3,
      remaining: 0,
      resetAt: Date.parse(resetAt),
      retryAfterSeconds: retryAfter,
      window: window.name,
    });
    clock.advanceTo(Date.parse(resetAt) - 1);
    expect(limiter.consume('t1', [window]).allowed).toBe(false);
    clock.advance(1);
    expect(limiter.consume('t1', [window])).toMatchObject({ allowed: true, remaining: 2 });
  });

  it.each([0, 1, 499, 500, 998, 999])('Retry-After is never earlier than the window frees (at +%i ms)', (offset) => {
    const { clock, limiter } = setup();
    clock.advance(offset);
    limiter.consume('t', [perSecond(1)]);
    const denied = limiter.consume('t', [perSecond(1)]);
    expect(denied.retryAfterSeconds).toBe(1);
    expect(clock.now() + denied.retryAfterSeconds * 1000).toBeGreaterThanOrEqual(denied.resetAt);
    clock.advance(denied.retryAfterSeconds * 1000);
    expect(limiter.consume('t', [perSecond(1)]).allowed).toBe(true);
  });

  it('is all-or-nothing: a request denied by one window is not counted against the others', () => {
    const { clock, limiter } = setup();
    const windows = [perSecond(2), perMinute(3)];
    expect(limiter.consume('t', windows).allowed).toBe(true);
    expect(limiter.consume('t', windows).allowed).toBe(true);
    expect(limiter.consume('t', windows)).toMatchObject({ allowed: false, window: 'second' });
    expect(limiter.consume('t', windows)).toMatchObject({ allowed: false, window: 'second' });
    clock.advance(1000);
    // Had the denied requests counted, the minute window would already be exhausted.
    expect(limiter.consume('t', windows)).toMatchObject({ allowed: true, window: 'minute', remaining: 0 });
    expect(limiter.consume('t', windows)).toMatchObject({ allowed: false, window: 'minute', retryAfterSeconds: 59 });
  });

  it('when several windows block, reports the one that frees last', () => {
    const { limiter } = setup();
    const windows = [perSecond(1), perDay(1), perMinute(1)];
    limiter.consume('t', windows);
    expect(limiter.consume('t', windows)).toMatchObject({
      allowed: false,
      window: 'day',
      retryAfterSeconds: 13.5 * 3600,
      resetAt: Date.parse('2024-04-09T00:00:00Z'),
    });
  });

  it.each([
    { what: 'tighter window', windows: [perSecond(10), perMinute(3)], window: 'minute', remaining: 2, limit: 3 },
    { what: 'tie goes to the later reset', windows: [perSecond(3), perDay(3)], window: 'day', remaining: 2, limit: 3 },
    { what: 'single window', windows: [perSecond(5)], window: 'second', remaining: 4, limit: 5 },
  ])('when allowed, reports the window with the fewest remaining ($what)', ({ windows, window, remaining, limit }) => {
    const { limiter } = setup();
    expect(limiter.consume('t', windows)).toMatchObject({ allowed: true, window, remaining, limit, retryAfterSeconds: 0 });
  });

  it.each([
    { cost: 3, limit: 5, first: { allowed: true, remaining: 2 }, second: { allowed: false, remaining: 2 } },
    { cost: 5, limit: 5, first: { allowed: true, remaining: 0 }, second: { allowed: false, remaining: 0 } },
    { cost: 6, limit: 5, first: { allowed: false, remaining: 5 }, second: { allowed: false, remaining: 5 } },
    { cost: 0, limit: 0, first: { allowed: true, remaining: 0 }, second: { allowed: true, remaining: 0 } },
  ])('cost $cost against limit $limit', ({ cost, limit, first, second }) => {
    const { limiter } = setup();
    expect(limiter.consume('t', [perMinute(limit)], cost)).toMatchObject(first);
    expect(limiter.consume('t', [perMinute(limit)], cost)).toMatchObject(second);
  });

  it('a limit of 0 always denies', () => {
    const { limiter } = setup();
    expect(limiter.consume('t', [perSecond(0)])).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
  });

  it('an empty window list always allows', () => {
    const { limiter } = setup();
    for (let i = 0; i < 5; i++) {
      expect(limiter.consume('t', [])).toMatchObject({
        allowed: true,
        limit: Infinity,
        remaining: Number.MAX_SAFE_INTEGER,
        retryAfterSeconds: 0,
      });
    }
  });

  it('keys are independent', () => {
    const { limiter } = setup();
    expect(limiter.consume('msghub:a', [perSecond(1)]).allowed).toBe(true);
    expect(limiter.consume('msghub:a', [perSecond(1)]).allowed).toBe(false);
    expect(limiter.consume('msghub:b', [perSecond(1)]).allowed).toBe(true);
  });

  it('a reconfigured window length starts a fresh counter', () => {
    const { limiter } = setup();
    limiter.consume('t', [{ name: 'w', limit: 1, windowMs: 1000 }]);
    expect(limiter.consume('t', [{ name: 'w', limit: 1, windowMs: 1000 }]).allowed).toBe(false);
    expect(limiter.consume('t', [{ name: 'w', limit: 1, windowMs: 7000 }]).allowed).toBe(true);
  });

  it.each([
    { what: 'neither windowMs nor calendar', windows: [{ name: 'x', limit: 1 }] },
    { what: 'both windowMs and calendar', windows: [{ name: 'x', limit: 1, windowMs: 1000, calendar: 'day' as const }] },
    { what: 'zero windowMs', windows: [{ name: 'x', limit: 1, windowMs: 0 }] },
    { what: 'negative limit', windows: [{ name: 'x', limit: -1, windowMs: 1000 }] },
    { what: 'duplicate names', windows: [perSecond(1), perSecond(2)] },
  ])('rejects a bad window list: $what', ({ windows }) => {
    const { limiter } = setup();
    expect(() => limiter.consume('t', windows)).toThrow(RangeError);
  });

  it.each([-1, Number.NaN, Infinity])('rejects cost %s', (cost) => {
    const { limiter } = setup();
    expect(() => limiter.consume('t', [perSecond(1)], cost)).toThrow(RangeError);
  });
});

describe('RateLimiter.peek', () => {
  it.each([
    { used: 0, expected: { allowed: true, remaining: 3 } },
    { used: 2, expected: { allowed: true, remaining: 1 } },
    { used: 3, expected: { allowed: false, remaining: 0, retryAfterSeconds: 60 } },
  ])('after $used requests of 3/min', ({ used, expected }) => {
    const { limiter } = setup();
    for (let i = 0; i < used; i++) limiter.consume('t', [perMinute(3)]);
    expect(limiter.peek('t', [perMinute(3)])).toMatchObject(expected);
    // peeking never counts
    expect(limiter.peek('t', [perMinute(3)])).toMatchObject(expected);
  });

  it('an empty window list is unlimited', () => {
    const { limiter } = setup();
    expect(limiter.peek('t', [])).toMatchObject({ allowed: true, remaining: Number.MAX_SAFE_INTEGER });
  });
});

describe('RateLimiter.reset and memory', () => {
  it.each([
    { prefix: undefined, cleared: ['msghub:a', 'msghub:b', 'msgine:a'] },
    { prefix: 'msghub:', cleared: ['msghub:a', 'msghub:b'] },
    { prefix: 'msghub:a', cleared: ['msghub:a'] },
    { prefix: 'nobody', cleared: [] },
  ])('reset($prefix)', ({ prefix, cleared }) => {
    const { limiter } = setup();
    const keys = ['msghub:a', 'msghub:b', 'msgine:a'];
    for (const key of keys) limiter.consume(key, [perDay(1)]);
    limiter.reset(prefix);
    for (const key of keys) {
      expect(limiter.consume(key, [perDay(1)]).allowed, key).toBe(cleared.includes(key));
    }
  });

  it('drops expired counters, so memory follows live tenants', () => {
    const { clock, limiter } = setup();
    for (let i = 0; i < 2000; i++) limiter.consume(`tenant-${i}`, [perSecond(10), perMinute(100)]);
    limiter.consume('monthly', [perMonth(10)]);
    expect(limiter.size).toBe(2001);
    clock.advance(60_000);
    // The occasional sweep runs on ordinary traffic, not only when size is read.
    limiter.consume('tenant-0', [perSecond(10)]);
    const internal = limiter as unknown as { counters: Map<string, unknown> };
    expect(internal.counters.size).toBe(2);
    expect(limiter.size).toBe(2);
    clock.advanceTo(Date.parse('2024-05-01T00:00:00Z'));
    expect(limiter.size).toBe(0);
  });

  it('drops an expired counter of a key on access', () => {
    const { clock, limiter } = setup();
    limiter.consume('t', [perSecond(1)]);
    clock.advance(1000);
    expect(limiter.peek('t', [perSecond(1)])).toMatchObject({ allowed: true, remaining: 1 });
    const internal = limiter as unknown as { counters: Map<string, unknown> };
    expect(internal.counters.has('t')).toBe(false);
  });
});

describe('Retry-After under a manual clock (kept in wall time too)', () => {
  /** A manual clock whose wall time the test moves. */
  function walled() {
    const { clock, limiter } = setup();
    let wall = 0;
    clock.realNow = () => wall;
    return { clock, limiter, sleep: (ms: number) => (wall += ms) };
  }

  it('a client that sleeps the real Retry-After gets through, though the simulated clock stood still', () => {
    const { limiter, sleep } = walled();
    const windows = [perSecond(2)];
    expect([limiter.consume('k', windows).allowed, limiter.consume('k', windows).allowed]).toEqual([true, true]);
    const refused = limiter.consume('k', windows);
    expect(refused).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    sleep(999);
    expect(limiter.consume('k', windows).allowed).toBe(false);
    // Retrying at once restarts the wait: a full second after the last refusal.
    sleep(999);
    expect(limiter.consume('k', windows).allowed).toBe(false);
    sleep(1_000);
    expect([limiter.consume('k', windows).allowed, limiter.consume('k', windows).allowed, limiter.consume('k', windows).allowed]).toEqual([true, true, false]);
  });

  it('a test that advances the simulated clock past the window gets through without any wall time', () => {
    const { clock, limiter } = walled();
    const windows = [perMinute(1)];
    limiter.consume('k', windows);
    expect(limiter.consume('k', windows)).toMatchObject({ allowed: false, retryAfterSeconds: 60 });
    clock.advance(60_000);
    expect(limiter.consume('k', windows).allowed).toBe(true);
  });

  it('the wall-time promise is per window: the one that blocked, with its own Retry-After', () => {
    const { limiter, sleep } = walled();
    const windows = [perSecond(10), perMinute(2)];
    limiter.consume('k', windows);
    limiter.consume('k', windows);
    expect(limiter.consume('k', windows)).toMatchObject({ allowed: false, window: 'minute', retryAfterSeconds: 60 });
    sleep(1_000);
    expect(limiter.consume('k', windows).allowed).toBe(false);
    sleep(60_000);
    expect(limiter.consume('k', windows).allowed).toBe(true);
  });
});
