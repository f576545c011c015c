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

  it('reads like the README: durations, base URLs, deliveries and receivers, typed', async () => {
    sim = await createSimulator({ clock: 'manual', port: 0, seed: 3 });
    expect(sim.baseUrl('msghub')).toBe(`${sim.url}/msghub/api/v1`);
    expect(() => sim!.baseUrl('nope')).toThrow(/no provider nope is mounted/);
    const hook = `${sim.url}/_sim/receivers/lib/hook`;
    const key = { 'X-API-Key': 'mk_live_library2', 'Content-Type': 'application/json' };
    const subscribed = await fetch(`${sim.baseUrl('msghub')}/webhooks`, {
      method: 'POST',
      headers: key,
      body: JSON.stringify({ event: 'message.delivered', url: hook }),
    });
    expect(subscribed.status).toBe(201);
    const sent = await fetch(`${sim.baseUrl('msghub')}/messages/send`, {
      method: 'POST',
      headers: key,
      body: JSON.stringify({ channel: 'sms', to: '+14155550123', body: 'Hi' }),
    });
    const { messageId } = (await sent.json()) as { messageId: string };
    sim.clock.advance('3s');
    expect(() => sim!.clock.advance('soon')).toThrow(/advance needs a non-negative duration/);
    await sim.settle();
    const [delivery] = sim.deliveries({ provider: 'msghub', subject: messageId });
    expect(delivery).toMatchObject({ eventType: 'message.delivered', status: 'succeeded' });
    expect(sim.deliveries({ provider: 'msgine' })).toEqual([]);
    expect(sim.receivers.names()).toEqual(['lib']);
    const [received] = sim.receivers.requests('lib');
    expect(JSON.parse(received!.body)).toMatchObject({ event: 'message.delivered', messageId });
    expect(received!.headers['x-msghub-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    sim.receivers.clear('lib');
    expect(sim.receivers.requests('lib')).toEqual([]);
    await sim.clock.advanceInSlices({ by: '1m' });
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
