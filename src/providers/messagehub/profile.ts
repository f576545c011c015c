/** How a client talks to MessageHub (../shared/provider-docs/messagehub.txt), for `msgsim verify`, the shared tests and the benchmarks. */
import { asString, DEFAULT_SEND_TEXT, field, type ClientProfile } from '../client-profile.js';

const bearer = (key: string | undefined) => ({ headers: key ? { Authorization: `Bearer ${key}` } : ({} as Record<string, string>), query: {} });

export const messagehubProfile: ClientProfile = {
  defaultCredentials: { apiKey: 'cpk_test_contract0001' },
  tenant: (id) => ({ apiKey: `cpk_live_${id}` }),
  auth: (c) => bearer(c.apiKey),
  wrongAuth: { headers: { Authorization: 'Bearer not_a_cpk_key' }, query: {} },
  namedKeyAuth: (named) => bearer(named.key),
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
