/**
 * Load with nothing lost: a real simulator on port 0 (manual clock), 2,000 sends across 3 providers and
 * 10 tenants from 25 concurrent clients over real HTTP, every request bounded by AbortSignal.timeout.
 * Afterwards every 201 is retrievable by id with its content, outbox totals equal what was acknowledged,
 * and each delivered event produced exactly one successful webhook delivery per subscription (the
 * built-in receivers /_sim/receivers/<name>/hook are the subscribers; deduped by event id), each at
 * its first attempt.
 *
 * That last part used to flake on a busy machine: an attempt timed out after 15 s and its delivery read
 * "retrying". The cause was the dispatcher, not this test: the first advance releases ~2,700 deliveries
 * at once, and with no bound on dispatch each was its own fetch, i.e. its own new connection to this
 * server (undici opens one per concurrent request to an origin). The listen backlog (511) overflowed,
 * and the connections left out waited on TCP's SYN retransmissions (at 1 s, 3 s, 7 s, 15 s) while the
 * attempt's timeout ran; on a quiet machine every attempt already took 1–4 s, and on a busy one some
 * reached 15 s. Now at most 16 attempts go to one origin at once, over keep-alive sockets, and the
 * timeout starts when the request is sent (src/engine/dispatch-pool.ts, webhook-post.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAbsent, type WebhookProfile } from '../../src/providers/client-profile.js';
import { createSimulator, PROVIDERS as REGISTRY, type Simulator } from '../../src/index.js';
import { basePath, credentials, messagePath, sendBody, sendPath, sentId, withQuery, type ProviderName } from './support.js';

/** The registered providers that deliver webhooks (a subscription, or a callback URL on each send). */
const HOOKED = REGISTRY.flatMap((p) => (isAbsent(p.profile.webhooks) ? [] : [{ name: p.name, webhooks: p.profile.webhooks }]));
const PROVIDERS: readonly ProviderName[] = HOOKED.map((p) => p.name);
const webhooksOf = (provider: ProviderName): WebhookProfile => HOOKED.find((p) => p.name === provider)!.webhooks;
const TENANTS = 10;
const SENDS = Number(process.env.LOAD_SENDS ?? 2_000);
const CONCURRENCY = 25;
const REQUEST_TIMEOUT_MS = 15_000;

interface Acked {
  provider: ProviderName;
  tenant: number;
  id: string;
  text: string;
  to: string;
}

export const loadFigures = { sends: 0, acknowledged: 0, retrieved: 0, deliveries: 0, duplicates: 0 };

async function call(
  sim: Simulator,
  provider: ProviderName,
  tenant: number,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const { headers } = credentials(provider, tenant);
  const res = await fetch(`${sim.url}${basePath(provider)}${withQuery(provider, tenant, path)}`, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

describe('load: nothing acknowledged is lost', () => {
  let sim: Simulator;
  const acked: Acked[] = [];
  beforeAll(async () => {
    sim = await createSimulator({ clock: 'manual', port: 0, rateLimits: false, seed: 42 });
  });
  afterAll(async () => {
    await sim?.close();
    console.log('load figures', JSON.stringify(loadFigures));
  });

  it(`${SENDS} sends across ${PROVIDERS.length} providers and ${TENANTS} tenants, ${CONCURRENCY} at a time`, async () => {
    // one subscription per tenant of the providers with webhook endpoints; the others take a callback URL per send
    const hook = (p: string, t: number) => `${sim.url}/_sim/receivers/load-${p}-${t}/hook`;
    for (let t = 0; t < TENANTS; t++) {
      for (const provider of PROVIDERS) {
        const webhooks = webhooksOf(provider);
        if (webhooks.via !== 'subscription') continue;
        const { path, body } = webhooks.subscribe(hook(provider, t));
        expect((await call(sim, provider, t, 'POST', path, body)).status).toBe(201);
      }
    }
    let next = 0;
    const statuses: Record<number, number> = {};
    const worker = async () => {
      while (next < SENDS) {
        const i = next++;
        const provider = PROVIDERS[i % PROVIDERS.length]!;
        const tenant = Math.floor(i / PROVIDERS.length) % TENANTS;
        const to = `+1415555${String(1000 + (i % 9000)).padStart(4, '0')}`;
        const text = `load #${i} ünïcode ✓`;
        const body = sendBody(provider, to, text);
        const webhooks = webhooksOf(provider);
        if (webhooks.via === 'send') body[webhooks.field] = hook(provider, tenant);
        const res = await call(sim, provider, tenant, 'POST', sendPath(provider), body);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status === 201) acked.push({ provider, tenant, id: sentId(provider, res.body), text, to });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    loadFigures.sends = SENDS;
    loadFigures.acknowledged = acked.length;
    expect(statuses).toEqual({ 201: SENDS });
    expect(new Set(acked.map((a) => `${a.provider}/${a.id}`)).size).toBe(acked.length);
  }, 90_000);

  it('every acknowledged message is retrievable by id with its content, and totals match', async () => {
    let next = 0;
    const worker = async () => {
      while (next < acked.length) {
        const a = acked[next++]!;
        const res = await call(sim, a.provider, a.tenant, 'GET', messagePath(a.provider, a.id));
        expect(res.status, `${a.provider} ${a.id}`).toBe(200);
        expect(JSON.stringify(res.body)).toContain(JSON.stringify(a.text).slice(1, -1));
        loadFigures.retrieved++;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    for (const provider of PROVIDERS) {
      for (let t = 0; t < TENANTS; t++) {
        const expected = acked.filter((a) => a.provider === provider && a.tenant === t).length;
        const tenantId = sim
          .messages(provider)
          .find((m) =>
            acked.some((a) => a.provider === provider && a.tenant === t && (a.id === m.id || a.id === (m.data as { parentId?: string } | undefined)?.parentId)),
          )?.tenant;
        expect(tenantId).toBeDefined();
        const res = await fetch(`${sim.url}/_sim/messages?provider=${provider}&tenant=${encodeURIComponent(tenantId!)}&limit=1`, {
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        expect(((await res.json()) as { total: number }).total).toBe(expected);
      }
      expect(sim.messages(provider)).toHaveLength(acked.filter((a) => a.provider === provider).length);
    }
  }, 90_000);

  it('each delivered event makes exactly one successful delivery per subscription', async () => {
    for (let i = 0; i < 6; i++) {
      sim.clock.advance(5_000);
      await sim.settle();
    }
    for (const provider of PROVIDERS) {
      const mine = acked.filter((a) => a.provider === provider);
      const delivered = sim.messages(provider).filter((m) => m.status === 'delivered' || m.status === 'read');
      expect(delivered).toHaveLength(mine.length);
      const log = sim.engine.webhooks.list({ namespace: provider });
      const perEvent = new Map<string, number>();
      for (const d of log) {
        expect(d.status, `${provider} ${d.url} ${JSON.stringify(d.attempts.at(-1))}`).toBe('succeeded');
        expect(d.attempts, `${provider} ${d.url}: one attempt, a success`).toHaveLength(1);
        const key = `${d.url} ${d.eventId}`;
        perEvent.set(key, (perEvent.get(key) ?? 0) + 1);
      }
      const dupes = [...perEvent.values()].filter((n) => n > 1).length;
      loadFigures.duplicates += dupes;
      expect(dupes).toBe(0);
      // each tenant has exactly one subscription, to the delivered event; a callback URL given with the
      // send gets every status change a client can see (sent, delivered)
      const eventsPerMessage = webhooksOf(provider).via === 'send' ? 2 : 1;
      expect(new Set(log.map((d) => d.eventId)).size, `${provider} events`).toBe(mine.length * eventsPerMessage);
      expect(log).toHaveLength(mine.length * eventsPerMessage);
      loadFigures.deliveries += log.length;
    }
  }, 90_000);
});
