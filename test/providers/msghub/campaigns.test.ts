/** Campaigns: draft / start / schedule, 10 recipients per simulated second, stats, completion once every message is final, pause/resume/cancel, 409s. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderClient, TestSim } from '../../support/harness.js';
import { KEY, at, expectError, expectWebhookEventMatchesSpec, msghubSim, outboxCount } from './helpers.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver.js';

const phones = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `+91987654${String(1000 + from + i).padStart(4, '0')}`);

async function campaignMessages(api: ProviderClient, campaignId: string): Promise<number> {
  const res = await api.get('/messages', undefined, { query: { campaignId } });
  expect(res.status).toBe(200);
  return res.body.pagination.total;
}

async function create(api: ProviderClient, body: Record<string, unknown>) {
  const res = await api.post('/campaigns', body);
  expect(res.status, res.text).toBe(201);
  return res.body as Record<string, any>;
}

describe('POST /campaigns', () => {
  it('creates a draft by default; a draft sends nothing', async () => {
    const { sim, api } = await msghubSim();
    const campaign = await create(api, { name: 'April promo', channel: 'sms', body: '20% off this week!', recipients: ['+919876543210', '+15005550004'] });
    expect(campaign).toEqual({
      campaignId: expect.stringMatching(/^cmp_[A-Za-z0-9]+$/),
      name: 'April promo',
      channel: 'sms',
      body: '20% off this week!',
      recipients: ['+919876543210', '+15005550004'],
      status: 'draft',
      stats: { total: 2, queued: 2, sent: 0, delivered: 0, read: 0, failed: 0 },
      createdAt: at(0),
      updatedAt: at(0),
    });
    await sim.advance(60_000);
    expect((await api.get(`/campaigns/${campaign.campaignId}`)).body.status).toBe('draft');
    expect(await outboxCount(sim, KEY)).toBe(0);
  });

  it('start:true runs at 10 recipients per simulated second, then completes once every message is final', async () => {
    const { sim, api } = await msghubSim();
    const campaign = await create(api, { name: 'Bulk', channel: 'sms', body: 'Hi', recipients: phones(25), start: true });
    expect(campaign).toMatchObject({ status: 'running', startedAt: at(0) });
    const id = campaign.campaignId as string;

    await sim.advance(0);
    expect(await campaignMessages(api, id)).toBe(10);
    await sim.advance(999);
    expect(await campaignMessages(api, id)).toBe(10);
    await sim.advance(1);
    expect(await campaignMessages(api, id)).toBe(20);
    expect((await api.get(`/campaigns/${id}`)).body.status).toBe('running');
    await sim.advance(1_000);
    expect(await campaignMessages(api, id)).toBe(25);
    // Every recipient has a message, but the last five are still queued: the campaign runs on (issue 20).
    const dispatched = (await api.get(`/campaigns/${id}`)).body;
    expect(dispatched).toMatchObject({ status: 'running', startedAt: at(0), dispatchedAt: at(2_000) });
    expect(dispatched.completedAt).toBeUndefined();
    expect(dispatched.stats).toEqual({ total: 25, queued: 5, sent: 20, delivered: 0, read: 0, failed: 0 });
    // The last batch is sent at 3 s and delivered at 5 s.
    await sim.advance(2_999);
    expect((await api.get(`/campaigns/${id}`)).body.status).toBe('running');
    await sim.advance(1);
    const done = (await api.get(`/campaigns/${id}`)).body;
    expect(done).toMatchObject({ status: 'completed', startedAt: at(0), dispatchedAt: at(2_000), completedAt: at(5_000) });
    expect(done.stats).toEqual({ total: 25, queued: 0, sent: 0, delivered: 25, read: 0, failed: 0 });

    // Every recipient got exactly one message, carrying the campaign id and body.
    const list = await api.get('/messages', undefined, { query: { campaignId: id, limit: 100 } });
    expect(list.body.data.map((m: { to: string }) => m.to).sort()).toEqual(phones(25).sort());
    expect(list.body.data.every((m: { body: string; campaignId: string }) => m.body === 'Hi' && m.campaignId === id)).toBe(true);
    await sim.advance(10_000);
    expect(await campaignMessages(api, id)).toBe(25);
  });

  it('stats follow each message through its lifecycle, magic recipients included', async () => {
    const { sim, api } = await msghubSim();
    const recipients = ['+919876543210', '+15005550002', '+15005550003', '+15005550004', '+15005550007', '+15005550001'];
    const { campaignId } = await create(api, { name: 'Mix', channel: 'sms', body: 'Hi', recipients, start: true });
    const stats = async () => (await api.get(`/campaigns/${campaignId}`)).body.stats;

    expect(await stats()).toEqual({ total: 6, queued: 6, sent: 0, delivered: 0, read: 0, failed: 0 });
    await sim.advance(0);
    expect(await stats()).toEqual({ total: 6, queued: 6, sent: 0, delivered: 0, read: 0, failed: 0 });
    await sim.advance(1_000);
    // Everyone is sent, except the invalid number, which fails at the carrier.
    expect(await stats()).toEqual({ total: 6, queued: 0, sent: 5, delivered: 0, read: 0, failed: 1 });
    await sim.advance(2_000);
    expect(await stats()).toEqual({ total: 6, queued: 0, sent: 2, delivered: 2, read: 0, failed: 2 });
    await sim.advance(5_000);
    expect(await stats()).toEqual({ total: 6, queued: 0, sent: 2, delivered: 1, read: 1, failed: 2 });
    // The reader has read; the slow recipient (delivered 60 s after sent) is not final yet.
    expect((await api.get(`/campaigns/${campaignId}`)).body.status).toBe('running');
    await sim.advance(60_000);
    expect(await stats()).toEqual({ total: 6, queued: 0, sent: 1, delivered: 2, read: 1, failed: 2 });
    // Final: failed twice, read once, delivered twice, and the never-delivered recipient rests at sent.
    expect((await api.get(`/campaigns/${campaignId}`)).body).toMatchObject({ status: 'completed', completedAt: at(61_000) });
  });

  it('scheduledAt: scheduled until that time on the clock, then runs', async () => {
    const { sim, api } = await msghubSim();
    const scheduledAt = at(3_600_000);
    const campaign = await create(api, { name: 'Later', channel: 'sms', body: 'Hi', recipients: phones(3), scheduledAt });
    expect(campaign).toMatchObject({ status: 'scheduled', scheduledAt });
    expect(campaign.startedAt).toBeUndefined();
    const id = campaign.campaignId as string;

    await sim.advance(3_599_999);
    expect((await api.get(`/campaigns/${id}`)).body.status).toBe('scheduled');
    expect(await campaignMessages(api, id)).toBe(0);
    await sim.advance(1);
    const started = (await api.get(`/campaigns/${id}`)).body;
    expect(started).toMatchObject({ status: 'running', startedAt: scheduledAt, dispatchedAt: scheduledAt });
    expect(await campaignMessages(api, id)).toBe(3);
    await sim.advance(3_000);
    expect((await api.get(`/campaigns/${id}`)).body).toMatchObject({ status: 'completed', completedAt: at(3_603_000) });
    const messages = (await api.get('/messages', undefined, { query: { campaignId: id } })).body.data;
    expect(messages.every((m: { createdAt: string }) => m.createdAt === scheduledAt)).toBe(true);
  });

  it('a scheduled campaign can be rescheduled while scheduled', async () => {
    const { sim, api } = await msghubSim();
    const { campaignId } = await create(api, { name: 'Later', channel: 'sms', body: 'Hi', recipients: phones(2), scheduledAt: at(60_000) });
    const moved = await api.put(`/campaigns/${campaignId}`, { scheduledAt: at(120_000) });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ status: 'scheduled', scheduledAt: at(120_000) });
    await sim.advance(60_000);
    expect(await campaignMessages(api, campaignId)).toBe(0);
    await sim.advance(60_000);
    expect(await campaignMessages(api, campaignId)).toBe(2);
  });

  it('contactIds resolve to phone or email according to the channel', async () => {
    const { sim, api } = await msghubSim();
    const a = (await api.post('/contacts', { name: 'A', phone: '+919812345678', email: 'a@example.com' })).body.contactId;
    const b = (await api.post('/contacts', { name: 'B', phone: '+919812345679' })).body.contactId;
    const c = (await api.post('/contacts', { name: 'C', email: 'c@example.com' })).body.contactId;
    const sms = await create(api, { name: 'sms', channel: 'sms', body: 'Hi', recipients: ['+919876543210'], contactIds: [a, b], start: true });
    expect(sms.recipients).toEqual(['+919876543210', '+919812345678', '+919812345679']);
    expect(sms.stats.total).toBe(3);
    const email = await create(api, { name: 'email', channel: 'email', body: 'Hi', contactIds: [a, c] });
    expect(email.recipients).toEqual(['a@example.com', 'c@example.com']);
    await sim.advance(0);
    expect(await campaignMessages(api, sms.campaignId)).toBe(3);

    expectError(
      await api.post('/campaigns', { name: 'x', channel: 'sms', body: 'Hi', contactIds: [a, 'ct_missing'] }),
      404,
      'contact_not_found',
      'contactIds[1]',
      'ct_missing',
    );
    expectError(await api.post('/campaigns', { name: 'x', channel: 'sms', body: 'Hi', contactIds: [c] }), 400, 'invalid_request', 'contactIds[0]', c);
    expectError(await api.post('/campaigns', { name: 'x', channel: 'email', body: 'Hi', contactIds: [b] }), 400, 'invalid_request', 'contactIds[0]', b);
  });

  it('template campaigns render per message', async () => {
    const { sim, api } = await msghubSim();
    const { campaignId } = await create(api, {
      name: 't',
      channel: 'sms',
      templateId: 'otp',
      templateParams: { code: '4242' },
      recipients: phones(1),
      start: true,
    });
    await sim.advance(0);
    const [message] = (await api.get('/messages', undefined, { query: { campaignId } })).body.data;
    expect(message).toMatchObject({ templateId: 'otp', body: 'Your verification code is 4242. It expires in 10 minutes.' });
  });

  it.each([
    { name: 'neither recipients nor contactIds', body: { name: 'x', channel: 'sms', body: 'Hi' }, status: 400, code: 'invalid_request', field: 'recipients' },
    { name: 'no body nor template', body: { name: 'x', channel: 'sms', recipients: ['+919876543210'] }, status: 400, code: 'invalid_request', field: 'body' },
    {
      name: 'invalid phone recipient',
      body: { name: 'x', channel: 'sms', body: 'Hi', recipients: ['+919876543210', '98765'] },
      status: 400,
      code: 'invalid_phone_number',
      field: 'recipients[1]',
      value: '98765',
    },
    {
      name: 'invalid email recipient',
      body: { name: 'x', channel: 'email', body: 'Hi', recipients: ['nope'] },
      status: 400,
      code: 'invalid_email',
      field: 'recipients[0]',
      value: 'nope',
    },
    {
      name: 'unknown template',
      body: { name: 'x', channel: 'sms', templateId: 'nope', recipients: ['+919876543210'] },
      status: 404,
      code: 'template_not_found',
      field: 'templateId',
      value: 'nope',
    },
    {
      name: 'missing template params',
      body: { name: 'x', channel: 'sms', templateId: 'otp', recipients: ['+919876543210'] },
      status: 400,
      code: 'invalid_request',
      field: 'templateParams.code',
    },
    {
      name: 'channel not connected',
      body: { name: 'x', channel: 'viber', body: 'Hi', recipients: ['+919876543210'] },
      status: 400,
      code: 'channel_not_connected',
      field: 'channel',
      value: 'viber',
    },
    {
      name: 'scheduledAt in the past',
      body: { name: 'x', channel: 'sms', body: 'Hi', recipients: ['+919876543210'], scheduledAt: at(-1_000) },
      status: 400,
      code: 'invalid_request',
      field: 'scheduledAt',
    },
    {
      name: 'start and scheduledAt together',
      body: { name: 'x', channel: 'sms', body: 'Hi', recipients: ['+919876543210'], scheduledAt: at(60_000), start: true },
      status: 400,
      code: 'invalid_request',
      field: 'scheduledAt',
    },
    { name: 'empty recipients', body: { name: 'x', channel: 'sms', body: 'Hi', recipients: [] }, status: 400, code: 'invalid_request', field: 'recipients' },
    { name: 'missing name', body: { channel: 'sms', body: 'Hi', recipients: ['+919876543210'] }, status: 400, code: 'invalid_request', field: 'name' },
    {
      name: 'client-set status',
      body: { name: 'x', channel: 'sms', body: 'Hi', recipients: ['+919876543210'], status: 'completed' },
      status: 400,
      code: 'invalid_request',
      field: 'status',
    },
    {
      name: 'start not boolean',
      body: { name: 'x', channel: 'sms', body: 'Hi', recipients: ['+919876543210'], start: 'yes' },
      status: 400,
      code: 'invalid_request',
      field: 'start',
      value: 'yes',
    },
  ])('$name → $status $code', async ({ body, status, code, field, value }) => {
    const { api } = await msghubSim();
    expectError(await api.post('/campaigns', body), status, code, field, value);
    expect((await api.get('/campaigns')).body.pagination.total).toBe(0);
  });

  it('GET of an unknown campaign is 404 campaign_not_found', async () => {
    const { api } = await msghubSim();
    expectError(await api.get('/campaigns/cmp_missing'), 404, 'campaign_not_found', 'campaignId', 'cmp_missing');
    expectError(await api.put('/campaigns/cmp_missing', { status: 'running' }), 404, 'campaign_not_found', 'campaignId', 'cmp_missing');
  });

  it('GET /campaigns filters by status', async () => {
    const { sim, api } = await msghubSim();
    const draft = await create(api, { name: 'd', channel: 'sms', body: 'Hi', recipients: phones(1) });
    const running = await create(api, { name: 'r', channel: 'sms', body: 'Hi', recipients: phones(1), start: true });
    const scheduled = await create(api, { name: 's', channel: 'sms', body: 'Hi', recipients: phones(1), scheduledAt: at(60_000) });
    const byStatus = async (status: string) =>
      (await api.get('/campaigns', undefined, { query: { status } })).body.data.map((c: { campaignId: string }) => c.campaignId);
    expect(await byStatus('draft')).toEqual([draft.campaignId]);
    expect(await byStatus('running')).toEqual([running.campaignId]);
    expect(await byStatus('scheduled')).toEqual([scheduled.campaignId]);
    await sim.advance(3_000);
    expect(await byStatus('completed')).toEqual([running.campaignId]);
    expectError(await api.get('/campaigns', undefined, { query: { status: 'done' } }), 400, 'invalid_request', 'status', 'done');
  });
});

describe('PUT /campaigns/{id}', () => {
  it('pause stops sending and resume continues where it left off', async () => {
    const { sim, api } = await msghubSim();
    const { campaignId } = await create(api, { name: 'Bulk', channel: 'sms', body: 'Hi', recipients: phones(30), start: true });
    await sim.advance(0);
    expect(await campaignMessages(api, campaignId)).toBe(10);

    const paused = await api.put(`/campaigns/${campaignId}`, { status: 'paused' });
    expect(paused.status).toBe(200);
    expect(paused.body.status).toBe('paused');
    await sim.advance(10_000);
    expect(await campaignMessages(api, campaignId)).toBe(10);
    // Already-sent messages keep progressing while paused.
    expect((await api.get(`/campaigns/${campaignId}`)).body.stats).toEqual({ total: 30, queued: 20, sent: 0, delivered: 10, read: 0, failed: 0 });

    const resumed = await api.put(`/campaigns/${campaignId}`, { status: 'running' });
    expect(resumed.body).toMatchObject({ status: 'running', startedAt: at(0) });
    await sim.advance(0);
    expect(await campaignMessages(api, campaignId)).toBe(20);
    await sim.advance(1_000);
    expect(await campaignMessages(api, campaignId)).toBe(30);
    expect((await api.get(`/campaigns/${campaignId}`)).body.status).toBe('running');
    await sim.advance(3_000);
    expect((await api.get(`/campaigns/${campaignId}`)).body.status).toBe('completed');
    const list = await api.get('/messages', undefined, { query: { campaignId, limit: 100 } });
    expect(new Set(list.body.data.map((m: { to: string }) => m.to)).size).toBe(30);
  });

  it('cancel stops a running campaign for good', async () => {
    const { sim, api } = await msghubSim();
    const { campaignId } = await create(api, { name: 'Bulk', channel: 'sms', body: 'Hi', recipients: phones(30), start: true });
    await sim.advance(0);
    const cancelled = await api.put(`/campaigns/${campaignId}`, { status: 'cancelled' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    await sim.advance(60_000);
    expect(await campaignMessages(api, campaignId)).toBe(10);
    expectError(await api.put(`/campaigns/${campaignId}`, { status: 'running' }), 409, 'invalid_status_transition', 'status', 'running');
  });

  it('a draft can be edited, then started by status running', async () => {
    const { sim, api } = await msghubSim();
    const { campaignId } = await create(api, { name: 'Draft', channel: 'sms', body: 'Hi', recipients: phones(2) });
    await sim.advance(1_000);
    const edited = await api.put(`/campaigns/${campaignId}`, { name: 'Final', body: 'Hello', recipients: phones(3, 50) });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ name: 'Final', body: 'Hello', recipients: phones(3, 50), status: 'draft', updatedAt: at(1_000) });
    expect(edited.body.stats.total).toBe(3);
    const started = await api.put(`/campaigns/${campaignId}`, { status: 'running' });
    expect(started.body).toMatchObject({ status: 'running', startedAt: at(1_000) });
    await sim.advance(0);
    const msgs = (await api.get('/messages', undefined, { query: { campaignId } })).body.data;
    expect(msgs.map((m: { to: string }) => m.to).sort()).toEqual(phones(3, 50));
    expect(msgs.every((m: { body: string }) => m.body === 'Hello')).toBe(true);
  });

  it('edits are validated like creation', async () => {
    const { api } = await msghubSim();
    const { campaignId } = await create(api, { name: 'Draft', channel: 'sms', body: 'Hi', recipients: phones(2) });
    expectError(await api.put(`/campaigns/${campaignId}`, { recipients: ['bad'] }), 400, 'invalid_phone_number', 'recipients[0]', 'bad');
    expectError(await api.put(`/campaigns/${campaignId}`, { templateId: 'nope' }), 404, 'template_not_found', 'templateId', 'nope');
    expectError(await api.put(`/campaigns/${campaignId}`, {}), 400, 'invalid_request');
    expectError(await api.put(`/campaigns/${campaignId}`, { status: 'completed' }), 400, 'invalid_request', 'status', 'completed');
    expectError(await api.put(`/campaigns/${campaignId}`, { channel: 'email' }), 400, 'invalid_request', 'channel', 'email');
    expect((await api.get(`/campaigns/${campaignId}`)).body).toMatchObject({ name: 'Draft', body: 'Hi', recipients: phones(2), status: 'draft' });
  });

  it.each(['running', 'paused', 'completed', 'cancelled'] as const)('content edits on a %s campaign are 409 campaign_not_editable', async (state) => {
    const { sim, api } = await msghubSim();
    const { campaignId } = await create(api, { name: 'c', channel: 'sms', body: 'Hi', recipients: phones(state === 'completed' ? 1 : 30), start: true });
    if (state === 'paused') await api.put(`/campaigns/${campaignId}`, { status: 'paused' });
    if (state === 'cancelled') await api.put(`/campaigns/${campaignId}`, { status: 'cancelled' });
    if (state === 'completed') await sim.advance(3_000);
    expect((await api.get(`/campaigns/${campaignId}`)).body.status).toBe(state);
    const res = await api.put(`/campaigns/${campaignId}`, { body: 'Changed' });
    expectError(res, 409, 'campaign_not_editable');
    expect((await api.get(`/campaigns/${campaignId}`)).body.body).toBe('Hi');
  });

  // from → to → expected HTTP status
  const transitions: Array<[string, 'running' | 'paused' | 'cancelled', number]> = [
    ['draft', 'running', 200],
    ['draft', 'paused', 409],
    ['draft', 'cancelled', 200],
    ['scheduled', 'running', 200],
    ['scheduled', 'paused', 409],
    ['scheduled', 'cancelled', 200],
    ['running', 'running', 409],
    ['running', 'paused', 200],
    ['running', 'cancelled', 200],
    ['paused', 'running', 200],
    ['paused', 'paused', 409],
    ['paused', 'cancelled', 200],
    ['completed', 'running', 409],
    ['completed', 'paused', 409],
    ['completed', 'cancelled', 409],
    ['cancelled', 'running', 409],
    ['cancelled', 'paused', 409],
    ['cancelled', 'cancelled', 409],
  ];

  async function campaignIn(sim: TestSim, api: ProviderClient, state: string): Promise<string> {
    const base = { name: 'c', channel: 'sms', body: 'Hi' };
    if (state === 'draft') return (await create(api, { ...base, recipients: phones(30) })).campaignId;
    if (state === 'scheduled') return (await create(api, { ...base, recipients: phones(30), scheduledAt: at(3_600_000) })).campaignId;
    const id = (await create(api, { ...base, recipients: phones(state === 'completed' ? 1 : 30), start: true })).campaignId as string;
    if (state === 'paused') await api.put(`/campaigns/${id}`, { status: 'paused' });
    if (state === 'cancelled') await api.put(`/campaigns/${id}`, { status: 'cancelled' });
    if (state === 'completed') await sim.advance(3_000);
    expect((await api.get(`/campaigns/${id}`)).body.status).toBe(state);
    return id;
  }

  it.each(transitions)('%s → %s answers %i', async (from, to, status) => {
    const { sim, api } = await msghubSim();
    const id = await campaignIn(sim, api, from);
    const res = await api.put(`/campaigns/${id}`, { status: to });
    if (status === 200) {
      expect(res.status).toBe(200);
      expect(res.body.status).toBe(to);
      expect((await api.get(`/campaigns/${id}`)).body.status).toBe(to);
    } else {
      expectError(res, 409, 'invalid_status_transition', 'status', to);
      expect((await api.get(`/campaigns/${id}`)).body.status).toBe(from);
    }
  });

  it('a cancelled scheduled campaign never starts', async () => {
    const { sim, api } = await msghubSim();
    const { campaignId } = await create(api, { name: 's', channel: 'sms', body: 'Hi', recipients: phones(2), scheduledAt: at(60_000) });
    await api.put(`/campaigns/${campaignId}`, { status: 'cancelled' });
    await sim.advance(120_000);
    expect((await api.get(`/campaigns/${campaignId}`)).body.status).toBe('cancelled');
    expect(await campaignMessages(api, campaignId)).toBe(0);
  });
});

describe('campaign.completed webhook', () => {
  let receiver: WebhookReceiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  it('is sent once every message is final, with the final stats (not at dispatch: issue 20)', async () => {
    receiver = await startWebhookReceiver('/hooks/msghub');
    const { sim, api } = await msghubSim();
    const hook = await api.post('/webhooks', { event: 'campaign.completed', url: receiver.url });
    expect(hook.status).toBe(201);
    // 13 ordinary recipients, one that fails and one that reads: the last batch (5) goes out at 1 s.
    const recipients = [...phones(13), '+15005550002', '+15005550004'];
    const { campaignId } = await create(api, { name: 'April promo', channel: 'sms', body: 'Hi', recipients, start: true });
    await sim.advance(1_000);
    expect((await api.get(`/campaigns/${campaignId}`)).body).toMatchObject({ status: 'running', dispatchedAt: at(1_000) });
    // Delivered and failed at 4 s; the reader reads at 9 s, and only then is every message final.
    await sim.advance(3_000);
    expect((await api.get(`/campaigns/${campaignId}`)).body.status).toBe('running');
    await sim.advance(4_999);
    expect(receiver.received).toHaveLength(0);
    await sim.advance(1);
    expect(receiver.received).toHaveLength(1);
    const event = receiver.received[0]!.body;
    expect(event).toEqual({
      event: 'campaign.completed',
      campaignId,
      name: 'April promo',
      stats: { total: 15, queued: 0, sent: 0, delivered: 13, read: 1, failed: 1 },
      completedAt: at(9_000),
    });
    await expectWebhookEventMatchesSpec(event, 'WebhookEventCampaignCompleted');
    expect((await api.get(`/campaigns/${campaignId}`)).body).toMatchObject({ status: 'completed', completedAt: at(9_000), stats: event.stats });
    await sim.advance(60_000);
    expect(receiver.received).toHaveLength(1);
  });

  it('a message forced to a final state by hand counts as final', async () => {
    const { sim, api } = await msghubSim();
    const { campaignId } = await create(api, { name: 'Forced', channel: 'sms', body: 'Hi', recipients: ['+919876543210', '+15005550004'], start: true });
    await sim.advance(3_000);
    // The reader is delivered and would read at 8 s; a delivered message cannot fail, but may be read now.
    const list = (await api.get('/messages', undefined, { query: { campaignId } })).body.data as Array<{ messageId: string; to: string }>;
    const reader = list.find((m) => m.to === '+15005550004')!;
    expect((await api.get(`/campaigns/${campaignId}`)).body.status).toBe('running');
    expect((await sim.http.post(`/_sim/messages/msghub/${reader.messageId}/status`).send({ status: 'failed', reason: 'Blocked' })).status).toBe(409);
    await sim.http.post(`/_sim/messages/msghub/${reader.messageId}/status`).send({ status: 'read' });
    expect((await api.get(`/campaigns/${campaignId}`)).body).toMatchObject({
      status: 'completed',
      completedAt: at(3_000),
      stats: { total: 2, queued: 0, sent: 0, delivered: 1, read: 1, failed: 0 },
    });
  });

  it('completion is noticed after a restart (--data): dispatched before it, final after it', async () => {
    receiver = await startWebhookReceiver('/hooks/msghub');
    const dir = mkdtempSync(path.join(tmpdir(), 'msghub-campaign-'));
    try {
      const dataFile = path.join(dir, 'state.json');
      const before = await msghubSim({ dataFile });
      expect((await before.api.post('/webhooks', { event: 'campaign.completed', url: receiver.url })).status).toBe(201);
      const { campaignId } = await create(before.api, { name: 'Restarted', channel: 'sms', body: 'Hi', recipients: phones(12), start: true });
      await before.sim.advance(1_000);
      expect((await before.api.get(`/campaigns/${campaignId}`)).body).toMatchObject({ status: 'running', dispatchedAt: at(1_000) });
      await before.sim.engine.close();

      const after = await msghubSim({ dataFile });
      expect((await after.api.get(`/campaigns/${campaignId}`)).body).toMatchObject({ status: 'running', dispatchedAt: at(1_000) });
      await after.sim.advance(2_999);
      expect((await after.api.get(`/campaigns/${campaignId}`)).body.status).toBe('running');
      await after.sim.advance(1);
      expect((await after.api.get(`/campaigns/${campaignId}`)).body).toMatchObject({
        status: 'completed',
        completedAt: at(4_000),
        stats: { total: 12, queued: 0, sent: 0, delivered: 12, read: 0, failed: 0 },
      });
      expect(receiver.received.map((r) => (r.body as { campaignId: string }).campaignId)).toEqual([campaignId]);
      await after.sim.engine.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
