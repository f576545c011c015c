/** How a client talks to SendHub by its public API documentation (openapi/sendhub.yaml), for `msgsim verify`, the shared tests and the benchmarks. */
import { asNumber, asString, DEFAULT_SEND_TEXT, field, type ClientProfile } from '../client-profile.js';

export const sendhubProfile: ClientProfile = {
  defaultCredentials: { username: 'contract', apiKey: 'CONTRACTKEY' },
  tenant: (id) => ({ username: `USER${id}`, apiKey: `KEY${id}` }),
  // Tastypie's ApiKeyAuthentication: both in the query string.
  auth: (c) => ({ headers: {}, query: { ...(c.username ? { username: c.username } : {}), ...(c.apiKey ? { api_key: c.apiKey } : {}) } }),
  // The magic INVALIDKEY (fixtures/sendhub.json): a 401 whatever the state, and against the real API too.
  wrongAuth: { headers: {}, query: { username: 'contract', api_key: 'INVALIDKEY' } },
  // Revocation is by api_key (or the account as /_sim names it); Tastypie's 401 has no body.
  revocation: { status: 401, keyOf: (c) => c.apiKey ?? '', bodyless: true },
  // A named key (INVALIDKEY, REVOKEDKEY) is an api_key; any username goes with it.
  namedKeyAuth: (named) => ({ headers: {}, query: { username: 'msgsim', api_key: named.key } }),
  send: { path: '/messages/', body: (to, text = DEFAULT_SEND_TEXT) => ({ contacts: [to], text }) },
  sentId: (body) => asString(field(body, 'id')),
  messageTemplate: '/messages/{id}/',
  // SendHub shows no delivery status: `sent` is the last step a client can see.
  delivered: (message) => typeof field(message, 'sent') === 'string',
  // Tastypie: `{"error": "..."}`, `{"error_message": "..."}` for a 5xx, nothing for a 401.
  errorOf: (body) => asString(field(body, 'error')) ?? asString(field(body, 'error_message')),
  pagination: {
    style: 'offset',
    path: '/messages/',
    offsetParam: 'offset',
    limitParam: 'limit',
    total: (b) => asNumber(field(b, 'meta', 'total_count')),
  },
  idempotency: { absent: 'SendHub documents no Idempotency-Key' },
  rateLimits: { absent: 'SendHub documents no rate limits' },
  webhooks: { absent: 'SendHub documents no webhooks or callbacks' },
};
