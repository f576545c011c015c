/** Flows: the fixture flows, reading them, and triggers whose steps run at their delays on the clock. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../../src/paths.js';
import type { ProviderClient } from '../../support/harness.js';
import { at, expectError, msghubSim } from './helpers.js';

const FIXTURES = JSON.parse(readFileSync(fixturePath('msghub.json'), 'utf8')) as { flows: Array<Record<string, any>> };
const fixture = (id: string) => FIXTURES.flows.find((f) => f.flowId === id)!;

async function flowMessages(api: ProviderClient, to = '+919876543210') {
  const res = await api.get('/messages', undefined, { query: { to } });
  expect(res.status).toBe(200);
  return (res.body.data as Array<Record<string, any>>).reverse(); // oldest first
}

describe('GET /flows and /flows/{id}', () => {
  it('lists the three fixture flows', async () => {
    const { api } = await msghubSim();
    const res = await api.get('/flows');
    expect(res.status).toBe(200);
    expect(res.body.pagination).toEqual({ page: 1, limit: 50, total: 3, pages: 1 });
    const byId = Object.fromEntries(res.body.data.map((f: { flowId: string }) => [f.flowId, f]));
    expect(Object.keys(byId).sort()).toEqual(['flow_abandonedcart', 'flow_welcome', 'flow_winback']);
    expect(byId.flow_winback.status).toBe('inactive');
    expect(byId.flow_welcome.status).toBe('active');
  });

  it.each(['flow_welcome', 'flow_abandonedcart', 'flow_winback'])('GET /flows/%s returns the fixture', async (id) => {
    const { api } = await msghubSim();
    const res = await api.get(`/flows/${id}`);
    expect(res.status).toBe(200);
    const { flowId, name, description, status, trigger, steps } = fixture(id);
    expect(res.body).toEqual({ flowId, name, description, status, trigger, steps, createdAt: expect.any(String), updatedAt: expect.any(String) });
  });

  it('status filter', async () => {
    const { api } = await msghubSim();
    const inactive = await api.get('/flows', undefined, { query: { status: 'inactive' } });
    expect(inactive.body.data.map((f: { flowId: string }) => f.flowId)).toEqual(['flow_winback']);
    const active = await api.get('/flows', undefined, { query: { status: 'active' } });
    expect(active.body.data.map((f: { flowId: string }) => f.flowId).sort()).toEqual(['flow_abandonedcart', 'flow_welcome']);
    expectError(await api.get('/flows', undefined, { query: { status: 'paused' } }), 400, 'invalid_request', 'status', 'paused');
  });

  it('an unknown flow is 404 flow_not_found', async () => {
    const { api } = await msghubSim();
    expectError(await api.get('/flows/flow_nope'), 404, 'flow_not_found', 'flowId', 'flow_nope');
    expectError(await api.post('/flows/flow_nope/trigger', { to: '+919876543210' }), 404, 'flow_not_found', 'flowId', 'flow_nope');
  });
});

describe('POST /flows/{id}/trigger', () => {
  it('flow_welcome: 202, an SMS now, a WhatsApp 24 h later on the clock', async () => {
    const { sim, api } = await msghubSim();
    const res = await api.post('/flows/flow_welcome/trigger', { to: '+919876543210', variables: { name: 'Rahul' } });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      executionId: expect.stringMatching(/^exe_[A-Za-z0-9]+$/),
      flowId: 'flow_welcome',
      to: '+919876543210',
      status: 'running',
      startedAt: at(0),
    });

    let messages = await flowMessages(api);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ channel: 'sms', flowId: 'flow_welcome', body: 'Hi Rahul, welcome aboard!', createdAt: at(0), status: 'queued' });

    await sim.advance(86_400_000 - 1);
    messages = await flowMessages(api);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.status).toBe('delivered');

    await sim.advance(1);
    messages = await flowMessages(api);
    expect(messages).toHaveLength(2);
    expect(messages[1]).toMatchObject({
      channel: 'whatsapp',
      flowId: 'flow_welcome',
      body: 'Hi Rahul, how is it going so far? Reply to this message if you need help.',
      createdAt: at(86_400_000),
    });
    await sim.advance(3_000);
    expect((await flowMessages(api))[1]!.status).toBe('delivered');
    await sim.advance(7 * 86_400_000);
    expect(await flowMessages(api)).toHaveLength(2);
  });

  it('flow_abandonedcart: nothing at once, WhatsApp after 1 h, SMS a day after that', async () => {
    const { sim, api } = await msghubSim();
    expect((await api.post('/flows/flow_abandonedcart/trigger', { to: '+919876543210', variables: { name: 'Priya' } })).status).toBe(202);
    expect(await flowMessages(api)).toHaveLength(0);
    await sim.advance(3_600_000 - 1);
    expect(await flowMessages(api)).toHaveLength(0);
    await sim.advance(1);
    let messages = await flowMessages(api);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      channel: 'whatsapp',
      body: 'You left something in your cart, Priya.',
      createdAt: at(3_600_000),
      flowId: 'flow_abandonedcart',
    });
    await sim.advance(86_400_000);
    messages = await flowMessages(api);
    expect(messages).toHaveLength(2);
    expect(messages[1]).toMatchObject({ channel: 'sms', body: 'Last chance: your cart expires today.', createdAt: at(3_600_000 + 86_400_000) });
  });

  it('contactId fills {{name}} from the contact; explicit variables win', async () => {
    const { sim, api } = await msghubSim();
    const contact = (await api.post('/contacts', { name: 'Rahul', phone: '+919876543210' })).body;
    expect((await api.post('/flows/flow_welcome/trigger', { to: '+919876543210', contactId: contact.contactId })).status).toBe(202);
    expect((await api.post('/flows/flow_welcome/trigger', { to: '+919812345678', contactId: contact.contactId, variables: { name: 'Boss' } })).status).toBe(
      202,
    );
    await sim.advance(0);
    expect((await flowMessages(api))[0]!.body).toBe('Hi Rahul, welcome aboard!');
    expect((await flowMessages(api, '+919812345678'))[0]!.body).toBe('Hi Boss, welcome aboard!');
  });

  it('two triggers are two independent executions', async () => {
    const { sim, api } = await msghubSim();
    const a = await api.post('/flows/flow_welcome/trigger', { to: '+919876543210', variables: { name: 'A' } });
    await sim.advance(3_600_000);
    const b = await api.post('/flows/flow_welcome/trigger', { to: '+919876543210', variables: { name: 'B' } });
    expect(a.body.executionId).not.toBe(b.body.executionId);
    expect(b.body.startedAt).toBe(at(3_600_000));
    await sim.advance(86_400_000 - 3_600_000);
    expect((await flowMessages(api)).map((m) => m.body)).toEqual([
      'Hi A, welcome aboard!',
      'Hi B, welcome aboard!',
      'Hi A, how is it going so far? Reply to this message if you need help.',
    ]);
    await sim.advance(3_600_000);
    expect(await flowMessages(api)).toHaveLength(4);
  });

  it('an inactive flow (flow_winback) is 409 flow_inactive and sends nothing', async () => {
    const { sim, api } = await msghubSim();
    const res = await api.post('/flows/flow_winback/trigger', { to: '+919876543210', variables: { name: 'Rahul' } });
    expectError(res, 409, 'flow_inactive', 'flowId', 'flow_winback');
    await sim.advance(60_000);
    expect(await flowMessages(api)).toHaveLength(0);
  });

  it.each([
    {
      name: 'invalid phone',
      body: { to: '919876543210', variables: { name: 'R' } },
      status: 400,
      code: 'invalid_phone_number',
      field: 'to',
      value: '919876543210',
    },
    {
      name: 'email for an sms flow',
      body: { to: 'rahul@example.com', variables: { name: 'R' } },
      status: 400,
      code: 'invalid_phone_number',
      field: 'to',
      value: 'rahul@example.com',
    },
    { name: 'missing variable', body: { to: '+919876543210' }, status: 400, code: 'invalid_request', field: 'variables.name' },
    {
      name: 'unknown contact',
      body: { to: '+919876543210', contactId: 'ct_missing' },
      status: 404,
      code: 'contact_not_found',
      field: 'contactId',
      value: 'ct_missing',
    },
    { name: 'missing to', body: { variables: { name: 'R' } }, status: 400, code: 'invalid_request', field: 'to' },
    {
      name: 'unknown field',
      body: { to: '+919876543210', variables: { name: 'R' }, delay: 5 },
      status: 400,
      code: 'invalid_request',
      field: 'delay',
      value: 5,
    },
    { name: 'non-string variable', body: { to: '+919876543210', variables: { name: ['R'] } }, status: 400, code: 'invalid_request', field: 'variables.name' },
  ])('$name → $status $code', async ({ body, status, code, field, value }) => {
    const { sim, api } = await msghubSim();
    expectError(await api.post('/flows/flow_welcome/trigger', body), status, code, field, value);
    await sim.advance(2 * 86_400_000);
    const all = await api.get('/messages');
    expect(all.body.pagination.total).toBe(0);
  });
});
