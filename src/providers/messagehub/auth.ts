/**
 * "All API requests require a Bearer token in the Authorization header": `Authorization: Bearer
 * cpk_live_…` (production) or `cpk_test_…` (sandbox). The doc's literal `cpk_live_your_api_key` must work,
 * so any well-formed key is an account of its own with every scope on the Pro tier, unless it was
 * registered (POST /_sim/keys, fixtures/messagehub.json) with `scopes`, `tier`, `revoked` (403 KEY_REVOKED,
 * "403 Forbidden - Key revoked or insufficient scope") or `invalid` (always 401 UNAUTHORIZED).
 */
import type { Engine } from '../../engine/engine.js';
import { SimError } from '../../engine/errors.js';
import { keyRefusal } from '../../engine/keys.js';
import type { IncomingRequest, Tenant } from '../provider.js';
import { HubCode, HubWording } from './errors.js';

export const NAMESPACE = 'messagehub';

/** The prefix the doc names, then 4 to 128 key characters (the doc shows `cpk_live_your_api_key`). */
export const MESSAGEHUB_KEY = /^cpk_(live|test)_[A-Za-z0-9_]{4,128}$/;

/** The doc's Scopes list. */
export const SCOPES = ['messages:send', 'messages:read', 'contacts:read', 'contacts:write', 'content:distribute'] as const;
export type Scope = (typeof SCOPES)[number];

/** The doc's endpoint table: the scope each operation needs (the delivery webhook is public). */
export const OPERATION_SCOPES: Readonly<Record<string, Scope>> = {
  sendMessage: 'messages:send',
  sendBatch: 'messages:send',
  getMessage: 'messages:read',
  distributeContent: 'content:distribute',
};

/** RFC 6750 §3: a 401 names the scheme; the error is named only when a credential was sent. */
const REALM = 'Bearer realm="MessageHub"';

export function authenticateMessageHub(request: IncomingRequest, engine: Engine): Tenant {
  const header = request.headers.authorization;
  // The scheme is case-insensitive (RFC 9110 §11.1); the key is never echoed back, it is a credential.
  const key = typeof header === 'string' ? /^Bearer +(\S+)\s*$/i.exec(header)?.[1] : undefined;
  const registered = key !== undefined && MESSAGEHUB_KEY.test(key) ? engine.keys.get(NAMESPACE, key) : undefined;
  // A key registered as always invalid is as unknown as a malformed one; a revoked key is known (403 below).
  if (key === undefined || !MESSAGEHUB_KEY.test(key) || keyRefusal(registered) === 'invalid') {
    throw new SimError({
      kind: 'unauthorized',
      code: HubCode.unauthorized,
      message: HubWording.unauthorized,
      field: 'Authorization',
      headers: { 'WWW-Authenticate': header === undefined ? REALM : `${REALM}, error="invalid_token"` },
    });
  }
  return { id: key, ...(registered ? { properties: registered.properties } : {}) };
}

/** "403 Forbidden - Key revoked or insufficient scope". */
export function authorizeMessageHub(tenant: Tenant, operationId: string): void {
  // The limiter has not run yet: the HTTP layer reports this key's own window, uncounted, on the 403.
  if (keyRefusal(tenant.properties ? { properties: tenant.properties } : undefined) === 'revoked') {
    throw new SimError({ kind: 'forbidden', code: HubCode.keyRevoked, message: HubWording.keyRevoked, field: 'Authorization' });
  }
  const needed = OPERATION_SCOPES[operationId];
  if (needed && !scopesOf(tenant).includes(needed)) {
    throw new SimError({
      kind: 'forbidden',
      code: HubCode.insufficientScope,
      message: `This API key lacks the ${needed} scope`,
      field: 'scope',
      value: needed,
      headers: { 'WWW-Authenticate': `${REALM}, error="insufficient_scope", scope="${needed}"` },
    });
  }
}

/** A registered key's `scopes` (strings only); a key registered without them has every scope. */
export function scopesOf(tenant: Tenant): string[] {
  const scopes = tenant.properties?.scopes;
  if (!Array.isArray(scopes)) return [...SCOPES];
  return scopes.filter((s): s is string => typeof s === 'string');
}
