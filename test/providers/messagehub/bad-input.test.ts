/**
 * Bad input and test controls, in MessageHub's envelope (Schemathesis-style checks):
 * unknown fields and parameters, prototype keys, oversized bodies, injected upstream errors.
 */
import { describe, expect, it } from 'vitest';
import { DOC_SEND, expectError, hubSim, outbox } from './helpers.js';

describe('bad input', () => {
  it('unknown body fields and query parameters are refused, naming them', async () => {
    const { sim, api } = await hubSim();
    expectError(await api.post('/messages/send', { ...DOC_SEND, priority: 'high' }), 400, 'VALIDATION_ERROR', 'priority');
    expectError(await api.post('/messages/send', { ...DOC_SEND, status: 'delivered' }), 400, 'VALIDATION_ERROR', 'status');
    expectError(await api.get('/messages/msg_abc123', undefined, { query: { expand: 'attempts' } }), 400, 'VALIDATION_ERROR');
    expect(await outbox(sim)).toHaveLength(0);
  });

  it('__proto__ keys are rejected', async () => {
    const { sim, api } = await hubSim();
    const res = await api.post('/messages/send', undefined, {
      raw: '{"to":"+919876543210","channel":"sms","content":"x","templateParams":{"__proto__":{"polluted":"yes"}}}',
    });
    expectError(res, 400, 'VALIDATION_ERROR', 'templateParams.__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await outbox(sim)).toHaveLength(0);
  });

  it('a body over 1 MB is 413 PAYLOAD_TOO_LARGE', async () => {
    const { api } = await hubSim();
    const res = await api.post('/messages/send', { ...DOC_SEND, content: 'x'.repeat(1_100_000) });
    expectError(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('text over 4096 characters and a wrong type are schema errors', async () => {
    const { api } = await hubSim();
    expectError(await api.post('/messages/send', { ...DOC_SEND, content: 'x'.repeat(4097) }), 400, 'VALIDATION_ERROR', 'content');
    expectError(await api.post('/messages/send', { ...DOC_SEND, content: { text: 'x' } }), 400, 'VALIDATION_ERROR', 'content');
    expectError(
      await api.post('/messages/send', {
        ...DOC_SEND,
        contentType: 'template',
        content: undefined,
        templateId: 'order_confirmation',
        templateParams: { customer_name: ['Rajesh'] },
      }),
      400,
      'VALIDATION_ERROR',
      'templateParams.customer_name',
    );
  });

  it('numbers where strings are expected are a 400 naming the field (JSON types are not coerced)', async () => {
    const { sim, api } = await hubSim();
    const chat = await api.post('/messages/send', { to: 123456789, channel: 'telegram', content: 'Hi' });
    expect(chat.status).toBe(400);
    expect(chat.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'to', value: 123456789 } });
    expect((await api.post('/messages/send', { to: '123456789', channel: 'telegram', content: 'Hi' })).status).toBe(201);
    expect((await sim.http.get('/_sim/messages')).body.total).toBe(1);
  });
});

describe('test controls', () => {
  it.each([
    ['X-Msgsim-Fault', '503', 503, 'SERVICE_UNAVAILABLE'],
    ['Prefer', 'code=502', 502, 'BAD_GATEWAY'],
    ['Prefer', 'code=500', 500, 'INTERNAL_ERROR'],
    ['Prefer', 'code=429', 429, 'RATE_LIMITED'],
  ])('%s: %s → %i %s in the envelope, nothing sent', async (header, value, status, code) => {
    const { sim, api } = await hubSim();
    const res = await api.post('/messages/send', DOC_SEND, { headers: { [header]: value } });
    expectError(res, status, code);
    expect(res.headers['x-ratelimit-limit']).toBeDefined();
    expect(await outbox(sim)).toHaveLength(0);
  });

  it('test controls never bypass auth', async () => {
    const { sim } = await hubSim();
    const res = await sim.client('messagehub').post('/messages/send', DOC_SEND, { headers: { 'X-Msgsim-Fault': '503' } });
    expectError(res, 401, 'UNAUTHORIZED');
  });

  it('resetting one tenant forgets its messages only', async () => {
    const { sim, api, other } = await hubSim();
    const mine = (await api.post('/messages/send', DOC_SEND)).body.data.messageId;
    const theirs = (await other.post('/messages/send', DOC_SEND)).body.data.messageId;
    const reset = await sim.http.post('/_sim/reset').send({ provider: 'messagehub', tenant: 'cpk_live_your_api_key' });
    expect(reset.status).toBe(200);
    expectError(await api.get(`/messages/${mine}`), 404, 'MESSAGE_NOT_FOUND');
    expect((await other.get(`/messages/${theirs}`)).status).toBe(200);
  });
});
