/**
 * Webhook delivery at scale over real HTTP (issue 19), at a volume past the delivery log's bound
 * (10,000 finished deliveries kept) but short of the benchmark's 100,000 (bench/webhooks.ts):
 *
 * - a receiver that is down (answers 500) for 10,500 events, then comes back: after the clock passes
 *   the first retry, every event has arrived exactly once — none dropped to bound the log, none twice;
 * - a manual-clock advance that releases 10,000 Msghub `message.delivered` deliveries at once to a
 *   healthy receiver: each event arrives exactly once, no attempt is a timeout, provider GETs sent
 *   during the burst are answered while deliveries are still outstanding, and every attempt reads back
 *   through /_sim/webhooks/deliveries a page at a time.
 *
 * Nothing here measures speed: the assertions are on what arrived and on the order things happened.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Clock } from '../../src/engine/clock.js';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { standardWebhooksSigner } from '../../src/engine/webhook-signing.js';
import type { DeliveryAttempt } from '../../src/engine/webhooks.js';
import { createApp } from '../../src/http/app.js';
import { PROVIDERS } from '../../src/providers/index.js';
import type { HandlerRequest, OperationHandler } from '../../src/providers/provider.js';
import { T0 } from '../support/harness.js';

const REQUEST_MS = 30_000;
const SCALE_TIMEOUT_MS = 180_000;

export const webhookScaleFigures = {
  recovered: { events: 0, successes: 0, failuresSeen: 0 },
  burst: { events: 0, successes: 0, connections: 0, outstandingWhenGetsAnswered: [] as number[] },
};

/** A receiver on 127.0.0.1 that counts, per event id (Standard Webhooks `webhook-id`), what it answered. */
class CountingReceiver {
  status = 200;
  readonly ok = new Map<string, number>();
  failed = 0;
  /** TCP connections accepted: the dispatcher's sockets, opened once and kept alive. */
  connections = 0;
  readonly server: Server;
  url = '';

  constructor() {
    this.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const id = String(req.headers['webhook-id'] ?? req.headers['x-msghub-event-id']);
        if (this.status === 200) this.ok.set(id, (this.ok.get(id) ?? 0) + 1);
        else this.failed++;
        res.statusCode = this.status;
        res.end();
      });
    });
    this.server.on('connection', () => this.connections++);
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Events received with a 200 more than once. */
  duplicates(): number {
    return [...this.ok.values()].filter((n) => n > 1).length;
  }
}

describe('webhook delivery at scale', () => {
  let engine: Engine;
  let clock: Clock;
  let server: Server;
  let base: string;
  let send: OperationHandler;
  let receiver: CountingReceiver;
  /** Every attempt the dispatcher finished, from its change events. */
  const attempts: DeliveryAttempt[] = [];
  let successes = 0;
  let waiter: { count: number; resolve: () => void } | undefined;
  /** Resolves once `count` attempts have succeeded since the test began. */
  const deliveredAtLeast = (count: number): Promise<void> => (successes >= count ? Promise.resolve() : new Promise((resolve) => (waiter = { count, resolve })));

  beforeAll(async () => {
    clock = new Clock({ mode: 'manual', start: T0 });
    engine = await createEngine({ clock, seed: 19, rateLimits: false });
    engine.events.on('webhook.delivery', ({ delivery }) => {
      const last = delivery.attempts.at(-1);
      if (!last) return;
      attempts.push(last);
      if (last.outcome === 'success') successes++;
      if (waiter && successes >= waiter.count) {
        waiter.resolve();
        waiter = undefined;
      }
    });
    const { app, providers } = await createApp({ engine, providers: PROVIDERS });
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    send = providers.get('msghub')!.instance.operations.sendMessage!;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await engine.close();
    console.log('webhook scale figures', JSON.stringify(webhookScaleFigures));
  });

  afterEach(async () => {
    engine.reset();
    attempts.length = 0;
    successes = 0;
    await receiver?.stop();
  });

  it(
    'a receiver down (500) for 10,500 events, then back: every event arrives exactly once, none dropped',
    async () => {
      receiver = new CountingReceiver();
      await receiver.start();
      receiver.status = 500;
      const events = 10_500;
      for (let i = 0; i < events; i++) {
        engine.webhooks.dispatch({
          namespace: 'scale',
          tenant: `tenant-${i % 10}`,
          url: receiver.url,
          secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
          eventId: `evt_${i}`,
          eventType: 'message.delivered',
          payload: { type: 'message.delivered', data: { n: i } },
          sign: standardWebhooksSigner,
        });
      }
      await engine.settle();
      expect(receiver.failed).toBe(events);
      // More than the log's bound of 10,000, and every one is still there, waiting for its retry.
      expect(engine.webhooks.stats()).toEqual({ queued: 0, inFlight: 0, unfinished: events, logged: events });
      expect(clock.state().pendingEvents).toBe(events);

      receiver.status = 200;
      clock.advance(5_000);
      await engine.settle();

      expect(receiver.ok.size).toBe(events);
      expect(receiver.duplicates()).toBe(0);
      expect(engine.webhooks.stats()).toMatchObject({ queued: 0, inFlight: 0, unfinished: 0 });
      expect(clock.state().pendingEvents).toBe(0);
      expect(attempts.filter((a) => a.outcome === 'success')).toHaveLength(events);
      webhookScaleFigures.recovered = { events, successes: receiver.ok.size, failuresSeen: receiver.failed };
    },
    SCALE_TIMEOUT_MS,
  );

  it(
    'an advance releasing 10,000 deliveries: each event exactly once, no timeout, and the provider API answers meanwhile',
    async () => {
      receiver = new CountingReceiver();
      await receiver.start();
      const tenant = 'mk_live_scale_burst';
      const headers = { 'content-type': 'application/json', 'x-api-key': tenant };
      const hook = await fetch(`${base}/msghub/api/v1/webhooks`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ event: 'message.delivered', url: receiver.url }),
        signal: AbortSignal.timeout(REQUEST_MS),
      });
      expect(hook.status).toBe(201);

      // The handler path (as bench/scale.ts fills): what is under test is the burst, not 10,000 POSTs.
      const messages = 10_000;
      let lastId = '';
      for (let i = 0; i < messages; i++) {
        const request: HandlerRequest = {
          method: 'POST',
          path: '/messages/send',
          headers,
          query: {},
          operationId: 'sendMessage',
          tenant: { id: tenant },
          params: {},
          body: { channel: 'sms', to: '+919876543210', body: `burst ${i}` },
        };
        const result = await send(request);
        expect(result.status).toBe(201);
        lastId = (result.body as { messageId: string }).messageId;
      }
      expect(engine.webhooks.stats().logged).toBe(0);

      // queued → sent (1 s) → delivered (2 s later): one advance releases every message.delivered at once.
      clock.advance(3_000);
      expect(engine.webhooks.stats()).toMatchObject({ unfinished: messages, inFlight: 0 });

      // A provider GET at the start of the burst and after every 2,000 deliveries: each is answered
      // while deliveries are still queued or in flight, not after the burst.
      const getAnswered: number[] = [];
      for (const after of [0, 2_000, 4_000, 6_000, 8_000]) {
        await deliveredAtLeast(after);
        const get = await fetch(`${base}/msghub/api/v1/messages/${lastId}`, { headers, signal: AbortSignal.timeout(REQUEST_MS) });
        getAnswered.push(engine.webhooks.stats().unfinished);
        expect(get.status).toBe(200);
        expect(((await get.json()) as { status: string }).status).toBe('delivered');
      }
      expect(getAnswered.every((outstanding) => outstanding > 0)).toBe(true);

      await engine.settle();
      expect(receiver.ok.size).toBe(messages);
      expect(receiver.duplicates()).toBe(0);
      expect(receiver.failed).toBe(0);
      // At most 16 at once to one origin, over as many keep-alive sockets: never a connection per
      // delivery, which overflowed the receiver's listen backlog and left attempts waiting on SYN retries.
      expect(receiver.connections).toBeLessThanOrEqual(16);
      expect(attempts).toHaveLength(messages);
      expect(attempts.filter((a) => a.error !== undefined)).toEqual([]);
      expect(attempts.every((a) => a.outcome === 'success')).toBe(true);

      // Every attempt of the run reads back through the control API, 1,000 at a time.
      const readBack = new Map<string, { status: string; attempts: unknown[] }>();
      let cursor: string | null = null;
      do {
        const query = `provider=msghub&limit=1000${cursor ? `&cursor=${cursor}` : ''}`;
        const page = (await (await fetch(`${base}/_sim/webhooks/deliveries?${query}`, { signal: AbortSignal.timeout(REQUEST_MS) })).json()) as {
          data: Array<{ id: string; status: string; attempts: unknown[] }>;
          total: number;
          nextCursor: string | null;
        };
        expect(page.total).toBe(messages);
        for (const delivery of page.data) readBack.set(delivery.id, delivery);
        cursor = page.nextCursor;
      } while (cursor);
      expect(readBack.size).toBe(messages);
      expect([...readBack.values()].every((d) => d.status === 'succeeded' && d.attempts.length === 1)).toBe(true);
      webhookScaleFigures.burst = {
        events: messages,
        successes: receiver.ok.size,
        connections: receiver.connections,
        outstandingWhenGetsAnswered: getAnswered,
      };
    },
    SCALE_TIMEOUT_MS,
  );
});
