/**
 * Campaigns on the clock: 10 recipients at once and 10 per simulated second, stats from the real
 * per-recipient lifecycle, scheduled starts, pause/resume continuing where they left off, group
 * recipients, instance disconnection, and the errors.
 */
import { describe, expect, it } from 'vitest';
import type { ProviderClient } from '../../support/harness.js';
import { KEY, MAIN, at, createContact, expectError, expectOk, msgflashSim, outboxCount, phones, registerKey, setInstance } from './helpers.js';

async function create(api: ProviderClient, body: Record<string, unknown>) {
  return expectOk(await api.post('/campaigns', { name: 'Promo', instanceId: MAIN, text: 'Hi!', ...body }), 201);
}

async function campaignRecipients(api: ProviderClient, campaignId: string): Promise<string[]> {
  return expectOk(await api.get('/messages', undefined, { query: { campaignId, limit: 100 } })).messages.map((m: any) => m.to);
}

describe('POST /campaigns', () => {
  it('starts at once: 10 recipients now, 10 more each simulated second, then completed once every message is final', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const campaign = await create(api, { recipients: phones(25) });
    expect(campaign).toEqual({
      id: expect.any(String),
      name: 'Promo',
      instanceId: MAIN,
      type: 'text',
      text: 'Hi!',
      status: 'running',
      recipientCount: 25,
      dispatchedCount: 10,
      startedAt: at(0),
      createdAt: at(0),
      updatedAt: at(0),
    });
    const get = async () => expectOk(await api.get(`/campaigns/${campaign.id}`));
    await sim.advance(999);
    expect((await get()).dispatchedCount).toBe(10);
    await sim.advance(1);
    expect(await get()).toMatchObject({ status: 'running', dispatchedCount: 20 });
    await sim.advance(1_000);
    // Every recipient has a message, the last ten still queued: it runs on until they are final (issue 20).
    expect(await get()).toMatchObject({ status: 'running', dispatchedCount: 25, dispatchedAt: at(2_000) });
    await sim.advance(2_999);
    expect((await get()).status).toBe('running');
    await sim.advance(1);
    expect(await get()).toMatchObject({ status: 'completed', dispatchedCount: 25, completedAt: at(5_000) });
    expect((await campaignRecipients(api, campaign.id)).sort()).toEqual(phones(25).sort());
    await sim.advance(10_000);
    expect(await outboxCount(sim, KEY)).toBe(25);
  });

  it('stats follow every recipient through its lifecycle, magic recipients included', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const recipients = ['+14155550123', '+15005550002', '+15005550003', '+15005550004', '+15005550007', '+15005550001'];
    const { id } = await create(api, { recipients });
    const stats = async () => expectOk(await api.get(`/campaigns/${id}/stats`));
    const base = { campaignId: id, status: 'running', total: 6, pending: 0 };
    expect(await stats()).toEqual({ ...base, queued: 6, sent: 0, delivered: 0, read: 0, failed: 0, deliveryRate: 0, readRate: 0 });
    await sim.advance(1_000);
    // The invalid number fails at send; everyone else is sent.
    expect(await stats()).toEqual({ ...base, queued: 0, sent: 5, delivered: 0, read: 0, failed: 1, deliveryRate: 0, readRate: 0 });
    await sim.advance(2_000);
    expect(await stats()).toEqual({ ...base, queued: 0, sent: 2, delivered: 2, read: 0, failed: 2, deliveryRate: 0.3333, readRate: 0 });
    await sim.advance(5_000);
    expect(await stats()).toEqual({ ...base, queued: 0, sent: 2, delivered: 1, read: 1, failed: 2, deliveryRate: 0.3333, readRate: 0.1667 });
    await sim.advance(60_000);
    // Final once the slow recipient is delivered (61 s); the never-delivered one rests at sent.
    expect(await stats()).toEqual({ ...base, status: 'completed', queued: 0, sent: 1, delivered: 2, read: 1, failed: 2, deliveryRate: 0.5, readRate: 0.1667 });
    expect(expectOk(await api.get(`/campaigns/${id}`)).completedAt).toBe(at(61_000));
  });

  it('scheduledAt: scheduled, nothing sent until that time on the clock', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const scheduledAt = at(3_600_000);
    const campaign = await create(api, { recipients: phones(12), scheduledAt });
    expect(campaign).toMatchObject({ status: 'scheduled', scheduledAt, dispatchedCount: 0 });
    expect(campaign.startedAt).toBeUndefined();
    await sim.advance(3_599_999);
    expect(expectOk(await api.get(`/campaigns/${campaign.id}/stats`))).toMatchObject({ status: 'scheduled', pending: 12 });
    expect(await outboxCount(sim, KEY)).toBe(0);
    await sim.advance(1);
    expect(expectOk(await api.get(`/campaigns/${campaign.id}`))).toMatchObject({ status: 'running', startedAt: scheduledAt, dispatchedCount: 10 });
    await sim.advance(1_000);
    expect(expectOk(await api.get(`/campaigns/${campaign.id}`))).toMatchObject({ status: 'running', dispatchedAt: at(3_601_000) });
    await sim.advance(3_000);
    expect(expectOk(await api.get(`/campaigns/${campaign.id}`))).toMatchObject({ status: 'completed', completedAt: at(3_604_000) });
  });

  it('recipients from contact groups, each number once, after the explicit ones', async () => {
    const { api } = await msgflashSim({ rateLimits: false });
    const a = await createContact(api, '+14155550201');
    const b = await createContact(api, '+14155550202');
    const group = expectOk(await api.post('/contacts/groups', { name: 'VIP' }), 201).id;
    expectOk(await api.post(`/contacts/groups/${group}/members`, { contactIds: [a, b] }));
    const campaign = await create(api, { recipients: ['+14155550202', '+14155550203'], groupIds: [group] });
    expect(campaign.recipientCount).toBe(3);
    expect((await campaignRecipients(api, campaign.id)).sort()).toEqual(['+14155550201', '+14155550202', '+14155550203']);
  });

  it('a template with variables', async () => {
    const { api } = await msgflashSim({ rateLimits: false });
    const template = expectOk(await api.post('/templates', { name: 'Sale', content: '{{pct}}% off today' }), 201);
    const campaign = expectOk(
      await api.post('/campaigns', { name: 'Sale', instanceId: MAIN, templateId: template.id, variables: { pct: '20' }, recipients: ['+14155550123'] }),
      201,
    );
    expect(campaign).toMatchObject({ text: '20% off today', templateId: template.id });
    const [message] = expectOk(await api.get('/messages', undefined, { query: { campaignId: campaign.id } })).messages;
    expect(message).toMatchObject({ text: '20% off today', templateId: template.id, campaignId: campaign.id });
  });

  it.each([
    [{ recipients: [] }, 400, 'VALIDATION_ERROR', 'recipients'],
    [{ recipients: ['+14155550123', '12345'] }, 400, 'INVALID_PHONE_NUMBER', 'recipients[1]'],
    [{ recipients: ['+14155550123'], groupIds: ['nope'] }, 404, 'NOT_FOUND', 'groupIds[0]'],
    [{ recipients: ['+14155550123'], instanceId: 'nope' }, 404, 'NOT_FOUND', 'instanceId'],
    [{ recipients: ['+14155550123'], text: undefined }, 400, 'VALIDATION_ERROR', 'text'],
    [{ recipients: ['+14155550123'], scheduledAt: '2024-04-08T10:29:59.000Z' }, 400, 'VALIDATION_ERROR', 'scheduledAt'],
    [{ recipients: ['+14155550123'], status: 'completed' }, 400, 'VALIDATION_ERROR', 'status'],
  ])('%j → %i %s naming %s, nothing created', async (body, status, code, field) => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    expectError(await api.post('/campaigns', { name: 'x', instanceId: MAIN, text: 'Hi', ...body }), status, code, field);
    expect(await outboxCount(sim, KEY)).toBe(0);
  });

  it("counts every recipient against the plan's monthly messages when created", async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    await registerKey(sim, KEY, { plan: 'starter', monthlyMessages: 5 });
    expectError(await api.post('/campaigns', { name: 'x', instanceId: MAIN, text: 'Hi', recipients: phones(6) }), 403, 'MONTHLY_MESSAGE_LIMIT_EXCEEDED');
    await create(api, { recipients: phones(5) });
    expect(await outboxCount(sim, KEY)).toBe(5);
  });
});

describe('pause and resume', () => {
  it('a paused campaign sends nothing on the clock; resume continues from the next recipient', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const { id } = await create(api, { recipients: phones(35) });
    await sim.advance(1_000);
    const paused = expectOk(await api.post(`/campaigns/${id}/pause`));
    expect(paused).toMatchObject({ status: 'paused', pauseReason: 'USER_REQUEST', pausedAt: at(1_000), dispatchedCount: 20 });
    await sim.advance(60_000);
    expect(expectOk(await api.get(`/campaigns/${id}/stats`))).toMatchObject({ status: 'paused', pending: 15, delivered: 20 });
    expect(await outboxCount(sim, KEY)).toBe(20);
    const resumed = expectOk(await api.post(`/campaigns/${id}/resume`));
    expect(resumed).toMatchObject({ status: 'running', dispatchedCount: 30, startedAt: at(0) });
    expect(resumed.pauseReason).toBeUndefined();
    await sim.advance(1_000);
    expect(expectOk(await api.get(`/campaigns/${id}`))).toMatchObject({ status: 'running', dispatchedCount: 35, dispatchedAt: at(62_000) });
    await sim.advance(3_000);
    expect(expectOk(await api.get(`/campaigns/${id}`))).toMatchObject({ status: 'completed', completedAt: at(65_000) });
    // Every recipient exactly once.
    expect((await campaignRecipients(api, id)).sort()).toEqual(phones(35).sort());
  });

  it('a scheduled campaign paused before its time goes back to waiting for it when resumed', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const { id } = await create(api, { recipients: phones(3), scheduledAt: at(60_000) });
    expect(expectOk(await api.post(`/campaigns/${id}/pause`)).status).toBe('paused');
    await sim.advance(30_000);
    expect(expectOk(await api.post(`/campaigns/${id}/resume`)).status).toBe('scheduled');
    await sim.advance(29_999);
    expect(await outboxCount(sim, KEY)).toBe(0);
    await sim.advance(1);
    expect(expectOk(await api.get(`/campaigns/${id}`)).status).toBe('running');
    await sim.advance(3_000);
    expect(expectOk(await api.get(`/campaigns/${id}`)).status).toBe('completed');
  });

  it('paused past its time, a scheduled campaign starts when resumed', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const { id } = await create(api, { recipients: phones(3), scheduledAt: at(60_000) });
    expectOk(await api.post(`/campaigns/${id}/pause`));
    await sim.advance(120_000);
    expect(await outboxCount(sim, KEY)).toBe(0);
    expect(expectOk(await api.post(`/campaigns/${id}/resume`))).toMatchObject({ status: 'running', startedAt: at(120_000), dispatchedCount: 3 });
    await sim.advance(3_000);
    expect(expectOk(await api.get(`/campaigns/${id}`))).toMatchObject({ status: 'completed', completedAt: at(123_000) });
  });

  it('wrong states → 409 INVALID_CAMPAIGN_STATE; unknown ids → 404', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const { id } = await create(api, { recipients: phones(15) });
    expectError(await api.post(`/campaigns/${id}/resume`), 409, 'INVALID_CAMPAIGN_STATE', 'status', 'running');
    expectOk(await api.post(`/campaigns/${id}/pause`));
    expectError(await api.post(`/campaigns/${id}/pause`), 409, 'INVALID_CAMPAIGN_STATE', 'status', 'paused');
    expectOk(await api.post(`/campaigns/${id}/resume`));
    await sim.advance(3_000);
    expectError(await api.post(`/campaigns/${id}/pause`), 409, 'INVALID_CAMPAIGN_STATE', 'status', 'completed');
    expectError(await api.post(`/campaigns/${id}/resume`), 409, 'INVALID_CAMPAIGN_STATE', 'status', 'completed');
    for (const path of ['/campaigns/nope', '/campaigns/nope/stats']) expectError(await api.get(path), 404, 'NOT_FOUND', 'id', 'nope');
    for (const path of ['/campaigns/nope/pause', '/campaigns/nope/resume']) expectError(await api.post(path), 404, 'NOT_FOUND', 'id', 'nope');
  });
});

describe('campaigns and instances', () => {
  it('a disconnected instance refuses a campaign that starts now (409) but not a scheduled one', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    await setInstance(sim, KEY, MAIN, 'disconnected');
    expectError(await api.post('/campaigns', { name: 'x', instanceId: MAIN, text: 'Hi', recipients: phones(2) }), 409, 'INSTANCE_DISCONNECTED', 'instanceId');
    const later = await create(api, { recipients: phones(2), scheduledAt: at(60_000) });
    // Still disconnected when it is due: it pauses itself.
    await sim.advance(60_000);
    expect(expectOk(await api.get(`/campaigns/${later.id}`))).toMatchObject({ status: 'paused', pauseReason: 'INSTANCE_DISCONNECTED', dispatchedCount: 0 });
  });

  it('an instance that disconnects mid-run pauses the campaign; resume needs it connected, then continues', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const { id } = await create(api, { recipients: phones(30) });
    await setInstance(sim, KEY, MAIN, 'disconnected');
    await sim.advance(1_000);
    expect(expectOk(await api.get(`/campaigns/${id}`))).toMatchObject({
      status: 'paused',
      pauseReason: 'INSTANCE_DISCONNECTED',
      pausedAt: at(1_000),
      dispatchedCount: 10,
    });
    expectError(await api.post(`/campaigns/${id}/resume`), 409, 'INSTANCE_DISCONNECTED', 'instanceId', MAIN);
    await setInstance(sim, KEY, MAIN, 'connected');
    expect(expectOk(await api.post(`/campaigns/${id}/resume`))).toMatchObject({ status: 'running', dispatchedCount: 20 });
    await sim.advance(4_000);
    expect(expectOk(await api.get(`/campaigns/${id}`))).toMatchObject({ status: 'completed', dispatchedCount: 30 });
  });
});

describe('reset', () => {
  it('POST /_sim/reset for the tenant stops its running campaign and forgets it; other tenants carry on', async () => {
    const { sim, api, other } = await msgflashSim({ rateLimits: false });
    const mine = await create(api, { recipients: phones(30) });
    const theirs = await create(other, { recipients: phones(30) });
    const reset = await sim.http.post('/_sim/reset').send({ provider: 'msgflash', tenant: KEY });
    expect(reset.status).toBe(200);
    await sim.advance(5_000);
    expect(await outboxCount(sim, KEY)).toBe(0);
    expectError(await api.get(`/campaigns/${mine.id}`), 404, 'NOT_FOUND');
    expect(expectOk(await other.get(`/campaigns/${theirs.id}`))).toMatchObject({ status: 'completed', dispatchedCount: 30 });
  });
});
