/** GET /messages: page/limit (defaults 1 and 20, max 100), newest first, and the filters. */
import { describe, expect, it } from 'vitest';
import type { ProviderClient, TestSim } from '../../support/harness.js';
import { at, atMs, expectError, msgineSim } from './helpers.js';

/** Sends `n` messages 10 ms of simulated time apart; returns their ids, oldest first. */
async function sendMany(sim: TestSim, api: ProviderClient, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await api.post('/messages/sms', { to: `+2567012${String(i).padStart(5, '0')}`, message: `n${i}` });
    expect(res.status, res.text).toBe(201);
    ids.push(res.body.id);
    await sim.advance(10);
  }
  return ids;
}

const idsOf = (res: { body: { data: Array<{ id: string }> } }) => res.body.data.map((m) => m.id);

describe('GET /messages pagination', () => {
  it('defaults to page 1, limit 20, newest first, with total and pages', async () => {
    const { sim, api } = await msgineSim({ rateLimits: false });
    const ids = await sendMany(sim, api, 45);
    const res = await api.get('/messages');
    expect(res.status).toBe(200);
    expect(res.body.pagination).toEqual({ page: 1, limit: 20, total: 45, pages: 3 });
    expect(idsOf(res)).toEqual([...ids].reverse().slice(0, 20));
  });

  it("the doc's example page=2&limit=50", async () => {
    const { sim, api } = await msgineSim({ rateLimits: false });
    const ids = await sendMany(sim, api, 120);
    const res = await api.get('/messages', undefined, { query: { page: 2, limit: 50 } });
    expect(res.body.pagination).toEqual({ page: 2, limit: 50, total: 120, pages: 3 });
    expect(idsOf(res)).toEqual([...ids].reverse().slice(50, 100));
  });

  it.each([1, 7, 20, 100])('walking every page with limit %i gives every message once, newest first', async (limit) => {
    const { sim, api } = await msgineSim({ rateLimits: false });
    const ids = await sendMany(sim, api, 45);
    const seen: string[] = [];
    const pages = Math.ceil(45 / limit);
    for (let page = 1; page <= pages; page++) {
      const res = await api.get('/messages', undefined, { query: { page, limit } });
      expect(res.body.pagination).toEqual({ page, limit, total: 45, pages });
      seen.push(...idsOf(res));
    }
    expect(seen).toEqual([...ids].reverse());
  });

  it('a page past the end is empty with 200; an empty account has pages 0', async () => {
    const { sim, api, other } = await msgineSim();
    await sendMany(sim, api, 3);
    expect((await api.get('/messages', undefined, { query: { page: 2 } })).body).toEqual({ data: [], pagination: { page: 2, limit: 20, total: 3, pages: 1 } });
    expect((await other.get('/messages')).body).toEqual({ data: [], pagination: { page: 1, limit: 20, total: 0, pages: 0 } });
  });

  it.each<{ query: Record<string, string | number>; field: string; value: unknown }>([
    { query: { limit: 101 }, field: 'limit', value: 101 },
    { query: { limit: 0 }, field: 'limit', value: 0 },
    { query: { page: 0 }, field: 'page', value: 0 },
    { query: { page: 'two' }, field: 'page', value: 'two' },
  ])('$query → 400 invalid_request naming $field', async ({ query, field, value }) => {
    const { api } = await msgineSim();
    expectError(await api.get('/messages', undefined, { query }), 400, 'invalid_request', field, value);
  });

  it('list items are the full message, as GET /messages/{id} answers it', async () => {
    const { api } = await msgineSim();
    const sent = await api.post('/messages/sms', { to: ['+256701234567', '+254712345678'], message: 'Hello' });
    expect((await api.get('/messages')).body.data[0]).toEqual((await api.get(`/messages/${sent.body.id}`)).body);
  });
});

describe('GET /messages filters', () => {
  async function seed() {
    const ctx = await msgineSim({ rateLimits: false });
    const { sim, api } = ctx;
    const send = async (to: string | string[]) => {
      const res = await api.post('/messages/sms', { to, message: 'x' });
      expect(res.status, res.text).toBe(201);
      return res.body.id as string;
    };
    const delivered = await send('+256701234567'); // t=0
    const failed = await send('+15005550002'); // t=0
    await sim.advance(10_000); // both settled
    const mixed = await send(['+254712345678', '+256701234567']); // t=10s
    await sim.advance(1_000); // t=11s: sent
    const pending = await send('+14155550100'); // t=11s
    return { ...ctx, ids: { delivered, failed, mixed, pending } };
  }

  it('status matches the message status', async () => {
    const { api, ids } = await seed();
    const list = async (status: string) => idsOf(await api.get('/messages', undefined, { query: { status } }));
    expect(await list('delivered')).toEqual([ids.delivered]);
    expect(await list('failed')).toEqual([ids.failed]);
    expect(await list('sent')).toEqual([ids.mixed]);
    expect(await list('pending')).toEqual([ids.pending]);
    expect(await list('undelivered')).toEqual([]);
  });

  it('to matches any recipient, exactly, encoded or not', async () => {
    const { sim, api, ids } = await seed();
    expect(idsOf(await api.get('/messages', undefined, { query: { to: '+256701234567' } }))).toEqual([ids.mixed, ids.delivered]);
    expect(idsOf(await api.get('/messages', undefined, { query: { to: '+254712345678' } }))).toEqual([ids.mixed]);
    expect((await api.get('/messages', undefined, { query: { to: '+25670123456' } })).body.data).toEqual([]);
    // curl "…/messages?to=+256701234567" sends the + unencoded; it arrives as a space.
    const raw = await sim.http.get('/msgine/api/v1/messages?to=+256701234567').set('Authorization', 'Bearer YOUR_API_TOKEN');
    expect(raw.status).toBe(200);
    expect(raw.body.data.map((m: { id: string }) => m.id)).toEqual([ids.mixed, ids.delivered]);
  });

  it('createdAfter / createdBefore are inclusive, and may be sent unencoded', async () => {
    const { sim, api, ids } = await seed();
    const total = async (query: Record<string, string>) => (await api.get('/messages', undefined, { query })).body.pagination.total as number;
    expect(idsOf(await api.get('/messages', undefined, { query: { createdBefore: at(0) } }))).toEqual([ids.failed, ids.delivered]);
    expect(idsOf(await api.get('/messages', undefined, { query: { createdAfter: at(10_000), createdBefore: at(10_000) } }))).toEqual([ids.mixed]);
    expect(await total({ createdAfter: at(10_000) })).toBe(2);
    expect(await total({ createdAfter: atMs(11_001) })).toBe(0);
    expect(await total({ createdAfter: '2024-04-08T16:00:10+05:30' })).toBe(2);
    const raw = await sim.http.get(`/msgine/api/v1/messages?createdAfter=${at(10_000)}`).set('Authorization', 'Bearer YOUR_API_TOKEN');
    expect(raw.body.pagination.total).toBe(2);
  });

  it('the bounds compare at the whole second a client reads in createdAt', async () => {
    const { sim, api } = await msgineSim();
    await sim.advance(500);
    const sent = await api.post('/messages/sms', { to: '+256701234567', message: 'half past' });
    // Sent at 10:30:00.500, shown as 10:30:00Z: a filter on the time shown finds it from both sides.
    expect(sent.body.createdAt).toBe(at(0));
    const total = async (query: Record<string, string>) => (await api.get('/messages', undefined, { query })).body.pagination.total as number;
    expect(await total({ createdBefore: sent.body.createdAt })).toBe(1);
    expect(await total({ createdAfter: sent.body.createdAt })).toBe(1);
    expect(await total({ createdAfter: atMs(600) })).toBe(0);
  });

  it('filters combine with each other and with pagination', async () => {
    const { api, ids } = await seed();
    const res = await api.get('/messages', undefined, { query: { to: '+256701234567', createdBefore: at(10_000), limit: 1, page: 2 } });
    expect(res.body.pagination).toEqual({ page: 2, limit: 1, total: 2, pages: 2 });
    expect(idsOf(res)).toEqual([ids.delivered]);
    expect(idsOf(await api.get('/messages', undefined, { query: { status: 'sent', to: '+254712345678' } }))).toEqual([ids.mixed]);
  });

  it.each<{ query: Record<string, string>; field: string }>([
    { query: { status: 'queued' }, field: 'status' },
    { query: { createdAfter: 'yesterday' }, field: 'createdAfter' },
    { query: { createdBefore: '2024-13-45' }, field: 'createdBefore' },
  ])('invalid filter $query → 400 invalid_request naming $field', async ({ query, field }) => {
    const { api } = await msgineSim();
    expectError(await api.get('/messages', undefined, { query }), 400, 'invalid_request', field);
  });
});
