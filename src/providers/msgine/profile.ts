/** How a client talks to MsGine by its public API documentation (openapi/msgine.yaml), for `msgsim verify`, the shared tests and the benchmarks. */
import { asNumber, asString, DEFAULT_SEND_TEXT, definedHeaders, field, type ClientProfile } from '../client-profile.js';
import { verifyStandardWebhook } from '../../engine/webhook-signing.js';

const bearer = (token: string | undefined) => ({ headers: token ? { Authorization: `Bearer ${token}` } : ({} as Record<string, string>), query: {} });

export const msgineProfile: ClientProfile = {
  defaultCredentials: { token: 'msgsim_contract_0001' },
  tenant: (id) => ({ token: `token_${id}` }),
  auth: (c) => bearer(c.token),
  // Well-formed, and registered as always invalid (fixtures/msgine.json): a real account would not have it either.
  wrongAuth: bearer('msgine_test_invalid'),
  namedKeyAuth: (named) => bearer(named.key),
  // "401 Unauthorized - Invalid or missing API token"; 403 is for a valid token's permissions.
  revocation: { status: 401, keyOf: (c) => c.token ?? '' },
  send: { path: '/messages/sms', body: (to, text = DEFAULT_SEND_TEXT) => ({ to, message: text }) },
  sentId: (body) => asString(field(body, 'id')) ?? asString(field(body, 'data', 'id')),
  messageTemplate: '/messages/{id}',
  delivered: (message) => field(message, 'status') === 'delivered',
  errorOf: (body) => asString(field(body, 'error', 'code')),
  pagination: {
    style: 'page',
    path: '/messages',
    pageParam: 'page',
    limitParam: 'limit',
    total: (b) => asNumber(field(b, 'pagination', 'total') ?? field(b, 'meta', 'total') ?? field(b, 'total')),
  },
  idempotency: { header: 'Idempotency-Key', replayedHeader: 'Idempotent-Replayed' },
  rateLimits: {},
  webhooks: {
    via: 'send',
    field: 'callbackUrl',
    secretSetting: 'webhookSecret',
    // No scheme in the doc: msgsim signs with Standard Webhooks (callbacks.ts).
    verify: ({ rawBody, headers, secret }) => verifyStandardWebhook(secret, definedHeaders(headers), rawBody),
  },
};
