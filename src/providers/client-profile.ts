/**
 * What a client must know of a provider that its spec cannot say: how to authenticate, send, read a
 * message back, page, replay, subscribe to webhooks and check their signatures. Each provider declares
 * one beside its server rules (src/providers/<name>/profile.ts); `msgsim verify` (src/contract), the
 * shared behavioural suite (test/shared) and the benchmarks read it from the registry. What a provider
 * lacks is declared with the reason, so a suite can say why it leaves a case out instead of passing it
 * silently, and a test can hold the declaration against the spec.
 */

/** Credentials as a user gives them (`msgsim verify --api-key/--token/--username`). */
export interface Credentials {
  apiKey?: string;
  token?: string;
  username?: string;
}

/** Where a credential goes on a request. */
export interface AuthParts {
  headers: Record<string, string>;
  query: Record<string, string>;
}

/** A named credential with properties that ships with a provider (fixtures/), registered at start. */
export interface NamedKey {
  key: string;
  label?: string;
  properties: Record<string, unknown>;
}

/** A capability the provider does not have, and why. */
export interface Absent {
  absent: string;
}

export type Pagination =
  | { style: 'page'; path: string; pageParam: string; limitParam: string; total(body: unknown): number | undefined }
  | { style: 'offset'; path: string; offsetParam: string; limitParam: string; total(body: unknown): number | undefined }
  | { style: 'cursor'; path: string; cursorParam: string; limitParam: string; next(body: unknown): string | null };

export interface Idempotency {
  header: string;
  replayedHeader: string;
}

export interface RateLimitProfile {
  /** Credentials on the provider's smallest limit, so a 429 takes few requests (default: any new tenant). */
  credentials?: Credentials;
}

/** One webhook delivery as its receiver got it. */
export interface SignedDelivery {
  rawBody: string;
  headers: Record<string, string | undefined>;
  secret: string;
}

export type WebhookProfile =
  | {
      /** A subscription made through the provider's API before sending (Msghub, MsgFlash). */
      via: 'subscription';
      subscribe(url: string): { path: string; body: Record<string, unknown> };
      /** The signing secret in the subscription's answer. */
      secret(response: unknown): string | undefined;
      /** Verifies a delivery the way the provider tells its receivers to. */
      verify(delivery: SignedDelivery): boolean;
    }
  | {
      /** A callback URL given with each send (MsGine's callbackUrl). */
      via: 'send';
      field: string;
      /** The tenant setting (`GET /_sim/providers/<name>/tenants/<tenant>/settings`) that holds the secret. */
      secretSetting: string;
      verify(delivery: SignedDelivery): boolean;
    };

/** How a provider refuses a revoked credential (`POST /_sim/keys/<provider>/<key>/revoke`). */
export interface Revocation {
  /** 401 where the doc's only word for it is an invalid key; 403 where the doc says "Key revoked" is Forbidden. */
  status: 401 | 403;
  /** The key `/_sim/keys` names for these credentials. */
  keyOf(credentials: Credentials): string;
  /** The refusal carries no body at all (Tastypie's bare HttpUnauthorized), rather than an error in the envelope. */
  bodyless?: true;
}

export interface ClientProfile {
  /** Credentials to use when none are given (the simulator accepts any well-formed one). */
  defaultCredentials: Credentials;
  /** Well-formed credentials of an account of its own for `id` (4 to 16 letters and digits). */
  tenant(id: string): Credentials;
  auth(credentials: Credentials): AuthParts;
  /** A well-formed-looking but wrong credential (documented to answer 401). */
  wrongAuth: AuthParts;
  /**
   * Revocation, and the magic credentials that come with it: among Provider.fixtureKeys, one marked
   * `invalid` (always its 401) and one marked `revoked`.
   */
  revocation: Revocation | Absent;
  /** How a named key (Provider.fixtureKeys) goes on a request; required when the provider has any. */
  namedKeyAuth?(key: NamedKey): AuthParts;
  /** The minimal valid send to one recipient. */
  send: { path: string; body(recipient: string, text?: string): Record<string, unknown> };
  /** The id of the sent message in the send's response body. */
  sentId(body: unknown): string | undefined;
  /** The get-one path template for a sent message (e.g. /messages/{messageId}). */
  messageTemplate: string;
  /** Whether the get-one answer shows the message delivered, as far as the provider's view tells. */
  delivered(message: unknown): boolean;
  /** The error code of an error body (its message where the provider has no codes); undefined for none. */
  errorOf(body: unknown): string | undefined;
  pagination: Pagination | Absent;
  idempotency: Idempotency | Absent;
  rateLimits: RateLimitProfile | Absent;
  webhooks: WebhookProfile | Absent;
}

export const DEFAULT_SEND_TEXT = 'msgsim contract check';

export function isAbsent<T extends object>(value: T | Absent): value is Absent {
  return 'absent' in value;
}

/** The capability, or undefined when the provider declares it absent. */
export function present<T extends object>(value: T | Absent): T | undefined {
  return isAbsent(value) ? undefined : value;
}

export function field(body: unknown, ...path: string[]): unknown {
  let at: unknown = body;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** A get-one path for message `id` from a template with one parameter. */
export function messagePath(template: string, id: string): string {
  return template.replace(/\{[^}]+\}/, encodeURIComponent(id));
}

/** Headers without the ones a receiver did not get. */
export function definedHeaders(headers: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined));
}
