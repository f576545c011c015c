/**
 * `Authorization: Bearer YOUR_API_TOKEN` (MsGine REST API, "Authentication"). The doc's examples use
 * the literal YOUR_API_TOKEN and must work as written, so any well-formed bearer token is an account of
 * its own. Tokens registered with `readOnly: true` (/_sim/keys or fixtures/msgine.json) may read but
 * not send: "403 Forbidden - Insufficient permissions". A token registered as always invalid, or
 * revoked (POST /_sim/keys/msgine/<token>/revoke), is "401 Unauthorized - Invalid or missing API
 * token": the doc keeps 403 for a valid token's permissions, and RFC 6750 §3.1 names a revoked token
 * `invalid_token`.
 */
import type { Engine } from '../../engine/engine.js';
import { SimError } from '../../engine/errors.js';
import { keyRefusal } from '../../engine/keys.js';
import type { IncomingRequest, Tenant } from '../provider.js';
import { MsgineMessage } from './errors.js';

export const NAMESPACE = 'msgine';

/** RFC 6750 §2.1 b64token, 8 to 512 characters (the length bounds are msgsim's). */
export const MSGINE_TOKEN = /^[A-Za-z0-9\-._~+/]{8,512}=*$/;

/** Operations a read-only token may not call. */
const WRITE_OPERATIONS: readonly string[] = ['sendSms'];

/** RFC 6750 §3: a 401 carries a Bearer challenge, naming the error only when a token was sent. */
const REALM = 'Bearer realm="MsGine"';

export function authenticateMsgine(request: IncomingRequest, engine: Engine): Tenant {
  const header = request.headers.authorization;
  // The auth scheme is case-insensitive (RFC 9110 §11.1); one or more spaces follow it (RFC 6750 §2.1).
  const token = typeof header === 'string' ? /^Bearer +(\S+)\s*$/i.exec(header)?.[1] : undefined;
  if (token === undefined || !MSGINE_TOKEN.test(token)) {
    throw unauthorized(header === undefined ? REALM : `${REALM}, error="invalid_token"`);
  }
  const registered = engine.keys.get(NAMESPACE, token);
  const refusal = keyRefusal(registered);
  if (refusal === 'invalid') throw unauthorized(`${REALM}, error="invalid_token"`);
  if (refusal === 'revoked') {
    throw unauthorized(`${REALM}, error="invalid_token", error_description="The access token has been revoked"`, MsgineMessage.revoked);
  }
  return { id: token, ...(registered ? { properties: registered.properties } : {}) };
}

export function authorizeMsgine(tenant: Tenant, operationId: string): void {
  if (tenant.properties?.readOnly === true && WRITE_OPERATIONS.includes(operationId)) {
    throw new SimError({
      kind: 'forbidden',
      message: MsgineMessage.forbidden,
      field: 'Authorization',
      headers: { 'WWW-Authenticate': `${REALM}, error="insufficient_scope"` },
    });
  }
}

function unauthorized(challenge: string, message: string = MsgineMessage.unauthorized): SimError {
  // The value is never echoed: it is a credential.
  return new SimError({ kind: 'unauthorized', message, field: 'Authorization', headers: { 'WWW-Authenticate': challenge } });
}
