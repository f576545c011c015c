import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/index.js';
import { createTestSim } from '../support/harness.js';

const KEY = 'mk_live_streams01';
const HEADERS = { 'X-API-Key': KEY, 'Content-Type': 'application/json' };

async function send(sim: Simulator, to = '+919876543210'): Promise<string> {
  const res = await fetch(`${sim.url}/msghub/api/v1/messages/send`, {
    method: 'POST',
    headers: HEADERS,
    body: JSON.stringify({ channel: 'sms', to, body: 'Hi' }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { messageId: string }).messageId;
}

/** Reads SSE frames from a fetch body until `count` events have arrived. */
async function readEvents(res: Response, count: number): Promise<Array<{ event: string; data: any }>> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: Array<{ event: string; data: any }> = [];
  let buffer = '';
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = frame.match(/^event: (.+)$/m)?.[1];
      const data = frame.match(/^data: (.+)$/m)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) });
    }
  }
  await reader.cancel();
  return events;
}

describe('live controls over a real server', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await createSimulator({ clock: 'manual', port: 0, start: Date.parse('2024-04-08T10:30:00Z') });
  });
  afterEach(async () => {
    await sim.close();
  });

  it('streams message events as Server-Sent Events, filtered by provider and type', async () => {
    const controller = new AbortController();
    const stream = await fetch(`${sim.url}/_sim/events?provider=msghub&types=message.created,message.status`, { signal: controller.signal });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reading = readEvents(stream, 3);
    const id = await send(sim);
    sim.clock.advance(3_000);
    const events = await reading;
    controller.abort();
    expect(events.map((e) => e.event)).toEqual(['message.created', 'message.status', 'message.status']);
    expect(events.map((e) => e.data.status)).toEqual(['queued', 'sent', 'delivered']);
    expect(events.every((e) => e.data.id === id && e.data.provider === 'msghub')).toBe(true);
    expect(events[2]!.data).toMatchObject({ to: '+919876543210', transition: { from: 'sent', to: 'delivered', forced: false } });
  });

  it('refuses unknown event types', async () => {
    const res = await fetch(`${sim.url}/_sim/events?types=message.teleported`);
    expect(res.status).toBe(400);
  });

  it('waitForMessage resolves when the status is reached, or at once if it already was', async () => {
    const id = await send(sim, '+15005550004');
    const read = sim.waitForMessage('msghub', id, 'read', { timeoutMs: 2_000 });
    sim.clock.advance(10_000);
    expect((await read).readAt).toBe('2024-04-08T10:30:08.000Z');
    expect((await sim.waitForMessage('msghub', id, 'read')).id).toBe(id);
    await expect(sim.waitForMessage('msghub', id, 'failed', { timeoutMs: 50 })).rejects.toThrow(/timed out/);
  });

  it('waitFor takes any engine event, and forceStatus drives the same path', async () => {
    const id = await send(sim);
    const failed = sim.waitFor('message.status', (e) => e.to === 'failed');
    sim.forceStatus('msghub', id, 'failed', 'Handset off');
    expect((await failed).message.failure).toEqual({ code: 'failed', message: 'Handset off' });
    const rule = sim.faults.add({ provider: 'msghub', action: { status: 503 } });
    expect(sim.faults.list()).toEqual([rule]);
    const res = await fetch(`${sim.url}/msghub/api/v1/messages`, { headers: HEADERS });
    expect(res.status).toBe(503);
    sim.faults.clear();
    expect((await fetch(`${sim.url}/msghub/api/v1/messages`, { headers: HEADERS })).status).toBe(200);
  });

  it('built-in receivers record signed webhooks, fail on demand, and pause to hold deliveries', async () => {
    const hook = `${sim.url}/_sim/receivers/qa/hook`;
    const created = await fetch(`${sim.url}/msghub/api/v1/webhooks`, {
      method: 'POST',
      headers: HEADERS,
      body: JSON.stringify({ event: 'message.delivered', url: hook }),
    });
    const { secret } = (await created.json()) as { secret: string };

    // fail the first attempt with a 500, then recover
    await fetch(`${sim.url}/_sim/receivers/qa`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ status: 500 }) });
    const id = await send(sim);
    sim.clock.advance(3_000);
    await sim.settle();
    await fetch(`${sim.url}/_sim/receivers/qa`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ status: 200 }) });
    sim.clock.advance(5_000);
    await sim.settle();
    const receiver = (await (await fetch(`${sim.url}/_sim/receivers/qa`)).json()) as {
      received: number;
      requests: Array<{ status: number; body: string; headers: Record<string, string> }>;
    };
    expect(receiver.received).toBe(2);
    expect(receiver.requests.map((r) => r.status)).toEqual([200, 500]);
    const { createHmac } = await import('node:crypto');
    for (const r of receiver.requests) {
      expect(r.headers['x-msghub-signature']).toBe(`sha256=${createHmac('sha256', secret).update(r.body).digest('hex')}`);
      expect(JSON.parse(r.body)).toMatchObject({ event: 'message.delivered', messageId: id });
    }

    // paused: the request is held (not answered) until resumed
    await fetch(`${sim.url}/_sim/receivers/slow`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ paused: true }) });
    const pending = fetch(`${sim.url}/_sim/receivers/slow/hook`, { method: 'POST', body: 'x' });
    let answered = false;
    void pending.then(() => (answered = true));
    await new Promise((r) => setImmediate(r));
    const held = (await (await fetch(`${sim.url}/_sim/receivers/slow`)).json()) as { held: number };
    expect(held.held).toBe(1);
    expect(answered).toBe(false);
    await fetch(`${sim.url}/_sim/receivers/slow`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ paused: false }) });
    expect((await pending).status).toBe(200);
    const list = (await (await fetch(`${sim.url}/_sim/receivers`)).json()) as { data: Array<{ name: string }> };
    expect(list.data.map((r) => r.name).sort()).toEqual(['qa', 'slow']);
    expect((await fetch(`${sim.url}/_sim/receivers/qa`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${sim.url}/_sim/receivers/qa`)).status).toBe(404);
    expect((await fetch(`${sim.url}/_sim/receivers/bad name!`)).status).toBe(400);
  });
});

describe('/_sim/seed and key revoke', () => {
  it('reseeding resets state and replays the same ids', async () => {
    const sim = await createTestSim();
    const api = sim.client('msghub', { 'X-API-Key': KEY });
    await sim.http.post('/_sim/seed').send({ seed: 99 });
    const first = (await api.post('/messages/send', { channel: 'sms', to: '+919876543210', body: 'a' })).body.messageId;
    expect((await sim.http.post('/_sim/seed').send({ seed: 99 })).body).toEqual({ seed: 99 });
    expect((await sim.http.get('/_sim/messages')).body.total).toBe(0);
    const again = (await api.post('/messages/send', { channel: 'sms', to: '+919876543210', body: 'a' })).body.messageId;
    expect(again).toBe(first);
    expect((await sim.http.post('/_sim/seed').send({ seed: -1 })).status).toBe(400);
  });

  it('revokes a key by registering revoked: true', async () => {
    const sim = await createTestSim();
    const res = await sim.http.post('/_sim/keys/msghub/mk_live_gone1234/revoke');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ provider: 'msghub', key: 'mk_live_gone1234', properties: { revoked: true } });
    expect((await sim.http.post('/_sim/keys/nope/k/revoke')).status).toBe(404);
  });
});
