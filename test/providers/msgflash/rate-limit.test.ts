/**
 * Limits on the simulated clock: 10 requests per second per API key (API_RATE_LIMIT_EXCEEDED, "Too many
 * API requests"), and the plan's monthly API request quota (MONTHLY_API_QUOTA_EXCEEDED), independent of
 * each other; team keys count against their owner's quota.
 */
import { describe, expect, it } from 'vitest';
import type { ApiResponse, ProviderClient } from '../../support/harness.js';
import { keepAliveClient } from '../../support/keep-alive-client.js';
import { KEY, T0, TEAM_KEY, TEXT, client, expectError, expectOk, msgflashSim, outboxCount, registerKey, setRateLimits } from './helpers.js';

const MAY_1 = Date.parse('2024-05-01T00:00:00.000Z');
const UNTIL_MAY = Math.ceil((MAY_1 - T0) / 1000);

async function burst(api: ProviderClient, n: number): Promise<ApiResponse[]> {
  return Promise.all(Array.from({ length: n }, () => api.get('/instances')));
}

function expectPerSecond(res: ApiResponse): void {
  expectError(res, 429, 'API_RATE_LIMIT_EXCEEDED');
  expect(res.body.error.message).toBe('Too many API requests');
  expect(res.headers['retry-after']).toBe('1');
}

function expectQuota(res: ApiResponse, retryAfter: number): void {
  expectError(res, 429, 'MONTHLY_API_QUOTA_EXCEEDED');
  expect(res.body.error.message).toBe('Monthly API request quota exceeded');
  expect(res.headers['retry-after']).toBe(String(retryAfter));
}

describe('10 requests per second per API key', () => {
  it('the 11th request in the same simulated second is 429 with Retry-After: 1; the next second works', async () => {
    const { sim, api } = await msgflashSim();
    expect((await burst(api, 10)).every((r) => r.status === 200)).toBe(true);
    expectPerSecond(await api.get('/instances'));
    expectPerSecond(await api.post('/messages/send', TEXT));
    await sim.advance(999);
    expectPerSecond(await api.get('/contacts'));
    await sim.advance(1);
    expect((await burst(api, 10)).every((r) => r.status === 200)).toBe(true);
    expectPerSecond(await api.get('/instances'));
    expect(await outboxCount(sim, KEY)).toBe(0);
  });

  it('is per key: other keys, and each key of one team, have their own 10 per second', async () => {
    const { sim, api, other } = await msgflashSim();
    const teamA = client(sim, TEAM_KEY, 'acme');
    const teamB = client(sim, 'msgf_team_acme_second', 'acme');
    await burst(api, 10);
    expectPerSecond(await api.get('/instances'));
    expect((await burst(other, 10)).every((r) => r.status === 200)).toBe(true);
    expect((await burst(teamA, 10)).every((r) => r.status === 200)).toBe(true);
    expectPerSecond(await teamA.get('/instances'));
    expect((await burst(teamB, 10)).every((r) => r.status === 200)).toBe(true);
    expectPerSecond(await teamB.get('/instances'));
  });

  it('requests refused by the per-second limit do not use the monthly quota', async () => {
    const { sim, api } = await msgflashSim();
    await burst(api, 10);
    for (let i = 0; i < 5; i++) expectPerSecond(await api.get('/instances'));
    await sim.advance(1_000);
    const usage = expectOk(await api.get('/usage'));
    expect(usage.apiRequests).toEqual({ used: 11, limit: 500_000, remaining: 499_989 });
  });

  it('the magic recipient +15005550005 answers 429 API_RATE_LIMIT_EXCEEDED with Retry-After and sends nothing', async () => {
    const { sim, api } = await msgflashSim();
    expectPerSecond(await api.post('/messages/send', { ...TEXT, to: '+15005550005' }));
    expect(await outboxCount(sim, KEY)).toBe(0);
  });

  it('PATCH /_sim/config {rateLimits:false} lifts both limits (and nothing is counted meanwhile)', async () => {
    const { sim, api } = await msgflashSim();
    await burst(api, 10);
    expectPerSecond(await api.get('/instances'));
    await setRateLimits(sim, false);
    expect((await burst(api, 30)).every((r) => r.status === 200)).toBe(true);
    expect(expectOk(await api.get('/usage')).apiRequests.used).toBe(10);
    await setRateLimits(sim, true);
    expectPerSecond(await api.get('/instances'));
  });
});

describe('monthly API request quota', () => {
  it('the fixture key msgf_live_quota_tiny (quota 5): the 6th request of the month is 429 until the 1st (UTC)', async () => {
    const { sim } = await msgflashSim();
    const tiny = client(sim, 'msgf_live_quota_tiny');
    for (let i = 0; i < 4; i++) expectOk(await tiny.get('/instances'));
    expect(expectOk(await tiny.get('/usage')).apiRequests).toEqual({ used: 5, limit: 5, remaining: 0 });
    expectQuota(await tiny.get('/instances'), UNTIL_MAY);
    // Not the per-second limit: a later second is still refused, with Retry-After counting down.
    await sim.advance(3_600_000);
    expectQuota(await tiny.get('/instances'), UNTIL_MAY - 3_600);
    expectQuota(await tiny.post('/messages/send', TEXT), UNTIL_MAY - 3_600);
    await sim.advance(MAY_1 - T0 - 3_600_000 - 1);
    expectQuota(await tiny.get('/instances'), 1);
    await sim.advance(1);
    expect(expectOk(await tiny.get('/usage')).apiRequests).toEqual({ used: 1, limit: 5, remaining: 4 });
  });

  it("the free plan's 1,000 requests, at 10 per second: the 1,001st is refused", async () => {
    const { sim } = await msgflashSim();
    await registerKey(sim, 'msgf_live_free_q', { plan: 'free' });
    const fast = await keepAliveClient(sim, 'msgflash', { 'x-api-key': 'msgf_live_free_q' });
    try {
      for (let second = 0; second < 100; second++) {
        const results = await Promise.all(Array.from({ length: 10 }, () => fast.get('/instances')));
        expect(
          results.every((r) => r.status === 200),
          `second ${second}`,
        ).toBe(true);
        await sim.advance(1_000);
      }
    } finally {
      await fast.close();
    }
    expectQuota(await client(sim, 'msgf_live_free_q').get('/instances'), UNTIL_MAY - 100);
    // Other accounts are unaffected.
    expectOk(await client(sim, KEY).get('/instances'));
  }, 180_000);

  it("team keys count against their owner's quota, and the owner's use counts against the team", async () => {
    const { sim } = await msgflashSim();
    const owner = 'msgf_live_owner_q';
    await registerKey(sim, owner, { plan: 'pro', monthlyApiRequestQuota: 6 });
    await registerKey(sim, 'msgf_team_q_one', { teamId: 'qteam', ownerKey: owner });
    const personal = client(sim, owner);
    const team = client(sim, 'msgf_team_q_one', 'qteam');
    expectOk(await personal.get('/instances'));
    expectOk(await personal.get('/instances'));
    for (let i = 0; i < 3; i++) expectOk(await team.get('/instances'));
    expect(expectOk(await personal.get('/usage')).apiRequests).toEqual({ used: 6, limit: 6, remaining: 0 });
    expectQuota(await personal.get('/instances'), UNTIL_MAY);
    expectQuota(await team.get('/instances'), UNTIL_MAY);
    // Another account is unaffected.
    expectOk(await client(sim, KEY).get('/instances'));
  });

  it('a plan set through /_sim/keys takes effect at once', async () => {
    const { sim, api } = await msgflashSim();
    for (let i = 0; i < 3; i++) expectOk(await api.get('/instances'));
    await registerKey(sim, KEY, { plan: 'free', monthlyApiRequestQuota: 3 });
    expectQuota(await api.get('/instances'), UNTIL_MAY);
    await registerKey(sim, KEY, { plan: 'pro' });
    expect(expectOk(await api.get('/usage')).apiRequests).toEqual({ used: 4, limit: 500_000, remaining: 499_996 });
  });
});
