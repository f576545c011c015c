/**
 * Time is injectable: only src/engine/clock.ts reads wall time or arms a timer. Everything else asks the
 * clock (now, iso, schedule, realNow, realTimeout, realImmediate, realSleep, wallIso), so a manual clock
 * runs a day of traffic in a test and nothing in msgsim moves behind its back.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';

const SRC = path.join(ROOT, 'src');
const CLOCK = 'engine/clock.ts';
/** Wall time read, or a timer armed, without the clock. `new Date(x)` of a given time is fine; `new Date()` is not. */
const FORBIDDEN =
  /\bDate\.now\s*\(|\bnew Date\s*\(\s*\)|\bperformance\.now\s*\(|\bset(?:Timeout|Interval|Immediate)\s*\(|\bAbortSignal\.timeout\s*\(|\bprocess\.hrtime\b/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('time comes only from the clock module', () => {
  it('no file in src/ but engine/clock.ts reads wall time or arms a timer', () => {
    const offenders: string[] = [];
    for (const file of sources(SRC)) {
      const relative = path.relative(SRC, file).split(path.sep).join('/');
      if (relative === CLOCK) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          // Comments may name what they avoid.
          const code = line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '');
          if (FORBIDDEN.test(code)) offenders.push(`${relative}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offenders).toEqual([]);
  });

  it('the rule finds what it is meant to find', () => {
    for (const line of ['const t = Date.now();', 'new Date()', 'setTimeout(fn, 5)', 'setImmediate(f)', 'performance.now()', 'AbortSignal.timeout(10)'])
      expect(line).toMatch(FORBIDDEN);
    for (const line of ['new Date(nowMs)', 'clock.realTimeout(5, fn)', 'clock.now()']) expect(line).not.toMatch(FORBIDDEN);
  });
});
