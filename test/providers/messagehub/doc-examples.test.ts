/**
 * The doc's curl, JavaScript and Python examples, run as written (only the host changed) against a
 * listening msgsim: mounted under /messagehub, and alone at the root as `msgsim --provider messagehub`
 * serves it. The JavaScript runs verbatim in a child Node process with a recorder around fetch, so its
 * answers can be checked; every answer is validated against the spec, headers included.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { messagehub } from '../../../src/providers/messagehub/index.js';
import { createSimulator, type Simulator } from '../../../src/simulator.js';
import { specChecker } from '../../support/harness.js';
import { T0 } from './helpers.js';

const run = promisify(execFile);
const DOC_HOST = 'https://your-domain.com/api/v1';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(provider?: string): Promise<string> {
  sim = await createSimulator({ clock: 'manual', port: 0, start: T0, ...(provider ? { provider } : {}) });
  return `${sim.url}${provider ? '' : '/messagehub'}/api/v1`;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: any;
}

async function checkSpec(method: string, path: string, answer: Answer): Promise<void> {
  (await specChecker(messagehub)).check(method, path, { status: answer.status, headers: answer.headers, body: answer.body });
}

/** curl with -i: the status line and headers, then the JSON body. */
async function curl(args: string[]): Promise<Answer> {
  const { stdout } = await run('curl', ['-sS', '-i', ...args]);
  const split = stdout.indexOf('\r\n\r\n');
  const [statusLine, ...lines] = stdout.slice(0, split).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
  return { status: Number(statusLine!.split(' ')[1]), headers, body: JSON.parse(stdout.slice(split + 4)) };
}

/** Runs a doc snippet verbatim (host changed) in Node; returns every fetch answer it received. */
async function runJs(snippet: string, base: string): Promise<Answer[]> {
  const recorder = `
const realFetch = globalThis.fetch;
globalThis.fetch = async (...args) => {
  const res = await realFetch(...args);
  const headers = {};
  res.headers.forEach((value, name) => { headers[name] = value; });
  process.stdout.write('@@answer ' + JSON.stringify({ status: res.status, headers, body: await res.clone().json() }) + '\\n');
  return res;
};
`;
  const { stdout } = await run('node', ['--input-type=module', '-e', recorder + snippet.replaceAll(DOC_HOST, base)]);
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('@@answer '))
    .map((l) => JSON.parse(l.slice('@@answer '.length)) as Answer);
}

const JS_SEND = `
const response = await fetch('https://your-domain.com/api/v1/messages/send', {
  method: 'POST',
  headers: {
    'Authorization': 'Bearer cpk_live_your_api_key',
    'Content-Type': 'application/json',
  },
  body: JSON.stringify({
    to: '+919876543210',
    channel: 'whatsapp',
    content: 'Hello! Your order #1234 has been shipped.',
  }),
});

const data = await response.json();
console.log(data);
`;

const JS_TEMPLATE = `
await fetch('https://your-domain.com/api/v1/messages/send', {
  method: 'POST',
  headers: {
    'Authorization': 'Bearer cpk_live_your_api_key',
    'Content-Type': 'application/json',
  },
  body: JSON.stringify({
    to: '+919876543210',
    channel: 'whatsapp',
    contentType: 'template',
    templateId: 'order_confirmation',
    templateParams: {
      customer_name: 'Rajesh',
      order_id: '1234',
      delivery_date: '2026-02-15',
    },
  }),
});
`;

const JS_KAKAO = `
// AlimTalk - Transactional notification (requires Kakao-approved template)
await fetch('https://your-domain.com/api/v1/messages/send', {
  method: 'POST',
  headers: {
    'Authorization': 'Bearer cpk_live_your_api_key',
    'Content-Type': 'application/json',
  },
  body: JSON.stringify({
    to: '+821012345678',
    channel: 'kakao',
    contentType: 'template',
    templateId: 'order_confirm_001',
    templateParams: {
      '고객명': 'Kim Minjun',
      '주문번호': 'ORD-5678',
      '상품명': 'Galaxy Watch 7',
      '금액': '399,000',
    },
  }),
});

// Brand Message - Marketing (replaced FriendTalk, Dec 2025)
await fetch('https://your-domain.com/api/v1/messages/send', {
  method: 'POST',
  headers: {
    'Authorization': 'Bearer cpk_live_your_api_key',
    'Content-Type': 'application/json',
  },
  body: JSON.stringify({
    to: '+821012345678',
    channel: 'kakao',
    content: '특별 할인! 30% 쿠폰을 지금 받아가세요.',
    contentType: 'brandmessage',
  }),
});
`;

const PYTHON = `
import requests

response = requests.post(
    'https://your-domain.com/api/v1/messages/send',
    headers={
        'Authorization': 'Bearer cpk_live_your_api_key',
        'Content-Type': 'application/json',
    },
    json={
        'to': '+919876543210',
        'channel': 'whatsapp',
        'content': 'Hello! Your order #1234 has been shipped.',
    }
)

print(response.json())
import json; print(json.dumps({'status': response.status_code, 'headers': dict((k.lower(), v) for k, v in response.headers.items()), 'body': response.json()}))
`;

const SENT = { data: { messageId: expect.stringMatching(/^msg_/), channel: 'whatsapp', status: 'sent' } };

describe.each([
  { where: 'mounted at /messagehub', provider: undefined },
  { where: 'alone at the root (--provider messagehub)', provider: 'messagehub' },
])('the doc examples, $where', ({ provider }) => {
  it('Quick Start: curl send, then curl the status once delivered', async () => {
    const base = await start(provider);
    const sent = await curl([
      '-X',
      'POST',
      `${DOC_HOST}/messages/send`.replace(DOC_HOST, base),
      '-H',
      'Authorization: Bearer cpk_live_your_api_key',
      '-H',
      'Content-Type: application/json',
      '-d',
      '{\n    "to": "+919876543210",\n    "channel": "whatsapp",\n    "content": "Hello from MessageHub API!"\n  }',
    ]);
    expect(sent.status).toBe(201);
    expect(sent.body).toEqual(SENT);
    expect(sent.headers).toMatchObject({ 'x-ratelimit-limit': '600', 'x-ratelimit-remaining': '599', 'x-ratelimit-reset': String((T0 + 60_000) / 1000) });
    await checkSpec('post', '/messages/send', sent);

    sim!.clock.advance(3_000);
    // The doc's GET, with the id the send answered in place of msg_abc123.
    const id = sent.body.data.messageId as string;
    const got = await curl([
      `${DOC_HOST}/messages/msg_abc123`.replace(DOC_HOST, base).replace('msg_abc123', id),
      '-H',
      'Authorization: Bearer cpk_live_your_api_key',
    ]);
    expect(got.status).toBe(200);
    expect(got.body.data).toMatchObject({ id, status: 'delivered', channel: 'whatsapp' });
    await checkSpec('get', `/messages/${id}`, got);
  });

  it('JavaScript send', async () => {
    const base = await start(provider);
    const [answer] = await runJs(JS_SEND, base);
    expect(answer!.status).toBe(201);
    expect(answer!.body).toEqual(SENT);
    await checkSpec('post', '/messages/send', answer!);
    expect(sim!.messages('messagehub')[0]).toMatchObject({
      channel: 'whatsapp',
      to: '+919876543210',
      data: { text: 'Hello! Your order #1234 has been shipped.' },
    });
  });

  it('Python send', async () => {
    const base = await start(provider);
    const { stdout } = await run('python3', ['-c', PYTHON.replaceAll(DOC_HOST, base)]);
    const answer = JSON.parse(stdout.trim().split('\n').at(-1)!) as Answer;
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual(SENT);
    await checkSpec('post', '/messages/send', answer);
  });

  it('WhatsApp template message', async () => {
    const base = await start(provider);
    const [answer] = await runJs(JS_TEMPLATE, base);
    expect(answer!.status).toBe(201);
    expect(answer!.body).toEqual(SENT);
    await checkSpec('post', '/messages/send', answer!);
    expect(sim!.messages('messagehub')[0]!.data).toMatchObject({ text: 'Hi Rajesh, your order #1234 is confirmed and will be delivered on 2026-02-15.' });
  });

  it('Kakao AlimTalk and Brand Message', async () => {
    const base = await start(provider);
    const answers = await runJs(JS_KAKAO, base);
    expect(answers.map((a) => [a.status, a.body.data.channel, a.body.data.status])).toEqual([
      [201, 'kakao', 'sent'],
      [201, 'kakao', 'sent'],
    ]);
    for (const answer of answers) await checkSpec('post', '/messages/send', answer);
    expect(sim!.messages('messagehub').map((m) => (m.data as { text: string }).text)).toEqual([
      '특별 할인! 30% 쿠폰을 지금 받아가세요.',
      '[주문 확인] Kim Minjun님, 주문번호 ORD-5678 (Galaxy Watch 7, 399,000원) 주문이 접수되었습니다.',
    ]);
  });
});
