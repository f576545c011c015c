import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Clock } from '../../src/engine/clock.js';
import { Jobs, type Job } from '../../src/engine/jobs.js';
import { Store } from '../../src/engine/store.js';

const T0 = Date.parse('2024-04-08T10:30:00Z');
const manual = () => new Clock({ mode: 'manual', start: T0 });

describe('Jobs: scheduled per-tenant work on the clock', () => {
  it('runs each job once, at its time, in time order, with its payload', () => {
    const clock = manual();
    const jobs = new Jobs(clock);
    const ran: Array<[string, number, unknown]> = [];
    jobs.define<{ n: number }>('tick', (job) => ran.push([job.key, clock.now() - T0, job.payload.n]));
    jobs.schedule({ namespace: 'p', tenant: 't', kind: 'tick', key: 'b', at: T0 + 2_000, payload: { n: 2 } });
    jobs.schedule({ namespace: 'p', tenant: 't', kind: 'tick', key: 'a', at: T0 + 1_000, payload: { n: 1 } });
    expect(jobs.size).toBe(2);
    clock.advance(1_999);
    expect(ran).toEqual([['a', 1_000, 1]]);
    clock.advance(10_000);
    expect(ran).toEqual([
      ['a', 1_000, 1],
      ['b', 2_000, 2],
    ]);
    expect(jobs.size).toBe(0);
  });

  it('one job per key: scheduling the key again replaces it; cancel drops it', () => {
    const clock = manual();
    const jobs = new Jobs(clock);
    const ran: number[] = [];
    jobs.define<{ n: number }>('step', (job) => ran.push(job.payload.n));
    jobs.schedule({ namespace: 'p', tenant: 't', kind: 'step', key: 'c1', at: T0 + 1_000, payload: { n: 1 } });
    jobs.schedule({ namespace: 'p', tenant: 't', kind: 'step', key: 'c1', at: T0 + 3_000, payload: { n: 2 } });
    jobs.schedule({ namespace: 'p', tenant: 't', kind: 'step', key: 'c2', at: T0 + 1_000, payload: { n: 3 } });
    expect(jobs.cancel('step', 'p', 't', 'c2')).toBe(true);
    expect(jobs.cancel('step', 'p', 't', 'c2')).toBe(false);
    clock.advance(5_000);
    expect(ran).toEqual([2]);
  });

  it('a handler may schedule the next step under its own key (a campaign batch after batch)', () => {
    const clock = manual();
    const jobs = new Jobs(clock);
    let batches = 0;
    jobs.define('batch', (job) => {
      if (++batches < 5) jobs.schedule({ ...job, at: clock.now() + 1_000 });
    });
    jobs.schedule({ namespace: 'p', tenant: 't', kind: 'batch', key: 'cmp', at: T0, payload: {} });
    clock.advance(60_000);
    expect(batches).toBe(5);
    expect(jobs.size).toBe(0);
  });

  it('a reset drops the jobs of a tenant, of a namespace, or all of them', () => {
    const clock = manual();
    const jobs = new Jobs(clock);
    const ran: string[] = [];
    jobs.define('j', (job) => ran.push(`${job.namespace}/${job.tenant}`));
    for (const [namespace, tenant] of [
      ['a', 't1'],
      ['a', 't2'],
      ['b', 't1'],
    ] as const)
      jobs.schedule({ namespace, tenant, kind: 'j', key: 'k', at: T0 + 1_000, payload: {} });
    jobs.reset('a', 't1');
    expect(jobs.size).toBe(2);
    jobs.reset('b');
    clock.advance(1_000);
    expect(ran).toEqual(['a/t2']);
    jobs.schedule({ namespace: 'a', tenant: 't1', kind: 'j', key: 'k', at: T0 + 2_000, payload: {} });
    jobs.reset();
    clock.advance(5_000);
    expect(ran).toEqual(['a/t2']);
  });

  it('refuses a job of an unknown kind and a kind defined twice', () => {
    const jobs = new Jobs(manual());
    expect(() => jobs.schedule({ namespace: 'p', tenant: 't', kind: 'nope', key: 'k', at: T0, payload: {} })).toThrow(/no job kind nope/);
    jobs.define('once', () => undefined);
    expect(() => jobs.define('once', () => undefined)).toThrow(/already defined/);
  });

  describe('with a data file', () => {
    let dir: string | undefined;
    afterEach(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('jobs survive a restart and run at their time once their kind is defined again', async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'msgsim-jobs-'));
      const file = path.join(dir, 'state.json');
      const clock = manual();
      const store = await Store.open({ clock, file });
      const jobs = new Jobs(clock, store.table<Job>('jobs'));
      jobs.define('later', () => undefined);
      jobs.schedule({ namespace: 'p', tenant: 't', kind: 'later', key: 'k1', at: T0 + 60_000, payload: { to: '+15005550000' } });
      jobs.schedule({ namespace: 'p', tenant: 't', kind: 'later', key: 'k2', at: T0 + 1_000, payload: { to: '+15005550001' } });
      clock.advance(1_000);
      await store.flush();

      const again = manual();
      const reopened = await Store.open({ clock: again, file });
      const restored = new Jobs(again, reopened.table<Job>('jobs'));
      expect(restored.size).toBe(1);
      const ran: Array<[number, unknown]> = [];
      restored.define<{ to: string }>('later', (job) => ran.push([again.now() - T0, job.payload.to]));
      again.advance(59_999);
      expect(ran).toEqual([]);
      again.advance(1);
      expect(ran).toEqual([[60_000, '+15005550000']]);
    });
  });
});
