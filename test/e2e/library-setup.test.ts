/**
 * Library mode with a set-up: createSimulator({ config }) and ({ scenario }), sim.scenario(), and state
 * snapshots as objects (sim.exportState, sim.importState) carried from one simulator to another.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, createSimulator, type Simulator } from '../../src/index.js';
import { specPath } from '../../src/paths.js';
import { SpecChecker } from '../support/spec-check.js';

const KEY = 'mk_live_library01';
const START = Date.parse('2024-04-08T10:30:00Z');
const dir = mkdtempSync(path.join(tmpdir(), 'msgsim-library-'));
let sims: Simulator[] = [];
let checker: SpecChecker;

beforeAll(async () => {
  checker = await SpecChecker.load(specPath('msghub'));
});

/** GET /contacts of an account, the answer checked against openapi/msghub.yaml. */
async function getContacts(sim: Simulator, key = KEY) {
  const res = await fetch(`${sim.url}/msghub/api/v1/contacts?limit=100`, { headers: { 'X-API-Key': key } });
  const text = await res.text();
  const answer = { status: res.status, headers: Object.fromEntries(res.headers), body: JSON.parse(text), text };
  checker.check('GET', '/contacts', answer);
  return answer;
}

async function start(options: Parameters<typeof createSimulator>[0]): Promise<Simulator> {
  const sim = await createSimulator(options);
  sims.push(sim);
  return sim;
}

const contacts = async (sim: Simulator, key = KEY) =>
  ((await (await fetch(`${sim.url}/msghub/api/v1/contacts?limit=100`, { headers: { 'X-API-Key': key } })).json()) as { pagination: { total: number } })
    .pagination.total;

afterEach(async () => {
  await Promise.all(sims.map((sim) => sim.close()));
  sims = [];
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('createSimulator with a set-up', () => {
  it('config: a file; options given in code beat it', async () => {
    const file = path.join(dir, 'msgsim.yaml');
    writeFileSync(
      file,
      `port: 1\nclock: { mode: manual, start: 2026-01-01T00:00:00Z }\nseed: 5\ntenants:\n  msghub:\n    ${KEY}:\n      generate: { contacts: 12 }\n`,
    );
    const sim = await start({ config: file, port: 0, seed: 9 });
    expect(sim.port).not.toBe(1);
    expect(sim.seed).toBe(9);
    expect(sim.clock.mode).toBe('manual');
    expect(sim.clock.iso()).toBe('2026-01-01T00:00:00.000Z');
    expect(await contacts(sim)).toBe(12);
  });

  it('scenario: the same document inline, as an object or as YAML text', async () => {
    const sim = await start({
      port: 0,
      scenario: { clock: { mode: 'manual' }, tenants: { msghub: { [KEY]: { contacts: [{ name: 'Ada', phone: '+14155550123' }] } } } },
    });
    expect(await contacts(sim)).toBe(1);
    const text = await start({ port: 0, scenario: `tenants:\n  msghub:\n    ${KEY}:\n      generate: { contacts: 3 }\n` });
    expect(await contacts(text)).toBe(3);
  });

  it('a bad set-up rejects with a ConfigError naming the line and field, and frees what it took', async () => {
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, `tenants:\n  msghub:\n    ${KEY}:\n      contacts:\n        - { name: Ada, phone: 'nope' }\n`);
    const failure = createSimulator({ config: file, port: 0, data: path.join(dir, 'data.json') });
    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    await expect(failure).rejects.toThrow(/bad\.yaml:5:31: tenants\.msghub\.mk_live_library01\.contacts\[0\]\.phone: /);
    // The data file's lock went with the simulator that failed to start.
    sims.push(await createSimulator({ port: 0, data: path.join(dir, 'data.json') }));
    await expect(createSimulator({ config: file, scenario: {} })).rejects.toThrow(/config or scenario, not both/);
    await expect(createSimulator({ scenario: { clock: { mode: 'warp' as never } } })).rejects.toThrow(/scenario: clock\.mode: must be one of/);
  });
});

describe('sim.scenario, sim.exportState, sim.importState', () => {
  it('loads a scenario, exports the state as an object, and restores it into another simulator', async () => {
    const a = await start({ port: 0, clock: 'manual', start: START, seed: 42 });
    const summary = await a.scenario({
      tenants: { msghub: { [KEY]: { contacts: [{ ref: 'ada', name: 'Ada', phone: '+14155550123' }], generate: { contacts: 5 } } } },
    });
    expect(summary.tenants.msghub![KEY]!.created.contacts).toHaveLength(6);
    await a.scenario(`faults:\n  - { provider: msghub, count: 1, action: { status: 503 } }\n`);
    await expect(a.scenario({ port: 1 } as never)).rejects.toMatchObject({ status: 400, field: 'port' });

    const state = await a.exportState();
    expect(state).toMatchObject({ msgsim: 'state', scope: { provider: null, tenant: null }, facts: { seed: 42 } });
    expect(state.collections.filter((c) => c.collection === 'contacts')).toHaveLength(6);
    expect(state.faults).toHaveLength(1);
    const scoped = await a.exportState({ provider: 'msghub', tenant: KEY });
    expect(scoped.scope).toEqual({ provider: 'msghub', tenant: KEY });

    const b = await start({ port: 0, clock: 'manual', start: START });
    await b.importState(state);
    expect(JSON.stringify(await b.exportState())).toBe(JSON.stringify(state));

    // A copy: what is done to the document afterwards does not reach the simulator.
    state.collections.length = 0;
    expect((await b.exportState()).collections).toHaveLength(6);
    // The fault rule came back with its one hit, then the contacts answer.
    expect((await getContacts(b)).status).toBe(503);
    expect(await contacts(b)).toBe(6);
    await expect(b.importState({ ...scoped, version: 2 as never })).rejects.toMatchObject({ status: 400, field: 'version' });
  });
});
