/**
 * The control plane is provider-agnostic: faults, the clock and forced transitions work the same on every
 * registered provider, each answering in its own envelope (validated against its spec by the harness).
 */
import { describe, expect, it } from 'vitest';
import { messagePath, present } from '../../src/providers/client-profile.js';
import { PROVIDERS } from '../../src/providers/index.js';
import { createTestSim, type TestSim } from '../support/harness.js';

/** One case per registered provider, from its client profile. */
const CASES = PROVIDERS.map(({ name, profile }) => {
  const auth = profile.auth(profile.tenant('allprov01'));
  return {
    provider: name,
    headers: auth.headers,
    query: Object.keys(auth.query).length ? auth.query : undefined,
    /** A send of the doc's shape; the recipient is where magic numbers go. */
    send: (to: string) => ({ path: profile.send.path, body: profile.send.body(to, 'Hello!') }),
    /** A GET that any account may make. */
    list: present(profile.pagination)?.path ?? messagePath(profile.messageTemplate, 'msg_none'),
    errorOf: profile.errorOf,
  };
});

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
    expect(c.errorOf(res.body)).toBeTruthy();
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
