/**
 * POST /webhooks/delivery (public): channel partners' delivery receipts move the message's current
 * attempt; bad or unknown receipts get a clear 4xx and change nothing.
 */
import { describe, expect, it } from 'vitest';
import type { TestSim } from '../../support/harness.js';
import { DOC_SEND, TELEGRAM_CHAT, at, expectError, getMessage, hubSim, receipt, send } from './helpers.js';

/** The message as the public webhook and GET see it, to prove a rejected receipt changed nothing. */
async function snapshot(sim: TestSim, api: Parameters<typeof getMessage>[0], id: string) {
  return { message: await getMessage(api, id), events: sim.clock.state().pendingEvents };
}

describe('receipts move the message', () => {
  it('delivered, then read, with the receipt time on the clock', async () => {
    const { sim, api } = await hubSim();
    const id = await send(api, DOC_SEND);
    await sim.advance(1_500);
    const delivered = await receipt(sim, { messageId: id, status: 'delivered', channel: 'whatsapp' });
    expect(delivered.status).toBe(200);
    expect(delivered.body.data).toMatchObject({ id, status: 'delivered', channel: 'whatsapp', deliveredAt: at(1_500) });
    const read = await receipt(sim, { messageId: id, status: 'read' });
    expect(read.body.data).toMatchObject({ status: 'read', readAt: at(1_500) });
    // The natural timers were cancelled: nothing moves afterwards.
    await sim.advance(60_000);
    expect(await getMessage(api, id)).toMatchObject({ status: 'read', deliveredAt: at(1_500) });
  });

  it('a queued attempt receipted delivered passes through sent, as a real one would', async () => {
    const { sim, api } = await hubSim();
    const id = await send(api, DOC_SEND);
    const res = await receipt(sim, { messageId: id, status: 'delivered' });
    expect(res.body.data.attempts[0]).toMatchObject({ status: 'delivered', sentAt: at(0), deliveredAt: at(0) });
  });

  it("a failed receipt records the partner's reason and starts the fallback chain", async () => {
    const { sim, api } = await hubSim();
    const id = await send(api, { ...DOC_SEND, fallback: { channels: ['telegram'], recipients: { telegram: TELEGRAM_CHAT } } });
    await sim.advance(1_000);
    const res = await receipt(sim, { messageId: id, status: 'failed', errorCode: 'USER_BLOCKED', errorMessage: 'The recipient blocked the business account' });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ status: 'sent', channel: 'telegram' });
    expect(res.body.data.attempts[0]).toMatchObject({
      channel: 'whatsapp',
      status: 'failed',
      error: { code: 'USER_BLOCKED', message: 'The recipient blocked the business account' },
    });
    await sim.advance(3_000);
    expect(await getMessage(api, id)).toMatchObject({ status: 'delivered', channel: 'telegram' });
  });

  it('a failed receipt without a fallback fails the message with a default reason', async () => {
    const { sim, api } = await hubSim();
    const id = await send(api, DOC_SEND);
    const res = await receipt(sim, { messageId: id, status: 'failed' });
    expect(res.body.data).toMatchObject({ status: 'failed', error: { code: 'CHANNEL_FAILED', message: 'The whatsapp partner reported a failure' } });
  });

  it('undelivered, then a late delivered receipt', async () => {
    const { sim, api } = await hubSim();
    const id = await send(api, { ...DOC_SEND, to: '+15005550003' });
    await sim.advance(1_000);
    expect((await receipt(sim, { messageId: id, status: 'undelivered' })).body.data.status).toBe('undelivered');
    expect((await receipt(sim, { messageId: id, status: 'delivered' })).body.data.status).toBe('delivered');
  });

  it('a repeated receipt is accepted and changes nothing (partners deliver at least once)', async () => {
    const { sim, api } = await hubSim();
    const id = await send(api, DOC_SEND);
    await sim.advance(3_000);
    const before = await getMessage(api, id);
    const res = await receipt(sim, { messageId: id, status: 'delivered' });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual(before);
  });

  it('receipts find the message whatever account sent it', async () => {
    const { sim, other } = await hubSim();
    const id = await send(other, DOC_SEND);
    expect((await receipt(sim, { messageId: id, status: 'delivered' })).body.data.status).toBe('delivered');
    expect((await getMessage(other, id)).status).toBe('delivered');
  });
});

describe('rejected receipts change nothing', () => {
  it('unknown message → 404 MESSAGE_NOT_FOUND', async () => {
    const { sim } = await hubSim();
    expectError(await receipt(sim, { messageId: 'msg_nope', status: 'delivered' }), 404, 'MESSAGE_NOT_FOUND', 'messageId', 'msg_nope');
  });

  it.each([
    [{ status: 'delivered' }, 'VALIDATION_ERROR', 'messageId'],
    [{ status: 'bounced' }, 'VALIDATION_ERROR', 'status'],
    [{ status: 'delivered', extra: 1 }, 'VALIDATION_ERROR', 'extra'],
    [{ status: 'delivered', errorCode: 'X' }, 'VALIDATION_ERROR', 'errorCode'],
    [{ status: 'read', errorMessage: 'why' }, 'VALIDATION_ERROR', 'errorMessage'],
    [{ status: 'delivered', channel: 'fax' }, 'VALIDATION_ERROR', 'channel'],
  ])('bad body %j → 400 %s naming %s', async (body, code, field) => {
    const { sim, api } = await hubSim();
    const id = await send(api, DOC_SEND);
    const before = await snapshot(sim, api, id);
    const payload = field === 'messageId' ? body : { messageId: id, ...body };
    expectError(await receipt(sim, payload), 400, code, field);
    expect(await snapshot(sim, api, id)).toEqual(before);
  });

  it('an impossible move → 409 INVALID_STATUS_TRANSITION', async () => {
    const { sim, api } = await hubSim();
    const id = await send(api, DOC_SEND);
    await sim.advance(3_000);
    const before = await snapshot(sim, api, id);
    const res = await receipt(sim, { messageId: id, status: 'sent' });
    expectError(res, 409, 'INVALID_STATUS_TRANSITION', 'status', 'sent');
    expect(res.body.error.message).toBe('A delivered message cannot become sent');
    expectError(await receipt(sim, { messageId: id, status: 'failed' }), 409, 'INVALID_STATUS_TRANSITION');
    expect(await snapshot(sim, api, id)).toEqual(before);
  });

  it('nothing follows failed: a receipt for a failed message is 409', async () => {
    const { sim, api } = await hubSim();
    const id = await send(api, { ...DOC_SEND, to: '+15005550002' });
    await sim.advance(3_000);
    expectError(await receipt(sim, { messageId: id, status: 'delivered' }), 409, 'INVALID_STATUS_TRANSITION');
    expect((await getMessage(api, id)).status).toBe('failed');
  });

  it("a receipt from another channel than the current attempt's → 409 RECEIPT_CHANNEL_MISMATCH", async () => {
    const { sim, api } = await hubSim();
    const id = await send(api, { ...DOC_SEND, to: '+15005550009', fallback: { channels: ['sms'] } });
    await sim.advance(3_000);
    const before = await snapshot(sim, api, id);
    const res = await receipt(sim, { messageId: id, status: 'delivered', channel: 'whatsapp' });
    expectError(res, 409, 'RECEIPT_CHANNEL_MISMATCH', 'channel', 'whatsapp');
    expect(res.body.error.message).toMatch(/being delivered on sms/);
    expect(await snapshot(sim, api, id)).toEqual(before);
    expect((await receipt(sim, { messageId: id, status: 'delivered', channel: 'sms' })).body.data).toMatchObject({ status: 'delivered', channel: 'sms' });
  });
});
