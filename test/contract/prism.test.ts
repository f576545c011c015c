/**
 * An independent check of our specs and server: Stoplight Prism in proxy mode (`prism proxy <spec>
 * <upstream> --errors`) in front of the simulator, for a sample of every provider's endpoints (the
 * send, every documented list, the get of the sent message, a missing-credentials 401). Prism reports
 * what departs from the spec in an `sl-violations` header; there must be none. A fault answering an
 * undocumented status proves Prism is really looking.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpecValidator } from '../../src/contract/spec-validator.js';
import { messagePath } from '../../src/providers/client-profile.js';
import { PROVIDERS, providerNamed } from '../../src/providers/index.js';
import { createSimulator, type Simulator } from '../../src/simulator.js';
import { ROOT, withTimeout } from '../support/cli.js';

const PRISM = path.join(ROOT, 'node_modules', '.bin', 'prism');
const NAMES = PROVIDERS.map((p) => p.name);

interface RunningPrism {
  child: ChildProcess;
  url: string;
  log(): string;
}

let sim: Simulator;
const prisms = new Map<string, RunningPrism>();

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function startPrism(provider: string): Promise<RunningPrism> {
  const p = providerNamed(provider);
  const port = await freePort();
  const child = spawn(PRISM, ['proxy', p.specFile, `${sim.url}/${provider}${p.basePath}`, '--errors', '-p', String(port), '-h', '127.0.0.1'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (log += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (log += c));
  const url = `http://127.0.0.1:${port}`;
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      const look = () => {
        if (/Prism is listening/.test(log)) resolve();
      };
      child.stdout.on('data', look);
      child.once('exit', (code) => reject(new Error(`prism exited ${code}: ${log}`)));
    }),
    `prism for ${provider} to listen`,
    60_000,
  );
  return { child, url, log: () => log };
}

async function viaPrism(
  provider: string,
  method: string,
  apiPath: string,
  auth: { headers: Record<string, string>; query: Record<string, string> },
  body?: unknown,
) {
  const url = new URL(prisms.get(provider)!.url + apiPath);
  for (const [k, v] of Object.entries(auth.query)) url.searchParams.set(k, v);
  const res = await fetch(url, {
    method,
    headers: { ...auth.headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  return { status: res.status, violations: res.headers.get('sl-violations'), text };
}

beforeAll(async () => {
  sim = await createSimulator({ port: 0, clock: 'real' });
  const started = await Promise.all(NAMES.map(async (n) => [n, await startPrism(n)] as const));
  for (const [n, prism] of started) prisms.set(n, prism);
}, 90_000);

afterAll(async () => {
  for (const prism of prisms.values()) {
    if (prism.child.exitCode === null && prism.child.signalCode === null) {
      const gone = new Promise<void>((resolve) => prism.child.once('exit', () => resolve()));
      prism.child.kill('SIGTERM');
      await withTimeout(gone, 'prism to exit', 10_000).catch(() => prism.child.kill('SIGKILL'));
    }
  }
  await sim.close();
}, 30_000);

describe('Prism proxy in front of the simulator', () => {
  it.each(NAMES)(
    '%s: a sample of endpoints has no violations',
    async (provider) => {
      const { profile, specFile } = providerNamed(provider);
      const auth = profile.auth(profile.defaultCredentials);
      const validator = await SpecValidator.load(specFile);
      const seen: string[] = [];
      const sent = await viaPrism(provider, 'POST', profile.send.path, auth, profile.send.body('+15005550000'));
      seen.push(`POST ${profile.send.path} → ${sent.status} ${sent.violations ?? ''}`);
      expect(sent.status).toBeLessThan(300);
      const id = profile.sentId(JSON.parse(sent.text));
      expect(id).toBeTruthy();
      const got = await viaPrism(provider, 'GET', messagePath(profile.messageTemplate, id!), auth);
      seen.push(`GET ${profile.messageTemplate} → ${got.status} ${got.violations ?? ''}`);
      expect(got.status).toBe(200);
      const lists = validator.operations.filter((op) => op.method === 'get' && !op.template.includes('{')).slice(0, 4);
      for (const op of lists) {
        const res = await viaPrism(provider, 'GET', op.template, auth);
        seen.push(`GET ${op.template} → ${res.status} ${res.violations ?? ''}`);
      }
      const unauth = await viaPrism(provider, 'GET', lists[0]?.template ?? messagePath(profile.messageTemplate, id!), { headers: {}, query: {} });
      seen.push(`GET (no credentials) → ${unauth.status} ${unauth.violations ?? ''}`);
      expect(unauth.status).toBe(401);
      expect(
        seen.filter((line) => line.includes('[{')),
        seen.join('\n'),
      ).toEqual([]);
      expect(prisms.get(provider)!.log()).not.toMatch(/Violation:/);
    },
    60_000,
  );

  it('Prism does flag an undocumented status (fault 418 on MsGine GET /messages/{id})', async () => {
    sim.faults.add({ provider: 'msgine', method: 'GET', path: '/messages/*', action: { status: 418 } });
    try {
      const res = await viaPrism('msgine', 'GET', '/messages/abc', providerNamed('msgine').profile.auth({ token: 'prism_control_01' }));
      expect(res.status).toBe(418);
      expect(res.violations).toContain('Unable to match the returned status code');
    } finally {
      sim.faults.clear('msgine');
    }
  }, 30_000);
});
