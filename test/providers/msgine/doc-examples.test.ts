/**
 * The doc's curl, fetch and Python examples, run as written (only the host changed) against a listening
 * msgsim: mounted under /msgine, and alone at the root as `msgsim --provider msgine` serves it.
 * Responses are checked against the spec like every other test's.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { msgine } from '../../../src/providers/msgine/index.js';
import { createSimulator, type Simulator } from '../../../src/simulator.js';
import { specChecker } from '../../support/harness.js';
import { T0 } from './helpers.js';

const run = promisify(execFile);
const DOC_HOST = 'https://api.msgine.net/api/v1';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(provider?: string): Promise<string> {
  sim = await createSimulator({ clock: 'manual', port: 0, start: T0, ...(provider ? { provider } : {}) });
  return `${sim.url}${provider ? '' : '/msgine'}/api/v1`;
}

async function checkSpec(method: string, path: string, status: number, body: unknown): Promise<void> {
  (await specChecker(msgine)).check(method, path, { status, headers: { 'content-type': 'application/json' }, body });
}

/** The doc's cURL example, argument for argument; -w appends the status on its own line. */
function docCurl(base: string): string[] {
  const url = `${DOC_HOST}/messages/sms`.replace(DOC_HOST, base);
  return [
    '-sS',
    '-w',
    '\n%{http_code}',
    '-X',
    'POST',
    url,
    '-H',
    'Authorization: Bearer YOUR_API_TOKEN',
    '-H',
    'Content-Type: application/json',
    '-d',
    '{\n    "to": "+256701234567",\n    "message": "Hello from MsGine!"\n  }',
  ];
}

/** The doc's Python example verbatim with the host changed, then one line to hand the result back as JSON. */
function docPython(base: string): string {
  return `
import requests

response = requests.post(
    '${DOC_HOST}/messages/sms',
    headers={
        'Authorization': 'Bearer YOUR_API_TOKEN',
        'Content-Type': 'application/json'
    },
    json={
        'to': '+256701234567',
        'message': 'Hello from MsGine!'
    }
)

print(response.json())
import json; print(json.dumps({'status': response.status_code, 'body': response.json()}))
`.replace(DOC_HOST, base);
}

const EXPECTED = {
  id: expect.stringMatching(/^msg_[A-Za-z0-9]+$/),
  status: 'pending',
  to: ['+256701234567'],
  message: 'Hello from MsGine!',
  cost: 0.05,
  currency: 'USD',
  createdAt: '2024-04-08T10:30:00Z',
};

describe.each([
  { where: 'mounted at /msgine', provider: undefined },
  { where: 'alone at the root (--provider msgine)', provider: 'msgine' },
])('the doc examples, $where', ({ provider }) => {
  it('cURL', async () => {
    const base = await start(provider);
    const { stdout } = await run('curl', docCurl(base));
    const [body, status] = [stdout.slice(0, stdout.lastIndexOf('\n')), Number(stdout.slice(stdout.lastIndexOf('\n') + 1))];
    expect(status).toBe(201);
    expect(JSON.parse(body)).toEqual(EXPECTED);
    await checkSpec('post', '/messages/sms', status, JSON.parse(body));

    // The pagination example.
    const list = await run('curl', ['-sS', `${DOC_HOST}/messages?page=2&limit=50`.replace(DOC_HOST, base), '-H', 'Authorization: Bearer YOUR_API_TOKEN']);
    expect(JSON.parse(list.stdout)).toEqual({ data: [], pagination: { page: 2, limit: 50, total: 1, pages: 1 } });
    await checkSpec('get', '/messages', 200, JSON.parse(list.stdout));

    // The idempotency example's header, with a real body in place of the doc's '{...}'.
    const args = [
      '-sS',
      '-w',
      '\n%{http_code} %header{idempotent-replayed}',
      '-X',
      'POST',
      `${base}/messages/sms`,
      '-H',
      'Authorization: Bearer YOUR_API_TOKEN',
      '-H',
      'Content-Type: application/json',
      '-H',
      'Idempotency-Key: unique-key-12345',
      '-d',
      '{"to":"+256701234567","message":"Hi"}',
    ];
    const answers = [];
    for (let i = 0; i < 2; i++) {
      const out = (await run('curl', args)).stdout;
      const [code, replayed] = out.slice(out.lastIndexOf('\n') + 1).split(' ');
      const json = JSON.parse(out.slice(0, out.lastIndexOf('\n'))) as unknown;
      await checkSpec('post', '/messages/sms', Number(code), json);
      answers.push({ code, replayed, json });
    }
    expect(answers.map((a) => [a.code, a.replayed])).toEqual([
      ['201', ''],
      ['201', 'true'],
    ]);
    expect(answers[1]!.json).toEqual(answers[0]!.json);
  });

  it('JavaScript (fetch)', async () => {
    const base = await start(provider);
    // The doc's code, with the host changed.
    const response = await fetch(`${DOC_HOST}/messages/sms`.replace(DOC_HOST, base), {
      method: 'POST',
      headers: {
        Authorization: 'Bearer YOUR_API_TOKEN',
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({
        to: '+256701234567',
        message: 'Hello from MsGine!',
      }),
    });
    const data = await response.json();
    expect(response.status).toBe(201);
    expect(data).toEqual(EXPECTED);
    await checkSpec('post', '/messages/sms', response.status, data);
  });

  it('Python (requests)', async () => {
    const base = await start(provider);
    const { stdout } = await run('python3', ['-c', docPython(base)]);
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as { status: number; body: unknown };
    expect(result.status).toBe(201);
    expect(result.body).toEqual(EXPECTED);
    await checkSpec('post', '/messages/sms', result.status, result.body);
  });
});
