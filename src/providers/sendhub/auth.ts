/**
 * `?username=USERNAME&api_key=APIKEY` on every request (SendHub's doc). Any well-formed pair is an
 * account of its own, so the doc's placeholders work as written; the tenant id is
 * `<username>:<api_key>` (neither part can contain a colon), which is how /_sim names the account.
 * A missing or malformed pair is Tastypie's ApiKeyAuthentication 401: an empty body.
 */
import type { IncomingRequest, Tenant } from '../provider.js';
import { sendhubError } from './errors.js';

/** Django's username rule: 150 characters at most, letters, digits and @ . + - _ (UnicodeUsernameValidator). */
export const USERNAME = /^[\p{L}\p{N}\p{M}_.@+-]{1,150}$/u;
/** Tastypie's ApiKey.key is a CharField(max_length=128); its generated keys are hex. */
export const API_KEY = /^[A-Za-z0-9]{1,128}$/;

export function tenantId(username: string, apiKey: string): string {
  return `${username}:${apiKey}`;
}

/** True for a tenant id built from a well-formed pair (the control API's inbound route takes one). */
export function isTenantId(tenant: string): boolean {
  const colon = tenant.indexOf(':');
  return colon > 0 && USERNAME.test(tenant.slice(0, colon)) && API_KEY.test(tenant.slice(colon + 1));
}

export function authenticateSendhub(request: IncomingRequest): Tenant {
  const { username, api_key: apiKey } = request.query;
  // Repeated parameters arrive as arrays: as malformed as missing ones.
  if (typeof username !== 'string' || typeof apiKey !== 'string' || !USERNAME.test(username) || !API_KEY.test(apiKey)) {
    throw sendhubError.unauthorized();
  }
  return { id: tenantId(username, apiKey) };
}
