/**
 * `msgsim proxy`: forwards a provider's API to an upstream (a real provider or another msgsim),
 * validates every request and response against the provider's spec, and reports each non-conforming
 * one as a pino log line and in an in-memory list at GET /_sim/proxy/violations (DELETE clears it).
 * The proxy serves only that control route and the forwarded API; bodies are buffered, not streamed.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Clock } from '../engine/clock.js';
import type { Logger } from '../logger.js';
import { SpecValidator } from '../contract/spec-validator.js';
import { PROVIDERS } from '../providers/index.js';
import { apiBasePaths } from '../providers/provider.js';

export interface ProxyViolation {
  seq: number;
  at: string;
  kind: 'request' | 'response';
  method: string;
  path: string;
  status?: number;
  problems: string[];
}

export interface ProxyOptions {
  provider: string;
  /** The upstream API's base URL, e.g. https://api.msghub.example/api/v1. */
  upstream: string;
  port?: number;
  host?: string;
  logger: Logger;
  /** Most violations kept in memory (oldest dropped). */
  keep?: number;
}

export interface RunningProxy {
  url: string;
  port: number;
  violations(): readonly ProxyViolation[];
  close(): Promise<void>;
}

const CONTROL = '/_sim/proxy/violations';
const UPSTREAM_TIMEOUT_MS = 30_000;
/** Hop-by-hop and recomputed headers that are not forwarded. */
const DROP = new Set([
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer',
  'content-encoding',
]);

export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const provider = PROVIDERS.find((p) => p.name === options.provider);
  if (!provider) throw new Error(`unknown provider ${options.provider}`);
  const validator = await SpecValidator.load(provider.specFile);
  const upstream = options.upstream.replace(/\/+$/, '');
  const keep = options.keep ?? 1000;
  const violations: ProxyViolation[] = [];
  let seq = 0;
  // The proxy reports on a real service: its times are wall time.
  const clock = new Clock();

  const report = (v: Omit<ProxyViolation, 'seq' | 'at'>) => {
    const violation: ProxyViolation = { seq: ++seq, at: clock.wallIso(), ...v };
    violations.push(violation);
    if (violations.length > keep) violations.shift();
    options.logger.warn({ violation }, `spec violation: ${v.kind} ${v.method} ${v.path}${v.status ? ` → ${v.status}` : ''}`);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, Buffer.concat(chunks), res).catch((err: unknown) => {
        options.logger.error({ err }, 'proxy failure');
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ error: { code: 'bad_gateway', message: `msgsim proxy: upstream failed: ${err instanceof Error ? err.message : String(err)}` } }),
        );
      });
    });
  });

  async function handle(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://proxy.local');
    const method = (req.method ?? 'GET').toUpperCase();
    if (url.pathname === CONTROL) {
      if (method === 'DELETE') violations.length = 0;
      if (method !== 'GET' && method !== 'DELETE') {
        res.writeHead(405, { allow: 'GET, DELETE', 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'method not allowed' }));
        return;
      }
      res.writeHead(method === 'DELETE' ? 204 : 200, method === 'DELETE' ? {} : { 'content-type': 'application/json' });
      res.end(method === 'DELETE' ? undefined : JSON.stringify({ provider: provider!.name, upstream, violations }));
      return;
    }
    // Clients may keep the provider's base path (/api/v1/messages), or an alias of it (SendHub's links
    // to /api/v1/…), or drop it (/messages).
    const basePath = apiBasePaths(provider!).find((path) => url.pathname.startsWith(`${path}/`));
    const apiPath = basePath ? url.pathname.slice(basePath.length) : url.pathname;
    const contentType = String(req.headers['content-type'] ?? '');
    const requestProblems = validator.checkRequest(method, apiPath, url.searchParams, contentType, body.toString('utf8'));
    if (requestProblems.length) report({ kind: 'request', method, path: apiPath, problems: requestProblems });

    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !DROP.has(k)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const up = await fetch(`${upstream}${apiPath}${url.search}`, {
      method,
      headers,
      ...(body.length && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
      redirect: 'manual',
      signal: clock.realAbortSignal(UPSTREAM_TIMEOUT_MS),
    });
    const text = await up.text();
    const responseHeaders: Record<string, string> = {};
    up.headers.forEach((v, k) => {
      if (!DROP.has(k)) responseHeaders[k] = v;
    });
    let parsed: unknown = text;
    try {
      parsed = text.length ? JSON.parse(text) : undefined;
    } catch {
      /* reported by the validator when JSON is documented */
    }
    const responseProblems = validator.check(method, apiPath, { status: up.status, headers: responseHeaders, body: parsed, text });
    if (responseProblems.length) report({ kind: 'response', method, path: apiPath, status: up.status, problems: responseProblems });
    res.writeHead(up.status, responseHeaders);
    res.end(text);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    violations: () => violations,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
