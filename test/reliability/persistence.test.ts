/**
 * Persistence (--data FILE) with the built CLI: a write storm from many concurrent clients, then SIGKILL
 * at a moment the test does not choose by time; after a restart with the same --data the files load
 * and every message that was acknowledged (a 201 received) is retrievable by id with its content. The
 * same with --fsync, whose batches are synced before they are answered. A graceful SIGTERM loses
 * nothing. The child's logs never contain an API key or webhook secret.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, killAll, startCli, stop, type Running } from '../support/cli.js';

const KEY = 'mk_live_persist0001';
const HEADERS = { 'X-API-Key': KEY, 'Content-Type': 'application/json' };
const STORM = 300;
const CONCURRENCY = 8;
const REQUEST_MS = 10_000;

/** What one kill storm measured: `outstanding` requests had been sent and not answered when SIGKILL was sent. */
interface KillFigures {
  acked: number;
  outstanding: number;
  /** Of those, answered 201 after the signal (already on their way back). */
  answeredAfterKill: number;
  recovered: number;
}

const noKill = (): KillFigures => ({ acked: 0, outstanding: 0, answeredAfterKill: 0, recovered: 0 });
export const persistenceFigures = { kill: noKill(), killFsync: noKill(), termAcked: 0, termRecovered: 0, secretsChecked: 0 };

interface Ack {
  id: string;
  text: string;
  at: number;
}

async function send(run: Running, text: string): Promise<string | undefined> {
  const res = await fetch(`${run.url}/msghub/api/v1/messages/send`, {
    method: 'POST',
    headers: HEADERS,
    body: JSON.stringify({ channel: 'sms', to: '+14155550123', body: text }),
    signal: AbortSignal.timeout(REQUEST_MS),
  });
  if (res.status !== 201) return undefined;
  return ((await res.json()) as { messageId: string }).messageId;
}

/** Requests sent and not yet answered, counted as the client sees them. */
interface InFlight {
  count: number;
}

/** Sends until `count` are acknowledged or `stopped()`; connection errors (the kill) end a worker. */
async function storm(
  run: Running,
  count: number,
  acks: Ack[],
  stopped: () => boolean = () => false,
  concurrency = CONCURRENCY,
  onAck?: () => void,
  inFlight: InFlight = { count: 0 },
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count && !stopped()) {
      const text = `persist #${next++}`;
      let id: string | undefined;
      inFlight.count++;
      try {
        id = await send(run, text);
      } catch {
        return;
      } finally {
        inFlight.count--;
      }
      if (id) {
        acks.push({ id, text, at: Date.now() });
        onAck?.();
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** How many acknowledged messages read back by id with their content (a few GETs at a time). */
async function retrievable(run: Running, acks: Ack[]): Promise<number> {
  let found = 0;
  let next = 0;
  const reader = async () => {
    while (next < acks.length) {
      const ack = acks[next++]!;
      const res = await fetch(`${run.url}/msghub/api/v1/messages/${ack.id}`, { headers: HEADERS, signal: AbortSignal.timeout(REQUEST_MS) });
      const text = await res.text();
      if (res.status === 200 && text.includes(ack.text)) found++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, reader));
  return found;
}

/**
 * `clients` send as fast as they can; SIGKILL goes when the `killAfter`th 201 arrives (the storm stops at
 * `cap`, which it does not reach). Then a restart on the same file reads every acknowledged send back.
 */
async function killMidStorm(file: string, flags: string[], clients: number, killAfter: number, cap: number): Promise<KillFigures> {
  const first = await startCli(['--data', file, ...flags, '--no-rate-limits']);
  expect(first.logs().find((line) => line.msg === 'msgsim listening')).toMatchObject({ data: file, fsync: flags.includes('--fsync') });
  const acks: Ack[] = [];
  const inFlight: InFlight = { count: 0 };
  let killed = false;
  let outstanding = 0;
  const killing = new Promise<void>((resolve) => {
    const running = storm(
      first,
      cap,
      acks,
      () => killed,
      clients,
      () => {
        if (acks.length !== killAfter) return;
        killed = true;
        outstanding = inFlight.count;
        first.child.kill('SIGKILL');
        resolve();
      },
      inFlight,
    );
    void running.then(resolve);
  });
  await killing;
  await stop(first, 'SIGKILL');
  expect(acks.length, 'the kill came mid-storm').toBeLessThan(cap);
  expect(acks.length).toBeGreaterThanOrEqual(killAfter);
  // The kill came while requests were on their way: some were written and answered, some cut off.
  expect(outstanding).toBeGreaterThan(0);
  checkFiles(file);
  const second = await startCli(['--data', file, '--no-rate-limits']);
  const recovered = await retrievable(second, acks);
  expect(recovered).toBe(acks.length);
  expectNoSecrets(first.stdout() + first.stderr() + second.stdout() + second.stderr(), [KEY]);
  await stop(second);
  return { acked: acks.length, outstanding, answeredAfterKill: acks.length - killAfter, recovered };
}

function checkFiles(file: string): void {
  if (existsSync(file)) expect(() => JSON.parse(readFileSync(file, 'utf8'))).not.toThrow();
  const journal = `${file}.journal`;
  if (existsSync(journal)) {
    const lines = readFileSync(journal, 'utf8').split('\n').filter(Boolean);
    // every line but (at most) a torn last one is a complete JSON entry
    lines.slice(0, -1).forEach((line) => expect(() => JSON.parse(line)).not.toThrow());
  }
}

function expectNoSecrets(logs: string, secrets: string[]): void {
  for (const secret of secrets) expect(logs.includes(secret), `log contains ${secret.slice(0, 12)}…`).toBe(false);
}

describe('persistence with --data', () => {
  let dir: string;
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(path.join(tmpdir(), 'msgsim-rel-'));
  });
  afterEach(async () => {
    await killAll();
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    console.log('persistence figures', JSON.stringify(persistenceFigures));
  });

  it('SIGKILL during a write storm of 50 clients: files stay valid, everything acknowledged survives', async () => {
    persistenceFigures.kill = await killMidStorm(path.join(dir, 'kill.json'), [], 50, 1_500, 20_000);
  }, 120_000);

  it('with --fsync too: SIGKILL during a write storm of 20 clients loses nothing acknowledged', async () => {
    const file = path.join(dir, 'kill-fsync.json');
    persistenceFigures.killFsync = await killMidStorm(file, ['--fsync'], 20, 300, 5_000);
  }, 120_000);

  it('SIGTERM loses nothing, and logs carry no keys or webhook secrets', async () => {
    const file = path.join(dir, 'term.json');
    const first = await startCli(['--data', file, '--no-rate-limits']);
    const hook = await fetch(`${first.url}/msghub/api/v1/webhooks`, {
      method: 'POST',
      headers: HEADERS,
      body: JSON.stringify({ event: 'message.delivered', url: `${first.url}/_sim/receivers/p/hook` }),
      signal: AbortSignal.timeout(REQUEST_MS),
    });
    expect(hook.status).toBe(201);
    const hookBody = (await hook.json()) as Record<string, unknown>;
    const secrets = [KEY, ...(JSON.stringify(hookBody).match(/whsec_[A-Za-z0-9+/=_-]+|[a-f0-9]{32,}/g) ?? [])];
    expect(secrets.length, 'the webhook creation answered a secret').toBeGreaterThan(1);
    persistenceFigures.secretsChecked = secrets.length;
    const acks: Ack[] = [];
    await storm(first, STORM, acks);
    expect(acks).toHaveLength(STORM);
    const exit = await stop(first, 'SIGTERM');
    expect(exit.code).toBe(0);
    checkFiles(file);
    const second = await startCli(['--data', file, '--no-rate-limits']);
    const found = await retrievable(second, acks);
    persistenceFigures.termAcked = acks.length;
    persistenceFigures.termRecovered = found;
    expect(found).toBe(acks.length);
    expectNoSecrets(first.stdout() + first.stderr() + second.stdout() + second.stderr(), secrets);
    await stop(second);
  }, 90_000);
});
