/** Rate limits: 100 requests per second and 10,000 per day per API key, on the simulated clock. */
import { describe, expect, it } from 'vitest';
import type { ApiResponse, ProviderClient } from '../../support/harness.js';
import { keepAliveClient } from '../../support/keep-alive-client.js';
import { DOC_SEND, KEY, T0, expectError, msghubSim, outboxCount, setRateLimits } from './helpers.js';

/** `n` cheap requests in parallel (all within the current simulated instant). */
async function burst(api: ProviderClient, n: number): Promise<ApiResponse[]> {
  return Promise.all(Array.from({ length: n }, () => api.get('/webhooks')));
}

function expectLimited(res: ApiResponse, retryAfter: number): void {
  expectError(res, 429, 'rate_limit_exceeded');
  expect(res.headers['retry-after']).toBe(String(retryAfter));
}

describe('100 requests per second per key', () => {
  it('the 101st request in the same simulated second is 429 with Retry-After; the next second works', async () => {
    const { sim, api } = await msghubSim();
    const ok = await burst(api, 100);
    expect(ok.every((r) => r.status === 200)).toBe(true);
    expectLimited(await api.get('/webhooks'), 1);
    expectLimited(await api.get('/contacts'), 1);
    await sim.advance(999);
    expectLimited(await api.get('/webhooks'), 1);
    await sim.advance(1);
    expect((await api.get('/webhooks')).status).toBe(200);
    expect((await burst(api, 99)).every((r) => r.status === 200)).toBe(true);
    expectLimited(await api.get('/webhooks'), 1);
  });

  it('every endpoint shares the budget, and a limited send stores nothing', async () => {
    const { sim, api } = await msghubSim();
    for (let i = 0; i < 50; i++) expect((await api.post('/messages/send', DOC_SEND)).status).toBe(201);
    expect((await burst(api, 50)).every((r) => r.status === 200)).toBe(true);
    const limited = await api.post('/messages/send', DOC_SEND);
    expectLimited(limited, 1);
    expect(await outboxCount(sim, KEY)).toBe(50);
  });

  it('another key is unaffected', async () => {
    const { api, other } = await msghubSim();
    await burst(api, 100);
    expectLimited(await api.get('/webhooks'), 1);
    expect((await burst(other, 100)).every((r) => r.status === 200)).toBe(true);
    expectLimited(await other.get('/webhooks'), 1);
  });

  it('requests refused for a bad key do not use the quota of a real key', async () => {
    const { sim, api } = await msghubSim();
    const bad = sim.client('msghub', { 'X-API-Key': 'nope' });
    for (let i = 0; i < 20; i++) expectError(await bad.get('/webhooks'), 401, 'invalid_api_key');
    expect((await burst(api, 100)).every((r) => r.status === 200)).toBe(true);
  });

  it('PATCH /_sim/config {rateLimits:false} lifts the limits, and true restores them', async () => {
    const { sim, api } = await msghubSim();
    await burst(api, 100);
    expectLimited(await api.get('/webhooks'), 1);
    await setRateLimits(sim, false);
    expect((await burst(api, 300)).every((r) => r.status === 200)).toBe(true);
    await setRateLimits(sim, true);
    await sim.advance(1_000);
    expect((await burst(api, 100)).every((r) => r.status === 200)).toBe(true);
    expectLimited(await api.get('/webhooks'), 1);
  });
});

describe('10,000 requests per day per key', () => {
  it('the 10,001st request of the UTC day is 429 until midnight; other keys are unaffected', async () => {
    const { sim, api, other } = await msghubSim();
    const fast = await keepAliveClient(sim, 'msghub', { 'X-API-Key': KEY });
    try {
      // 100 simulated seconds of 100 requests each: never over the per-second limit.
      for (let second = 0; second < 100; second++) {
        const results = await Promise.all(Array.from({ length: 100 }, () => fast.get('/webhooks')));
        expect(
          results.every((r) => r.status === 200),
          `second ${second}`,
        ).toBe(true);
        await sim.advance(1_000);
      }
    } finally {
      await fast.close();
    }
    const now = T0 + 100_000;
    const midnight = Date.parse('2024-04-09T00:00:00.000Z');
    const untilMidnight = Math.ceil((midnight - now) / 1000);
    expect(untilMidnight).toBe(48_500);

    expectLimited(await api.get('/webhooks'), untilMidnight);
    expectLimited(await api.post('/messages/send', DOC_SEND), untilMidnight);
    expect(await outboxCount(sim, KEY)).toBe(0);
    expect((await other.get('/webhooks')).status).toBe(200);
    expect((await other.post('/messages/send', DOC_SEND)).status).toBe(201);

    // /_sim/config lifts the day quota too, and restoring it brings the 429 back.
    await setRateLimits(sim, false);
    expect((await api.get('/webhooks')).status).toBe(200);
    await setRateLimits(sim, true);
    expectLimited(await api.get('/webhooks'), untilMidnight);

    // Later the same day: still limited, Retry-After counts down.
    await sim.advance(3_600_000);
    expectLimited(await api.get('/webhooks'), untilMidnight - 3_600);
    await sim.advance((untilMidnight - 3_600) * 1000 - 1);
    expectLimited(await api.get('/webhooks'), 1);
    // A new UTC day: the quota is back.
    await sim.advance(1);
    expect((await api.get('/webhooks')).status).toBe(200);
    expect((await api.post('/messages/send', DOC_SEND)).status).toBe(201);
  }, 120_000);
});
