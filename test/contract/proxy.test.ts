/**
 * `msgsim proxy` in front of a second simulator: conforming traffic passes untouched and unreported;
 * an upstream that breaks the contract (a fault answering a status the spec does not document), and
 * requests that break it, are flagged in the log and at GET /_sim/proxy/violations.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVerify } from '../../src/contract/run.js';
import { startProxy, type ProxyViolation, type RunningProxy } from '../../src/proxy/server.js';
import { createSimulator, type Simulator } from '../../src/simulator.js';
import { killAll, spawnCli, withTimeout } from '../support/cli.js';

const TOKEN = 'Bearer proxy_token_0001';
const logLines: { msg: string; violation?: ProxyViolation }[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as { msg: string });
    done();
  },
});

let upstream: Simulator;
let proxy: RunningProxy;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(proxy.url + path, {
    method,
    headers: { authorization: TOKEN, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

async function violations(): Promise<ProxyViolation[]> {
  const res = await fetch(`${proxy.url}/_sim/proxy/violations`, { signal: AbortSignal.timeout(10_000) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { violations: ProxyViolation[] }).violations;
}

beforeAll(async () => {
  upstream = await createSimulator({ port: 0, clock: 'real' });
  proxy = await startProxy({ provider: 'msgine', upstream: `${upstream.url}/msgine/api/v1`, logger: pino({ level: 'warn' }, sink) });
});
afterAll(async () => {
  await proxy.close();
  await upstream.close();
  await killAll();
});

describe('msgsim proxy', () => {
  it('forwards conforming traffic (with or without the base path) and reports nothing', async () => {
    const sent = await call('POST', '/api/v1/messages/sms', { to: '+15005550000', message: 'via proxy' });
    expect(sent.status).toBe(201);
    const id = String((sent.body as { id?: string }).id);
    const got = await call('GET', `/messages/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id });
    const list = await call('GET', '/api/v1/messages?limit=5');
    expect(list.status).toBe(200);
    expect(upstream.messages('msgine').some((m) => m.id === id || JSON.stringify(m).includes(id))).toBe(true);
    expect(await violations()).toEqual([]);
  });

  it('flags an upstream answering a status the spec does not document (fault 418 on GET /messages/{id})', async () => {
    upstream.faults.add({ provider: 'msgine', method: 'GET', path: '/messages/*', action: { status: 418 } });
    try {
      const res = await call('GET', '/api/v1/messages/msg_anything');
      expect(res.status).toBe(418);
      const found = (await violations()).filter((v) => v.kind === 'response');
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ method: 'GET', path: '/messages/msg_anything', status: 418 });
      expect(found[0]!.problems[0]).toMatch(/^status 418 is not documented for getMessage \(documented: 200, 400, 401/);
      const logged = logLines.find((l) => l.violation?.status === 418);
      expect(logged?.msg).toBe('spec violation: response GET /messages/msg_anything → 418');
    } finally {
      upstream.faults.clear('msgine');
    }
  });

  it('flags non-conforming requests: unknown route, unknown field, malformed JSON', async () => {
    await fetch(`${proxy.url}/_sim/proxy/violations`, { method: 'DELETE' });
    await call('GET', '/api/v1/nowhere');
    await call('POST', '/api/v1/messages/sms', { to: '+15005550000', message: 'x', bogus: 1 });
    await call('POST', '/api/v1/messages/sms', '{"to": ');
    const found = (await violations()).filter((v) => v.kind === 'request');
    expect(found.map((v) => v.problems[0])).toEqual([
      'no documented path matches /nowhere',
      expect.stringMatching(/^request body must NOT have additional properties .*bogus/),
      'the request body is not valid JSON',
    ]);
  });

  it("the contract suite run through the proxy passes, and the proxy flags only the suite's deliberate bad requests", async () => {
    await fetch(`${proxy.url}/_sim/proxy/violations`, { method: 'DELETE' });
    const report = await runVerify({
      provider: 'msgine',
      baseUrl: `${proxy.url}/api/v1`,
      recipients: [],
      maxSends: 5,
      readOnly: false,
      credentials: { token: 'proxy_verify_0001' },
    });
    expect(report.results.filter((r) => r.status === 'failed')).toEqual([]);
    const found = await violations();
    expect(found.filter((v) => v.kind === 'response')).toEqual([]);
    expect(found.filter((v) => v.kind === 'request').length).toBe(3);
  }, 60_000);

  it("takes a provider's alias base path as its base path: SendHub's /api/v1/, where its links point", async () => {
    const sendhubProxy = await startProxy({ provider: 'sendhub', upstream: `${upstream.url}/sendhub/v1`, logger: pino({ level: 'warn' }, sink) });
    try {
      for (const path of ['/v1/contacts/', '/api/v1/contacts/', '/contacts/', '/api/v1/contacts/1111/']) {
        const res = await fetch(`${sendhubProxy.url}${path}?username=proxyuser&api_key=PROXYKEY`, { signal: AbortSignal.timeout(10_000) });
        expect(res.status, path).toBe(200);
      }
      const res = await fetch(`${sendhubProxy.url}/_sim/proxy/violations`, { signal: AbortSignal.timeout(10_000) });
      expect(((await res.json()) as { violations: ProxyViolation[] }).violations).toEqual([]);
    } finally {
      await sendhubProxy.close();
    }
  });

  it('the built CLI serves the proxy and its violations route', async () => {
    const child = spawnCli(['proxy', '--provider', 'msgine', '--upstream', `${upstream.url}/msgine/api/v1`, '--port', '0', '--log-level', 'info']);
    const url = await withTimeout(
      new Promise<string>((resolve) => {
        const look = () => {
          const line = child
            .stdout()
            .split('\n')
            .find((l) => l.includes('msgsim proxy listening'));
          if (line) resolve((JSON.parse(line) as { url: string }).url);
        };
        child.child.stdout.on('data', look);
      }),
      'the proxy to listen',
      30_000,
    );
    upstream.faults.add({ provider: 'msgine', method: 'GET', path: '/messages/*', action: { status: 418 } });
    try {
      const res = await fetch(`${url}/api/v1/messages/abc`, { headers: { authorization: TOKEN }, signal: AbortSignal.timeout(10_000) });
      expect(res.status).toBe(418);
      const list = (await (await fetch(`${url}/_sim/proxy/violations`, { signal: AbortSignal.timeout(10_000) })).json()) as { violations: ProxyViolation[] };
      expect(list.violations).toEqual([expect.objectContaining({ kind: 'response', status: 418, path: '/messages/abc' })]);
    } finally {
      upstream.faults.clear('msgine');
      child.child.kill('SIGTERM');
      expect(await withTimeout(child.exited, 'the proxy to exit', 10_000)).toMatchObject({ code: 0 });
    }
  }, 60_000);
});
