/**
 * callbackUrl: every recipient's status change is POSTed to the message's callbackUrl, signed with
 * Standard Webhooks headers, retried on the clock, logged at /_sim/webhooks/deliveries.
 */
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyStandardWebhook } from '../../../src/engine/webhook-signing.js';
import { DOC_SEND, T0, TOKEN, at, atMs, deliveries, expectCallbackMatchesSpec, msgineSim, tenantSecret } from './helpers.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver.js';

let receiver: WebhookReceiver;
beforeEach(async () => {
  receiver = await startWebhookReceiver('/webhooks/msgine');
});
afterEach(async () => {
  await receiver.close();
});

/** Standard Webhooks v1, computed here from its spec rather than with the engine's own verifier. */
function expectedSignature(secret: string, id: string, timestamp: string, raw: string): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${raw}`).digest('base64')}`;
}

describe('callbacks', () => {
  it('pending → sent → delivered: one signed POST per change, with the spec payload', async () => {
    const { sim, api } = await msgineSim();
    const sent = await api.post('/messages/sms', { ...DOC_SEND, callbackUrl: receiver.url });
    await sim.advance(0);
    expect(receiver.received).toHaveLength(0);

    await sim.advance(1_000);
    await sim.advance(2_000);
    expect(receiver.received.map((r) => r.body)).toEqual([
      {
        event: 'message.status',
        id: sent.body.id,
        to: '+256701234567',
        status: 'sent',
        previousStatus: 'pending',
        messageStatus: 'sent',
        timestamp: at(1_000),
      },
      {
        event: 'message.status',
        id: sent.body.id,
        to: '+256701234567',
        status: 'delivered',
        previousStatus: 'sent',
        messageStatus: 'delivered',
        timestamp: at(3_000),
      },
    ]);

    const secret = await tenantSecret(sim, TOKEN);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const ids = new Set<string>();
    for (const [i, hook] of receiver.received.entries()) {
      await expectCallbackMatchesSpec(hook.body);
      const id = String(hook.headers['webhook-id']);
      const timestamp = String(hook.headers['webhook-timestamp']);
      expect(id).toMatch(/^evt_[A-Za-z0-9]+$/);
      expect(Number(timestamp)).toBe(Math.floor((T0 + [1_000, 3_000][i]!) / 1000));
      expect(hook.headers['webhook-signature']).toBe(expectedSignature(secret, id, timestamp, hook.text));
      expect(verifyStandardWebhook(secret, hook.headers as Record<string, string>, hook.text)).toBe(true);
      expect(hook.headers['content-type']).toBe('application/json');
      ids.add(id);
    }
    expect(ids.size).toBe(2);

    const log = await deliveries(sim, { subject: sent.body.id });
    expect(log).toHaveLength(2);
    expect(log.every((d) => d.status === 'succeeded' && d.url === receiver.url && d.tenant === TOKEN && d.eventType === 'message.status')).toBe(true);
  });

  it('a list gets one POST per recipient per change, and messageStatus follows the whole message', async () => {
    const { sim, api } = await msgineSim();
    const sent = await api.post('/messages/sms', { to: ['+256701234567', '+15005550002'], message: 'x', callbackUrl: receiver.url });
    await sim.advance(3_000);
    const seen = receiver.received.map((r) => [r.body.to, r.body.previousStatus, r.body.status, r.body.messageStatus]);
    expect(seen).toEqual([
      ['+256701234567', 'pending', 'sent', 'pending'], // the second recipient is still pending
      ['+15005550002', 'pending', 'sent', 'sent'],
      ['+256701234567', 'sent', 'delivered', 'sent'],
      ['+15005550002', 'sent', 'failed', 'sent'], // mixed outcome
    ]);
    expect(receiver.received.every((r) => r.body.id === sent.body.id)).toBe(true);
    const failed = receiver.received[3]!.body;
    expect(failed).toMatchObject({ timestamp: at(3_000), error: { code: 'carrier_rejected', message: expect.any(String) } });
    for (const hook of receiver.received) await expectCallbackMatchesSpec(hook.body);
  });

  it('delivered → read sends nothing (SMS has no read status)', async () => {
    const { sim, api } = await msgineSim();
    await api.post('/messages/sms', { to: '+15005550004', message: 'x', callbackUrl: receiver.url });
    await sim.advance(60_000);
    expect(receiver.received.map((r) => r.body.status)).toEqual(['sent', 'delivered']);
  });

  it('forced transitions are called back step by step', async () => {
    const { sim, api } = await msgineSim();
    const sent = await api.post('/messages/sms', { ...DOC_SEND, callbackUrl: receiver.url });
    expect((await sim.http.post(`/_sim/messages/msgine/${sent.body.id}-1/status`).send({ status: 'delivered' })).status).toBe(200);
    await sim.advance(0);
    expect(receiver.received.map((r) => `${r.body.previousStatus}→${r.body.status}`)).toEqual(['pending→sent', 'sent→delivered']);
  });

  it('no callbackUrl, no callbacks', async () => {
    const { sim, api } = await msgineSim();
    await api.post('/messages/sms', DOC_SEND);
    await sim.advance(10_000);
    expect(await deliveries(sim)).toEqual([]);
  });

  it('a failing receiver is retried on the clock with the same event id, and every attempt is logged', async () => {
    const { sim, api } = await msgineSim();
    receiver.respondWith(500);
    const sent = await api.post('/messages/sms', { ...DOC_SEND, callbackUrl: receiver.url });
    await sim.advance(1_000); // sent → first attempt fails
    expect(receiver.received).toHaveLength(1);
    let [delivery] = await deliveries(sim, { subject: sent.body.id });
    expect(delivery).toMatchObject({ status: 'retrying', nextAttemptAt: atMs(6_000) });
    expect(delivery!.attempts).toHaveLength(1);
    expect(delivery!.attempts[0]).toMatchObject({ attempt: 1, at: atMs(1_000), outcome: 'failure', response: { status: 500 } });

    await sim.advance(1_999); // t = 2999: not yet
    expect(receiver.received).toHaveLength(1);
    receiver.respondWith(200);
    await sim.advance(3_001); // t = 6 s: the retry (and, at 3 s, the delivered callback)
    const sentAttempts = receiver.received.filter((r) => r.body.status === 'sent');
    expect(sentAttempts).toHaveLength(2);
    expect(sentAttempts[1]!.headers['webhook-id']).toBe(sentAttempts[0]!.headers['webhook-id']);
    expect(sentAttempts[1]!.text).toBe(sentAttempts[0]!.text);
    // Signed afresh: the timestamp is the retry's.
    expect(sentAttempts[1]!.headers['webhook-timestamp']).toBe(String(Math.floor((T0 + 6_000) / 1000)));
    const secret = await tenantSecret(sim, TOKEN);
    expect(verifyStandardWebhook(secret, sentAttempts[1]!.headers as Record<string, string>, sentAttempts[1]!.text)).toBe(true);

    [delivery] = (await deliveries(sim, { subject: sent.body.id })).filter((d) => d.payload.status === 'sent');
    expect(delivery).toMatchObject({ status: 'succeeded', nextAttemptAt: null });
    expect(delivery!.attempts.map((a: { outcome: string; at: string }) => [a.outcome, a.at])).toEqual([
      ['failure', atMs(1_000)],
      ['success', atMs(6_000)],
    ]);
  });

  it('gives up after six attempts (0, 5 s, 5 min, 30 min, 2 h, 5 h)', async () => {
    const { sim, api } = await msgineSim();
    receiver.respondWith(503);
    const sent = await api.post('/messages/sms', { to: '+15005550003', message: 'x', callbackUrl: receiver.url });
    await sim.advance(1_000);
    for (const delay of [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000]) await sim.advance(delay);
    await sim.advance(86_400_000);
    expect(receiver.received).toHaveLength(6);
    const [delivery] = await deliveries(sim, { subject: sent.body.id });
    expect(delivery).toMatchObject({ status: 'failed', nextAttemptAt: null });
    expect(delivery!.attempts).toHaveLength(6);
  });

  it('410 Gone stops every further callback of that message', async () => {
    const { sim, api } = await msgineSim();
    receiver.respondWith(410);
    const sent = await api.post('/messages/sms', { ...DOC_SEND, callbackUrl: receiver.url });
    await sim.advance(1_000);
    receiver.respondWith(200);
    await sim.advance(60_000);
    expect(receiver.received.map((r) => r.body.status)).toEqual(['sent']);
    const log = await deliveries(sim, { subject: sent.body.id });
    expect(log.map((d) => d.status)).toEqual(['disabled']);
    // Other messages to the same URL still get theirs.
    await api.post('/messages/sms', { ...DOC_SEND, callbackUrl: receiver.url });
    await sim.advance(1_000);
    expect(receiver.received.map((r) => r.body.status)).toEqual(['sent', 'sent']);
  });
});

describe('the signing secret (/_sim tenant settings)', () => {
  it('is one whsec_ secret per token, stable, and can be set by QA', async () => {
    const { sim, api } = await msgineSim();
    const mine = await tenantSecret(sim, TOKEN);
    expect(await tenantSecret(sim, TOKEN)).toBe(mine);
    expect(await tenantSecret(sim, 'another_token_0002')).not.toBe(mine);

    const custom = `whsec_${Buffer.from('my-app-configured-secret-bytes!!').toString('base64')}`;
    const set = await sim.http.patch(`/_sim/providers/msgine/tenants/${TOKEN}/settings`).send({ webhookSecret: custom });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ webhookSecret: custom });
    await api.post('/messages/sms', { ...DOC_SEND, callbackUrl: receiver.url });
    await sim.advance(1_000);
    const [hook] = receiver.received;
    expect(verifyStandardWebhook(custom, hook!.headers as Record<string, string>, hook!.text)).toBe(true);
    expect(verifyStandardWebhook(mine, hook!.headers as Record<string, string>, hook!.text)).toBe(false);
  });

  it.each([{ webhookSecret: 'plain' }, { webhookSecret: 42 }, {}, { webhookSecret: 'whsec_c2VjcmV0c2VjcmV0c2VjcmV0', other: true }])(
    'refuses %j with 400',
    async (patch) => {
      const { sim } = await msgineSim();
      const res = await sim.http.patch(`/_sim/providers/msgine/tenants/${TOKEN}/settings`).send(patch);
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe('webhookSecret');
    },
  );
});
