/**
 * "All API requests require a Bearer token"; keys start with cpk_live_ or cpk_test_; "403 Forbidden - Key
 * revoked or insufficient scope"; the endpoint table's scopes; the delivery webhook is public.
 */
import { describe, expect, it } from 'vitest';
import type { ProviderClient } from '../../support/harness.js';
import { DOC_SEND, FIRST_WINDOW_END, KEY, TELEGRAM_CHAT, expectError, expectRateHeaders, hubSim, outbox, receipt, send } from './helpers.js';

const BATCH = { messages: [DOC_SEND] };
const DISTRIBUTE = { content: 'Hi', targets: [{ channel: 'telegram', to: TELEGRAM_CHAT }] };

/** One call per authenticated operation, with the scope the doc's table gives it. */
const OPERATIONS: Array<[string, string, (api: ProviderClient) => ReturnType<ProviderClient['get']>]> = [
  ['sendMessage', 'messages:send', (api) => api.post('/messages/send', DOC_SEND)],
  ['sendBatch', 'messages:send', (api) => api.post('/messages/batch', BATCH)],
  ['getMessage', 'messages:read', (api) => api.get('/messages/msg_abc123')],
  ['distributeContent', 'content:distribute', (api) => api.post('/content/distribute', DISTRIBUTE)],
];

describe('401 for a missing or malformed key', () => {
  it('no Authorization: 401 UNAUTHORIZED with a Bearer challenge and the Free window, untouched', async () => {
    const { sim } = await hubSim();
    const res = await sim.client('messagehub').post('/messages/send', DOC_SEND);
    expectError(res, 401, 'UNAUTHORIZED', 'Authorization');
    expect(res.body.error.message).toBe('Invalid or missing API key');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="MessageHub"');
    expectRateHeaders(res, 60, 60, FIRST_WINDOW_END);
  });

  it.each([
    'Bearer mk_live_abcdef',
    'Bearer cpk_prod_abcdef',
    'Bearer cpk_live_abc',
    'Bearer cpk_live_has-dash',
    'Basic Y3BrX2xpdmVfeW91cg==',
    'cpk_live_your_api_key',
    'Bearer',
  ])('%s → 401, the key never echoed', async (authorization) => {
    const { sim } = await hubSim();
    const res = await sim.client('messagehub', { Authorization: authorization }).get('/messages/msg_abc123');
    expectError(res, 401, 'UNAUTHORIZED');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="MessageHub", error="invalid_token"');
    expect(res.text).not.toContain(authorization);
    expect(await outbox(sim)).toHaveLength(0);
  });

  it('the magic cpk_live_invalid_key: 401 UNAUTHORIZED as an unknown key, the Free window reported', async () => {
    const { sim, as } = await hubSim();
    for (const res of [await as('cpk_live_invalid_key').get('/messages/msg_abc123'), await as('cpk_live_invalid_key').post('/messages/send', DOC_SEND)]) {
      expectError(res, 401, 'UNAUTHORIZED', 'Authorization');
      expect(res.body.error.message).toBe('Invalid or missing API key');
      expect(res.headers['www-authenticate']).toBe('Bearer realm="MessageHub", error="invalid_token"');
      expectRateHeaders(res, 60, 60, FIRST_WINDOW_END);
    }
    expect(await outbox(sim)).toHaveLength(0);
  });

  it("the doc's literal key, sandbox keys, and a lower-case scheme work", async () => {
    const { sim, api } = await hubSim();
    expect((await api.post('/messages/send', DOC_SEND)).status).toBe(201);
    expect((await sim.client('messagehub', { Authorization: 'Bearer cpk_test_sandbox_1' }).post('/messages/send', DOC_SEND)).status).toBe(201);
    expect((await sim.client('messagehub', { Authorization: `bearer ${KEY}` }).post('/messages/send', DOC_SEND)).status).toBe(201);
  });
});

describe('403 for a revoked key', () => {
  it.each(OPERATIONS)('the fixture cpk_live_revoked_key: %s → 403 KEY_REVOKED', async (_op, _scope, call) => {
    const { sim, as } = await hubSim();
    const res = await call(as('cpk_live_revoked_key'));
    expectError(res, 403, 'KEY_REVOKED', 'Authorization');
    expect(res.body.error.message).toBe('This API key has been revoked');
    expect(await outbox(sim)).toHaveLength(0);
  });

  it('POST /_sim/keys/messagehub/<key>/revoke takes effect on the next request, and its window is reported', async () => {
    const { sim, api } = await hubSim();
    const id = await send(api, DOC_SEND);
    const revoked = await sim.http.post(`/_sim/keys/messagehub/${KEY}/revoke`);
    expect(revoked.status).toBe(200);
    const res = await api.get(`/messages/${id}`);
    expectError(res, 403, 'KEY_REVOKED');
    // Pro tier, one request counted before the revocation; the 403 itself is not counted.
    expectRateHeaders(res, 600, 599, FIRST_WINDOW_END);
    expectRateHeaders(await api.get(`/messages/${id}`), 600, 599, FIRST_WINDOW_END);
  });
});

describe('403 for a missing scope', () => {
  it.each(OPERATIONS)('cpk_test_readonly (messages:read only): %s needs %s', async (_op, scope, call) => {
    const { sim, as } = await hubSim();
    const res = await call(as('cpk_test_readonly'));
    if (scope === 'messages:read') {
      expectError(res, 404, 'MESSAGE_NOT_FOUND');
    } else {
      expectError(res, 403, 'INSUFFICIENT_SCOPE', 'scope', scope);
      expect(res.body.error.message).toBe(`This API key lacks the ${scope} scope`);
      expect(res.headers['www-authenticate']).toBe(`Bearer realm="MessageHub", error="insufficient_scope", scope="${scope}"`);
      expect(await outbox(sim)).toHaveLength(0);
    }
  });

  it('cpk_test_sender (messages:send only) sends and batches but may not read or distribute', async () => {
    const { as } = await hubSim();
    const sender = as('cpk_test_sender');
    const id = await send(sender, DOC_SEND);
    expect((await sender.post('/messages/batch', BATCH)).status).toBe(200);
    expectError(await sender.get(`/messages/${id}`), 403, 'INSUFFICIENT_SCOPE', 'scope', 'messages:read');
    expectError(await sender.post('/content/distribute', DISTRIBUTE), 403, 'INSUFFICIENT_SCOPE', 'scope', 'content:distribute');
  });

  it('scopes registered through /_sim/keys apply; the scope check comes before body validation', async () => {
    const { sim, as } = await hubSim();
    const key = 'cpk_live_distributor';
    const registered = await sim.http.post('/_sim/keys').send({ provider: 'messagehub', key, properties: { scopes: ['content:distribute'] } });
    expect(registered.status).toBe(201);
    const api = as(key);
    expect((await api.post('/content/distribute', DISTRIBUTE)).status).toBe(200);
    expectError(await api.post('/messages/send', { nonsense: true }), 403, 'INSUFFICIENT_SCOPE', 'scope', 'messages:send');
  });

  it('the fixture keys are listed by /_sim/keys', async () => {
    const { sim } = await hubSim();
    const res = await sim.http.get('/_sim/keys').query({ provider: 'messagehub' });
    expect(res.status).toBe(200);
    expect(res.body.data.map((k: { key: string }) => k.key).sort()).toEqual([
      'cpk_live_enterprise_tier',
      'cpk_live_free_tier',
      'cpk_live_invalid_key',
      'cpk_live_revoked_key',
      'cpk_test_readonly',
      'cpk_test_sender',
    ]);
  });
});

describe('the delivery webhook is public', () => {
  it('needs no key, and ignores one that is malformed or revoked', async () => {
    const { sim, api } = await hubSim();
    const id = await send(api, DOC_SEND);
    expect((await receipt(sim, { messageId: id, status: 'delivered' })).status).toBe(200);
    const withBadKey = await sim.client('messagehub', { Authorization: 'Bearer nope' }).post('/webhooks/delivery', { messageId: id, status: 'read' });
    expect(withBadKey.status).toBe(200);
    expect(withBadKey.body.data.status).toBe('read');
  });
});
