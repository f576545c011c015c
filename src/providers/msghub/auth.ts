/**
 * `X-API-Key: mk_live_…` (Settings → API Keys). Any well-formed key is an account of its own, so
 * tenants never see each other's data; a missing or malformed key is Msghub's 401 invalid_api_key.
 */
import { SimError } from '../../engine/errors.js';
import type { IncomingRequest, Tenant } from '../provider.js';
import { MsghubCode, MsghubMessage } from './errors.js';

/** mk_live_ and at least 4 more key characters (the doc shows only the prefix). */
export const MSGHUB_KEY = /^mk_live_[A-Za-z0-9_-]{4,128}$/;

export function authenticateMsghub(request: IncomingRequest): Tenant {
  const key = request.headers['x-api-key'];
  if (typeof key !== 'string' || !MSGHUB_KEY.test(key)) {
    throw new SimError({ kind: 'unauthorized', code: MsghubCode.invalidApiKey, message: MsghubMessage.invalidApiKey, field: 'X-API-Key' });
  }
  return { id: key };
}
