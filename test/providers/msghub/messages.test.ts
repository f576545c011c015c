/** POST /messages/send and GET /messages/{messageId}: the doc's example, channels, templates and send errors. */
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';
import { describe, expect, it } from 'vitest';
import { specPath } from '../../../src/paths.js';
import { DOC_SEND, KEY, at, connectChannels, expectError, msghubSim, outbox, outboxCount } from './helpers.js';

describe('POST /messages/send', () => {
  it('accepts the doc example exactly as written and answers the doc response shape', async () => {
    const { sim, api } = await msghubSim();
    const res = await api.post('/messages/send', { channel: 'sms', to: '+919876543210', body: 'Hello!' }, { headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      messageId: expect.stringMatching(/^msg_[A-Za-z0-9]+$/),
      channel: 'sms',
      to: '+919876543210',
      status: 'queued',
      createdAt: at(0),
    });
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    const stored = await outbox(sim, KEY);
    expect(stored.total).toBe(1);
    expect(stored.data[0]).toMatchObject({ id: res.body.messageId, channel: 'sms', to: '+919876543210', status: 'queued' });
  });

  it('GET /messages/{id} returns the message with its body and creation time', async () => {
    const { api } = await msghubSim();
    const sent = await api.post('/messages/send', DOC_SEND);
    const got = await api.get(`/messages/${sent.body.messageId}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual({
      messageId: sent.body.messageId,
      channel: 'sms',
      to: '+919876543210',
      status: 'queued',
      body: 'Hello!',
      createdAt: at(0),
      updatedAt: at(0),
    });
  });

  it('returns metadata, subject and mediaUrl-bearing sends as stored', async () => {
    const { api } = await msghubSim();
    const sent = await api.post('/messages/send', {
      channel: 'email',
      to: 'rahul@example.com',
      subject: 'Your order',
      body: 'It ships tomorrow.',
      mediaUrl: 'https://cdn.example.com/invoice.pdf',
      metadata: { orderId: '1042' },
    });
    expect(sent.status).toBe(201);
    const got = await api.get(`/messages/${sent.body.messageId}`);
    expect(got.body).toMatchObject({
      channel: 'email',
      to: 'rahul@example.com',
      subject: 'Your order',
      body: 'It ships tomorrow.',
      metadata: { orderId: '1042' },
    });
  });

  it('GET of an unknown message id is 404 message_not_found naming the id', async () => {
    const { api } = await msghubSim();
    for (const id of ['msg_doesnotexist', 'not-even-a-msg-id']) {
      expectError(await api.get(`/messages/${id}`), 404, 'message_not_found', 'messageId', id);
    }
  });

  it("every request example in our spec's request bodies works as written", async () => {
    const { api } = await msghubSim();
    const spec = (await SwaggerParser.dereference(specPath('msghub'))) as OpenAPIV3.Document;
    const op = (path: string, method: 'post' | 'put') => (spec.paths[path] as OpenAPIV3.PathItemObject)[method]!;
    const examplesOf = (path: string, method: 'post' | 'put'): unknown[] => {
      const media = (op(path, method).requestBody as OpenAPIV3.RequestBodyObject).content['application/json']!;
      const named = Object.values(media.examples ?? {}).map((e) => (e as OpenAPIV3.ExampleObject).value as unknown);
      return media.example !== undefined ? [media.example, ...named] : named;
    };

    for (const example of examplesOf('/messages/send', 'post')) {
      const res = await api.post('/messages/send', example);
      expect(res.status, `sendMessage example ${JSON.stringify(example)} → ${res.text}`).toBe(201);
    }
    const contact = examplesOf('/contacts', 'post')[0];
    const created = await api.post('/contacts', contact);
    expect(created.status, created.text).toBe(201);
    for (const example of examplesOf('/contacts/{contactId}', 'put')) {
      const res = await api.put(`/contacts/${created.body.contactId}`, example);
      expect(res.status, res.text).toBe(200);
    }
    const campaign = await api.post('/campaigns', examplesOf('/campaigns', 'post')[0]);
    expect(campaign.status, campaign.text).toBe(201);
    expect(campaign.body.status).toBe('running');
    for (const example of examplesOf('/campaigns/{campaignId}', 'put')) {
      const res = await api.put(`/campaigns/${campaign.body.campaignId}`, example);
      expect(res.status, res.text).toBe(200);
    }
    for (const example of examplesOf('/flows/{flowId}/trigger', 'post')) {
      const res = await api.post('/flows/flow_welcome/trigger', example);
      expect(res.status, res.text).toBe(202);
    }
  });
});

describe('channels', () => {
  const phoneChannels = ['sms', 'whatsapp', 'rcs', 'viber'] as const;
  const addressFor: Record<string, string> = {
    sms: '+919876543210',
    whatsapp: '+919876543210',
    rcs: '+919876543210',
    viber: '+919876543210',
    email: 'rahul@example.com',
    telegram: '123456789',
    messenger: 'user.4242',
  };

  it.each(['sms', 'whatsapp', 'email'])('%s is connected on a new account', async (channel) => {
    const { api } = await msghubSim();
    const res = await api.post('/messages/send', { channel, to: addressFor[channel], body: 'Hi' });
    expect(res.status).toBe(201);
    expect(res.body.channel).toBe(channel);
  });

  it.each(['telegram', 'messenger', 'rcs', 'viber'])('%s answers 400 channel_not_connected by default and stores nothing', async (channel) => {
    const { sim, api } = await msghubSim();
    const res = await api.post('/messages/send', { channel, to: addressFor[channel], body: 'Hi' });
    expectError(res, 400, 'channel_not_connected', 'channel', channel);
    expect(await outboxCount(sim)).toBe(0);
  });

  it('telegram works once connected through /_sim tenant settings (and only for that tenant)', async () => {
    const { sim, api, other } = await msghubSim();
    expectError(await api.post('/messages/send', { channel: 'telegram', to: '123456789', body: 'Hi' }), 400, 'channel_not_connected', 'channel', 'telegram');
    const before = await sim.http.get(`/_sim/providers/msghub/tenants/${KEY}/settings`);
    expect(before.body.connectedChannels).toEqual(['sms', 'whatsapp', 'email']);
    await connectChannels(sim, KEY, ['sms', 'whatsapp', 'email', 'telegram']);
    const res = await api.post('/messages/send', { channel: 'telegram', to: '123456789', body: 'Hi' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ channel: 'telegram', to: '123456789', status: 'queued' });
    await sim.advance(3_000);
    expect((await api.get(`/messages/${res.body.messageId}`)).body.status).toBe('delivered');
    // Another account still has telegram disconnected.
    expectError(await other.post('/messages/send', { channel: 'telegram', to: '123456789', body: 'Hi' }), 400, 'channel_not_connected', 'channel', 'telegram');
  });

  it('disconnecting a channel makes it answer channel_not_connected', async () => {
    const { sim, api } = await msghubSim();
    await connectChannels(sim, KEY, ['email']);
    expectError(await api.post('/messages/send', DOC_SEND), 400, 'channel_not_connected', 'channel', 'sms');
    expect((await api.post('/messages/send', { channel: 'email', to: 'a@example.com', body: 'x' })).status).toBe(201);
  });

  it('every channel sends once all are connected', async () => {
    const { sim, api } = await msghubSim();
    await connectChannels(sim, KEY, Object.keys(addressFor));
    for (const [channel, to] of Object.entries(addressFor)) {
      const res = await api.post('/messages/send', { channel, to, body: 'Hi' });
      expect(res.status, `${channel}: ${res.text}`).toBe(201);
    }
    expect(await outboxCount(sim, KEY)).toBe(7);
  });

  it.each([
    ...phoneChannels.flatMap((channel) => [
      { channel, to: '919876543210', code: 'invalid_phone_number' },
      { channel, to: '+91 98765 43210', code: 'invalid_phone_number' },
      { channel, to: 'rahul@example.com', code: 'invalid_phone_number' },
    ]),
    { channel: 'email', to: 'not-an-email', code: 'invalid_email' },
    { channel: 'email', to: 'rahul@', code: 'invalid_email' },
    { channel: 'email', to: '+919876543210', code: 'invalid_email' },
    { channel: 'telegram', to: 'has spaces', code: 'invalid_request' },
    { channel: 'messenger', to: 'bad/slash', code: 'invalid_request' },
  ])('$channel to $to → 400 $code with details.field "to"', async ({ channel, to, code }) => {
    const { sim, api } = await msghubSim();
    await connectChannels(sim, KEY, Object.keys(addressFor));
    const res = await api.post('/messages/send', { channel, to, body: 'Hi' });
    expectError(res, 400, code, 'to', to);
    expect(await outboxCount(sim)).toBe(0);
  });

  it("answers the doc's invalid_phone_number example verbatim", async () => {
    const { api } = await msghubSim();
    const res = await api.post('/messages/send', { channel: 'sms', to: '919876543210', body: 'Hello!' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: { code: 'invalid_phone_number', message: 'Phone number is not in valid E.164 format', details: { field: 'to', value: '919876543210' } },
    });
  });
});

describe('templates (fixtures/msghub.json)', () => {
  it('renders templateParams into the body', async () => {
    const { api } = await msghubSim();
    const sent = await api.post('/messages/send', {
      channel: 'sms',
      to: '+919876543210',
      templateId: 'order_confirmation',
      templateParams: { name: 'Rahul', orderId: '1042', shipDate: 'Friday' },
    });
    expect(sent.status).toBe(201);
    const got = await api.get(`/messages/${sent.body.messageId}`);
    expect(got.body).toMatchObject({ templateId: 'order_confirmation', body: 'Hi Rahul, your order 1042 is confirmed and ships Friday.' });
    expect(got.body.subject).toBeUndefined();
  });

  it("uses the template's subject on email, and an explicit subject over it", async () => {
    const { api } = await msghubSim();
    const params = { name: 'Rahul', company: 'Acme' };
    const fromTemplate = await api.post('/messages/send', { channel: 'email', to: 'rahul@example.com', templateId: 'welcome', templateParams: params });
    expect(fromTemplate.status).toBe(201);
    expect((await api.get(`/messages/${fromTemplate.body.messageId}`)).body).toMatchObject({ subject: 'Welcome to Acme', body: 'Hi Rahul, welcome to Acme!' });
    const explicit = await api.post('/messages/send', {
      channel: 'email',
      to: 'rahul@example.com',
      subject: 'Hello there',
      templateId: 'welcome',
      templateParams: params,
    });
    expect((await api.get(`/messages/${explicit.body.messageId}`)).body.subject).toBe('Hello there');
  });

  it('an unknown template is 404 template_not_found naming templateId, and nothing is stored', async () => {
    const { sim, api } = await msghubSim();
    const res = await api.post('/messages/send', { channel: 'sms', to: '+919876543210', templateId: 'no_such_template' });
    expectError(res, 404, 'template_not_found', 'templateId', 'no_such_template');
    expect(res.body.error.message).toBe('Template does not exist');
    expect(await outboxCount(sim)).toBe(0);
  });

  it.each([
    { params: {}, field: 'templateParams.name' },
    { params: { name: 'Rahul' }, field: 'templateParams.orderId' },
    { params: { name: 'Rahul', orderId: '1042' }, field: 'templateParams.shipDate' },
  ])('missing template params $params → 400 invalid_request field $field', async ({ params, field }) => {
    const { sim, api } = await msghubSim();
    const res = await api.post('/messages/send', { channel: 'sms', to: '+919876543210', templateId: 'order_confirmation', templateParams: params });
    expectError(res, 400, 'invalid_request', field);
    expect(await outboxCount(sim)).toBe(0);
  });

  it('a template not approved for the channel is 400 naming templateId', async () => {
    const { api } = await msghubSim();
    const res = await api.post('/messages/send', { channel: 'email', to: 'a@example.com', templateId: 'otp', templateParams: { code: '123456' } });
    expectError(res, 400, 'invalid_request', 'templateId', 'otp');
  });
});

describe('send validation', () => {
  it.each([
    { name: 'no body and no templateId', body: { channel: 'sms', to: '+919876543210' }, field: 'body' },
    { name: 'subject on sms', body: { channel: 'sms', to: '+919876543210', body: 'x', subject: 'Hi' }, field: 'subject' },
    { name: 'missing channel', body: { to: '+919876543210', body: 'x' }, field: 'channel' },
    { name: 'missing to', body: { channel: 'sms', body: 'x' }, field: 'to' },
    { name: 'unknown channel', body: { channel: 'fax', to: '+919876543210', body: 'x' }, field: 'channel', value: 'fax' },
    { name: 'empty body', body: { channel: 'sms', to: '+919876543210', body: '' }, field: 'body', value: '' },
    { name: 'body over 4096 chars', body: { channel: 'sms', to: '+919876543210', body: 'x'.repeat(4097) }, field: 'body' },
    { name: 'empty to', body: { channel: 'sms', to: '', body: 'x' }, field: 'to', value: '' },
    { name: 'mediaUrl not a URL', body: { channel: 'sms', to: '+919876543210', body: 'x', mediaUrl: 'not a url' }, field: 'mediaUrl' },
    {
      name: 'non-string templateParams value',
      body: { channel: 'sms', to: '+919876543210', templateId: 'otp', templateParams: { code: { nested: true } } },
      field: 'templateParams.code',
    },
    {
      name: 'more than 20 metadata keys',
      body: { channel: 'sms', to: '+919876543210', body: 'x', metadata: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])) },
      field: 'metadata',
    },
  ])('$name → 400 invalid_request (field $field), nothing stored', async ({ body, field, value }) => {
    const { sim, api } = await msghubSim();
    const res = await api.post('/messages/send', body);
    expectError(res, 400, 'invalid_request', field, value);
    expect(await outboxCount(sim)).toBe(0);
  });
});
