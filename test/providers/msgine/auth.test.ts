/** Bearer tokens, read-only tokens, unknown routes and methods, and the documented 502/503 through fault headers. */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { msgine } from '../../../src/providers/msgine/index.js';
import { specChecker } from '../../support/harness.js';
import { DOC_SEND, READONLY_TOKEN, TOKEN, client, expectError, msgineSim, outboxCount } from './helpers.js';

describe('Authorization: Bearer <token>', () => {
  it.each<{ what: string; headers: Record<string, string>; challenge: string }>([
    { what: 'no header', headers: {}, challenge: 'Bearer realm="MsGine"' },
    { what: 'an empty bearer', headers: { Authorization: 'Bearer ' }, challenge: 'Bearer realm="MsGine", error="invalid_token"' },
    { what: 'a token under 8 characters', headers: { Authorization: 'Bearer abc' }, challenge: 'Bearer realm="MsGine", error="invalid_token"' },
    { what: 'a token with a space inside', headers: { Authorization: 'Bearer YOUR API TOKEN' }, challenge: 'Bearer realm="MsGine", error="invalid_token"' },
    { what: 'characters outside b64token', headers: { Authorization: 'Bearer tok#en!value' }, challenge: 'Bearer realm="MsGine", error="invalid_token"' },
    { what: 'a token over 512 characters', headers: { Authorization: `Bearer ${'a'.repeat(513)}` }, challenge: 'Bearer realm="MsGine", error="invalid_token"' },
    { what: 'the Basic scheme', headers: { Authorization: 'Basic WU9VUl9BUElfVE9LRU4=' }, challenge: 'Bearer realm="MsGine", error="invalid_token"' },
    { what: 'the token without a scheme', headers: { Authorization: TOKEN }, challenge: 'Bearer realm="MsGine", error="invalid_token"' },
  ])('$what → 401 unauthorized with an RFC 6750 challenge, on every endpoint', async ({ headers, challenge }) => {
    const { sim } = await msgineSim();
    const api = sim.client('msgine', headers);
    for (const res of [await api.post('/messages/sms', DOC_SEND), await api.get('/messages'), await api.get('/messages/msg_x')]) {
      expectError(res, 401, 'unauthorized', 'Authorization');
      expect(res.body.error.message).toBe('Invalid or missing API token');
      expect(res.body.error.details.value).toBeUndefined();
      expect(res.headers['www-authenticate']).toBe(challenge);
    }
    expect(await outboxCount(sim)).toBe(0);
  });

  it.each(['Bearer YOUR_API_TOKEN', 'bearer YOUR_API_TOKEN', 'BEARER  YOUR_API_TOKEN', 'Bearer abc.DEF-123_~+/==='])('accepts %j', async (authorization) => {
    const { sim } = await msgineSim();
    const res = await sim.client('msgine', { Authorization: authorization }).post('/messages/sms', DOC_SEND);
    expect(res.status, res.text).toBe(201);
  });

  it('each token is its own account', async () => {
    const { sim, api, other } = await msgineSim();
    await api.post('/messages/sms', DOC_SEND);
    await api.post('/messages/sms', DOC_SEND);
    await other.post('/messages/sms', DOC_SEND);
    expect((await api.get('/messages')).body.pagination.total).toBe(2);
    expect((await other.get('/messages')).body.pagination.total).toBe(1);
    expect(await outboxCount(sim, TOKEN)).toBe(2);
  });
});

describe("magic and revoked tokens → 401 unauthorized (403 is for a valid token's permissions)", () => {
  it.each([
    { token: 'msgine_test_invalid', message: 'Invalid or missing API token', challenge: 'Bearer realm="MsGine", error="invalid_token"' },
    {
      token: 'msgine_test_revoked',
      message: 'This API token has been revoked',
      challenge: 'Bearer realm="MsGine", error="invalid_token", error_description="The access token has been revoked"',
    },
  ])('$token', async ({ token, message, challenge }) => {
    const { sim } = await msgineSim();
    const api = client(sim, token);
    for (const res of [await api.post('/messages/sms', DOC_SEND), await api.get('/messages')]) {
      expectError(res, 401, 'unauthorized', 'Authorization');
      expect(res.body.error.message).toBe(message);
      expect(res.headers['www-authenticate']).toBe(challenge);
    }
    expect(await outboxCount(sim)).toBe(0);
  });

  it('POST /_sim/keys/msgine/<token>/revoke: the next request is refused, other tokens go on', async () => {
    const { sim, api } = await msgineSim();
    const token = 'token_to_revoke';
    const doomed = client(sim, token);
    expect((await doomed.post('/messages/sms', DOC_SEND)).status).toBe(201);
    const revoked = await sim.http.post(`/_sim/keys/msgine/${token}/revoke`);
    expect(revoked.body).toMatchObject({ provider: 'msgine', key: token, properties: { revoked: true } });
    const refused = await doomed.get('/messages');
    expectError(refused, 401, 'unauthorized', 'Authorization');
    expect(refused.body.error.message).toBe('This API token has been revoked');
    expect((await api.post('/messages/sms', DOC_SEND)).status).toBe(201);
    // Forgetting the registration gives the token back, with its messages.
    expect((await sim.http.delete(`/_sim/keys/msgine/${token}`)).status).toBe(204);
    expect((await doomed.get('/messages')).body.pagination.total).toBe(1);
  });
});

describe('read-only tokens → 403 forbidden on send', () => {
  it('the fixture token msgine_test_readonly may read but not send', async () => {
    const { sim } = await msgineSim();
    const readonly = client(sim, READONLY_TOKEN);
    const res = await readonly.post('/messages/sms', DOC_SEND);
    expectError(res, 403, 'forbidden', 'Authorization');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="MsGine", error="insufficient_scope"');
    expect(await outboxCount(sim)).toBe(0);
    expect((await readonly.get('/messages')).status).toBe(200);
    expectError(await readonly.get('/messages/msg_x'), 404, 'not_found');
    const keys = await sim.http.get('/_sim/keys').query({ provider: 'msgine' });
    expect(keys.body.data).toContainEqual(expect.objectContaining({ provider: 'msgine', key: READONLY_TOKEN, properties: { readOnly: true } }));
  });

  it('a token registered read-only through /_sim/keys is refused until the key is removed', async () => {
    const { sim, api } = await msgineSim();
    expect((await api.post('/messages/sms', DOC_SEND)).status).toBe(201);
    const registered = await sim.http.post('/_sim/keys').send({ provider: 'msgine', key: TOKEN, label: 'QA read-only', properties: { readOnly: true } });
    expect(registered.status).toBe(201);
    expectError(await api.post('/messages/sms', DOC_SEND), 403, 'forbidden');
    // Its data stays readable.
    expect((await api.get('/messages')).body.pagination.total).toBe(1);
    expect((await sim.http.delete(`/_sim/keys/msgine/${TOKEN}`)).status).toBe(204);
    expect((await api.post('/messages/sms', DOC_SEND)).status).toBe(201);
  });

  it('a registered key without readOnly may send', async () => {
    const { sim, api } = await msgineSim();
    await sim.http.post('/_sim/keys').send({ provider: 'msgine', key: TOKEN, properties: { readOnly: false, note: 'x' } });
    expect((await api.post('/messages/sms', DOC_SEND)).status).toBe(201);
  });

  it('auth is checked before validation: a read-only token sending garbage still gets 403', async () => {
    const { sim } = await msgineSim();
    expectError(await client(sim, READONLY_TOKEN).post('/messages/sms', { nonsense: true }), 403, 'forbidden');
  });
});

describe('routes', () => {
  it('an unknown path is 404 not_found in the MsGine envelope', async () => {
    const { sim, api } = await msgineSim();
    for (const path of ['/messages/sms/extra', '/contacts', '/v2/messages']) {
      expectError(await api.post(path, DOC_SEND), 404, 'not_found', 'path');
    }
    // Outside /api/v1 but under the provider's prefix: still MsGine's envelope (checked against its Error
    // schema; the harness's sim.http would take this URL for the control API's).
    const outside = await request(sim.app).get('/msgine/api/v2/messages').set('Authorization', 'Bearer YOUR_API_TOKEN');
    (await specChecker(msgine)).check('get', '/api/v2/messages', { status: outside.status, headers: outside.headers, body: outside.body });
    expect(outside.status).toBe(404);
    expect(outside.body.error.code).toBe('not_found');
  });

  it('a wrong method is 405 method_not_allowed with Allow', async () => {
    const { api } = await msgineSim();
    const del = await api.delete('/messages');
    expectError(del, 405, 'method_not_allowed');
    expect(del.headers.allow).toBe('GET');
    const put = await api.put('/messages/sms', DOC_SEND);
    expectError(put, 405, 'method_not_allowed');
    expect(put.headers.allow).toBe('GET, POST');
  });

  it('unknown query parameters are 400 invalid_request naming them', async () => {
    const { api } = await msgineSim();
    expectError(await api.get('/messages', undefined, { query: { sort: 'asc' } }), 400, 'invalid_request', 'sort');
  });
});

describe('502 and 503 (documented) through fault headers', () => {
  it.each<{ header: Record<string, string>; status: number; code: string }>([
    { header: { 'X-Msgsim-Fault': '502' }, status: 502, code: 'bad_gateway' },
    { header: { 'X-Msgsim-Fault': '503' }, status: 503, code: 'service_unavailable' },
    { header: { Prefer: 'code=502' }, status: 502, code: 'bad_gateway' },
    { header: { Prefer: 'code=503' }, status: 503, code: 'service_unavailable' },
    { header: { 'X-Msgsim-Fault': '500' }, status: 500, code: 'internal_error' },
  ])('$header → $status $code on every endpoint, and nothing is sent', async ({ header, status, code }) => {
    const { sim, api } = await msgineSim();
    for (const res of [
      await api.post('/messages/sms', DOC_SEND, { headers: header }),
      await api.get('/messages', undefined, { headers: header }),
      await api.get('/messages/msg_x', undefined, { headers: header }),
    ]) {
      expectError(res, status, code);
    }
    expect(await outboxCount(sim)).toBe(0);
  });

  it('a /_sim/faults rule fails the next sends with 502 in the MsGine envelope, then lets them through', async () => {
    const { sim, api } = await msgineSim();
    const rule = await sim.http.post('/_sim/faults').send({ provider: 'msgine', method: 'POST', path: '/messages/sms', count: 2, action: { status: 502 } });
    expect(rule.status).toBe(201);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await api.post('/messages/sms', DOC_SEND);
      if (res.status === 502) expectError(res, 502, 'bad_gateway');
      statuses.push(res.status);
    }
    expect(statuses).toEqual([502, 502, 201]);
    expect(await outboxCount(sim)).toBe(1);
  });

  it('a fault header never bypasses auth', async () => {
    const { sim } = await msgineSim();
    expectError(await sim.client('msgine', { 'X-Msgsim-Fault': '503' }).get('/messages'), 401, 'unauthorized');
  });

  it('X-Msgsim-Fault: 429 answers the documented rate-limit body with a matching Retry-After', async () => {
    const { api } = await msgineSim();
    const res = await api.get('/messages', undefined, { headers: { 'X-Msgsim-Fault': '429' } });
    expect(res.status).toBe(429);
    expect(res.body).toEqual({ error: { code: 'rate_limit_exceeded', message: expect.any(String), retryAfter: 1 } });
    expect(res.headers['retry-after']).toBe('1');
  });
});
