/**
 * "100 requests per minute per API token; Burst: Up to 20 requests per second", answered with the doc's
 * 429 body and a Retry-After equal to the real wait. The harness clock starts on a minute boundary, so
 * the fixed windows are [T0, T0+1 s) and [T0, T0+60 s).
 */
import { describe, expect, it } from 'vitest';
import type { ApiResponse, ProviderClient } from '../../support/harness.js';
import { DOC_SEND, T0, msgineSim, outboxCount } from './helpers.js';

/** Asserts the doc's 429: `{error:{code, message, retryAfter}}` and a Retry-After header of the same seconds. */
function expectLimited(res: ApiResponse, retryAfter: number): void {
  expect(res.status, res.text).toBe(429);
  expect(res.body).toEqual({ error: { code: 'rate_limit_exceeded', message: expect.any(String), retryAfter } });
  expect(res.headers['retry-after']).toBe(String(retryAfter));
}

async function burst(api: ProviderClient, n: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push((await api.get('/messages')).status);
  return statuses;
}

describe('burst: 20 requests per second per token', () => {
  it('the 21st request in a second is 429 until the second ends', async () => {
    const { sim, api } = await msgineSim();
    expect(T0 % 60_000).toBe(0);
    expect(await burst(api, 20)).toEqual(Array(20).fill(200));
    expectLimited(await api.post('/messages/sms', DOC_SEND), 1);
    expect(await outboxCount(sim)).toBe(0);
    await sim.advance(999);
    expectLimited(await api.get('/messages'), 1);
    await sim.advance(1);
    expect((await api.post('/messages/sms', DOC_SEND)).status).toBe(201);
  });

  it('counts sends and reads together, per token; refused requests do not count', async () => {
    const { sim, api, other } = await msgineSim();
    for (let i = 0; i < 10; i++) expect((await api.post('/messages/sms', DOC_SEND)).status).toBe(201);
    expect(await burst(api, 10)).toEqual(Array(10).fill(200));
    expectLimited(await api.get('/messages'), 1);
    expectLimited(await api.get('/messages'), 1);
    // Another token has its own budget.
    expect(await burst(other, 20)).toEqual(Array(20).fill(200));
    // Unauthenticated requests are refused before they are counted.
    expect((await sim.client('msgine', {}).get('/messages')).status).toBe(401);
    await sim.advance(1_000);
    expect(await burst(api, 20)).toEqual(Array(20).fill(200));
  });
});

describe('per minute: 100 requests per token', () => {
  it('the 101st request in a minute is 429 with Retry-After = seconds left in the minute', async () => {
    const { sim, api } = await msgineSim();
    for (let second = 0; second < 5; second++) {
      expect(await burst(api, 20)).toEqual(Array(20).fill(200));
      await sim.advance(1_000);
    }
    // t = 5 s: the burst window is fresh, the minute is used up.
    expectLimited(await api.post('/messages/sms', DOC_SEND), 55);
    await sim.advance(25_000);
    expectLimited(await api.get('/messages'), 30);
    await sim.advance(29_500);
    // 0.5 s left: Retry-After rounds up, never earlier than the window frees.
    expectLimited(await api.get('/messages'), 1);
    await sim.advance(499);
    expectLimited(await api.get('/messages'), 1);
    await sim.advance(1);
    expect((await api.post('/messages/sms', DOC_SEND)).status).toBe(201);
  });

  it('when the minute is spent mid-second, Retry-After names the minute, not the burst', async () => {
    const { sim, api } = await msgineSim();
    for (let second = 0; second < 4; second++) {
      await burst(api, 20);
      await sim.advance(1_000);
    }
    await sim.advance(500); // t = 4.5 s
    expect(await burst(api, 20)).toEqual(Array(20).fill(200));
    // Both windows are spent; retrying after the burst frees (0.5 s) would still fail, so 56 s.
    expectLimited(await api.get('/messages'), 56);
    await sim.advance(500);
    expectLimited(await api.get('/messages'), 55);
  });

  it('limits can be switched off through /_sim/config', async () => {
    const { sim, api } = await msgineSim();
    await burst(api, 20);
    expectLimited(await api.get('/messages'), 1);
    expect((await sim.http.patch('/_sim/config').send({ rateLimits: false })).status).toBe(200);
    expect(await burst(api, 30)).toEqual(Array(30).fill(200));
  });
});
