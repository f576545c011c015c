/**
 * The README's QA cookbook, scenario by scenario, against the real CLI (`msgsim --clock manual`).
 * Each test follows the README's curl steps with fetch; if one fails here, the README is wrong.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureBuilt, http, killAll, startCli, type ApiResponse, type Running } from '../support/cli.js';

const KEY = 'mk_live_cookbook01';
let run: Running;

const json = (method: string, body?: unknown): RequestInit => ({
  method,
  headers: { 'Content-Type': 'application/json' },
  ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
});
const sim = (path: string, init?: RequestInit) => http(`${run.url}/_sim${path}`, init);
const msghub = (path: string, init: RequestInit = {}, headers: Record<string, string> = {}): Promise<ApiResponse> =>
  http(`${run.url}/msghub/api/v1${path}`, { ...init, headers: { 'X-API-Key': KEY, 'Content-Type': 'application/json', ...headers } });
const send = (to: string, headers: Record<string, string> = {}) =>
  msghub('/messages/send', { method: 'POST', body: JSON.stringify({ channel: 'sms', to, body: 'Hello!' }) }, headers);
const advance = (by: string) => sim('/clock/advance', json('POST', { by }));

beforeAll(async () => {
  ensureBuilt();
  run = await startCli(['--clock', 'manual']);
}, 60_000);
afterAll(async () => {
  await killAll();
});
beforeEach(async () => {
  await sim('/reset', json('POST', {}));
  await sim('/receivers/hooks', { method: 'DELETE' });
});

describe('QA cookbook', () => {
  it('1. fast-forward a delivery', async () => {
    const { body } = await send('+919876543210');
    await advance('3s');
    expect((await msghub(`/messages/${body.messageId}`)).body.status).toBe('delivered');
  });

  it('2. a message that fails, with its failure webhook', async () => {
    const hook = await msghub('/webhooks', { method: 'POST', body: JSON.stringify({ event: 'message.failed', url: `${run.url}/_sim/receivers/hooks/hook` }) });
    const { body } = await send('+15005550002');
    await advance('3s');
    const message = (await msghub(`/messages/${body.messageId}`)).body;
    expect(message).toMatchObject({ status: 'failed', error: { code: 'carrier_rejected' } });
    const received = await waitForReceiver(1);
    const request = received.requests[0]!;
    expect(JSON.parse(request.body)).toMatchObject({ event: 'message.failed', messageId: body.messageId, status: 'failed' });
    expect(request.headers['x-msghub-signature']).toBe(`sha256=${createHmac('sha256', hook.body.secret).update(request.body).digest('hex')}`);
  });

  it('3. force a status by hand (mark read)', async () => {
    const { body } = await send('+919876543210');
    const forced = await sim(`/messages/msghub/${body.messageId}/status`, json('POST', { status: 'read' }));
    expect(forced.body.history.map((h: { status: string }) => h.status)).toEqual(['queued', 'sent', 'delivered', 'read']);
    expect((await msghub(`/messages/${body.messageId}`)).body.status).toBe('read');
  });

  it('4. the next 3 sends fail with 503', async () => {
    await sim('/faults', json('POST', { provider: 'msghub', method: 'POST', path: '/messages/send', count: 3, action: { status: 503 } }));
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await send('+919876543210')).status);
    expect(statuses).toEqual([503, 503, 503, 201]);
    expect((await sim('/faults')).body.data[0]).toMatchObject({ hits: 3, remaining: 0 });
    await sim('/faults', { method: 'DELETE' });
  });

  it('5. a flaky network: 30% of requests reset, the same ones for the same seed', async () => {
    const outcomes = async () => {
      await sim('/seed', json('POST', { seed: 7 }));
      await sim('/faults', json('POST', { provider: 'msghub', probability: 0.3, action: { fault: 'CONNECTION_RESET_BY_PEER' } }));
      const results: string[] = [];
      for (let i = 0; i < 20; i++)
        results.push(
          await send('+919876543210').then(
            (r) => String(r.status),
            () => 'reset',
          ),
        );
      return results;
    };
    const first = await outcomes();
    expect(first).toContain('reset');
    expect(first).toContain('201');
    expect(await outcomes()).toEqual(first);
    await sim('/faults', { method: 'DELETE' });
  });

  it('6. a slow provider, and one slow request by header', async () => {
    await sim('/faults', json('POST', { provider: 'msghub', method: 'GET', action: { delay: { uniform: { lower: 20, upper: 40 } } } }));
    expect((await msghub('/messages')).status).toBe(200);
    await sim('/faults', { method: 'DELETE' });
    expect((await send('+919876543210', { 'X-Msgsim-Fault': '502; delay=20' })).status).toBe(502);
    expect((await send('+919876543210', { Prefer: 'code=500' })).body.error.code).toBe('internal_error');
  });

  it('7. a webhook receiver that is down: retries with backoff, then replay', async () => {
    await sim('/receivers/hooks', json('PUT', { status: 500 }));
    await msghub('/webhooks', { method: 'POST', body: JSON.stringify({ event: 'message.delivered', url: `${run.url}/_sim/receivers/hooks/hook` }) });
    const { body } = await send('+919876543210');
    await advance('3s');
    await waitForReceiver(1);
    let delivery = (await sim(`/webhooks/deliveries?subject=${body.messageId}`)).body.data[0];
    expect(delivery).toMatchObject({ status: 'retrying', attempts: [{ outcome: 'failure' }] });
    await advance('5s');
    await waitForReceiver(2);
    await sim('/receivers/hooks', json('PUT', { status: 200 }));
    await advance('5m');
    await waitForReceiver(3);
    delivery = (await sim(`/webhooks/deliveries/${delivery.id}`)).body;
    await until(async () => (await sim(`/webhooks/deliveries/${delivery.id}`)).body.status === 'succeeded');
    const replay = await sim(`/webhooks/deliveries/${delivery.id}/replay`, { method: 'POST' });
    expect(replay.status).toBe(202);
    await waitForReceiver(4);
  });

  it('8. the provider rate-limits you', async () => {
    const limited = await send('+15005550005');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('30');
    await advance('1s'); // a fresh per-second window
    const burst = [];
    for (let i = 0; i < 101; i++) burst.push((await msghub('/contacts')).status);
    expect(burst.filter((s) => s === 429)).toHaveLength(1);
    await sim('/config', json('PATCH', { rateLimits: false }));
    expect((await msghub('/contacts')).status).toBe(200);
    await sim('/config', json('PATCH', { rateLimits: true }));
    await advance('1s');
  });

  it('9. reset one tenant and keep the others', async () => {
    await send('+919876543210');
    await send('+919876543210', { 'X-API-Key': 'mk_live_cookbook02' });
    await sim('/reset', json('POST', { provider: 'msghub', tenant: KEY }));
    const outbox = (await sim('/messages')).body;
    expect(outbox.total).toBe(1);
    expect(outbox.data[0].tenant).toBe('mk_live_cookbook02');
  });

  it('10. wait for "delivered" on the event stream instead of sleeping', async () => {
    const controller = new AbortController();
    const stream = await fetch(`${run.url}/_sim/events?types=message.status`, { signal: controller.signal });
    const { body } = await send('+919876543210');
    await advance('3s');
    const reader = stream.body!.getReader();
    let text = '';
    while (!text.includes('"status":"delivered"')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(text).toContain(body.messageId);
  });
});

async function until(check: () => Promise<boolean>, what = 'condition'): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function waitForReceiver(count: number): Promise<{ requests: Array<{ body: string; headers: Record<string, string>; status: number | null }> }> {
  let receiver: any;
  await until(async () => {
    receiver = (await sim('/receivers/hooks')).body;
    return receiver?.received >= count && receiver.requests.every((r: { status: number | null }) => r.status !== null);
  }, `${count} webhook(s) at the receiver`);
  return receiver;
}
