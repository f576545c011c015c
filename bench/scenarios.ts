/**
 * What `npm run bench` measures: every server in its own process, and the requests sent to it. The
 * groups run in this order, one server at a time, all under the same settings.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AutocannonRequest } from 'autocannon';
import { CLI, MSGHUB_SPEC, MSGSIM_NODE_ARGS, PRISM_BIN, ROOT } from './lib/config.js';
import { rotatingHeader, type LoadSpec } from './lib/load.js';
import { keyPool } from './lib/key-pool.js';
import { MSGHUB_SEND_BODY, mountedProviders, profileSend, seedMsghub, setRateLimits } from './lib/msgsim-client.js';
import { PROVIDERS } from '../src/providers/index.js';
import { present } from '../src/providers/client-profile.js';
import type { Provider } from '../src/providers/provider.js';

export type Op = 'send' | 'get' | 'list';
export type Kind = 'ceiling' | 'baseline' | 'msgsim' | 'prism';

export interface GroupContext {
  base: string;
  /** Providers /_sim/health lists (msgsim only). */
  providers: Set<string>;
  /** Ids of the messages seeded for the read scenarios. */
  seededIds: string[];
  listSeed: number;
}

export type Prepared = { spec: LoadSpec; note?: string } | { skip: string };

export interface Scenario {
  /** `<group>.<name>`; BENCH_ONLY filters on it. */
  id: string;
  label: string;
  op: Op;
  prepare(ctx: GroupContext): Promise<Prepared>;
  /** Checks the run (e.g. that no 429 slipped in) and returns a note for the table. */
  check?(statusCodes: Record<string, number>): string | undefined;
}

export interface ServerGroup {
  id: string;
  label: string;
  kind: Kind;
  command(port: number, cpuProfDir: string | undefined): { command: string; args: string[] };
  /** Polled until it answers. */
  readyPath: string;
  setup?(ctx: GroupContext): Promise<void>;
  scenarios: Scenario[];
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const MSGHUB_KEY = 'mk_live_benchmark0001';
/** The tenant the get and list scenarios read. */
export const LIST_KEY = 'mk_live_benchlist';

/** Rejects the run if a rate limit answered: the limits are raised for the benchmark, never hit. */
function no429(codes: Record<string, number>): string | undefined {
  return codes['429'] ? `${codes['429']} answers were 429: the key pool is too small for this rate` : undefined;
}

export const fixedSend = (path: string): AutocannonRequest => ({
  method: 'POST',
  path,
  headers: { ...JSON_HEADERS, 'x-api-key': MSGHUB_KEY },
  body: MSGHUB_SEND_BODY,
});

/** The POST both reference servers answer with a fixed 201. */
function referenceGroup(id: string, label: string, kind: Kind, file: string): ServerGroup {
  return {
    id,
    label,
    kind,
    command: (port) => ({ command: process.execPath, args: [`${ROOT}/bench/servers/${file}`, String(port)] }),
    readyPath: '/',
    scenarios: [
      {
        id: `${id}.send`,
        label: `${label}: POST, fixed 201`,
        op: 'send',
        prepare: async (ctx) => ({ spec: { url: ctx.base, requests: [fixedSend('/messages/send')] } }),
      },
    ],
  };
}

/** Msghub's key pool: its documented limit per key (100/s, 10,000/day), times the pool, stays far above any rate a core can serve. */
const MSGHUB_POOL = 1_000;
const pad = (i: number) => String(i).padStart(5, '0');

/** The Msghub send, each request with the next of MSGHUB_POOL keys (the limiter counts, never refuses). */
export const rotatingMsghubSend = (path: string): AutocannonRequest => ({
  ...fixedSend(path),
  setupRequest: rotatingHeader('x-api-key', (i) => `mk_live_bench${pad(i)}`, MSGHUB_POOL),
});

function msgsimGroup(id: string, label: string, extraArgs: string[], scenarios: Scenario[]): ServerGroup {
  return {
    id,
    label,
    kind: 'msgsim',
    command: (port, cpuProfDir) => ({
      command: process.execPath,
      args: [
        ...MSGSIM_NODE_ARGS,
        ...(cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir] : []),
        CLI,
        '--port',
        String(port),
        '--clock',
        'real',
        ...extraArgs,
      ],
    }),
    readyPath: '/_sim/health',
    async setup(ctx) {
      for (const p of await mountedProviders(ctx.base)) ctx.providers.add(p.name);
    },
    scenarios,
  };
}

const msghubSend = (id: string, label: string): Scenario => ({
  id,
  label,
  op: 'send',
  async prepare(ctx) {
    if (!ctx.providers.has('msghub')) return { skip: 'Msghub is not mounted' };
    await setRateLimits(ctx.base, true);
    return {
      spec: {
        url: ctx.base,
        requests: [rotatingMsghubSend('/msghub/api/v1/messages/send')],
      },
      note: `limiter on, ${MSGHUB_POOL} keys`,
    };
  },
  check: no429,
});

/** Providers the bench measures with scenarios of their own (the headline send, get and list); the others get providerSend. */
const DEDICATED = new Set(['msghub']);

/**
 * A registered provider's send as its client profile makes it, each request for the next tenant of a
 * pool sized from the provider's own limits (keyPool), with a fresh Idempotency-Key where the provider
 * honours one (each a first execution that is stored, never a replay), and checked once for the limit
 * headers the provider documents.
 */
function providerSend(provider: Provider): Scenario {
  const idempotency = present(provider.profile.idempotency);
  const label = `${provider.title} send${idempotency ? ` + ${idempotency.header}` : ''}${provider.rateLimitHeaders ? ' (limit headers)' : ''}`;
  return {
    id: `msgsim.${provider.name}-send`,
    label,
    op: 'send',
    async prepare(ctx) {
      if (!ctx.providers.has(provider.name)) return { skip: `${provider.title} is not mounted (/_sim/health does not list it)` };
      await setRateLimits(ctx.base, true);
      const tenant = (i: number) => `bench${pad(i)}`;
      const pool = await keyPool(provider, tenant);
      const probe = profileSend(provider, 'benchprobe');
      const answer = await fetch(`${ctx.base}${probe.path}`, { method: 'POST', headers: probe.headers, body: probe.body });
      await answer.arrayBuffer();
      if (answer.status !== 201) return { skip: `${provider.title} send answered ${answer.status}` };
      const missing = Object.keys(provider.rateLimitHeaders?.(undefined, 0) ?? {}).filter((h) => !answer.headers.has(h));
      if (missing.length) return { skip: `${provider.title} send lacks ${missing.join(', ')}` };
      // Built before the run: the load generator's core does no more per request than pick one.
      const sends = Array.from({ length: pool }, (_, i) => profileSend(provider, tenant(i)));
      let n = 0;
      const run = `${process.pid}-${Date.now()}`;
      return {
        spec: {
          url: ctx.base,
          requests: [
            {
              method: 'POST',
              path: sends[0]!.path,
              headers: sends[0]!.headers,
              body: sends[0]!.body,
              setupRequest: (request) => {
                const i = n++;
                const next = sends[i % pool]!;
                request.path = next.path;
                request.headers = idempotency ? { ...next.headers, [idempotency.header.toLowerCase()]: `bench-${run}-${i}` } : next.headers;
                return request;
              },
            },
          ],
        },
        note: `${provider.rateLimits ? `limiter on, ${pool} keys` : `no limits, ${pool} tenants`}${idempotency ? `, unique ${idempotency.header}s` : ''}`,
      };
    },
    check: no429,
  };
}

export function serverGroups(): ServerGroup[] {
  return [
    referenceGroup('node-http', 'node:http', 'ceiling', 'node-http.mjs'),
    referenceGroup('express', 'express 5', 'baseline', 'express-baseline.mjs'),
    msgsimGroup(
      'msgsim',
      'msgsim',
      [],
      [
        msghubSend('msgsim.msghub-send', 'Msghub send'),
        ...PROVIDERS.filter((p) => !DEDICATED.has(p.name)).map(providerSend),
        {
          id: 'msgsim.msghub-get',
          label: 'Msghub get by id',
          op: 'get',
          async prepare(ctx) {
            if (!ctx.providers.has('msghub')) return { skip: 'Msghub is not mounted' };
            await seedReadTenant(ctx);
            let i = 0;
            const ids = ctx.seededIds;
            return {
              spec: {
                url: ctx.base,
                requests: [
                  {
                    method: 'GET',
                    path: '/msghub/api/v1/messages/x',
                    headers: { 'x-api-key': LIST_KEY },
                    setupRequest: (request) => {
                      request.path = `/msghub/api/v1/messages/${ids[i++ % ids.length]}`;
                      return request;
                    },
                  },
                ],
              },
              note: `limits off, ${ctx.seededIds.length} ids in turn`,
            };
          },
        },
        msghubList('msgsim.msghub-list-1', 'Msghub list, page 1', () => 1),
        msghubList('msgsim.msghub-list-deep', 'Msghub list, last page', (ctx) => Math.max(1, Math.ceil(ctx.listSeed / 100))),
      ],
    ),
    // With --data, every send answers once its journal batch is written (group commit); with --fsync, once
    // it is on the disk. Issue 19's target: ≥ 0.8× the in-memory send of the same run.
    msgsimGroup('msgsim-data', 'msgsim --data', ['--data', freshDataFile()], [msghubSend('msgsim-data.msghub-send', 'Msghub send, --data')]),
    msgsimGroup(
      'msgsim-fsync',
      'msgsim --data --fsync',
      ['--data', freshDataFile(), '--fsync'],
      [msghubSend('msgsim-fsync.msghub-send', 'Msghub send, --data --fsync')],
    ),
    // Same server with the request journal off: what journaling every request costs.
    msgsimGroup(
      'msgsim-nojournal',
      'msgsim --journal-size 0',
      ['--journal-size', '0'],
      [msghubSend('msgsim-nojournal.msghub-send', 'Msghub send, --journal-size 0')],
    ),
    // Same server without the per-request info log line: what logging costs (users can pass the flag too).
    msgsimGroup('msgsim-quiet', 'msgsim --log-level warn', ['--log-level', 'warn'], [msghubSend('msgsim-quiet.msghub-send', 'Msghub send, --log-level warn')]),
    prismGroup('prism', 'Prism', [], true),
    prismGroup('prism-silent', 'Prism -v silent', ['-v', 'silent'], false),
  ];
}

/** A data file in a directory of its own, removed when the run ends. */
function freshDataFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'msgsim-bench-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'state.json');
}

function msghubList(id: string, label: string, pageOf: (ctx: GroupContext) => number): Scenario {
  return {
    id,
    label,
    op: 'list',
    async prepare(ctx) {
      if (!ctx.providers.has('msghub')) return { skip: 'Msghub is not mounted' };
      await seedReadTenant(ctx);
      const page = pageOf(ctx);
      return {
        spec: { url: ctx.base, requests: [{ method: 'GET', path: `/msghub/api/v1/messages?page=${page}&limit=100`, headers: { 'x-api-key': LIST_KEY } }] },
        note: `limits off, page ${page} of ${ctx.seededIds.length} messages, limit 100`,
      };
    },
  };
}

/** One tenant with `listSeed` messages; one key may send 10,000 a day, so the limits go off for reads. */
async function seedReadTenant(ctx: GroupContext): Promise<void> {
  await setRateLimits(ctx.base, false);
  if (ctx.seededIds.length > 0) return;
  ctx.seededIds = await seedMsghub(ctx.base, LIST_KEY, ctx.listSeed);
}

/** Prism as a user runs it: `prism mock openapi/msghub.yaml` (its own CLI script, without the npx wrapper process). */
function prismGroup(id: string, label: string, extraArgs: string[], allOps: boolean): ServerGroup {
  const send: Scenario = {
    id: `${id}.send`,
    label: `${label}: send`,
    op: 'send',
    prepare: async (ctx) => ({ spec: { url: ctx.base, requests: [fixedSend('/messages/send')] } }),
  };
  const get: Scenario = {
    id: `${id}.get`,
    label: `${label}: get by id`,
    op: 'get',
    prepare: async (ctx) => ({ spec: { url: ctx.base, requests: [{ method: 'GET', path: '/messages/msg_abc123', headers: { 'x-api-key': MSGHUB_KEY } }] } }),
  };
  const list: Scenario = {
    id: `${id}.list`,
    label: `${label}: list`,
    op: 'list',
    prepare: async (ctx) => ({
      spec: { url: ctx.base, requests: [{ method: 'GET', path: '/messages?page=1&limit=100', headers: { 'x-api-key': MSGHUB_KEY } }] },
    }),
  };
  return {
    id,
    label,
    kind: 'prism',
    command: (port) => ({ command: process.execPath, args: [PRISM_BIN, 'mock', '-h', '127.0.0.1', '-p', String(port), ...extraArgs, MSGHUB_SPEC] }),
    readyPath: '/',
    scenarios: allOps ? [send, get, list] : [send],
  };
}
