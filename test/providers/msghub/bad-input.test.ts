/**
 * Bad input on every Msghub endpoint: each answer is Msghub's JSON error envelope (never a 500, never
 * HTML), names the offending field, and nothing is stored.
 */
import request from 'supertest';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiResponse, ProviderClient, TestSim } from '../../support/harness.js';
import { DOC_CONTACT, DOC_SEND, KEY, expectError, msghubSim, outboxCount } from './helpers.js';

type Method = 'get' | 'post' | 'put' | 'delete';
interface Endpoint {
  method: Method;
  path: string;
  /** A valid body, for endpoints that take one. */
  body?: Record<string, unknown>;
}

/** The 18 endpoints of the doc (ids that do not exist: errors here must come before the handler). */
const ENDPOINTS: Endpoint[] = [
  { method: 'post', path: '/messages/send', body: { ...DOC_SEND } },
  { method: 'get', path: '/messages/msg_abc123' },
  { method: 'get', path: '/messages' },
  { method: 'post', path: '/contacts', body: { ...DOC_CONTACT } },
  { method: 'get', path: '/contacts/ct_abc123' },
  { method: 'put', path: '/contacts/ct_abc123', body: { name: 'Rahul K' } },
  { method: 'get', path: '/contacts' },
  { method: 'delete', path: '/contacts/ct_abc123' },
  { method: 'post', path: '/campaigns', body: { name: 'April promo', channel: 'sms', body: 'Hi', recipients: ['+919876543210'] } },
  { method: 'get', path: '/campaigns/cmp_abc123' },
  { method: 'get', path: '/campaigns' },
  { method: 'put', path: '/campaigns/cmp_abc123', body: { name: 'May promo' } },
  { method: 'post', path: '/flows/flow_welcome/trigger', body: { to: '+919876543210', variables: { name: 'Rahul' } } },
  { method: 'get', path: '/flows/flow_welcome' },
  { method: 'get', path: '/flows' },
  { method: 'post', path: '/webhooks', body: { event: 'message.delivered', url: 'https://example.com/hooks/msghub' } },
  { method: 'get', path: '/webhooks' },
  { method: 'delete', path: '/webhooks/wh_abc123' },
];
const WITH_BODY = ENDPOINTS.filter((e) => e.body);
const LISTS = ['/messages', '/contacts', '/campaigns', '/flows', '/webhooks'];
const label = (e: Endpoint) => `${e.method.toUpperCase()} ${e.path}`;

let sim: TestSim;
let api: ProviderClient;
beforeAll(async () => {
  // One simulator for the whole file (nothing here is ever stored); rate limits off so the many
  // requests of one test never meet the 100/s limit.
  ({ sim, api } = await msghubSim({ rateLimits: false }));
});
beforeEach(async () => {
  // A test that finds a bug (something stored) must not make the next ones fail.
  expect((await sim.http.post('/_sim/reset').send({ provider: 'msghub' })).status).toBe(200);
});

async function expectNothingStored(): Promise<void> {
  expect(await outboxCount(sim)).toBe(0);
  for (const list of ['/contacts', '/campaigns', '/webhooks']) {
    const res = await api.get(list);
    expect(res.body.pagination.total, list).toBe(0);
  }
}

function call(e: Endpoint, body: unknown, options: Parameters<ProviderClient['get']>[2] = {}): Promise<ApiResponse> {
  return api[e.method](e.path, body, options);
}

describe('malformed JSON → 400 invalid_json', () => {
  const bodies = ['{"channel":', '{channel: "sms"}', "{'channel':'sms'}", '{"a":1,}', '[', 'nul', '"a string"', '42', '{"a":"\\x"}', '\u0000'];
  describe.each(WITH_BODY.map((e) => [label(e), e] as const))('%s', (_name, e) => {
    it.each(bodies)('%j', async (raw) => {
      const res = await call(e, undefined, { raw });
      expectError(res, 400, 'invalid_json', 'body');
      await expectNothingStored();
    });
  });
});

describe('wrong content type → 415 unsupported_media_type', () => {
  const types = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'text/json'];
  describe.each(WITH_BODY.map((e) => [label(e), e] as const))('%s', (_name, e) => {
    it.each(types)('%s', async (contentType) => {
      const res = await call(e, undefined, { raw: JSON.stringify(e.body), contentType });
      expectError(res, 415, 'unsupported_media_type', 'Content-Type', contentType);
      await expectNothingStored();
    });
  });

  it('application/json with a charset is fine', async () => {
    const ok = await msghubSim();
    const sent = await ok.api.post('/messages/send', DOC_SEND, { contentType: 'application/json; charset=utf-8' });
    expect(sent.status).toBe(201);
  });

  it('a POST with no body and no content type is a 4xx naming the body or Content-Type (not an internal path)', async () => {
    for (const e of WITH_BODY) {
      const res = await call(e, undefined);
      expect([400, 415], `${label(e)} → ${res.status}`).toContain(res.status);
      expect(res.body.error.code).toMatch(/^(invalid_request|unsupported_media_type)$/);
      if (res.body.error.details?.field !== undefined) expect(['body', 'Content-Type'], `${label(e)}: ${res.text}`).toContain(res.body.error.details.field);
    }
    await expectNothingStored();
  });
});

describe('oversize body (> 1 MB) → 413 payload_too_large', () => {
  it.each(WITH_BODY.map((e) => [label(e), e] as const))('%s', async (_name, e) => {
    const raw = JSON.stringify({ ...e.body, padding: 'x'.repeat(1_048_577) });
    const res = await call(e, undefined, { raw });
    expectError(res, 413, 'payload_too_large');
    await expectNothingStored();
  });
});

describe('unknown and read-only fields → 400 naming the field', () => {
  const extras: Array<[string, unknown]> = [
    ['unexpected', 'x'],
    ['id', 'abc'],
    ['status', 'delivered'],
    ['createdAt', '2024-01-01T00:00:00Z'],
  ];
  describe.each(WITH_BODY.map((e) => [label(e), e] as const))('%s', (_name, e) => {
    it.each(extras.filter(([field]) => !(e.path.startsWith('/campaigns/') && field === 'status')))('%s', async (field, value) => {
      const res = await call(e, { ...e.body, [field]: value });
      expectError(res, 400, 'invalid_request', field, value);
      expect(res.body.error.message).toContain(field);
      await expectNothingStored();
    });
  });
});

describe('prototype-polluting keys → 400', () => {
  const cases = [
    { where: 'top-level __proto__', inject: '"__proto__":{"polluted":"yes"}', field: '__proto__' },
    { where: 'top-level constructor', inject: '"constructor":{"prototype":{"polluted":"yes"}}', field: 'constructor' },
    { where: 'top-level prototype', inject: '"prototype":{"polluted":"yes"}', field: 'prototype' },
  ];
  describe.each(WITH_BODY.map((e) => [label(e), e] as const))('%s', (_name, e) => {
    it.each(cases)('$where', async ({ inject, field }) => {
      const raw = `{${inject},${JSON.stringify(e.body).slice(1)}`;
      const res = await call(e, undefined, { raw });
      expectError(res, 400, 'invalid_request', field);
      await expectNothingStored();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });

  it.each([
    {
      path: '/messages/send',
      raw: '{"channel":"sms","to":"+919876543210","body":"x","metadata":{"__proto__":{"polluted":"yes"}}}',
      field: 'metadata.__proto__',
    },
    {
      path: '/messages/send',
      raw: '{"channel":"sms","to":"+919876543210","templateId":"otp","templateParams":{"constructor":"x","code":"1"}}',
      field: 'templateParams.constructor',
    },
    { path: '/contacts', raw: '{"name":"R","phone":"+919876543210","attributes":{"__proto__":"x"}}', field: 'attributes.__proto__' },
    {
      path: '/flows/flow_welcome/trigger',
      raw: '{"to":"+919876543210","variables":{"name":"R","__proto__":{"polluted":"yes"}}}',
      field: 'variables.__proto__',
    },
  ])('nested: $field', async ({ path, raw, field }) => {
    const res = await api.post(path, undefined, { raw });
    expectError(res, 400, 'invalid_request', field);
    await expectNothingStored();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('absurdly deep nesting → 400', async () => {
    const raw = `{"channel":"sms","to":"+919876543210","body":"x","metadata":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}`;
    const res = await api.post('/messages/send', undefined, { raw });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.details.field).toMatch(/^metadata(\.a)+$/);
    await expectNothingStored();
  });

  it('__proto__ in the query string is an unknown parameter', async () => {
    expectError(await api.get('/messages?__proto__=x'), 400, 'invalid_request', '__proto__');
    expectError(await api.get('/messages?constructor=x'), 400, 'invalid_request', 'constructor');
  });
});

describe('wrong types → 400 invalid_request naming the field (never coerced)', () => {
  it.each([
    { path: '/messages/send', body: { ...DOC_SEND, body: 123 }, field: 'body', value: 123 },
    { path: '/messages/send', body: { ...DOC_SEND, body: true }, field: 'body', value: true },
    { path: '/messages/send', body: { ...DOC_SEND, to: 919876543210 }, field: 'to', value: 919876543210 },
    { path: '/messages/send', body: { ...DOC_SEND, channel: ['sms'] }, field: 'channel', value: ['sms'] },
    { path: '/messages/send', body: { ...DOC_SEND, channel: null }, field: 'channel', value: null },
    { path: '/messages/send', body: { ...DOC_SEND, metadata: { orderId: 1042 } }, field: 'metadata.orderId', value: 1042 },
    { path: '/messages/send', body: { ...DOC_SEND, metadata: 'x' }, field: 'metadata', value: 'x' },
    {
      path: '/messages/send',
      body: { channel: 'sms', to: '+919876543210', templateId: 'otp', templateParams: { code: 123456 } },
      field: 'templateParams.code',
      value: 123456,
    },
    { path: '/contacts', body: { ...DOC_CONTACT, name: 42 }, field: 'name', value: 42 },
    { path: '/contacts', body: { ...DOC_CONTACT, tags: [1] }, field: 'tags[0]', value: 1 },
    { path: '/contacts', body: { ...DOC_CONTACT, attributes: [] }, field: 'attributes', value: [] },
    { path: '/campaigns', body: { name: 'c', channel: 'sms', body: 'x', recipients: ['+919876543210'], start: 1 }, field: 'start', value: 1 },
    { path: '/campaigns', body: { name: 'c', channel: 'sms', body: 'x', recipients: ['+919876543210'], start: 'true' }, field: 'start', value: 'true' },
    { path: '/campaigns', body: { name: 'c', channel: 'sms', body: 'x', recipients: '+919876543210' }, field: 'recipients', value: '+919876543210' },
    {
      path: '/campaigns',
      body: { name: 'c', channel: 'sms', body: 'x', recipients: ['+919876543210'], scheduledAt: 1712572200000 },
      field: 'scheduledAt',
      value: 1712572200000,
    },
    { path: '/flows/flow_welcome/trigger', body: { to: '+919876543210', variables: { name: 5 } }, field: 'variables.name', value: 5 },
    { path: '/webhooks', body: { event: 'message.delivered', url: 42 }, field: 'url', value: 42 },
  ])('$path with $field = $value', async ({ path, body, field, value }) => {
    const res = await api.post(path, body);
    expectError(res, 400, 'invalid_request', field, value);
    await expectNothingStored();
  });
});

describe("messages in plain words or the doc's, never the validator's", () => {
  it.each<[string, () => Promise<ApiResponse>, string, string, unknown]>([
    ['a missing field', () => api.post('/messages/send', { channel: 'sms', body: 'Hello!' }), 'invalid_request', 'to', 'to is required'],
    ['a range', () => api.get('/messages?limit=500'), 'invalid_request', 'limit', 'limit must be an integer from 1 to 100'],
    ['a lower bound', () => api.get('/contacts?page=0'), 'invalid_request', 'page', 'page must be an integer from 1 to 1000000'],
    [
      'an enum',
      () => api.post('/messages/send', { ...DOC_SEND, channel: 'fax' }),
      'invalid_request',
      'channel',
      expect.stringMatching(/^channel must be one of sms, /),
    ],
    ['an unknown field', () => api.post('/messages/send', { ...DOC_SEND, colour: 'red' }), 'invalid_request', 'colour', "Unknown field 'colour'"],
    [
      "the doc's phone wording",
      () => api.post('/contacts', { ...DOC_CONTACT, phone: '919876543210' }),
      'invalid_phone_number',
      'phone',
      'Phone number is not in valid E.164 format',
    ],
    ["the doc's email wording", () => api.post('/contacts', { ...DOC_CONTACT, email: 'rahul@' }), 'invalid_email', 'email', 'Email address is invalid'],
  ])('%s', async (_label, call, code, field, message) => {
    const res = await call();
    expectError(res, 400, code, field);
    expect(res.body.error.message).toEqual(message);
  });
});

describe('query parameters', () => {
  describe.each(LISTS)('GET %s', (path) => {
    it.each([
      ['page', '1000001'],
      ['page', '99999999999999999999999'],
      ['page', '1e400'],
      ['page', '0'],
      ['page', '-3'],
      ['page', '1.5'],
      ['page', 'NaN'],
      ['page', 'Infinity'],
      ['page', ''],
      ['limit', '101'],
      ['limit', '1000000'],
      ['limit', '0'],
      ['limit', 'ten'],
    ])('%s=%s → 400 naming it', async (name, value) => {
      const res = await api.get(`${path}?${name}=${encodeURIComponent(value)}`);
      expectError(res, 400, 'invalid_request', name);
    });

    it('the maximum page (1,000,000) is a valid, empty page', async () => {
      const res = await api.get(path, undefined, { query: { page: 1_000_000 } });
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual([]);
    });
  });

  it.each(ENDPOINTS.map((e) => [label(e), e] as const))('%s with an unknown query parameter → 400 naming it', async (_name, e) => {
    const res = await api[e.method](`${e.path}?verbose=1`, e.body);
    expectError(res, 400, 'invalid_request', 'verbose', '1');
    expect(res.body.error.message).toContain('verbose');
    await expectNothingStored();
  });

  it('repeated scalar parameters → 400', async () => {
    expectError(await api.get('/messages?status=sent&status=queued'), 400, 'invalid_request', 'status');
    expectError(await api.get('/contacts?page=1&page=2'), 400, 'invalid_request', 'page');
  });
});

describe('authentication → 401 invalid_api_key', () => {
  const badKeys: Array<[string, Record<string, string>]> = [
    ['missing', {}],
    ['empty', { 'X-API-Key': '' }],
    ['prefix only', { 'X-API-Key': 'mk_live_' }],
    ['too short', { 'X-API-Key': 'mk_live_abc' }],
    ['test prefix', { 'X-API-Key': 'mk_test_abcd1234' }],
    ['upper-case prefix', { 'X-API-Key': 'MK_LIVE_abcd1234' }],
    ['with a space', { 'X-API-Key': 'mk_live_abcd 1234' }],
    ['as a bearer token', { Authorization: 'Bearer mk_live_abcd1234' }],
    ['Bearer in X-API-Key', { 'X-API-Key': 'Bearer mk_live_abcd1234' }],
    ['too long', { 'X-API-Key': `mk_live_${'a'.repeat(200)}` }],
  ];

  it.each(badKeys)('%s key, on every endpoint', async (_name, headers) => {
    const client = sim.client('msghub', headers);
    for (const e of ENDPOINTS) {
      const res = await client[e.method](e.path, e.body);
      expectError(res, 401, 'invalid_api_key');
      expect(res.body.error.message, label(e)).toBe('API key is invalid or missing');
    }
    await expectNothingStored();
  });

  it('a key in the query string is not a key', async () => {
    const client = sim.client('msghub');
    expectError(await client.get('/messages?api_key=mk_live_abcd1234'), 401, 'invalid_api_key');
  });

  it('any well-formed mk_live_ key is accepted', async () => {
    for (const key of ['mk_live_abcd', 'mk_live_ABC_def-123', `mk_live_${'z'.repeat(128)}`]) {
      expect((await sim.client('msghub', { 'X-API-Key': key }).get('/flows')).status).toBe(200);
    }
  });

  it("the doc's placeholder mk_live_... works as written, an account of its own; other dotted keys do not", async () => {
    const placeholder = sim.client('msghub', { 'X-API-Key': 'mk_live_...' });
    expect((await placeholder.get('/contacts')).status).toBe(200);
    const sent = await placeholder.post('/messages/send', DOC_SEND);
    expect(sent.status, sent.text).toBe(201);
    expect((await placeholder.get(`/messages/${sent.body.messageId}`)).status).toBe(200);
    expectError(await api.get(`/messages/${sent.body.messageId}`), 404, 'message_not_found');
    for (const key of ['mk_live_..', 'mk_live_....', 'mk_live_ab.cd']) {
      expectError(await sim.client('msghub', { 'X-API-Key': key }).get('/contacts'), 401, 'invalid_api_key');
    }
  });

  it.each([
    ['mk_live_invalid_key', 'API key is invalid or missing'],
    ['mk_live_revoked_key', 'API key has been revoked'],
  ])('the magic key %s answers 401 invalid_api_key on every endpoint', async (key, message) => {
    const client = sim.client('msghub', { 'X-API-Key': key });
    for (const e of ENDPOINTS) {
      const res = await client[e.method](e.path, e.body);
      expectError(res, 401, 'invalid_api_key', 'X-API-Key');
      expect(res.body.error.message, label(e)).toBe(message);
    }
    await expectNothingStored();
  });

  it('a key revoked through /_sim answers 401 from its next request; others go on', async () => {
    const key = 'mk_live_revokedinbadinput';
    const client = sim.client('msghub', { 'X-API-Key': key });
    expect((await client.post('/contacts', DOC_CONTACT)).status).toBe(201);
    expect((await sim.http.post(`/_sim/keys/msghub/${key}/revoke`)).body).toMatchObject({ properties: { revoked: true } });
    for (const res of [await client.get('/contacts'), await client.post('/messages/send', DOC_SEND)]) {
      expectError(res, 401, 'invalid_api_key', 'X-API-Key');
      expect(res.body.error.message).toBe('API key has been revoked');
    }
    expect(await outboxCount(sim)).toBe(0);
    expect((await api.post('/messages/send', DOC_SEND)).status).toBe(201);
  });
});

describe('routes and methods', () => {
  it.each(['/nope', '/message', '/messages/', '/messages/msg_abc123/status', '/contacts/ct_abc123/tags', '/flows/flow_welcome/trigger/now', '/Messages'])(
    'GET %s → 404 not_found in the Msghub envelope',
    async (path) => {
      const res = await api.get(path);
      expectError(res, 404, 'not_found');
    },
  );

  it('paths outside the API answer 404 not_found in JSON, in both layouts', async () => {
    const mounted = await msghubSim({ mounted: true });
    const layouts = [
      { app: mounted.sim.app, paths: ['/msghub/api/v2/messages', '/msghub/messages', '/msghub/', '/msghub/api/v1', '/msghub/api/v1/'] },
      { app: sim.app, paths: ['/api/v2/messages', '/messages', '/api/v1', '/api/v1/'] },
    ];
    for (const { app, paths } of layouts) {
      for (const path of paths) {
        // Raw supertest: these paths belong to no operation; the answer is in Msghub's envelope.
        const res = await request(app).get(path).set('X-API-Key', KEY);
        expect(res.status, path).toBe(404);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(Object.keys(res.body)).toEqual(['error']);
        expect(res.body.error.code).toBe('not_found');
        expect(typeof res.body.error.message).toBe('string');
      }
    }
  });

  it.each([
    { method: 'delete', path: '/messages/send', allow: ['POST'] },
    { method: 'put', path: '/messages', allow: ['GET'] },
    { method: 'post', path: '/messages', allow: ['GET'] },
    { method: 'delete', path: '/messages/msg_abc123', allow: ['GET'] },
    { method: 'patch', path: '/contacts/ct_abc123', allow: ['DELETE', 'GET', 'PUT'] },
    { method: 'delete', path: '/contacts', allow: ['GET', 'POST'] },
    { method: 'delete', path: '/campaigns/cmp_abc123', allow: ['GET', 'PUT'] },
    { method: 'patch', path: '/campaigns/cmp_abc123', allow: ['GET', 'PUT'] },
    { method: 'post', path: '/flows', allow: ['GET'] },
    { method: 'put', path: '/flows/flow_welcome', allow: ['GET'] },
    { method: 'get', path: '/flows/flow_welcome/trigger', allow: ['POST'] },
    { method: 'get', path: '/webhooks/wh_abc123', allow: ['DELETE'] },
    { method: 'patch', path: '/webhooks', allow: ['GET', 'POST'] },
  ] as const)('$method $path → 405 method_not_allowed with Allow', async ({ method, path, allow }) => {
    const res = await api[method](path, method === 'get' || method === 'delete' ? undefined : {});
    expectError(res, 405, 'method_not_allowed');
    const allowed = String(res.headers.allow).split(/,\s*/);
    for (const m of allow) expect(allowed).toContain(m);
    expect(allowed).not.toContain(method.toUpperCase());
  });

  it('a malformed percent-encoded id answers in the envelope, naming the id parameter', async () => {
    const res = await api.get('/messages/%E0%A4%A');
    expect([400, 404]).toContain(res.status);
    expect(res.body.error.code).toMatch(/^(invalid_request|message_not_found)$/);
    expect(res.body.error.details?.field, res.text).toBe('messageId');
  });
});

describe('never a 500, never HTML', () => {
  const hostile = [
    '',
    '{}',
    '[]',
    '[{}]',
    'null',
    'true',
    '0',
    '""',
    '{"a":',
    '\ud800',
    '{"to":"\u0000"}',
    '{"channel":{"$gt":""}}',
    '{"body":"' + 'é'.repeat(3000) + '"}',
  ];
  it.each(WITH_BODY.map((e) => [label(e), e] as const))('%s with hostile JSON bodies', async (_name, e) => {
    for (const raw of hostile) {
      const res = await call(e, undefined, { raw });
      expect(res.status, `${label(e)} ${JSON.stringify(raw)} → ${res.text}`).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
      expect(res.text).not.toMatch(/<html|<!DOCTYPE/i);
      expect(typeof res.body.error.code).toBe('string');
    }
    await expectNothingStored();
  });
});
