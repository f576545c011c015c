/**
 * Webhooks: endpoint CRUD, real deliveries to a local receiver for message status changes, campaign
 * completion and instance state changes, Standard Webhooks signatures, the spec's WebhookEvent schema,
 * retries on the clock, 410 disabling the endpoint, and the /_sim delivery log.
 */
import { createHmac } from 'node:crypto';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv } from 'ajv';
import * as addFormatsModule from 'ajv-formats';
import type { OpenAPIV3 } from 'openapi-types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyStandardWebhook } from '../../../src/engine/webhook-signing.js';
import { specPath } from '../../../src/paths.js';
import type { ProviderClient } from '../../support/harness.js';
import { KEY, MAIN, TEXT, at, deliveries, expectError, expectOk, msgflashSim, setInstance } from './helpers.js';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../../support/webhook-receiver.js';

const addFormats = addFormatsModule.default as unknown as (ajv: Ajv) => Ajv;

let receiver: WebhookReceiver;
beforeEach(async () => {
  receiver = await startWebhookReceiver('/hooks/msgflash');
});
afterEach(async () => {
  await receiver.close();
});

async function subscribe(api: ProviderClient, events: string[], url = receiver.url): Promise<{ id: string; secret: string }> {
  return expectOk(await api.post('/webhooks', { url, events }), 201);
}

let eventSchema: Promise<(body: unknown) => boolean> | undefined;
async function expectEventMatchesSpec(body: unknown): Promise<void> {
  eventSchema ??= (async () => {
    const spec = (await SwaggerParser.dereference(specPath('msgflash'))) as OpenAPIV3.Document;
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(spec.components!.schemas!.WebhookEvent as object);
    return (b: unknown) => {
      const ok = validate(b);
      if (!ok) throw new Error(`${JSON.stringify(validate.errors)} body ${JSON.stringify(b)}`);
      return ok;
    };
  })();
  expect((await eventSchema)(body)).toBe(true);
}

/** Standard Webhooks, checked twice: by hand with node crypto, and with msgsim's verifier. */
function expectSigned(hook: ReceivedWebhook, secret: string): void {
  const id = String(hook.headers['webhook-id']);
  const timestamp = String(hook.headers['webhook-timestamp']);
  const signature = String(hook.headers['webhook-signature']);
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${hook.text}`).digest('base64');
  expect(signature).toBe(`v1,${expected}`);
  expect(id).toBe(hook.body.id);
  const headers = Object.fromEntries(Object.entries(hook.headers).map(([k, v]) => [k, String(v)]));
  expect(verifyStandardWebhook(secret, headers, hook.text)).toBe(true);
  expect(verifyStandardWebhook(`whsec_${Buffer.from('wrong secret').toString('base64')}`, headers, hook.text)).toBe(false);
}

describe('webhook endpoints', () => {
  it('create returns the whsec_ secret once; list never shows it; delete then 404', async () => {
    const { api, other } = await msgflashSim({ rateLimits: false });
    const created = expectOk(
      await api.post('/webhooks', { url: 'https://example.com/h', events: ['message.read', 'message.read', 'message.failed'], description: 'Ops' }),
      201,
    );
    expect(created).toEqual({
      id: expect.any(String),
      url: 'https://example.com/h',
      events: ['message.read', 'message.failed'],
      description: 'Ops',
      active: true,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/=]{32}$/),
      createdAt: at(0),
    });
    const second = expectOk(await api.post('/webhooks', { url: 'http://example.com/other', events: ['campaign.completed'] }), 201);
    expect(second.secret).not.toBe(created.secret);
    const { secret: _s, ...listed } = created;
    expect(expectOk(await api.get('/webhooks'))).toEqual([
      { id: second.id, url: 'http://example.com/other', events: ['campaign.completed'], active: true, createdAt: at(0) },
      listed,
    ]);
    expect(expectOk(await other.get('/webhooks'))).toEqual([]);
    expectError(await other.delete(`/webhooks/${created.id}`), 404, 'NOT_FOUND');
    expect(expectOk(await api.delete(`/webhooks/${created.id}`))).toEqual({ id: created.id, deleted: true });
    expectError(await api.delete(`/webhooks/${created.id}`), 404, 'NOT_FOUND', 'id', created.id);
    expect(expectOk(await api.get('/webhooks')).map((w: any) => w.id)).toEqual([second.id]);
  });

  it.each([
    [{ url: 'https://example.com/h', events: [] }, 'events'],
    [{ url: 'https://example.com/h', events: ['message.queued'] }, 'events[0]'],
    [{ url: 'not a url', events: ['message.read'] }, 'url'],
    [{ url: 'ftp://example.com/h', events: ['message.read'] }, 'url'],
    [{ events: ['message.read'] }, 'url'],
    [{ url: 'https://example.com/h', events: ['message.read'], secret: 'whsec_mine' }, 'secret'],
  ])('%j → 400 naming %s', async (body, field) => {
    const { api } = await msgflashSim({ rateLimits: false });
    expectError(await api.post('/webhooks', body), 400, 'VALIDATION_ERROR', field);
    expect(expectOk(await api.get('/webhooks'))).toEqual([]);
  });
});

describe('deliveries', () => {
  it('message.sent, message.delivered and message.read, signed, in order, each matching the spec', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const { secret } = await subscribe(api, ['message.sent', 'message.delivered', 'message.read']);
    const { id } = expectOk(await api.post('/messages/send', { ...TEXT, to: '+15005550004' }), 201);
    await sim.advance(10_000);
    expect(receiver.received.map((h) => [h.body.type, h.body.data.status])).toEqual([
      ['message.sent', 'sent'],
      ['message.delivered', 'delivered'],
      ['message.read', 'read'],
    ]);
    for (const hook of receiver.received) {
      expectSigned(hook, secret);
      await expectEventMatchesSpec(hook.body);
      expect(hook.body.data).toMatchObject({ id, instanceId: MAIN, to: '+15005550004' });
    }
    expect(receiver.received[1]!.body).toMatchObject({ createdAt: at(3_000), data: { deliveredAt: at(3_000) } });
    // Signed when the attempt is made, in unix seconds on the simulated clock.
    const signedAt = Number(receiver.received[1]!.headers['webhook-timestamp']) * 1000;
    expect(signedAt).toBeGreaterThanOrEqual(Date.parse(at(3_000)));
    expect(signedAt).toBeLessThanOrEqual(Date.parse(at(10_000)));
    expect(new Set(receiver.received.map((h) => h.body.id)).size).toBe(3);
  });

  it('only subscribed events are sent: message.failed carries the error', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const { secret } = await subscribe(api, ['message.failed']);
    expectOk(await api.post('/messages/send', TEXT), 201);
    const failed = expectOk(await api.post('/messages/send', { ...TEXT, to: '+15005550002' }), 201);
    await sim.advance(10_000);
    expect(receiver.received).toHaveLength(1);
    const [hook] = receiver.received;
    expectSigned(hook!, secret);
    await expectEventMatchesSpec(hook!.body);
    expect(hook!.body).toMatchObject({ type: 'message.failed', data: { id: failed.id, status: 'failed', error: { code: 'CARRIER_REJECTED' } } });
  });

  it('campaign.completed carries the campaign and its final stats, once every message is final', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    await subscribe(api, ['campaign.completed']);
    const { id } = expectOk(await api.post('/campaigns', { name: 'C', instanceId: MAIN, text: 'Hi', recipients: ['+14155550101', '+15005550002'] }), 201);
    // Dispatched at once, sent at 1 s; delivered and failed at 3 s (it fired at dispatch before issue 20).
    await sim.advance(2_999);
    expect(receiver.received).toHaveLength(0);
    await sim.advance(1);
    expect(receiver.received).toHaveLength(1);
    await expectEventMatchesSpec(receiver.received[0]!.body);
    expect(receiver.received[0]!.body).toMatchObject({
      type: 'campaign.completed',
      data: {
        campaign: { id, status: 'completed', dispatchedAt: at(0), completedAt: at(3_000) },
        stats: { total: 2, pending: 0, queued: 0, sent: 0, delivered: 1, failed: 1, status: 'completed' },
      },
    });
    await sim.advance(60_000);
    expect(receiver.received).toHaveLength(1);
  });

  it('instance.disconnected and instance.connected follow the /_sim settings', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    await subscribe(api, ['instance.connected', 'instance.disconnected']);
    await setInstance(sim, KEY, MAIN, 'disconnected');
    await sim.advance(5_000);
    await setInstance(sim, KEY, MAIN, 'disconnected');
    await setInstance(sim, KEY, MAIN, 'connected');
    await sim.advance(0);
    expect(receiver.received.map((h) => h.body.data)).toEqual([
      { instanceId: MAIN, state: 'disconnected', since: at(0) },
      { instanceId: MAIN, state: 'connected', since: at(5_000) },
    ]);
    for (const hook of receiver.received) await expectEventMatchesSpec(hook.body);
  });

  it('a failing receiver is retried on the clock with the same event id; the log at /_sim shows every attempt', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const { secret, id: endpointId } = await subscribe(api, ['message.delivered']);
    receiver.respondWith(500);
    const { id } = expectOk(await api.post('/messages/send', TEXT), 201);
    await sim.advance(3_000);
    expect(receiver.received).toHaveLength(1);
    await sim.advance(4_999);
    expect(receiver.received).toHaveLength(1);
    receiver.respondWith(200);
    await sim.advance(1);
    expect(receiver.received).toHaveLength(2);
    const [first, second] = receiver.received;
    expect(second!.body.id).toBe(first!.body.id);
    expect(second!.raw.equals(first!.raw)).toBe(true);
    expectSigned(second!, secret);
    const [delivery] = await deliveries(sim, { subject: id });
    expect(delivery).toMatchObject({ provider: 'msgflash', tenant: KEY, endpointId, eventType: 'message.delivered', status: 'succeeded' });
    expect(delivery!.attempts.map((a: any) => [a.attempt, a.outcome, a.response.status, a.at])).toEqual([
      [1, 'failure', 500, at(3_000)],
      [2, 'success', 200, at(8_000)],
    ]);
  });

  it('a receiver answering 410 disables the endpoint: no retries, active false, nothing more sent', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const { id: endpointId } = await subscribe(api, ['message.sent', 'message.delivered']);
    receiver.respondWith(410);
    expectOk(await api.post('/messages/send', TEXT), 201);
    await sim.advance(1_000);
    expect(receiver.received).toHaveLength(1);
    expect(expectOk(await api.get('/webhooks'))).toEqual([expect.objectContaining({ id: endpointId, active: false })]);
    await sim.advance(3_600_000);
    expect(receiver.received).toHaveLength(1);
    expect((await deliveries(sim))[0]).toMatchObject({ status: 'disabled' });
  });

  it('a deleted endpoint receives nothing more', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const { id } = await subscribe(api, ['message.sent', 'message.delivered']);
    expectOk(await api.post('/messages/send', TEXT), 201);
    await sim.advance(1_000);
    expectOk(await api.delete(`/webhooks/${id}`));
    await sim.advance(10_000);
    expect(receiver.received.map((h) => h.body.type)).toEqual(['message.sent']);
  });
});
