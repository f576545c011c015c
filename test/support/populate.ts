/**
 * Gives every provider of a test sim some of everything a state snapshot holds: messages at every step
 * of their lifecycle, contacts, groups, templates, campaigns (running and scheduled), scheduled sends and
 * fallback chains (jobs), an Idempotency-Key entry, monthly and daily quota counters, webhook deliveries
 * waiting to be retried, registered keys and a fault rule that has fired.
 */
import { expect } from 'vitest';
import type { TestSim } from './harness.js';

export const KEYS = {
  msghub: 'mk_live_state0001',
  msgine: 'msgine_state_token01',
  messagehub: 'cpk_live_state0001',
  msgflash: 'msgf_live_state0001',
  sendhub: { username: 'STATEUSER', api_key: 'STATEKEY1' },
} as const;

export const SENDHUB_TENANT = `${KEYS.sendhub.username}:${KEYS.sendhub.api_key}`;
const MAIN_INSTANCE = '5f0c8a1e-2b7d-4c3a-9e61-0d4b8f2a7c11';

/** `hookUrl` answers 500, so deliveries wait on the clock for their retry. Leaves the clock 1.5 s further on. */
export async function populateEveryProvider(sim: TestSim, hookUrl: string): Promise<void> {
  const ok = (res: { status: number; text: string }, status = 201) => expect(res.status, res.text).toBe(status);
  const msghub = sim.client('msghub', { 'X-API-Key': KEYS.msghub });
  ok(await msghub.post('/webhooks', { event: 'message.delivered', url: hookUrl }));
  ok(await msghub.post('/contacts', { name: 'Ada Lovelace', phone: '+14155550123' }));
  // 25 recipients, 10 a simulated second: its next batch is a job when the state is taken.
  const recipients = Array.from({ length: 25 }, (_, i) => `+1415555${String(1000 + i)}`);
  ok(await msghub.post('/campaigns', { name: 'Spring', channel: 'sms', body: 'Hi', recipients, start: true }));
  ok(await msghub.post('/messages/send', { channel: 'sms', to: '+919876543210', body: 'Hello' }, { headers: { 'Idempotency-Key': 'state-key-1' } }));

  const msgine = sim.client('msgine', { Authorization: `Bearer ${KEYS.msgine}` });
  ok(await msgine.post('/messages/sms', { to: '+256701234567', message: 'Hello from MsGine!', callbackUrl: hookUrl }));

  const messagehub = sim.client('messagehub', { Authorization: `Bearer ${KEYS.messagehub}` });
  const fallback = { channels: ['telegram', 'sms'], timeoutSeconds: 60, recipients: { telegram: '123456789' } };
  ok(await messagehub.post('/messages/send', { to: '+15005550003', channel: 'whatsapp', content: 'Hi', fallback }));

  const msgflash = sim.client('msgflash', { 'x-api-key': KEYS.msgflash });
  ok(await msgflash.post('/webhooks', { url: hookUrl, events: ['message.sent'] }));
  const contact = await msgflash.post('/contacts', { phone: '+14155550126', name: 'Grace Hopper' });
  ok(contact);
  const group = await msgflash.post('/contacts/groups', { name: 'VIP' });
  ok(group);
  ok(await msgflash.post(`/contacts/groups/${group.body.data.id}/members`, { contactIds: [contact.body.data.id] }), 200);
  ok(await msgflash.post('/contacts/bulk-delete', { contactIds: ['00000000-0000-4000-8000-000000000000'] }), 202);
  ok(await msgflash.post('/templates', { name: 'welcome', content: 'Hi {{name}}' }));
  ok(await msgflash.post('/messages/send', { instanceId: MAIN_INSTANCE, to: '+14155550127', text: 'Hi' }));
  ok(await msgflash.post('/messages/schedule', { instanceId: MAIN_INSTANCE, to: '+14155550128', text: 'Later', scheduledAt: '2024-04-09T00:00:00.000Z' }));
  ok(
    await msgflash.post('/campaigns', {
      name: 'Later',
      instanceId: MAIN_INSTANCE,
      text: 'Hi',
      recipients: ['+14155550129'],
      scheduledAt: '2024-04-09T00:00:00.000Z',
    }),
  );

  const sendhub = sim.client('sendhub');
  ok(await sendhub.post('/messages/', { contacts: [1111], text: 'Hi' }, { headers: {}, query: KEYS.sendhub }));

  ok(await sim.http.post('/_sim/keys').send({ provider: 'msghub', key: 'mk_live_registered1', label: 'QA', properties: { note: 'x' } }));
  ok(await sim.http.post('/_sim/faults').send({ provider: 'msghub', method: 'GET', path: '/contacts', count: 2, action: { status: 503 } }));
  expect((await msghub.get('/contacts')).status).toBe(503);
  // Halfway through: some messages sent, none delivered, the first deliveries refused and waiting for their retry.
  await sim.advance(1_500);
}
