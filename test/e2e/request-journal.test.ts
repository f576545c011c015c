/**
 * The request journal over real sockets: library mode (`sim.requests(filter)`, `journalSize`), the
 * `request` event on /_sim/events, what a fault that hangs or a body sent late leaves in it, and the
 * CLI's `--journal-size` / MSGSIM_JOURNAL_SIZE. Every /_sim/requests answer is checked against control.yaml.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type RequestEntry, type Simulator } from '../../src/index.js';
import { ensureBuilt, http, killAll, runToExit, startCli, stop } from '../support/cli.js';
import { CONTROL_SPEC } from '../support/harness.js';
import { SpecChecker } from '../support/spec-check.js';

const KEY = 'mk_live_journalE2E0001';
const JSON_HEADERS = { 'Content-Type': 'application/json', 'X-API-Key': KEY };

let checker: SpecChecker;
let sim: Simulator | undefined;

beforeAll(async () => {
  checker = await SpecChecker.load(CONTROL_SPEC);
});

afterEach(async () => {
  await sim?.close();
  sim = undefined;
  await killAll();
});

function sendMsghub(base: string, to: string, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(`${base}/msghub/api/v1/messages/send`, {
    method: 'POST',
    headers: { ...JSON_HEADERS, ...headers },
    body: JSON.stringify({ channel: 'sms', to, body: 'Journal e2e' }),
    ...(signal ? { signal } : {}),
  });
}

/** GET /_sim/requests, checked against the spec. */
async function listed(base: string, query = ''): Promise<{ data: RequestEntry[]; journal: { maxEntries: number; size: number } }> {
  const res = await http(`${base}/_sim/requests${query}`);
  checker.check('get', '/requests', res);
  expect(res.status).toBe(200);
  return res.body;
}

describe('request journal in library mode', () => {
  it('sim.requests() gives typed entries newest first, with the filters of GET /_sim/requests', async () => {
    sim = await createSimulator({ clock: 'manual', port: 0, start: Date.parse('2024-04-08T10:30:00Z') });
    expect((await sendMsghub(sim.url, '+14155550123')).status).toBe(201);
    sim.clock.advance(10_000);
    expect((await sendMsghub(sim.url, '+15005550001')).status).toBe(400);
    const entries: RequestEntry[] = sim.requests();
    expect(entries.map((e) => e.status)).toEqual([400, 201]);
    expect(sim.requests({ status: '4xx' })[0]).toMatchObject({ recipients: ['+15005550001'], error: { code: 'invalid_phone_number', field: 'to' } });
    expect(sim.requests({ to: '+14155550123' })[0]!.messageId).toBe(sim.messages('msghub')[0]!.id);
    expect(sim.requests({ since: new Date('2024-04-08T10:30:05Z') })).toHaveLength(1);
    expect(sim.requests({ since: '2024-04-08T10:30:00Z', limit: 1 })).toHaveLength(1);
    expect(sim.requests({ provider: 'msgine' })).toEqual([]);
    expect(() => sim!.requests({ status: 'teapot' })).toThrow(/status/);
    expect((await listed(sim.url)).data).toEqual(entries);
  });

  it('streams a request event on /_sim/events as each request is journaled', async () => {
    sim = await createSimulator({ clock: 'manual', port: 0 });
    const controller = new AbortController();
    const stream = await fetch(`${sim.url}/_sim/events?types=request`, { signal: controller.signal });
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    try {
      expect((await sendMsghub(sim.url, '+15005550005')).status).toBe(429);
      let text = '';
      while (!text.includes('event: request')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += value;
      }
      const frame = text.slice(text.indexOf('event: request'));
      const data = JSON.parse(/data: (.*)\n/.exec(frame)![1]!) as RequestEntry;
      expect(data).toMatchObject({ provider: 'msghub', status: 429, recipients: ['+15005550005'] });
      expect(data).toEqual(sim.requests()[0]);
    } finally {
      controller.abort();
    }
  });

  it('keeps journalSize entries, and none at 0', async () => {
    sim = await createSimulator({ clock: 'manual', port: 0, journalSize: 2 });
    for (const to of ['+14155550001', '+14155550002', '+14155550003']) expect((await sendMsghub(sim.url, to)).status).toBe(201);
    expect(sim.requests().flatMap((e) => e.recipients)).toEqual(['+14155550003', '+14155550002']);
    expect((await listed(sim.url)).journal).toMatchObject({ size: 2, maxEntries: 2, dropped: 1 });
    await sim.close();

    sim = await createSimulator({ clock: 'manual', port: 0, journalSize: 0 });
    expect((await sendMsghub(sim.url, '+14155550001')).status).toBe(201);
    expect(sim.requests()).toEqual([]);
    expect((await listed(sim.url)).journal).toMatchObject({ size: 0, maxEntries: 0 });
  });

  it('journals a request a TIMEOUT fault leaves hanging at once, with no status', async () => {
    sim = await createSimulator({ clock: 'manual', port: 0 });
    const journaled = sim.waitFor('request', undefined, { timeoutMs: 5_000 });
    const hung = sendMsghub(sim.url, '+14155550123', { 'X-Msgsim-Fault': 'TIMEOUT' }, AbortSignal.timeout(5_000)).catch((error: Error) => error.name);
    const event = await journaled;
    expect(event.record.view()).toMatchObject({ status: null, fault: { source: 'header', fault: 'TIMEOUT' }, operationId: 'sendMessage' });
    expect(sim.requests({ provider: 'msghub' })).toHaveLength(1);
    await sim.close();
    sim = undefined;
    expect(await hung).not.toBe(201);
  });

  it('reads the body of a request refused before its body arrived, and keeps none of a body over the limit', async () => {
    sim = await createSimulator({ clock: 'manual', port: 0 });
    const { port } = sim;
    const journaled = sim.waitFor('request', (e) => e.record.status === 401, { timeoutMs: 5_000 });
    const body = JSON.stringify({ channel: 'sms', to: '+14155550777', body: 'sent late' });
    const answered = new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/msghub/api/v1/messages/send',
          headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          // The 401 came before the body: send it now.
          req.end(body);
          resolve(res.statusCode!);
        },
      );
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(await answered).toBe(401);
    const { record } = await journaled;
    expect(record.view()).toMatchObject({ status: 401, body, bodyBytes: Buffer.byteLength(body), recipients: ['+14155550777'], tenant: null });

    const huge = await fetch(`${sim.url}/msghub/api/v1/messages/send`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ body: 'x'.repeat(1_100_000) }),
    });
    expect(huge.status).toBe(413);
    await huge.text();
    const [tooLarge] = sim.requests({ status: 413 });
    expect(tooLarge).toMatchObject({ body: null, bodyBytes: 1_100_011, error: { field: 'body' } });
  });
});

describe('request journal: the CLI', () => {
  beforeAll(() => ensureBuilt(), 120_000);
  afterAll(() => killAll());

  it('--journal-size and MSGSIM_JOURNAL_SIZE bound the journal; a bad size is refused', async () => {
    const flagged = await startCli(['--clock', 'manual', '--journal-size', '3']);
    expect((await listed(flagged.url)).journal.maxEntries).toBe(3);
    await stop(flagged);
    const off = await startCli(['--clock', 'manual'], { MSGSIM_JOURNAL_SIZE: '0' });
    expect((await sendMsghub(off.url, '+14155550123')).status).toBe(201);
    expect((await listed(off.url)).journal).toMatchObject({ maxEntries: 0, size: 0 });
    await stop(off);
    for (const bad of ['-1', '1.5', 'many']) {
      const result = await runToExit(['--journal-size', bad]);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/journal-size/);
    }
  }, 90_000);
});
