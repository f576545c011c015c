import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/index.js';

describe('library mode: createSimulator', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('listens on a free port and exposes clock, outbox and reset', async () => {
    sim = await createSimulator({ clock: 'manual', port: 0, start: Date.parse('2024-04-08T10:30:00Z') });
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${sim.url}/msghub/api/v1/messages/send`, {
      method: 'POST',
      headers: { 'X-API-Key': 'mk_live_library1', 'Content-Type': 'application/json' },
      body: JSON.stringify({ channel: 'whatsapp', to: '+15005550004', body: 'Hello!' }),
    });
    expect(res.status).toBe(201);
    const { messageId } = (await res.json()) as { messageId: string };

    sim.clock.advance(8_000);
    const [message] = sim.messages('msghub');
    expect(message).toMatchObject({ id: messageId, status: 'read', tenant: 'mk_live_library1' });
    expect(sim.messages()).toHaveLength(1);

    sim.reset();
    expect(sim.messages()).toHaveLength(0);
  });

  it('serves one provider at the root', async () => {
    sim = await createSimulator({ clock: 'manual', port: 0, provider: 'msghub' });
    const res = await fetch(`${sim.url}/api/v1/contacts`, { headers: { 'X-API-Key': 'mk_live_library1' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: [], pagination: { page: 1, limit: 50, total: 0, pages: 0 } });
    const missing = await fetch(`${sim.url}/msghub/api/v1/contacts`, { headers: { 'X-API-Key': 'mk_live_library1' } });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('refuses an unknown provider', async () => {
    await expect(createSimulator({ port: 0, provider: 'nope' })).rejects.toThrow(/unknown provider nope/);
  });
});
