/**
 * With `--data`, a control call that changes state is answered only once its change is written, as a
 * provider write is (src/control/acknowledge-writes.ts): the answer waits for the store's group commit.
 * The commit is held here (its promise wrapped, the write itself untouched) to show the answer waiting
 * for it; once it is let go, the change is in the file the moment the answer arrives. The end-to-end
 * counterpart, a write the disk refuses, is test/reliability/storage-faults.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Test } from 'supertest';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestSim, T0, type TestSim } from '../support/harness.js';

const MSGHUB = { 'X-API-Key': 'mk_live_ackctl0001' };

/** Holds every commit the store is asked for until `release()`; `requested` resolves at the first. */
function holdCommits(sim: TestSim) {
  const store = sim.engine.store;
  const commit = store.commit.bind(store);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let requested!: () => void;
  const asked = new Promise<void>((resolve) => (requested = resolve));
  const spy = vi.spyOn(store, 'commit').mockImplementation(() => {
    const written = commit();
    if (!written) return undefined;
    requested();
    return written.then(() => gate);
  });
  return { asked, release, spy };
}

/** Sends `test` and reports whether its answer has arrived. */
function track(test: Test) {
  const state = { arrived: false };
  const answer = test.then((res) => {
    state.arrived = true;
    return res;
  });
  return { state, answer };
}

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

describe('a control call that changes state is answered once its change is written', () => {
  let dir: string;
  let file: string;
  let sim: TestSim;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'msgsim-ackctl-'));
    file = path.join(dir, 'state.json');
    sim = await createTestSim({ dataFile: file });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await sim.engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const journal = () => readFileSync(`${file}.journal`, 'utf8');
  const lastMeta = () =>
    journal()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { op: string; meta?: { clockNow?: number } })
      .filter((entry) => entry.op === 'meta')
      .at(-1)?.meta;

  /**
   * Sends `test` (supertest sends on its first then) with commits held: unanswered while the commit waits,
   * answered once it is released. Answered before the store was asked to commit would be the bug too.
   */
  async function answeredAfterCommit(test: Test) {
    const held = holdCommits(sim);
    const call = track(test);
    await Promise.race([held.asked, call.answer]);
    await turns(20);
    expect(call.state.arrived).toBe(false);
    held.release();
    return call.answer;
  }

  async function sent(): Promise<string> {
    const res = await sim.client('msghub', MSGHUB).post('/messages/send', { channel: 'sms', to: '+14155550123', body: 'hello' });
    expect(res.status).toBe(201);
    return res.body.messageId as string;
  }

  it('a forced status waits for the group commit, and its change is in the journal when it is answered', async () => {
    const id = await sent();
    const res = await answeredAfterCommit(sim.http.post(`/_sim/messages/msghub/${id}/status`).send({ status: 'failed', reason: 'Handset switched off' }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, status: 'failed' });
    expect(journal()).toContain('Handset switched off');
  });

  it('a clock advance waits for the clock’s new time to be written, even when nothing falls due', async () => {
    // A message delivered makes the file; from then on the journal holds each batch's facts.
    await sent();
    await sim.advance(60_000);
    await sim.engine.store.flush();
    const res = await answeredAfterCommit(sim.http.post('/_sim/clock/advance').send({ by: '1h' }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ nowMs: T0 + 3_660_000, firedEvents: 0 });
    expect(lastMeta()?.clockNow).toBe(T0 + 3_660_000);
  });

  it('a reset waits for its snapshot', async () => {
    const id = await sent();
    await sim.engine.store.flush();
    expect((await answeredAfterCommit(sim.http.post('/_sim/reset').send({}))).status).toBe(200);
    // The snapshot holds no message any more, and the journal was begun again after it.
    expect(readFileSync(file, 'utf8')).not.toContain(id);
    expect(journal()).not.toContain(id);
  });

  it('a control call that changes nothing does not wait', async () => {
    await sent();
    await sim.engine.store.flush();
    const held = holdCommits(sim);
    const res = await sim.http.put('/_sim/clock').send({ mode: 'manual' });
    expect(res.status).toBe(200);
    expect(held.spy).toHaveBeenCalled();
    held.release();
  });
});
