/**
 * Smart fallback on the manual clock: "Auto-retry failed messages on alternative channels. WhatsApp to
 * Telegram to SMS." Attempts follow the default timings: queued → sent 1 s, sent → delivered/failed 2 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestSim } from '../../support/harness.js';
import { DOC_ALIMTALK, DOC_SEND, DOC_TEMPLATE, KEY, TELEGRAM_CHAT, at, expectError, getMessage, hubSim, outbox, send } from './helpers.js';

const MAGIC_FALLBACK = '+15005550009';

describe('the primary fails: the next channel is tried at once', () => {
  it('WhatsApp → Telegram (own chat id) → SMS: +15005550009 fails WhatsApp, Telegram delivers, SMS is never tried', async () => {
    const { sim, api } = await hubSim();
    const id = await send(api, { ...DOC_SEND, to: MAGIC_FALLBACK, fallback: { channels: ['telegram', 'sms'], recipients: { telegram: TELEGRAM_CHAT } } });

    await sim.advance(2_999);
    expect(await getMessage(api, id)).toMatchObject({ status: 'sent', channel: 'whatsapp' });
    expect((await getMessage(api, id)).attempts).toHaveLength(1);

    await sim.advance(1);
    const switched = await getMessage(api, id);
    expect(switched).toMatchObject({ status: 'sent', channel: 'telegram' });
    expect(switched.attempts).toMatchObject([
      { channel: 'whatsapp', to: MAGIC_FALLBACK, status: 'failed', failedAt: at(3_000), error: { code: 'CARRIER_REJECTED' } },
      { channel: 'telegram', to: TELEGRAM_CHAT, status: 'sent', createdAt: at(3_000) },
    ]);

    await sim.advance(3_000);
    const delivered = await getMessage(api, id);
    expect(delivered).toMatchObject({
      status: 'delivered',
      channel: 'telegram',
      deliveredAt: at(6_000),
      fallback: { channels: ['telegram', 'sms'], timeoutSeconds: 60, recipients: { telegram: TELEGRAM_CHAT } },
    });
    expect(delivered.error).toBeUndefined();
    expect(delivered.attempts.map((a: any) => [a.channel, a.status])).toEqual([
      ['whatsapp', 'failed'],
      ['telegram', 'delivered'],
    ]);

    await sim.advance(3_600_000);
    expect((await getMessage(api, id)).attempts).toHaveLength(2);
    expect((await outbox(sim)).map((m) => m.channel)).toEqual(['telegram', 'whatsapp']);
  });

  it('a fallback channel without its own address uses `to`; later attempts of +15005550009 deliver', async () => {
    const { sim, api } = await hubSim();
    const id = await send(api, { ...DOC_SEND, to: MAGIC_FALLBACK, fallback: { channels: ['sms'] } });
    await sim.advance(6_000);
    const message = await getMessage(api, id);
    expect(message).toMatchObject({ status: 'delivered', channel: 'sms' });
    expect(message.attempts[1]).toMatchObject({ channel: 'sms', to: MAGIC_FALLBACK, sentAt: at(4_000), deliveredAt: at(6_000) });
  });

  it('without a fallback object a failed primary is a failed message', async () => {
    const { sim, api } = await hubSim();
    const id = await send(api, { ...DOC_SEND, to: MAGIC_FALLBACK });
    await sim.advance(60_000);
    const message = await getMessage(api, id);
    expect(message).toMatchObject({ status: 'failed', channel: 'whatsapp', failedAt: at(3_000), error: { code: 'CARRIER_REJECTED' } });
    expect(message.attempts).toHaveLength(1);
  });

  it('when every channel fails the message fails on the last one', async () => {
    const { sim, api } = await hubSim();
    const id = await send(api, { ...DOC_SEND, to: '+15005550002', fallback: { channels: ['viber', 'sms'] } });
    await sim.advance(8_999);
    expect(await getMessage(api, id)).toMatchObject({ status: 'sent', channel: 'sms' });
    await sim.advance(1);
    const message = await getMessage(api, id);
    expect(message).toMatchObject({ status: 'failed', channel: 'sms', failedAt: at(9_000), error: { code: 'CARRIER_REJECTED' } });
    expect(message.attempts.map((a: any) => [a.channel, a.status, a.failedAt])).toEqual([
      ['whatsapp', 'failed', at(3_000)],
      ['viber', 'failed', at(6_000)],
      ['sms', 'failed', at(9_000)],
    ]);
  });

  it('a failure forced through /_sim moves the chain too: AlimTalk falls back to SMS with the rendered text', async () => {
    const { sim, api } = await hubSim();
    const id = await send(api, { ...DOC_ALIMTALK, fallback: { channels: ['sms'] } });
    const [kakao] = (await getMessage(api, id)).attempts;
    const forced = await sim.http.post(`/_sim/messages/messagehub/${kakao.attemptId}/status`).send({ status: 'failed', reason: 'not a KakaoTalk user' });
    expect(forced.status).toBe(200);
    const message = await getMessage(api, id);
    expect(message).toMatchObject({ status: 'sent', channel: 'sms' });
    const sms = (await outbox(sim)).find((m) => m.channel === 'sms')!;
    expect(sms).toMatchObject({
      to: '+821012345678',
      data: { parentId: id, attempt: 2, text: '[주문 확인] Kim Minjun님, 주문번호 ORD-5678 (Galaxy Watch 7, 399,000원) 주문이 접수되었습니다.' },
    });
    await sim.advance(3_000);
    expect(await getMessage(api, id)).toMatchObject({ status: 'delivered', channel: 'sms' });
  });
});

describe('not delivered within the timeout: the next channel is tried', () => {
  it('+15005550003 (never delivered) times out after timeoutSeconds and SMS delivers', async () => {
    const { sim, api } = await hubSim();
    const id = await send(api, {
      ...DOC_TEMPLATE,
      to: '+15005550003',
      fallback: { channels: ['sms'], timeoutSeconds: 30, recipients: { sms: '+14155552671' } },
    });
    await sim.advance(29_999);
    expect((await getMessage(api, id)).attempts).toHaveLength(1);
    await sim.advance(1);
    const message = await getMessage(api, id);
    expect(message.attempts).toMatchObject([
      {
        channel: 'whatsapp',
        status: 'failed',
        sentAt: at(1_000),
        failedAt: at(30_000),
        error: { code: 'FALLBACK_TIMEOUT', message: expect.stringContaining('30 s') },
      },
      { channel: 'sms', to: '+14155552671', status: 'sent', createdAt: at(30_000) },
    ]);
    await sim.advance(3_000);
    expect(await getMessage(api, id)).toMatchObject({ status: 'delivered', channel: 'sms', deliveredAt: at(33_000) });
    const sms = (await outbox(sim)).find((m) => m.channel === 'sms')!;
    expect(sms.data.text).toBe('Hi Rajesh, your order #1234 is confirmed and will be delivered on 2026-02-15.');
  });

  it('the default timeout is 60 s', async () => {
    const { sim, api } = await hubSim();
    const id = await send(api, { ...DOC_SEND, to: '+15005550003', fallback: { channels: ['viber'], recipients: { viber: '+380501234567' } } });
    expect((await getMessage(api, id)).fallback).toEqual({ channels: ['viber'], timeoutSeconds: 60, recipients: { viber: '+380501234567' } });
    await sim.advance(59_999);
    expect(await getMessage(api, id)).toMatchObject({ channel: 'whatsapp' });
    await sim.advance(1);
    expect(await getMessage(api, id)).toMatchObject({ channel: 'viber', status: 'sent' });
  });

  it('a primary delivered in time cancels the timeout (+15005550007 delivers after 61 s, timeout 90 s)', async () => {
    const { sim, api } = await hubSim();
    const id = await send(api, { ...DOC_SEND, to: '+15005550007', fallback: { channels: ['sms'], timeoutSeconds: 90 } });
    await sim.advance(61_000);
    expect(await getMessage(api, id)).toMatchObject({ status: 'delivered', channel: 'whatsapp', deliveredAt: at(61_000) });
    await sim.advance(600_000);
    const message = await getMessage(api, id);
    expect(message.attempts).toHaveLength(1);
    expect(message.status).toBe('delivered');
  });

  it('the last channel has no timeout: it runs its course', async () => {
    const { sim, api } = await hubSim();
    const id = await send(api, { ...DOC_SEND, to: '+15005550003', fallback: { channels: ['sms'], timeoutSeconds: 10 } });
    await sim.advance(3_600_000);
    const message = await getMessage(api, id);
    expect(message).toMatchObject({ status: 'sent', channel: 'sms' });
    expect(message.attempts.map((a: any) => a.status)).toEqual(['failed', 'sent']);
  });

  it('a reset drops pending fallback timers', async () => {
    const { sim, api } = await hubSim();
    await send(api, { ...DOC_SEND, to: '+15005550003', fallback: { channels: ['sms'], timeoutSeconds: 10 } });
    expect((await sim.http.post('/_sim/reset').send({ provider: 'messagehub' })).status).toBe(200);
    await sim.advance(60_000);
    expect(await outbox(sim)).toHaveLength(0);
    expect(sim.clock.state().pendingEvents).toBe(0);
  });
});

describe('a restarted server (--data) re-arms fallback timeouts', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('the timeout stored with the message fires after the restart', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'msgsim-messagehub-'));
    const dataFile = path.join(dir, 'state.json');
    const first = await hubSim({ dataFile });
    const id = await send(first.api, {
      ...DOC_SEND,
      to: '+15005550003',
      fallback: { channels: ['sms'], timeoutSeconds: 30, recipients: { sms: '+14155552671' } },
    });
    await first.sim.advance(10_000);
    await first.sim.engine.close();

    // Simulated time goes on from where the file left it (T0 + 10 s); the stored timeout is T0 + 30 s.
    const second = await createTestSim({ dataFile });
    expect(second.engine.clock.now() - first.sim.engine.clock.now()).toBe(0);
    await second.advance(19_999);
    const api = second.client('messagehub', { Authorization: `Bearer ${KEY}` });
    expect(await getMessage(api, id)).toMatchObject({ status: 'sent', channel: 'whatsapp' });
    await second.advance(1);
    expect(await getMessage(api, id)).toMatchObject({ status: 'sent', channel: 'sms' });
    await second.advance(3_000);
    expect(await getMessage(api, id)).toMatchObject({ status: 'delivered', channel: 'sms' });
    await second.engine.close();
  });
});

describe('fallback is checked at send', () => {
  it.each([
    [{ channels: ['whatsapp', 'sms'] }, 400, 'INVALID_FALLBACK', 'fallback.channels'],
    [{ channels: ['kakao'] }, 400, 'INVALID_FALLBACK', 'fallback.channels'],
    [{ channels: ['sms'], recipients: { viber: '+380501234567' } }, 400, 'INVALID_FALLBACK', 'fallback.recipients.viber'],
    [{ channels: ['telegram'] }, 400, 'INVALID_RECIPIENT', 'fallback.recipients.telegram'],
    [{ channels: ['line'], recipients: { line: 'Uxyz' } }, 400, 'INVALID_RECIPIENT', 'fallback.recipients.line'],
    [{ channels: ['sms', 'sms'] }, 400, 'VALIDATION_ERROR', 'fallback.channels'],
    [{ channels: [] }, 400, 'VALIDATION_ERROR', 'fallback.channels'],
    [{ channels: ['sms'], timeoutSeconds: 0 }, 400, 'VALIDATION_ERROR', 'fallback.timeoutSeconds'],
    [{ channels: ['sms'], retries: 3 }, 400, 'VALIDATION_ERROR', 'fallback.retries'],
  ])('%j → %i %s', async (fallback, status, code, field) => {
    const { sim, api } = await hubSim();
    const res = await api.post('/messages/send', { ...DOC_SEND, fallback });
    expectError(res, status, code, field);
    expect(await outbox(sim)).toHaveLength(0);
  });

  it('a missing platform id says where to give one', async () => {
    const { api } = await hubSim();
    const res = await api.post('/messages/send', { ...DOC_SEND, fallback: { channels: ['telegram'] } });
    expect(res.body.error.message).toMatch(/give one in fallback\.recipients\.telegram/);
    expect(res.body.error.details.value).toBe(DOC_SEND.to);
  });
});
