/**
 * The clock stops at 9998-12-31T23:59:59.999Z (LATEST_TIME): a target past it is a 400 naming the field,
 * and at that instant every provider still answers by its spec, with four-digit years, however far ahead
 * it computes (365-day schedules, 24 h idempotency, webhook retries, quota windows).
 */
import { describe, expect, it } from 'vitest';
import { LATEST_TIME } from '../../src/engine/clock.js';
import { createTestSim, T0 } from '../support/harness.js';

const LATEST = '9998-12-31T23:59:59.999Z';
const DAY = 86_400_000;

describe('clock targets outside the sane range', () => {
  it('LATEST_TIME is the end of year 9998', () => {
    expect(new Date(LATEST_TIME).toISOString()).toBe(LATEST);
  });

  it.each([
    ['the largest Date', { to: '+275760-09-13T00:00:00.000Z' }, 'to'],
    ['year 10000', { to: '+010000-01-01T00:00:00.000Z' }, 'to'],
    ['one ms past the bound', { to: '9999-01-01T00:00:00.000Z' }, 'to'],
    ['the end of year 9999', { to: '9999-12-31T23:59:59.999Z' }, 'to'],
    ['1e308 ms', { by: 1e308 }, 'by'],
    ['8e15 ms', { by: 8e15 }, 'by'],
    ['"1e400ms"', { by: '1e400ms' }, 'by'],
    ['400 digits (Infinity as a number)', { by: '9'.repeat(400) }, 'by'],
    ['400 digits of ms', { by: `${'9'.repeat(400)}ms` }, 'by'],
    ['a negative duration', { by: -1 }, 'by'],
    ['"NaN"', { by: 'NaN' }, 'by'],
    ['"Infinity"', { by: 'Infinity' }, 'by'],
  ])('refuses %s with a 400 naming the field, and the clock stays put', async (_what, body, field) => {
    const sim = await createTestSim();
    const res = await sim.http.post('/_sim/clock/advance').send(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_request', field });
    expect(sim.clock.now()).toBe(T0);
    expect((await sim.http.get('/_sim/clock')).body.nowMs).toBe(T0);
  });

  it('refuses a JSON number too large for a double (1e400 parses as Infinity) with a 400 naming by', async () => {
    const sim = await createTestSim();
    const res = await sim.http.post('/_sim/clock/advance').set('Content-Type', 'application/json').send('{"by":1e400}');
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('by');
    expect(sim.clock.now()).toBe(T0);
  });

  it('advances by whole milliseconds', async () => {
    const sim = await createTestSim();
    const res = await sim.http.post('/_sim/clock/advance').send({ by: 1.6 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ nowMs: T0 + 2, advancedBy: 2 });
  });

  it('reaches the latest instant, goes no further, and every provider still answers by its spec there', async () => {
    const sim = await createTestSim();
    const atBound = await sim.http.post('/_sim/clock/advance').send({ to: LATEST });
    expect(atBound.status).toBe(200);
    expect(atBound.body).toMatchObject({ nowMs: LATEST_TIME, now: LATEST });
    const past = await sim.http.post('/_sim/clock/advance').send({ by: 1 });
    expect(past.status).toBe(400);
    expect(past.body.error.field).toBe('by');
    expect((await sim.http.post('/_sim/clock/advance').send({ by: 0 })).status).toBe(200);

    // Msghub: a webhook and the contact that fires it, an idempotent send and its replay (kept 24 h), the list.
    const msghub = sim.client('msghub', { 'X-API-Key': 'mk_live_latest01' });
    expect((await msghub.post('/webhooks', { event: 'contact.created', url: 'http://127.0.0.1:9/hook' })).status).toBe(201);
    expect((await msghub.post('/contacts', { name: 'Rahul', phone: '+919876543210' })).status).toBe(201);
    const body = { channel: 'sms', to: '+919876543210', body: 'Hello!' };
    const sent = await msghub.post('/messages/send', body, { headers: { 'Idempotency-Key': 'latest-1' } });
    expect(sent.status).toBe(201);
    // Msghub prints whole seconds.
    expect(sent.body.createdAt).toBe('9998-12-31T23:59:59Z');
    const replay = await msghub.post('/messages/send', body, { headers: { 'Idempotency-Key': 'latest-1' } });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect((await msghub.get('/messages')).status).toBe(200);
    // The webhook's first attempt is due now; its retries (up to 5 h later) are stamped in year 9999.
    await sim.advance(0);
    const deliveries = await sim.http.get('/_sim/webhooks/deliveries').query({ provider: 'msghub' });
    expect(deliveries.status).toBe(200);
    expect(deliveries.body.data).toHaveLength(1);
    expect(deliveries.body.data[0].nextAttemptAt).toMatch(/^9999-01-01T/);

    // MsgFlash: a send (monthly quota window ending in 9999), and a schedule 365 days ahead, its furthest.
    const msgflash = sim.client('msgflash', { 'x-api-key': 'msgf_live_latest01' });
    const message = { instanceId: '5f0c8a1e-2b7d-4c3a-9e61-0d4b8f2a7c11', to: '+919876543210', type: 'text', text: 'Hi' };
    expect((await msgflash.post('/messages/send', message)).status).toBe(201);
    const scheduled = await msgflash.post('/messages/schedule', { ...message, scheduledAt: new Date(LATEST_TIME + 365 * DAY).toISOString() });
    expect(scheduled.status).toBe(201);
    expect(scheduled.body.data.scheduledAt).toBe('9999-12-31T23:59:59.999Z');
    expect((await msgflash.get('/usage')).status).toBe(200);

    // The others: a send and a list each.
    expect((await sim.client('msgine', { Authorization: 'Bearer YOUR_API_TOKEN' }).post('/messages/sms', { to: '+256701234567', message: 'Hi' })).status).toBe(
      201,
    );
    expect((await sim.client('msgine', { Authorization: 'Bearer YOUR_API_TOKEN' }).get('/messages')).status).toBe(200);
    const messagehub = sim.client('messagehub', { Authorization: 'Bearer cpk_live_latest01' });
    const mh = await messagehub.post('/messages/send', { to: '+919876543210', channel: 'whatsapp', content: 'Hi' });
    expect(mh.status).toBe(201);
    expect(Number(mh.headers['x-ratelimit-reset'])).toBeGreaterThan(LATEST_TIME / 1000);
    const sendhub = { query: { username: 'latest', api_key: 'APIKEY01' } };
    expect((await sim.client('sendhub').post('/messages/', { contacts: ['+919876543210'], text: 'Hi' }, sendhub)).status).toBe(201);
    expect((await sim.client('sendhub').get('/messages/', undefined, sendhub)).status).toBe(200);

    expect((await sim.http.get('/_sim/messages')).status).toBe(200);
    expect((await sim.http.get('/_sim/health')).body.clock.now).toBe(LATEST);
  });
});
