/** Idempotency-Key on POST /messages/send (IETF httpapi Idempotency-Key draft semantics). */
import { describe, expect, it } from 'vitest';
import { DOC_SEND, KEY, OTHER_KEY, expectError, msghubSim, outboxCount } from './helpers.js';

const withKey = (key: string) => ({ headers: { 'Idempotency-Key': key } });

describe('Idempotency-Key on POST /messages/send', () => {
  it('a replay returns the same status and body with Idempotent-Replayed: true, and stores one message', async () => {
    const { sim, api } = await msghubSim();
    const first = await api.post('/messages/send', DOC_SEND, withKey('order-1042'));
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    await sim.advance(5_000);
    const again = await api.post('/messages/send', DOC_SEND, withKey('order-1042'));
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    // The replay is the original answer (status queued), not the message's current state.
    expect(again.body.status).toBe('queued');
    const third = await api.post('/messages/send', DOC_SEND, withKey('order-1042'));
    expect(third.body).toEqual(first.body);
    expect(await outboxCount(sim, KEY)).toBe(1);
    expect((await api.get('/messages')).body.pagination.total).toBe(1);
  });

  it('the same key with a different body is 422 idempotency_key_reused naming the header', async () => {
    const { sim, api } = await msghubSim();
    expect((await api.post('/messages/send', DOC_SEND, withKey('k-1'))).status).toBe(201);
    const res = await api.post('/messages/send', { ...DOC_SEND, body: 'Hello again!' }, withKey('k-1'));
    expectError(res, 422, 'idempotency_key_reused', 'Idempotency-Key', 'k-1');
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(await outboxCount(sim, KEY)).toBe(1);
  });

  it('key order in the JSON body does not make a different request', async () => {
    const { sim, api } = await msghubSim();
    const first = await api.post('/messages/send', { channel: 'sms', to: '+919876543210', body: 'Hello!' }, withKey('k-order'));
    const again = await api.post('/messages/send', { body: 'Hello!', to: '+919876543210', channel: 'sms' }, withKey('k-order'));
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await outboxCount(sim, KEY)).toBe(1);
  });

  it('different keys, or no key, are different sends', async () => {
    const { sim, api } = await msghubSim();
    const a = await api.post('/messages/send', DOC_SEND, withKey('a'));
    const b = await api.post('/messages/send', DOC_SEND, withKey('b'));
    const c = await api.post('/messages/send', DOC_SEND);
    const d = await api.post('/messages/send', DOC_SEND);
    expect(new Set([a, b, c, d].map((r) => r.body.messageId)).size).toBe(4);
    expect(await outboxCount(sim, KEY)).toBe(4);
  });

  it('a request rejected by validation is not stored: a retry with the same key succeeds', async () => {
    const { sim, api } = await msghubSim();
    expectError(await api.post('/messages/send', { ...DOC_SEND, channel: 'fax' }, withKey('k-2')), 400, 'invalid_request', 'channel', 'fax');
    expectError(await api.post('/messages/send', { ...DOC_SEND, extra: true }, withKey('k-2')), 400, 'invalid_request', 'extra');
    expectError(await api.post('/messages/send', undefined, { ...withKey('k-2'), raw: '{"channel":' }), 400, 'invalid_json');
    const ok = await api.post('/messages/send', DOC_SEND, withKey('k-2'));
    expect(ok.status).toBe(201);
    expect(ok.headers['idempotent-replayed']).toBeUndefined();
    expect(await outboxCount(sim, KEY)).toBe(1);
  });

  it('requests refused by auth or rate limiting are not stored either', async () => {
    const { sim, api } = await msghubSim();
    const anonymous = sim.client('msghub', { 'Idempotency-Key': 'k-3' });
    expectError(await anonymous.post('/messages/send', DOC_SEND), 401, 'invalid_api_key');
    await Promise.all(Array.from({ length: 100 }, () => api.get('/webhooks')));
    expectError(await api.post('/messages/send', DOC_SEND, withKey('k-3')), 429, 'rate_limit_exceeded');
    await sim.advance(1_000);
    const ok = await api.post('/messages/send', DOC_SEND, withKey('k-3'));
    expect(ok.status).toBe(201);
    expect(ok.headers['idempotent-replayed']).toBeUndefined();
  });

  it('an executed send that failed (a 500 from the send itself) is replayed, as the draft says', async () => {
    const { sim, api } = await msghubSim();
    const first = await api.post('/messages/send', { ...DOC_SEND, to: '+15005550006' }, withKey('k-4'));
    expectError(first, 500, 'internal_error');
    const again = await api.post('/messages/send', { ...DOC_SEND, to: '+15005550006' }, withKey('k-4'));
    expectError(again, 500, 'internal_error');
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await outboxCount(sim, KEY)).toBe(0);
  });

  it("a send the handler refuses as invalid is not kept (Stripe's rule), so the same key works once corrected", async () => {
    const { sim, api } = await msghubSim();
    const first = await api.post('/messages/send', { ...DOC_SEND, to: '919876543210' }, withKey('k-5'));
    expectError(first, 400, 'invalid_phone_number', 'to', '919876543210');
    const corrected = await api.post('/messages/send', DOC_SEND, withKey('k-5'));
    expect(corrected.status).toBe(201);
    expect(corrected.headers['idempotent-replayed']).toBeUndefined();
    expect(await outboxCount(sim, KEY)).toBe(1);
  });

  it('keys are scoped per account', async () => {
    const { sim, api, other } = await msghubSim();
    const mine = await api.post('/messages/send', DOC_SEND, withKey('shared'));
    const theirs = await other.post('/messages/send', DOC_SEND, withKey('shared'));
    expect(theirs.status).toBe(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.body.messageId).not.toBe(mine.body.messageId);
    expect(await outboxCount(sim, KEY)).toBe(1);
    expect(await outboxCount(sim, OTHER_KEY)).toBe(1);
    // A different body under the same key in another account is no conflict.
    expect((await other.post('/messages/send', { ...DOC_SEND, body: 'x' }, withKey('k-other'))).status).toBe(201);
  });

  it('a key is kept 24 h on the clock, then forgotten', async () => {
    const { sim, api } = await msghubSim();
    const first = await api.post('/messages/send', DOC_SEND, withKey('k-5'));
    await sim.advance(24 * 3_600_000 - 1_000);
    const replay = await api.post('/messages/send', DOC_SEND, withKey('k-5'));
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.messageId).toBe(first.body.messageId);
    await sim.advance(2_000);
    const fresh = await api.post('/messages/send', DOC_SEND, withKey('k-5'));
    expect(fresh.status).toBe(201);
    expect(fresh.headers['idempotent-replayed']).toBeUndefined();
    expect(fresh.body.messageId).not.toBe(first.body.messageId);
    expect(await outboxCount(sim, KEY)).toBe(2);
  });

  it.each([
    { name: 'empty', key: '' },
    { name: '256 characters', key: 'k'.repeat(256) },
  ])('an invalid key ($name) is 400 naming the header, nothing stored', async ({ key }) => {
    const { sim, api } = await msghubSim();
    const res = await api.post('/messages/send', DOC_SEND, withKey(key));
    expectError(res, 400, 'invalid_request');
    expect(String(res.body.error.details?.field).toLowerCase()).toBe('idempotency-key');
    expect(await outboxCount(sim, KEY)).toBe(0);
  });

  it('a 255-character key is fine', async () => {
    const { api } = await msghubSim();
    expect((await api.post('/messages/send', DOC_SEND, withKey('k'.repeat(255)))).status).toBe(201);
  });
});
