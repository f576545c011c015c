/** Message lifecycle on the manual clock, and the magic recipients of the README (src/engine/magic.ts). */
import { describe, expect, it } from 'vitest';
import { DOC_SEND, KEY, at, expectError, msghubSim, outboxCount } from './helpers.js';

describe('lifecycle on the manual clock', () => {
  it('queued → sent after 1 s → delivered 2 s later, with timestamps', async () => {
    const { sim, api } = await msghubSim();
    const { messageId } = (await api.post('/messages/send', DOC_SEND)).body;
    const get = async () => (await api.get(`/messages/${messageId}`)).body;

    expect(await get()).toMatchObject({ status: 'queued', createdAt: at(0), updatedAt: at(0) });
    expect((await get()).sentAt).toBeUndefined();

    await sim.advance(999);
    expect((await get()).status).toBe('queued');

    await sim.advance(1);
    const sent = await get();
    expect(sent).toMatchObject({ status: 'sent', sentAt: at(1_000), updatedAt: at(1_000) });
    expect(sent.deliveredAt).toBeUndefined();

    await sim.advance(1_999);
    expect((await get()).status).toBe('sent');

    await sim.advance(1);
    const delivered = await get();
    expect(delivered).toMatchObject({ status: 'delivered', sentAt: at(1_000), deliveredAt: at(3_000), updatedAt: at(3_000) });
    expect(delivered.readAt).toBeUndefined();
    expect(delivered.failedAt).toBeUndefined();
    expect(delivered.error).toBeUndefined();

    // An ordinary recipient is never read.
    await sim.advance(3_600_000);
    expect((await get()).status).toBe('delivered');
  });

  it('one big advance walks every step with exact timestamps', async () => {
    const { sim, api } = await msghubSim();
    const { messageId } = (await api.post('/messages/send', DOC_SEND)).body;
    await sim.advance(60_000);
    expect((await api.get(`/messages/${messageId}`)).body).toMatchObject({ status: 'delivered', sentAt: at(1_000), deliveredAt: at(3_000) });
  });

  it('/_sim can force a status, and GET reflects it with its timestamps', async () => {
    const { sim, api } = await msghubSim();
    const { messageId } = (await api.post('/messages/send', DOC_SEND)).body;
    await sim.advance(500);
    const forced = await sim.http.post(`/_sim/messages/msghub/${messageId}/status`).send({ status: 'read' });
    expect(forced.status).toBe(200);
    const got = (await api.get(`/messages/${messageId}`)).body;
    expect(got).toMatchObject({ status: 'read', sentAt: at(500), deliveredAt: at(500), readAt: at(500) });
    // The natural timers were cancelled: nothing moves afterwards.
    await sim.advance(10_000);
    expect((await api.get(`/messages/${messageId}`)).body.status).toBe('read');
  });
});

describe('magic recipients', () => {
  it('+15005550001 is rejected at send: 400 invalid_phone_number, nothing stored', async () => {
    const { sim, api } = await msghubSim();
    const res = await api.post('/messages/send', { channel: 'sms', to: '+15005550001', body: 'x' });
    expectError(res, 400, 'invalid_phone_number', 'to', '+15005550001');
    expect(await outboxCount(sim)).toBe(0);
  });

  it('+15005550002 is accepted, sent, then failed with an error', async () => {
    const { sim, api } = await msghubSim();
    const sent = await api.post('/messages/send', { channel: 'sms', to: '+15005550002', body: 'x' });
    expect(sent.status).toBe(201);
    await sim.advance(1_000);
    expect((await api.get(`/messages/${sent.body.messageId}`)).body.status).toBe('sent');
    await sim.advance(2_000);
    const got = (await api.get(`/messages/${sent.body.messageId}`)).body;
    expect(got).toMatchObject({ status: 'failed', sentAt: at(1_000), failedAt: at(3_000), error: { code: 'carrier_rejected', message: expect.any(String) } });
    expect(got.deliveredAt).toBeUndefined();
  });

  it('+15005550003 is sent and stays sent', async () => {
    const { sim, api } = await msghubSim();
    const sent = await api.post('/messages/send', { channel: 'sms', to: '+15005550003', body: 'x' });
    await sim.advance(24 * 3_600_000);
    const got = (await api.get(`/messages/${sent.body.messageId}`)).body;
    expect(got).toMatchObject({ status: 'sent', sentAt: at(1_000) });
    expect(got.deliveredAt).toBeUndefined();
  });

  it('+15005550004 is delivered, then read', async () => {
    const { sim, api } = await msghubSim();
    const sent = await api.post('/messages/send', { channel: 'whatsapp', to: '+15005550004', body: 'x' });
    await sim.advance(3_000);
    expect((await api.get(`/messages/${sent.body.messageId}`)).body.status).toBe('delivered');
    await sim.advance(60_000);
    const got = (await api.get(`/messages/${sent.body.messageId}`)).body;
    expect(got).toMatchObject({ status: 'read', sentAt: at(1_000), deliveredAt: at(3_000), readAt: expect.any(String) });
    expect(Date.parse(got.readAt)).toBeGreaterThan(Date.parse(got.deliveredAt));
  });

  it('+15005550005 answers 429 rate_limit_exceeded with Retry-After, nothing stored', async () => {
    const { sim, api } = await msghubSim();
    const res = await api.post('/messages/send', { channel: 'sms', to: '+15005550005', body: 'x' });
    expectError(res, 429, 'rate_limit_exceeded');
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(await outboxCount(sim)).toBe(0);
    // It is the magic number, not the account, that is limited.
    expect((await api.post('/messages/send', DOC_SEND)).status).toBe(201);
  });

  it('+15005550006 answers 500 internal_error in the Msghub envelope, nothing stored', async () => {
    const { sim, api } = await msghubSim();
    const res = await api.post('/messages/send', { channel: 'sms', to: '+15005550006', body: 'x' });
    expectError(res, 500, 'internal_error');
    expect(res.body.error.message).toBe('Internal server error');
    expect(await outboxCount(sim)).toBe(0);
  });

  it('+15005550007 is delivered only after 60 s', async () => {
    const { sim, api } = await msghubSim();
    const sent = await api.post('/messages/send', { channel: 'sms', to: '+15005550007', body: 'x' });
    await sim.advance(3_000);
    expect((await api.get(`/messages/${sent.body.messageId}`)).body.status).toBe('sent');
    await sim.advance(57_999);
    expect((await api.get(`/messages/${sent.body.messageId}`)).body.status).toBe('sent');
    await sim.advance(1);
    expect((await api.get(`/messages/${sent.body.messageId}`)).body).toMatchObject({ status: 'delivered', deliveredAt: at(61_000) });
  });

  describe('email variants on the email channel', () => {
    it('invalid@msgsim.test → 400 invalid_email at send', async () => {
      const { sim, api } = await msghubSim();
      expectError(
        await api.post('/messages/send', { channel: 'email', to: 'invalid@msgsim.test', body: 'x' }),
        400,
        'invalid_email',
        'to',
        'invalid@msgsim.test',
      );
      expect(await outboxCount(sim)).toBe(0);
    });

    it.each([
      { to: 'delivered@msgsim.test', status: 'delivered', stamp: 'deliveredAt' },
      { to: 'failed@msgsim.test', status: 'failed', stamp: 'failedAt' },
      { to: 'undelivered@msgsim.test', status: 'sent', stamp: 'sentAt' },
      { to: 'read@msgsim.test', status: 'read', stamp: 'readAt' },
      { to: 'FAILED@MSGSIM.TEST', status: 'failed', stamp: 'failedAt' },
    ])('$to ends $status', async ({ to, status, stamp }) => {
      const { sim, api } = await msghubSim();
      const sent = await api.post('/messages/send', { channel: 'email', to, body: 'x' });
      expect(sent.status).toBe(201);
      await sim.advance(120_000);
      const got = (await api.get(`/messages/${sent.body.messageId}`)).body;
      expect(got.status).toBe(status);
      expect(got[stamp]).toEqual(expect.any(String));
      if (status === 'failed') expect(got.error.code).toBe('carrier_rejected');
    });

    it('slow@msgsim.test is delivered after 60 s', async () => {
      const { sim, api } = await msghubSim();
      const sent = await api.post('/messages/send', { channel: 'email', to: 'slow@msgsim.test', body: 'x' });
      await sim.advance(60_999);
      expect((await api.get(`/messages/${sent.body.messageId}`)).body.status).toBe('sent');
      await sim.advance(1);
      expect((await api.get(`/messages/${sent.body.messageId}`)).body).toMatchObject({ status: 'delivered', deliveredAt: at(61_000) });
    });

    it('ratelimited@msgsim.test → 429 and error@msgsim.test → 500', async () => {
      const { sim, api } = await msghubSim();
      const limited = await api.post('/messages/send', { channel: 'email', to: 'ratelimited@msgsim.test', body: 'x' });
      expectError(limited, 429, 'rate_limit_exceeded');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expectError(await api.post('/messages/send', { channel: 'email', to: 'error@msgsim.test', body: 'x' }), 500, 'internal_error');
      expect(await outboxCount(sim, KEY)).toBe(0);
    });
  });
});
