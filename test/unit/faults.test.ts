import { describe, expect, it } from 'vitest';
import { FaultInjector, globToRegExp, type FaultRuleInput } from '../../src/engine/faults.js';
import { IdGenerator, SeededRandom } from '../../src/engine/random.js';
import { SimError } from '../../src/engine/errors.js';

const injector = (seed = 7) => new FaultInjector(new IdGenerator(new SeededRandom(1)), seed, () => '2024-04-08T10:30:00.000Z');
const send = { provider: 'msghub', method: 'POST', path: '/messages/send', tenant: 'mk_live_a' };

describe('FaultInjector', () => {
  it.each<[string, Partial<FaultRuleInput>, boolean]>([
    ['no filters', {}, true],
    ['same provider', { provider: 'msghub' }, true],
    ['other provider', { provider: 'msgine' }, false],
    ['method, any case', { method: 'post' }, true],
    ['other method', { method: 'GET' }, false],
    ['exact path', { path: '/messages/send' }, true],
    ['one-segment glob', { path: '/messages/*' }, true],
    ['deep glob', { path: '/**' }, true],
    ['non-matching glob', { path: '/contacts/*' }, false],
    ['tenant', { tenant: 'mk_live_a' }, true],
    ['other tenant', { tenant: 'mk_live_b' }, false],
  ])('matches by %s', (_name, filter, expected) => {
    const faults = injector();
    faults.add({ ...filter, action: { status: 503 } });
    expect(faults.match(send) !== undefined).toBe(expected);
  });

  it('fires a counted rule exactly count times and reports hits', () => {
    const faults = injector();
    const rule = faults.add({ count: 3, action: { status: 500 } });
    const results = Array.from({ length: 5 }, () => faults.match(send)?.status);
    expect(results).toEqual([500, 500, 500, undefined, undefined]);
    expect(faults.list()[0]).toMatchObject({ id: rule.id, hits: 3, remaining: 0 });
  });

  it('is deterministic under a seed and roughly honours the probability', () => {
    const roll = (seed: number) => {
      const faults = injector(seed);
      faults.add({ probability: 0.3, action: { status: 503 } });
      return Array.from({ length: 1000 }, () => faults.match(send) !== undefined);
    };
    const a = roll(11);
    expect(roll(11)).toEqual(a);
    expect(roll(12)).not.toEqual(a);
    const hits = a.filter(Boolean).length;
    expect(hits).toBeGreaterThan(240);
    expect(hits).toBeLessThan(360);
  });

  it('reseeding replays the same dice', () => {
    const faults = injector(5);
    faults.add({ probability: 0.5, action: { status: 503 } });
    const first = Array.from({ length: 50 }, () => faults.match(send) !== undefined);
    faults.reseed(5);
    expect(Array.from({ length: 50 }, () => faults.match(send) !== undefined)).toEqual(first);
  });

  it('takes the first matching rule in insertion order', () => {
    const faults = injector();
    faults.add({ path: '/contacts', action: { status: 404 } });
    faults.add({ method: 'POST', action: { status: 502 } });
    faults.add({ action: { status: 500 } });
    expect(faults.match(send)?.status).toBe(502);
  });

  it('removes one rule or clears by provider', () => {
    const faults = injector();
    const a = faults.add({ provider: 'msghub', action: { status: 500 } });
    faults.add({ provider: 'msgine', action: { status: 500 } });
    expect(faults.remove(a.id)).toBe(true);
    expect(faults.remove(a.id)).toBe(false);
    faults.clear('msgine');
    expect(faults.list()).toHaveLength(0);
  });

  it.each([
    [{ fixed: 250 }, 250, 250],
    [{ uniform: { lower: 100, upper: 200 } }, 100, 200],
    [{ lognormal: { median: 100, sigma: 0.5 } }, 1, 120_000],
    [{ chunked: { chunks: 4, totalMs: 800 } }, 800, 800],
  ])('samples delay %j within bounds', (delay, lower, upper) => {
    const faults = injector();
    for (let i = 0; i < 200; i++) {
      const ms = faults.sampleDelay(delay);
      expect(ms).toBeGreaterThanOrEqual(lower);
      expect(ms).toBeLessThanOrEqual(upper);
    }
  });

  it.each<[string, unknown, string]>([
    ['no action', {}, 'action'],
    ['empty action', { action: {} }, 'action'],
    ['2xx status', { action: { status: 200 } }, 'action.status'],
    ['unknown fault', { action: { fault: 'MELTDOWN' } }, 'action.fault'],
    ['negative delay', { action: { delay: { fixed: -1 } } }, 'action.delay'],
    ['inverted range', { action: { delay: { uniform: { lower: 5, upper: 1 } } } }, 'action.delay'],
    ['zero probability', { probability: 0, action: { status: 500 } }, 'probability'],
    ['probability above 1', { probability: 1.5, action: { status: 500 } }, 'probability'],
    ['fractional count', { count: 1.5, action: { status: 500 } }, 'count'],
    ['empty path', { path: '', action: { status: 500 } }, 'path'],
  ])('refuses a rule with %s', (_name, input, field) => {
    const faults = injector();
    try {
      faults.add(input as FaultRuleInput);
      expect.unreachable('the rule should have been refused');
    } catch (error) {
      expect(error).toBeInstanceOf(SimError);
      expect((error as SimError).field).toBe(field);
    }
    expect(faults.list()).toHaveLength(0);
  });

  it('produces the same random bytes for the same seed', () => {
    expect(injector(3).randomBytes(32)).toEqual(injector(3).randomBytes(32));
  });

  it.each([
    ['/messages/*', '/messages/msg_1', true],
    ['/messages/*', '/messages/msg_1/', true],
    ['/messages/*', '/messages/a/b', false],
    ['/messages/**', '/messages/a/b', true],
    ['/v1/messages/', '/v1/messages/', true],
    ['/a.b', '/aXb', false],
  ])('glob %s vs %s', (glob, path, expected) => {
    expect(globToRegExp(glob).test(path)).toBe(expected);
  });
});
