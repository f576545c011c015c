/**
 * POST /_sim/scenario: keys, receivers, timings, every provider's fixtures (made as its API would have)
 * with generated contacts, and fault rules, seen through the provider APIs; a bad document is a 400
 * naming the field, found before anything changes where it can be; never a 5xx.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { PROVIDERS, providerNamed } from '../../src/providers/index.js';
import { requestWith, type Provider } from '../../src/providers/provider.js';
import { START_UP_FIELDS } from '../../src/setup/document.js';
import { ROOT } from '../support/cli.js';
import { createTestSim, type TestSim } from '../support/harness.js';

const MSGHUB_KEY = 'mk_live_scenario01';
const MSGFLASH_KEY = 'msgf_live_scenario01';

async function load(sim: TestSim, scenario: unknown) {
  return sim.http.post('/_sim/scenario').send(scenario as object);
}

async function records(sim: TestSim, provider: string, tenant: string, collection: string) {
  const res = await sim.http.get(`/_sim/state?provider=${provider}&tenant=${encodeURIComponent(tenant)}`);
  return (JSON.parse(res.text) as { collections: Array<{ collection: string; record: Record<string, unknown> }> }).collections
    .filter((c) => c.collection === collection)
    .map((c) => c.record);
}

describe('POST /_sim/scenario loads a set-up into the running simulator', () => {
  it('keys, receivers, timings, fixtures with refs and generated contacts, and a fault, all working through the APIs', async () => {
    const sim = await createTestSim();
    const res = await load(sim, {
      timings: { deliverMs: '10s' },
      keys: [{ provider: 'messagehub', key: 'cpk_live_scenariofree', properties: { tier: 'free' } }],
      receivers: { hooks: { status: 500 } },
      tenants: {
        msghub: {
          [MSGHUB_KEY]: {
            contacts: [{ ref: 'ada', name: 'Ada Lovelace', phone: '+14155550123', email: 'ada@example.com' }],
            campaigns: [{ name: 'Spring', channel: 'sms', body: 'Hi', contactIds: [{ idOf: 'ada' }] }],
            webhooks: [{ event: 'message.delivered', url: 'http://127.0.0.1:4010/_sim/receivers/hooks/hook' }],
            generate: { contacts: 25 },
          },
        },
        msgflash: {
          [MSGFLASH_KEY]: {
            contacts: [
              { ref: 'grace', phone: '+14155550124', name: 'Grace Hopper' },
              { ref: 'alan', phone: '+14155550125', name: 'Alan Turing' },
            ],
            groups: [{ ref: 'vip', name: 'VIP', members: [{ idOf: 'grace' }, { idOf: 'alan' }] }],
            templates: [{ name: 'welcome', content: 'Hi {{name}}' }],
          },
        },
      },
      faults: [{ provider: 'msghub', method: 'POST', path: '/messages/send', count: 1, action: { status: 503 } }],
    });
    expect(res.status, res.text).toBe(200);
    const { applied } = res.body;
    expect(applied).toMatchObject({ keys: 1, receivers: ['hooks'], faults: [expect.stringMatching(/^flt_/)], timings: { deliverMs: 10_000 } });
    const msghub = applied.tenants.msghub[MSGHUB_KEY];
    expect(msghub.created.contacts).toHaveLength(26);
    expect(msghub.refs.ada).toBe(msghub.created.contacts[0]);

    const hub = sim.client('msghub', { 'X-API-Key': MSGHUB_KEY });
    const contacts = await hub.get('/contacts', undefined, { query: { limit: 100 } });
    expect(contacts.body.pagination.total).toBe(26);
    const campaign = await hub.get(`/campaigns/${msghub.created.campaigns[0]}`);
    expect(campaign.body).toMatchObject({ name: 'Spring', status: 'draft', recipients: ['+14155550123'] });
    expect((await hub.get('/webhooks')).body.data).toEqual([expect.objectContaining({ event: 'message.delivered', active: true })]);

    const flash = sim.client('msgflash', { 'x-api-key': MSGFLASH_KEY });
    const group = applied.tenants.msgflash[MSGFLASH_KEY].refs.vip;
    expect((await flash.get(`/contacts/groups/${group}`)).body.data).toMatchObject({ name: 'VIP', memberCount: 2 });
    expect((await flash.get('/templates')).body.data.templates).toEqual([expect.objectContaining({ name: 'welcome', variables: ['name'] })]);

    // The key from the scenario is on the free tier; the fault answers the next send, then is spent.
    const free = await sim.client('messagehub', { Authorization: 'Bearer cpk_live_scenariofree' }).get('/messages/msg_none');
    expect(free.headers['x-ratelimit-limit']).toBe('60');
    expect((await hub.post('/messages/send', { channel: 'sms', to: '+14155550123', body: 'x' })).status).toBe(503);
    expect((await hub.post('/messages/send', { channel: 'sms', to: '+14155550123', body: 'x' })).status).toBe(201);
    expect((await sim.http.get('/_sim/receivers/hooks')).body.config.status).toBe(500);
    expect((await sim.http.get('/_sim/config')).body.timings.deliverMs).toBe(10_000);
  });

  it('set-up requests are not rate-limited, faulted, nor counted against a quota', async () => {
    const sim = await createTestSim();
    await sim.http.post('/_sim/keys').send({ provider: 'msgflash', key: 'msgf_live_quota_tiny2', properties: { plan: 'free', monthlyApiRequestQuota: 5 } });
    await sim.http.post('/_sim/faults').send({ provider: 'msgflash', action: { status: 500 } });
    const phones = Array.from({ length: 12 }, (_, i) => ({ phone: `+1415555${String(2000 + i)}` }));
    const res = await load(sim, { tenants: { msgflash: { msgf_live_quota_tiny2: { contacts: phones } } } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.applied.tenants.msgflash.msgf_live_quota_tiny2.created.contacts).toHaveLength(12);
    await sim.http.delete('/_sim/faults');
    const usage = await sim.client('msgflash', { 'x-api-key': 'msgf_live_quota_tiny2' }).get('/usage');
    expect(usage.body.data.apiRequests).toMatchObject({ used: 1 });
  });

  it("makes every kind of fixture every provider declares, from the kind's own example", async () => {
    const sim = await createTestSim();
    const tenants: Record<string, Record<string, Record<string, unknown[]>>> = {};
    const declared = PROVIDERS.filter((p) => p.scenario);
    expect(declared.length).toBeGreaterThan(0);
    // Each provider's account as its client profile makes one, named as the provider names its tenant (SendHub's username:api_key).
    const auth = (p: Provider) => p.profile.auth(p.profile.tenant('scen01'));
    const accounts = Object.fromEntries(declared.map((p) => [p.name, p.authenticate(requestWith(auth(p)), sim.engine).id]));
    for (const provider of declared) {
      tenants[provider.name] = {
        [accounts[provider.name]!]: Object.fromEntries(Object.entries(provider.scenario!.fixtures).map(([kind, fixture]) => [kind, [fixture.example]])),
      };
    }
    const res = await load(sim, { tenants });
    expect(res.status, res.text).toBe(200);
    for (const provider of declared) {
      const created = res.body.applied.tenants[provider.name][accounts[provider.name]!].created as Record<string, string[]>;
      expect(Object.keys(created)).toEqual(Object.keys(provider.scenario!.fixtures));
      for (const [kind, ids] of Object.entries(created)) {
        expect(ids, `${provider.name} ${kind}`).toHaveLength(1);
        expect(
          (await records(sim, provider.name, accounts[provider.name]!, kind)).map((r) => r.id),
          `${provider.name} ${kind}`,
        ).toContain(ids[0]);
      }
    }
    // SendHub's API reads what its store was given.
    const sendhub = await sim.client('sendhub').get('/contacts/', undefined, { query: auth(providerNamed('sendhub')).query });
    expect(sendhub.body.objects).toContainEqual(expect.objectContaining({ name: 'Ada Lovelace', number: '+14155550123' }));
  });

  it('generated contacts are the same for the same seed, and valid for the provider', async () => {
    const made = async (seed: number) => {
      const sim = await createTestSim({ seed });
      const res = await load(sim, {
        tenants: { msghub: { [MSGHUB_KEY]: { generate: { contacts: 40 } } }, sendhub: { 'GEN:KEY1': { generate: { contacts: 5 } } } },
      });
      expect(res.status, res.text).toBe(200);
      const strip = (r: Record<string, unknown>) => ({ name: r.name, phone: r.phone, email: r.email, number: r.number });
      return [...(await records(sim, 'msghub', MSGHUB_KEY, 'contacts')).map(strip), ...(await records(sim, 'sendhub', 'GEN:KEY1', 'contacts')).map(strip)];
    };
    const first = await made(42);
    expect(first).toHaveLength(40 + 4 + 5);
    expect(await made(42)).toEqual(first);
    expect(await made(43)).not.toEqual(first);
  });

  it("loads the README's set-up example as written (without its start-up parts)", async () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf('# yaml-language-server: $schema=./node_modules/msgsim/schema/msgsim-config.schema.json');
    const document = parse(readme.slice(start, readme.indexOf('```', start))) as Record<string, unknown>;
    for (const field of START_UP_FIELDS) delete document[field];
    const sim = await createTestSim();
    const res = await load(sim, document);
    expect(res.status, res.text).toBe(200);
    expect(res.body.applied.tenants.msghub.mk_live_qa000001.created.contacts).toHaveLength(501);
    expect(Object.keys(res.body.applied.tenants.msgflash.msgf_live_qa000001.created)).toEqual(['contacts', 'groups', 'templates']);
  });

  it('takes the YAML of a set-up file as it is', async () => {
    const sim = await createTestSim();
    const yaml = `tenants:\n  msghub:\n    ${MSGHUB_KEY}:\n      contacts:\n        - { name: Ada, phone: '+14155550123' }\n`;
    const res = await sim.http.post('/_sim/scenario').set('Content-Type', 'application/yaml').send(yaml);
    expect(res.status, res.text).toBe(200);
    expect(res.body.applied.tenants.msghub[MSGHUB_KEY].created.contacts).toHaveLength(1);
    const bad = await sim.http.post('/_sim/scenario').set('Content-Type', 'application/yaml').send('tenants: [1\n');
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('body');
  });
});

describe('POST /_sim/scenario refuses a bad document with a 400 naming the field', () => {
  const account = (fixtures: unknown) => ({ tenants: { msghub: { [MSGHUB_KEY]: fixtures } } });
  it.each<[string, unknown, string, RegExp?]>([
    ['a start-up part', { port: 4011 }, 'port', /set when msgsim starts/],
    ['another start-up part', { clock: { mode: 'manual' } }, 'clock'],
    ['an unknown field', { tenant: {} }, 'tenant', /unknown field/],
    ['a schema violation deep down', account({ generate: { contacts: -1 } }), `tenants.msghub.${MSGHUB_KEY}.generate.contacts`],
    [
      'a kind the provider does not have',
      account({ groups: [{ name: 'x' }] }),
      `tenants.msghub.${MSGHUB_KEY}.groups`,
      /Msghub has no fixtures of kind groups \(it has contacts, campaigns, webhooks\)/,
    ],
    [
      'a provider with no fixtures',
      { tenants: { msgine: { msgine_token_1234: { contacts: [{}] } } } },
      'tenants.msgine.msgine_token_1234.contacts',
      /only its keys/,
    ],
    ['a provider not served', { tenants: { msgnope: {} } }, 'tenants.msgnope'],
    [
      'an idOf naming no earlier item',
      account({ campaigns: [{ name: 'c', channel: 'sms', body: 'b', contactIds: [{ idOf: 'nobody' }] }] }),
      `tenants.msghub.${MSGHUB_KEY}.campaigns[0].contactIds[0]`,
      /names no earlier item/,
    ],
    [
      'a ref given twice',
      account({
        contacts: [
          { ref: 'a', name: 'A', phone: '+14155550123' },
          { ref: 'a', name: 'B', phone: '+14155550124' },
        ],
      }),
      `tenants.msghub.${MSGHUB_KEY}.contacts[1].ref`,
    ],
    ['a fixture the provider refuses', account({ contacts: [{ name: 'A', phone: '12345' }] }), `tenants.msghub.${MSGHUB_KEY}.contacts[0].phone`, /E\.164/],
    [
      'a field the spec does not have',
      account({ contacts: [{ name: 'A', phone: '+14155550123', nickname: 'x' }] }),
      `tenants.msghub.${MSGHUB_KEY}.contacts[0].nickname`,
    ],
    [
      'an account the provider does not accept',
      { tenants: { msghub: { not_a_key: { contacts: [] } } } },
      'tenants.msghub.not_a_key.X-API-Key',
      /401 invalid_api_key/,
    ],
    ['a fault rule that could never fire', { faults: [{ action: { delay: { fixed: -1 } } }] }, 'faults[0].action.delay'],
    ['a key of a provider not served', { keys: [{ provider: 'nope', key: 'k' }] }, 'keys[0].provider'],
    ['a receiver name out of range', { receivers: { 'no spaces': {} } }, 'receivers.no spaces'],
  ])('%s', async (_name, scenario, field, message) => {
    const sim = await createTestSim();
    const res = await load(sim, scenario);
    expect(res.status, res.text).toBe(400);
    expect(res.body.error.field).toBe(field);
    if (message) expect(res.body.error.message).toMatch(message);
  });

  it('bounds what one scenario generates, all accounts together', async () => {
    const sim = await createTestSim();
    const accounts = Object.fromEntries(
      Array.from({ length: 11 }, (_, i) => [`mk_live_many${String(i).padStart(4, '0')}`, { generate: { contacts: 10_000 } }]),
    );
    const res = await load(sim, { tenants: { msghub: accounts } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ field: 'tenants.msghub.mk_live_many0010.generate.contacts', message: expect.stringMatching(/at most 100000/) });
  });

  it('finds what it can before changing anything: a bad fault rule leaves the keys before it unregistered', async () => {
    const sim = await createTestSim();
    const res = await load(sim, { keys: [{ provider: 'msghub', key: 'mk_live_notyet01' }], faults: [{ action: { status: 200 } }] });
    expect(res.status).toBe(400);
    const keys = (await sim.http.get('/_sim/keys?provider=msghub')).body.data as Array<{ key: string }>;
    expect(keys.length).toBeGreaterThan(0); // the magic credentials msghub ships
    expect(keys.map((k) => k.key)).not.toContain('mk_live_notyet01');
  });

  it('a provider refusal stops the load there, naming its code', async () => {
    const sim = await createTestSim();
    const twice = { phone: '+14155550123' };
    const res = await load(sim, { tenants: { msgflash: { [MSGFLASH_KEY]: { contacts: [twice, twice] } } } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ field: `tenants.msgflash.${MSGFLASH_KEY}.contacts[1].phone` });
    expect(res.body.error.message).toMatch(/already exists .*\(the provider answered 409 CONTACT_ALREADY_EXISTS\)$/);
    expect(await records(sim, 'msgflash', MSGFLASH_KEY, 'contacts')).toHaveLength(1);
  });

  it('no 5xx for mutated scenarios', async () => {
    const sim = await createTestSim();
    const base = {
      timings: { sendMs: '1s' },
      keys: [{ provider: 'msghub', key: 'mk_live_fuzz0001', properties: {} }],
      receivers: { r: { status: 200 } },
      tenants: { msgflash: { [MSGFLASH_KEY]: { contacts: [{ ref: 'a', phone: '+14155550123' }], groups: [{ name: 'g', members: [{ idOf: 'a' }] }] } } },
      faults: [{ provider: 'msgine', count: 1, action: { status: 503 } }],
    };
    const paths: string[][] = [
      ['timings', 'sendMs'],
      ['keys', '0', 'provider'],
      ['receivers', 'r', 'status'],
      ['tenants', 'msgflash'],
      ['tenants', 'msgflash', MSGFLASH_KEY, 'contacts', '0', 'phone'],
      ['tenants', 'msgflash', MSGFLASH_KEY, 'groups', '0', 'members', '0'],
      ['faults', '0', 'action'],
      [],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined)), async (at, value) => {
        const doc = structuredClone(base) as any;
        if (at.length === 0) Object.assign(doc, { [(JSON.stringify(value) ?? 'x').slice(0, 8)]: value });
        else {
          const parent = at.slice(0, -1).reduce((o, k) => o[k], doc);
          parent[at.at(-1)!] = value;
        }
        await sim.http.post('/_sim/reset').send({});
        const res = await load(sim, doc);
        expect(res.status, res.text).toBeLessThan(500);
        if (res.status !== 200) expect(res.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
      }),
      { numRuns: 80, seed: 42 },
    );
  }, 60_000);
});
