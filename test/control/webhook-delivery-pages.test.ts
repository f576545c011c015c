/** GET /_sim/webhooks/deliveries a page at a time (issue 19): every response is checked against openapi/control.yaml. */
import { describe, expect, it } from 'vitest';
import { standardWebhooksSigner } from '../../src/engine/webhook-signing.js';
import { createTestSim, type TestSim } from '../support/harness.js';

/** Deliveries to a host outside the default allowlist: each fails at once, unsent, with no network involved. */
function dispatch(sim: TestSim, count: number, tenant = 'mk_live_pages0001'): string[] {
  return Array.from(
    { length: count },
    (_, i) =>
      sim.engine.webhooks.dispatch({
        namespace: 'msghub',
        tenant,
        url: 'http://webhooks.example.com/hook',
        secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        eventId: `evt_${tenant}_${i}`,
        eventType: 'message.delivered',
        payload: { event: 'message.delivered', n: i },
        sign: standardWebhooksSigner,
      }).id,
  );
}

describe('GET /_sim/webhooks/deliveries pages with a cursor', () => {
  it('walks every delivery once, newest first, while more arrive, until nextCursor is null', async () => {
    const sim = await createTestSim();
    const ids = dispatch(sim, 25);
    await sim.engine.settle();
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await sim.http.get('/_sim/webhooks/deliveries').query({ limit: 10, ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(25 + pages * 3);
      seen.push(...res.body.data.map((d: { id: string }) => d.id));
      cursor = res.body.nextCursor ?? undefined;
      // New deliveries between pages sort before the cursor: they never shift what comes next.
      dispatch(sim, 3, `mk_live_later${pages++}`);
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
  });

  it('filters and pages together; total counts every match', async () => {
    const sim = await createTestSim();
    const mine = dispatch(sim, 7, 'mk_live_pagesmine');
    dispatch(sim, 5, 'mk_live_pagesother');
    await sim.engine.settle();
    const first = await sim.http.get('/_sim/webhooks/deliveries').query({ tenant: 'mk_live_pagesmine', limit: 4 });
    expect(first.body).toMatchObject({ total: 7, nextCursor: expect.any(String) });
    const second = await sim.http.get('/_sim/webhooks/deliveries').query({ tenant: 'mk_live_pagesmine', limit: 4, cursor: first.body.nextCursor });
    expect(second.body.nextCursor).toBeNull();
    expect([...first.body.data, ...second.body.data].map((d: { id: string }) => d.id)).toEqual([...mine].reverse());
  });

  it.each([['not-a-cursor'], ['djEuMC4xMDEuNjQwNGVjYjM'], ['']])('a bad cursor (%j) is a 400 naming cursor', async (cursor) => {
    const sim = await createTestSim();
    const res = await sim.http.get(`/_sim/webhooks/deliveries?cursor=${encodeURIComponent(cursor)}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_request', field: 'cursor' });
  });

  it('limit is 1 to 1000', async () => {
    const sim = await createTestSim();
    for (const limit of ['0', '1001', 'ten']) {
      const res = await sim.http.get('/_sim/webhooks/deliveries').query({ limit });
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe('limit');
    }
    expect((await sim.http.get('/_sim/webhooks/deliveries').query({ limit: 1000 })).status).toBe(200);
  });
});
