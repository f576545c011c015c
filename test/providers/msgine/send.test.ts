/** POST /messages/sms and GET /messages/{id}: the doc's example, recipient lists, and what a send refuses. */
import { describe, expect, it } from 'vitest';
import { DOC_SEND, TOKEN, at, expectError, msgineSim, outbox, outboxCount, requestExamples } from './helpers.js';

describe('POST /messages/sms', () => {
  it("accepts the doc's example as written and answers the doc's response shape", async () => {
    const { sim, api } = await msgineSim();
    const res = await api.post('/messages/sms', { to: '+256701234567', message: 'Hello from MsGine!' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^msg_[A-Za-z0-9]+$/),
      status: 'pending',
      to: ['+256701234567'],
      message: 'Hello from MsGine!',
      cost: 0.05,
      currency: 'USD',
      createdAt: at(0),
    });
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    // One engine message per recipient, linked to the MsGine message.
    const stored = await outbox(sim, TOKEN);
    expect(stored.total).toBe(1);
    expect(stored.data[0]).toMatchObject({
      id: `${res.body.id}-1`,
      channel: 'sms',
      to: '+256701234567',
      status: 'queued',
      data: { parentId: res.body.id, body: 'Hello from MsGine!' },
    });
  });

  it('sends one message to a list of numbers: one id, to as given, one engine message per recipient', async () => {
    const { sim, api } = await msgineSim();
    const to = ['+256701234567', '+254712345678', '+14155550100'];
    const res = await api.post('/messages/sms', { to, message: 'Hi all' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'pending', to, message: 'Hi all' });
    const stored = await outbox(sim, TOKEN);
    expect(stored.data.map((m) => m.to).sort()).toEqual([...to].sort());
    expect(new Set(stored.data.map((m) => m.data.parentId))).toEqual(new Set([res.body.id]));
    expect((await api.get('/messages', undefined, {})).body.pagination.total).toBe(1);
  });

  it('a one-element list answers the same shape as a single number', async () => {
    const { api } = await msgineSim();
    const res = await api.post('/messages/sms', { to: ['+256701234567'], message: 'Hi' });
    expect(res.status).toBe(201);
    expect(res.body.to).toEqual(['+256701234567']);
  });

  it('accepts a callbackUrl and returns it on GET', async () => {
    const { api } = await msgineSim();
    const sent = await api.post('/messages/sms', { to: '+256701234567', message: 'Your code is 123456', callbackUrl: 'https://your-app.com/webhooks/msgine' });
    expect(sent.status).toBe(201);
    expect(sent.body).not.toHaveProperty('callbackUrl');
    expect((await api.get(`/messages/${sent.body.id}`)).body.callbackUrl).toBe('https://your-app.com/webhooks/msgine');
  });

  it('every request example in the spec works as written', async () => {
    const { api } = await msgineSim();
    const examples = await requestExamples('/messages/sms', 'post');
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const example of examples) {
      const res = await api.post('/messages/sms', example);
      expect(res.status, `${JSON.stringify(example)} → ${res.text}`).toBe(201);
    }
  });

  it('1600 characters is the longest message', async () => {
    const { api } = await msgineSim();
    const res = await api.post('/messages/sms', { to: '+256701234567', message: 'a'.repeat(1600) });
    expect(res.status).toBe(201);
    expect((await api.get(`/messages/${res.body.id}`)).body).toMatchObject({ segments: 11, encoding: 'GSM-7' });
  });

  it('100 recipients is the largest list', async () => {
    const { sim, api } = await msgineSim();
    const to = Array.from({ length: 100 }, (_, i) => `+2567012${String(i).padStart(5, '0')}`);
    const res = await api.post('/messages/sms', { to, message: 'Hi' });
    expect(res.status, res.text).toBe(201);
    expect(res.body.to).toHaveLength(100);
    expect(await outboxCount(sim)).toBe(100);
  });
});

describe('invalid numbers → 400 invalid_phone_number', () => {
  it("answers the doc's error example verbatim", async () => {
    const { sim, api } = await msgineSim();
    const res = await api.post('/messages/sms', { to: '0701234567', message: 'Hello from MsGine!' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: { code: 'invalid_phone_number', message: 'The phone number must be in E.164 format', details: { field: 'to', value: '0701234567' } },
    });
    expect(await outboxCount(sim)).toBe(0);
  });

  it.each([
    { what: 'no plus', to: '256701234567' },
    { what: 'spaces', to: '+256 701 234 567' },
    { what: 'dashes', to: '+1-415-555-0100' },
    { what: 'too short', to: '+2567' },
    { what: 'too long', to: '+2567012345678901' },
    { what: 'leading zero country code', to: '+0701234567' },
    { what: 'letters', to: '+25670123456a' },
    { what: 'empty', to: '' },
    { what: 'E.164 shape, no such numbering plan', to: '+256001234567' },
    { what: 'the invalid magic number', to: '+15005550001' },
  ])('$what ($to) names field "to" and the value', async ({ to }) => {
    const { sim, api } = await msgineSim();
    expectError(await api.post('/messages/sms', { to, message: 'x' }), 400, 'invalid_phone_number', 'to', to);
    expect(await outboxCount(sim)).toBe(0);
  });

  it.each([
    { to: ['+256701234567', '0701234567'], field: 'to[1]', value: '0701234567' },
    { to: ['+256701234567', '+254712345678', '+256001234567'], field: 'to[2]', value: '+256001234567' },
    { to: ['+15005550001', '+256701234567'], field: 'to[0]', value: '+15005550001' },
  ])('in a list, names the item: $field', async ({ to, field, value }) => {
    const { sim, api } = await msgineSim();
    expectError(await api.post('/messages/sms', { to, message: 'x' }), 400, 'invalid_phone_number', field, value);
    expect(await outboxCount(sim)).toBe(0);
  });
});

describe('other invalid sends → 400 invalid_request naming the field, nothing stored', () => {
  it.each([
    { what: 'missing to', body: { message: 'x' }, field: 'to', message: 'to is required' },
    { what: 'missing message', body: { to: '+256701234567' }, field: 'message' },
    { what: 'empty message', body: { to: '+256701234567', message: '' }, field: 'message', value: '', message: 'message must be 1 to 1600 characters long' },
    { what: 'message over 1600 characters', body: { to: '+256701234567', message: 'a'.repeat(1601) }, field: 'message' },
    { what: 'empty list', body: { to: [], message: 'x' }, field: 'to', value: [], message: 'to must have 1 to 100 items' },
    {
      what: 'duplicate numbers',
      body: { to: ['+256701234567', '+256701234567'], message: 'x' },
      field: 'to',
      message: 'to must not list the same value twice',
    },
    { what: '101 recipients', body: { to: Array.from({ length: 101 }, (_, i) => `+2567012${String(i).padStart(5, '0')}`), message: 'x' }, field: 'to' },
    { what: 'an object as to', body: { to: { number: '+256701234567' }, message: 'x' }, field: 'to', message: 'to must be an array or a string' },
    {
      what: 'callbackUrl not http(s)',
      body: { to: '+256701234567', message: 'x', callbackUrl: 'ftp://example.com/hook' },
      field: 'callbackUrl',
      value: 'ftp://example.com/hook',
    },
    { what: 'callbackUrl not a URL', body: { to: '+256701234567', message: 'x', callbackUrl: 'not a url' }, field: 'callbackUrl' },
    {
      what: 'an unknown field',
      body: { to: '+256701234567', message: 'x', from: 'MsGine' },
      field: 'from',
      value: 'MsGine',
      message: "Unknown field 'from'",
    },
    { what: 'a client-set status', body: { to: '+256701234567', message: 'x', status: 'delivered' }, field: 'status' },
    { what: 'a client-set id', body: { to: '+256701234567', message: 'x', id: 'msg_mine' }, field: 'id' },
  ])('$what', async ({ body, field, value, message }: { body: object; field: string; value?: unknown; message?: string }) => {
    const { sim, api } = await msgineSim();
    const res = await api.post('/messages/sms', body);
    expectError(res, 400, 'invalid_request', field, value);
    // In plain words naming the field, never the validator's ("must have required property 'to'").
    if (message !== undefined) expect(res.body.error.message).toBe(message);
    expect(res.body.error.message).toContain(field);
    expect(await outboxCount(sim)).toBe(0);
  });

  it('malformed JSON → 400 invalid_json', async () => {
    const { api } = await msgineSim();
    expectError(await api.post('/messages/sms', undefined, { raw: '{"to": "+256701234567",' }), 400, 'invalid_json', 'body');
  });

  it('a body that is not JSON → 415 unsupported_media_type', async () => {
    const { api } = await msgineSim();
    const res = await api.post('/messages/sms', undefined, { raw: 'to=%2B256701234567&message=hi', contentType: 'application/x-www-form-urlencoded' });
    expectError(res, 415, 'unsupported_media_type', 'Content-Type', 'application/x-www-form-urlencoded');
  });

  it('__proto__ keys are refused', async () => {
    const { sim, api } = await msgineSim();
    const res = await api.post('/messages/sms', undefined, { raw: '{"to":"+256701234567","message":"x","__proto__":{"admin":true}}' });
    expectError(res, 400, 'invalid_request', '__proto__');
    expect(await outboxCount(sim)).toBe(0);
  });
});

describe('GET /messages/{id}', () => {
  it('returns the message with its breakdown per recipient', async () => {
    const { api } = await msgineSim();
    const sent = await api.post('/messages/sms', DOC_SEND);
    const got = await api.get(`/messages/${sent.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual({
      id: sent.body.id,
      status: 'pending',
      to: ['+256701234567'],
      message: 'Hello from MsGine!',
      cost: 0.05,
      currency: 'USD',
      segments: 1,
      encoding: 'GSM-7',
      createdAt: at(0),
      updatedAt: at(0),
      recipients: [{ to: '+256701234567', status: 'pending', country: 'UG', cost: 0.05 }],
    });
  });

  it('an unknown id is 404 not_found naming the id', async () => {
    const { api } = await msgineSim();
    for (const id of ['msg_doesnotexist', 'not-a-message-id']) {
      expectError(await api.get(`/messages/${id}`), 404, 'not_found', 'id', id);
    }
  });

  it("another token's message is 404, as if it did not exist", async () => {
    const { api, other } = await msgineSim();
    const sent = await api.post('/messages/sms', DOC_SEND);
    expectError(await other.get(`/messages/${sent.body.id}`), 404, 'not_found', 'id', sent.body.id);
    expect((await other.get('/messages')).body.pagination.total).toBe(0);
    expect((await api.get(`/messages/${sent.body.id}`)).status).toBe(200);
  });
});
