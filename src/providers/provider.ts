/**
 * The whole seam between the engine and a provider's dialect. A provider is data plus plain functions:
 * handlers take a framework-free request and return a status and body, so the HTTP layer (src/http)
 * owns express and the provider folder owns only the provider's rules and words.
 */
import type { Engine } from '../engine/engine.js';
import type { SimError } from '../engine/errors.js';
import type { RateWindow } from '../engine/rate-limit.js';
import type { AuthParts, ClientProfile, NamedKey } from './client-profile.js';

export interface Tenant {
  /** Stable partition key for the engine (a key, a token, a username+key pair). */
  id: string;
  /** Provider-specific facts about the credential (scopes, team, plan…). */
  properties?: Record<string, unknown>;
}

export interface IncomingRequest {
  method: string;
  /** The path as the client sent it, without the query string. */
  path: string;
  headers: Record<string, string | undefined>;
  query: Record<string, unknown>;
}

/** `{ details: { field, value } }` for envelopes that carry them, or nothing when the error names no field. */
export function errorDetails(error: SimError): { details?: { field?: string; value?: unknown } } {
  const details: { field?: string; value?: unknown } = {};
  if (error.field !== undefined) details.field = error.field;
  if (error.value !== undefined) details.value = error.value;
  return Object.keys(details).length > 0 ? { details } : {};
}

/** The rate limiter's key for a tenant of a provider (one place, so providers reading it cannot drift). */
export function rateLimitKey(provider: string, tenantId: string): string {
  return `${provider}:${tenantId}:`;
}

/** The tenant of operations that need no credentials (`security: []` in the spec). */
export const PUBLIC_TENANT: Tenant = { id: '', properties: { public: true } };

/** A request its spec refuses, as the HTTP layer found it. */
export interface ValidationProblem {
  /** `to`, `recipients[2]`, `templateParams.name`; undefined for the request body as a whole. */
  field: string | undefined;
  location: 'body' | 'query' | 'path' | 'headers' | undefined;
  /** The JSON Schema keyword that failed (`required`, `pattern`…) or msgsim's own (`unknownQuery`). */
  keyword: string;
  value: unknown;
  /** msgsim's plain sentence for it ("to is required", "limit must be an integer from 1 to 100"). */
  message: string;
}

export interface HandlerRequest<Body = unknown> extends IncomingRequest {
  operationId: string;
  tenant: Tenant;
  params: Record<string, string>;
  body: Body;
}

export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type OperationHandler = (request: HandlerRequest) => HandlerResult | Promise<HandlerResult>;

export interface RenderedError {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface RateLimitInfo {
  limit: number;
  remaining: number;
  resetAt: number;
  retryAfterSeconds: number;
}

export interface ProviderInstance {
  /** Handlers by the spec's operationId; the HTTP layer refuses to start if one is missing. */
  operations: Record<string, OperationHandler>;
  /** Per-tenant account settings QA can change through /_sim (connected channels…). */
  tenantSettings?: TenantSettings;
  /**
   * Simulates a message arriving from a recipient (a reply) for this tenant; returns the provider's
   * view of the stored inbound message. Throws a SimError (400) for an invalid one.
   */
  receiveInbound?(tenant: string, input: InboundInput): unknown;
}

export interface InboundInput {
  from: string;
  text: string;
  /** Provider-specific extras (channel, to…). */
  [field: string]: unknown;
}

export interface TenantSettings {
  get(tenant: string): Record<string, unknown>;
  /** Applies a partial update; throws a SimError (400) for an invalid one. */
  update(tenant: string, patch: unknown): Record<string, unknown>;
}

/** A made-up person for generated fixtures (`generate: {contacts: 500}`): the same seed, the same people. */
export interface GeneratedPerson {
  firstName: string;
  lastName: string;
  /** First and last name. */
  name: string;
  /** Valid E.164, unique within one generated batch. */
  phone: string;
  /** At a reserved example domain, unique within one generated batch. */
  email: string;
}

/** What a fixture kind gets to make one item for an account. */
export interface FixtureContext {
  engine: Engine;
  /** The account, as the provider's own authentication named it. */
  tenant: Tenant;
  /**
   * Runs one of the provider's operations for the account as an authenticated request would (its
   * authorisation, the spec's validation, the handler) and resolves to the answer's body; a refusal
   * rejects with the SimError a client would have been answered with. `field` renames the fields its
   * errors name, when the item calls them otherwise.
   */
  call(operationId: string, body?: unknown, options?: { params?: Record<string, string>; field?: (field: string) => string }): Promise<unknown>;
}

/** How a scenario (README, "Set-up from a file") makes one kind of fixture for an account. */
export interface FixtureKind {
  /** One item, in the provider's own terms: for the docs and the tests that make every kind. */
  example: Record<string, unknown>;
  /** Makes one item for the account exactly as the API would have; resolves to its id (what `{ idOf }` stands for). */
  create(item: Record<string, unknown>, context: FixtureContext): Promise<string>;
  /** The item a generated person becomes; without it the kind cannot be generated. */
  fromPerson?(person: GeneratedPerson): Record<string, unknown>;
}

/** What a provider offers a scenario: its accounts' fixtures. */
export interface ScenarioSupport {
  /** How the account a scenario names (the credential its client sends: a key, SendHub's `username:api_key`) goes on a request. */
  auth(credential: string, engine: Engine): AuthParts;
  /** The kinds of fixture an account may declare, in the order they are made: an item may name one of an earlier kind with `{ idOf }`. */
  fixtures: Readonly<Record<string, FixtureKind>>;
}

export interface Provider {
  /** URL prefix and engine namespace: 'msghub'. */
  name: string;
  title: string;
  /** Absolute path of the provider's OpenAPI document. */
  specFile: string;
  /** Path of the API below the provider prefix: '/api/v1'. */
  basePath: string;
  /**
   * Other paths below the provider prefix that answer the same API, with the same router (SendHub's doc
   * sends requests to /v1/ but links to /api/v1/). `basePath` stays the one msgsim verify, the API
   * reference and /_sim/health name.
   */
  aliasBasePaths?: readonly string[];
  /** Reads the credential from the request; throws the provider's 401 as a SimError. */
  authenticate(request: IncomingRequest, engine: Engine): Tenant;
  /**
   * Checks what the credential may do (read-only tokens, scopes, team rules) once the operation is
   * known; throws the provider's 403 (or other) as a SimError.
   */
  authorize?(tenant: Tenant, operationId: string, request: IncomingRequest, engine: Engine): void;
  /** Named credentials with properties that ship with the provider (see fixtures/), registered at start. */
  fixtureKeys?: readonly NamedKey[];
  /** Absolute paths of every fixture file the provider reads (none: an empty list). */
  fixtureFiles: readonly string[];
  /** What a client must know that the spec cannot say; read by `msgsim verify`, the shared tests and the benchmarks. */
  profile: ClientProfile;
  /** Renders any SimError in the provider's own envelope. */
  renderError(error: SimError): RenderedError;
  /**
   * The body of the 301 that sends a GET without its trailing slash to the slash URL (for APIs whose
   * paths end with a slash); without it the 301 has no body. `location` is the Location header.
   */
  redirectBody?(location: string): unknown;
  /**
   * Documented request limits per tenant (checked before validation and handlers); a function when
   * they depend on the credential (tiers, plans). A window's `code` names the provider's 429 code.
   */
  rateLimits?: readonly RateWindow[] | ((tenant: Tenant, engine: Engine) => readonly RateWindow[]);
  /**
   * Headers a provider sends about its limits on every response, errors included. `info` is the caller's
   * window: counted with this request, or as it stands when the limiter did not count it (a refusal
   * before it, a public operation, limits off); undefined only when no credential could be read.
   */
  rateLimitHeaders?(info: RateLimitInfo | undefined, nowMs: number, tenant?: Tenant): Record<string, string>;
  /** Operations that honour an Idempotency-Key header. */
  idempotentOperations?: readonly string[];
  /**
   * The provider's own code and words for a request its spec refuses, where its doc shows them
   * (Msghub's invalid_phone_number); msgsim's plain sentence and the kind's code otherwise.
   */
  validationError?(problem: ValidationProblem): { code?: string; message?: string } | undefined;
  /**
   * Whom a request addresses, as the operation's body names them (to, to[], contacts, recipients,
   * targets[].to…): the request journal's provider-neutral `to` filter. None for operations that address no one.
   */
  requestRecipients?: (operationId: string, body: unknown) => readonly string[];
  /** Fixtures a scenario may declare for an account (none: a scenario may only name its keys). */
  scenario?: ScenarioSupport;
  /**
   * Builds the provider on an engine: subscribes to events (including `reset`, to drop timers it owns),
   * returns the handlers. `mount` says where the app serves it, for links written into answers.
   */
  create(engine: Engine, mount?: ProviderMount): ProviderInstance;
}

/** Where the app serves a provider: what a link in an answer must start with to be followed as given. */
export interface ProviderMount {
  /** The provider's prefix on the host: '/sendhub', or '' when it is served alone at the root (`--provider`). */
  prefix: string;
}

/** The mount of a provider served under its name (the default; the app passes '' with `--provider`). */
export function defaultMount(provider: Pick<Provider, 'name'>): ProviderMount {
  return { prefix: `/${provider.name}` };
}

/** Every path below the provider prefix its API answers on: its base path first, then its aliases. */
export function apiBasePaths(provider: Pick<Provider, 'basePath' | 'aliasBasePaths'>): string[] {
  return [provider.basePath, ...(provider.aliasBasePaths ?? [])];
}

/** The windows that limit a tenant: Provider.rateLimits may depend on the credential (tiers, plans). */
export function rateWindowsOf(provider: Provider, tenant: Tenant, engine: Engine): readonly RateWindow[] {
  return (typeof provider.rateLimits === 'function' ? provider.rateLimits(tenant, engine) : provider.rateLimits) ?? [];
}

/** The request `authenticate` sees when a client places credentials as `auth` says (header names in lower case, as node gives them). */
export function requestWith(auth: AuthParts, method = 'GET', path = '/'): IncomingRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(auth.headers)) headers[name.toLowerCase()] = value;
  return { method, path, headers, query: { ...auth.query } };
}
