/**
 * Ids are unique across starts by default (issue 20): two fresh starts without --data issue different
 * first ids, so a consumer's unique-id column survives a simulator restart; `--seed N` gives the very
 * same run again, and the seed a run drew is in its start line so it can be replayed.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, http, killAll, startCli, stop } from '../support/cli.js';

const HEADERS = { 'X-API-Key': 'mk_live_seed0001', 'Content-Type': 'application/json' };

async function firstId(args: string[]): Promise<{ id: string; seed: unknown }> {
  const run = await startCli(args);
  const res = await http(`${run.url}/msghub/api/v1/messages/send`, {
    method: 'POST',
    headers: HEADERS,
    body: JSON.stringify({ channel: 'sms', to: '+14155550123', body: 'hi' }),
  });
  expect(res.status).toBe(201);
  const seed = run.logs().find((line) => line.msg === 'msgsim listening')?.seed;
  await stop(run);
  return { id: res.body.messageId as string, seed };
}

describe('seeds', () => {
  beforeAll(() => ensureBuilt());
  afterEach(async () => {
    await killAll();
  });

  it('two fresh starts issue different ids; each logs the seed it drew, which replays it', async () => {
    const a = await firstId([]);
    const b = await firstId([]);
    expect(a.id).not.toBe(b.id);
    expect(typeof a.seed).toBe('number');
    expect(a.seed).not.toBe(b.seed);
    expect((await firstId(['--seed', String(a.seed)])).id).toBe(a.id);
  });

  it('--seed N gives the same ids on every start', async () => {
    const first = await firstId(['--seed', '7']);
    const second = await firstId(['--seed', '7']);
    expect(first).toEqual({ id: second.id, seed: 7 });
  });
});
