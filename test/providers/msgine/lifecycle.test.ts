/** pending → sent → delivered / failed on the manual clock, magic recipients, and a message's status from its recipients'. */
import { describe, expect, it } from 'vitest';
import type { ProviderClient } from '../../support/harness.js';
import { DOC_SEND, TOKEN, at, expectError, msgineSim, outbox, outboxCount } from './helpers.js';

const get = async (api: ProviderClient, id: string) => (await api.get(`/messages/${id}`)).body;

describe('lifecycle on the manual clock', () => {
  it('pending → sent after 1 s → delivered 2 s later, with timestamps per recipient', async () => {
    const { sim, api } = await msgineSim();
    const { id } = (await api.post('/messages/sms', DOC_SEND)).body;

    expect(await get(api, id)).toMatchObject({ status: 'pending', updatedAt: at(0), recipients: [{ status: 'pending' }] });
    await sim.advance(999);
    expect((await get(api, id)).status).toBe('pending');

    await sim.advance(1);
    const sent = await get(api, id);
    expect(sent).toMatchObject({ status: 'sent', createdAt: at(0), updatedAt: at(1_000), recipients: [{ status: 'sent', sentAt: at(1_000) }] });
    expect(sent.recipients[0].deliveredAt).toBeUndefined();

    await sim.advance(1_999);
    expect((await get(api, id)).status).toBe('sent');
    await sim.advance(1);
    const delivered = await get(api, id);
    expect(delivered).toMatchObject({
      status: 'delivered',
      updatedAt: at(3_000),
      recipients: [{ status: 'delivered', sentAt: at(1_000), deliveredAt: at(3_000) }],
    });
    expect(delivered.recipients[0].error).toBeUndefined();

    await sim.advance(3_600_000);
    expect((await get(api, id)).status).toBe('delivered');
  });

  it('/_sim can force one recipient, and the message follows', async () => {
    const { sim, api } = await msgineSim();
    const { id } = (await api.post('/messages/sms', { to: ['+256701234567', '+254712345678'], message: 'x' })).body;
    const forced = await sim.http.post(`/_sim/messages/msgine/${id}-2/status`).send({ status: 'failed', reason: 'Handset off' });
    expect(forced.status).toBe(200);
    const got = await get(api, id);
    expect(got.status).toBe('pending'); // the first recipient is still queued
    expect(got.recipients[1]).toMatchObject({ to: '+254712345678', status: 'failed', failedAt: at(0), error: { code: 'failed', message: 'Handset off' } });
    await sim.advance(3_000);
    // One delivered, one failed: mixed outcomes read as sent; each recipient says what happened.
    const settled = await get(api, id);
    expect(settled.status).toBe('sent');
    expect(settled.recipients.map((r: { status: string }) => r.status)).toEqual(['delivered', 'failed']);
  });

  it('a forced undelivered reads as undelivered', async () => {
    const { sim, api } = await msgineSim();
    const { id } = (await api.post('/messages/sms', DOC_SEND)).body;
    await sim.advance(1_000);
    expect((await sim.http.post(`/_sim/messages/msgine/${id}-1/status`).send({ status: 'undelivered' })).status).toBe(200);
    expect(await get(api, id)).toMatchObject({ status: 'undelivered', recipients: [{ status: 'undelivered', undeliveredAt: at(1_000) }] });
  });
});

describe('a message status from its recipients', () => {
  it.each([
    { what: 'all delivered', to: ['+256701234567', '+254712345678'], status: 'delivered' },
    { what: 'every recipient failed', to: ['+15005550002'], status: 'failed' },
    { what: 'delivered and read (SMS has no read: delivered)', to: ['+256701234567', '+15005550004'], status: 'delivered' },
    { what: 'delivered and failed', to: ['+256701234567', '+15005550002'], status: 'sent' },
    { what: 'delivered and never delivered', to: ['+256701234567', '+15005550003'], status: 'sent' },
  ])('$what → $status once settled', async ({ to, status }) => {
    const { sim, api } = await msgineSim();
    const { id } = (await api.post('/messages/sms', { to, message: 'x' })).body;
    await sim.advance(120_000);
    expect((await get(api, id)).status).toBe(status);
  });

  it('stays pending while any recipient is pending', async () => {
    const { sim, api } = await msgineSim();
    const { id } = (await api.post('/messages/sms', { to: ['+256701234567', '+254712345678'], message: 'x' })).body;
    await sim.http.post(`/_sim/messages/msgine/${id}-1/status`).send({ status: 'delivered' });
    expect(await get(api, id)).toMatchObject({ status: 'pending', recipients: [{ status: 'delivered' }, { status: 'pending' }] });
  });
});

describe('magic recipients', () => {
  it('+15005550002 is sent, then failed with the reason', async () => {
    const { sim, api } = await msgineSim();
    const { id } = (await api.post('/messages/sms', { to: '+15005550002', message: 'x' })).body;
    await sim.advance(1_000);
    expect((await get(api, id)).status).toBe('sent');
    await sim.advance(2_000);
    const got = await get(api, id);
    expect(got).toMatchObject({
      status: 'failed',
      recipients: [{ status: 'failed', sentAt: at(1_000), failedAt: at(3_000), error: { code: 'carrier_rejected', message: expect.any(String) } }],
    });
    expect(got.recipients[0].deliveredAt).toBeUndefined();
  });

  it('+15005550003 is sent and stays sent', async () => {
    const { sim, api } = await msgineSim();
    const { id } = (await api.post('/messages/sms', { to: '+15005550003', message: 'x' })).body;
    await sim.advance(24 * 3_600_000);
    expect(await get(api, id)).toMatchObject({ status: 'sent', recipients: [{ status: 'sent', sentAt: at(1_000) }] });
  });

  it('+15005550004 is delivered (read is not an SMS status)', async () => {
    const { sim, api } = await msgineSim();
    const { id } = (await api.post('/messages/sms', { to: '+15005550004', message: 'x' })).body;
    await sim.advance(60_000);
    expect(await get(api, id)).toMatchObject({ status: 'delivered', recipients: [{ status: 'delivered', deliveredAt: at(3_000) }] });
    expect((await outbox(sim, TOKEN)).data[0]!.status).toBe('read');
  });

  it('+15005550007 is delivered only after 60 s', async () => {
    const { sim, api } = await msgineSim();
    const { id } = (await api.post('/messages/sms', { to: '+15005550007', message: 'x' })).body;
    await sim.advance(60_999);
    expect((await get(api, id)).status).toBe('sent');
    await sim.advance(1);
    expect(await get(api, id)).toMatchObject({ status: 'delivered', recipients: [{ deliveredAt: at(61_000) }] });
  });

  it('+15005550005 answers 429 rate_limit_exceeded with retryAfter and Retry-After; nothing is sent', async () => {
    const { sim, api } = await msgineSim();
    const res = await api.post('/messages/sms', { to: ['+256701234567', '+15005550005'], message: 'x' });
    expect(res.status).toBe(429);
    expect(res.body).toEqual({ error: { code: 'rate_limit_exceeded', message: 'Too many requests. Please try again later.', retryAfter: 30 } });
    expect(res.headers['retry-after']).toBe('30');
    expect(await outboxCount(sim)).toBe(0);
    // It is the number, not the token, that is limited.
    expect((await api.post('/messages/sms', DOC_SEND)).status).toBe(201);
  });

  it('+15005550006 answers 500 internal_error; nothing is sent', async () => {
    const { sim, api } = await msgineSim();
    expectError(await api.post('/messages/sms', { to: '+15005550006', message: 'x' }), 500, 'internal_error');
    expect(await outboxCount(sim)).toBe(0);
  });

  it('an invalid number wins over a 429 or 500 number in the same list', async () => {
    const { api } = await msgineSim();
    expectError(
      await api.post('/messages/sms', { to: ['+15005550006', '+15005550005', '+15005550001'], message: 'x' }),
      400,
      'invalid_phone_number',
      'to[2]',
      '+15005550001',
    );
  });
});
