/** Bugs found while writing openapi/control.yaml, each pinned. */
import { describe, expect, it } from 'vitest';
import { createTestSim, T0 } from '../support/harness.js';

describe('control API regressions', () => {
  it.each([
    [{ by: 1e16 }, 'by'],
    [{ to: '+275760-09-13T00:00:00.001Z' }, 'to'],
  ])('refuses a clock jump past the largest date (%j) and stays usable', async (body, field) => {
    const sim = await createTestSim();
    const res = await sim.http.post('/_sim/clock/advance').send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe(field);
    expect((await sim.http.get('/_sim/clock')).body.nowMs).toBe(T0);
    expect((await sim.http.get('/_sim/health')).status).toBe(200);
  });

  it.each([[5], [null], ['soon'], [[1]]])('refuses a delay that is not an object (%j)', async (delay) => {
    const sim = await createTestSim();
    const res = await sim.http.post('/_sim/faults').send({ action: { delay } });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('action.delay');
  });

  it.each([
    [{ cout: 3, action: { status: 500 } }, 'cout'],
    [{ action: { status: 500, statsu: 1 } }, 'action.statsu'],
  ])('refuses unknown fields in a fault rule (%j)', async (body, field) => {
    const sim = await createTestSim();
    const res = await sim.http.post('/_sim/faults').send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe(field);
    expect((await sim.http.get('/_sim/faults')).body.data).toHaveLength(0);
  });

  it('refuses unknown fields in a receiver config', async () => {
    const sim = await createTestSim();
    const res = await sim.http.put('/_sim/receivers/r1').send({ stauts: 500 });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('stauts');
  });

  it.each([
    [{ provider: '' }, 'provider'],
    [{ provider: 'msghub', tenant: '' }, 'tenant'],
  ])('refuses empty names on reset (%j) and keeps state', async (body, field) => {
    const sim = await createTestSim();
    await sim.client('msghub', { 'X-API-Key': 'mk_live_regress01' }).post('/messages/send', { channel: 'sms', to: '+919876543210', body: 'x' });
    const res = await sim.http.post('/_sim/reset').send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe(field);
    expect((await sim.http.get('/_sim/messages')).body.total).toBe(1);
  });

  it('refuses an unknown delivery status filter', async () => {
    const sim = await createTestSim();
    const res = await sim.http.get('/_sim/webhooks/deliveries').query({ status: 'lost' });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('status');
    expect((await sim.http.get('/_sim/webhooks/deliveries').query({ status: 'failed' })).status).toBe(200);
  });

  it('serves its own spec', async () => {
    const sim = await createTestSim();
    const res = await sim.http.get('/_sim/openapi/control.yaml');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/^openapi: 3\.0\.3/);
  });
});

describe('control API bodies', () => {
  it.each([['__proto__'], ['constructor'], ['prototype']])('refuses a %s key like the provider APIs do', async (key) => {
    const sim = await createTestSim();
    const res = await sim.http
      .post('/_sim/keys')
      .set('Content-Type', 'application/json')
      .send(`{"provider":"msghub","key":"mk_live_pollute1","properties":{"${key}":{"polluted":true}}}`);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe(`properties.${key}`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(
      (await sim.http.get('/_sim/keys').query({ provider: 'msghub' })).body.data.find((k: { key: string }) => k.key === 'mk_live_pollute1'),
    ).toBeUndefined();
  });
});

describe('control API media types', () => {
  it('a non-JSON body on a write is a 415 naming Content-Type, not a body read as empty', async () => {
    const sim = await createTestSim();
    await sim.client('msghub', { 'X-API-Key': 'mk_live_regress02' }).post('/messages/send', { channel: 'sms', to: '+919876543210', body: 'x' });
    // with the form body ignored, this used to reset everything
    const res = await sim.http.post('/_sim/reset').set('Content-Type', 'application/x-www-form-urlencoded').send('provider=msgine');
    expect(res.status).toBe(415);
    expect(res.body.error).toMatchObject({ code: 'unsupported_media_type', field: 'Content-Type' });
    expect((await sim.http.get('/_sim/messages')).body.total).toBe(1);
    // no body at all needs no Content-Type; a body on a GET is ignored
    expect((await sim.http.post('/_sim/keys/msghub/mk_live_regress03/revoke')).status).toBe(200);
    expect((await sim.http.get('/_sim/clock').set('Content-Type', 'text/plain').send('hello')).status).toBe(200);
  });
});
