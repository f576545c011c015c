/** How a client talks to MsgFlash by its public API documentation (openapi/msgflash.yaml), for `msgsim verify`, the shared tests and the benchmarks. */
import { asString, DEFAULT_SEND_TEXT, definedHeaders, field, type AuthParts, type ClientProfile } from '../client-profile.js';
import { verifyStandardWebhook } from '../../engine/webhook-signing.js';
import { MSGFLASH_FIXTURES } from './fixtures.js';

/** The instance every MsgFlash account of the simulator has (fixtures); pass another with --instance. */
export const MSGFLASH_DEFAULT_INSTANCE = MSGFLASH_FIXTURES.instances[0]!.id;

const keyAuth = (key: string | undefined, teamId?: string): AuthParts => ({
  headers: { ...(key ? { 'x-api-key': key } : {}), ...(teamId ? { 'X-Team-Id': teamId } : {}) },
  query: {},
});

export const msgflashProfile: ClientProfile = {
  defaultCredentials: { apiKey: 'msgf_live_contract0001' },
  tenant: (id) => ({ apiKey: `msgf_live_${id}` }),
  auth: (c) => keyAuth(c.apiKey),
  // Well-formed, and registered as always invalid (fixtures/msgflash.json): a real account would not have it either.
  wrongAuth: keyAuth('msgf_live_invalid_key'),
  // The doc's only auth code is 401 UNAUTHORIZED: a revoked key is refused with it.
  revocation: { status: 401, keyOf: (c) => c.apiKey ?? '' },
  // Team keys name their team on every request.
  namedKeyAuth: (named) => keyAuth(named.key, typeof named.properties.teamId === 'string' ? named.properties.teamId : undefined),
  send: { path: '/messages/send', body: (to, text = DEFAULT_SEND_TEXT) => ({ instanceId: MSGFLASH_DEFAULT_INSTANCE, to, text }) },
  sentId: (body) => asString(field(body, 'data', 'id')),
  messageTemplate: '/messages/{id}',
  delivered: (message) => field(message, 'data', 'status') === 'delivered',
  errorOf: (body) => asString(field(body, 'error', 'code')),
  pagination: {
    style: 'cursor',
    path: '/messages',
    cursorParam: 'cursor',
    limitParam: 'limit',
    next: (b) => {
      const c = field(b, 'data', 'nextCursor');
      return typeof c === 'string' ? c : null;
    },
  },
  idempotency: { absent: 'MsgFlash documents no Idempotency-Key' },
  rateLimits: {},
  webhooks: {
    via: 'subscription',
    subscribe: (url) => ({ path: '/webhooks', body: { url, events: ['message.delivered'] } }),
    secret: (response) => asString(field(response, 'data', 'secret')),
    // No scheme in the doc: msgsim signs with Standard Webhooks (webhooks.ts).
    verify: ({ rawBody, headers, secret }) => verifyStandardWebhook(secret, definedHeaders(headers), rawBody),
  },
};
