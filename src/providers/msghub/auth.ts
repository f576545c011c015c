/**
 * `X-API-Key: mk_live_…` (Settings → API Keys). Any well-formed key is an account of its own, so
 * tenants never see each other's data, and so is the doc's own placeholder `mk_live_...`, so its curl
 * examples work as written. The doc's only auth error is "invalid_api_key | 401 | API key is invalid
 * or missing": a missing or malformed key, a key registered as always invalid, and a revoked key
 * (POST /_sim/keys/msghub/<key>/revoke) all answer it; a revoked key says so in its message.
 */
import type { Engine } from '../../engine/engine.js';
import { SimError } from '../../engine/errors.js';
import { keyRefusal } from '../../engine/keys.js';
import type { IncomingRequest, Tenant } from '../provider.js';
import { MsghubCode, MsghubMessage } from './errors.js';
import { NAMESPACE } from './messages.js';

/** mk_live_ and at least 4 more key characters (the doc shows only the prefix). */
export const MSGHUB_KEY = /^mk_live_[A-Za-z0-9_-]{4,128}$/;

/** The doc's examples send `-H "X-API-Key: mk_live_..."` literally. */
export const DOC_PLACEHOLDER_KEY = 'mk_live_...';

export function authenticateMsghub(request: IncomingRequest, engine: Engine): Tenant {
  const key = request.headers['x-api-key'];
  if (typeof key !== 'string' || !(MSGHUB_KEY.test(key) || key === DOC_PLACEHOLDER_KEY)) throw unauthorized(MsghubMessage.invalidApiKey);
  const refusal = keyRefusal(engine.keys.get(NAMESPACE, key));
  if (refusal) throw unauthorized(refusal === 'revoked' ? MsghubMessage.revokedApiKey : MsghubMessage.invalidApiKey);
  return { id: key };
}

function unauthorized(message: string): SimError {
  // The key itself is never echoed: it is a credential.
  return new SimError({ kind: 'unauthorized', code: MsghubCode.invalidApiKey, message, field: 'X-API-Key' });
}
