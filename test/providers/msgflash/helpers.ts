import { expectErrorEnvelope, outboxOf } from '../../support/assertions.js';
/**
 * Shared pieces of the MsgFlash integration tests: keys and instances, a sim with MsgFlash clients
 * (personal and team), error assertions in MsgFlash's envelope, /_sim helpers (keys, instance state,
 * outbox, webhook deliveries) and cursor walking.
 */
import { expect } from 'vitest';
import type { EngineOptions } from '../../../src/engine/engine.js';
import { createTestSim, T0, type ApiResponse, type ProviderClient, type TestSim } from '../../support/harness.js';

export { T0 };
export const KEY = 'msgf_live_test0001';
export const OTHER_KEY = 'msgf_live_other0002';
/** The doc's own example key. */
export const DOC_KEY = 'msgf_live_your_api_key_here';
/** Fixture instances every workspace has (fixtures/msgflash.json). */
export const MAIN = '5f0c8a1e-2b7d-4c3a-9e61-0d4b8f2a7c11';
export const SUPPORT = '9a3e7b2c-6d41-4f08-b5c2-7e1f0a9d3b22';
/** Fixture team key of team acme, owned by msgf_live_pro_owner. */
export const TEAM_KEY = 'msgf_team_acme_demo';
export const TEAM_OWNER = 'msgf_live_pro_owner';
export const TEAM_TENANT = 'team:acme';

export const TEXT = { instanceId: MAIN, to: '+14155550123', text: 'Hello from MsgFlash!' } as const;

export interface MsgflashSim {
  sim: TestSim;
  api: ProviderClient;
  other: ProviderClient;
}

/**
 * A sim serving MsgFlash alone at the root (as `msgsim --provider msgflash` does), which builds faster
 * than the whole app; `{ full: true }` mounts every provider, MsgFlash under /msgflash.
 */
export async function msgflashSim(options: Partial<EngineOptions> & { full?: boolean } = {}): Promise<MsgflashSim> {
  const { full, ...engine } = options;
  const sim = await createTestSim({ ...engine, ...(full ? {} : { only: 'msgflash' }) });
  return { sim, api: sim.client('msgflash', { 'x-api-key': KEY }), other: sim.client('msgflash', { 'x-api-key': OTHER_KEY }) };
}

export function client(sim: TestSim, key: string, teamId?: string): ProviderClient {
  return sim.client('msgflash', { 'x-api-key': key, ...(teamId !== undefined ? { 'X-Team-Id': teamId } : {}) });
}

export const at = (ms: number): string => new Date(T0 + ms).toISOString();

/** Asserts MsgFlash's error envelope, with the code and, when given, details.field / details.value. */
export const expectError = expectErrorEnvelope;

export function expectOk(res: ApiResponse, status = 200): any {
  expect(res.status, res.text).toBe(status);
  return res.body.data;
}

export async function registerKey(sim: TestSim, key: string, properties: Record<string, unknown>): Promise<void> {
  const res = await sim.http.post('/_sim/keys').send({ provider: 'msgflash', key, properties });
  expect(res.status, res.text).toBe(201);
}

export async function setInstance(sim: TestSim, tenant: string, instanceId: string, state: 'connected' | 'disconnected'): Promise<void> {
  const res = await sim.http.patch(`/_sim/providers/msgflash/tenants/${encodeURIComponent(tenant)}/settings`).send({ instances: { [instanceId]: state } });
  expect(res.status, res.text).toBe(200);
  expect(res.body.instances[instanceId]).toBe(state);
}

export async function setRateLimits(sim: TestSim, on: boolean): Promise<void> {
  const res = await sim.http.patch('/_sim/config').send({ rateLimits: on });
  expect(res.status).toBe(200);
}

/** Messages stored for one MsgFlash tenant, from the /_sim outbox. */
export const outboxCount = async (sim: TestSim, tenant: string) => (await outboxOf(sim, 'msgflash', tenant)).total;

export async function deliveries(sim: TestSim, query: Record<string, string> = {}): Promise<Array<Record<string, any>>> {
  const res = await sim.http.get('/_sim/webhooks/deliveries').query({ provider: 'msgflash', ...query });
  expect(res.status).toBe(200);
  return res.body.data as Array<Record<string, any>>;
}

/** Follows nextCursor to the end; returns every item's id, in order, and the number of pages. */
export async function walk(
  api: ProviderClient,
  path: string,
  items: string,
  limit: number,
  query: Record<string, string | number> = {},
): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await api.get(path, undefined, { query: { ...query, limit, ...(cursor ? { cursor } : {}) } });
    const data = expectOk(res);
    pages++;
    expect(data[items].length).toBeLessThanOrEqual(limit);
    expect(data.hasMore).toBe(data.nextCursor !== null);
    for (const item of data[items]) ids.push(item.id);
    cursor = data.nextCursor;
  } while (cursor);
  return { ids, pages };
}

export async function createContact(api: ProviderClient, phone: string, extra: Record<string, unknown> = {}): Promise<string> {
  return expectOk(await api.post('/contacts', { phone, ...extra }), 201).id;
}

/** `n` distinct valid US numbers +1415555{1000+i}. */
export const phones = (n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => `+1415555${String(1000 + from + i)}`);
