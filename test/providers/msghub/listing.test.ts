/** GET /messages: filters and page/limit pagination (defaults 50, max 100), newest first, no gaps. */
import { describe, expect, it } from 'vitest';
import type { ProviderClient, TestSim } from '../../support/harness.js';
import { KEY, at, atMs, connectChannels, expectError, msghubSim } from './helpers.js';

/** Sends `n` sms, 10 ms of simulated time apart; returns their ids, oldest first. */
async function sendMany(sim: TestSim, api: ProviderClient, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await api.post('/messages/send', { channel: 'sms', to: `+91987654${String(3000 + i).padStart(4, '0')}`, body: `n${i}` });
    expect(res.status, res.text).toBe(201);
    ids.push(res.body.messageId);
    await sim.advance(10);
  }
  return ids;
}

async function listAll(api: ProviderClient, path: string, limit: number, query: Record<string, string | number> = {}): Promise<string[]> {
  const ids: string[] = [];
  const first = await api.get(path, undefined, { query: { ...query, limit, page: 1 } });
  expect(first.status).toBe(200);
  const { pages, total } = first.body.pagination;
  expect(pages).toBe(Math.ceil(total / limit));
  for (let page = 1; page <= pages; page++) {
    const res = page === 1 ? first : await api.get(path, undefined, { query: { ...query, limit, page } });
    expect(res.body.pagination).toEqual({ page, limit, total, pages });
    expect(res.body.data.length).toBe(page < pages ? limit : total - limit * (pages - 1));
    for (const item of res.body.data) ids.push(item.messageId ?? item.contactId ?? item.campaignId ?? item.webhookId ?? item.flowId);
  }
  return ids;
}

describe('GET /messages pagination', () => {
  it('defaults to page 1, limit 50, with total and pages', async () => {
    const { sim, api } = await msghubSim({ rateLimits: false });
    const ids = await sendMany(sim, api, 120);
    const res = await api.get('/messages');
    expect(res.status).toBe(200);
    expect(res.body.pagination).toEqual({ page: 1, limit: 50, total: 120, pages: 3 });
    expect(res.body.data).toHaveLength(50);
    // Newest first.
    expect(res.body.data.map((m: { messageId: string }) => m.messageId)).toEqual([...ids].reverse().slice(0, 50));
    const createdAt = res.body.data.map((m: { createdAt: string }) => Date.parse(m.createdAt));
    expect(createdAt).toEqual([...createdAt].sort((a, b) => b - a));
  });

  it('the last page holds the remainder and a page past the end is empty with 200', async () => {
    const { sim, api } = await msghubSim({ rateLimits: false });
    await sendMany(sim, api, 120);
    const last = await api.get('/messages', undefined, { query: { page: 3 } });
    expect(last.body.data).toHaveLength(20);
    const past = await api.get('/messages', undefined, { query: { page: 4 } });
    expect(past.status).toBe(200);
    expect(past.body).toEqual({ data: [], pagination: { page: 4, limit: 50, total: 120, pages: 3 } });
    const far = await api.get('/messages', undefined, { query: { page: 1_000_000 } });
    expect(far.status).toBe(200);
    expect(far.body.data).toEqual([]);
  });

  it('limit=100 is the maximum; limit=101, 0 and page=0 are 400 naming the parameter', async () => {
    const { sim, api } = await msghubSim({ rateLimits: false });
    await sendMany(sim, api, 120);
    const max = await api.get('/messages', undefined, { query: { limit: 100 } });
    expect(max.body.data).toHaveLength(100);
    expect(max.body.pagination).toEqual({ page: 1, limit: 100, total: 120, pages: 2 });
    expectError(await api.get('/messages', undefined, { query: { limit: 101 } }), 400, 'invalid_request', 'limit', 101);
    expectError(await api.get('/messages', undefined, { query: { limit: 0 } }), 400, 'invalid_request', 'limit', 0);
    expectError(await api.get('/messages', undefined, { query: { page: 0 } }), 400, 'invalid_request', 'page', 0);
    expectError(await api.get('/messages', undefined, { query: { page: -1 } }), 400, 'invalid_request', 'page', -1);
  });

  it.each([1, 7, 50, 100])('walking every page with limit %i gives every message once, newest first', async (limit) => {
    const { sim, api } = await msghubSim({ rateLimits: false });
    const ids = await sendMany(sim, api, 120);
    const seen = await listAll(api, '/messages', limit);
    expect(seen).toEqual([...ids].reverse());
    expect(new Set(seen).size).toBe(120);
  });

  it('an empty account lists nothing with pages 0', async () => {
    const { api } = await msghubSim();
    const res = await api.get('/messages');
    expect(res.body).toEqual({ data: [], pagination: { page: 1, limit: 50, total: 0, pages: 0 } });
  });
});

describe('GET /messages filters', () => {
  async function seed() {
    const ctx = await msghubSim({ rateLimits: false });
    const { sim, api } = ctx;
    await connectChannels(sim, KEY, ['sms', 'whatsapp', 'email', 'telegram']);
    const send = async (body: Record<string, unknown>) => {
      const res = await api.post('/messages/send', { body: 'x', ...body });
      expect(res.status, res.text).toBe(201);
      return res.body.messageId as string;
    };
    const ids = {
      smsA: await send({ channel: 'sms', to: '+919876543210' }), // t=0
      fail: await send({ channel: 'sms', to: '+15005550002' }), // t=0
    };
    await sim.advance(10_000); // both settled: smsA delivered, fail failed
    const ids2 = {
      wa: await send({ channel: 'whatsapp', to: '+919876543210' }), // t=10s
      email: await send({ channel: 'email', to: 'rahul@example.com' }), // t=10s
    };
    await sim.advance(1_000); // t=11s: wa and email sent
    const tg = await send({ channel: 'telegram', to: '123456789' }); // t=11s, queued
    const campaign = await api.post('/campaigns', { name: 'c', channel: 'sms', body: 'promo', recipients: ['+919876543211', '+919876543212'], start: true });
    expect(campaign.status).toBe(201);
    await sim.advance(0); // first campaign batch (t=11s)
    return { ...ctx, ids: { ...ids, ...ids2, tg }, campaignId: campaign.body.campaignId as string };
  }

  const idsOf = (res: { body: { data: Array<{ messageId: string }> } }) => res.body.data.map((m) => m.messageId);

  it('status filters by current status', async () => {
    const { api, ids } = await seed();
    expect(idsOf(await api.get('/messages', undefined, { query: { status: 'delivered' } }))).toEqual([ids.smsA]);
    expect(idsOf(await api.get('/messages', undefined, { query: { status: 'failed' } }))).toEqual([ids.fail]);
    expect(idsOf(await api.get('/messages', undefined, { query: { status: 'sent' } }))).toEqual([ids.email, ids.wa]);
    const queued = await api.get('/messages', undefined, { query: { status: 'queued' } });
    expect(queued.body.pagination.total).toBe(3); // telegram + 2 campaign messages
    expect(queued.body.data.every((m: { status: string }) => m.status === 'queued')).toBe(true);
    expect((await api.get('/messages', undefined, { query: { status: 'read' } })).body.data).toEqual([]);
  });

  it('channel filters by channel', async () => {
    const { api, ids } = await seed();
    expect(idsOf(await api.get('/messages', undefined, { query: { channel: 'whatsapp' } }))).toEqual([ids.wa]);
    expect(idsOf(await api.get('/messages', undefined, { query: { channel: 'email' } }))).toEqual([ids.email]);
    expect(idsOf(await api.get('/messages', undefined, { query: { channel: 'telegram' } }))).toEqual([ids.tg]);
    expect((await api.get('/messages', undefined, { query: { channel: 'sms' } })).body.pagination.total).toBe(4);
    expect((await api.get('/messages', undefined, { query: { channel: 'viber' } })).body.data).toEqual([]);
  });

  it('to is an exact match', async () => {
    const { api, ids } = await seed();
    expect(idsOf(await api.get('/messages', undefined, { query: { to: '+919876543210' } }))).toEqual([ids.wa, ids.smsA]);
    expect((await api.get('/messages', undefined, { query: { to: '+91987654321' } })).body.data).toEqual([]);
  });

  it('campaignId selects the messages of one campaign', async () => {
    const { api, campaignId } = await seed();
    const res = await api.get('/messages', undefined, { query: { campaignId } });
    expect(res.body.pagination.total).toBe(2);
    expect(res.body.data.every((m: { campaignId: string }) => m.campaignId === campaignId)).toBe(true);
    expect(res.body.data.map((m: { to: string }) => m.to).sort()).toEqual(['+919876543211', '+919876543212']);
    expect((await api.get('/messages', undefined, { query: { campaignId: 'cmp_nope' } })).body.data).toEqual([]);
  });

  it('createdAfter / createdBefore are inclusive bounds', async () => {
    const { api, ids } = await seed();
    const total = (q: Record<string, string>) => api.get('/messages', undefined, { query: q }).then((r) => r.body.pagination.total as number);
    expect(idsOf(await api.get('/messages', undefined, { query: { createdBefore: at(0) } }))).toEqual([ids.fail, ids.smsA]);
    expect(idsOf(await api.get('/messages', undefined, { query: { createdAfter: at(10_000), createdBefore: at(10_000) } }))).toEqual([ids.email, ids.wa]);
    expect(await total({ createdAfter: at(10_000) })).toBe(5);
    // A bound with a fraction starts at the next whole second a client can read.
    expect(await total({ createdAfter: atMs(10_001) })).toBe(3);
    expect(await total({ createdAfter: atMs(11_001) })).toBe(0);
    expect(await total({ createdBefore: atMs(-1) })).toBe(0);
    // Offsets other than Z are the same instants.
    expect(await total({ createdAfter: '2024-04-08T16:00:10+05:30' })).toBe(5);
  });

  it('the bounds compare at the whole second a client reads in createdAt', async () => {
    const { sim, api } = await msghubSim();
    await sim.advance(500);
    const sent = await api.post('/messages/send', { channel: 'sms', to: '+919876543210', body: 'half past' });
    // Sent at 10:30:00.500, shown as 10:30:00Z: a filter on the time shown finds it from both sides.
    expect(sent.body.createdAt).toBe(at(0));
    const total = async (query: Record<string, string>) => (await api.get('/messages', undefined, { query })).body.pagination.total as number;
    expect(await total({ createdBefore: sent.body.createdAt })).toBe(1);
    expect(await total({ createdAfter: sent.body.createdAt })).toBe(1);
    expect(await total({ createdAfter: atMs(600) })).toBe(0);
  });

  it('filters combine with each other and with pagination', async () => {
    const { api, ids } = await seed();
    const res = await api.get('/messages', undefined, { query: { channel: 'sms', createdBefore: at(0), limit: 1, page: 2 } });
    expect(res.body.pagination).toEqual({ page: 2, limit: 1, total: 2, pages: 2 });
    expect(idsOf(res)).toEqual([ids.smsA]);
    expect(
      (await api.get('/messages', undefined, { query: { channel: 'sms', status: 'failed', to: '+15005550002' } })).body.data.map(
        (m: { messageId: string }) => m.messageId,
      ),
    ).toEqual([ids.fail]);
  });

  it.each<{ query: Record<string, string>; field: string }>([
    { query: { status: 'pending' }, field: 'status' },
    { query: { channel: 'fax' }, field: 'channel' },
    { query: { createdAfter: 'yesterday' }, field: 'createdAfter' },
    { query: { createdBefore: '2024-13-45' }, field: 'createdBefore' },
  ])('invalid filter $query → 400 invalid_request naming $field', async ({ query, field }) => {
    const { api } = await msghubSim();
    expectError(await api.get('/messages', undefined, { query }), 400, 'invalid_request', field);
  });
});

describe('other lists paginate the same way', () => {
  it('contacts: newest first across pages with no duplicates or gaps', async () => {
    const { sim, api } = await msghubSim({ rateLimits: false });
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) {
      const res = await api.post('/contacts', { name: `C${i}`, email: `c${i}@example.com` });
      ids.push(res.body.contactId);
      await sim.advance(1);
    }
    expect(await listAll(api, '/contacts', 5)).toEqual([...ids].reverse());
    const past = await api.get('/contacts', undefined, { query: { page: 9, limit: 5 } });
    expect(past.body).toEqual({ data: [], pagination: { page: 9, limit: 5, total: 23, pages: 5 } });
  });

  it('campaigns and webhooks: defaults and newest first', async () => {
    const { api } = await msghubSim({ rateLimits: false });
    const campaigns: string[] = [];
    const hooks: string[] = [];
    for (let i = 0; i < 3; i++) {
      campaigns.push((await api.post('/campaigns', { name: `c${i}`, channel: 'sms', body: 'x', recipients: ['+919876543210'] })).body.campaignId);
      hooks.push((await api.post('/webhooks', { event: 'message.delivered', url: `https://example.com/h${i}` })).body.webhookId);
    }
    const c = await api.get('/campaigns');
    expect(c.body.pagination).toEqual({ page: 1, limit: 50, total: 3, pages: 1 });
    expect(c.body.data.map((x: { campaignId: string }) => x.campaignId)).toEqual([...campaigns].reverse());
    const w = await api.get('/webhooks', undefined, { query: { limit: 2, page: 2 } });
    expect(w.body.pagination).toEqual({ page: 2, limit: 2, total: 3, pages: 2 });
    expect(w.body.data.map((x: { webhookId: string }) => x.webhookId)).toEqual([hooks[0]]);
    expectError(await api.get('/webhooks', undefined, { query: { limit: 500 } }), 400, 'invalid_request', 'limit', 500);
    expectError(await api.get('/campaigns', undefined, { query: { page: 'two' } }), 400, 'invalid_request', 'page', 'two');
  });

  it('flows: the three fixture flows, limit applies', async () => {
    const { api } = await msghubSim();
    const res = await api.get('/flows', undefined, { query: { limit: 2 } });
    expect(res.body.pagination).toEqual({ page: 1, limit: 2, total: 3, pages: 2 });
    expect(res.body.data).toHaveLength(2);
    const all = await listAll(api, '/flows', 1);
    expect([...all].sort()).toEqual(['flow_abandonedcart', 'flow_welcome', 'flow_winback']);
  });
});
