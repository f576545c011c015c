/**
 * Ids are unique across starts by default (issue 20), on every registered provider: two fresh starts
 * without --data issue different ids, so a consumer's unique-id column survives a simulator restart;
 * `--seed N` gives the very same run again, and the seed a run drew is in its start line so it can be
 * replayed. With `--data` a restart continues the sequence: the generator's position is in the file, so
 * the ids after the restart are the ones an uninterrupted run would have issued next (SendHub's integer
 * ids included: the account's next number). Each provider sends with its client profile, through the
 * built CLI; the clock is manual, so nothing but the sends draws from the seed between them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDERS } from '../../src/providers/index.js';
import { ensureBuilt, http, killAll, startCli, stop, type Running } from '../support/cli.js';

const NAMES = PROVIDERS.map((p) => p.name);
const TO = '+14155550123';

/** Each provider's id of one send, by provider name. */
type Round = Record<string, string>;

/** One send per provider, in registry order, as an account of its own for `account`. */
async function sendRound(run: Running, account = 'seed0001'): Promise<Round> {
  const round: Round = {};
  for (const { name, basePath, profile } of PROVIDERS) {
    const auth = profile.auth(profile.tenant(account));
    const query = new URLSearchParams(auth.query).toString();
    const res = await http(`${run.url}/${name}${basePath}${profile.send.path}${query ? `?${query}` : ''}`, {
      method: 'POST',
      headers: { ...auth.headers, 'Content-Type': 'application/json' },
      body: JSON.stringify(profile.send.body(TO, 'seed test')),
    });
    expect(res.status, `${name}: ${res.text}`).toBe(201);
    const id = profile.sentId(res.body);
    expect(id, `${name}: no id in ${res.text}`).toEqual(expect.any(String));
    round[name] = id!;
  }
  return round;
}

/** Starts the CLI with `args`, sends `rounds` rounds, stops it gracefully; the ids and the seed it logged. */
async function run(args: string[], rounds = 1): Promise<{ rounds: Round[]; seed: unknown }> {
  const running = await startCli(['--clock', 'manual', ...args]);
  const sent: Round[] = [];
  for (let i = 0; i < rounds; i++) sent.push(await sendRound(running));
  const seed = running.logs().find((line) => line.msg === 'msgsim listening')?.seed;
  expect(await stop(running)).toEqual({ code: 0, signal: null });
  return { rounds: sent, seed };
}

/** Every provider's id differs between the two rounds. */
function expectAllDiffer(a: Round, b: Round): void {
  for (const name of NAMES) expect(b[name], name).not.toBe(a[name]);
}

describe('seeds, on every provider', () => {
  let dir: string;
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(path.join(tmpdir(), 'msgsim-seed-'));
  });
  afterEach(async () => {
    await killAll();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('two fresh starts issue different ids; each logs the seed it drew, which replays it', async () => {
    const a = await run([]);
    const b = await run([]);
    expectAllDiffer(a.rounds[0]!, b.rounds[0]!);
    expect(typeof a.seed).toBe('number');
    expect(a.seed).not.toBe(b.seed);
    expect((await run(['--seed', String(a.seed)])).rounds).toEqual(a.rounds);
  });

  it('--seed N gives the same ids on every start; another seed other ids', async () => {
    const first = await run(['--seed', '7']);
    const second = await run(['--seed', '7']);
    expect(first).toEqual({ rounds: second.rounds, seed: 7 });
    expectAllDiffer(first.rounds[0]!, (await run(['--seed', '8'])).rounds[0]!);
  });

  it('with --data, a restart continues the sequence: the ids after it are the ones an uninterrupted run issues next', async () => {
    const file = path.join(dir, 'state.json');
    const before = await run(['--data', file, '--seed', '7']);
    const after = await run(['--data', file, '--seed', '7']);
    const uninterrupted = await run(['--seed', '7'], 2);

    expect(before.rounds[0]).toEqual(uninterrupted.rounds[0]);
    expect(after.rounds[0]).toEqual(uninterrupted.rounds[1]);
    // So not a fresh --seed 7 run's ids again, nor any id issued before the restart.
    expectAllDiffer(before.rounds[0]!, after.rounds[0]!);
    // SendHub's account takes its next number.
    expect(after.rounds[0]!.sendhub).toBe(String(Number(before.rounds[0]!.sendhub) + 1));
  });
});
