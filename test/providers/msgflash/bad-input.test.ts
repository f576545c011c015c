/**
 * Bad input and edge routes, all in MsgFlash's envelope: malformed JSON, other content types, oversize
 * bodies, missing bodies, prototype keys, unknown fields and query parameters, unknown routes, wrong
 * methods, and injected faults (X-Msgsim-Fault, Prefer: code=NNN) that never bypass auth.
 */
import { describe, expect, it } from 'vitest';
import { KEY, MAIN, TEXT, client, expectError, expectOk, msgflashSim, outboxCount } from './helpers.js';

describe('request bodies', () => {
  it('malformed JSON → 400 INVALID_JSON; nothing stored', async () => {
    const { sim, api } = await msgflashSim();
    expectError(await api.post('/messages/send', undefined, { raw: '{"to": ' }), 400, 'INVALID_JSON', 'body');
    expect(await outboxCount(sim, KEY)).toBe(0);
  });

  it('another content type → 415 UNSUPPORTED_MEDIA_TYPE naming Content-Type', async () => {
    const { api } = await msgflashSim();
    expectError(
      await api.post('/contacts', undefined, { raw: 'phone=+14155550123', contentType: 'application/x-www-form-urlencoded' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'Content-Type',
    );
  });

  it('no body where one is required → 415 naming Content-Type (not a validator internal)', async () => {
    const { sim, api } = await msgflashSim();
    const res = await api.post('/contacts');
    expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type');
    expect(res.body.error.message).toContain('application/json');
    expect(res.body.error.message).not.toContain('api.v1');
    expect(expectOk(await client(sim, KEY).get('/contacts')).contacts).toEqual([]);
  });

  it('a body over 1 MB → 413 PAYLOAD_TOO_LARGE', async () => {
    const { api } = await msgflashSim();
    expectError(await api.post('/templates', undefined, { raw: JSON.stringify({ name: 'x', content: 'y'.repeat(1_100_000) }) }), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('__proto__ and constructor keys → 400 naming them', async () => {
    const { api } = await msgflashSim();
    expectError(await api.post('/contacts', undefined, { raw: '{"phone":"+14155550123","__proto__":{"admin":true}}' }), 400, 'VALIDATION_ERROR', '__proto__');
    expectError(
      await api.post('/contacts', undefined, { raw: '{"phone":"+14155550123","attributes":{"constructor":"x"}}' }),
      400,
      'VALIDATION_ERROR',
      'attributes.constructor',
    );
  });

  it('auth comes before validation: a bad key with a bad body is 401', async () => {
    const { sim } = await msgflashSim();
    expectError(await sim.client('msgflash', { 'x-api-key': 'nope' }).post('/messages/send', { bogus: true }), 401, 'UNAUTHORIZED');
  });

  it('an unknown query parameter → 400 naming it', async () => {
    const { api } = await msgflashSim();
    expectError(await api.get('/contacts', undefined, { query: { sort: 'name' } }), 400, 'VALIDATION_ERROR', 'sort');
  });
});

describe('routes', () => {
  it('an unknown route → 404 NOT_FOUND in the envelope', async () => {
    const { api } = await msgflashSim();
    expectError(await api.get('/account'), 404, 'NOT_FOUND');
    expectError(await api.get('/messages/x/y/z'), 404, 'NOT_FOUND');
  });

  it("the doc's overlapping paths resolve to the literal one first", async () => {
    const { api } = await msgflashSim();
    const group = await api.get('/contacts/groups/groups');
    expectError(group, 404, 'NOT_FOUND', 'groupId', 'groups');
    expect(group.body.error.message).toBe('Group not found');
    expectError(await api.get('/contacts/bulk-jobs/groups'), 404, 'NOT_FOUND', 'jobId', 'groups');
  });

  it('a wrong method → 405 METHOD_NOT_ALLOWED with Allow', async () => {
    const { api } = await msgflashSim();
    const send = await api.put('/messages/send', TEXT);
    expectError(send, 405, 'METHOD_NOT_ALLOWED');
    // PUT /messages/send could be either template: POST /messages/send or GET /messages/{id}.
    expect(send.headers.allow).toBe('GET, POST');
    const list = await api.patch('/messages', {});
    expectError(list, 405, 'METHOD_NOT_ALLOWED');
    expect(list.headers.allow).toBe('GET');
    const instance = await api.delete(`/instances/${MAIN}`);
    expectError(instance, 405, 'METHOD_NOT_ALLOWED');
    expect(instance.headers.allow).toBe('GET');
  });

  it('served under /msgflash/api/v1 in the full app, with the same envelope for unknown routes', async () => {
    const { sim } = await msgflashSim({ full: true });
    const ok = await sim.http.get('/msgflash/api/v1/instances').set('x-api-key', KEY);
    expect(ok.status).toBe(200);
    const missing = await sim.http.get('/msgflash/api/v1/nope').set('x-api-key', KEY);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
  });
});

describe('injected faults', () => {
  it.each([
    [502, 'BAD_GATEWAY'],
    [503, 'SERVICE_UNAVAILABLE'],
    [504, 'GATEWAY_TIMEOUT'],
    [500, 'INTERNAL_ERROR'],
  ])('X-Msgsim-Fault: %i → %s; nothing stored', async (status, code) => {
    const { sim, api } = await msgflashSim();
    expectError(await api.post('/messages/send', TEXT, { headers: { 'X-Msgsim-Fault': String(status) } }), status, code);
    expect(await outboxCount(sim, KEY)).toBe(0);
  });

  it("Prefer: code=429 answers the doc's 429 with Retry-After", async () => {
    const { api } = await msgflashSim();
    const res = await api.get('/instances', undefined, { headers: { Prefer: 'code=429' } });
    expectError(res, 429, 'API_RATE_LIMIT_EXCEEDED');
    expect(res.body.error.message).toBe('Too many API requests');
    expect(res.headers['retry-after']).toBe('1');
  });

  it('faults never bypass auth or team rules', async () => {
    const { sim } = await msgflashSim();
    expectError(await sim.client('msgflash', { 'x-api-key': 'nope', 'X-Msgsim-Fault': '503' }).get('/instances'), 401, 'UNAUTHORIZED');
    expectError(await sim.client('msgflash', { 'x-api-key': KEY, 'X-Team-Id': 'acme', 'X-Msgsim-Fault': '503' }).get('/instances'), 403, 'TEAM_KEY_REQUIRED');
  });

  it('a /_sim fault rule for msgflash fails the next matching request, then lets them through', async () => {
    const { sim, api } = await msgflashSim();
    const rule = await sim.http.post('/_sim/faults').send({ provider: 'msgflash', count: 1, action: { status: 503 } });
    expect(rule.status).toBe(201);
    expectError(await api.get('/instances'), 503, 'SERVICE_UNAVAILABLE');
    expectOk(await api.get('/instances'));
  });
});
