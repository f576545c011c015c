/**
 * The built-in receivers are bounded: in receivers (the least recently used is forgotten), in requests
 * per receiver and in bytes across all (the oldest requests are forgotten first, and counted as
 * dropped), in requests held by a paused receiver, and a body above the per-request limit is a 413.
 * Small limits on a router of their own keep the counts small; the defaults are checked on the app.
 */
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { Clock } from '../../src/engine/clock.js';
import { createEngine } from '../../src/engine/engine.js';
import { controlError } from '../../src/control/errors.js';
import { RECEIVER_LIMITS, ReceiverStore, type ReceivedRequest, type ReceiverLimits } from '../../src/control/receiver-store.js';
import { registerReceiverRoutes } from '../../src/control/receivers.js';
import { createTestSim, T0 } from '../support/harness.js';

const LIMITS: ReceiverLimits = { receivers: 3, requestsPerReceiver: 4, requestBytes: 1_000, totalBytes: 2_000, heldPerReceiver: 2 };

async function smallApp(limits: ReceiverLimits = LIMITS) {
  const engine = await createEngine({ clock: new Clock({ mode: 'manual', start: T0 }), seed: 1 });
  const app = express();
  const router = express.Router();
  registerReceiverRoutes(router, engine, new ReceiverStore(limits));
  router.use(controlError);
  app.use('/_sim', router);
  return request(app);
}

const req = (body: string): ReceivedRequest => ({
  method: 'POST',
  path: '/',
  query: '',
  headers: {},
  body,
  receivedAt: '2024-04-08T10:30:00.000Z',
  status: null,
});

describe('ReceiverStore', () => {
  it('keeps at most requestsPerReceiver, newest first, counting the dropped', () => {
    const store = new ReceiverStore(LIMITS);
    const r = store.use('a', true)!;
    for (let i = 0; i < 10; i++) store.keep(r, req(String(i)));
    expect(store.requests(r).map((q) => q.body)).toEqual(['9', '8', '7', '6']);
    expect(r.dropped).toBe(6);
    expect(store.bytes).toBe(r.bytes);
    expect(r.bytes).toBe(4 * (1 + 'POST'.length + '/'.length));
  });

  it('forgets the oldest requests across receivers to stay within totalBytes', () => {
    const store = new ReceiverStore({ ...LIMITS, requestsPerReceiver: 100 });
    const a = store.use('a', true)!;
    const b = store.use('b', true)!;
    const size = 495 + 5; // body + method + path
    store.keep(a, req('a'.repeat(495)));
    store.keep(b, req('b'.repeat(495)));
    store.keep(a, req('c'.repeat(495)));
    store.keep(b, req('d'.repeat(495)));
    expect(store.bytes).toBe(4 * size);
    store.keep(a, req('e'.repeat(495)));
    expect(store.bytes).toBe(4 * size);
    expect(store.requests(a).map((q) => q.body[0])).toEqual(['e', 'c']);
    expect(store.requests(b).map((q) => q.body[0])).toEqual(['d', 'b']);
    expect([a.dropped, b.dropped]).toEqual([1, 0]);
    // the budget holds over many more requests (the arrival queue is compacted as it goes)
    for (let i = 0; i < 50_000; i++) store.keep(i % 2 ? a : b, req(String(i % 10)));
    expect(store.bytes).toBeLessThanOrEqual(2_000);
    expect(store.bytes).toBe(a.bytes + b.bytes);
    expect(store.requests(a)[0]!.body).toBe('9');
  });

  it('forgets the least recently used receiver for a new one, answering what it held', () => {
    const store = new ReceiverStore(LIMITS);
    let released = 0;
    const a = store.use('a', true)!;
    store.use('b', true);
    store.use('c', true);
    store.keep(a, req('x'));
    store.hold(a, { release: () => released++, abandon: () => undefined });
    store.use('a', false); // a is used again: b is now the least recently used
    store.use('d', true);
    expect(store.list().map((r) => r.name)).toEqual(['c', 'a', 'd']);
    store.use('b', true);
    expect(store.list().map((r) => r.name)).toEqual(['a', 'd', 'b']);
    store.use('e', true);
    expect(store.list().map((r) => r.name)).toEqual(['d', 'b', 'e']);
    expect(released).toBe(1);
    expect(store.bytes).toBe(0);
  });

  it('holds at most heldPerReceiver requests, abandoning the oldest', () => {
    const store = new ReceiverStore(LIMITS);
    const r = store.use('a', true)!;
    const abandoned: number[] = [];
    for (let i = 0; i < 5; i++) store.hold(r, { release: () => undefined, abandon: () => abandoned.push(i) });
    expect(abandoned).toEqual([0, 1, 2]);
    expect(r.held.size).toBe(2);
  });
});

describe('receiver routes with small limits', () => {
  it('a body above requestBytes is a 413 in the control envelope, and is not kept', async () => {
    const http = await smallApp();
    const res = await http
      .post('/_sim/receivers/r/hook')
      .set('Content-Type', 'application/json')
      .send(`"${'x'.repeat(1_000)}"`);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
    expect((await http.post('/_sim/receivers/r/hook').send('small')).status).toBe(200);
    const r = await http.get('/_sim/receivers/r');
    expect(r.body).toMatchObject({ received: 1, dropped: 0 });
  });

  it('lists the limits and the bytes kept; a receiver shows what it dropped', async () => {
    const http = await smallApp();
    for (let i = 0; i < 6; i++)
      expect((await http.post(`/_sim/receivers/r/hook?i=${i}`).set('Content-Type', 'text/plain; charset=utf-7').send(`+body ${i}`)).status).toBe(200);
    const r = await http.get('/_sim/receivers/r');
    expect(r.body).toMatchObject({ received: 4, dropped: 2 });
    expect(r.body.requests.map((q: ReceivedRequest) => q.query)).toEqual(['i=5', 'i=4', 'i=3', 'i=2']);
    expect(r.body.requests[0].body).toBe('+body 5');
    const list = await http.get('/_sim/receivers');
    expect(list.body.limits).toEqual(LIMITS);
    expect(list.body.bytes).toBe(r.body.bytes);
  });

  it('a paused receiver over its held bound closes the oldest held connection', async () => {
    const http = await smallApp();
    expect((await http.put('/_sim/receivers/p').send({ paused: true })).status).toBe(200);
    const outcomes: string[] = [];
    const pending = [0, 1, 2].map((i) =>
      http
        .post('/_sim/receivers/p/hook')
        .send(`held ${i}`)
        .then(
          (res) => outcomes.push(`${i}:${res.status}`),
          () => outcomes.push(`${i}:closed`),
        ),
    );
    // the third held request pushed out the first: its connection closes without an answer
    await pending[0];
    expect(outcomes).toEqual(['0:closed']);
    expect((await http.get('/_sim/receivers/p')).body).toMatchObject({ held: 2, received: 3 });
    expect((await http.put('/_sim/receivers/p').send({ paused: false })).status).toBe(200);
    await Promise.all(pending);
    expect(outcomes.sort()).toEqual(['0:closed', '1:200', '2:200']);
  });
});

describe('receivers on the app: the defaults', () => {
  it('1 MB per request (413 above), 100 receivers, 1,000 requests each, 64 MB in all', async () => {
    expect(RECEIVER_LIMITS).toEqual({ receivers: 100, requestsPerReceiver: 1_000, requestBytes: 1_048_576, totalBytes: 67_108_864, heldPerReceiver: 1_000 });
    const sim = await createTestSim();
    const over = await sim.http.post('/_sim/receivers/big/hook').set('Content-Type', 'application/octet-stream').send(Buffer.alloc(1_048_577, 120));
    expect(over.status).toBe(413);
    expect(over.headers['content-type']).toMatch(/^application\/json/);
    expect(over.body.error.code).toBe('payload_too_large');
    const at = await sim.http.post('/_sim/receivers/big/hook').set('Content-Type', 'application/octet-stream').send(Buffer.alloc(1_048_576, 120));
    expect(at.status).toBe(200);
    const list = await sim.http.get('/_sim/receivers');
    expect(list.body.limits).toEqual(RECEIVER_LIMITS);
    expect(list.body.data[0]).toMatchObject({ name: 'big', received: 1, dropped: 0 });
  });
});
