/** Msghub's webhook fan-out: an event id is drawn from the seeded sequence only when someone receives it. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Clock } from '../../src/engine/clock.js';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { publish, webhooksOf } from '../../src/providers/msghub/webhooks.js';

const TENANT = 'mk_test_publish';
let engine: Engine;

function subscribe(id: string, event: 'message.delivered' | 'message.read', active = true): void {
  // Nothing is allowed to receive (webhookAllow: []), so a delivery is refused without any network.
  webhooksOf(engine, TENANT).insert({ id, event, url: 'https://receiver.invalid/hook', secret: 'whsec_test', active });
}

beforeEach(async () => {
  engine = await createEngine({ clock: new Clock({ mode: 'manual', start: Date.parse('2024-04-08T10:30:00Z') }), seed: 3, webhookAllow: [] });
});

afterEach(async () => {
  await engine.webhooks.settle();
  await engine.close();
});

describe('msghub publish', () => {
  it('with no subscription for the event, draws no id and dispatches nothing', () => {
    const start = engine.random.position;
    publish(engine, TENANT, 'message.delivered', { messageId: 'msg_1' });
    subscribe('wh_read', 'message.read');
    subscribe('wh_off', 'message.delivered', false);
    publish(engine, TENANT, 'message.delivered', { messageId: 'msg_1' });
    expect(engine.random.position).toBe(start);
    expect(engine.webhooks.list()).toEqual([]);
  });

  it('one event id for the event, shared by every subscription that receives it', () => {
    subscribe('wh_a', 'message.delivered');
    subscribe('wh_b', 'message.delivered');
    publish(engine, TENANT, 'message.delivered', { messageId: 'msg_1' });
    const deliveries = engine.webhooks.list();
    expect(deliveries.map((d) => d.endpointId).sort()).toEqual(['wh_a', 'wh_b']);
    expect(deliveries[0]!.eventId).toMatch(/^evt_/);
    expect(deliveries[1]!.eventId).toBe(deliveries[0]!.eventId);
  });
});
