/**
 * The fault rules' path globs: the backtracking-free matcher agrees with the RegExp reference
 * (globToRegExp) on a table and on every small glob and path fast-check draws, and the pattern that held
 * the server for 6.7 s as a RegExp costs at most (path length + 1) × (atoms + 1) automaton steps.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globToRegExp, MAX_RULE_PATH_LENGTH, FaultInjector } from '../../src/engine/faults.js';
import { compileGlob } from '../../src/engine/glob.js';
import { IdGenerator, SeededRandom } from '../../src/engine/random.js';

describe('compileGlob', () => {
  it.each([
    ['/messages/*', '/messages/msg_1', true],
    ['/messages/*', '/messages/msg_1/', true],
    ['/messages/*', '/messages/', true],
    ['/messages/*', '/messages', false],
    ['/messages/*', '/messages/a/b', false],
    ['/messages/**', '/messages/a/b', true],
    ['/messages/**', '/messages/', true],
    ['/**/status', '/messages/a/b/status', true],
    ['/**/status', '/status', false],
    ['/messages/*/status', '/messages/m1/status/', true],
    ['/messages/*/status', '/messages/m1/x/status', false],
    ['/v1/messages/', '/v1/messages/', true],
    ['/v1/messages/', '/v1/messages', false],
    ['/v1/messages', '/v1/messages//', false],
    ['/a.b', '/aXb', false],
    ['/a.b', '/a.b', true],
    ['/a+(b)?[c]{1}$^|\\', '/a+(b)?[c]{1}$^|\\', true],
    ['/***', '/a/b', true],
    ['*', '', true],
    ['', '', true],
    ['', '/', true],
    ['/😀/*', '/😀/x', true],
  ])('glob %s vs %s → %s (as the RegExp)', (glob, path, expected) => {
    expect(compileGlob(glob).test(path)).toBe(expected);
    expect(globToRegExp(glob).test(path)).toBe(expected);
  });

  it('agrees with the RegExp reference on every small glob and path (fast-check, seed 5)', () => {
    const glob = fc.array(fc.constantFrom('a', 'b', '/', '*', '**', '.'), { maxLength: 8 }).map((parts) => parts.join(''));
    const path = fc.array(fc.constantFrom('a', 'b', '/', '.'), { maxLength: 10 }).map((parts) => parts.join(''));
    let matched = 0;
    fc.assert(
      fc.property(glob, path, (g, p) => {
        const expected = globToRegExp(g).test(p);
        if (expected) matched++;
        expect(compileGlob(g).test(p), `${g} vs ${p}`).toBe(expected);
      }),
      { seed: 5, numRuns: 3_000 },
    );
    // the property saw matches as well as misses
    expect(matched).toBeGreaterThan(100);
  });

  it('matches the pathological glob in at most (path + 1) × (atoms + 1) steps', () => {
    const glob = '/messages/*a*a*a*a*a*a*a*a*b';
    const id = `/messages/${'a'.repeat(52)}`;
    const long = `/messages/${'a'.repeat(100_000)}`;
    const atoms = '/messages/'.length + 8 * 2 + 2;
    for (const path of [id, long, `${id}b`]) {
      const counter = { steps: 0 };
      const result = compileGlob(glob).test(path, counter);
      expect(result).toBe(path.endsWith('b'));
      expect(counter.steps).toBeLessThanOrEqual((path.length + 1) * (atoms + 1));
    }
  });

  it('a rule path longer than the bound is refused', () => {
    const faults = new FaultInjector(new IdGenerator(new SeededRandom(1)), 1, () => '2024-04-08T10:30:00.000Z');
    expect(() => faults.add({ path: `/${'x'.repeat(MAX_RULE_PATH_LENGTH)}`, action: { status: 500 } })).toThrow(/path must be at most 1024 characters/);
    expect(faults.add({ path: `/${'x'.repeat(MAX_RULE_PATH_LENGTH - 1)}`, action: { status: 500 } }).path).toHaveLength(MAX_RULE_PATH_LENGTH);
  });

  it('fault rules match request paths through the automaton', () => {
    const faults = new FaultInjector(new IdGenerator(new SeededRandom(1)), 1, () => '2024-04-08T10:30:00.000Z');
    faults.add({ provider: 'msghub', path: '/messages/*a*a*a*a*a*a*a*a*b', action: { status: 503 } });
    expect(faults.match({ provider: 'msghub', method: 'GET', path: `/messages/${'a'.repeat(52)}` })).toBeUndefined();
    expect(faults.match({ provider: 'msghub', method: 'GET', path: `/messages/${'a'.repeat(52)}b` })).toEqual({ status: 503 });
  });
});
