/**
 * Gives every registered provider of a test sim some of everything a state snapshot holds, from its client
 * profile: a webhook subscription where it has them, and a send (with its callback URL where it takes one
 * with the send, and an Idempotency-Key where it honours one) that is mid-lifecycle when the state is
 * taken. Then what is particular to some providers: contacts, groups, templates, campaigns (running and
 * scheduled), scheduled sends and fallback chains (jobs), monthly and daily quota counters, webhook
 * deliveries waiting to be retried, a registered key and a fault rule that has fired.
 */
import { expect } from 'vitest';
import { present, type AuthParts } from '../../src/providers/client-profile.js';
import { PROVIDERS, providerNamed } from '../../src/providers/index.js';
import { requestWith } from '../../src/providers/provider.js';
import type { ApiResponse, TestSim } from './harness.js';
import { apiOf, type Api } from './profile-api.js';

/** The account every provider's data is made in, as each provider's profile spells a tenant of that id. */
const STATE_ACCOUNT = 'state0001';
const MAIN_INSTANCE = '5f0c8a1e-2b7d-4c3a-9e61-0d4b8f2a7c11';

/** How the state account of a provider authenticates. */
export function stateAuth(provider: string): AuthParts {
  const { profile } = providerNamed(provider);
  return profile.auth(profile.tenant(STATE_ACCOUNT));
}

/** The state account's tenant as the provider names it (a key, a token, SendHub's `username:api_key`). */
export function stateTenant(sim: TestSim, provider: string): string {
  return providerNamed(provider).authenticate(requestWith(stateAuth(provider)), sim.engine).id;
}

const ok = (res: ApiResponse, status = 201) => expect(res.status, res.text).toBe(status);

/**
 * What is particular to some providers, by provider; each one's schedules jobs (a campaign's next batch, a
 * fallback timeout, a scheduled send and campaign, a bulk job).
 */
const PARTICULAR: Readonly<Partial<Record<string, (api: Api, hookUrl: string) => Promise<void>>>> = {
  async msghub(api) {
    ok(await api.post('/contacts', { name: 'Ada Lovelace', phone: '+14155550123' }));
    // 25 recipients, 10 a simulated second: its next batch is a job when the state is taken.
    const recipients = Array.from({ length: 25 }, (_, i) => `+1415555${String(1000 + i)}`);
    ok(await api.post('/campaigns', { name: 'Spring', channel: 'sms', body: 'Hi', recipients, start: true }));
  },
  async messagehub(api) {
    const fallback = { channels: ['telegram', 'sms'], timeoutSeconds: 60, recipients: { telegram: '123456789' } };
    ok(await api.post('/messages/send', { to: '+15005550003', channel: 'whatsapp', content: 'Hi', fallback }));
  },
  async msgflash(api, hookUrl) {
    // Deliveries of message.sent, waiting for their retry when the state is taken (message.delivered comes later).
    ok(await api.post('/webhooks', { url: hookUrl, events: ['message.sent'] }));
    const contact = await api.post('/contacts', { phone: '+14155550126', name: 'Grace Hopper' });
    ok(contact);
    const group = await api.post('/contacts/groups', { name: 'VIP' });
    ok(group);
    ok(await api.post(`/contacts/groups/${group.body.data.id}/members`, { contactIds: [contact.body.data.id] }), 200);
    ok(await api.post('/contacts/bulk-delete', { contactIds: ['00000000-0000-4000-8000-000000000000'] }), 202);
    ok(await api.post('/templates', { name: 'welcome', content: 'Hi {{name}}' }));
    ok(await api.post('/messages/schedule', { instanceId: MAIN_INSTANCE, to: '+14155550128', text: 'Later', scheduledAt: '2024-04-09T00:00:00.000Z' }));
    ok(
      await api.post('/campaigns', {
        name: 'Later',
        instanceId: MAIN_INSTANCE,
        text: 'Hi',
        recipients: ['+14155550129'],
        scheduledAt: '2024-04-09T00:00:00.000Z',
      }),
    );
  },
};

/** The providers whose state holds jobs once populated. */
export const PROVIDERS_WITH_JOBS: readonly string[] = Object.keys(PARTICULAR);

/** `hookUrl` answers 500, so deliveries wait on the clock for their retry. Leaves the clock 1.5 s further on. */
export async function populateEveryProvider(sim: TestSim, hookUrl: string): Promise<void> {
  for (const [index, { name, profile }] of PROVIDERS.entries()) {
    const api = apiOf(sim, { name }, stateAuth(name));
    const webhooks = present(profile.webhooks);
    if (webhooks?.via === 'subscription') {
      const { path, body } = webhooks.subscribe(hookUrl);
      ok(await api.post(path, body));
    }
    const idempotency = present(profile.idempotency);
    const send = { ...profile.send.body(`+1415555${String(2000 + index)}`, 'Hello'), ...(webhooks?.via === 'send' ? { [webhooks.field]: hookUrl } : {}) };
    ok(await api.post(profile.send.path, send, { headers: idempotency ? { [idempotency.header]: `state-key-${name}` } : {} }));
    await PARTICULAR[name]?.(api, hookUrl);
  }

  ok(await sim.http.post('/_sim/keys').send({ provider: 'msghub', key: 'mk_live_registered1', label: 'QA', properties: { note: 'x' } }));
  ok(await sim.http.post('/_sim/faults').send({ provider: 'msghub', method: 'GET', path: '/contacts', count: 2, action: { status: 503 } }));
  expect((await apiOf(sim, { name: 'msghub' }, stateAuth('msghub')).get('/contacts')).status).toBe(503);
  // Halfway through: some messages sent, none delivered, the first deliveries refused and waiting for their retry.
  await sim.advance(1_500);
}
