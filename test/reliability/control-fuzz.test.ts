/**
 * The control API fuzzed from its own spec, as fuzz.test.ts fuzzes the providers: every path × method of
 * openapi/control.yaml, with fast-check (seed 42) drawing path parameters (valid, unknown, malformed
 * percent-encoding, unicode, long), query parameters (documented ones with good and bad values,
 * duplicated, empty, unknown), bodies built from the operation's schema and mutated (missing, retyped and
 * extra fields, huge strings, unicode, deep nesting), non-JSON bodies and media types, and credentials
 * (the right admin token most of the time; none, a wrong one, a malformed cookie). Invariants: never a
 * 5xx; JSON in the control envelope unless the spec documents another media type (YAML specs, the UI,
 * the event stream); every answer checked against control.yaml where it documents the route.
 *
 * Side effects stay bounded: the clock is manual (a case that switches mode is switched back; advance
 * targets past the clock's latest instant are a 400 like any bad input), receivers are unpaused after each case, the event stream is closed once its head arrives. Runs over real HTTP
 * (node:http, so raw paths reach the server unnormalised).
 *
 * The spec and the code cannot drift: the first test compares the router's own route table with the
 * spec's paths and methods.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import fc from 'fast-check';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OpenAPIV3 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createControlRouter } from '../../src/control/index.js';
import { routesOf } from '../../src/control/route-list.js';
import { Clock } from '../../src/engine/clock.js';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { createApp } from '../../src/http/app.js';
import { PROVIDERS } from '../../src/providers/index.js';
import { CONTROL_SPEC, T0 } from '../support/harness.js';
import { SpecChecker } from '../support/spec-check.js';
import { anyJson, hugeString, mutate, rare, validish, weirdString, type Hints, type Schema } from './fuzz-arbitraries.js';

const RUNS = 360;
const TOKEN = 'control-fuzz-admin-token';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
type Method = (typeof METHODS)[number];
/** Past this the clock's range check is clock-routes.ts's business (issue 19), not drawn here. */

interface Operation {
  method: Method;
  template: string;
  params: string[];
  query: OpenAPIV3.ParameterObject[];
  schema: Schema | undefined;
  /** Documented with a request body of any media type (the receivers' hooks). */
  anyBody: boolean;
}

async function operations(): Promise<Operation[]> {
  const spec = (await SwaggerParser.dereference(CONTROL_SPEC)) as OpenAPIV3.Document;
  const ops: Operation[] = [];
  for (const [template, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const op = item?.[method];
      if (!op) continue;
      const parameters = [...(item.parameters ?? []), ...(op.parameters ?? [])] as OpenAPIV3.ParameterObject[];
      const content = (op.requestBody as OpenAPIV3.RequestBodyObject | undefined)?.content ?? {};
      ops.push({
        method,
        template,
        params: [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!),
        query: parameters.filter((p) => p.in === 'query'),
        schema: content['application/json']?.schema as Schema | undefined,
        anyBody: '*/*' in content,
      });
    }
  }
  return ops;
}

describe('control API: the code and control.yaml document the same routes', () => {
  it('every route the control router serves is in the spec, and every path × method of the spec is served', async () => {
    const engine = await createEngine({ clock: new Clock({ mode: 'manual', start: T0 }), seed: 1 });
    const router = createControlRouter({ engine, providers: new Map() });
    const served = routesOf(router).flatMap(({ template, methods }) => (methods === 'all' ? METHODS : methods).map((m) => `${m.toUpperCase()} ${template}`));
    const documented = (await operations()).map((op) => `${op.method.toUpperCase()} ${op.template}`);
    expect(new Set(served).size).toBe(served.length);
    expect([...served].sort()).toEqual([...documented].sort());
  });
});

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  body: unknown;
}

/** One raw request; an event stream is closed as soon as its head arrives. */
function send(port: number, method: string, path: string, headers: Record<string, string>, body?: string | Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // Content-Length always: Node frames no body on a GET otherwise, and the server would read it as the next request.
    const framed = body === undefined ? headers : { ...headers, 'Content-Length': String(Buffer.byteLength(body)) };
    const req = request(
      { host: '127.0.0.1', port, method: method.toUpperCase(), path, headers: framed, agent: false, signal: AbortSignal.timeout(15_000) },
      (res) => {
        if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
          res.destroy();
          resolve({ status: res.statusCode!, headers: res.headers, text: '', body: undefined });
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode!, headers: res.headers, text, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const MALFORMED = fc.constantFrom('%', '%ZZ', '%E0%A4%A', '%C3%28', '%ED%A0%80', 'a%2');
const PROVIDER_NAMES = PROVIDERS.map((p) => p.name);
const TENANTS = ['mk_live_cfuzz0001', 'USERCF:KEYCF0001', 'msgf_live_cfuzz0001', 'cpk_live_cfuzz0001', 'token_cfuzz0001'];

/** A path segment: mostly a plausible value for the parameter, else something hostile. */
function segment(name: string, ids: () => string[]): fc.Arbitrary<string> {
  const plausible: Record<string, fc.Arbitrary<string>> = {
    provider: fc.constantFrom(...PROVIDER_NAMES, 'nope'),
    tenant: fc.constantFrom(...TENANTS),
    key: fc.constantFrom('mk_live_cfuzzkey01', 'cpk_test_readonly', 'msgf_team_acme_demo'),
    name: fc.constantFrom('qa', 'fuzz', 'r-1', 'x'.repeat(64)),
    file: fc.constantFrom('msghub.yaml', 'sendhub.yml', 'control.yaml', 'msgine', 'app.js', 'styles.css', 'index.html', 'nope.yaml'),
    id: fc.constantFrom(0, 1, 2, 3).map((i) => ids()[i] ?? 'msg_doesnotexist'),
  };
  return fc.oneof(
    { arbitrary: (plausible[name] ?? fc.constant('x1')).map(encodeURIComponent), weight: 6 },
    { arbitrary: MALFORMED, weight: 2 },
    {
      arbitrary: fc
        .oneof(weirdString, fc.constantFrom('..', '.', '%2e%2e', '%2F', '💥', 'a'.repeat(3_000)))
        .filter((s) => s !== '')
        .map((s) => (s.includes('%') ? s : encodeURIComponent(s))),
      weight: 2,
    },
  );
}

/** Query string: the documented parameters with good, bad, empty, duplicated or huge values, plus strays. */
function queryArb(op: Operation): fc.Arbitrary<string> {
  const value = (p: OpenAPIV3.ParameterObject): fc.Arbitrary<string> => {
    const schema = p.schema as Schema | undefined;
    const good = schema?.enum
      ? fc.constantFrom(...(schema.enum as string[]))
      : schema?.type === 'integer'
        ? fc.integer({ min: 0, max: 200 }).map(String)
        : p.example !== undefined
          ? fc.constant(String(p.example))
          : fc.constantFrom(...PROVIDER_NAMES);
    return fc.oneof(
      { arbitrary: good, weight: 4 },
      fc.constantFrom('', '-1', '1e400', 'abc', '99999999999999999999', '%ZZ', 'x'.repeat(3_000)),
      fc.string({ maxLength: 20 }),
    );
  };
  const pairs = op.query.map((p) =>
    rare(fc.tuple(fc.constant(p.name), value(p), fc.boolean())).map((pick) =>
      pick ? `${p.name}=${encodeURIComponent(pick[1])}${pick[2] ? '' : `&${p.name}=${encodeURIComponent(pick[1])}x`}` : '',
    ),
  );
  const stray = rare(
    fc.constantFrom('unknown=1', '__proto__[x]=1', 'a[b][c][d][e]=1', 'limit=1&limit=2', '=', '&&', '%ZZ=1', `admin_token=${TOKEN}`, 'admin_token=wrong'),
  );
  return fc.tuple(fc.tuple(...pairs), stray).map(([ps, s]) => [...ps, s ?? ''].filter(Boolean).join('&'));
}

/** Credentials: the token most of the time, in any of its forms; sometimes none, a wrong one, a broken cookie. */
const authArb: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { arbitrary: fc.constant({ Authorization: `Bearer ${TOKEN}` }), weight: 10 },
  { arbitrary: fc.constant({ 'X-Msgsim-Admin-Token': TOKEN }), weight: 2 },
  { arbitrary: fc.constant({ Cookie: `theme=dark; msgsim_admin=${encodeURIComponent(TOKEN)}` }), weight: 2 },
  {
    arbitrary: fc.constantFrom<Record<string, string>>(
      {},
      { Authorization: 'Bearer wrong' },
      { Authorization: `Basic ${TOKEN}` },
      { Cookie: 'msgsim_admin=%E0%A4%A' },
      { Cookie: 'msgsim_admin=%ZZ; x=1' },
      { Cookie: `msgsim_admin=%; msgsim_admin=${TOKEN}` },
      { Cookie: '=;;=' },
      { 'X-Msgsim-Admin-Token': '' },
    ),
    weight: 3,
  },
);

const HINTS: Hints = {
  provider: fc.constantFrom(...PROVIDER_NAMES, 'nope'),
  tenant: fc.constantFrom(...TENANTS),
  key: fc.constantFrom('mk_live_cfuzzkey02', 'cpk_live_cfuzz0002'),
  by: fc.constantFrom(0, 1_000, 3_000, '5s', '1m', '1h30m', 86_400_000, -1, 'soon', '1y'),
  to: fc.constantFrom('2024-04-08T10:31:00Z', '2030-01-01T00:00:00Z', '2000-01-01T00:00:00Z', 'tomorrow', '2024-13-45T99:99:99Z'),
  mode: fc.constantFrom('manual', 'speed', 'real', 'warp'),
  seed: fc.constantFrom(0, 7, 42, -1, 2 ** 32, 1.5),
  from: fc.constantFrom('+14155550123', '+919876543210', 'nobody'),
  path: fc.constantFrom('/messages/*', '/**', '/messages/*a*a*a*a*a*a*a*a*b', 'x'.repeat(2_000)),
  delayMs: fc.constantFrom(0, 5, 120_000, 120_001, -1),
};

interface Case {
  op: number;
  segments: string[];
  query: string;
  body: unknown;
  raw: string | undefined;
  contentType: string | undefined;
  auth: Record<string, string>;
}

/** fc.assert, with the counterexample cut short (a huge generated string would fill the log) but the cause kept. */
async function assertShort<T>(property: fc.IAsyncProperty<T>, params: fc.Parameters<T>): Promise<void> {
  try {
    await fc.assert(property, params);
  } catch (error) {
    const { message, cause } = error as Error & { cause?: Error };
    const cut = (text: string) => text.replace(/(.)\1{200,}/g, (run, ch: string) => `${ch.repeat(20)}…(${run.length} × ${ch})`);
    throw new Error(`${cut(message).slice(0, 4_000)}\ncause: ${cut(cause?.message ?? '').slice(0, 4_000)}`, { cause: error });
  }
}

describe('control API fuzzing: no 5xx, JSON errors in the envelope, answers as control.yaml documents', () => {
  let engine: Engine;
  let server: Server;
  let port: number;
  let ops: Operation[];
  let checker: SpecChecker;
  const messageIds: string[] = [];
  const statuses: Record<number, number> = {};
  const perOp: Record<string, number> = {};

  const admin = { Authorization: `Bearer ${TOKEN}` };
  const json = (body: unknown) => ({ headers: { ...admin, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  /** A few messages and a webhook to the built-in receiver, so ids and deliveries are real. */
  async function seedState(): Promise<void> {
    engine.faults.clear();
    messageIds.length = 0;
    const key = { 'X-API-Key': 'mk_live_cfuzz0001', 'Content-Type': 'application/json' };
    await send(
      port,
      'post',
      '/msghub/api/v1/webhooks',
      key,
      JSON.stringify({ event: 'message.delivered', url: `http://127.0.0.1:${port}/_sim/receivers/fuzz/hook` }),
    );
    for (const to of ['+919876543210', '+14155550123']) {
      const sent = await send(port, 'post', '/msghub/api/v1/messages/send', key, JSON.stringify({ channel: 'sms', to, body: 'fuzz' }));
      expect(sent.status, sent.text).toBe(201);
      messageIds.push(String((sent.body as { messageId: string }).messageId));
    }
    const delivery = engine.webhooks.list({ namespace: 'msghub' })[0];
    if (delivery) messageIds.push(delivery.id);
  }

  /** Undoes what would make later cases hang or drift: a running clock, paused or slow receivers. */
  async function restore(): Promise<void> {
    if (engine.clock.mode !== 'manual') engine.clock.setMode('manual');
    const list = await send(port, 'get', '/_sim/receivers', admin);
    for (const r of (list.body as { data: Array<{ name: string; config: { status: number; delayMs: number; paused: boolean } }> }).data) {
      if (r.config.paused || r.config.delayMs > 0 || r.config.status !== 200) {
        const { headers, body } = json({ status: 200, delayMs: 0, paused: false });
        expect((await send(port, 'put', `/_sim/receivers/${r.name}`, headers, body)).status).toBe(200);
      }
    }
  }

  beforeAll(async () => {
    engine = await createEngine({ clock: new Clock({ mode: 'manual', start: T0 }), seed: 42, rateLimits: false });
    const { app } = await createApp({ engine, providers: PROVIDERS, adminToken: TOKEN });
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    ops = await operations();
    checker = await SpecChecker.load(CONTROL_SPEC);
    await seedState();
  });

  afterAll(async () => {
    await engine.settle();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    console.log('control fuzz figures', JSON.stringify({ runs: RUNS, operations: Object.keys(perOp).length, statuses }));
  });

  it(`${RUNS} generated requests over every operation of control.yaml`, async () => {
    const caseArb: fc.Arbitrary<Case> = fc.integer({ min: 0, max: ops.length - 1 }).chain((i) => {
      const op = ops[i]!;
      const writes = op.method !== 'get' && op.method !== 'delete';
      return fc.record({
        op: fc.constant(i),
        segments: fc.tuple(...op.params.map((p) => segment(p, () => messageIds))),
        query: queryArb(op),
        body: op.schema
          ? mutate(validish(op.schema, HINTS))
          : op.anyBody
            ? fc.oneof(
                weirdString,
                hugeString,
                anyJson.map((v) => JSON.stringify(v) ?? ''),
              )
            : rare(anyJson),
        raw: rare(
          fc.constantFrom(
            '{',
            '{"a":',
            'null',
            '[]',
            '"str"',
            'not json',
            '{"a":1}{"b":2}',
            '\u0000',
            '{"__proto__":{"polluted":1}}',
            '{"constructor":{"prototype":{"polluted":1}}}',
          ),
        ),
        contentType: writes
          ? rare(
              fc.constantFrom(
                'text/plain',
                'application/x-www-form-urlencoded',
                'application/json; charset=latin1',
                'application/xml',
                'multipart/form-data',
                'application/merge-patch+json',
              ),
            )
          : rare(fc.constant('application/json')),
        auth: authArb,
      });
    });

    await assertShort(
      fc.asyncProperty(caseArb, async (c) => {
        const op = ops[c.op]!;
        let i = 0;
        const path = op.template.replace(/\{(\w+)\}/g, () => c.segments[i++]!);
        const url = `/_sim${path}${c.query ? `?${c.query}` : ''}`;
        const payload = c.raw ?? (c.body === undefined ? undefined : typeof c.body === 'string' && op.anyBody ? c.body : JSON.stringify(c.body));
        const headers: Record<string, string> = { ...c.auth };
        if (payload !== undefined) headers['Content-Type'] = c.contentType ?? 'application/json';

        const res = await send(port, op.method, url, headers, payload);
        const where = `${op.method.toUpperCase()} ${url.slice(0, 200)} → ${res.status} ${res.text.slice(0, 300)}`;
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        perOp[`${op.method} ${op.template}`] = (perOp[`${op.method} ${op.template}`] ?? 0) + 1;

        expect(res.status, where).toBeLessThan(500);
        const type = String(res.headers['content-type'] ?? '');
        if (res.status >= 400) {
          expect(type, where).toMatch(/^application\/json/);
          expect(res.body, where).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
        } else if (res.status !== 204 && !/^(text\/(event-stream|html|javascript|css)|application\/yaml)/.test(type)) {
          expect(type, where).toMatch(/^application\/json/);
        }
        // the spec documents this answer (raw path: the checker matches templates as the spec writes them)
        expect(() => checker.check(op.method, path, { status: res.status, headers: res.headers, body: res.body, text: res.text }), where).not.toThrow();
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();

        if (res.status === 200 && (op.template === '/reset' || op.template === '/seed')) await seedState();
        await restore();
      }),
      { numRuns: RUNS, seed: 42 },
    );
    expect((await send(port, 'get', '/_sim/health', {})).status).toBe(200);
    // every operation was drawn
    expect(Object.keys(perOp).length).toBe(ops.length);
  }, 240_000);
});
