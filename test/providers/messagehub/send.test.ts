/** POST /messages/send and GET /messages/{id}: content types, channels, templates, Kakao, magic recipients. */
import { describe, expect, it } from 'vitest';
import { DOC_ALIMTALK, DOC_BRAND, DOC_SEND, DOC_TEMPLATE, LINE_USER, TELEGRAM_CHAT, at, expectError, getMessage, hubSim, outbox, send } from './helpers.js';

describe("send answers the doc's shape and GET follows the lifecycle", () => {
  it('{data:{messageId, channel, status:"sent"}} exactly, then delivered with its attempt', async () => {
    const { sim, api } = await hubSim();
    const res = await api.post('/messages/send', DOC_SEND);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ data: { messageId: expect.stringMatching(/^msg_[A-Za-z0-9]{16}$/), channel: 'whatsapp', status: 'sent' } });
    const id = res.body.data.messageId;

    expect(await getMessage(api, id)).toMatchObject({
      id,
      status: 'sent',
      channel: 'whatsapp',
      to: '+919876543210',
      contentType: 'text',
      content: DOC_SEND.content,
      text: DOC_SEND.content,
    });
    await sim.advance(1_000);
    expect((await getMessage(api, id)).attempts[0]).toMatchObject({ status: 'sent', sentAt: at(1_000) });
    await sim.advance(2_000);
    const delivered = await getMessage(api, id);
    expect(delivered).toMatchObject({ id, status: 'delivered', channel: 'whatsapp', deliveredAt: at(3_000), createdAt: at(0), updatedAt: at(3_000) });
    expect(delivered.attempts).toEqual([
      {
        attemptId: expect.stringMatching(/^att_/),
        channel: 'whatsapp',
        to: '+919876543210',
        status: 'delivered',
        createdAt: at(0),
        updatedAt: at(3_000),
        sentAt: at(1_000),
        deliveredAt: at(3_000),
      },
    ]);
    expect(delivered.fallback).toBeUndefined();
  });

  it('each attempt is an engine message in the /_sim outbox, pointing at its message', async () => {
    const { sim, api } = await hubSim();
    const id = await send(api, DOC_SEND);
    const [attempt] = await outbox(sim);
    expect(attempt).toMatchObject({
      provider: 'messagehub',
      channel: 'whatsapp',
      to: '+919876543210',
      status: 'queued',
      data: { parentId: id, attempt: 1, text: DOC_SEND.content },
    });
  });

  it("another account's message is 404, like an unknown id", async () => {
    const { api, other } = await hubSim();
    const id = await send(api, DOC_SEND);
    expectError(await other.get(`/messages/${id}`), 404, 'MESSAGE_NOT_FOUND', 'messageId', id);
    expectError(await api.get('/messages/msg_nope'), 404, 'MESSAGE_NOT_FOUND', 'messageId', 'msg_nope');
  });
});

describe('recipients per channel', () => {
  it.each([
    ['whatsapp', '+919876543210'],
    ['viber', '+380501234567'],
    ['sms', '+14155552671'],
    ['telegram', TELEGRAM_CHAT],
    ['telegram', '-1001234567890'],
    ['line', LINE_USER],
    ['zalo', '+84912345678'],
  ])('%s accepts %s', async (channel, to) => {
    const { api } = await hubSim();
    const res = await api.post('/messages/send', { to, channel, content: 'Hi' });
    expect(res.status, res.text).toBe(201);
    expect(res.body.data.channel).toBe(channel);
  });

  it.each([
    ['whatsapp', '919876543210', /E\.164/],
    ['sms', '+1 415 555 2671', /E\.164/],
    ['telegram', '+919876543210', /chat id/],
    ['telegram', '@mychannel', /chat id/],
    ['line', 'U123', /LINE user id/],
    ['line', 'u4af4980629a0c8b1b2c3d4e5f6a7b8c9', /LINE user id/],
    ['zalo', '+919876543210', /VN numbers only/],
  ])('%s refuses %s with 400 INVALID_RECIPIENT', async (channel, to, message) => {
    const { sim, api } = await hubSim();
    const res = await api.post('/messages/send', { to, channel, content: 'Hi' });
    expectError(res, 400, 'INVALID_RECIPIENT', 'to', to);
    expect(res.body.error.message).toMatch(message);
    expect(await outbox(sim)).toHaveLength(0);
  });

  it('kakao reaches Korean numbers only (magic numbers excepted)', async () => {
    const { api } = await hubSim();
    const res = await api.post('/messages/send', { ...DOC_BRAND, to: '+919876543210' });
    expectError(res, 400, 'INVALID_RECIPIENT', 'to', '+919876543210');
    expect(res.body.error.message).toMatch(/KR numbers only \(\+82…\)/);
    expect((await api.post('/messages/send', { ...DOC_BRAND, to: '+15005550000' })).status).toBe(201);
  });

  it('an unknown channel is a schema error naming the field', async () => {
    const { api } = await hubSim();
    expectError(await api.post('/messages/send', { ...DOC_SEND, channel: 'fax' }), 400, 'VALIDATION_ERROR', 'channel', 'fax');
    expectError(await api.post('/messages/send', { channel: 'sms', content: 'x' }), 400, 'VALIDATION_ERROR');
  });
});

describe('content types', () => {
  it("template: the doc's WhatsApp example renders its text", async () => {
    const { api } = await hubSim();
    const id = await send(api, DOC_TEMPLATE);
    expect(await getMessage(api, id)).toMatchObject({
      contentType: 'template',
      templateId: 'order_confirmation',
      templateParams: DOC_TEMPLATE.templateParams,
      text: 'Hi Rajesh, your order #1234 is confirmed and will be delivered on 2026-02-15.',
    });
  });

  it('template: unknown → 404, missing params → 400 naming them all, unknown params → 400', async () => {
    const { sim, api } = await hubSim();
    expectError(await api.post('/messages/send', { ...DOC_TEMPLATE, templateId: 'nope' }), 404, 'TEMPLATE_NOT_FOUND', 'templateId', 'nope');
    const missing = await api.post('/messages/send', { ...DOC_TEMPLATE, templateParams: { customer_name: 'Rajesh' } });
    expectError(missing, 400, 'TEMPLATE_PARAMS_MISMATCH', 'templateParams', ['order_id', 'delivery_date']);
    expect(missing.body.error.message).toContain('missing order_id, delivery_date');
    const extra = await api.post('/messages/send', { ...DOC_TEMPLATE, templateParams: { ...DOC_TEMPLATE.templateParams, coupon: 'X' } });
    expectError(extra, 400, 'TEMPLATE_PARAMS_MISMATCH', 'templateParams', ['coupon']);
    expectError(await api.post('/messages/send', { ...DOC_TEMPLATE, templateId: undefined }), 400, 'VALIDATION_ERROR', 'templateId');
    expect(await outbox(sim)).toHaveLength(0);
  });

  it('template: a channel it is not approved for → 400 TEMPLATE_NOT_APPROVED', async () => {
    const { api } = await hubSim();
    const res = await api.post('/messages/send', { ...DOC_TEMPLATE, channel: 'zalo', to: '+84912345678' });
    expectError(res, 400, 'TEMPLATE_NOT_APPROVED', 'templateId', 'order_confirmation');
    expect(res.body.error.message).toMatch(/not approved for zalo/);
  });

  it('media needs mediaUrl; content becomes its caption', async () => {
    const { api } = await hubSim();
    expectError(await api.post('/messages/send', { ...DOC_SEND, contentType: 'media' }), 400, 'VALIDATION_ERROR', 'mediaUrl');
    const id = await send(api, {
      to: '+919876543210',
      channel: 'whatsapp',
      contentType: 'media',
      mediaUrl: 'https://cdn.example.com/invoice.pdf',
      content: 'Your invoice',
    });
    expect(await getMessage(api, id)).toMatchObject({
      contentType: 'media',
      mediaUrl: 'https://cdn.example.com/invoice.pdf',
      text: 'Your invoice\nhttps://cdn.example.com/invoice.pdf',
    });
    expectError(
      await api.post('/messages/send', { to: '+919876543210', channel: 'sms', contentType: 'media', mediaUrl: 'ftp://x.example/a.png' }),
      400,
      'VALIDATION_ERROR',
      'mediaUrl',
    );
  });

  it('text needs content, and fields of other content types are refused, not ignored', async () => {
    const { api } = await hubSim();
    expectError(await api.post('/messages/send', { to: '+919876543210', channel: 'sms' }), 400, 'VALIDATION_ERROR', 'content');
    expectError(await api.post('/messages/send', { ...DOC_SEND, mediaUrl: 'https://cdn.example.com/a.png' }), 400, 'VALIDATION_ERROR', 'mediaUrl');
    expectError(await api.post('/messages/send', { ...DOC_SEND, templateId: 'order_confirmation' }), 400, 'VALIDATION_ERROR', 'templateId');
    expectError(await api.post('/messages/send', { ...DOC_TEMPLATE, content: 'hi' }), 400, 'VALIDATION_ERROR', 'content');
  });

  it('brandmessage is for kakao only', async () => {
    const { api } = await hubSim();
    const res = await api.post('/messages/send', { ...DOC_SEND, contentType: 'brandmessage' });
    expectError(res, 400, 'INVALID_CONTENT', 'contentType', 'brandmessage');
    expect(res.body.error.message).toMatch(/kakao only/);
  });
});

describe('Kakao (NHN Cloud): AlimTalk and Brand Message', () => {
  it("the doc's AlimTalk example renders the Korean variables", async () => {
    const { sim, api } = await hubSim();
    const id = await send(api, DOC_ALIMTALK);
    await sim.advance(3_000);
    expect(await getMessage(api, id)).toMatchObject({
      status: 'delivered',
      channel: 'kakao',
      templateId: 'order_confirm_001',
      text: '[주문 확인] Kim Minjun님, 주문번호 ORD-5678 (Galaxy Watch 7, 399,000원) 주문이 접수되었습니다.',
    });
  });

  it("the doc's Brand Message example is sent as written", async () => {
    const { api } = await hubSim();
    const id = await send(api, DOC_BRAND);
    expect(await getMessage(api, id)).toMatchObject({ contentType: 'brandmessage', content: DOC_BRAND.content, channel: 'kakao' });
  });

  it('AlimTalk needs a Kakao-approved template: pending, or approved elsewhere only, is 400', async () => {
    const { api } = await hubSim();
    const pending = await api.post('/messages/send', {
      ...DOC_ALIMTALK,
      templateId: 'shipping_update_002',
      templateParams: { 고객명: 'Kim', 운송장번호: '123' },
    });
    expectError(pending, 400, 'TEMPLATE_NOT_APPROVED', 'templateId', 'shipping_update_002');
    expect(pending.body.error.message).toMatch(/pending/);
    const whatsappOnly = await api.post('/messages/send', { ...DOC_TEMPLATE, channel: 'kakao', to: '+821012345678' });
    expectError(whatsappOnly, 400, 'TEMPLATE_NOT_APPROVED', 'templateId', 'order_confirmation');
  });

  it('free-form text or media on kakao is 400 INVALID_CONTENT', async () => {
    const { api } = await hubSim();
    expectError(
      await api.post('/messages/send', { to: '+821012345678', channel: 'kakao', content: '안녕하세요' }),
      400,
      'INVALID_CONTENT',
      'contentType',
      'text',
    );
    expectError(
      await api.post('/messages/send', { to: '+821012345678', channel: 'kakao', contentType: 'media', mediaUrl: 'https://cdn.example.com/a.png' }),
      400,
      'INVALID_CONTENT',
      'contentType',
      'media',
    );
  });
});

describe('magic recipients at send', () => {
  it('+15005550001 → 400 INVALID_RECIPIENT, nothing stored', async () => {
    const { sim, api } = await hubSim();
    expectError(await api.post('/messages/send', { ...DOC_SEND, to: '+15005550001' }), 400, 'INVALID_RECIPIENT', 'to', '+15005550001');
    expect(await outbox(sim)).toHaveLength(0);
  });

  it('+15005550005 → 429 with Retry-After to the end of the minute window, remaining 0', async () => {
    const { sim, api } = await hubSim();
    await sim.advance(45_500);
    const res = await api.post('/messages/send', { ...DOC_SEND, to: '+15005550005' });
    expectError(res, 429, 'RATE_LIMITED');
    expect(res.headers['retry-after']).toBe('15');
    expect(res.headers['x-ratelimit-remaining']).toBe('0');
    expect(res.headers['x-ratelimit-limit']).toBe('600');
    expect(res.headers['x-ratelimit-reset']).toBe(String((sim.clock.now() + 14_500) / 1000));
    expect(await outbox(sim)).toHaveLength(0);
  });

  it('+15005550006 → 500 INTERNAL_ERROR', async () => {
    const { sim, api } = await hubSim();
    expectError(await api.post('/messages/send', { ...DOC_SEND, to: '+15005550006' }), 500, 'INTERNAL_ERROR');
    expect(await outbox(sim)).toHaveLength(0);
  });

  it('+15005550002 fails (no fallback: the message fails) and +15005550004 is read', async () => {
    const { sim, api } = await hubSim();
    const failing = await send(api, { ...DOC_SEND, to: '+15005550002' });
    const reading = await send(api, { ...DOC_SEND, to: '+15005550004' });
    await sim.advance(10_000);
    expect(await getMessage(api, failing)).toMatchObject({
      status: 'failed',
      failedAt: at(3_000),
      error: { code: 'CARRIER_REJECTED', message: expect.any(String) },
    });
    expect(await getMessage(api, reading)).toMatchObject({ status: 'read', deliveredAt: at(3_000), readAt: at(8_000) });
  });
});

describe('Idempotency-Key (IETF draft; not in the doc)', () => {
  it('replays the first answer without sending again; another body is 422', async () => {
    const { sim, api } = await hubSim();
    const headers = { 'Idempotency-Key': 'order-1234' };
    const first = await api.post('/messages/send', DOC_SEND, { headers });
    const again = await api.post('/messages/send', DOC_SEND, { headers });
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await outbox(sim)).toHaveLength(1);
    expectError(await api.post('/messages/send', { ...DOC_SEND, content: 'other' }, { headers }), 422, 'IDEMPOTENCY_KEY_REUSED', 'Idempotency-Key');
  });
});
