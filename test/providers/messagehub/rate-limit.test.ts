/**
 * "Rate Limits: Free 60 req/min, Pro 600 req/min, Enterprise 6,000 req/min", and "Rate limit headers are
 * included in every response": X-RateLimit-Limit / -Remaining / -Reset (unix seconds), on the manual clock.
 * T0 is 10:30:00.000Z, so the first window ends at 10:31:00.
 */
import { describe, expect, it } from 'vitest';
import type { TestSim } from '../../support/harness.js';
import { keepAliveClient } from '../../support/keep-alive-client.js';
import { DOC_SEND, FIRST_WINDOW_END, KEY, T0, expectError, expectRateHeaders, hubSim, outbox, receipt, send } from './helpers.js';

/** Uses up the rest of `key`'s window (`limit`, of which `used` are gone), then checks the 429. */
async function exhaust(sim: TestSim, key: string, limit: number, used: number): Promise<void> {
  const client = await keepAliveClient(sim, 'messagehub', { Authorization: `Bearer ${key}` });
  const count = limit - used;
  try {
    for (let done = 0; done < count; done += 100) {
      const results = await Promise.all(Array.from({ length: Math.min(100, count - done) }, () => client.get('/messages/msg_none')));
      expect(results.every((r) => r.status === 404)).toBe(true);
    }
    const over = await client.get('/messages/msg_none');
    expect(over.status).toBe(429);
    expect(over.headers['retry-after']).toBe('60');
    expect(over.headers['x-ratelimit-limit']).toBe(String(limit));
    expect(over.headers['x-ratelimit-remaining']).toBe('0');
  } finally {
    await client.close();
  }
}

describe('tiers', () => {
  it('Free (cpk_live_free_tier): 60 a minute, the 61st is 429 with Retry-After until the window frees', async () => {
    const { sim, as } = await hubSim();
    const free = as('cpk_live_free_tier');
    await sim.advance(15_000);
    for (let i = 1; i <= 60; i++) {
      const res = await free.get('/messages/msg_none');
      expectError(res, 404, 'MESSAGE_NOT_FOUND');
      expectRateHeaders(res, 60, 60 - i, FIRST_WINDOW_END);
    }
    const limited = await free.post('/messages/send', DOC_SEND);
    expectError(limited, 429, 'RATE_LIMITED');
    expect(limited.headers['retry-after']).toBe('45');
    expectRateHeaders(limited, 60, 0, FIRST_WINDOW_END);
    expect(await outbox(sim)).toHaveLength(0);

    await sim.advance(44_999);
    expect((await free.get('/messages/msg_none')).headers['retry-after']).toBe('1');
    await sim.advance(1);
    const next = await free.post('/messages/send', DOC_SEND);
    expect(next.status).toBe(201);
    expectRateHeaders(next, 60, 59, FIRST_WINDOW_END + 60_000);
  });

  it("Pro (any unregistered key, as the doc's header example): 600 a minute", async () => {
    const { sim, api } = await hubSim();
    expectRateHeaders(await api.get('/messages/msg_none'), 600, 599, FIRST_WINDOW_END);
    await exhaust(sim, KEY, 600, 1);
  }, 120_000);

  it('Enterprise (cpk_live_enterprise_tier): 6,000 a minute', async () => {
    const { sim, as } = await hubSim();
    expectRateHeaders(await as('cpk_live_enterprise_tier').get('/messages/msg_none'), 6_000, 5_999, FIRST_WINDOW_END);
    await exhaust(sim, 'cpk_live_enterprise_tier', 6_000, 1);
  }, 300_000);

  it('a tier registered through /_sim/keys applies to the next request', async () => {
    const { sim, api } = await hubSim();
    await send(api, DOC_SEND);
    const res = await sim.http.post('/_sim/keys').send({ provider: 'messagehub', key: KEY, properties: { tier: 'free' } });
    expect(res.status).toBe(201);
    expectRateHeaders(await api.get('/messages/msg_none'), 60, 58, FIRST_WINDOW_END);
    // An unknown tier name falls back to the default (Pro).
    await sim.http.post('/_sim/keys').send({ provider: 'messagehub', key: KEY, properties: { tier: 'gold' } });
    expectRateHeaders(await api.get('/messages/msg_none'), 600, 597, FIRST_WINDOW_END);
  });

  it('each key has its own window; refused keys use none', async () => {
    const { sim, api, other } = await hubSim();
    for (let i = 0; i < 5; i++) await api.get('/messages/msg_none');
    await sim.client('messagehub', { Authorization: 'Bearer bad' }).get('/messages/msg_none');
    expectRateHeaders(await other.get('/messages/msg_none'), 600, 599, FIRST_WINDOW_END);
    expectRateHeaders(await api.get('/messages/msg_none'), 600, 594, FIRST_WINDOW_END);
  });
});

describe('headers on every response, errors included', () => {
  it("counted requests report the key's window: success, 400, 404, 415", async () => {
    const { api } = await hubSim();
    expectRateHeaders(await api.post('/messages/send', DOC_SEND), 600, 599, FIRST_WINDOW_END);
    expectRateHeaders(await api.post('/messages/send', { ...DOC_SEND, channel: 'fax' }), 600, 598, FIRST_WINDOW_END);
    expectRateHeaders(await api.get('/messages/msg_none'), 600, 597, FIRST_WINDOW_END);
    const raw = await api.post('/messages/send', undefined, { raw: '{"to":', contentType: 'application/json' });
    expectError(raw, 400, 'INVALID_JSON');
    expectRateHeaders(raw, 600, 596, FIRST_WINDOW_END);
    const text = await api.post('/messages/send', undefined, { raw: 'hello', contentType: 'text/plain' });
    expectError(text, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectRateHeaders(text, 600, 595, FIRST_WINDOW_END);
  });

  it("requests refused before the limiter report the caller's own window, uncounted: unknown route, 405, injected 503, 403", async () => {
    // Issue 20: these reported the Free window (60) for a Pro key.
    const { sim, api, as } = await hubSim();
    await sim.advance(30_000);
    expectRateHeaders(await api.get('/messages/msg_none'), 600, 599, FIRST_WINDOW_END);
    const unknown = await api.get('/contacts');
    expectError(unknown, 404, 'NOT_FOUND');
    expectRateHeaders(unknown, 600, 599, FIRST_WINDOW_END);
    const wrongMethod = await sim.http.delete('/messagehub/api/v1/content/distribute').set('Authorization', `Bearer ${KEY}`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body.error.code).toBe('METHOD_NOT_ALLOWED');
    expect(wrongMethod.headers.allow).toBe('POST');
    expectRateHeaders(wrongMethod, 600, 599, FIRST_WINDOW_END);
    const injected = await api.post('/messages/send', DOC_SEND, { headers: { 'X-Msgsim-Fault': '503' } });
    expectError(injected, 503, 'SERVICE_UNAVAILABLE');
    expectRateHeaders(injected, 600, 599, FIRST_WINDOW_END);
    expect(await outbox(sim)).toHaveLength(0);
    // Each key its own tier: a Free key's 404 and an Enterprise key's 403 (scope) show theirs.
    expectRateHeaders(await as('cpk_live_free_tier').get('/contacts'), 60, 60, FIRST_WINDOW_END);
    await sim.http
      .post('/_sim/keys')
      .send({ provider: 'messagehub', key: 'cpk_live_ent_reader', properties: { tier: 'enterprise', scopes: ['messages:read'] } });
    const forbidden = await as('cpk_live_ent_reader').post('/messages/send', DOC_SEND);
    expectError(forbidden, 403, 'INSUFFICIENT_SCOPE');
    expectRateHeaders(forbidden, 6_000, 6_000, FIRST_WINDOW_END);
  });

  it('only a request whose credential cannot be read reports the Free window: none, malformed, or the magic invalid key', async () => {
    const { sim } = await hubSim();
    for (const headers of [{}, { Authorization: 'Bearer nope' }, { Authorization: 'Bearer cpk_live_invalid_key' }] as Record<string, string>[]) {
      for (const res of [await sim.client('messagehub', headers).get('/messages/msg_none'), await sim.client('messagehub', headers).get('/contacts')]) {
        expect([401, 404]).toContain(res.status);
        expectRateHeaders(res, 60, 60, FIRST_WINDOW_END);
      }
    }
  });

  it('the public delivery webhook reports the Free window, untouched, and is not limited', async () => {
    const { sim, api } = await hubSim();
    const id = await send(api, DOC_SEND);
    for (let i = 0; i < 70; i++) {
      const res = await receipt(sim, { messageId: id, status: 'sent' });
      expect(res.status).toBe(200);
      expectRateHeaders(res, 60, 60, FIRST_WINDOW_END);
    }
    expectError(await receipt(sim, { messageId: 'msg_nope', status: 'sent' }), 404, 'MESSAGE_NOT_FOUND');
  });

  it('with limits switched off (/_sim/config) nothing is counted and the window is still reported', async () => {
    const { sim, as } = await hubSim();
    const free = as('cpk_live_free_tier');
    await free.get('/messages/msg_none');
    expect((await sim.http.patch('/_sim/config').send({ rateLimits: false })).status).toBe(200);
    for (let i = 0; i < 70; i++) {
      const res = await free.get('/messages/msg_none');
      expectError(res, 404, 'MESSAGE_NOT_FOUND');
      expectRateHeaders(res, 60, 59, FIRST_WINDOW_END);
    }
    expectRateHeaders(await free.post('/messages/send', DOC_SEND), 60, 59, FIRST_WINDOW_END);
    expect((await sim.http.patch('/_sim/config').send({ rateLimits: true })).status).toBe(200);
    expectRateHeaders(await free.get('/messages/msg_none'), 60, 58, FIRST_WINDOW_END);
  });

  it("X-RateLimit-Reset is unix seconds at the end of the minute (the doc's 1707400800 style)", async () => {
    const { sim, api } = await hubSim();
    await sim.advance(90_000);
    const res = await api.get('/messages/msg_none');
    expect(Number(res.headers['x-ratelimit-reset'])).toBe((T0 + 120_000) / 1000);
    expect(res.headers['x-ratelimit-reset']).toMatch(/^\d{10}$/);
  });
});
