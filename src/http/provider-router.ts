/**
 * One provider's HTTP surface, assembled from its spec. The request path is the same for every provider
 * (after stripe-mock: route → auth → limit → parse → validate → idempotency → handler), and every error
 * on it, whoever throws it, is rendered once by the provider's own renderer.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Engine } from '../engine/engine.js';
import { SimError } from '../engine/errors.js';
import {
  PUBLIC_TENANT,
  rateLimitKey,
  rateWindowsOf,
  type HandlerRequest,
  type HandlerResult,
  type Provider,
  type ProviderInstance,
  type ProviderMount,
  type RateLimitInfo,
  type Tenant,
} from '../providers/provider.js';
import { acknowledgement } from '../web/acknowledge.js';
import { jsonBody } from '../web/body.js';
import { toSimError } from './error-mapping.js';
import { runIdempotent } from './idempotency.js';
import { applyFault } from './fault-actions.js';
import { journalOf, type JournalRecorder } from './journal-recorder.js';
import { requestedFault } from './request-controls.js';
import type { Logger } from '../logger.js';
import { RouteTable, type RouteOperation } from './route-table.js';
import { loadSpecWithValidators } from './spec.js';

export interface ProviderRouterOptions {
  provider: Provider;
  engine: Engine;
  /** Where the app mounts the provider ('/msghub', or '' alone at the root), for the links it writes. */
  mount: ProviderMount;
  bodyLimit?: string;
  logger?: Logger;
  /** Records every request in the engine's request journal (absent when the journal is off). */
  journal?: JournalRecorder;
}

const VALIDATION_KINDS = new Set(['invalid_request', 'invalid_json']);

interface Locals {
  operation: RouteOperation;
  params: Record<string, string>;
  /** The request as auth and the handler see it, built once. */
  request: ReturnType<typeof incoming>;
  tenant: Tenant;
  rateLimit?: RateLimitInfo;
}

export async function createProviderRouter(options: ProviderRouterOptions): Promise<{ router: Router; instance: ProviderInstance }> {
  const { provider, engine, journal } = options;
  const { spec, validator } = await loadSpecWithValidators(provider.specFile);
  const routes = new RouteTable(spec);
  const instance = provider.create(engine, options.mount);
  for (const operation of routes.operations) {
    if (!instance.operations[operation.operationId]) {
      throw new Error(`${provider.name}: no handler for operation ${operation.operationId} (${operation.method.toUpperCase()} ${operation.template})`);
    }
  }

  const router = express.Router({ caseSensitive: true, strict: true });
  const locals = (res: Response): Locals => res.locals as Locals;

  /** Names the operation; false when the request was answered here (a trailing-slash redirect). */
  const matchRoute = (req: Request, res: Response): boolean => {
    const match = routes.match(req.method, req.path);
    if (match.kind === 'not_found') {
      // APIs with trailing slashes (Django/Tastypie): a GET without the slash is redirected, as
      // Django's APPEND_SLASH does; other methods cannot be redirected safely and get a 404 that says why.
      if (!req.path.endsWith('/') && routes.match(req.method, `${req.path}/`).kind !== 'not_found') {
        if (req.method === 'GET' || req.method === 'HEAD') {
          const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
          // res.location encodes the URL as res.redirect would; the body is the provider's (JSON or none).
          res.location(`${req.baseUrl}${req.path}/${query}`);
          send(res, { status: 301, body: provider.redirectBody?.(String(res.get('Location'))) });
          return false;
        }
        throw new SimError({
          kind: 'route_not_found',
          message: `No route ${req.method} ${req.path}; this API's paths end with a slash: ${req.path}/`,
          field: 'path',
          value: req.path,
        });
      }
      throw new SimError({ kind: 'route_not_found', message: `No route ${req.method} ${req.path}`, field: 'path', value: req.path });
    }
    if (match.kind === 'method_not_allowed') {
      throw new SimError({
        kind: 'method_not_allowed',
        message: `${req.method} is not allowed on ${req.path}; allowed: ${match.allow.join(', ')}`,
        headers: { Allow: match.allow.join(', ') },
      });
    }
    // A path parameter that is not valid percent-encoding cannot name anything: say which one.
    if (match.malformed) {
      throw new SimError({
        kind: 'invalid_request',
        message: `${match.malformed} is not valid percent-encoding`,
        field: match.malformed,
        value: match.params[match.malformed],
      });
    }
    locals(res).operation = match.operation;
    locals(res).params = match.params;
    return true;
  };

  /** Authenticates and authorises; false when an injected fault answered instead. */
  const admit = async (req: Request, res: Response): Promise<boolean> => {
    const request = (locals(res).request = incoming(req));
    const { operation } = locals(res);
    const tenant = operation.public ? PUBLIC_TENANT : provider.authenticate(request, engine);
    if (!operation.public) provider.authorize?.(tenant, operation.operationId, request, engine);
    locals(res).tenant = tenant;
    // Test controls ride on headers or /_sim/faults rules but never bypass auth: checked only for an
    // authorised caller, before anything is counted or stored.
    const asked = requestedFault(req.headers);
    const action = asked ?? engine.faults.match({ provider: provider.name, method: req.method, path: req.path, tenant: tenant.id });
    const source = asked ? 'header' : 'rule';
    if (action) journalOf(res)?.faulted(res, action, source);
    return !(action && (await applyFault(action, source, req, res, engine.faults, engine.clock)));
  };

  const limit = (res: Response): void => {
    const { tenant, operation } = locals(res);
    const windows = rateWindowsOf(provider, tenant, engine);
    if (operation.public || windows.length === 0 || !engine.settings.rateLimits) return;
    const decision = engine.rateLimiter.consume(rateLimitKey(provider.name, tenant.id), windows);
    const info = { limit: decision.limit, remaining: decision.remaining, resetAt: decision.resetAt, retryAfterSeconds: decision.retryAfterSeconds };
    locals(res).rateLimit = info;
    const headers = provider.rateLimitHeaders?.(info, engine.clock.now(), tenant) ?? {};
    res.set(headers);
    if (!decision.allowed) {
      const code = windows.find((w) => w.name === decision.window)?.code;
      throw new SimError({
        kind: 'rate_limited',
        ...(code ? { code } : {}),
        message: `Too many requests: the ${decision.window} limit of ${decision.limit} is used up; retry in ${decision.retryAfterSeconds}s`,
        retryAfter: decision.retryAfterSeconds,
        headers: { ...headers, 'Retry-After': String(decision.retryAfterSeconds) },
      });
    }
  };

  /**
   * The credential's tenant when a request was refused before admission (unknown route, wrong method,
   * a malformed path, a refusal by authorize); undefined when there is none to read.
   */
  const readableTenant = (req: Request, res: Response): Tenant | undefined => {
    if (locals(res).operation?.public) return undefined;
    try {
      return provider.authenticate(locals(res).request ?? incoming(req), engine);
    } catch {
      return undefined;
    }
  };

  /**
   * Limit headers for an answer the limiter did not count (a refusal before it, a public operation,
   * limits switched off): the caller's own window as it stands, and the provider's default only when
   * no credential could be read (MessageHub: "Rate limit headers are included in every response").
   */
  const uncountedLimitHeaders = (req: Request, res: Response): Record<string, string> => {
    const tenant = locals(res).operation?.public ? undefined : (locals(res).tenant ?? readableTenant(req, res));
    const windows = tenant ? rateWindowsOf(provider, tenant, engine) : [];
    if (!tenant || windows.length === 0) return provider.rateLimitHeaders!(undefined, engine.clock.now());
    const decision = engine.rateLimiter.peek(rateLimitKey(provider.name, tenant.id), windows, 0);
    const info = { limit: decision.limit, remaining: decision.remaining, resetAt: decision.resetAt, retryAfterSeconds: decision.retryAfterSeconds };
    return provider.rateLimitHeaders!(info, engine.clock.now(), tenant);
  };

  // Three layers, not eight: every layer costs each request a turn through the router. The order is
  // the one above: route, auth, faults, limit — then the body — then validation and the handler.
  router.use(async (req, res, next) => {
    journal?.begin(req, res);
    if (!matchRoute(req, res) || !(await admit(req, res))) return;
    limit(res);
    next();
  });

  router.use(jsonBody(options.bodyLimit, journal ? { verify: journal.keepRawBody } : {}));

  router.use(async (req, res) => {
    const changesBefore = engine.store.changes;
    const { operation, params, tenant, request: seen } = locals(res);
    const query = validator.validate(operation, { query: req.query, headers: req.headers, path: params, body: req.body });
    const handler = instance.operations[operation.operationId]!;
    const request: HandlerRequest = { ...seen, query, operationId: operation.operationId, tenant, params, body: req.body };
    const run = async (): Promise<HandlerResult & { storable?: boolean }> => {
      try {
        return await (journal ? journal.call(res, handler, request) : handler(request));
      } catch (error) {
        // Handler errors are results too, rendered now and replayed under the same Idempotency-Key —
        // except validation failures, which (as Stripe does) are not kept, so a corrected retry may succeed.
        if (error instanceof SimError) {
          journalOf(res)?.failed(error);
          return { ...render(provider, error), storable: !VALIDATION_KINDS.has(error.kind) };
        }
        throw error;
      }
    };
    let result = provider.idempotentOperations?.includes(operation.operationId)
      ? await runIdempotent(engine, provider, request, operation.template, run)
      : await run();
    const pending = acknowledgement(engine, changesBefore);
    const unsaved = pending && (await pending);
    if (unsaved) {
      journalOf(res)?.failed(unsaved);
      result = render(provider, unsaved);
    }
    // Limit headers on every response: also where the limiter did not run (public operations, limits off).
    if (provider.rateLimitHeaders && !locals(res).rateLimit) res.set(uncountedLimitHeaders(req, res));
    send(res, result);
  });

  router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const simError = toSimError(error, provider);
    if (simError.status >= 500 && simError.kind === 'internal') options.logger?.error({ err: error, path: req.path }, 'unhandled error');
    journalOf(res)?.failed(simError);
    // Providers that send limit headers on every response do so on errors raised before the limiter too.
    if (provider.rateLimitHeaders && !locals(res).rateLimit) res.set(uncountedLimitHeaders(req, res));
    send(res, render(provider, simError));
  });

  return { router, instance };
}

/** The provider's envelope for any error, as a handler result. */
export function render(provider: Provider, error: SimError): HandlerResult {
  const rendered = provider.renderError(error);
  return { status: rendered.status, body: rendered.body, headers: { ...error.headers, ...rendered.headers } };
}

export function send(res: Response, result: HandlerResult): void {
  if (result.headers) res.set(result.headers);
  res.status(result.status);
  if (result.body === undefined || result.status === 204 || result.status === 304) {
    journalOf(res)?.answered(res, result, undefined);
    res.end();
    return;
  }
  // What res.json would send (no ETag: they are off), without its per-response content negotiation
  // and freshness checks; node sets Content-Length and drops the body of a HEAD.
  if (!res.hasHeader('Content-Type')) res.setHeader('Content-Type', 'application/json; charset=utf-8');
  const text = JSON.stringify(result.body);
  journalOf(res)?.answered(res, result, text);
  res.end(text);
}

function incoming(req: Request) {
  return {
    method: req.method,
    path: req.path,
    headers: req.headers as Record<string, string | undefined>,
    query: req.query as Record<string, unknown>,
  };
}
