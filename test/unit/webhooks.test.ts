import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo, type LookupFunction } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Clock } from '../../src/engine/clock.js';
import { IdGenerator, SeededRandom } from '../../src/engine/random.js';
import { createHttpTransport, type Deadline } from '../../src/engine/webhook-post.js';
import { standardWebhooksSigner, verifyStandardWebhook, type WebhookSigner } from '../../src/engine/webhook-signing.js';
import { webhookAddressPolicy, webhookUrlPolicy } from '../../src/engine/webhook-url-policy.js';
import {
  WebhookDispatcher,
  type DeliveryTransition,
  type WebhookDelivery,
  type WebhookDeliveryFilter,
  type WebhookDispatcherOptions,
  type WebhookRequest,
} from '../../src/engine/webhooks.js';

// ---------------------------------------------------------------------------------------------------
// A real HTTP receiver on 127.0.0.1: records every request and answers from a per-test script.

interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

type Reply =
  | { status: number; body?: string; headers?: Record<string, string> }
  | 'hang' // never answers (timeout test)
  | 'reset' // destroys the socket (connection reset)
  | 'partial' // answers 200 and the start of a body, then never ends it
  | { stallUntil: () => number }; // answers 200, then blocks this process's event loop (sender's included) until clock.realNow() reaches it

class Receiver {
  readonly received: ReceivedRequest[] = [];
  private script: Reply[] = [];
  private readonly server: Server;
  private readonly hanging = new Set<ServerResponse>();
  url = '';

  constructor() {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
  }

  /** Replies used in order; once used up, every request gets a 200. */
  answer(...replies: Reply[]): void {
    this.script = replies;
  }

  clear(): void {
    this.received.length = 0;
    this.script = [];
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
  }

  async stop(): Promise<void> {
    this.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string') headers[name] = value;
      }
      this.received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const reply = this.script.shift() ?? { status: 200, body: 'ok' };
      if (reply === 'hang') {
        this.hanging.add(res);
        return;
      }
      if (reply === 'reset') {
        req.socket.destroy();
        return;
      }
      if (reply === 'partial') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('par');
        this.hanging.add(res);
        return;
      }
      if ('stallUntil' in reply) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
        // Busy-waits on purpose: a stand-in for a large synchronous clock advance.
        const until = reply.stallUntil();
        while (clock.realNow() < until);
        return;
      }
      res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
      res.end(reply.body ?? '');
    });
  }
}

// ---------------------------------------------------------------------------------------------------

const START = Date.parse('2024-04-08T10:30:00Z');
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

const receiver = new Receiver();
let clock: Clock;
let dispatcher: WebhookDispatcher;

beforeAll(() => receiver.start());
afterAll(() => receiver.stop());

function makeDispatcher(options: Partial<WebhookDispatcherOptions> = {}): WebhookDispatcher {
  dispatcher = new WebhookDispatcher(clock, { ids: new IdGenerator(new SeededRandom(42)), ...options });
  return dispatcher;
}

beforeEach(() => {
  receiver.clear();
  clock = new Clock({ mode: 'manual', start: START });
  makeDispatcher();
});

afterEach(async () => {
  dispatcher.reset();
  receiver.clear();
  await dispatcher.settle();
  clock.close();
});

function request(overrides: Partial<WebhookRequest> = {}): WebhookRequest {
  return {
    namespace: 'acme',
    tenant: 'tenant-a',
    endpointId: 'sub_1',
    url: `${receiver.url}/hooks`,
    secret: SECRET,
    eventId: 'evt_0001',
    eventType: 'message.delivered',
    payload: { type: 'message.delivered', data: { id: 'msg_1', to: '+15005550000', text: 'héllo ✓' } },
    sign: standardWebhooksSigner,
    subject: 'msg_1',
    ...overrides,
  };
}

/** Advances the simulated clock and waits for the attempts it started. */
async function advance(ms: number): Promise<void> {
  clock.advance(ms);
  await dispatcher.settle();
}

describe('WebhookDispatcher — delivery and signing', () => {
  it('returns at once and delivers without the clock moving', async () => {
    const delivery = dispatcher.dispatch(request());
    expect(delivery.id).toMatch(/^whd_[0-9A-Za-z]{16}$/);
    expect(delivery.status).toBe('pending');
    expect(delivery.createdAt).toBe('2024-04-08T10:30:00.000Z');
    expect(delivery.attempts).toEqual([]);
    expect(receiver.received).toHaveLength(0);

    await dispatcher.settle();

    expect(receiver.received).toHaveLength(1);
    expect(delivery.status).toBe('succeeded');
    expect(delivery.nextAttemptAt).toBeNull();
    expect(delivery.attempts).toHaveLength(1);
    const [attempt] = delivery.attempts;
    expect(attempt).toMatchObject({
      attempt: 1,
      at: '2024-04-08T10:30:00.000Z',
      outcome: 'success',
      response: { status: 200, body: 'ok' },
    });
    expect(attempt?.error).toBeUndefined();
    expect(dispatcher.get(delivery.id)).toBe(delivery);
  });

  it('sends a signed POST that verifies with verifyStandardWebhook and with a hand-computed HMAC', async () => {
    const delivery = dispatcher.dispatch(request({ headers: { 'X-Extra': 'yes', 'User-Agent': 'custom/2' } }));
    await dispatcher.settle();

    const [received] = receiver.received;
    if (!received) throw new Error('nothing received');
    expect(received.method).toBe('POST');
    expect(received.path).toBe('/hooks');
    expect(received.body).toBe(JSON.stringify(request().payload));
    expect(received.headers['content-type']).toBe('application/json');
    expect(received.headers['x-extra']).toBe('yes');
    // Provider headers may replace the defaults, without producing a duplicate header.
    expect(received.headers['user-agent']).toBe('custom/2');
    expect(received.headers['webhook-id']).toBe('evt_0001');
    expect(received.headers['webhook-timestamp']).toBe(String(Math.floor(START / 1000)));

    expect(verifyStandardWebhook(SECRET, received.headers, received.body)).toBe(true);
    expect(verifyStandardWebhook(SECRET, received.headers, `${received.body} `)).toBe(false);

    const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key)
      .update(`evt_0001.${Math.floor(START / 1000)}.${received.body}`)
      .digest('base64');
    expect(received.headers['webhook-signature']).toBe(`v1,${expected}`);

    // The log shows exactly what went on the wire.
    const logged = delivery.attempts[0]?.request;
    expect(logged?.body).toBe(received.body);
    expect(logged?.url).toBe(`${receiver.url}/hooks`);
    expect(logged?.headers['webhook-signature']).toBe(received.headers['webhook-signature']);
  });

  it('uses the default user agent when the provider sets none', async () => {
    dispatcher.dispatch(request());
    await dispatcher.settle();
    expect(receiver.received[0]?.headers['user-agent']).toBe('msgsim-webhooks/1.0');
  });

  it('works with a provider-specific signer', async () => {
    const hexSigner: WebhookSigner = ({ secret, rawBody }) => ({
      'X-Acme-Signature': `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`,
    });
    dispatcher.dispatch(request({ secret: 'plain', sign: hexSigner }));
    await dispatcher.settle();
    const [received] = receiver.received;
    expect(received?.headers['x-acme-signature']).toBe(
      `sha256=${createHmac('sha256', 'plain')
        .update(received?.body ?? '')
        .digest('hex')}`,
    );
    expect(received?.headers['webhook-signature']).toBeUndefined();
  });

  it('snapshots the payload: later changes to the caller object neither alter the log nor the retries', async () => {
    receiver.answer({ status: 500 });
    const payload = { n: 1 };
    const delivery = dispatcher.dispatch(request({ payload }));
    payload.n = 2;
    await dispatcher.settle();
    await advance(5 * SECOND);
    expect(delivery.payload).toEqual({ n: 1 });
    expect(receiver.received.map((r) => r.body)).toEqual(['{"n":1}', '{"n":1}']);
  });

  it('keeps at most 4 KiB of the response body', async () => {
    receiver.answer({ status: 200, body: 'x'.repeat(64 * 1024) });
    const delivery = dispatcher.dispatch(request());
    await dispatcher.settle();
    expect(delivery.status).toBe('succeeded');
    expect(delivery.attempts[0]?.response?.body).toBe('x'.repeat(4096));
    expect(delivery.attempts[0]?.response?.headers['content-type']).toBe('text/plain');
  });

  it('calls onChange after every attempt', async () => {
    const seen: string[] = [];
    makeDispatcher({
      retrySchedule: [0, 10],
      onChange: (d) => seen.push(`${d.status}:${d.attempts.length}`),
    });
    receiver.answer({ status: 500 });
    dispatcher.dispatch(request());
    await dispatcher.settle();
    await advance(10);
    expect(seen).toEqual(['retrying:1', 'succeeded:2']);
  });

  it('survives a listener that throws and reports it', async () => {
    const reported: unknown[] = [];
    makeDispatcher({
      onChange: () => {
        throw new Error('listener bug');
      },
      onListenerError: (error) => reported.push(error),
    });
    const delivery = dispatcher.dispatch(request());
    await dispatcher.settle();
    expect(delivery.status).toBe('succeeded');
    expect(reported).toHaveLength(1);
  });
});

describe('WebhookDispatcher — retries on the clock', () => {
  it('retries only when the clock is advanced by the schedule, with the same body and event id', async () => {
    receiver.answer({ status: 500 }, { status: 502 }, { status: 200 });
    const delivery = dispatcher.dispatch(request());
    await dispatcher.settle();

    expect(receiver.received).toHaveLength(1);
    expect(delivery.status).toBe('retrying');
    expect(delivery.nextAttemptAt).toBe('2024-04-08T10:30:05.000Z');
    expect(delivery.attempts[0]).toMatchObject({ outcome: 'failure', response: { status: 500 } });

    await advance(5 * SECOND - 1);
    expect(receiver.received).toHaveLength(1);
    await advance(1);
    expect(receiver.received).toHaveLength(2);
    expect(delivery.status).toBe('retrying');
    expect(delivery.nextAttemptAt).toBe('2024-04-08T10:35:05.000Z');

    await advance(5 * MINUTE - 1);
    expect(receiver.received).toHaveLength(2);
    await advance(1);
    expect(receiver.received).toHaveLength(3);
    expect(delivery.status).toBe('succeeded');
    expect(delivery.nextAttemptAt).toBeNull();

    expect(delivery.attempts.map((a) => [a.attempt, a.at, a.outcome, a.response?.status])).toEqual([
      [1, '2024-04-08T10:30:00.000Z', 'failure', 500],
      [2, '2024-04-08T10:30:05.000Z', 'failure', 502],
      [3, '2024-04-08T10:35:05.000Z', 'success', 200],
    ]);

    // At-least-once: identical bytes and event id on every attempt, each signed afresh with its own time.
    const bodies = new Set(receiver.received.map((r) => r.body));
    expect(bodies.size).toBe(1);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id']))).toEqual(new Set(['evt_0001']));
    expect(receiver.received.map((r) => r.headers['webhook-timestamp'])).toEqual([
      String(Date.parse('2024-04-08T10:30:00Z') / 1000),
      String(Date.parse('2024-04-08T10:30:05Z') / 1000),
      String(Date.parse('2024-04-08T10:35:05Z') / 1000),
    ]);
    for (const r of receiver.received) expect(verifyStandardWebhook(SECRET, r.headers, r.body)).toBe(true);
  });

  it('gives up after the last attempt of the default schedule with status failed and every attempt logged', async () => {
    receiver.answer(...Array.from({ length: 10 }, () => ({ status: 503 })));
    const delivery = dispatcher.dispatch(request());
    await dispatcher.settle();
    for (const delay of [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR]) {
      expect(delivery.status).toBe('retrying');
      await advance(delay);
    }
    expect(receiver.received).toHaveLength(6);
    expect(delivery.status).toBe('failed');
    expect(delivery.nextAttemptAt).toBeNull();
    expect(delivery.attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(delivery.attempts.map((a) => a.at)).toEqual([
      '2024-04-08T10:30:00.000Z',
      '2024-04-08T10:30:05.000Z',
      '2024-04-08T10:35:05.000Z',
      '2024-04-08T11:05:05.000Z',
      '2024-04-08T13:05:05.000Z',
      '2024-04-08T18:05:05.000Z',
    ]);
    expect(delivery.attempts.every((a) => a.outcome === 'failure' && a.response?.status === 503)).toBe(true);

    await advance(48 * HOUR);
    expect(receiver.received).toHaveLength(6);
    expect(clock.state().pendingEvents).toBe(0);
  });

  it('follows a schedule set at runtime', async () => {
    dispatcher.setRetrySchedule([0, 10, 20]);
    receiver.answer({ status: 500 }, { status: 500 }, { status: 500 });
    const delivery = dispatcher.dispatch(request());
    await dispatcher.settle();
    await advance(10);
    await advance(20);
    expect(delivery.status).toBe('failed');
    expect(delivery.attempts).toHaveLength(3);
    expect(() => dispatcher.setRetrySchedule([])).toThrow(/retrySchedule/);
    expect(() => dispatcher.setRetrySchedule([0, -1])).toThrow(/retrySchedule/);
  });

  it('a schedule of one entry means a single attempt', async () => {
    makeDispatcher({ retrySchedule: [0] });
    receiver.answer({ status: 500 });
    const delivery = dispatcher.dispatch(request());
    await dispatcher.settle();
    expect(delivery.status).toBe('failed');
    expect(clock.state().pendingEvents).toBe(0);
  });
});

describe('WebhookDispatcher — outcomes', () => {
  it('410 disables the delivery, calls onGone and never retries', async () => {
    const gone: WebhookDelivery[] = [];
    makeDispatcher({ onGone: (d) => gone.push(d) });
    receiver.answer({ status: 410, body: 'unsubscribed' });
    const delivery = dispatcher.dispatch(request());
    await dispatcher.settle();

    expect(delivery.status).toBe('disabled');
    expect(delivery.nextAttemptAt).toBeNull();
    expect(delivery.attempts[0]).toMatchObject({ outcome: 'gone', response: { status: 410, body: 'unsubscribed' } });
    expect(gone).toEqual([delivery]);
    expect(gone[0]?.endpointId).toBe('sub_1');

    await advance(24 * HOUR);
    expect(receiver.received).toHaveLength(1);
  });

  it('a 3xx redirect is a failure and is not followed', async () => {
    receiver.answer({ status: 302, headers: { location: '/elsewhere' } });
    const delivery = dispatcher.dispatch(request());
    await dispatcher.settle();

    expect(receiver.received.map((r) => r.path)).toEqual(['/hooks']);
    expect(delivery.status).toBe('retrying');
    expect(delivery.attempts[0]).toMatchObject({ outcome: 'failure', response: { status: 302 } });
    expect(delivery.attempts[0]?.response?.headers.location).toBe('/elsewhere');
  });

  it('a 4xx other than 410 is a failure and is retried', async () => {
    receiver.answer({ status: 400 });
    const delivery = dispatcher.dispatch(request());
    await dispatcher.settle();
    expect(delivery.status).toBe('retrying');
    await advance(5 * SECOND);
    expect(delivery.status).toBe('succeeded');
  });

  it('connection refused (closed port) is a failure logged with an error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const delivery = dispatcher.dispatch(request({ url: `http://127.0.0.1:${port}/hooks` }));
    await dispatcher.settle();
    expect(delivery.status).toBe('retrying');
    expect(delivery.attempts[0]?.outcome).toBe('failure');
    expect(delivery.attempts[0]?.response).toBeUndefined();
    expect(delivery.attempts[0]?.error).toMatch(/ECONNREFUSED/);
  });

  it('a connection reset is a failure logged with an error, and the retry can succeed', async () => {
    receiver.answer('reset');
    const delivery = dispatcher.dispatch(request());
    await dispatcher.settle();
    expect(receiver.received).toHaveLength(1);
    expect(delivery.status).toBe('retrying');
    expect(delivery.attempts[0]?.outcome).toBe('failure');
    expect(delivery.attempts[0]?.response).toBeUndefined();
    expect(delivery.attempts[0]?.error).toEqual(expect.any(String));
    expect(delivery.attempts[0]?.error).not.toBe('');

    await advance(5 * SECOND);
    expect(delivery.status).toBe('succeeded');
  });

  it('a receiver that does not answer within timeoutMs is a failure (real wall-time wait of 200 ms)', async () => {
    makeDispatcher({ timeoutMs: 200 });
    receiver.answer('hang');
    const delivery = dispatcher.dispatch(request());
    await dispatcher.settle();
    expect(delivery.status).toBe('retrying');
    expect(delivery.attempts[0]?.outcome).toBe('failure');
    expect(delivery.attempts[0]?.error).toBe('timeout after 200 ms');
  });
});

describe('WebhookDispatcher — the dispatch pool', () => {
  it('the timeout runs from when the request is sent, not while the attempt waits for a slot', async () => {
    const deadlines: Deadline[] = [];
    makeDispatcher({
      maxConcurrent: 1,
      timeoutMs: 100,
      transport: ({ deadline }) => {
        deadlines.push(deadline);
        // The first receiver never answers: its attempt holds the only slot until its own timeout.
        if (deadlines.length === 1) return new Promise((_resolve, reject) => deadline.onExpire(reject));
        // The second waited in line for more than its timeout, yet its deadline has not passed.
        expect(deadline.expired).toBe(false);
        return Promise.resolve({ status: 200, headers: {}, body: 'ok' });
      },
    });
    const slow = dispatcher.dispatch(request({ eventId: 'evt_slow' }));
    const queued = dispatcher.dispatch(request({ eventId: 'evt_queued' }));
    await dispatcher.settle();
    expect(slow.attempts[0]?.error).toBe('timeout after 100 ms');
    // The second waited in line for more than its own timeout, yet its deadline started only when it was sent.
    expect(deadlines).toHaveLength(2);
    expect(queued.status).toBe('succeeded');
    expect(queued.attempts).toHaveLength(1);
    expect(queued.attempts[0]?.error).toBeUndefined();
  });

  it('at most maxPerOrigin requests reach one receiver at once, over as many reused sockets; settle waits for those still in line', async () => {
    let open = 0;
    let peak = 0;
    const held: ServerResponse[] = [];
    const bounded = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        open++;
        peak = Math.max(peak, open);
        held.push(res);
        // Answers everything held once the pool is full, or once nothing more can arrive.
        const { queued, inFlight } = dispatcher.stats();
        if (held.length === 4 || (queued === 0 && held.length === inFlight)) {
          for (const waiting of held.splice(0)) {
            open--;
            waiting.end('ok');
          }
        }
      });
    });
    let connections = 0;
    bounded.on('connection', () => connections++);
    await new Promise<void>((resolve) => bounded.listen(0, '127.0.0.1', resolve));
    try {
      makeDispatcher({ maxConcurrent: 64, maxPerOrigin: 4 });
      const url = `http://127.0.0.1:${(bounded.address() as AddressInfo).port}/hooks`;
      const deliveries = Array.from({ length: 30 }, (_, i) => dispatcher.dispatch(request({ url, eventId: `evt_${i}` })));
      expect(dispatcher.stats()).toMatchObject({ queued: 30, inFlight: 0, unfinished: 30 });
      await dispatcher.settle();
      expect(deliveries.every((d) => d.status === 'succeeded')).toBe(true);
      expect(peak).toBe(4);
      // The transport's keep-alive Agent holds one socket per slot and reuses it.
      expect(connections).toBeLessThanOrEqual(4);
      expect(dispatcher.stats()).toEqual({ queued: 0, inFlight: 0, unfinished: 0, logged: 30 });
    } finally {
      bounded.closeAllConnections();
      await new Promise<void>((resolve) => bounded.close(() => resolve()));
    }
  });

  it("a reset takes the reset tenant's attempts out of line; the one in flight records nothing", async () => {
    makeDispatcher({ maxConcurrent: 1 });
    receiver.answer('hang');
    const inFlight = dispatcher.dispatch(request({ tenant: 'tenant-a', eventId: 'evt_a1' }));
    const other = dispatcher.dispatch(request({ tenant: 'tenant-b', eventId: 'evt_b1' }));
    const queued = dispatcher.dispatch(request({ tenant: 'tenant-a', eventId: 'evt_a2' }));
    while (receiver.received.length === 0) await new Promise((resolve) => setImmediate(resolve));
    expect(dispatcher.stats()).toMatchObject({ queued: 2, inFlight: 1 });
    dispatcher.reset('acme', 'tenant-a');
    expect(dispatcher.stats()).toMatchObject({ queued: 1, inFlight: 1, unfinished: 1, logged: 1 });
    receiver.clear(); // the hanging request's socket is destroyed: its attempt ends
    await dispatcher.settle();
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual(['evt_b1']);
    expect(other.status).toBe('succeeded');
    expect(inFlight.attempts).toHaveLength(0);
    expect(queued.attempts).toHaveLength(0);
  });

  it('close sends nothing more from the line and resolves once the attempt in flight is over', async () => {
    makeDispatcher({ maxConcurrent: 1 });
    const first = dispatcher.dispatch(request({ eventId: 'evt_1' }));
    const second = dispatcher.dispatch(request({ eventId: 'evt_2' }));
    await Promise.resolve();
    await dispatcher.close();
    expect(first.status).toBe('succeeded');
    expect(second.status).toBe('pending');
    expect(receiver.received).toHaveLength(1);
    expect(dispatcher.stats()).toMatchObject({ queued: 0, inFlight: 0 });
  });

  it('an answer that came while the event loop was blocked past the deadline is a success, not a timeout', async () => {
    // The receiver answers at once, then blocks the loop until the deadline is 100 ms overdue: when the
    // loop resumes, the timer is due, and timers run before socket reads in a loop turn.
    const timeoutMs = 500;
    let sentAt = Infinity;
    const http = createHttpTransport(1);
    makeDispatcher({
      timeoutMs,
      transport: (post) => {
        sentAt = clock.realNow();
        return http.post(post);
      },
    });
    receiver.answer({ stallUntil: () => sentAt + timeoutMs + 100 });
    const delivery = dispatcher.dispatch(request());
    await dispatcher.settle();
    expect(delivery.attempts[0]?.error).toBeUndefined();
    expect(delivery.status).toBe('succeeded');
    expect(delivery.attempts[0]?.durationMs).toBeGreaterThan(timeoutMs);
    http.close();
  });

  it('reports every state change to onTransition, in order', async () => {
    const seen: string[] = [];
    const describe = (t: DeliveryTransition): string => {
      const tag = `${t.kind} ${(t.state.delivery.payload as { n?: number }).n ?? ''}`.trim();
      if (t.kind === 'attempt-started') return `${tag} #${t.attempt}`;
      if (t.kind === 'attempt-finished') return `${tag} ${t.attempt.outcome}`;
      if (t.kind === 'retry-scheduled') return `${tag} ${t.at}`;
      if (t.kind === 'finished') return `${tag} ${t.state.delivery.status}`;
      if (t.kind === 'dropped') return `${tag} ${t.reason}`;
      return tag;
    };
    makeDispatcher({ maxLogEntries: 1, onTransition: (t) => seen.push(describe(t)) });
    receiver.answer({ status: 500 });
    const state = dispatcher.dispatch(request({ payload: { n: 1 } }));
    await dispatcher.settle();
    await advance(5 * SECOND);
    dispatcher.dispatch(request({ payload: { n: 2 } }));
    await dispatcher.settle();
    dispatcher.dispatch(request({ payload: { n: 3 }, tenant: 'tenant-b' }));
    dispatcher.reset('acme', 'tenant-b');
    expect(state.status).toBe('succeeded');
    expect(seen).toEqual([
      'created 1',
      'attempt-started 1 #1',
      'attempt-finished 1 failure',
      'retry-scheduled 1 2024-04-08T10:30:05.000Z',
      'attempt-started 1 #2',
      'attempt-finished 1 success',
      'finished 1 succeeded',
      'created 2',
      'attempt-started 2 #1',
      'attempt-finished 2 success',
      'finished 2 succeeded',
      'dropped 1 forgotten',
      'created 3',
      'dropped 3 reset',
    ]);
    // The state handed over is plain JSON, the signer aside.
    const created = JSON.parse(JSON.stringify({ ...state })) as unknown;
    expect(created).toEqual(state);
  });
});

describe('WebhookDispatcher — pages', () => {
  const walk = (filter: WebhookDeliveryFilter = {}, limit = 10, between?: () => void) => {
    const pages: string[][] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = dispatcher.page({ filter, limit, ...(cursor !== undefined ? { cursor } : {}) });
      pages.push(page.deliveries.map((d) => d.id));
      if (page.nextCursor === null) return pages;
      cursor = page.nextCursor;
      between?.();
    }
  };

  it('walks every delivery once, newest first, while new ones arrive between pages', async () => {
    const first = Array.from({ length: 25 }, (_, i) => dispatcher.dispatch(request({ eventId: `evt_${i}` })));
    let added = 0;
    const pages = walk({}, 10, () => {
      dispatcher.dispatch(request({ eventId: `evt_new_${added++}` }));
    });
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    expect(pages.flat()).toEqual(first.map((d) => d.id).reverse());
    expect(added).toBe(2);
    expect(dispatcher.page({ limit: 1000 }).total).toBe(27);
    await dispatcher.settle();
  });

  it('pages a filter, with total counting every match', async () => {
    receiver.answer(...Array.from({ length: 5 }, () => ({ status: 500 })));
    for (let i = 0; i < 12; i++) dispatcher.dispatch(request({ eventId: `evt_${i}`, tenant: i % 2 ? 'tenant-odd' : 'tenant-even' }));
    await dispatcher.settle();
    const odd = dispatcher.page({ filter: { tenant: 'tenant-odd' }, limit: 4 });
    expect(odd.total).toBe(6);
    expect(odd.deliveries.every((d) => d.tenant === 'tenant-odd')).toBe(true);
    expect(walk({ tenant: 'tenant-odd' }, 4).flat()).toEqual(dispatcher.list({ tenant: 'tenant-odd' }).map((d) => d.id));
    expect(dispatcher.page({ filter: { status: 'retrying' }, limit: 100 }).total).toBe(5);
    expect(dispatcher.page({ filter: { tenant: 'nobody' }, limit: 10 })).toEqual({ deliveries: [], total: 0, nextCursor: null });
  });

  it('a cursor stays valid when its delivery is forgotten or reset', async () => {
    makeDispatcher({ maxLogEntries: 3 });
    const sent = [];
    for (let i = 0; i < 6; i++) {
      sent.push(dispatcher.dispatch(request({ eventId: `evt_${i}`, tenant: `tenant-${i}` })));
      await dispatcher.settle();
    }
    const firstPage = dispatcher.page({ limit: 2 });
    expect(firstPage.deliveries.map((d) => d.id)).toEqual([sent[5]!.id, sent[4]!.id]);
    dispatcher.reset('acme', 'tenant-4');
    const next = dispatcher.page({ limit: 2, cursor: firstPage.nextCursor! });
    expect(next.deliveries.map((d) => d.id)).toEqual([sent[3]!.id]);
    expect(next.nextCursor).toBeNull();
  });

  it('a malformed or edited cursor is an invalid_request naming cursor', () => {
    const page = (cursor: string) => () => dispatcher.page({ limit: 10, cursor });
    for (const cursor of ['nope', '', 'djEuMC4xMDEuNjQwNGVjYjM', '%%%']) {
      expect(page(cursor)).toThrow(expect.objectContaining({ kind: 'invalid_request', field: 'cursor' }));
    }
  });
});

describe('WebhookDispatcher — a body cut short', () => {
  it('a 2xx whose body does not end within timeoutMs is a success, with the timeout noted (real wall-time wait of 200 ms)', async () => {
    makeDispatcher({ timeoutMs: 200 });
    receiver.answer('partial');
    const delivery = dispatcher.dispatch(request());
    await dispatcher.settle();
    expect(delivery.status).toBe('succeeded');
    expect(delivery.attempts[0]).toMatchObject({ outcome: 'success', response: { status: 200, body: 'par' }, error: 'response body: timeout after 200 ms' });
  });
});

describe('WebhookDispatcher — never throws', () => {
  it('an invalid URL, an unsupported scheme or a throwing signer become logged failures', async () => {
    const broken = [
      dispatcher.dispatch(request({ url: 'not a url' })),
      dispatcher.dispatch(request({ url: 'ftp://127.0.0.1/hooks' })),
      dispatcher.dispatch(
        request({
          sign: () => {
            throw new Error('bad secret');
          },
        }),
      ),
    ];
    await dispatcher.settle();
    for (const delivery of broken) {
      expect(delivery.status).toBe('retrying');
      expect(delivery.attempts[0]?.outcome).toBe('failure');
      expect(delivery.attempts[0]?.error).toEqual(expect.any(String));
    }
    expect(broken[2]?.attempts[0]?.error).toContain('bad secret');
    expect(receiver.received).toHaveLength(0);
  });
});

describe('WebhookDispatcher — the address a host name resolves to', () => {
  // A stand-in for dns.lookup, so no DNS is asked: names resolve as this table says.
  const table: Record<string, string> = { 'metadata.test': '169.254.169.254', 'receiver.test': '127.0.0.1' };
  const lookups: string[] = [];
  const lookup: LookupFunction = (host, options, callback) => {
    lookups.push(host);
    const address = table[host];
    if (!address) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }), '', 0);
    if (options.all) callback(null, [{ address, family: isIP(address) }]);
    else callback(null, address, isIP(address));
  };
  const underStar = (): WebhookDispatcher => makeDispatcher({ allowUrl: webhookUrlPolicy(['*']), allowAddress: webhookAddressPolicy(['*']), lookup });
  const at = (host: string, path: string): string => `http://${host}:${new URL(receiver.url).port}${path}`;

  beforeEach(() => {
    lookups.length = 0;
  });

  it('under *, a name resolving to 169.254.169.254 is never connected to: not sent, failed, not retried', async () => {
    underStar();
    const delivery = dispatcher.dispatch(request({ url: at('metadata.test', '/latest/meta-data/') }));
    await dispatcher.settle();
    await advance(6 * HOUR);
    expect(delivery.status).toBe('failed');
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0]?.error).toMatch(
      /^not sent: 169\.254\.169\.254, which metadata\.test resolves to, is not on the webhook allowlist \(\*\).*link-local and cloud metadata addresses must be named/,
    );
    expect(lookups).toEqual(['metadata.test']);
    expect(receiver.received).toHaveLength(0);
  });

  it('under *, a name resolving to 127.0.0.1 is delivered, over one connection checked once', async () => {
    underStar();
    const deliveries = [];
    for (const eventId of ['evt_1', 'evt_2', 'evt_3']) {
      deliveries.push(dispatcher.dispatch(request({ url: at('receiver.test', '/hooks'), eventId })));
      await dispatcher.settle();
    }
    expect(deliveries.map((d) => d.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(receiver.received.map((r) => r.headers.host)).toEqual(Array(3).fill(`receiver.test:${new URL(receiver.url).port}`));
    // The check is made when a connection opens; the kept-alive one is reused for the same host and port.
    expect(lookups).toEqual(['receiver.test']);
    await dispatcher.close();
  });

  it("a resolver's own error is a network failure, retried as usual", async () => {
    underStar();
    const delivery = dispatcher.dispatch(request({ url: at('nowhere.test', '/hooks') }));
    await dispatcher.settle();
    expect(delivery.status).toBe('retrying');
    expect(delivery.attempts[0]?.error).toMatch(/ENOTFOUND nowhere\.test/);
  });
});

describe('WebhookDispatcher — replay', () => {
  it('sends the same event again with the same id and bytes, as a new delivery', async () => {
    const original = dispatcher.dispatch(request());
    await dispatcher.settle();
    await advance(HOUR);

    const replay = dispatcher.replay(original.id);
    if (!replay) throw new Error('replay returned nothing');
    await dispatcher.settle();

    expect(replay.id).not.toBe(original.id);
    expect(replay.replayOf).toBe(original.id);
    expect(replay.eventId).toBe(original.eventId);
    expect(replay.createdAt).toBe('2024-04-08T11:30:00.000Z');
    expect(replay.status).toBe('succeeded');
    expect(replay.attempts.map((a) => a.attempt)).toEqual([1]);
    expect(original.attempts).toHaveLength(1);

    const [first, second] = receiver.received;
    expect(second?.body).toBe(first?.body);
    expect(second?.headers['webhook-id']).toBe(first?.headers['webhook-id']);
    expect(second?.headers['webhook-timestamp']).toBe(String(Date.parse('2024-04-08T11:30:00Z') / 1000));
    expect(verifyStandardWebhook(SECRET, second?.headers ?? {}, second?.body ?? '')).toBe(true);

    expect(dispatcher.list().map((d) => d.id)).toEqual([replay.id, original.id]);
    expect(dispatcher.replay('whd_unknown')).toBeUndefined();
  });

  it('a replayed delivery retries on its own schedule', async () => {
    receiver.answer({ status: 200 }, { status: 500 });
    const original = dispatcher.dispatch(request());
    await dispatcher.settle();
    const replay = dispatcher.replay(original.id);
    await dispatcher.settle();
    expect(replay?.status).toBe('retrying');
    await advance(5 * SECOND);
    expect(replay?.status).toBe('succeeded');
    expect(original.attempts).toHaveLength(1);
  });
});

describe('WebhookDispatcher — reset and the log', () => {
  it('reset cancels pending retries', async () => {
    receiver.answer({ status: 500 }, { status: 500 });
    const doomed = dispatcher.dispatch(request({ tenant: 'tenant-a' }));
    const kept = dispatcher.dispatch(request({ tenant: 'tenant-b', eventId: 'evt_0002' }));
    await dispatcher.settle();
    expect(doomed.status).toBe('retrying');
    expect(kept.status).toBe('retrying');
    expect(clock.state().pendingEvents).toBe(2);

    dispatcher.reset('acme', 'tenant-a');
    expect(dispatcher.get(doomed.id)).toBeUndefined();
    expect(dispatcher.list().map((d) => d.id)).toEqual([kept.id]);
    expect(clock.state().pendingEvents).toBe(1);

    await advance(24 * HOUR);
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual(['evt_0001', 'evt_0002', 'evt_0002']);
    expect(doomed.attempts).toHaveLength(1);
    expect(kept.status).toBe('succeeded');

    dispatcher.reset();
    expect(dispatcher.list()).toEqual([]);
  });

  it('reset of a namespace leaves other namespaces alone', () => {
    dispatcher.dispatch(request({ namespace: 'acme' }));
    const other = dispatcher.dispatch(request({ namespace: 'globex' }));
    dispatcher.reset('acme');
    expect(dispatcher.list()).toEqual([other]);
  });

  it('an attempt in flight during reset is not logged and schedules nothing', async () => {
    receiver.answer({ status: 500 });
    const delivery = dispatcher.dispatch(request());
    dispatcher.reset();
    await dispatcher.settle();
    expect(delivery.attempts).toHaveLength(0);
    expect(clock.state().pendingEvents).toBe(0);
  });

  it('list filters and returns newest first', async () => {
    receiver.answer({ status: 500 });
    const a = dispatcher.dispatch(request({ eventType: 'message.failed', subject: 'msg_a', endpointId: 'sub_1' }));
    const b = dispatcher.dispatch(request({ tenant: 'tenant-b', subject: 'msg_b', endpointId: 'sub_2' }));
    const c = dispatcher.dispatch(request({ namespace: 'globex', subject: 'msg_a', endpointId: undefined }));
    await dispatcher.settle();

    const ids = (list: WebhookDelivery[]): string[] => list.map((d) => d.id);
    expect(ids(dispatcher.list())).toEqual([c.id, b.id, a.id]);
    expect(ids(dispatcher.list({ namespace: 'acme' }))).toEqual([b.id, a.id]);
    expect(ids(dispatcher.list({ tenant: 'tenant-b' }))).toEqual([b.id]);
    expect(ids(dispatcher.list({ eventType: 'message.failed' }))).toEqual([a.id]);
    expect(ids(dispatcher.list({ subject: 'msg_a' }))).toEqual([c.id, a.id]);
    expect(ids(dispatcher.list({ endpointId: 'sub_2' }))).toEqual([b.id]);
    expect(ids(dispatcher.list({ status: 'retrying' }))).toEqual([a.id]);
    expect(ids(dispatcher.list({ status: 'succeeded', namespace: 'acme' }))).toEqual([b.id]);
    expect(dispatcher.list({ namespace: 'nobody' })).toEqual([]);
    expect('endpointId' in c).toBe(false);
  });

  it('never forgets a pending or retrying delivery; past maxLogEntries finished ones go, the longest finished first', async () => {
    makeDispatcher({ maxLogEntries: 2 });
    receiver.answer({ status: 500 });
    const retrying = dispatcher.dispatch(request({ eventId: 'evt_1' }));
    await dispatcher.settle();
    const first = dispatcher.dispatch(request({ eventId: 'evt_2' }));
    await dispatcher.settle();
    const second = dispatcher.dispatch(request({ eventId: 'evt_3' }));
    await dispatcher.settle();
    expect(dispatcher.list().map((d) => d.id)).toEqual([second.id, first.id, retrying.id]);

    const third = dispatcher.dispatch(request({ eventId: 'evt_4' }));
    await dispatcher.settle();
    // Three finished, two kept: the one that finished first is forgotten; the oldest, still retrying, stays.
    expect(dispatcher.list().map((d) => d.id)).toEqual([third.id, second.id, retrying.id]);
    expect(dispatcher.get(first.id)).toBeUndefined();
    expect(clock.state().pendingEvents).toBe(1);

    await advance(5 * SECOND);
    expect(retrying.status).toBe('succeeded');
    expect(dispatcher.list().map((d) => d.id)).toEqual([third.id, retrying.id]);
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual(['evt_1', 'evt_2', 'evt_3', 'evt_4', 'evt_1']);
  });

  it('keeps 150 retrying deliveries past a bound of 100 and delivers every one when the receiver recovers', async () => {
    // No HTTP here (an injected transport): the point is the log's bound, not the network; the run at the
    // issue's scale (10,500 past 10,000, real HTTP) is test/reliability/webhook-scale.test.ts.
    let up = false;
    const delivered = new Map<string, number>();
    makeDispatcher({
      maxLogEntries: 100,
      transport: async ({ headers }) => {
        if (!up) return { status: 500, headers: {}, body: 'down' };
        const id = headers['webhook-id']!;
        delivered.set(id, (delivered.get(id) ?? 0) + 1);
        return { status: 200, headers: {}, body: 'ok' };
      },
    });
    const total = 150;
    for (let i = 0; i < total; i++) dispatcher.dispatch(request({ eventId: `evt_${i}` }));
    await dispatcher.settle();
    expect(dispatcher.list({ status: 'retrying' })).toHaveLength(total);
    expect(clock.state().pendingEvents).toBe(total);

    up = true;
    await advance(5 * SECOND);
    expect(delivered.size).toBe(total);
    expect([...delivered.values()].every((n) => n === 1)).toBe(true);
    expect(clock.state().pendingEvents).toBe(0);
    // Now all finished: the log keeps its bound of them.
    expect(dispatcher.list()).toHaveLength(100);
    expect(dispatcher.list({ status: 'succeeded' })).toHaveLength(100);
  });

  it('ids are deterministic for a seed', async () => {
    const firstDispatcher = dispatcher;
    const first = firstDispatcher.dispatch(request()).id;
    makeDispatcher();
    expect(dispatcher.dispatch(request()).id).toBe(first);
    await firstDispatcher.settle();
  });
});
