/**
 * Webhooks: subscription CRUD, real deliveries to a local node:http receiver, the documented payloads,
 * X-Msghub-Signature checked with node crypto and with the doc's own Python snippet, retries on the
 * clock, and 410 disabling the subscription.
 */
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DOC_CONTACT, DOC_SEND, KEY, at, atMs, deliveries, expectError, expectWebhookEventMatchesSpec, msghubSim, pythonVerifies } from './helpers.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver.js';
import type { ProviderClient } from '../../support/harness.js';

let receiver: WebhookReceiver;
beforeEach(async () => {
  receiver = await startWebhookReceiver('/hooks/msghub');
});
afterEach(async () => {
  await receiver.close();
});

async function subscribe(api: ProviderClient, event: string, url = receiver.url): Promise<{ webhookId: string; secret: string }> {
  const res = await api.post('/webhooks', { event, url });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

function expectSigned(hook: { headers: Record<string, string | string[] | undefined>; raw: Buffer }, secret: string): void {
  const signature = String(hook.headers['x-msghub-signature']);
  expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
  // (a) node crypto over the raw bytes received
  expect(signature).toBe(`sha256=${createHmac('sha256', secret).update(hook.raw).digest('hex')}`);
  // (b) the doc's Python snippet, run as written over the same bytes
  expect(pythonVerifies(secret, hook.raw, signature)).toBe(true);
}

describe('webhook subscriptions', () => {
  it('create returns a whsec_ secret once; list never shows it; delete is 204 then 404', async () => {
    const { api } = await msghubSim();
    const created = await api.post('/webhooks', { event: 'message.delivered', url: 'https://example.com/hooks/msghub' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      webhookId: expect.stringMatching(/^wh_[A-Za-z0-9]+$/),
      event: 'message.delivered',
      url: 'https://example.com/hooks/msghub',
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/=_-]+$/),
      active: true,
      createdAt: at(0),
    });
    const second = await api.post('/webhooks', { event: 'contact.created', url: 'https://example.com/other' });
    expect(second.body.secret).not.toBe(created.body.secret);

    const list = await api.get('/webhooks');
    expect(list.status).toBe(200);
    expect(list.body.pagination).toEqual({ page: 1, limit: 50, total: 2, pages: 1 });
    expect(list.body.data).toEqual([
      { webhookId: second.body.webhookId, event: 'contact.created', url: 'https://example.com/other', active: true, createdAt: at(0) },
      { webhookId: created.body.webhookId, event: 'message.delivered', url: 'https://example.com/hooks/msghub', active: true, createdAt: at(0) },
    ]);

    const del = await api.delete(`/webhooks/${created.body.webhookId}`);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expectError(await api.delete(`/webhooks/${created.body.webhookId}`), 404, 'webhook_not_found', 'webhookId', created.body.webhookId);
    expectError(await api.delete('/webhooks/wh_nope'), 404, 'webhook_not_found', 'webhookId', 'wh_nope');
    expect((await api.get('/webhooks')).body.data.map((w: { webhookId: string }) => w.webhookId)).toEqual([second.body.webhookId]);
  });

  it.each(['message.delivered', 'message.read', 'message.failed', 'contact.created', 'campaign.completed'])('accepts event %s', async (event) => {
    const { api } = await msghubSim();
    const res = await api.post('/webhooks', { event, url: 'https://example.com/h' });
    expect(res.status).toBe(201);
    expect(res.body.event).toBe(event);
  });

  it.each([
    { body: { event: 'message.sent', url: 'https://example.com/h' }, field: 'event', value: 'message.sent' },
    { body: { event: 'message.delivered', url: 'not a url' }, field: 'url', value: 'not a url' },
    { body: { event: 'message.delivered', url: 'ftp://example.com/h' }, field: 'url', value: 'ftp://example.com/h' },
    { body: { url: 'https://example.com/h' }, field: 'event' },
    { body: { event: 'message.delivered' }, field: 'url' },
    { body: { event: 'message.delivered', url: 'https://example.com/h', secret: 'whsec_mine' }, field: 'secret' },
    { body: { event: 'message.delivered', url: 'https://example.com/h', active: false }, field: 'active' },
  ])('invalid $body → 400 invalid_request naming $field', async ({ body, field, value }) => {
    const { api } = await msghubSim();
    expectError(await api.post('/webhooks', body), 400, 'invalid_request', field, value);
    expect((await api.get('/webhooks')).body.pagination.total).toBe(0);
  });
});

describe('webhook deliveries', () => {
  it('message.delivered: the documented payload, signed, delivered to the real receiver', async () => {
    const { sim, api } = await msghubSim();
    const { secret } = await subscribe(api, 'message.delivered');
    const { messageId } = (await api.post('/messages/send', DOC_SEND)).body;
    await sim.advance(2_999);
    expect(receiver.received).toHaveLength(0);
    await sim.advance(1);
    expect(receiver.received).toHaveLength(1);
    const hook = receiver.received[0]!;
    expect(hook.path).toBe('/hooks/msghub');
    expect(hook.body).toEqual({ event: 'message.delivered', messageId, channel: 'sms', to: '+919876543210', status: 'delivered', deliveredAt: at(3_000) });
    expect(String(hook.headers['content-type'])).toMatch(/^application\/json/);
    expect(hook.headers['x-msghub-event-id']).toEqual(expect.any(String));
    expect(hook.headers['x-msghub-event-id']!.length).toBeGreaterThan(0);
    expectSigned(hook, secret);
    await expectWebhookEventMatchesSpec(hook.body, 'WebhookEventMessageDelivered');

    const log = await deliveries(sim, { tenant: KEY });
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ provider: 'msghub', eventType: 'message.delivered', status: 'succeeded', subject: messageId, url: receiver.url });
    expect(log[0]!.attempts).toHaveLength(1);
    expect(log[0]!.attempts[0]).toMatchObject({ attempt: 1, at: atMs(3_000), outcome: 'success', response: { status: 200 } });
  });

  it('the signature check fails for a tampered body or a wrong secret (the check is not vacuous)', async () => {
    const { sim, api } = await msghubSim();
    const { secret } = await subscribe(api, 'contact.created');
    await api.post('/contacts', DOC_CONTACT);
    await sim.advance(0);
    const hook = receiver.received[0]!;
    const signature = String(hook.headers['x-msghub-signature']);
    expect(pythonVerifies(secret, hook.raw, signature)).toBe(true);
    const tampered = Buffer.from(hook.raw.toString('utf8').replace('Rahul', 'Rahal'));
    expect(pythonVerifies(secret, tampered, signature)).toBe(false);
    expect(pythonVerifies(`${secret}x`, hook.raw, signature)).toBe(false);
    expect(signature).not.toBe(`sha256=${createHmac('sha256', secret).update(tampered).digest('hex')}`);
  });

  it('message.read for +15005550004, with readAt', async () => {
    const { sim, api } = await msghubSim();
    const { secret } = await subscribe(api, 'message.read');
    const { messageId } = (await api.post('/messages/send', { channel: 'whatsapp', to: '+15005550004', body: 'x' })).body;
    await sim.advance(3_000);
    expect(receiver.received).toHaveLength(0);
    await sim.advance(60_000);
    expect(receiver.received).toHaveLength(1);
    const { readAt } = (await api.get(`/messages/${messageId}`)).body;
    expect(receiver.received[0]!.body).toEqual({ event: 'message.read', messageId, channel: 'whatsapp', to: '+15005550004', status: 'read', readAt });
    expectSigned(receiver.received[0]!, secret);
    await expectWebhookEventMatchesSpec(receiver.received[0]!.body, 'WebhookEventMessageRead');
  });

  it.each([
    { channel: 'sms', to: '+15005550002' },
    { channel: 'email', to: 'failed@msgsim.test' },
  ])('message.failed for $to, with failedAt and the error', async ({ channel, to }) => {
    const { sim, api } = await msghubSim();
    const { secret } = await subscribe(api, 'message.failed');
    const { messageId } = (await api.post('/messages/send', { channel, to, body: 'x' })).body;
    await sim.advance(3_000);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.body).toEqual({
      event: 'message.failed',
      messageId,
      channel,
      to,
      status: 'failed',
      failedAt: at(3_000),
      error: { code: 'carrier_rejected', message: expect.any(String) },
    });
    expectSigned(receiver.received[0]!, secret);
    await expectWebhookEventMatchesSpec(receiver.received[0]!.body, 'WebhookEventMessageFailed');
  });

  it('contact.created carries the new contact', async () => {
    const { sim, api } = await msghubSim();
    const { secret } = await subscribe(api, 'contact.created');
    const contact = (await api.post('/contacts', DOC_CONTACT)).body;
    await sim.advance(0);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.body).toEqual({
      event: 'contact.created',
      contactId: contact.contactId,
      name: 'Rahul',
      phone: '+919876543210',
      email: 'rahul@example.com',
      createdAt: at(0),
    });
    expectSigned(receiver.received[0]!, secret);
    await expectWebhookEventMatchesSpec(receiver.received[0]!.body, 'WebhookEventContactCreated');
    // Updates are not creations.
    await api.put(`/contacts/${contact.contactId}`, { name: 'Rahul K' });
    await sim.advance(0);
    expect(receiver.received).toHaveLength(1);
  });

  it('each subscription receives only its own event, signed with its own secret', async () => {
    const { sim, api } = await msghubSim();
    const other = await startWebhookReceiver('/hooks/msghub');
    try {
      const delivered = await subscribe(api, 'message.delivered');
      const failed = await subscribe(api, 'message.failed', other.url);
      await api.post('/messages/send', DOC_SEND);
      await api.post('/messages/send', { channel: 'sms', to: '+15005550002', body: 'x' });
      await api.post('/messages/send', { channel: 'sms', to: '+15005550003', body: 'x' });
      await sim.advance(60_000);
      expect(receiver.received.map((h) => h.body.event)).toEqual(['message.delivered']);
      expect(other.received.map((h) => h.body.event)).toEqual(['message.failed']);
      expectSigned(receiver.received[0]!, delivered.secret);
      expectSigned(other.received[0]!, failed.secret);
    } finally {
      await other.close();
    }
  });

  it('a deleted subscription receives nothing more', async () => {
    const { sim, api } = await msghubSim();
    const { webhookId } = await subscribe(api, 'contact.created');
    await api.post('/contacts', { name: 'A', phone: '+919812345678' });
    await sim.advance(0);
    expect(receiver.received).toHaveLength(1);
    expect((await api.delete(`/webhooks/${webhookId}`)).status).toBe(204);
    await api.post('/contacts', { name: 'B', phone: '+919812345679' });
    await sim.advance(60_000);
    expect(receiver.received).toHaveLength(1);
  });
});

describe('retries and 410', () => {
  it('a 500 answer is retried on the clock (5 s later), with the same event id and bytes', async () => {
    receiver.respondWith(500);
    const { sim, api } = await msghubSim();
    const { secret } = await subscribe(api, 'contact.created');
    await api.post('/contacts', DOC_CONTACT);
    await sim.advance(0);
    expect(receiver.received).toHaveLength(1);

    let [delivery] = await deliveries(sim, { tenant: KEY });
    expect(delivery).toMatchObject({ status: 'retrying', nextAttemptAt: atMs(5_000), eventType: 'contact.created' });
    expect(delivery!.attempts).toHaveLength(1);
    expect(delivery!.attempts[0]).toMatchObject({ attempt: 1, at: atMs(0), outcome: 'failure', response: { status: 500 } });

    receiver.respondWith(200);
    await sim.advance(4_999);
    expect(receiver.received).toHaveLength(1);
    await sim.advance(1);
    expect(receiver.received).toHaveLength(2);

    [delivery] = await deliveries(sim, { tenant: KEY });
    expect(delivery).toMatchObject({ status: 'succeeded', nextAttemptAt: null });
    expect(delivery!.attempts.map((a: { at: string; outcome: string }) => [a.at, a.outcome])).toEqual([
      [atMs(0), 'failure'],
      [atMs(5_000), 'success'],
    ]);
    const [first, second] = receiver.received;
    expect(second!.headers['x-msghub-event-id']).toBe(first!.headers['x-msghub-event-id']);
    expect(second!.raw.equals(first!.raw)).toBe(true);
    expectSigned(first!, secret);
    expectSigned(second!, secret);
  });

  it('a receiver that keeps failing gets the whole schedule (0, 5 s, 5 min, 30 min, 2 h, 5 h), then the delivery fails', async () => {
    receiver.respondWith(503);
    const { sim, api } = await msghubSim();
    await subscribe(api, 'contact.created');
    await api.post('/contacts', DOC_CONTACT);
    await sim.advance(0);
    await sim.advance(5_000);
    await sim.advance(300_000);
    await sim.advance(1_800_000);
    await sim.advance(7_200_000);
    await sim.advance(18_000_000);
    await sim.advance(86_400_000);
    expect(receiver.received).toHaveLength(6);
    const [delivery] = await deliveries(sim, { tenant: KEY });
    expect(delivery!.status).toBe('failed');
    expect(delivery!.nextAttemptAt).toBeNull();
    expect(delivery!.attempts.map((a: { at: string }) => a.at)).toEqual([
      atMs(0),
      atMs(5_000),
      atMs(305_000),
      atMs(2_105_000),
      atMs(9_305_000),
      atMs(27_305_000),
    ]);
    expect(delivery!.attempts.every((a: { outcome: string; response: { status: number } }) => a.outcome === 'failure' && a.response.status === 503)).toBe(true);
    expect(new Set(receiver.received.map((h) => h.headers['x-msghub-event-id'])).size).toBe(1);
    // The subscription itself stays active.
    expect((await api.get('/webhooks')).body.data[0].active).toBe(true);
  });

  it('410 Gone disables the subscription: active:false, no retries, no more events', async () => {
    receiver.respondWith(410);
    const { sim, api } = await msghubSim();
    const { webhookId } = await subscribe(api, 'contact.created');
    await api.post('/contacts', { name: 'A', phone: '+919812345678' });
    await sim.advance(0);
    expect(receiver.received).toHaveLength(1);

    const [delivery] = await deliveries(sim, { tenant: KEY });
    expect(delivery).toMatchObject({ status: 'disabled', nextAttemptAt: null });
    expect(delivery!.attempts[0]).toMatchObject({ outcome: 'gone', response: { status: 410 } });
    const list = await api.get('/webhooks');
    expect(list.body.data).toEqual([expect.objectContaining({ webhookId, active: false })]);

    receiver.respondWith(200);
    await api.post('/contacts', { name: 'B', phone: '+919812345679' });
    await sim.advance(86_400_000);
    expect(receiver.received).toHaveLength(1);
  });

  it('an unreachable receiver is a failure that is retried, and the API is never blocked', async () => {
    const closed = await startWebhookReceiver('/hooks/msghub');
    const url = closed.url;
    await closed.close();
    const { sim, api } = await msghubSim();
    await subscribe(api, 'contact.created', url);
    const res = await api.post('/contacts', DOC_CONTACT);
    expect(res.status).toBe(201);
    await sim.advance(0);
    const [delivery] = await deliveries(sim, { tenant: KEY });
    expect(delivery).toMatchObject({ status: 'retrying', nextAttemptAt: atMs(5_000) });
    expect(delivery!.attempts[0].outcome).toBe('failure');
    expect(delivery!.attempts[0].error).toEqual(expect.any(String));
  });
});
