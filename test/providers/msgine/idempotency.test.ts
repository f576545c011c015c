/**
 * Idempotency-Key on POST /messages/sms ("The API stores idempotency keys for 24 hours. Requests with the
 * same key within that period will return the original response without creating a duplicate resource."),
 * with the IETF draft's 422 (same key, other body) and 409 (same key, first still running). The 409 case
 * needs a handler that is still running when the second request arrives; msgsim's send runs in one step,
 * so it is covered at unit level (test/unit/idempotency.test.ts, "same body while in flight").
 */
import { describe, expect, it } from 'vitest';
import { DOC_SEND, expectError, msgineSim, outboxCount } from './helpers.js';

const KEY = { 'Idempotency-Key': 'unique-key-12345' };
const DAY = 24 * 60 * 60 * 1000;

describe('Idempotency-Key', () => {
  it('same key + same body replays the original status and body, sends and charges nothing more', async () => {
    const { sim, api } = await msgineSim();
    const first = await api.post('/messages/sms', DOC_SEND, { headers: KEY });
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    await sim.advance(5_000); // the message is delivered meanwhile; the replay is still the original answer
    const again = await api.post('/messages/sms', { message: DOC_SEND.message, to: DOC_SEND.to }, { headers: KEY });
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await outboxCount(sim)).toBe(1);
    const list = (await api.get('/messages')).body;
    expect(list.pagination.total).toBe(1);
    expect(list.data[0]).toMatchObject({ id: first.body.id, status: 'delivered', cost: 0.05 });
  });

  it('same key + different body → 422 idempotency_key_reused, nothing sent', async () => {
    const { sim, api } = await msgineSim();
    await api.post('/messages/sms', DOC_SEND, { headers: KEY });
    const res = await api.post('/messages/sms', { ...DOC_SEND, message: 'Hello again' }, { headers: KEY });
    expectError(res, 422, 'idempotency_key_reused', 'Idempotency-Key', KEY['Idempotency-Key']);
    expect(await outboxCount(sim)).toBe(1);
  });

  it('a key is scoped to its token', async () => {
    const { sim, api, other } = await msgineSim();
    const mine = await api.post('/messages/sms', DOC_SEND, { headers: KEY });
    const theirs = await other.post('/messages/sms', DOC_SEND, { headers: KEY });
    expect(theirs.status).toBe(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(await outboxCount(sim)).toBe(2);
  });

  it.each([
    { what: 'a missing message', body: { to: DOC_SEND.to }, status: 400, code: 'invalid_request' },
    { what: 'a malformed number', body: { to: '0701234567', message: DOC_SEND.message }, status: 400, code: 'invalid_phone_number' },
    { what: 'malformed JSON', raw: '{"to":', status: 400, code: 'invalid_json' },
  ])('a request refused by validation ($what) is not stored: the key still works', async ({ body, raw, status, code }) => {
    const { sim, api } = await msgineSim();
    expectError(await api.post('/messages/sms', body, { headers: KEY, ...(raw !== undefined ? { raw } : {}) }), status, code);
    const res = await api.post('/messages/sms', DOC_SEND, { headers: KEY });
    expect(res.status).toBe(201);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(await outboxCount(sim)).toBe(1);
  });

  it('a rate-limited request is not stored: the key works once the window frees', async () => {
    const { sim, api } = await msgineSim();
    for (let i = 0; i < 20; i++) await api.get('/messages');
    expect((await api.post('/messages/sms', DOC_SEND, { headers: KEY })).status).toBe(429);
    await sim.advance(1_000);
    const res = await api.post('/messages/sms', DOC_SEND, { headers: KEY });
    expect(res.status).toBe(201);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
  });

  it('an answer the send gave, errors included, is replayed (magic 500)', async () => {
    const { sim, api } = await msgineSim();
    const body = { to: '+15005550006', message: 'x' };
    expectError(await api.post('/messages/sms', body, { headers: KEY }), 500, 'internal_error');
    const again = await api.post('/messages/sms', body, { headers: KEY });
    expectError(again, 500, 'internal_error');
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await outboxCount(sim)).toBe(0);
  });

  it('keys are kept 24 hours on the clock, then forgotten', async () => {
    const { sim, api } = await msgineSim();
    const first = await api.post('/messages/sms', DOC_SEND, { headers: KEY });
    await sim.advance(DAY - 1);
    const replay = await api.post('/messages/sms', DOC_SEND, { headers: KEY });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.id).toBe(first.body.id);
    await sim.advance(1);
    const fresh = await api.post('/messages/sms', DOC_SEND, { headers: KEY });
    expect(fresh.status).toBe(201);
    expect(fresh.headers['idempotent-replayed']).toBeUndefined();
    expect(fresh.body.id).not.toBe(first.body.id);
    expect(await outboxCount(sim)).toBe(2);
    // After expiry, a different body under the old key is a new request, not a 422.
    await sim.advance(DAY);
    expect((await api.post('/messages/sms', { ...DOC_SEND, message: 'other' }, { headers: KEY })).status).toBe(201);
  });

  it('a key over 255 characters is 400 naming the header', async () => {
    const { sim, api } = await msgineSim();
    const res = await api.post('/messages/sms', DOC_SEND, { headers: { 'Idempotency-Key': 'k'.repeat(256) } });
    expectError(res, 400, 'invalid_request');
    // Header names are case-insensitive; the validator reports it lower-cased.
    expect(res.body.error.details.field).toMatch(/^idempotency-key$/i);
    expect(await outboxCount(sim)).toBe(0);
  });

  it('20 parallel requests with one key create exactly one message and one charge', async () => {
    const { sim, api } = await msgineSim();
    const body = { to: ['+256701234567', '+254712345678'], message: 'Hello from MsGine!' };
    const responses = await Promise.all(Array.from({ length: 20 }, () => api.post('/messages/sms', body, { headers: KEY })));
    // Each answer is the original, a replay of it, or (if it overlapped the first) 409 in flight.
    for (const res of responses) expect([201, 409], res.text).toContain(res.status);
    for (const res of responses.filter((r) => r.status === 409)) expectError(res, 409, 'idempotency_key_in_use', 'Idempotency-Key');
    const created = responses.filter((r) => r.status === 201);
    expect(created.filter((r) => r.headers['idempotent-replayed'] === undefined)).toHaveLength(1);
    const original = created.find((r) => r.headers['idempotent-replayed'] === undefined)!.body;
    for (const res of created) expect(res.body).toEqual(original);
    // One message, two recipients, charged once.
    expect(await outboxCount(sim)).toBe(2);
    await sim.advance(1_000); // the 20 used this second's burst
    const list = (await api.get('/messages')).body;
    expect(list.pagination.total).toBe(1);
    expect(list.data.reduce((sum: number, m: { cost: number }) => sum + m.cost, 0)).toBe(original.cost);
  });
});
