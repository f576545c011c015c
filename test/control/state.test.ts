/**
 * GET / PUT /_sim/state: export → restore → export is byte for byte the same, in the same simulator and
 * in a fresh one, with every provider holding messages mid-lifecycle, jobs, idempotency keys, quotas,
 * deliveries waiting for a retry, keys and fault rules; scopes replace only themselves; what is restored
 * runs on as after a restart; a bad document is a 400 naming the field and changes nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { present } from '../../src/providers/client-profile.js';
import { PROVIDERS } from '../../src/providers/index.js';
import { rateLimitKey } from '../../src/providers/provider.js';
import { createTestSim, T0, type TestSim } from '../support/harness.js';
import { populateEveryProvider, PROVIDERS_WITH_JOBS, stateAuth, stateTenant } from '../support/populate.js';
import { apiOf } from '../support/profile-api.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

let hook: WebhookReceiver;
beforeAll(async () => {
  hook = await startWebhookReceiver('/hooks', 500);
});
afterAll(async () => {
  await hook.close();
});

async function exported(sim: TestSim, query = ''): Promise<string> {
  const res = await sim.http.get(`/_sim/state${query}`);
  expect(res.status, res.text.slice(0, 500)).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  return res.text;
}

async function restore(sim: TestSim, body: string | Buffer, headers: Record<string, string> = {}) {
  return (
    sim.http
      .put('/_sim/state')
      .set({ 'Content-Type': 'application/json', ...headers })
      // As the bytes are: superagent would write a Buffer under a JSON type as {"type":"Buffer",…}.
      .serialize((data: unknown) => data as string)
      .send(body)
  );
}

function sections(text: string) {
  return JSON.parse(text) as {
    scope: { provider: string | null; tenant: string | null };
    collections: Array<{ provider: string; tenant: string; collection: string; record: { id: string; status?: string } }>;
    jobs: Array<{ namespace: string; kind: string }>;
    idempotency: unknown[];
    quotas: Array<{ key: string }>;
    webhookDeliveries: Array<{ delivery: { namespace: string; status: string } }>;
    keys: Array<{ provider: string }>;
    faults: Array<{ provider?: string; hits: number }>;
    facts: Record<string, unknown>;
  };
}

describe('/_sim/state with every provider holding data', () => {
  let sim: TestSim;
  let first: string;

  beforeAll(async () => {
    sim = await createTestSim();
    await populateEveryProvider(sim, `${hook.url}`);
    first = await exported(sim);
  });

  it('exports everything a restart keeps, from every provider', () => {
    const doc = sections(first);
    expect(doc.scope).toEqual({ provider: null, tenant: null });
    expect(new Set(doc.collections.map((c) => c.provider))).toEqual(new Set(PROVIDERS.map((p) => p.name)));
    const statuses = new Set(doc.collections.filter((c) => c.collection === 'messages').map((c) => c.record.status));
    expect(statuses).toEqual(new Set(['queued', 'sent']));
    // A running campaign's next batch, a fallback timeout, a scheduled send, a scheduled campaign, a bulk job.
    expect(new Set(doc.jobs.map((j) => j.namespace))).toEqual(new Set(PROVIDERS_WITH_JOBS));
    expect(new Set(doc.jobs.map((j) => j.kind)).size).toBeGreaterThanOrEqual(4);
    // One Idempotency-Key send from each provider that honours them.
    expect(doc.idempotency).toHaveLength(PROVIDERS.filter((p) => present(p.profile.idempotency)).length);
    expect(doc.quotas.map((q) => q.key)).toEqual(expect.arrayContaining(['msghub', 'msgflash'].map((p) => rateLimitKey(p, stateTenant(sim, p)))));
    expect(doc.webhookDeliveries.length).toBeGreaterThan(0);
    expect(doc.webhookDeliveries.every((d) => d.delivery.status === 'retrying')).toBe(true);
    expect(doc.keys.map((k) => k.provider)).toContain('msghub');
    expect(doc.faults).toEqual([expect.objectContaining({ provider: 'msghub', hits: 1 })]);
    expect(Object.keys(doc.facts)).toEqual(['now', 'seq', 'seed', 'idPosition', 'faultDice', 'rateLimits', 'timings']);
    expect(doc.facts.now).toBe(new Date(T0 + 1_500).toISOString());
    // One record a line: the layout PUT reads line by line.
    expect(first.split('\n').length).toBeGreaterThan(doc.collections.length);
  });

  it('export → restore → export is byte-identical in the same simulator', async () => {
    const res = await restore(sim, first);
    expect(res.status, res.text).toBe(200);
    expect(res.body.restored).toMatchObject({
      scope: { provider: null, tenant: null },
      records: sections(first).collections.length,
      idempotency: sections(first).idempotency.length,
    });
    expect(await exported(sim)).toBe(first);
  });

  it('export → restore into a fresh simulator → export is byte-identical, and both then run the same way', async () => {
    const fresh = await createTestSim({ seed: 7 });
    expect((await restore(fresh, first)).status).toBe(200);
    expect(await exported(fresh)).toBe(first);

    // Lifecycles, campaigns, scheduled sends and fallback timeouts were re-armed as after a restart.
    for (const s of [sim, fresh]) {
      expect(await s.http.post('/_sim/clock/advance').send({ by: '1d' })).toMatchObject({ status: 200 });
      await s.engine.settle();
    }
    const records = (text: string) => sections(text).collections;
    const after = records(await exported(sim));
    expect(records(await exported(fresh))).toEqual(after);
    expect(after.filter((c) => c.collection === 'messages').every((c) => c.record.status !== 'queued')).toBe(true);
    expect(after.filter((c) => c.provider === 'msgflash' && c.collection === 'messages')).toHaveLength(3);
  });

  it('restores gzip bodies', async () => {
    const fresh = await createTestSim();
    const res = await restore(fresh, gzipSync(first), { 'Content-Encoding': 'gzip' });
    expect(res.status, res.text).toBe(200);
    expect(await exported(fresh)).toBe(first);
  });

  it('reads a re-indented document whole', async () => {
    const fresh = await createTestSim();
    expect((await restore(fresh, JSON.stringify(JSON.parse(first), null, 2))).status).toBe(200);
    expect(await exported(fresh)).toBe(first);
  });
});

describe('/_sim/state with --data', () => {
  it('a restore is written as a snapshot: a restarted simulator exports the same records, tables and facts', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'msgsim-state-'));
    try {
      const source = await createTestSim();
      await populateEveryProvider(source, hook.url);
      const document = await exported(source);
      const file = path.join(dir, 'state.json');
      const writer = await createTestSim({ dataFile: file });
      expect((await restore(writer, document)).status).toBe(200);
      await writer.engine.close();
      const reader = await createTestSim({ dataFile: file });
      const after = await exported(reader);
      await reader.engine.close();
      // --data keeps no keys or fault rules (keys are configuration, rules a test's): all the rest, byte for byte.
      const upToKeys = (text: string) => text.slice(0, text.indexOf('],"keys":['));
      const facts = (text: string) => text.slice(text.indexOf('],"facts":'));
      expect(upToKeys(after)).toBe(upToKeys(document));
      expect(facts(after)).toBe(facts(document));
      expect(sections(after).faults).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('/_sim/state scopes', () => {
  it('a provider scope holds that provider only, with its keys and rules, and replaces only it', async () => {
    const sim = await createTestSim();
    await populateEveryProvider(sim, hook.url);
    const msghub = await exported(sim, '?provider=msghub');
    const doc = sections(msghub);
    expect(doc.scope).toEqual({ provider: 'msghub', tenant: null });
    expect(new Set(doc.collections.map((c) => c.provider))).toEqual(new Set(['msghub']));
    expect(doc.jobs.every((j) => j.namespace === 'msghub')).toBe(true);
    expect(doc.webhookDeliveries.every((d) => d.delivery.namespace === 'msghub')).toBe(true);
    expect(doc.keys.every((k) => k.provider === 'msghub')).toBe(true);
    expect(doc.faults).toHaveLength(1);
    expect(Object.keys(doc.facts)).toEqual(['now', 'seq']);

    // msghub changes, then is put back; the others keep what they did meanwhile.
    const others = await exported(sim, '?provider=msgflash');
    const api = apiOf(sim, { name: 'msghub' }, stateAuth('msghub'));
    expect((await api.post('/contacts', { name: 'Later', phone: '+14155550199' })).status).toBe(201);
    await sim.http.delete('/_sim/faults');
    expect((await restore(sim, msghub)).status).toBe(200);
    expect(await exported(sim, '?provider=msghub')).toBe(msghub);
    expect(await exported(sim, '?provider=msgflash')).toBe(others);
    // The rule came back with its one remaining hit.
    expect((await api.get('/contacts')).status).toBe(503);
    expect((await api.get('/contacts')).body.pagination.total).toBe(1);

    const fresh = await createTestSim();
    expect((await restore(fresh, msghub)).status).toBe(200);
    expect(await exported(fresh, '?provider=msghub')).toBe(msghub);
  });

  it('a tenant scope holds that tenant only, without keys or rules, and replaces only it', async () => {
    const sim = await createTestSim();
    await populateEveryProvider(sim, hook.url);
    const other = sim.client('sendhub');
    expect((await other.post('/messages/', { contacts: [1112], text: 'Other' }, { query: { username: 'OTHER', api_key: 'KEY2' } })).status).toBe(201);
    const tenant = stateTenant(sim, 'sendhub');
    const query = `?provider=sendhub&tenant=${encodeURIComponent(tenant)}`;
    const mine = await exported(sim, query);
    const doc = sections(mine);
    expect(new Set(doc.collections.map((c) => c.tenant))).toEqual(new Set([tenant]));
    expect(doc.keys).toEqual([]);
    expect(doc.faults).toEqual([]);

    const before = await exported(sim, `?provider=sendhub&tenant=${encodeURIComponent('OTHER:KEY2')}`);
    await sim.http.post('/_sim/reset').send({ provider: 'sendhub', tenant });
    expect((await restore(sim, mine)).status).toBe(200);
    expect(await exported(sim, query)).toBe(mine);
    expect(await exported(sim, `?provider=sendhub&tenant=${encodeURIComponent('OTHER:KEY2')}`)).toBe(before);
  });

  it.each([
    ['?tenant=x', 400, 'provider'],
    ['?provider=', 400, 'provider'],
    ['?provider=nope', 404, undefined],
  ])('GET /_sim/state%s answers %i', async (query, status, field) => {
    const sim = await createTestSim();
    const res = await sim.http.get(`/_sim/state${query}`);
    expect(res.status).toBe(status);
    if (field) expect(res.body.error.field).toBe(field);
  });
});

describe('PUT /_sim/state refuses a bad document with a 400 naming the field, and changes nothing', () => {
  let sim: TestSim;
  let good: ReturnType<typeof sections>;
  let before: string;

  beforeAll(async () => {
    sim = await createTestSim();
    await populateEveryProvider(sim, hook.url);
    before = await exported(sim);
    good = sections(before);
  });

  const edit = (change: (doc: any) => void): string => {
    const doc = structuredClone(good) as any;
    change(doc);
    return JSON.stringify(doc);
  };
  const message = () => good.collections.findIndex((c) => c.collection === 'messages');

  it.each<[string, () => string, string | (() => string)]>([
    ['not JSON', () => '{"msgsim":', 'body'],
    ['not a state', () => edit((d) => (d.msgsim = 'other')), 'msgsim'],
    ['an unknown top-level field', () => edit((d) => (d.extra = 1)), 'extra'],
    ['a provider not served', () => edit((d) => (d.scope.provider = 'nope')), 'scope.provider'],
    ['a record without seq', () => edit((d) => delete d.collections[0].record.seq), 'collections[0].record.seq'],
    ['a record outside the scope', () => edit((d) => (d.scope = { provider: 'msgine', tenant: null })), 'collections[0].provider'],
    ['a second record with the same id', () => edit((d) => d.collections.push(d.collections[0])), () => `collections[${good.collections.length}].record.id`],
    ['a message in no known state', () => edit((d) => (d.collections[message()].record.status = 'lost')), () => `collections[${message()}].record.status`],
    ['a message without history', () => edit((d) => (d.collections[message()].record.history = [])), () => `collections[${message()}].record.history`],
    ['a job of a kind nobody runs', () => edit((d) => (d.jobs[0].kind = 'nope')), 'jobs[0].kind'],
    ['a job whose id is not its own', () => edit((d) => (d.jobs[0].id = 'x')), 'jobs[0].id'],
    ['a quota of another key', () => edit((d) => (d.quotas[0].key = 'nope:x:')), 'quotas[0].key'],
    ['a delivery in no known status', () => edit((d) => (d.webhookDeliveries[0].delivery.status = 'lost')), 'webhookDeliveries[0].delivery.status'],
    ['a bad fault rule', () => edit((d) => (d.faults[0].action = { status: 200 })), 'faults[0].action.status'],
    [
      'a global fact in a provider scope',
      () =>
        edit(
          (d) => (
            (d.scope = { provider: 'msghub', tenant: null }),
            (d.collections = []),
            (d.jobs = []),
            (d.quotas = []),
            (d.idempotency = []),
            (d.webhookDeliveries = []),
            (d.keys = [])
          ),
        ),
      'facts.seed',
    ],
    ['a polluting key', () => edit((d) => (d.collections[0].record = JSON.parse(`{"id":"a","seq":1,"__proto__":{"x":1}}`))), 'collections[0].record.__proto__'],
    ['a time past the clock', () => edit((d) => (d.facts.now = '+275760-09-13T00:00:00.000Z')), 'facts.now'],
    ['a document cut short', () => before.slice(0, before.indexOf('"facts"')), 'facts'],
  ])('%s', async (_name, body, field) => {
    const res = await restore(sim, body());
    expect(res.status, res.text).toBe(400);
    expect(res.body.error.field).toBe(typeof field === 'function' ? field() : field);
    expect(await exported(sim)).toBe(before);
  });

  it('an empty body is a 400, another media type a 415, a broken gzip a 400', async () => {
    expect((await sim.http.put('/_sim/state')).body.error).toMatchObject({ field: 'body' });
    const text = await sim.http.put('/_sim/state').set('Content-Type', 'text/plain').send('x');
    expect(text.status).toBe(415);
    const gzip = await restore(sim, Buffer.from('not gzip'), { 'Content-Encoding': 'gzip' });
    expect(gzip.status).toBe(400);
    expect(await exported(sim)).toBe(before);
  });

  it('mutated exports never get a 5xx, and a refused one changes nothing', async () => {
    const lines = before.trimEnd().split('\n');
    const mutation = fc.record({
      line: fc.integer({ min: 0, max: lines.length - 1 }),
      kind: fc.constantFrom('drop', 'cut', 'retype', 'duplicate', 'garble'),
      at: fc.nat(),
      value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.string({ maxLength: 10 })),
    });
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(mutation, async ({ line, kind, at, value }) => {
        const copy = [...lines];
        const text = copy[line]!;
        if (kind === 'drop') copy.splice(line, 1);
        else if (kind === 'cut') copy[line] = text.slice(0, at % Math.max(1, text.length));
        else if (kind === 'duplicate') copy.splice(line, 0, text.startsWith(',') || line === 0 ? text : `,${text}`);
        else if (kind === 'garble') copy[line] = text.replace(/"[a-zA-Z]+":/, `"${JSON.stringify(value).replace(/["\\]/g, '')}x":`);
        else copy[line] = text.replace(/:("[^"]*"|\d+|true|false|null)/, `:${JSON.stringify(value) ?? 'null'}`);
        const res = await restore(sim, copy.join('\n'));
        expect(res.status, res.text).toBeLessThan(500);
        if (res.status !== 200) {
          refused++;
          expect(res.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String), field: expect.any(String) });
          expect(await exported(sim)).toBe(before);
        } else {
          // Accepted: a document that still made sense; put the original back for the next case.
          expect((await restore(sim, before)).status).toBe(200);
        }
      }),
      { numRuns: 60, seed: 42 },
    );
    expect(refused).toBeGreaterThan(20);
  }, 60_000);
});
