/**
 * The built CLI started with `--config msgsim.yaml` (and MSGSIM_CONFIG): the file's providers, clock,
 * timings, keys, fixtures, receivers and fault rule all work through the provider APIs; flags and
 * MSGSIM_* beat the file; a bad file stops the start with its line and field.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, http, killAll, ROOT, runToExit, startCli, withTimeout, type ApiResponse, type Running } from '../support/cli.js';
import { CONTROL_SPEC } from '../support/harness.js';
import { SpecChecker } from '../support/spec-check.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const KEY = 'mk_live_e2econfig01';
const FLASH = 'msgf_live_e2econfig01';
let dir: string;
let hook: WebhookReceiver;
let busy: Server;
const checkers: Record<string, SpecChecker> = {};

/** A call whose answer is checked against the spec that owns it (`spec`: control, or a provider's). */
async function checked(spec: string, url: string, route: string, init: RequestInit = {}): Promise<ApiResponse> {
  const res = await http(url, init);
  checkers[spec]!.check(init.method ?? 'GET', route.split('?')[0]!, res);
  return res;
}

const json = (body: unknown): RequestInit => (body !== undefined ? { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) } : {});

const control = (run: Running, method: string, route: string, body?: unknown) =>
  checked('control', `${run.url}/_sim${route}`, route, { method, ...json(body) });

const msghub = (run: Running, method: string, route: string, body?: unknown) =>
  checked('msghub', `${run.url}/msghub/api/v1${route}`, route, {
    method,
    headers: { 'X-API-Key': KEY, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

beforeAll(async () => {
  ensureBuilt();
  checkers.control = await SpecChecker.load(CONTROL_SPEC);
  for (const name of ['msghub', 'messagehub', 'msgflash']) checkers[name] = await SpecChecker.load(path.join(ROOT, 'openapi', `${name}.yaml`));
  dir = mkdtempSync(path.join(tmpdir(), 'msgsim-config-'));
  hook = await startWebhookReceiver('/hooks/msghub');
  // A port in use: were the file to beat --port 0, the start would fail on it.
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
}, 120_000);

afterEach(async () => {
  await killAll();
});

afterAll(async () => {
  await killAll();
  await hook.close();
  await new Promise<void>((resolve) => busy.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe('msgsim --config', () => {
  it("starts with the file's providers, clock, keys, fixtures, receivers and fault, working through the APIs", async () => {
    const file = write(
      'msgsim.yaml',
      `# yaml-language-server: $schema=../schema/msgsim-config.schema.json
port: ${(busy.address() as AddressInfo).port}
providers: [msghub, messagehub, msgflash]
clock: { mode: manual, start: 2026-01-02T03:04:05Z }
seed: 42
timings: { deliverMs: 5s }
keys:
  - { provider: messagehub, key: cpk_live_e2efree01, properties: { tier: free } }
receivers:
  down: { status: 503 }
tenants:
  msghub:
    ${KEY}:
      contacts:
        - { ref: ada, name: Ada Lovelace, phone: '+14155550123' }
      campaigns:
        - { name: Spring, channel: sms, body: Hi, contactIds: [{ idOf: ada }] }
      webhooks:
        - { event: message.delivered, url: '${hook.url}' }
      generate: { contacts: 30 }
  msgflash:
    ${FLASH}:
      contacts:
        - { ref: grace, phone: '+14155550124', name: Grace Hopper }
      groups:
        - { name: VIP, members: [{ idOf: grace }] }
faults:
  - { provider: msghub, method: POST, path: /messages/send, count: 1, action: { status: 503 } }
`,
    );
    const run = await startCli(['--config', file]);
    expect(run.logs().find((l) => l.msg === 'msgsim listening')).toMatchObject({ clock: 'manual', seed: 42 });

    const health = await control(run, 'GET', '/health');
    expect(health.body.providers.map((p: { name: string }) => p.name)).toEqual(['msghub', 'messagehub', 'msgflash']);
    expect(health.body.clock).toMatchObject({ mode: 'manual', now: '2026-01-02T03:04:05.000Z' });

    const contacts = await msghub(run, 'GET', '/contacts?limit=100');
    expect(contacts.body.pagination.total).toBe(31);
    expect(contacts.body.data).toContainEqual(expect.objectContaining({ name: 'Ada Lovelace', phone: '+14155550123' }));
    const campaigns = await msghub(run, 'GET', '/campaigns');
    expect(campaigns.body.data).toEqual([expect.objectContaining({ name: 'Spring', recipients: ['+14155550123'] })]);

    const free = await checked('messagehub', `${run.url}/messagehub/api/v1/messages/msg_none`, '/messages/msg_none', {
      headers: { Authorization: 'Bearer cpk_live_e2efree01' },
    });
    expect(free.headers['x-ratelimit-limit']).toBe('60');
    const group = await checked('msgflash', `${run.url}/msgflash/api/v1/contacts/groups`, '/contacts/groups', { headers: { 'x-api-key': FLASH } });
    expect(group.body.data.groups).toEqual([expect.objectContaining({ name: 'VIP', memberCount: 1 })]);
    expect((await control(run, 'GET', '/receivers/down')).body.config.status).toBe(503);

    // The fault answers the first send; the second goes, and its delivery reaches the file's webhook, signed.
    expect((await msghub(run, 'POST', '/messages/send', { channel: 'sms', to: '+919876543210', body: 'Hi' })).status).toBe(503);
    const sent = await msghub(run, 'POST', '/messages/send', { channel: 'sms', to: '+919876543210', body: 'Hi' });
    expect(sent.status).toBe(201);
    expect((await control(run, 'POST', '/clock/advance', { by: '5s' })).status).toBe(200);
    expect((await msghub(run, 'GET', `/messages/${sent.body.messageId}`)).body.status).toBe('sent');
    expect((await control(run, 'POST', '/clock/advance', { by: '1s' })).status).toBe(200);
    await withTimeout(
      (async () => {
        while (hook.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      })(),
      'the webhook delivery',
    );
    const state = await control(run, 'GET', `/state?provider=msghub&tenant=${KEY}`);
    const secret = state.body.collections.find((c: { collection: string }) => c.collection === 'webhooks').record.secret as string;
    const [delivery] = hook.received;
    expect(delivery!.body).toMatchObject({ event: 'message.delivered' });
    expect(delivery!.headers['x-msghub-signature']).toBe(`sha256=${createHmac('sha256', secret).update(delivery!.raw).digest('hex')}`);
  });

  it('MSGSIM_CONFIG names the file; an MSGSIM_* variable beats it', async () => {
    const file = write('env.yaml', 'seed: 42\nclock: { mode: manual }\nproviders: [sendhub]\n');
    const run = await startCli([], { MSGSIM_CONFIG: file, MSGSIM_SEED: '7' });
    expect(run.logs().find((l) => l.msg === 'msgsim listening')).toMatchObject({ clock: 'manual', seed: 7 });
    expect((await control(run, 'GET', '/health')).body.providers).toEqual([expect.objectContaining({ name: 'sendhub' })]);
  });

  it.each([
    ['a field the schema refuses', 'clock:\n  mode: warp\n', /^msgsim: .*bad\.yaml:2:9: clock\.mode: must be one of real, manual, speed$/m],
    [
      'a fixture the provider refuses',
      `tenants:\n  msghub:\n    ${KEY}:\n      contacts:\n        - name: Ada\n          phone: '12345'\n`,
      /bad\.yaml:6:18: tenants\.msghub\.mk_live_e2econfig01\.contacts\[0\]\.phone: Phone number is not in valid E\.164 format/,
    ],
    ['not YAML', 'port: [1\n', /bad\.yaml:2:1: not valid YAML/],
  ])('%s: the start fails, naming the line and the field', async (_name, text, message) => {
    const file = write('bad.yaml', text);
    const result = await runToExit(['--config', file, '--port', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
  });
});
