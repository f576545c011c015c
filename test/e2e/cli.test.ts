/**
 * The built CLI (dist/cli.js), started as a real child process on a free port and driven over HTTP.
 * Every wait is bounded, every child is killed after its test, and msghub responses are checked
 * against openapi/msghub.yaml.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SpecChecker } from '../support/spec-check.js';
import { ensureBuilt, http, killAll, ROOT, runToExit, startCli, stop, type ApiResponse, type Running } from '../support/cli.js';
const API_KEY = 'mk_live_e2eS3cretKey0000DoNotLog';
const MSGHUB = '/msghub/api/v1';

let tempDirs: string[] = [];
let checker: SpecChecker;

/** A msghub call; the response is checked against the spec (apiPath is relative to the base path). */
async function msghub(run: Running, method: string, apiPath: string, options: { body?: unknown; key?: string; prefix?: string } = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { 'X-API-Key': options.key ?? API_KEY };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await http(`${run.url}${options.prefix ?? MSGHUB}${apiPath}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  checker.check(method, apiPath.split('?')[0]!, res);
  return res;
}

async function control(run: Running, method: string, controlPath: string, body?: unknown): Promise<ApiResponse> {
  return http(`${run.url}/_sim${controlPath}`, {
    method,
    ...(body !== undefined ? { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
}

const DOC_EXAMPLE = { channel: 'sms', to: '+919876543210', body: 'Hello!' };

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'msgsim-e2e-'));
  tempDirs.push(dir);
  return dir;
}

beforeAll(async () => {
  ensureBuilt();
  checker = await SpecChecker.load(path.join(ROOT, 'openapi', 'msghub.yaml'));
}, 120_000);

afterEach(async () => {
  await killAll();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs = [];
});

afterAll(async () => {
  await killAll();
});

describe('msgsim CLI', () => {
  it('listens on a free port and answers health', async () => {
    const run = await startCli();
    expect(run.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(new URL(run.url).port)).toBeGreaterThan(0);
    const health = await control(run, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(health.headers['content-type']).toMatch(/^application\/json/);
    expect(health.body).toMatchObject({
      status: 'ok',
      clock: { mode: 'real', speed: 1 },
      providers: expect.arrayContaining([expect.objectContaining({ name: 'msghub', baseUrl: MSGHUB })]),
    });
    const ready = await control(run, 'GET', '/ready');
    expect(ready).toMatchObject({ status: 200, body: { status: 'ready' } });
  });

  it("the doc's curl example answers 201 with a queued message", async () => {
    const run = await startCli();
    const sent = await msghub(run, 'POST', '/messages/send', { body: DOC_EXAMPLE });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ messageId: expect.stringMatching(/^msg_/), channel: 'sms', to: '+919876543210', status: 'queued' });
    const got = await msghub(run, 'GET', `/messages/${sent.body.messageId}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ messageId: sent.body.messageId, body: 'Hello!' });
  });

  it('with --clock manual, advancing 3 s through the control API delivers the message', async () => {
    const run = await startCli(['--clock', 'manual']);
    const before = await control(run, 'GET', '/clock');
    expect(before.body).toMatchObject({ mode: 'manual', speed: 0 });

    const sent = await msghub(run, 'POST', '/messages/send', { body: DOC_EXAMPLE });
    expect(sent.status).toBe(201);
    const createdAt = Date.parse(sent.body.createdAt as string);

    const queued = await msghub(run, 'GET', `/messages/${sent.body.messageId}`);
    expect(queued.body.status).toBe('queued');

    const advanced = await control(run, 'POST', '/clock/advance', { by: '3s' });
    expect(advanced.status).toBe(200);
    expect(advanced.body.nowMs).toBe(before.body.nowMs + 3_000);

    const got = await msghub(run, 'GET', `/messages/${sent.body.messageId}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      status: 'delivered',
      // Msghub prints whole seconds (its doc's examples).
      sentAt: new Date(createdAt + 1_000).toISOString().replace('.000Z', 'Z'),
      deliveredAt: new Date(createdAt + 3_000).toISOString().replace('.000Z', 'Z'),
    });
  });

  it('--provider msghub serves it at the root', async () => {
    const run = await startCli(['--provider', 'msghub', '--clock', 'manual']);
    const sent = await msghub(run, 'POST', '/messages/send', { body: DOC_EXAMPLE, prefix: '/api/v1' });
    expect(sent.status).toBe(201);
    const list = await msghub(run, 'GET', '/messages', { prefix: '/api/v1' });
    expect(list.status).toBe(200);
    expect(list.body.data.map((m: { messageId: string }) => m.messageId)).toEqual([sent.body.messageId]);

    const prefixed = await http(`${run.url}${MSGHUB}/messages`, { headers: { 'X-API-Key': API_KEY } });
    expect(prefixed.status).toBe(404);
    const health = await control(run, 'GET', '/health');
    expect(health.body.providers).toEqual([expect.objectContaining({ name: 'msghub', baseUrl: '/api/v1' })]);
    expect(run.logs().some((l) => typeof l.msg === 'string' && l.msg.includes(`${run.url}/api/v1`))).toBe(true);
  });

  it('enforces 100 requests per second by default: the 101st in the same simulated second is 429', async () => {
    const run = await startCli(['--clock', 'manual']);
    const statuses: number[] = [];
    let last: ApiResponse | undefined;
    for (let i = 0; i < 101; i++) {
      last = await msghub(run, 'GET', '/messages?limit=1');
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 100).every((s) => s === 200)).toBe(true);
    expect(statuses[100]).toBe(429);
    expect(last!.body).toMatchObject({ error: { code: 'rate_limit_exceeded' } });
    expect(Number(last!.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    // Another key is another tenant with its own window.
    const other = await msghub(run, 'GET', '/messages', { key: 'mk_live_someoneElse1' });
    expect(other.status).toBe(200);
    // A second later (simulated), the window frees.
    await control(run, 'POST', '/clock/advance', { by: '1s' });
    expect((await msghub(run, 'GET', '/messages')).status).toBe(200);
  });

  it('--no-rate-limits lets a burst of 101 requests through', async () => {
    const run = await startCli(['--clock', 'manual', '--no-rate-limits']);
    const statuses: number[] = [];
    for (let i = 0; i < 101; i++) statuses.push((await msghub(run, 'GET', '/messages?limit=1')).status);
    expect(statuses).toEqual(Array.from({ length: 101 }, () => 200));
  });

  describe('--data FILE', () => {
    async function sendAndStop(file: string): Promise<{ messageId: string }> {
      const run = await startCli(['--clock', 'manual', '--data', file]);
      const sent = await msghub(run, 'POST', '/messages/send', { body: DOC_EXAMPLE });
      expect(sent.status).toBe(201);
      const exit = await stop(run, 'SIGTERM');
      expect(exit).toEqual({ code: 0, signal: null });
      return { messageId: sent.body.messageId as string };
    }

    it('persists across a SIGTERM and a restart', async () => {
      const file = path.join(tempDir(), 'state.json');
      const { messageId } = await sendAndStop(file);

      const snapshot = JSON.parse(readFileSync(file, 'utf8')) as {
        version: number;
        partitions: Record<string, Record<string, Record<string, Array<{ id: string }>>>>;
      };
      expect(snapshot.version).toBe(1);
      expect(snapshot.partitions.msghub?.[API_KEY]?.messages?.map((m) => m.id)).toEqual([messageId]);

      const again = await startCli(['--clock', 'manual', '--data', file]);
      const got = await msghub(again, 'GET', `/messages/${messageId}`);
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({ messageId, channel: 'sms', to: '+919876543210', body: 'Hello!' });
      const list = await msghub(again, 'GET', '/messages');
      expect(list.body.pagination.total).toBe(1);
      // Other tenants still see nothing.
      expect((await msghub(again, 'GET', `/messages/${messageId}`, { key: 'mk_live_someoneElse1' })).status).toBe(404);
      expect(await stop(again)).toEqual({ code: 0, signal: null });
    });

    it('a restarted server issues fresh message ids (no clash with restored ones)', async () => {
      const file = path.join(tempDir(), 'state.json');
      const { messageId } = await sendAndStop(file);

      const again = await startCli(['--clock', 'manual', '--data', file]);
      const second = await msghub(again, 'POST', '/messages/send', { body: { ...DOC_EXAMPLE, body: 'Second' } });
      expect(second.status).toBe(201);
      expect(second.body.messageId).not.toBe(messageId);
      expect((await msghub(again, 'GET', `/messages/${messageId}`)).body.body).toBe('Hello!');
      expect((await msghub(again, 'GET', `/messages/${second.body.messageId}`)).body.body).toBe('Second');
      expect(await stop(again)).toEqual({ code: 0, signal: null });
    });

    it('refuses to start on a data file that is not JSON, leaving it untouched', async () => {
      const file = path.join(tempDir(), 'broken.json');
      writeFileSync(file, 'this is not json');
      const result = await runToExit(['--port', '0', '--data', file]);
      expect(result.code).not.toBe(0);
      expect(result.stderr.trim()).not.toBe('');
      expect(readFileSync(file, 'utf8')).toBe('this is not json');
    });
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('shuts down gracefully on %s with exit code 0', async (signal) => {
    const run = await startCli();
    expect((await control(run, 'GET', '/health')).status).toBe(200);
    const exit = await stop(run, signal);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(run.logs()).toContainEqual(expect.objectContaining({ msg: 'shutting down', signal }));
  });

  it.each([
    [['--port', 'abc'], /port/],
    [['--port', '70000'], /port/],
    [['--port', '-1'], /port/],
    [['--clock', 'bogus'], /bogus/],
    [['--clock', 'speed'], /--speed/],
    [['--speed', '0'], /speed/],
    [['--provider', 'nope'], /nope/],
    [['--log-level', 'loud'], /loud/],
    [['--seed', 'x'], /seed/],
    [['--no-such-flag'], /no-such-flag/],
  ])('rejects %j with a non-zero exit and a message on stderr', async (args, message) => {
    const result = await runToExit(args);
    expect(result.code).not.toBe(0);
    expect(result.code).not.toBeNull();
    expect(result.stderr).toMatch(message);
    expect(result.stdout).not.toContain('msgsim listening');
  });

  it('fails with a message when the port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = blocker.address() as AddressInfo;
      const result = await runToExit(['--port', String(port)]);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/EADDRINUSE/);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('reads MSGSIM_* settings from the environment, and flags win over them', async () => {
    const fromEnv = await startCli([], { MSGSIM_CLOCK: 'manual' });
    expect((await control(fromEnv, 'GET', '/clock')).body.mode).toBe('manual');
    const flagWins = await startCli(['--clock', 'real'], { MSGSIM_CLOCK: 'manual' });
    expect((await control(flagWins, 'GET', '/clock')).body.mode).toBe('real');
  });

  it('never writes the API key to its logs', async () => {
    const run = await startCli(['--clock', 'manual']);
    const sent = await msghub(run, 'POST', '/messages/send', { body: DOC_EXAMPLE });
    expect(sent.status).toBe(201);
    await msghub(run, 'GET', `/messages/${sent.body.messageId}`);
    await msghub(run, 'GET', '/messages');
    await msghub(run, 'GET', '/messages/msg_doesNotExist');
    const badKey = `${API_KEY.replace('mk_live_', 'mk_nope_')}`;
    const rejected = await msghub(run, 'GET', '/messages', { key: badKey });
    expect(rejected.status).toBe(401);
    expect((await stop(run)).code).toBe(0);

    const logs = run.logs();
    // The requests really were logged, one line each…
    const requests = logs.filter((l) => l.msg === 'request');
    expect(requests.map((l) => `${String(l.method)} ${String(l.path)} ${String(l.status)}`)).toEqual(
      expect.arrayContaining([
        `POST ${MSGHUB}/messages/send 201`,
        `GET ${MSGHUB}/messages/${sent.body.messageId} 200`,
        `GET ${MSGHUB}/messages 200`,
        `GET ${MSGHUB}/messages/msg_doesNotExist 404`,
        `GET ${MSGHUB}/messages 401`,
      ]),
    );
    // …and no line carries either key, in any form.
    const secret = API_KEY.slice('mk_live_'.length);
    for (const output of [run.stdout(), run.stderr()]) {
      expect(output).not.toContain(API_KEY);
      expect(output).not.toContain(badKey);
      expect(output).not.toContain(secret);
    }
  });
});
