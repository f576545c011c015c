/**
 * PUT /_sim/state and the request journal: a restore is a reset of its scope followed by the document, so
 * the journal of that scope is emptied (it records what clients sent since, and is not state), the rest
 * keeps its entries, and a full restore starts journal ids again at req_1.
 */
import { describe, expect, it } from 'vitest';
import { createTestSim, type TestSim } from '../support/harness.js';

const MSGHUB = { 'X-API-Key': 'mk_live_statejrnl01' };
const MSGINE = { Authorization: 'Bearer statejrnl02' };

async function paths(sim: TestSim, provider?: string): Promise<string[]> {
  const res = await sim.http.get('/_sim/requests').query(provider ? { provider } : {});
  expect(res.status).toBe(200);
  return (res.body.data as Array<{ path: string }>).map((entry) => entry.path);
}

async function restore(sim: TestSim, document: string) {
  const res = await sim.http.put('/_sim/state').set('Content-Type', 'application/json').send(document);
  expect(res.status, res.text).toBe(200);
}

describe('a state restore and the request journal', () => {
  it('a provider restore empties that provider’s journal only', async () => {
    const sim = await createTestSim();
    expect((await sim.client('msghub', MSGHUB).get('/messages/msg_before')).status).toBe(404);
    expect((await sim.client('msgine', MSGINE).get('/messages/msg_before')).status).toBe(404);
    const saved = await sim.http.get('/_sim/state').query({ provider: 'msghub' });
    expect(saved.status).toBe(200);
    expect((await sim.client('msghub', MSGHUB).get('/messages/msg_after')).status).toBe(404);

    await restore(sim, saved.text);
    expect(await paths(sim, 'msghub')).toEqual([]);
    expect(await paths(sim, 'msgine')).toEqual(['/msgine/api/v1/messages/msg_before']);
  });

  it('a full restore empties the journal and starts its ids again at req_1', async () => {
    const sim = await createTestSim();
    const saved = await sim.http.get('/_sim/state');
    for (const id of ['msg_a', 'msg_b']) expect((await sim.client('msghub', MSGHUB).get(`/messages/${id}`)).status).toBe(404);
    expect(await paths(sim)).toHaveLength(2);

    await restore(sim, saved.text);
    expect(await paths(sim)).toEqual([]);
    expect((await sim.client('msghub', MSGHUB).get('/messages/msg_c')).status).toBe(404);
    const { data } = (await sim.http.get('/_sim/requests')).body as { data: Array<{ id: string; path: string }> };
    expect(data).toEqual([expect.objectContaining({ id: 'req_1', path: '/msghub/api/v1/messages/msg_c' })]);
  });
});
