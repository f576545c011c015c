import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Clock } from '../../src/engine/clock.js';
import { createEngine, MESSAGES, type Engine } from '../../src/engine/engine.js';
import { SimError } from '../../src/engine/errors.js';
import type { SimEventMap } from '../../src/engine/events.js';
import { CARRIER_REJECTED, DEFAULT_TIMINGS, INVALID_NUMBER, isSettled, isTerminal } from '../../src/engine/lifecycle.js';
import { magicOutcome, type MagicOutcome } from '../../src/engine/magic.js';
import type { MessageState, SimMessage } from '../../src/engine/message.js';

const T0 = Date.parse('2024-04-08T10:30:00Z');
const NS = 'testns';
const TENANT = 'tenant-1';
const iso = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();

type StatusEvent = SimEventMap['message.status'];

let clock: Clock;
let engine: Engine;
let statusEvents: Array<{ id: string; from: MessageState; to: MessageState; forced: boolean; at: number }>;
let created: string[];
let counter = 0;

function newClock(): Clock {
  return new Clock({ mode: 'manual', start: T0 });
}

function record(e: StatusEvent): void {
  statusEvents.push({ id: e.message.id, from: e.from, to: e.to, forced: e.forced, at: clock.now() });
}

async function setup(options: Parameters<typeof createEngine>[0] = {}): Promise<void> {
  clock = newClock();
  engine = await createEngine({ clock, seed: 7, ...options });
  statusEvents = [];
  created = [];
  engine.events.on('message.status', record);
  engine.events.on('message.created', (e) => created.push(e.message.id));
}

/** Stores a message the way a provider does (queued, one history entry) and starts its lifecycle. */
function send(to: string, options: { outcome?: MagicOutcome; namespace?: string; tenant?: string; sendAt?: string; start?: boolean } = {}): SimMessage {
  const namespace = options.namespace ?? NS;
  const tenant = options.tenant ?? TENANT;
  const message = engine.store.collection<SimMessage>(namespace, tenant, MESSAGES).insert({
    id: `msg_${++counter}`,
    namespace,
    tenant,
    channel: 'sms',
    to,
    status: 'queued',
    outcome: options.outcome ?? magicOutcome(to),
    ...(options.sendAt ? { sendAt: options.sendAt } : {}),
    history: [{ status: 'queued', at: clock.iso() }],
    data: { body: 'Hello!' },
  });
  if (options.start !== false) engine.lifecycle.start(message);
  return message;
}

function states(message: SimMessage): Array<[MessageState, string]> {
  return message.history.map((h) => [h.status, h.at]);
}

describe('lifecycle with DEFAULT_TIMINGS', () => {
  beforeEach(async () => {
    await setup();
  });

  it('uses the documented default timings', () => {
    expect(DEFAULT_TIMINGS).toEqual({ sendMs: 1_000, deliverMs: 2_000, readMs: 5_000, slowDeliverMs: 60_000 });
    expect(engine.lifecycle.timings).toEqual(DEFAULT_TIMINGS);
  });

  it('deliver: queued → sent at +1 s → delivered at +3 s, then nothing', () => {
    const message = send('+919876543210');
    expect(message.outcome).toBe('deliver');
    expect(created).toEqual([message.id]);
    expect(engine.lifecycle.pending).toBe(1);

    clock.advance(999);
    expect(message.status).toBe('queued');
    clock.advance(1);
    expect(message.status).toBe('sent');
    expect(message.sentAt).toBe(iso(1_000));
    clock.advance(1_999);
    expect(message.status).toBe('sent');
    clock.advance(1);
    expect(message.status).toBe('delivered');
    clock.advance(24 * 3_600_000);

    expect(message).toMatchObject({
      status: 'delivered',
      sentAt: iso(1_000),
      deliveredAt: iso(3_000),
      updatedAt: iso(3_000),
      createdAt: iso(0),
    });
    expect(message.readAt).toBeUndefined();
    expect(message.failedAt).toBeUndefined();
    expect(message.failure).toBeUndefined();
    expect(states(message)).toEqual([
      ['queued', iso(0)],
      ['sent', iso(1_000)],
      ['delivered', iso(3_000)],
    ]);
    expect(statusEvents).toEqual([
      { id: message.id, from: 'queued', to: 'sent', forced: false, at: T0 + 1_000 },
      { id: message.id, from: 'sent', to: 'delivered', forced: false, at: T0 + 3_000 },
    ]);
    expect(engine.lifecycle.pending).toBe(0);
    // The stored record is the very object the lifecycle moved.
    expect(engine.store.collection<SimMessage>(NS, TENANT, MESSAGES).get(message.id)).toBe(message);
  });

  it('fail: queued → sent at +1 s → failed (carrier rejected) at +3 s', () => {
    const message = send('+15005550002');
    expect(message.outcome).toBe('fail');
    clock.advance(60_000);
    expect(message).toMatchObject({ status: 'failed', sentAt: iso(1_000), failedAt: iso(3_000), failure: CARRIER_REJECTED });
    expect(message.deliveredAt).toBeUndefined();
    expect(states(message)).toEqual([
      ['queued', iso(0)],
      ['sent', iso(1_000)],
      ['failed', iso(3_000)],
    ]);
    expect(statusEvents.map((e) => [e.from, e.to, e.at])).toEqual([
      ['queued', 'sent', T0 + 1_000],
      ['sent', 'failed', T0 + 3_000],
    ]);
    expect(CARRIER_REJECTED).toEqual({ code: 'carrier_rejected', message: 'The carrier rejected the message' });
  });

  it('fallback: the primary channel fails like fail', () => {
    const message = send('+15005550009');
    expect(message.outcome).toBe('fallback');
    clock.advance(60_000);
    expect(message).toMatchObject({ status: 'failed', failedAt: iso(3_000), failure: CARRIER_REJECTED });
  });

  it('undelivered: queued → sent at +1 s and stays sent for good', () => {
    const message = send('+15005550003');
    expect(message.outcome).toBe('undelivered');
    clock.advance(1_000);
    expect(message.status).toBe('sent');
    expect(engine.lifecycle.pending).toBe(0);
    clock.advance(7 * 24 * 3_600_000);
    expect(message.status).toBe('sent');
    expect(states(message)).toEqual([
      ['queued', iso(0)],
      ['sent', iso(1_000)],
    ]);
    expect(statusEvents.map((e) => e.to)).toEqual(['sent']);
    expect(message.deliveredAt).toBeUndefined();
    expect(message.failedAt).toBeUndefined();
  });

  it('read: queued → sent at +1 s → delivered at +3 s → read at +8 s', () => {
    const message = send('+15005550004');
    expect(message.outcome).toBe('read');
    clock.advance(7_999);
    expect(message.status).toBe('delivered');
    clock.advance(1);
    expect(message).toMatchObject({ status: 'read', sentAt: iso(1_000), deliveredAt: iso(3_000), readAt: iso(8_000) });
    expect(states(message)).toEqual([
      ['queued', iso(0)],
      ['sent', iso(1_000)],
      ['delivered', iso(3_000)],
      ['read', iso(8_000)],
    ]);
    expect(statusEvents.map((e) => [e.from, e.to, e.at])).toEqual([
      ['queued', 'sent', T0 + 1_000],
      ['sent', 'delivered', T0 + 3_000],
      ['delivered', 'read', T0 + 8_000],
    ]);
    expect(isTerminal('read')).toBe(true);
  });

  it('slow: queued → sent at +1 s → delivered 60 s later, at +61 s', () => {
    const message = send('+15005550007');
    expect(message.outcome).toBe('slow');
    clock.advance(60_999);
    expect(message.status).toBe('sent');
    clock.advance(1);
    expect(message).toMatchObject({ status: 'delivered', sentAt: iso(1_000), deliveredAt: iso(61_000) });
    expect(statusEvents.map((e) => [e.to, e.at])).toEqual([
      ['sent', T0 + 1_000],
      ['delivered', T0 + 61_000],
    ]);
  });

  it('invalid: queued → failed (invalid number) at +1 s, never sent', () => {
    const message = send('+15005550001');
    expect(message.outcome).toBe('invalid');
    clock.advance(60_000);
    expect(message).toMatchObject({ status: 'failed', failedAt: iso(1_000), failure: INVALID_NUMBER });
    expect(message.sentAt).toBeUndefined();
    expect(states(message)).toEqual([
      ['queued', iso(0)],
      ['failed', iso(1_000)],
    ]);
    expect(statusEvents).toEqual([{ id: message.id, from: 'queued', to: 'failed', forced: false, at: T0 + 1_000 }]);
  });

  it('many messages progress independently and their events come in time order', () => {
    const a = send('+919876543210'); // sent +1, delivered +3
    clock.advance(500);
    const b = send('+15005550004'); // sent +1.5, delivered +3.5, read +8.5
    clock.advance(100);
    const c = send('+15005550002'); // sent +1.6, failed +3.6
    clock.advance(60_000);
    expect([a.status, b.status, c.status]).toEqual(['delivered', 'read', 'failed']);
    expect(statusEvents.map((e) => [e.id, e.to, e.at - T0])).toEqual([
      [a.id, 'sent', 1_000],
      [b.id, 'sent', 1_500],
      [c.id, 'sent', 1_600],
      [a.id, 'delivered', 3_000],
      [b.id, 'delivered', 3_500],
      [c.id, 'failed', 3_600],
      [b.id, 'read', 8_500],
    ]);
  });

  it('a scheduled send stays queued until its sendAt', () => {
    const sendAt = iso(3_600_000);
    const message = send('+919876543210', { sendAt });
    clock.advance(3_600_000 - 1);
    expect(message.status).toBe('queued');
    expect(statusEvents).toEqual([]);
    clock.advance(DEFAULT_TIMINGS.sendMs + DEFAULT_TIMINGS.deliverMs + 1);
    expect(message.status).toBe('delivered');
    expect(Date.parse(message.sentAt!)).toBeGreaterThanOrEqual(Date.parse(sendAt));
  });

  it('a throwing status listener is reported and does not stop the lifecycle', async () => {
    const errors: string[] = [];
    await setup({ onError: (_error, where) => errors.push(where) });
    engine.events.on('message.status', () => {
      throw new Error('listener bug');
    });
    const message = send('+919876543210');
    clock.advance(3_000);
    expect(message.status).toBe('delivered');
    expect(statusEvents.map((e) => e.to)).toEqual(['sent', 'delivered']);
    expect(errors).toEqual(['listener message.status', 'listener message.status']);
  });
});

describe('lifecycle.enqueue', () => {
  beforeEach(async () => {
    await setup();
  });

  const input = (id: string, extra: Partial<Parameters<Engine['lifecycle']['enqueue']>[0]> = {}) => ({
    id,
    namespace: NS,
    tenant: TENANT,
    channel: 'sms',
    to: '+919876543210',
    data: { body: 'Hello!', subject: undefined, metadata: undefined },
    ...extra,
  });

  it('stamps createdAt, updatedAt and the first history entry with one time, and drops undefined data fields', () => {
    clock.advance(5_000);
    const message = engine.lifecycle.enqueue(input('msg_e1'));
    expect(message).toMatchObject({ createdAt: iso(5_000), updatedAt: iso(5_000), status: 'queued' });
    expect(message.history).toEqual([{ status: 'queued', at: iso(5_000) }]);
    expect(Object.keys(message.data)).toEqual(['body']);
    expect(engine.lifecycle.pending).toBe(1);
  });

  it('keeps a given queue time in the history; the record is still stamped now', () => {
    const message = engine.lifecycle.enqueue(input('msg_e2', { at: iso(-60_000) }));
    expect(message.history).toEqual([{ status: 'queued', at: iso(-60_000) }]);
    expect(message.createdAt).toBe(iso(0));
    expect(message.updatedAt).toBe(iso(0));
  });

  it('starting a message twice still leaves one natural timer', () => {
    const message = send('+919876543210');
    engine.lifecycle.start(message);
    expect(engine.lifecycle.pending).toBe(1);
    expect(clock.state().pendingEvents).toBe(1);
    clock.advance(60_000);
    expect(statusEvents.map((e) => e.to)).toEqual(['sent', 'delivered']);
  });

  it('a step that throws is reported with a label naming the message', async () => {
    const labels: string[] = [];
    clock = new Clock({ mode: 'manual', start: T0, onError: (_error, label) => labels.push(label) });
    await engine.close();
    engine = await createEngine({ clock, seed: 7 });
    const message = send('+919876543210');
    // Sabotage the record so the next step fails half-way, after the state moved.
    (message as { history: unknown }).history = undefined;
    clock.advance(1_000);
    expect(labels).toEqual([`lifecycle ${NS} ${message.id}, now sent`]);
  });
});

describe('lifecycle.force', () => {
  beforeEach(async () => {
    await setup();
  });

  it('walks the intermediate states: queued → read emits sent, delivered, read', () => {
    const message = send('+919876543210');
    clock.advance(200);
    const result = engine.lifecycle.force(message, 'read');
    expect(result).toBe(message);
    expect(statusEvents).toEqual([
      { id: message.id, from: 'queued', to: 'sent', forced: true, at: T0 + 200 },
      { id: message.id, from: 'sent', to: 'delivered', forced: true, at: T0 + 200 },
      { id: message.id, from: 'delivered', to: 'read', forced: true, at: T0 + 200 },
    ]);
    expect(message).toMatchObject({ status: 'read', sentAt: iso(200), deliveredAt: iso(200), readAt: iso(200), updatedAt: iso(200) });
    expect(message.history).toEqual([
      { status: 'queued', at: iso(0) },
      { status: 'sent', at: iso(200), forced: true },
      { status: 'delivered', at: iso(200), forced: true },
      { status: 'read', at: iso(200), forced: true },
    ]);
  });

  it('takes the shortest path: queued → failed is one step; queued → undelivered goes through sent', () => {
    const a = send('+919876543210');
    engine.lifecycle.force(a, 'failed');
    expect(a.history.map((h) => h.status)).toEqual(['queued', 'failed']);
    expect(a.failure).toEqual(CARRIER_REJECTED);

    const b = send('+919876543210');
    engine.lifecycle.force(b, 'undelivered');
    expect(b.history.map((h) => h.status)).toEqual(['queued', 'sent', 'undelivered']);
    expect(b.undeliveredAt).toBe(iso(0));
  });

  it('records a reason, and a forced failure carries it (or the given failure)', () => {
    const a = send('+919876543210');
    engine.lifecycle.force(a, 'failed', { reason: 'QA says so' });
    expect(a.failure).toEqual({ code: 'failed', message: 'QA says so' });
    expect(a.history.at(-1)).toEqual({ status: 'failed', at: iso(0), forced: true, reason: 'QA says so' });

    const b = send('+919876543210');
    engine.lifecycle.force(b, 'failed', { failure: { code: 'blocked', message: 'Recipient blocked' } });
    expect(b.failure).toEqual({ code: 'blocked', message: 'Recipient blocked' });
  });

  it('a late delivery receipt: undelivered → delivered is allowed', () => {
    const message = send('+15005550003');
    clock.advance(1_000);
    engine.lifecycle.force(message, 'undelivered');
    clock.advance(1_000);
    engine.lifecycle.force(message, 'delivered');
    expect(message).toMatchObject({ status: 'delivered', undeliveredAt: iso(1_000), deliveredAt: iso(2_000) });
  });

  it.each<[MessageState, MessageState]>([
    ['delivered', 'queued'],
    ['failed', 'delivered'],
    ['read', 'delivered'],
    ['delivered', 'failed'],
    ['sent', 'queued'],
    ['sent', 'sent'],
  ])('refuses %s → %s with invalid_status_transition and changes nothing', (from, to) => {
    const message = send('+919876543210');
    if (from !== 'queued') engine.lifecycle.force(message, from);
    const historyBefore = [...message.history];
    const eventsBefore = statusEvents.length;
    let thrown: unknown;
    try {
      engine.lifecycle.force(message, to);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SimError);
    expect(thrown).toMatchObject({ code: 'invalid_status_transition', kind: 'conflict', status: 409, field: 'status', value: to });
    expect(message.status).toBe(from);
    expect(message.history).toEqual(historyBefore);
    expect(statusEvents).toHaveLength(eventsBefore);
  });

  it('transition() refuses a step the state machine does not have', () => {
    const message = send('+919876543210');
    expect(() => engine.lifecycle.transition(message, 'delivered')).toThrow(SimError);
    expect(engine.lifecycle.canTransition('queued', 'sent')).toBe(true);
    expect(engine.lifecycle.canTransition('queued', 'delivered')).toBe(false);
    expect(engine.lifecycle.canTransition('undelivered', 'failed')).toBe(true);
    expect(engine.lifecycle.canTransition('read', 'failed')).toBe(false);
  });

  it('stops the natural timer: a message forced to sent never moves on by itself', () => {
    const message = send('+919876543210');
    expect(engine.lifecycle.pending).toBe(1);
    expect(clock.state().pendingEvents).toBe(1);
    engine.lifecycle.force(message, 'sent');
    expect(engine.lifecycle.pending).toBe(0);
    expect(clock.state().pendingEvents).toBe(0);
    clock.advance(24 * 3_600_000);
    expect(message.status).toBe('sent');
    expect(statusEvents.map((e) => [e.to, e.forced])).toEqual([['sent', true]]);
  });

  it('a forced fail before the natural delivery wins; the natural step never fires', () => {
    const message = send('+919876543210');
    clock.advance(1_500); // sent at +1 s, delivery due at +3 s
    engine.lifecycle.force(message, 'failed');
    clock.advance(60_000);
    expect(message.status).toBe('failed');
    expect(message.failedAt).toBe(iso(1_500));
    expect(message.deliveredAt).toBeUndefined();
    expect(statusEvents.map((e) => [e.to, e.forced])).toEqual([
      ['sent', false],
      ['failed', true],
    ]);
  });

  it('cancel() stops the natural progression', () => {
    const message = send('+919876543210');
    engine.lifecycle.cancel(message);
    clock.advance(60_000);
    expect(message.status).toBe('queued');
    expect(engine.lifecycle.pending).toBe(0);
  });
});

describe('lifecycle timings', () => {
  it('setTimings changes the delays of messages started afterwards', async () => {
    await setup();
    const merged = engine.lifecycle.setTimings({ sendMs: 10, deliverMs: 20 });
    expect(merged).toEqual({ sendMs: 10, deliverMs: 20, readMs: 5_000, slowDeliverMs: 60_000 });
    expect(engine.lifecycle.timings).toEqual(merged);
    engine.lifecycle.setTimings({ readMs: 40 });
    expect(engine.lifecycle.timings).toEqual({ sendMs: 10, deliverMs: 20, readMs: 40, slowDeliverMs: 60_000 });

    const message = send('+15005550004');
    clock.advance(1_000);
    expect(states(message)).toEqual([
      ['queued', iso(0)],
      ['sent', iso(10)],
      ['delivered', iso(30)],
      ['read', iso(70)],
    ]);
  });

  it('the timings getter returns a copy', async () => {
    await setup();
    const timings = engine.lifecycle.timings;
    timings.sendMs = 1;
    expect(engine.lifecycle.timings.sendMs).toBe(1_000);
  });

  it('createEngine takes timings', async () => {
    await setup({ timings: { slowDeliverMs: 5_000 } });
    const message = send('+15005550007');
    clock.advance(6_000);
    expect(message).toMatchObject({ status: 'delivered', deliveredAt: iso(6_000) });
  });
});

describe('isSettled: a message no natural step will move', () => {
  beforeEach(async () => {
    await setup();
  });

  it.each<[string, string, boolean[]]>([
    // recipient, what it does, settled at [0 s, 1 s, 3 s, 8 s, 61 s]
    ['+919876543210', 'delivered at 3 s, does not read', [false, false, true, true, true]],
    ['+15005550004', 'delivered at 3 s, reads at 8 s', [false, false, false, true, true]],
    ['+15005550002', 'fails at 3 s', [false, false, true, true, true]],
    ['+15005550001', 'invalid: fails at 1 s', [false, true, true, true, true]],
    ['+15005550003', 'sent at 1 s, never delivered: rests at sent', [false, true, true, true, true]],
    ['+15005550007', 'slow: delivered at 61 s', [false, false, false, false, true]],
  ])('%s (%s)', (to, _what, expected) => {
    const message = send(to);
    const seen: boolean[] = [];
    for (const at of [0, 1_000, 3_000, 8_000, 61_000]) {
      clock.advance(T0 + at - clock.now());
      seen.push(isSettled(message));
    }
    expect(seen).toEqual(expected);
  });

  it('wherever a forced transition leaves it: the natural timer is cancelled', () => {
    const reader = send('+15005550004');
    clock.advance(1_000);
    expect(isSettled(reader)).toBe(false);
    engine.lifecycle.force(reader, 'delivered');
    const ordinary = send('+919876543210');
    engine.lifecycle.force(ordinary, 'undelivered');
    expect([reader.status, ordinary.status]).toEqual(['delivered', 'undelivered']);
    expect([isSettled(reader), isSettled(ordinary)]).toEqual([true, true]);
    clock.advance(60_000);
    expect([reader.status, ordinary.status]).toEqual(['delivered', 'undelivered']);
  });
});

describe('lifecycle.resume', () => {
  beforeEach(async () => {
    await setup();
  });

  function restored(status: MessageState, history: Array<[MessageState, number]>, to = '+919876543210'): SimMessage {
    return engine.store.collection<SimMessage>(NS, TENANT, MESSAGES).insert({
      id: `msg_${++counter}`,
      namespace: NS,
      tenant: TENANT,
      channel: 'sms',
      to,
      status,
      outcome: magicOutcome(to),
      history: history.map(([s, offset]) => ({ status: s, at: iso(offset) })),
      data: {},
      createdAt: iso(history[0]![1]),
    });
  }

  it('re-arms the next step counted from the last change', () => {
    const sent = restored('sent', [
      ['queued', -2_000],
      ['sent', -1_000],
    ]);
    const queued = restored('queued', [['queued', -500]]);
    engine.lifecycle.resume([sent, queued]);
    expect(engine.lifecycle.pending).toBe(2);
    clock.advance(499);
    expect(queued.status).toBe('queued');
    clock.advance(1);
    expect(queued.status).toBe('sent');
    expect(queued.sentAt).toBe(iso(500));
    clock.advance(500);
    expect(sent.status).toBe('delivered');
    expect(sent.deliveredAt).toBe(iso(1_000));
  });

  it('an overdue step fires on the next advance, stamped with the current time', () => {
    const sent = restored('sent', [
      ['queued', -60_000],
      ['sent', -59_000],
    ]);
    engine.lifecycle.resume([sent]);
    clock.advance(0);
    expect(sent).toMatchObject({ status: 'delivered', deliveredAt: iso(0) });
  });

  it('leaves terminal messages alone', () => {
    const delivered = restored('delivered', [
      ['queued', -3_000],
      ['sent', -2_000],
      ['delivered', 0],
    ]);
    const failed = restored(
      'failed',
      [
        ['queued', -1_000],
        ['failed', 0],
      ],
      '+15005550002',
    );
    engine.lifecycle.resume([delivered, failed]);
    // delivered is not terminal (→ read) but an ordinary recipient never reads: nothing to do.
    expect(engine.lifecycle.pending).toBe(0);
    clock.advance(60_000);
    expect([delivered.status, failed.status]).toEqual(['delivered', 'failed']);
    expect(statusEvents).toEqual([]);
  });

  it('a message a forced transition left at rest stays at rest, as it would have without the restart', () => {
    const delivered = restored('delivered', [
      ['queued', -3_000],
      ['sent', -2_000],
      ['delivered', 0],
    ]);
    delivered.outcome = 'read';
    delivered.history[2]!.forced = true;
    engine.lifecycle.resume([delivered]);
    expect(engine.lifecycle.pending).toBe(0);
    clock.advance(60_000);
    expect(delivered.status).toBe('delivered');
  });

  it('createEngine resumes messages loaded from its data file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'msgsim-lifecycle-'));
    try {
      const file = path.join(dir, 'state.json');
      const clock1 = newClock();
      const first = await createEngine({ clock: clock1, dataFile: file });
      const message = first.store.collection<SimMessage>(NS, TENANT, MESSAGES).insert({
        id: 'msg_persisted',
        namespace: NS,
        tenant: TENANT,
        channel: 'sms',
        to: '+919876543210',
        status: 'queued',
        outcome: 'deliver',
        history: [{ status: 'queued', at: clock1.iso() }],
        data: {},
      });
      first.lifecycle.start(message);
      clock1.advance(1_000);
      expect(message.status).toBe('sent');
      await first.close();

      const clock2 = new Clock({ mode: 'manual', start: T0 + 1_500 });
      const second = await createEngine({ clock: clock2, dataFile: file });
      const loaded = second.store.collection<SimMessage>(NS, TENANT, MESSAGES).get('msg_persisted');
      expect(loaded?.status).toBe('sent');
      expect(second.lifecycle.pending).toBe(1);
      clock2.advance(1_499);
      expect(loaded?.status).toBe('sent');
      clock2.advance(1);
      expect(loaded).toMatchObject({ status: 'delivered', sentAt: iso(1_000), deliveredAt: iso(3_000) });
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a close keeps simulated time moved with nothing falling due (library mode: sim.clock.advance, then close)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'msgsim-lifecycle-'));
    try {
      const file = path.join(dir, 'state.json');
      const first = await createEngine({ clock: newClock(), dataFile: file });
      first.store.collection<SimMessage>(NS, TENANT, 'notes').insert({ id: 'written' } as never);
      await first.store.commit();
      first.clock.advance(3_600_000);
      await first.close();

      const second = await createEngine({ clock: new Clock({ mode: 'manual', start: T0 }), dataFile: file });
      expect(second.clock.now()).toBe(T0 + 3_600_000);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('engine.reset', () => {
  beforeEach(async () => {
    await setup();
  });

  it('cancels every lifecycle timer and forgets every message', () => {
    const resets: Array<SimEventMap['reset']> = [];
    engine.events.on('reset', (e) => resets.push(e));
    const a = send('+919876543210');
    const b = send('+15005550004', { namespace: 'other' });
    expect(engine.lifecycle.pending).toBe(2);
    engine.reset();
    expect(engine.lifecycle.pending).toBe(0);
    expect(clock.state().pendingEvents).toBe(0);
    clock.advance(60_000);
    expect([a.status, b.status]).toEqual(['queued', 'queued']);
    expect(statusEvents).toEqual([]);
    expect(engine.store.collections(MESSAGES)).toEqual([]);
    expect(resets).toEqual([{}]);
  });

  it('of one namespace cancels only that namespace\u2019s timers', () => {
    const a = send('+919876543210', { namespace: 'one' });
    const b = send('+919876543210', { namespace: 'two' });
    engine.reset('one');
    expect(engine.lifecycle.pending).toBe(1);
    clock.advance(60_000);
    expect(a.status).toBe('queued');
    expect(b.status).toBe('delivered');
    expect(engine.store.collection<SimMessage>('one', TENANT, MESSAGES).size).toBe(0);
    expect(engine.store.collection<SimMessage>('two', TENANT, MESSAGES).get(b.id)).toBe(b);
  });

  it('of one tenant cancels only that tenant\u2019s timers', () => {
    const resets: Array<SimEventMap['reset']> = [];
    engine.events.on('reset', (e) => resets.push(e));
    const a = send('+919876543210', { tenant: 'ta' });
    const b = send('+919876543210', { tenant: 'tb' });
    engine.reset(NS, 'ta');
    clock.advance(60_000);
    expect(a.status).toBe('queued');
    expect(b.status).toBe('delivered');
    expect(resets).toEqual([{ namespace: NS, tenant: 'ta' }]);
  });

  it('messages sent after a reset run normally', () => {
    send('+919876543210');
    engine.reset();
    const fresh = send('+919876543210');
    clock.advance(3_000);
    expect(fresh.status).toBe('delivered');
    expect(statusEvents.map((e) => e.to)).toEqual(['sent', 'delivered']);
  });
});

afterEach(async () => {
  await engine?.close();
});
