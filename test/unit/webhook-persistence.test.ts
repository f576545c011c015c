/**
 * Webhook deliveries across a restart (`--data`): the dispatcher keeps each delivery in an engine table
 * and, built again on the same file, lists every one and resumes the unfinished ones on the clock,
 * once their signer is registered by name. A fake transport stands in for the receiver. A kill -9 is the
 * data files copied as they are while attempts are in flight and others wait in the dispatch pool.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Clock } from '../../src/engine/clock.js';
import { IdGenerator, SeededRandom } from '../../src/engine/random.js';
import { Store } from '../../src/engine/store.js';
import type { PostRequest, WebhookTransport } from '../../src/engine/webhook-post.js';
import { WebhookDispatcher, type SavedDelivery, type WebhookRequest } from '../../src/engine/webhooks.js';
import type { WebhookSigner } from '../../src/engine/webhook-signing.js';

const T0 = Date.parse('2024-04-08T10:30:00Z');
const sign: WebhookSigner = ({ eventId }) => ({ 'x-test-signature': `signed ${eventId}` });

/** Answers with `status`, recording each request. */
function transport(status: () => number, sent: PostRequest[]): WebhookTransport {
  return async (request) => {
    sent.push(request);
    return { status: status(), headers: {}, body: '' };
  };
}

function request(eventId: string): WebhookRequest {
  return {
    namespace: 'acme',
    tenant: 't',
    url: 'http://127.0.0.1:9/hook',
    secret: 's',
    eventId,
    eventType: 'message.delivered',
    payload: { eventId },
    sign,
    subject: eventId,
  };
}

describe('webhook deliveries survive a restart', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'msgsim-hooks-'));
    file = path.join(dir, 'state.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** `seed`: the engine continues its id sequence across a restart; a second seed stands in for that here. */
  async function open(
    clock: Clock,
    status: () => number,
    sent: PostRequest[],
    seed = 3,
    options: { at?: string; send?: WebhookTransport; pool?: number } = {},
  ) {
    const store = await Store.open({ clock, file: options.at ?? file });
    const dispatcher = new WebhookDispatcher(clock, {
      ids: new IdGenerator(new SeededRandom(seed)),
      transport: options.send ?? transport(status, sent),
      table: store.table<SavedDelivery>('webhook-deliveries'),
      retrySchedule: [0, 5_000, 60_000],
      ...(options.pool ? { maxConcurrent: options.pool, maxPerOrigin: options.pool } : {}),
    });
    return { store, dispatcher };
  }

  /** Turns the event loop until `done` holds (bounded: a fake transport answers within a few turns). */
  async function until(what: string, done: () => boolean): Promise<void> {
    for (let turn = 0; turn < 1_000 && !done(); turn++) await new Promise<void>((resolve) => setImmediate(resolve));
    if (!done()) throw new Error(`never: ${what}`);
  }

  it('retrying deliveries resume at their time, succeeded ones are listed and never sent again', async () => {
    const clock = new Clock({ mode: 'manual', start: T0 });
    const sent: PostRequest[] = [];
    let status = 200;
    const first = await open(clock, () => status, sent);
    first.dispatcher.registerSigner('test', sign);
    first.dispatcher.dispatch(request('evt_ok'));
    await first.dispatcher.settle();
    status = 500;
    first.dispatcher.dispatch(request('evt_retry'));
    await first.dispatcher.settle();
    expect(first.dispatcher.list().map((d) => [d.eventId, d.status])).toEqual([
      ['evt_retry', 'retrying'],
      ['evt_ok', 'succeeded'],
    ]);
    await first.store.flush();

    // The restart: same file, a fresh clock at the same time, a healthy receiver.
    const again = new Clock({ mode: 'manual', start: T0 });
    const resent: PostRequest[] = [];
    const second = await open(again, () => 200, resent, 4);
    expect(second.dispatcher.list().map((d) => [d.eventId, d.status, d.attempts.length])).toEqual([
      ['evt_retry', 'retrying', 1],
      ['evt_ok', 'succeeded', 1],
    ]);
    // Its signer is not registered yet: it waits, listed.
    again.advance(10_000);
    await second.dispatcher.settle();
    expect(resent).toEqual([]);
    second.dispatcher.registerSigner('test', sign);
    // Its retry time (T0 + 5 s) has passed: it goes at once, signed, as attempt 2.
    again.tick();
    await second.dispatcher.settle();
    expect(resent.map((r) => r.headers['x-test-signature'])).toEqual(['signed evt_retry']);
    const retried = second.dispatcher.list().find((d) => d.eventId === 'evt_retry')!;
    expect(retried).toMatchObject({ status: 'succeeded' });
    expect(retried.attempts.map((a) => a.attempt)).toEqual([1, 2]);
    again.advance(3_600_000);
    await second.dispatcher.settle();
    expect(resent).toHaveLength(1);
    // New deliveries continue the log's order after the loaded ones.
    second.dispatcher.dispatch(request('evt_new'));
    expect(second.dispatcher.list().map((d) => d.eventId)).toEqual(['evt_new', 'evt_retry', 'evt_ok']);
    await second.dispatcher.settle();
  });

  it('a delivery whose signer has no name is listed after a restart but cannot be sent again', async () => {
    const clock = new Clock({ mode: 'manual', start: T0 });
    const first = await open(clock, () => 500, []);
    first.dispatcher.dispatch(request('evt_anonymous'));
    await first.dispatcher.settle();
    await first.store.flush();
    const resent: PostRequest[] = [];
    const second = await open(new Clock({ mode: 'manual', start: T0 + 60_000 }), () => 200, resent);
    expect(second.dispatcher.list().map((d) => d.status)).toEqual(['retrying']);
    await second.dispatcher.settle();
    expect(resent).toEqual([]);
  });

  it('at kill -9, deliveries in flight and deliveries waiting in the pool each arrive at least once after the restart', async () => {
    const clock = new Clock({ mode: 'manual', start: T0 });
    const sentBefore: PostRequest[] = [];
    // The receiver fails the first attempt, then holds every request open: in flight until the kill.
    let holding = false;
    const held: Array<() => void> = [];
    const send: WebhookTransport = async (request) => {
      sentBefore.push(request);
      if (!holding) return { status: 500, headers: {}, body: '' };
      await new Promise<void>((resolve) => held.push(resolve));
      return { status: 200, headers: {}, body: '' };
    };
    const first = await open(clock, () => 500, [], 3, { send, pool: 2 });
    first.dispatcher.registerSigner('test', sign);
    first.dispatcher.dispatch(request('evt_retry'));
    await first.dispatcher.settle();
    holding = true;
    // Its retry goes out and hangs: one slot. Then four new events: one takes the other slot, three wait.
    clock.advance(5_000);
    for (const id of ['evt_1', 'evt_2', 'evt_3', 'evt_4']) first.dispatcher.dispatch(request(id));
    await until('both slots taken', () => held.length === 2);
    expect(first.dispatcher.stats()).toMatchObject({ inFlight: 2, queued: 3, unfinished: 5 });
    await first.store.flush();

    // kill -9: the files as they are now; the first process never writes again.
    const crashed = path.join(dir, 'crashed');
    mkdirSync(crashed);
    for (const name of ['state.json', 'state.json.journal', 'state.json.journal.old']) {
      if (existsSync(path.join(dir, name))) copyFileSync(path.join(dir, name), path.join(crashed, name));
    }
    const inFlight = sentBefore.slice(-2).map((r) => r.headers['x-test-signature']);
    expect(inFlight).toEqual(['signed evt_retry', 'signed evt_1']);

    const again = new Clock({ mode: 'manual', start: T0 + 5_000 });
    const resent: PostRequest[] = [];
    const second = await open(again, () => 200, resent, 4, { at: path.join(crashed, 'state.json') });
    expect(second.dispatcher.list().map((d) => [d.eventId, d.status])).toEqual([
      ['evt_4', 'pending'],
      ['evt_3', 'pending'],
      ['evt_2', 'pending'],
      ['evt_1', 'pending'],
      ['evt_retry', 'retrying'],
    ]);
    second.dispatcher.registerSigner('test', sign);
    again.tick();
    await second.dispatcher.settle();
    const arrived = resent.map((r) => r.headers['x-test-signature']);
    // Every event once more, the two cut off in flight included, each with its own event id.
    expect([...arrived].sort()).toEqual(['signed evt_1', 'signed evt_2', 'signed evt_3', 'signed evt_4', 'signed evt_retry']);
    expect(second.dispatcher.list().map((d) => [d.eventId, d.status, d.attempts.map((a) => a.attempt)])).toEqual([
      ['evt_4', 'succeeded', [1]],
      ['evt_3', 'succeeded', [1]],
      ['evt_2', 'succeeded', [1]],
      ['evt_1', 'succeeded', [1]],
      ['evt_retry', 'succeeded', [1, 2]],
    ]);
    await second.store.close();

    // The first process, let go, so nothing it holds outlives the test.
    held.forEach((release) => release());
    await first.dispatcher.close();
    await first.store.close();
  });
});
