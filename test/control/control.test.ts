import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROVIDERS } from '../../src/providers/index.js';
import { apiBasePaths } from '../../src/providers/provider.js';
import { createTestSim, T0, type TestSim } from '../support/harness.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const KEY = 'mk_live_control01';
const OTHER = 'mk_live_control02';

describe('/_sim control API', () => {
  let sim: TestSim;
  beforeEach(async () => {
    sim = await createTestSim();
  });

  async function send(to = '+919876543210', key = KEY) {
    const res = await sim.client('msghub', { 'X-API-Key': key }).post('/messages/send', { channel: 'sms', to, body: 'Hi' });
    expect(res.status).toBe(201);
    return res.body.messageId as string;
  }

  it('reports health with the clock and the mounted providers', async () => {
    const res = await sim.http.get('/_sim/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.clock.mode).toBe('manual');
    expect(res.body.clock.now).toBe(new Date(T0).toISOString());
    expect(res.body.providers).toContainEqual({ name: 'msghub', title: 'Msghub', baseUrl: '/msghub/api/v1' });
    expect((await sim.http.get('/_sim/ready')).body).toEqual({ status: 'ready' });
  });

  describe('clock', () => {
    it.each([
      [{ by: 1500 }, 1500],
      [{ by: '90s' }, 90_000],
      [{ by: '1h30m' }, 5_400_000],
      [{ by: '2d' }, 172_800_000],
      [{ to: '2024-04-08T11:30:00Z' }, 3_600_000],
    ])('advances by %j', async (body, ms) => {
      const res = await sim.http.post('/_sim/clock/advance').send(body);
      expect(res.status).toBe(200);
      expect(res.body.nowMs).toBe(T0 + ms);
      expect(sim.clock.now()).toBe(T0 + ms);
    });

    it.each([[{ by: -5 }], [{ by: 'soon' }], [{}], [{ to: 'yesterday' }], [{ to: '2020-01-01T00:00:00Z' }]])(
      'refuses %j with a 400 naming the field',
      async (body) => {
        const res = await sim.http.post('/_sim/clock/advance').send(body);
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('invalid_request');
        expect(['by', 'to']).toContain(res.body.error.field);
        expect(sim.clock.now()).toBe(T0);
      },
    );

    it('fires lifecycle steps as it advances, in order', async () => {
      const id = await send();
      expect((await sim.http.get('/_sim/clock')).body.pendingEvents).toBe(1);
      await sim.http.post('/_sim/clock/advance').send({ by: '1s' });
      expect((await sim.http.get(`/_sim/messages/msghub/${id}`)).body.status).toBe('sent');
      await sim.http.post('/_sim/clock/advance').send({ by: '2s' });
      const message = (await sim.http.get(`/_sim/messages/msghub/${id}`)).body;
      expect(message.status).toBe('delivered');
      expect(message.history.map((h: { status: string }) => h.status)).toEqual(['queued', 'sent', 'delivered']);
      expect(message.deliveredAt).toBe(new Date(T0 + 3000).toISOString());
    });

    it('switches mode and keeps simulated time continuous', async () => {
      const res = await sim.http.put('/_sim/clock').send({ mode: 'speed', speed: 60 });
      expect(res.status).toBe(200);
      expect(res.body.mode).toBe('speed');
      expect(res.body.speed).toBe(60);
      expect(res.body.nowMs).toBeGreaterThanOrEqual(T0);
      const back = await sim.http.put('/_sim/clock').send({ mode: 'manual' });
      expect(back.body.mode).toBe('manual');
      expect((await sim.http.put('/_sim/clock').send({ mode: 'speed' })).status).toBe(400);
      expect((await sim.http.put('/_sim/clock').send({ mode: 'warp' })).status).toBe(400);
    });
  });

  describe('messages outbox', () => {
    it('lists across tenants, newest first, with filters', async () => {
      const a = await send('+919876543210', KEY);
      const b = await send('+15005550002', OTHER);
      const all = await sim.http.get('/_sim/messages');
      expect(all.body.total).toBe(2);
      expect(all.body.data.map((m: { id: string }) => m.id)).toEqual([b, a]);
      expect(all.body.data[0]).toMatchObject({ provider: 'msghub', tenant: OTHER, channel: 'sms', to: '+15005550002', status: 'queued' });
      expect((await sim.http.get('/_sim/messages').query({ tenant: KEY })).body.data.map((m: { id: string }) => m.id)).toEqual([a]);
      expect((await sim.http.get('/_sim/messages').query({ to: '+15005550002' })).body.total).toBe(1);
      await sim.advance(3000);
      expect((await sim.http.get('/_sim/messages').query({ status: 'failed' })).body.data.map((m: { id: string }) => m.id)).toEqual([b]);
      expect((await sim.http.get('/_sim/messages').query({ status: 'nope' })).status).toBe(400);
      expect((await sim.http.get('/_sim/messages').query({ limit: 1, offset: 1 })).body.data.map((m: { id: string }) => m.id)).toEqual([a]);
    });

    it('forces transitions through the natural path and refuses impossible ones', async () => {
      const id = await send();
      const forced = await sim.http.post(`/_sim/messages/msghub/${id}/status`).send({ status: 'read' });
      expect(forced.status).toBe(200);
      expect(forced.body.status).toBe('read');
      expect(forced.body.history.map((h: { status: string }) => h.status)).toEqual(['queued', 'sent', 'delivered', 'read']);
      const api = sim.client('msghub', { 'X-API-Key': KEY });
      // Msghub prints whole seconds.
      expect((await api.get(`/messages/${id}`)).body).toMatchObject({ status: 'read', readAt: new Date(T0).toISOString().replace('.000Z', 'Z') });

      const refused = await sim.http.post(`/_sim/messages/msghub/${id}/status`).send({ status: 'queued' });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('invalid_status_transition');
      // The natural timer was cancelled: time passing does not move it again.
      await sim.advance(60_000);
      expect((await api.get(`/messages/${id}`)).body.status).toBe('read');
    });

    it('records the reason of a forced failure', async () => {
      const id = await send();
      const res = await sim.http.post(`/_sim/messages/msghub/${id}/status`).send({ status: 'failed', reason: 'Handset switched off' });
      expect(res.body.failure).toEqual({ code: 'failed', message: 'Handset switched off' });
      const api = sim.client('msghub', { 'X-API-Key': KEY });
      expect((await api.get(`/messages/${id}`)).body.error).toEqual({ code: 'failed', message: 'Handset switched off' });
    });

    it('answers 404 for unknown messages and 400 for unknown states', async () => {
      expect((await sim.http.get('/_sim/messages/msghub/msg_nope')).status).toBe(404);
      const id = await send();
      const res = await sim.http.post(`/_sim/messages/msghub/${id}/status`).send({ status: 'teleported' });
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe('status');
    });
  });

  describe('reset', () => {
    it('forgets one tenant, one provider or everything', async () => {
      await send('+919876543210', KEY);
      await send('+919876543210', OTHER);
      expect((await sim.http.post('/_sim/reset').send({ provider: 'msghub', tenant: KEY })).status).toBe(200);
      expect((await sim.http.get('/_sim/messages')).body.total).toBe(1);
      expect((await sim.http.post('/_sim/reset').send({})).status).toBe(200);
      expect((await sim.http.get('/_sim/messages')).body.total).toBe(0);
      expect((await sim.http.get('/_sim/clock')).body.pendingEvents).toBe(0);
    });

    it('refuses unknown providers and a tenant without a provider', async () => {
      expect((await sim.http.post('/_sim/reset').send({ provider: 'nope' })).status).toBe(404);
      expect((await sim.http.post('/_sim/reset').send({ tenant: KEY })).status).toBe(400);
    });
  });

  describe('config', () => {
    it('reads and changes rate limiting and timings', async () => {
      const initial = (await sim.http.get('/_sim/config')).body;
      expect(initial).toEqual({ rateLimits: true, timings: { sendMs: 1000, deliverMs: 2000, readMs: 5000, slowDeliverMs: 60000 } });
      const res = await sim.http.patch('/_sim/config').send({ rateLimits: false, timings: { deliverMs: '10s' } });
      expect(res.body).toEqual({ rateLimits: false, timings: { sendMs: 1000, deliverMs: 10000, readMs: 5000, slowDeliverMs: 60000 } });
      const id = await send();
      await sim.advance(3000);
      expect((await sim.http.get(`/_sim/messages/msghub/${id}`)).body.status).toBe('sent');
      await sim.advance(8000);
      expect((await sim.http.get(`/_sim/messages/msghub/${id}`)).body.status).toBe('delivered');
    });

    it.each([
      [{ rateLimits: 'no' }, 'rateLimits'],
      [{ timings: { warpMs: 1 } }, 'timings.warpMs'],
      [{ timings: { sendMs: 'later' } }, 'timings.sendMs'],
    ])('refuses %j', async (body, field) => {
      const res = await sim.http.patch('/_sim/config').send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe(field);
    });
  });

  describe('tenant settings', () => {
    it('connects channels per tenant', async () => {
      const url = `/_sim/providers/msghub/tenants/${KEY}/settings`;
      expect((await sim.http.get(url)).body).toEqual({ connectedChannels: ['sms', 'whatsapp', 'email'] });
      const api = sim.client('msghub', { 'X-API-Key': KEY });
      expect((await api.post('/messages/send', { channel: 'telegram', to: '123456789', body: 'Hi' })).body.error.code).toBe('channel_not_connected');
      const res = await sim.http.patch(url).send({ connectedChannels: ['sms', 'telegram'] });
      expect(res.body).toEqual({ connectedChannels: ['sms', 'telegram'] });
      expect((await api.post('/messages/send', { channel: 'telegram', to: '123456789', body: 'Hi' })).status).toBe(201);
      expect((await api.post('/messages/send', { channel: 'whatsapp', to: '+919876543210', body: 'Hi' })).body.error.code).toBe('channel_not_connected');
      expect((await sim.http.patch(url).send({ connectedChannels: ['fax'] })).status).toBe(400);
      expect((await sim.http.get('/_sim/providers/nope/tenants/x/settings')).status).toBe(404);
    });
  });

  describe('webhook deliveries', () => {
    let receiver: WebhookReceiver;

    beforeEach(async () => {
      receiver = await startWebhookReceiver('/hook');
    });
    afterEach(() => receiver.close());

    it('lists every attempt, filters, and replays a delivery with the same event id', async () => {
      const api = sim.client('msghub', { 'X-API-Key': KEY });
      expect((await api.post('/webhooks', { event: 'message.delivered', url: receiver.url })).status).toBe(201);
      receiver.respondWith(500);
      const id = await send();
      await sim.advance(3000);
      let list = await sim.http.get('/_sim/webhooks/deliveries').query({ provider: 'msghub', subject: id });
      expect(list.body.total).toBe(1);
      const delivery = list.body.data[0];
      expect(delivery).toMatchObject({ provider: 'msghub', tenant: KEY, eventType: 'message.delivered', status: 'retrying' });
      expect(delivery.attempts).toHaveLength(1);
      expect(delivery.attempts[0].response.status).toBe(500);
      receiver.respondWith(200);
      await sim.advance(5000);
      list = await sim.http.get('/_sim/webhooks/deliveries').query({ subject: id });
      expect(list.body.data[0].status).toBe('succeeded');
      expect(list.body.data[0].attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['failure', 'success']);
      expect(receiver.received).toHaveLength(2);
      expect(receiver.received[0]!.text).toBe(receiver.received[1]!.text);

      const replay = await sim.http.post(`/_sim/webhooks/deliveries/${delivery.id}/replay`);
      expect(replay.status).toBe(202);
      expect(replay.body.replayOf).toBe(delivery.id);
      expect(replay.body.eventId).toBe(delivery.eventId);
      await sim.engine.settle();
      expect(receiver.received).toHaveLength(3);
      expect((await sim.http.get(`/_sim/webhooks/deliveries/${replay.body.id}`)).body.status).toBe('succeeded');
      expect((await sim.http.get('/_sim/webhooks/deliveries/whd_nope')).status).toBe(404);
      expect((await sim.http.post('/_sim/webhooks/deliveries/whd_nope/replay')).status).toBe(404);
    });
  });

  it('answers unknown control routes and malformed JSON with JSON errors', async () => {
    const missing = await sim.http.get('/_sim/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    const bad = await sim.http.post('/_sim/clock/advance').set('Content-Type', 'application/json').send('{"by":');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_json');
    const root = await sim.http.get('/nowhere');
    expect(root.status).toBe(404);
    expect(root.headers['content-type']).toMatch(/^application\/json/);
    // The answer points to every prefix a provider answers on, its aliases too (SendHub's /api/v1, where its links lead).
    const served = PROVIDERS.flatMap((p) => apiBasePaths(p).map((basePath) => `/${p.name}${basePath}`));
    expect(root.body.error.message).toBe(`No route GET /nowhere; providers are served under ${served.join(', ')}`);
    expect(served).toContain('/sendhub/api/v1');
  });
});

describe('/_sim/openapi', () => {
  it('serves each mounted provider spec as YAML', async () => {
    const sim = await createTestSim();
    const res = await sim.http.get('/_sim/openapi/msghub.yaml');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/yaml/);
    expect(res.text).toMatch(/^openapi: 3\.0\.3/);
    expect((await sim.http.get('/_sim/openapi/nope.yaml')).status).toBe(404);
  });
});

describe('per-request faults, keys and inbound', () => {
  it.each([
    ['X-Msgsim-Fault', '503', 503, 'service_unavailable'],
    ['X-Msgsim-Fault', '502', 502, 'bad_gateway'],
    ['Prefer', 'code=500', 500, 'internal_error'],
    ['Prefer', 'return=minimal, code=429', 429, 'rate_limit_exceeded'],
  ])('%s: %s answers %i in the provider envelope and stores nothing', async (header, value, status, code) => {
    const sim = await createTestSim();
    const res = await sim.http
      .post('/msghub/api/v1/messages/send')
      .set({ 'X-API-Key': 'mk_live_fault0001', 'Content-Type': 'application/json', [header]: value })
      .send({ channel: 'sms', to: '+919876543210', body: 'Hi' });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    if (status === 429) expect(res.headers['retry-after']).toBe('1');
    expect((await sim.http.get('/_sim/messages')).body.total).toBe(0);
  });

  it('never lets a fault header bypass auth, and rejects malformed values', async () => {
    const sim = await createTestSim();
    const noKey = await sim.http.get('/msghub/api/v1/messages').set('X-Msgsim-Fault', '503');
    expect(noKey.status).toBe(401);
    const bad = await sim.http.get('/msghub/api/v1/messages').set({ 'X-API-Key': 'mk_live_fault0001', 'X-Msgsim-Fault': 'teapot' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.field).toBe('X-Msgsim-Fault');
  });

  it('registers, lists and removes keys; validates input', async () => {
    const sim = await createTestSim();
    const created = await sim.http.post('/_sim/keys').send({ provider: 'msghub', key: 'mk_live_labelled', label: 'QA', properties: { note: 'x' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ provider: 'msghub', key: 'mk_live_labelled', label: 'QA', properties: { note: 'x' } });
    expect((await sim.http.get('/_sim/keys').query({ provider: 'msghub' })).body.data).toContainEqual(created.body);
    expect((await sim.http.post('/_sim/keys').send({ provider: 'nope', key: 'k' })).status).toBe(400);
    expect((await sim.http.post('/_sim/keys').send({ provider: 'msghub', key: '' })).status).toBe(400);
    expect((await sim.http.post('/_sim/keys').send({ provider: 'msghub', key: 'k', properties: [] })).status).toBe(400);
    expect((await sim.http.delete('/_sim/keys/msghub/mk_live_labelled')).status).toBe(204);
    expect((await sim.http.delete('/_sim/keys/msghub/mk_live_labelled')).status).toBe(404);
  });

  it('refuses inbound for providers that do not receive messages', async () => {
    const sim = await createTestSim();
    const res = await sim.http.post('/_sim/inbound/msghub').send({ tenant: 'mk_live_x1234', from: '+919876543210', text: 'hi' });
    expect(res.status).toBe(404);
    expect((await sim.http.post('/_sim/inbound/nope').send({})).status).toBe(404);
  });
});
