/**
 * The control plane is provider-agnostic: faults, the clock and forced transitions work the same on all
 * five providers, each answering in its own envelope (validated against its spec by the harness).
 */
import { describe, expect, it } from 'vitest';
import { createTestSim, type ApiResponse, type TestSim } from '../support/harness.js';

interface Case {
  provider: string;
  headers: Record<string, string>;
  query?: Record<string, string>;
  /** A send of the doc's shape; the recipient is where magic numbers go. */
  send: (to: string) => { path: string; body: unknown };
  /** A GET that any account may make. */
  list: string;
  /** The error code in the provider's envelope for a 503. */
  errorOf: (res: ApiResponse) => unknown;
}

const CASES: Case[] = [
  { provider: 'msghub', headers: { 'X-API-Key': 'mk_live_allprov01' }, send: (to) => ({ path: '/messages/send', body: { channel: 'sms', to, body: 'Hello!' } }), list: '/messages', errorOf: (r) => r.body.error.code },
  { provider: 'msgine', headers: { Authorization: 'Bearer YOUR_API_TOKEN' }, send: (to) => ({ path: '/messages/sms', body: { to, message: 'Hello from MsGine!' } }), list: '/messages', errorOf: (r) => r.body.error.code },
  { provider: 'messagehub', headers: { Authorization: 'Bearer cpk_live_your_api_key' }, send: (to) => ({ path: '/messages/send', body: { to, channel: 'whatsapp', content: 'Hello!' } }), list: '/messages/msg_none', errorOf: (r) => r.body.error.code },
  { provider: 'msgflash', headers: { 'x-api-key': 'msgf_live_allprov01' }, send: (to) => ({ path: '/messages/send', body: { instanceId: '5f0c8a1e-2b7d-4c3a-9e61-0d4b8f2a7c11', to, type: 'text', text: 'Hi' } }), list: '/messages', errorOf: (r) => r.body.error.code },
  { provider: 'sendhub', headers: {}, query: { username: 'allprov', api_key: 'APIKEY01' }, send: (to) => ({ path: '/messages/', body: { contacts: [to], text: 'Testing' } }), list: '/messages/', errorOf: (r) => r.body.error_message ?? r.body.error },
];

async function outbox(sim: TestSim, provider: string) {
  return (await sim.http.get('/_sim/messages').query({ provider })).body.data as Array<{ id: string; status: string; to: string }>;
}

describe.each(CASES)('$provider', (c) => {
  const options = c.query ? { query: c.query } : {};

  it('answers a per-request fault in its own envelope and stores nothing', async () => {
    const sim = await createTestSim();
    const api = sim.client(c.provider, c.headers);
    const { path, body } = c.send('+919876543210');
    const res = await api.post(path, body, { ...options, headers: { 'X-Msgsim-Fault': '503' } });
    expect(res.status).toBe(503);
    expect(c.errorOf(res)).toBeTruthy();
    expect(await outbox(sim, c.provider)).toHaveLength(0);
  });

  it('obeys a fault rule for its routes only', async () => {
    const sim = await createTestSim();
    await sim.http.post('/_sim/faults').send({ provider: c.provider, method: 'GET', count: 1, action: { status: 502 } });
    const api = sim.client(c.provider, c.headers);
    expect((await api.get(c.list, undefined, options)).status).toBe(502);
    expect((await api.get(c.list, undefined, options)).status).not.toBe(502);
  });

  it('moves its messages on the clock, and a forced failure walks the same path', async () => {
    const sim = await createTestSim();
    const api = sim.client(c.provider, c.headers);
    const { path, body } = c.send('+919876543210');
    expect((await api.post(path, body, options)).status).toBe(201);
    await sim.advance(3_000);
    const [delivered] = await outbox(sim, c.provider);
    expect(delivered).toMatchObject({ status: 'delivered', to: '+919876543210' });

    const second = c.send('+14155552671');
    expect((await api.post(second.path, second.body, options)).status).toBe(201);
    const [queued] = await outbox(sim, c.provider);
    const forced = await sim.http.post(`/_sim/messages/${c.provider}/${queued!.id}/status`).send({ status: 'failed', reason: 'Handset off' });
    expect(forced.status).toBe(200);
    expect(forced.body.history.map((h: { status: string }) => h.status)).toEqual(['queued', 'failed']);
    await sim.advance(60_000);
    expect((await outbox(sim, c.provider))[0]!.status).toBe('failed');
  });
});
