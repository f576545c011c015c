/** How a client talks to Msghub by its public API documentation (openapi/msghub.yaml), for `msgsim verify`, the shared tests and the benchmarks. */
import { asNumber, asString, DEFAULT_SEND_TEXT, field, type ClientProfile } from '../client-profile.js';
import { hmacSha256Hex } from '../../engine/webhook-signing.js';

const keyAuth = (key: string | undefined) => ({ headers: key ? { 'X-API-Key': key } : ({} as Record<string, string>), query: {} });

export const msghubProfile: ClientProfile = {
  defaultCredentials: { apiKey: 'mk_live_contract0001' },
  tenant: (id) => ({ apiKey: `mk_live_${id}` }),
  auth: (c) => keyAuth(c.apiKey),
  // Well-formed, and registered as always invalid (fixtures/msghub.json): a real account would not have it either.
  wrongAuth: keyAuth('mk_live_invalid_key'),
  namedKeyAuth: (named) => keyAuth(named.key),
  // The doc's only auth error is 401 invalid_api_key: a revoked key is an invalid one.
  revocation: { status: 401, keyOf: (c) => c.apiKey ?? '' },
  send: { path: '/messages/send', body: (to, text = DEFAULT_SEND_TEXT) => ({ channel: 'sms', to, body: text }) },
  sentId: (body) => asString(field(body, 'messageId')),
  messageTemplate: '/messages/{messageId}',
  delivered: (message) => field(message, 'status') === 'delivered',
  errorOf: (body) => asString(field(body, 'error', 'code')),
  pagination: { style: 'page', path: '/messages', pageParam: 'page', limitParam: 'limit', total: (b) => asNumber(field(b, 'pagination', 'total')) },
  idempotency: { header: 'Idempotency-Key', replayedHeader: 'Idempotent-Replayed' },
  rateLimits: {},
  webhooks: {
    via: 'subscription',
    subscribe: (url) => ({ path: '/webhooks', body: { event: 'message.delivered', url } }),
    secret: (response) => asString(field(response, 'secret')),
    // The doc's Python check: 'sha256=' + hex HMAC-SHA256 of the raw body, keyed with the secret.
    verify: ({ rawBody, headers, secret }) => headers['x-msghub-signature'] === `sha256=${hmacSha256Hex(secret, rawBody)}`,
  },
};
