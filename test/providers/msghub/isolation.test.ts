/** Tenant isolation: every key is its own account; another account's ids are 404 and lists are separate. */
import { afterEach, describe, expect, it } from 'vitest';
import { DOC_CONTACT, DOC_SEND, KEY, OTHER_KEY, connectChannels, expectError, msghubSim, outboxCount } from './helpers.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver.js';

async function seedAccount() {
  const ctx = await msghubSim();
  const { api } = ctx;
  const message = (await api.post('/messages/send', DOC_SEND)).body.messageId as string;
  const contact = (await api.post('/contacts', DOC_CONTACT)).body.contactId as string;
  const campaign = (await api.post('/campaigns', { name: 'Mine', channel: 'sms', body: 'Hi', recipients: ['+919876543210'] })).body.campaignId as string;
  const webhook = (await api.post('/webhooks', { event: 'message.delivered', url: 'https://example.com/mine' })).body.webhookId as string;
  return { ...ctx, ids: { message, contact, campaign, webhook } };
}

describe('tenant isolation', () => {
  let receiver: WebhookReceiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  it("another key's message, contact, campaign and webhook ids are 404", async () => {
    const { api, other, ids } = await seedAccount();
    expectError(await other.get(`/messages/${ids.message}`), 404, 'message_not_found', 'messageId', ids.message);
    expectError(await other.get(`/contacts/${ids.contact}`), 404, 'contact_not_found', 'contactId', ids.contact);
    expectError(await other.put(`/contacts/${ids.contact}`, { name: 'Hijacked' }), 404, 'contact_not_found', 'contactId', ids.contact);
    expectError(await other.delete(`/contacts/${ids.contact}`), 404, 'contact_not_found', 'contactId', ids.contact);
    expectError(await other.get(`/campaigns/${ids.campaign}`), 404, 'campaign_not_found', 'campaignId', ids.campaign);
    expectError(await other.put(`/campaigns/${ids.campaign}`, { status: 'running' }), 404, 'campaign_not_found', 'campaignId', ids.campaign);
    expectError(await other.delete(`/webhooks/${ids.webhook}`), 404, 'webhook_not_found', 'webhookId', ids.webhook);
    expectError(
      await other.post('/campaigns', { name: 'x', channel: 'sms', body: 'Hi', contactIds: [ids.contact] }),
      404,
      'contact_not_found',
      'contactIds[0]',
      ids.contact,
    );
    expectError(
      await other.post('/flows/flow_welcome/trigger', { to: '+919876543210', contactId: ids.contact }),
      404,
      'contact_not_found',
      'contactId',
      ids.contact,
    );

    // Nothing the other key tried changed the owner's data.
    expect((await api.get(`/contacts/${ids.contact}`)).body.name).toBe('Rahul');
    expect((await api.get(`/campaigns/${ids.campaign}`)).body.status).toBe('draft');
    expect((await api.get('/webhooks')).body.data.map((w: { webhookId: string }) => w.webhookId)).toEqual([ids.webhook]);
    expect((await api.get(`/messages/${ids.message}`)).status).toBe(200);
  });

  it('lists are separate', async () => {
    const { sim, api, other } = await seedAccount();
    for (const path of ['/messages', '/contacts', '/campaigns', '/webhooks']) {
      expect((await api.get(path)).body.pagination.total, path).toBe(1);
      expect((await other.get(path)).body, path).toEqual({ data: [], pagination: { page: 1, limit: 50, total: 0, pages: 0 } });
    }
    const theirs = (await other.post('/contacts', { name: 'Theirs', email: 'theirs@example.com' })).body.contactId;
    expect((await api.get('/contacts')).body.data.map((c: { contactId: string }) => c.contactId)).not.toContain(theirs);
    expect((await other.get('/contacts', undefined, { query: { search: 'Rahul' } })).body.data).toEqual([]);
    expect(await outboxCount(sim, KEY)).toBe(1);
    expect(await outboxCount(sim, OTHER_KEY)).toBe(0);
  });

  it('each account has its own fixture flows and its own executions', async () => {
    const { api, other } = await msghubSim();
    expect((await api.post('/flows/flow_welcome/trigger', { to: '+919876543210', variables: { name: 'A' } })).status).toBe(202);
    expect((await other.get('/flows')).body.pagination.total).toBe(3);
    expect((await other.get('/flows/flow_welcome')).status).toBe(200);
    expect((await api.get('/messages')).body.pagination.total).toBe(1);
    expect((await other.get('/messages')).body.pagination.total).toBe(0);
  });

  it('channel settings are per account', async () => {
    const { sim, api, other } = await msghubSim();
    await connectChannels(sim, KEY, ['sms', 'whatsapp', 'email', 'viber']);
    expect((await api.post('/messages/send', { channel: 'viber', to: '+919876543210', body: 'x' })).status).toBe(201);
    expectError(await other.post('/messages/send', { channel: 'viber', to: '+919876543210', body: 'x' }), 400, 'channel_not_connected', 'channel', 'viber');
  });

  it("one account's events never reach another account's webhooks", async () => {
    receiver = await startWebhookReceiver('/hooks/msghub');
    const { sim, api, other } = await msghubSim();
    expect((await other.post('/webhooks', { event: 'message.delivered', url: receiver.url })).status).toBe(201);
    expect((await other.post('/webhooks', { event: 'contact.created', url: receiver.url })).status).toBe(201);
    await api.post('/messages/send', DOC_SEND);
    await api.post('/contacts', DOC_CONTACT);
    await sim.advance(60_000);
    expect(receiver.received).toHaveLength(0);
    // The other account's own events do arrive.
    await other.post('/contacts', DOC_CONTACT);
    await sim.advance(0);
    expect(receiver.received).toHaveLength(1);
  });

  it('campaign messages belong to the owning account only', async () => {
    const { sim, api, other } = await msghubSim();
    const { campaignId } = (
      await api.post('/campaigns', { name: 'c', channel: 'sms', body: 'Hi', recipients: ['+919876543210', '+919876543211'], start: true })
    ).body;
    await sim.advance(0);
    expect((await api.get('/messages', undefined, { query: { campaignId } })).body.pagination.total).toBe(2);
    expect((await other.get('/messages', undefined, { query: { campaignId } })).body.pagination.total).toBe(0);
  });

  it('a /_sim reset of one tenant leaves the other intact', async () => {
    const { sim, api, other } = await seedAccount();
    await other.post('/contacts', { name: 'Theirs', email: 'theirs@example.com' });
    const res = await sim.http.post('/_sim/reset').send({ provider: 'msghub', tenant: KEY });
    expect(res.status).toBe(200);
    expect((await api.get('/contacts')).body.pagination.total).toBe(0);
    expect((await api.get('/messages')).body.pagination.total).toBe(0);
    expect((await other.get('/contacts')).body.pagination.total).toBe(1);
  });
});
