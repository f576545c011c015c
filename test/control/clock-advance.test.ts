/**
 * POST /_sim/clock/advance runs in slices and the server answers other requests between them. Each test
 * proves it by ordering, never by timing: a chain of events keeps the advance going until the request
 * under test has been answered, so a server that blocked for the whole advance would answer it only after
 * the chain had run to the advance's end (and fail the test).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Clock, type SliceOptions } from '../../src/engine/clock.js';
import { createTestSim, T0, type TestSim } from '../support/harness.js';

const HOUR = 3_600_000;
const STEP = 10;
const KEY = 'mk_live_advance01';
const OTHER = 'mk_live_advance02';

interface Setup {
  sim: TestSim;
  clock: Clock;
  /** Resolves once the advance has fired its first slice. */
  started: Promise<void>;
  /** Events of the chain fired so far. */
  links(): number;
  /** Ends the chain: the advance then finishes the rest of its window. */
  stop(): void;
}

/** A sim whose advances run in slices of 10 events, and a chain of events every 10 ms that runs until stopped. */
async function setup(): Promise<Setup> {
  let onFirstSlice: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (onFirstSlice = resolve));
  const slices: SliceOptions = { sliceMs: Infinity, sliceEvents: 10, onSlice: () => onFirstSlice() };
  const clock = new Clock({ mode: 'manual', start: T0, slices });
  const sim = await createTestSim({ clock });
  let links = 0;
  let stopped = false;
  const link = () => {
    links++;
    if (!stopped) clock.schedule(STEP, link);
  };
  clock.schedule(STEP, link);
  return { sim, clock, started, links: () => links, stop: () => (stopped = true) };
}

async function send(sim: TestSim, key = KEY): Promise<string> {
  const res = await sim.client('msghub', { 'X-API-Key': key }).post('/messages/send', { channel: 'sms', to: '+919876543210', body: 'Hi' });
  expect(res.status).toBe(201);
  return res.body.messageId as string;
}

/** Sends the advance at once (a supertest request starts only when awaited or then-ed). */
function advanceNow(sim: TestSim, body: object) {
  return sim.http
    .post('/_sim/clock/advance')
    .send(body)
    .then((res) => res);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('POST /_sim/clock/advance in slices', () => {
  it('answers provider and control requests while a long advance runs, and the advance last', async () => {
    const { sim, started, links, stop } = await setup();
    const id = await send(sim);
    const clockEvents: Array<{ advancedBy?: number }> = [];
    sim.engine.events.on('clock', (event) => clockEvents.push(event));
    const order: string[] = [];
    const advance = advanceNow(sim, { by: '1h' }).then((res) => (order.push('advance'), res));
    await started;

    const during = await sim.http.get('/_sim/clock');
    order.push('clock');
    const message = await sim.client('msghub', { 'X-API-Key': KEY }).get(`/messages/${id}`);
    order.push('provider');
    const linksWhenAnswered = links();
    stop();
    const done = await advance;

    expect(order).toEqual(['clock', 'provider', 'advance']);
    expect(during.status).toBe(200);
    // Mid-advance: time is the due time of the last event fired, between the start and the target.
    expect(during.body.nowMs).toBeGreaterThan(T0);
    expect(during.body.nowMs).toBeLessThan(T0 + HOUR);
    expect(during.body.advancingTo).toBe(new Date(T0 + HOUR).toISOString());
    expect(message.status).toBe(200);
    expect(message.body.messageId).toBe(id);
    // The chain stopped long before the hour's 360,000 links: the requests were answered during the advance.
    expect(links()).toBeLessThan(360_000);
    expect(links()).toBeGreaterThanOrEqual(linksWhenAnswered);

    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ nowMs: T0 + HOUR, advancedBy: HOUR, pendingEvents: 0 });
    expect(done.body.advancingTo).toBeUndefined();
    // The chain's links plus the message's two lifecycle steps (queued → sent → delivered).
    expect(done.body.firedEvents).toBe(links() + 2);
    expect((await sim.http.get(`/_sim/messages/msghub/${id}`)).body.status).toBe('delivered');
    expect(clockEvents).toEqual([{ mode: 'manual', now: new Date(T0 + HOUR).toISOString(), advancedBy: HOUR }]);
  });

  it('an advance sent while another runs waits for it and goes on from where it ended; a `to` left behind is a 400', async () => {
    const { sim, clock, started, stop } = await setup();
    // The chain runs until both later advances have reached the clock's queue.
    const queued = vi.spyOn(clock, 'advanceInSlices');
    queued.mockImplementation(function (this: Clock, ...args) {
      const run = Clock.prototype.advanceInSlices.apply(this, args);
      if (queued.mock.calls.length === 3) stop();
      return run;
    });
    const order: string[] = [];
    const first = advanceNow(sim, { by: '1h' }).then((res) => (order.push('first'), res));
    await started;
    const second = advanceNow(sim, { by: '1s' }).then((res) => (order.push('second'), res));
    const stale = advanceNow(sim, { to: new Date(T0 + HOUR / 2).toISOString() }).then((res) => (order.push('stale'), res));
    const [a, b, c] = await Promise.all([first, second, stale]);

    expect(order).toEqual(['first', 'second', 'stale']);
    expect(a.body).toMatchObject({ nowMs: T0 + HOUR, advancedBy: HOUR });
    expect(b.body).toMatchObject({ nowMs: T0 + HOUR + 1_000, advancedBy: 1_000, firedEvents: 0 });
    expect(c.status).toBe(400);
    expect(c.body.error).toMatchObject({ code: 'invalid_request', field: 'to' });
    expect(sim.clock.now()).toBe(T0 + HOUR + 1_000);
  });

  it("a tenant's reset during an advance drops its messages and their steps; the others are delivered", async () => {
    const { sim, started, stop } = await setup();
    const gone = [await send(sim, KEY), await send(sim, KEY)];
    const kept = [await send(sim, OTHER), await send(sim, OTHER)];
    const advance = advanceNow(sim, { by: '1h' });
    await started;
    const reset = await sim.http.post('/_sim/reset').send({ provider: 'msghub', tenant: KEY });
    stop();
    const done = await advance;

    expect(reset.status).toBe(200);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ nowMs: T0 + HOUR, pendingEvents: 0 });
    for (const id of gone) expect((await sim.http.get(`/_sim/messages/msghub/${id}`)).status).toBe(404);
    for (const id of kept) expect((await sim.http.get(`/_sim/messages/msghub/${id}`)).body.status).toBe('delivered');
  });

  it('a full reset during an advance clears its events, and the advance ends at its target', async () => {
    const { sim, started } = await setup();
    await send(sim);
    const advance = advanceNow(sim, { by: '1h' });
    await started;
    // The chain is never stopped: only the reset can end it.
    expect((await sim.http.post('/_sim/reset').send({})).status).toBe(200);
    const done = await advance;
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ nowMs: T0 + HOUR, pendingEvents: 0, nextEventAt: null });
    expect(done.body.firedEvents).toBeLessThan(360_000);
  });
});
