/**
 * In-process test harness (after Hono's app.request and json-server's createApp): a real app on a
 * manual clock with a fixed seed, driven through supertest, with every provider response checked
 * against the provider's spec before the test sees it.
 */
import request from 'supertest';
import type { Express } from 'express';
import { Clock } from '../../src/engine/clock.js';
import { createEngine, type Engine, type EngineOptions } from '../../src/engine/engine.js';
import { createApp } from '../../src/http/app.js';
import { PROVIDERS } from '../../src/providers/index.js';
import { apiBasePaths, type Provider } from '../../src/providers/provider.js';
import { specPath } from '../../src/paths.js';
import { SpecChecker } from './spec-check.js';

export const T0 = Date.parse('2024-04-08T10:30:00.000Z');

export interface TestSim {
  app: Express;
  engine: Engine;
  clock: Clock;
  /** Client for one provider's API; every response is validated against its spec. */
  client(provider: string, headers?: Record<string, string>): ProviderClient;
  /**
   * supertest for anything (control API, raw provider calls); every response is still checked: /_sim
   * routes against openapi/control.yaml, provider routes against the provider's spec.
   */
  http: ReturnType<typeof request>;
  /** Advances the simulated clock and waits for the webhook attempts it started. */
  advance(ms: number): Promise<void>;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  query?: Record<string, string | number>;
  /** Send this exact string as the body (for malformed JSON). */
  raw?: string;
  contentType?: string;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: any;
  text: string;
}

export type ProviderClient = {
  [M in 'get' | 'post' | 'put' | 'patch' | 'delete']: (path: string, body?: unknown, options?: RequestOptions) => Promise<ApiResponse>;
} & { prefix: string };

const checkers = new Map<string, Promise<SpecChecker>>();

function loadChecker(name: string, file: string): Promise<SpecChecker> {
  let checker = checkers.get(name);
  if (!checker) checkers.set(name, (checker = SpecChecker.load(file)));
  return checker;
}

export function specChecker(provider: Provider): Promise<SpecChecker> {
  return loadChecker(provider.name, provider.specFile);
}

export const CONTROL_SPEC = specPath('control');

/** Control routes whose answers are not JSON documents to validate (streams, raw specs, the request bin). */
const UNCHECKED_CONTROL = [/^\/events(\?|$)/, /^\/openapi\//, /^\/receivers\/[^/]+\/hook/];

type Checked = { status: number; headers: Record<string, string | string[] | undefined>; body: unknown; text?: string };

/** Wraps supertest so every response is validated against the spec that owns its URL. */
async function validatedHttp(app: Express, registry: readonly Provider[], only: string | undefined): Promise<ReturnType<typeof request>> {
  const control = await loadChecker('control', CONTROL_SPEC);
  // One entry per path a provider's API answers on (its base path and its aliases), each checked against its spec.
  const providers = (
    await Promise.all(
      registry
        .filter((p) => !only || p.name === only)
        .map(async (p) => {
          const mount = only ? '' : `/${p.name}`;
          const checker = await specChecker(p);
          return apiBasePaths(p).map((basePath) => ({ prefix: `${mount}${basePath}`, mount, checker }));
        }),
    )
  ).flat();
  const checkerFor = (url: string): { checker: SpecChecker; path: string } | undefined => {
    const path = url.split('?')[0]!;
    if (path.startsWith('/_sim/')) {
      const sub = path.slice('/_sim'.length);
      return UNCHECKED_CONTROL.some((re) => re.test(sub)) ? undefined : { checker: control, path: sub };
    }
    const owner = providers.find((p) => path === p.prefix || path.startsWith(`${p.prefix}/`));
    if (owner) return { checker: owner.checker, path: path.slice(owner.prefix.length) || '/' };
    // Anything else under a provider's mount (a wrong version, a typo) is answered in that provider's envelope.
    const mount = providers.find((p) => p.mount && (path === p.mount || path.startsWith(`${p.mount}/`)));
    if (mount) return { checker: mount.checker, path: '/__unrouted__' };
    // Anything else is answered by the app's own 404 in the control envelope.
    return { checker: control, path: '/__unrouted__' };
  };
  const raw = request(app);
  return new Proxy(raw, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof prop !== 'string' || !['get', 'post', 'put', 'patch', 'delete', 'head', 'options'].includes(prop) || typeof value !== 'function') return value;
      return (url: string) => {
        const test = (value as (u: string) => request.Test).call(target, url);
        const found = checkerFor(url);
        return found ? test.expect((res: Checked) => found.checker.check(prop, found.path, res)) : test;
      };
    },
  });
}

export interface TestSimOptions extends Partial<EngineOptions> {
  only?: string;
  /** The providers to mount (default: the registry); the shared suite mounts one, or a toy. */
  providers?: readonly Provider[];
}

export async function createTestSim(options: TestSimOptions = {}): Promise<TestSim> {
  const { providers: registry = PROVIDERS, only, ...engineOptions } = options;
  const clock = engineOptions.clock instanceof Clock ? engineOptions.clock : new Clock({ mode: 'manual', start: T0 });
  const engine = await createEngine({ seed: 42, ...engineOptions, clock });
  const { app } = await createApp({ engine, providers: registry, ...(only ? { only } : {}) });
  const http = await validatedHttp(app, registry, only);

  return {
    app,
    engine,
    clock,
    http,
    async advance(ms) {
      clock.advance(ms);
      await engine.settle();
    },
    client(name, defaultHeaders = {}) {
      const provider = registry.find((p) => p.name === name);
      if (!provider) throw new Error(`no provider ${name}`);
      const prefix = `${only ? '' : `/${name}`}${provider.basePath}`;
      const call =
        (method: 'get' | 'post' | 'put' | 'patch' | 'delete') =>
        async (path: string, body?: unknown, opts: RequestOptions = {}) => {
          const agent = request(app);
          let req = agent[method](prefix + path).set({ ...defaultHeaders, ...opts.headers });
          if (opts.query) req = req.query(opts.query);
          if (opts.raw !== undefined) req = req.set('Content-Type', opts.contentType ?? 'application/json').send(opts.raw);
          else if (body !== undefined) req = req.set('Content-Type', opts.contentType ?? 'application/json').send(JSON.stringify(body));
          const res = await req;
          const checker = await specChecker(provider);
          checker.check(method, path.split('?')[0]!, { status: res.status, headers: res.headers, body: res.body, text: res.text });
          return { status: res.status, headers: res.headers as Record<string, string>, body: res.body, text: res.text };
        };
      return { prefix, get: call('get'), post: call('post'), put: call('put'), patch: call('patch'), delete: call('delete') };
    },
  };
}
