/**
 * Webhook receivers that are down (closed port), slow (answer after the dispatcher's timeout), answer
 * 500, or reset the connection: every delivery retries on the (manual) clock with the documented
 * backoff (immediately, 5 s, 5 min, 30 min, 2 h, 5 h), gives up after 6 attempts, is in the delivery
 * log, and a send while a receiver hangs still answers.
 */
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clock } from '../../src/engine/clock.js';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { DEFAULT_RETRY_SCHEDULE } from '../../src/engine/webhooks.js';
import { createApp } from '../../src/http/app.js';
import { PROVIDERS } from '../../src/providers/index.js';
import { T0 } from '../support/harness.js';

const KEY = { 'X-API-Key': 'mk_live_faulty0001', 'Content-Type': 'application/json' };
const TIMEOUT_MS = 300;
const REQUEST_MS = 10_000;

export const webhookFaultFigures = { deliveries: 0, attempts: 0 };

function listen(server: Server | NetServer): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe('webhook receivers that fail', () => {
  let engine: Engine;
  let clock: Clock;
  let server: Server;
  let url: string;
  let resetter: NetServer;
  let resetPort: number;
  let closedPort: number;

  beforeAll(async () => {
    clock = new Clock({ mode: 'manual', start: T0 });
    engine = await createEngine({ clock, seed: 42, rateLimits: false, webhookTimeoutMs: TIMEOUT_MS });
    const { app } = await createApp({ engine, providers: PROVIDERS });
    server = createServer(app);
    url = `http://127.0.0.1:${await listen(server)}`;
    resetter = createNetServer((socket) => socket.resetAndDestroy());
    resetPort = await listen(resetter);
    const closed = createServer();
    closedPort = await listen(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise<void>((resolve) => resetter.close(() => resolve()));
    console.log('webhook fault figures', JSON.stringify(webhookFaultFigures));
  });

  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${url}${path}`, { method, headers: KEY, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(REQUEST_MS) });

  it('down, slow, 500 and reset receivers: 6 attempts on the backoff schedule, then failed, all logged', async () => {
    const receiver = (name: string, config: Record<string, unknown>) => api('PUT', `/_sim/receivers/${name}`, config);
    expect((await receiver('slow', { delayMs: TIMEOUT_MS * 10 })).status).toBe(200);
    expect((await receiver('broken', { status: 500 })).status).toBe(200);
    const targets: Record<string, string> = {
      down: `http://127.0.0.1:${closedPort}/hook`,
      slow: `${url}/_sim/receivers/slow/hook`,
      broken: `${url}/_sim/receivers/broken/hook`,
      reset: `http://127.0.0.1:${resetPort}/hook`,
    };
    for (const target of Object.values(targets))
      expect((await api('POST', '/msghub/api/v1/webhooks', { event: 'contact.created', url: target })).status).toBe(201);
    expect((await api('POST', '/msghub/api/v1/contacts', { name: 'Rahul', phone: '+919876543210' })).status).toBe(201);
    await engine.settle();
    for (const delay of DEFAULT_RETRY_SCHEDULE.slice(1)) {
      clock.advance(delay);
      await engine.settle();
    }
    const res = await api('GET', '/_sim/webhooks/deliveries?provider=msghub&limit=100');
    expect(res.status).toBe(200);
    const logged = (
      (await res.json()) as {
        data: Array<{
          id: string;
          url: string;
          status: string;
          attempts: Array<{ at: string; outcome: string; error?: string; response?: { status: number } }>;
          nextAttemptAt: string | null;
        }>;
      }
    ).data;
    expect(logged.map((d) => d.url).sort()).toEqual(Object.values(targets).sort());
    for (const delivery of logged) {
      const what = `${delivery.url}: ${JSON.stringify(delivery.attempts.map((a) => a.error ?? a.response?.status))}`;
      expect(delivery.status, what).toBe('failed');
      expect(delivery.nextAttemptAt, what).toBeNull();
      expect(delivery.attempts, what).toHaveLength(DEFAULT_RETRY_SCHEDULE.length);
      expect(
        delivery.attempts.every((a) => a.outcome === 'failure'),
        what,
      ).toBe(true);
      // the backoff runs on the simulated clock: attempt n+1 comes schedule[n+1] after attempt n
      const gaps = delivery.attempts.slice(1).map((a, i) => Date.parse(a.at) - Date.parse(delivery.attempts[i]!.at));
      expect(gaps, what).toEqual(DEFAULT_RETRY_SCHEDULE.slice(1));
      if (delivery.url === targets.broken)
        expect(
          delivery.attempts.every((a) => a.response?.status === 500),
          what,
        ).toBe(true);
      else
        expect(
          delivery.attempts.every((a) => typeof a.error === 'string' && a.error.length > 0),
          what,
        ).toBe(true);
      webhookFaultFigures.deliveries++;
      webhookFaultFigures.attempts += delivery.attempts.length;
    }
    // nothing more is scheduled: a further day on the clock adds no attempt
    clock.advance(86_400_000);
    await engine.settle();
    for (const delivery of engine.webhooks.list({ namespace: 'msghub' })) expect(delivery.attempts).toHaveLength(DEFAULT_RETRY_SCHEDULE.length);
  }, 60_000);

  it('a receiver that hangs does not block the API', async () => {
    expect((await api('PUT', '/_sim/receivers/hang', { paused: true })).status).toBe(200);
    const key = { ...KEY, 'X-API-Key': 'mk_live_hanging0001' };
    const hookRes = await fetch(`${url}/msghub/api/v1/webhooks`, {
      method: 'POST',
      headers: key,
      body: JSON.stringify({ event: 'contact.created', url: `${url}/_sim/receivers/hang/hook` }),
      signal: AbortSignal.timeout(REQUEST_MS),
    });
    expect(hookRes.status).toBe(201);
    const first = await fetch(`${url}/msghub/api/v1/contacts`, {
      method: 'POST',
      headers: key,
      body: JSON.stringify({ name: 'A', phone: '+919876543211' }),
      signal: AbortSignal.timeout(REQUEST_MS),
    });
    expect(first.status).toBe(201);
    // the delivery to the held receiver is in flight; the API still answers sends and reads
    const send = await fetch(`${url}/msghub/api/v1/messages/send`, {
      method: 'POST',
      headers: key,
      body: JSON.stringify({ channel: 'sms', to: '+14155550123', body: 'while hanging' }),
      signal: AbortSignal.timeout(REQUEST_MS),
    });
    expect(send.status).toBe(201);
    expect((await fetch(`${url}/_sim/health`, { signal: AbortSignal.timeout(REQUEST_MS) })).status).toBe(200);
    await engine.settle(); // the dispatcher's timeout ends the held attempt
    const [delivery] = engine.webhooks.list({ namespace: 'msghub', tenant: 'mk_live_hanging0001' });
    expect(delivery?.attempts[0]?.outcome).toBe('failure');
    expect((await api('PUT', '/_sim/receivers/hang', { paused: false })).status).toBe(200);
  }, 30_000);
});
