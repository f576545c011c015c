import { describe, expect, it } from 'vitest';
import { DispatchPool } from '../../src/engine/dispatch-pool.js';

interface Job {
  origin: string;
  n: number;
}

/** A pool whose jobs run until the test finishes them, recording the order they started in. */
function harness(maxConcurrent: number, maxPerOrigin: number) {
  const started: Job[] = [];
  const running = new Map<Job, () => void>();
  let peak = 0;
  const peakPerOrigin = new Map<string, number>();
  const pool = new DispatchPool<Job>({ maxConcurrent, maxPerOrigin }, (job) => {
    started.push(job);
    return new Promise<void>((resolve) => {
      running.set(job, resolve);
      peak = Math.max(peak, running.size);
      const here = [...running.keys()].filter((j) => j.origin === job.origin).length;
      peakPerOrigin.set(job.origin, Math.max(peakPerOrigin.get(job.origin) ?? 0, here));
    });
  });
  const push = (origin: string, n: number): Job => {
    const job = { origin, n };
    pool.push(origin, job);
    return job;
  };
  /** Finishes the running jobs `which` selects (all by default) and lets the pool start the next ones. */
  const finish = async (which: (job: Job) => boolean = () => true): Promise<void> => {
    for (const [job, resolve] of [...running]) {
      if (!which(job)) continue;
      running.delete(job);
      resolve();
    }
    await flush();
  };
  return { pool, started, running, push, finish, peak: () => peak, peakPerOrigin };
}

/** Lets every pending microtask (job completions, the pool's pump) run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
const names = (jobs: Job[]) => jobs.map((j) => `${j.origin}${j.n}`);

describe('DispatchPool', () => {
  it('starts nothing inside push, then at most maxPerOrigin per origin, first in first out', async () => {
    const h = harness(64, 2);
    for (let n = 1; n <= 5; n++) h.push('a', n);
    expect(h.started).toEqual([]);
    expect(h.pool.queued).toBe(5);
    await flush();
    expect(names(h.started)).toEqual(['a1', 'a2']);
    expect(h.pool.active).toBe(2);
    expect(h.pool.queued).toBe(3);
    await h.finish((job) => job.n === 2);
    expect(names(h.started)).toEqual(['a1', 'a2', 'a3']);
    while (h.running.size > 0) await h.finish();
    expect(names(h.started)).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
    expect(h.peakPerOrigin.get('a')).toBe(2);
    expect(h.pool.idle).toBe(true);
  });

  it('keeps the overall bound, and a saturated origin does not hold up another', async () => {
    const h = harness(3, 2);
    for (let n = 1; n <= 4; n++) h.push('a', n);
    h.push('b', 1);
    h.push('b', 2);
    await flush();
    // a1, a2 (a is full), then the oldest startable: b1; the overall bound of 3 is reached.
    expect(names(h.started)).toEqual(['a1', 'a2', 'b1']);
    await h.finish((job) => job.origin === 'b');
    // b2 arrived after a3 and a4, but a is still at its limit: b2 goes first.
    expect(names(h.started)).toEqual(['a1', 'a2', 'b1', 'b2']);
    await h.finish((job) => job.n === 1);
    expect(names(h.started)).toEqual(['a1', 'a2', 'b1', 'b2', 'a3']);
    while (h.running.size > 0) await h.finish();
    expect(h.peak()).toBe(3);
    expect(h.peakPerOrigin.get('a')).toBe(2);
    expect(h.pool.idle).toBe(true);
  });

  it('among origins with room, the oldest waiting item goes first', async () => {
    const h = harness(1, 1);
    h.push('a', 1);
    h.push('b', 1);
    h.push('a', 2);
    h.push('c', 1);
    h.push('b', 2);
    for (let i = 0; i < 5; i++) {
      await flush();
      await h.finish();
    }
    expect(names(h.started)).toEqual(['a1', 'b1', 'a2', 'c1', 'b2']);
  });

  it('removeWhere takes waiting items out of line and leaves running ones alone', async () => {
    const h = harness(1, 1);
    const first = h.push('a', 1);
    h.push('a', 2);
    h.push('b', 3);
    h.push('a', 4);
    await flush();
    expect(h.pool.removeWhere((job) => job.n % 2 === 0 || job === first)).toBe(2);
    expect(h.pool.queued).toBe(1);
    expect(h.running.has(first)).toBe(true);
    while (h.running.size > 0) await h.finish();
    expect(names(h.started)).toEqual(['a1', 'b3']);
  });

  it('whenIdle resolves once nothing is waiting or running, and at once when idle', async () => {
    const h = harness(2, 2);
    await h.pool.whenIdle();
    for (let n = 1; n <= 4; n++) h.push('a', n);
    let idle = false;
    const waiting = h.pool.whenIdle().then(() => (idle = true));
    await flush();
    await h.finish();
    expect(idle).toBe(false);
    await h.finish();
    await waiting;
    expect(idle).toBe(true);
    expect(h.started).toHaveLength(4);
  });

  it('a run function that throws or rejects still frees its slot', async () => {
    const seen: number[] = [];
    const pool = new DispatchPool<number>({ maxConcurrent: 1, maxPerOrigin: 1 }, (n) => {
      seen.push(n);
      if (n === 1) throw new Error('sync');
      return n === 2 ? Promise.reject(new Error('async')) : Promise.resolve();
    });
    for (const n of [1, 2, 3]) pool.push('a', n);
    await pool.whenIdle();
    expect(seen).toEqual([1, 2, 3]);
  });

  it('refuses limits that are not positive integers', () => {
    expect(() => new DispatchPool({ maxConcurrent: 0, maxPerOrigin: 1 }, async () => undefined)).toThrow(/maxConcurrent/);
    expect(() => new DispatchPool({ maxConcurrent: 1, maxPerOrigin: 1.5 }, async () => undefined)).toThrow(/maxPerOrigin/);
  });
});
