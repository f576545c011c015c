/** How a client talks to MessageHub by its public API documentation (openapi/messagehub.yaml), for `msgsim verify`, the shared tests and the benchmarks. */
import { asString, DEFAULT_SEND_TEXT, field, type ClientProfile } from '../client-profile.js';

const bearer = (key: string | undefined) => ({ headers: key ? { Authorization: `Bearer ${key}` } : ({} as Record<string, string>), query: {} });

export const messagehubProfile: ClientProfile = {
  defaultCredentials: { apiKey: 'cpk_test_contract0001' },
  tenant: (id) => ({ apiKey: `cpk_live_${id}` }),
  auth: (c) => bearer(c.apiKey),
  // Well-formed, and registered as always invalid (fixtures/messagehub.json): a real account would not have it either.
  wrongAuth: bearer('cpk_live_invalid_key'),
  namedKeyAuth: (named) => bearer(named.key),
  // "403 Forbidden - Key revoked or insufficient scope" (KEY_REVOKED).
  revocation: { status: 403, keyOf: (c) => c.apiKey ?? '' },
  send: { path: '/messages/send', body: (to, text = DEFAULT_SEND_TEXT) => ({ to, channel: 'sms', content: text }) },
  sentId: (body) => asString(field(body, 'data', 'messageId')),
  messageTemplate: '/messages/{messageId}',
  delivered: (message) => field(message, 'data', 'status') === 'delivered',
  errorOf: (body) => asString(field(body, 'error', 'code')),
  pagination: { absent: 'MessageHub documents no list of messages, only the get of one' },
  idempotency: { header: 'Idempotency-Key', replayedHeader: 'Idempotent-Replayed' },
  // Free tier: 60 a minute, the smallest (unregistered keys are Pro, 600).
  rateLimits: { credentials: { apiKey: 'cpk_live_free_tier' } },
  webhooks: { absent: 'MessageHub sends no webhooks: it receives delivery receipts (POST /webhooks/delivery)' },
};
