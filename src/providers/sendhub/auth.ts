/**
 * `?username=USERNAME&api_key=APIKEY` on every request (SendHub's doc), judged as Tastypie's
 * ApiKeyAuthentication judges it (django-tastypie, tastypie/authentication.py): the user named by
 * `username` must exist, be active, and have `api_key` as its key; anything else is a bare
 * `HttpUnauthorized()`, a 401 with an empty body.
 *
 * msgsim has no sign-up, so the first use of a well-formed pair creates the account (the doc's
 * USERNAME/APIKEY work as written) and binds the two: Tastypie's ApiKey is one key per user, so from
 * then on the username with another key, or the key with another username, is a 401. The binding is
 * the account's state itself (its partition in the store, created by its first answered request), so
 * it lasts as long as the account: a `/_sim/reset` of the account, or of SendHub, frees both names.
 * The tenant id is `<username>:<api_key>` (neither part can contain a colon), as /_sim names it.
 *
 * Magic credentials (fixtures/sendhub.json): INVALIDKEY (or any key registered `{invalid:true}`) is never valid; a revoked key (REVOKEDKEY, or
 * any key through `POST /_sim/keys/sendhub/<api_key>/revoke`) is an inactive user's, also a 401.
 */
import type { Engine } from '../../engine/engine.js';
import { keyRefusal } from '../../engine/keys.js';
import type { IncomingRequest, Tenant } from '../provider.js';
import { NAMESPACE } from './account.js';
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

/**
 * Why a well-formed pair cannot be an account, or undefined when it can: its key is a magic invalid one,
 * or its username or its key already belongs to another account. Only a pair that is not an account
 * yet is looked through the accounts, so a signed-in client costs one lookup per request.
 */
export function accountProblem(engine: Engine, username: string, apiKey: string): string | undefined {
  if (keyRefusal(engine.keys.get(NAMESPACE, apiKey)) === 'invalid') return 'the api_key is never valid (a magic credential)';
  if (engine.store.hasTenant(NAMESPACE, tenantId(username, apiKey))) return undefined;
  for (const tenant of engine.store.tenants(NAMESPACE)) {
    const colon = tenant.indexOf(':');
    if (colon < 0) continue;
    if (tenant.slice(0, colon) === username) return `the username ${username} has another api_key`;
    if (tenant.slice(colon + 1) === apiKey) return 'the api_key belongs to another username';
  }
  return undefined;
}

export function authenticateSendhub(request: IncomingRequest, engine: Engine): Tenant {
  const { username, api_key: apiKey } = request.query;
  // Repeated parameters arrive as arrays: as malformed as missing ones.
  if (typeof username !== 'string' || typeof apiKey !== 'string' || !USERNAME.test(username) || !API_KEY.test(apiKey)) {
    throw sendhubError.unauthorized('username and api_key are missing or malformed');
  }
  const problem = accountProblem(engine, username, apiKey);
  if (problem) throw sendhubError.unauthorized(problem);
  const id = tenantId(username, apiKey);
  // Revocation is by api_key (Tastypie's key) or by the account as /_sim names it.
  const registered = engine.keys.get(NAMESPACE, apiKey) ?? engine.keys.get(NAMESPACE, id);
  return { id, ...(registered ? { properties: registered.properties } : {}) };
}

/**
 * A revoked key is an inactive user's (check_active): 401, empty body. Checked here, once the account is
 * named, so that a named revoked key still names its account, as every provider's named keys do.
 */
export function authorizeSendhub(tenant: Tenant): void {
  if (tenant.properties?.revoked === true) throw sendhubError.unauthorized('the api_key is revoked');
}
