/**
 * Webhook deliveries across a restart (`--data`): the dispatcher keeps each delivery in an engine table
 * and, built again on the same file, lists every one and resumes the unfinished ones on the clock,
 * once their signer is registered by name. A fake transport stands in for the receiver.
 */
import { mkdtempSync, rmSync } from 'node:fs';
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
  async function open(clock: Clock, status: () => number, sent: PostRequest[], seed = 3) {
    const store = await Store.open({ clock, file });
    const dispatcher = new WebhookDispatcher(clock, {
      ids: new IdGenerator(new SeededRandom(seed)),
      transport: transport(status, sent),
      table: store.table<SavedDelivery>('webhook-deliveries'),
      retrySchedule: [0, 5_000, 60_000],
    });
    return { store, dispatcher };
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
});
