/**
 * Billing reads: the doc's curl example (GET /usage with msgf_live_your_api_key_here), the plan catalog
 * from fixtures, subscription and period on the clock, usage counted from what the account did
 * (including its team workspaces), and payment history.
 */
import { describe, expect, it } from 'vitest';
import { DOC_KEY, KEY, MAIN, TEAM_KEY, TEAM_OWNER, TEXT, at, client, createContact, expectOk, msgflashSim } from './helpers.js';

const APRIL = { start: '2024-04-01T00:00:00.000Z', end: '2024-05-01T00:00:00.000Z' };

describe('GET /usage', () => {
  it("the doc's example: curl …/api/v1/usage -H 'x-api-key: msgf_live_your_api_key_here'", async () => {
    const { sim } = await msgflashSim({ full: true });
    const res = await sim.http.get('/msgflash/api/v1/usage').set('x-api-key', DOC_KEY);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: {
        plan: 'pro',
        period: APRIL,
        apiRequests: { used: 1, limit: 500_000, remaining: 499_999 },
        messages: { used: 0, limit: 50_000, remaining: 50_000 },
      },
    });
  });

  it('counts the requests and messages this account made this month', async () => {
    const { sim, api } = await msgflashSim();
    expectOk(await api.post('/messages/send', TEXT), 201);
    expectOk(await api.post('/campaigns', { name: 'c', instanceId: MAIN, text: 'Hi', recipients: ['+14155550101', '+14155550102'] }), 201);
    expect((await api.post('/messages/send', { ...TEXT, to: 'nope' })).status).toBe(400);
    const usage = expectOk(await api.get('/usage'));
    // 4 requests (the rejected send counts as a request, not as a message).
    expect(usage).toEqual({
      plan: 'pro',
      period: APRIL,
      apiRequests: { used: 4, limit: 500_000, remaining: 499_996 },
      messages: { used: 3, limit: 50_000, remaining: 49_997 },
    });
    // Another account is counted apart.
    expect(expectOk(await client(sim, 'msgf_live_someone_else').get('/usage')).messages.used).toBe(0);
  });

  it("the owner's usage includes its team workspaces", async () => {
    const { sim } = await msgflashSim();
    const team = client(sim, TEAM_KEY, 'acme');
    expectOk(await team.post('/messages/send', TEXT), 201);
    expectOk(await team.get('/instances'));
    const usage = expectOk(await client(sim, TEAM_OWNER).get('/usage'));
    expect(usage).toMatchObject({ apiRequests: { used: 3 }, messages: { used: 1 } });
  });

  it('a new month starts from zero', async () => {
    const { sim, api } = await msgflashSim();
    expectOk(await api.post('/messages/send', TEXT), 201);
    await sim.advance(Date.parse(APRIL.end) - Date.parse(at(0)));
    expect(expectOk(await api.get('/usage'))).toMatchObject({
      period: { start: '2024-05-01T00:00:00.000Z', end: '2024-06-01T00:00:00.000Z' },
      apiRequests: { used: 1 },
      messages: { used: 0 },
    });
  });
});

describe('billing', () => {
  it('GET /billing/plans lists free, starter and pro with prices, limits and features', async () => {
    const { api } = await msgflashSim();
    const plans = expectOk(await api.get('/billing/plans'));
    expect(plans.map((p: any) => [p.id, p.price.amount, p.limits.monthlyApiRequestQuota, p.limits.monthlyMessages])).toEqual([
      ['free', 0, 1_000, 100],
      ['starter', 1_900, 50_000, 5_000],
      ['pro', 7_900, 500_000, 50_000],
    ]);
    expect(plans[0].features).toEqual({ scheduledMessages: true, campaigns: false, statuses: false, bulkContactJobs: false, teamWorkspaces: false });
    expect(plans[2].price).toEqual({ amount: 7_900, currency: 'USD', interval: 'month' });
  });

  it('GET /billing/subscription: the plan and the calendar-month period', async () => {
    const { sim, api } = await msgflashSim();
    const sub = expectOk(await api.get('/billing/subscription'));
    expect(sub).toEqual({
      id: expect.any(String),
      plan: expect.objectContaining({ id: 'pro', name: 'Pro' }),
      status: 'active',
      startedAt: '2024-02-01T00:00:00.000Z',
      currentPeriodStart: APRIL.start,
      currentPeriodEnd: APRIL.end,
      cancelAtPeriodEnd: false,
    });
    expect(expectOk(await api.get('/billing/subscription')).id).toBe(sub.id);
    expect(expectOk(await client(sim, 'msgf_live_starter_demo').get('/billing/subscription')).plan.id).toBe('starter');
  });

  it('GET /billing/usage: usage, limits, remaining and features', async () => {
    const { api } = await msgflashSim({ rateLimits: false });
    await createContact(api, '+14155550101');
    await createContact(api, '+14155550102');
    expectOk(await api.post('/messages/send', TEXT), 201);
    expectOk(await api.post('/statuses', { instanceId: MAIN, type: 'text', text: 'Hi' }), 201);
    expect(expectOk(await api.get('/billing/usage'))).toEqual({
      plan: { id: 'pro', name: 'Pro' },
      period: APRIL,
      // Rate limits are off in this test, so API requests are not counted.
      usage: { apiRequests: 0, messages: 1, statuses: 1, contacts: 2 },
      limits: { monthlyApiRequestQuota: 500_000, monthlyMessages: 50_000 },
      remaining: { apiRequests: 500_000, messages: 49_999 },
      features: { scheduledMessages: true, campaigns: true, statuses: true, bulkContactJobs: true, teamWorkspaces: true },
    });
  });

  it('GET /billing/payments: one paid invoice per month on a paid plan, none on free', async () => {
    const { sim, api } = await msgflashSim();
    const payments = expectOk(await api.get('/billing/payments'));
    expect(payments.map((p: any) => [p.amount, p.currency, p.status, p.periodStart, p.periodEnd, p.paidAt])).toEqual([
      [7_900, 'USD', 'succeeded', '2024-04-01T00:00:00.000Z', '2024-05-01T00:00:00.000Z', '2024-04-01T00:00:00.000Z'],
      [7_900, 'USD', 'succeeded', '2024-03-01T00:00:00.000Z', '2024-04-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z'],
      [7_900, 'USD', 'succeeded', '2024-02-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z', '2024-02-01T00:00:00.000Z'],
    ]);
    expect(payments[0]).toMatchObject({ description: 'Pro plan, 2024-04', invoiceNumber: expect.stringMatching(/^MF-202404-[0-9A-F]{6}$/) });
    expect(new Set(payments.map((p: any) => p.id)).size).toBe(3);
    expect(expectOk(await api.get('/billing/payments'))).toEqual(payments);
    expect(expectOk(await client(sim, KEY.replace('test', 'other')).get('/billing/payments'))[0].id).not.toBe(payments[0].id);
    expect(expectOk(await client(sim, 'msgf_live_free_demo').get('/billing/payments'))).toEqual([]);
  });
});
