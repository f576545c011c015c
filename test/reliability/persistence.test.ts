/**
 * Persistence (--data FILE) with the built CLI: a write storm, then SIGKILL mid-storm; after a restart
 * with the same --data the snapshot parses, the journal replays (a torn last line at most) and every
 * message acknowledged more than 1 s before the kill (the flush window is 200 ms) is retrievable by
 * id. A graceful SIGTERM loses nothing. The child's logs never contain an API key or webhook secret.
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
/** Generous against the 200 ms flush window. */
const MARGIN_MS = 1_000;
/** The kill storm's cap: it is still running when the kill comes. */
const KILL_CAP = 5_000;

export const persistenceFigures = { killStormAcked: 0, killOlderThanMargin: 0, killRecovered: 0, termAcked: 0, termRecovered: 0, secretsChecked: 0 };

interface Ack {
  id: string;
  text: string;
  at: number;
}

async function send(run: Running, text: string): Promise<string | undefined> {
  const res = await fetch(`${run.url}/msghub/api/v1/messages/send`, { method: 'POST', headers: HEADERS, body: JSON.stringify({ channel: 'sms', to: '+14155550123', body: text }), signal: AbortSignal.timeout(REQUEST_MS) });
  if (res.status !== 201) return undefined;
  return ((await res.json()) as { messageId: string }).messageId;
}

/** Sends until `count` are acknowledged or `stopped()`; connection errors (the kill) end a worker. */
async function storm(run: Running, count: number, acks: Ack[], stopped: () => boolean = () => false, pace = 0): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count && !stopped()) {
      const text = `persist #${next++}`;
      try {
        const id = await send(run, text);
        if (id) acks.push({ id, text, at: Date.now() });
      } catch {
        return;
      }
      if (pace) await new Promise((resolve) => setTimeout(resolve, pace));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function retrievable(run: Running, acks: Ack[]): Promise<number> {
  let found = 0;
  for (const ack of acks) {
    const res = await fetch(`${run.url}/msghub/api/v1/messages/${ack.id}`, { headers: HEADERS, signal: AbortSignal.timeout(REQUEST_MS) });
    const text = await res.text();
    if (res.status === 200 && text.includes(ack.text)) found++;
  }
  return found;
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

  it('SIGKILL during a write storm: files stay valid, everything acknowledged >1 s before the kill survives', async () => {
    const file = path.join(dir, 'kill.json');
    const first = await startCli(['--data', file, '--no-rate-limits']);
    const acks: Ack[] = [];
    let killed = false;
    const running = storm(first, KILL_CAP, acks, () => killed, 20);
    // let the storm run past the margin, then kill it mid-flight
    const deadline = Date.now() + 15_000;
    while (acks.length < STORM / 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const before = Date.now();
    await new Promise((resolve) => setTimeout(resolve, MARGIN_MS + 200));
    killed = true;
    const killAt = Date.now();
    await stop(first, 'SIGKILL');
    await running;
    expect(acks.filter((a) => a.at < before).length).toBeGreaterThan(0);
    expect(acks.length, 'the kill came mid-storm').toBeLessThan(KILL_CAP);
    checkFiles(file);
    const old = acks.filter((a) => a.at < killAt - MARGIN_MS);
    persistenceFigures.killStormAcked = acks.length;
    persistenceFigures.killOlderThanMargin = old.length;
    const second = await startCli(['--data', file, '--no-rate-limits']);
    const found = await retrievable(second, old);
    persistenceFigures.killRecovered = found;
    expect(found).toBe(old.length);
    expectNoSecrets(first.stdout() + first.stderr() + second.stdout() + second.stderr(), [KEY]);
    await stop(second);
  }, 90_000);

  it('SIGTERM loses nothing, and logs carry no keys or webhook secrets', async () => {
    const file = path.join(dir, 'term.json');
    const first = await startCli(['--data', file, '--no-rate-limits']);
    const hook = await fetch(`${first.url}/msghub/api/v1/webhooks`, { method: 'POST', headers: HEADERS, body: JSON.stringify({ event: 'message.delivered', url: `${first.url}/_sim/receivers/p/hook` }), signal: AbortSignal.timeout(REQUEST_MS) });
    expect(hook.status).toBe(201);
    const hookBody = (await hook.json()) as Record<string, unknown>;
    const secrets = [KEY, ...JSON.stringify(hookBody).match(/whsec_[A-Za-z0-9+/=_-]+|[a-f0-9]{32,}/g) ?? []];
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
