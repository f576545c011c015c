/**
 * `npm run bench:webhooks`: webhook delivery at scale (issue 19). One clock advance releases
 * BENCH_WEBHOOK_N (default 100,000) Msghub `message.delivered` deliveries at once to a local receiver.
 *
 * Processes: msgsim (servers/msgsim-webhook-burst.mjs: the built library, filled through the handler
 * path, manual clock) pinned to core 0; the receiver (servers/webhook-receiver.mjs, answers 204 at once,
 * counts per event id) and this process (autocannon) on core 1.
 *
 * - **Ceiling**: a bare node:http sender (servers/post-flood.mjs) on core 0 posts N bodies of the same
 *   size to the same receiver through the same transport settings (keep-alive Agent, 16 sockets):
 *   what the machine allows without msgsim. Deliveries per second are divided by it. Before it, the
 *   same sender at 1, 4, 16 and 64 at a time (BENCH_WEBHOOK_SWEEP), 20,000 POSTs each: where more
 *   concurrency stops buying throughput, which is what the per-origin limit is set by.
 * - **Run A, throughput**: a fresh msgsim; `POST /_sim/clock/advance {"by":"3s"}`; the time until the
 *   receiver has all N events; then that each arrived exactly once, none is retrying, failed or pending.
 * - **Run B, the provider meanwhile**: a fresh msgsim; `GET /msghub/api/v1/messages/{id}` at 50
 *   connections at rest (warm-up, then BENCH_DURATION s), then the same load without a break from 1 s
 *   before the advance is posted until the receiver has the last event. The burst window runs from the
 *   advance's POST to the last event; every GET in flight at any moment of it counts (the advance itself
 *   runs in ~10 ms slices and serves requests between them, so its stalls are part of the burst). Its
 *   p99 and its longest single GET are divided by the p99 at rest; the GETs in flight during the advance
 *   and those sent after it returned are also shown apart. Then at rest again (a second baseline: on a
 *   shared machine the load can change during a run, and the two rests show it).
 * - **Event-loop stalls**: msgsim records the gaps of a 5 ms timer and the GC pauses inside them
 *   (lib/stall-watch.mjs, read through the burst server's GET /__bench/stalls), from the advance's POST to
 *   the last event, in both runs.
 * - **CPU per delivery**: msgsim's CPU time (/proc) from the advance's POST to the last event, per
 *   delivery, against the bare sender's CPU per POST. It includes the advance (2 status changes per
 *   message, the delivery created): the advance runs in slices and deliveries go out between them, so the
 *   two cannot be timed apart. CPU time does not grow when other work takes the core away, so this ratio
 *   holds better than the per-second one on a busy machine.
 * - **Memory per delivery** in this process, V8 heap after a full GC, for N deliveries queued (a
 *   receiver that never answers), retrying (one failed attempt logged, a retry timer), and finished
 *   (one successful attempt, all kept).
 *
 * Results: printed and written to bench/results/webhooks.md (another N: webhooks-<N>.md; BENCH_WEBHOOK_OUT).
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { Clock } from '../src/engine/clock.js';
import { IdGenerator, SeededRandom } from '../src/engine/random.js';
import { WebhookDispatcher, type WebhookDispatcherOptions } from '../src/engine/webhooks.js';
import type { PostAnswer } from '../src/engine/webhook-post.js';
import { signMsghub } from '../src/providers/msghub/webhooks.js';
import { BENCH_DIR, envNumber, ROOT, runConfig } from './lib/config.js';
import { formatInt, formatMB, formatMs, formatRatio, formatUs, longestStallText, markdownTable, percentile, ratio } from './lib/format.js';
import { measure } from './lib/load.js';
import type { StallReport } from './lib/stall-watch.mjs';
import {
  canPin,
  cpuMs,
  freePort,
  loadAverage,
  LOADGEN_CPU,
  pinSelf,
  pollUntil,
  SERVER_CPU,
  startProcess,
  stopProcess,
  treeRss,
  waitForHttp,
  type ServerProcess,
} from './lib/proc.js';

const N = envNumber('BENCH_WEBHOOK_N', 100_000);
const settings = runConfig();
const SIZE = N % 1_000 === 0 ? `${N / 1_000}k` : String(N);
const OUT = resolve(process.env.BENCH_WEBHOOK_OUT ?? resolve(BENCH_DIR, 'results', N === 100_000 ? 'webhooks.md' : `webhooks-${SIZE}.md`));
const DELIVERY_TIMEOUT_MS = 20 * 60_000;
const TENANT = 'mk_live_webhook_bench';
/** Concurrencies the bare sender is run at (20,000 POSTs each), to show where the rate flattens. */
const SWEEP = (process.env.BENCH_WEBHOOK_SWEEP ?? '1,4,16,64')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const SWEEP_POSTS = 20_000;
const log = (line: string) => process.stderr.write(`${line}\n`);
const execFileAsync = promisify(execFile);

interface ReceiverStats {
  posts: number;
  events: number;
  duplicates: number;
  connections: number;
}

const pinned = canPin(settings.cores) && pinSelf(LOADGEN_CPU);
const onCore = (cpu: number, command: string, args: string[]) =>
  pinned ? { command: 'taskset', args: ['-c', String(cpu), command, ...args] } : { command, args };
const loadBefore = loadAverage();
log(`bench:webhooks: N = ${formatInt(N)}${pinned ? ', msgsim and the ceiling sender on core 0, receiver and autocannon on core 1' : ', unpinned'}`);

/** Whatever this run started is killed when it exits, a crash included, so no server outlives it. */
const children: ServerProcess[] = [];
process.on('exit', () => {
  for (const child of children) if (child.child.exitCode === null) child.child.kill('SIGKILL');
});

const receiverPort = await freePort();
const receiverUrl = `http://127.0.0.1:${receiverPort}/hook`;
const receiver = startProcess({
  name: 'receiver',
  ...onCore(LOADGEN_CPU, process.execPath, [resolve(BENCH_DIR, 'servers', 'webhook-receiver.mjs'), String(receiverPort)]),
  pin: false,
});
children.push(receiver);
await waitForHttp(`http://127.0.0.1:${receiverPort}/stats`, receiver);

const stats = async (method: 'GET' | 'DELETE' = 'GET'): Promise<ReceiverStats> =>
  (await (await fetch(`http://127.0.0.1:${receiverPort}/stats`, { method, signal: AbortSignal.timeout(10_000) })).json()) as ReceiverStats;

/** Polls the receiver until it has every event; its stats then. */
async function allDelivered(server: ServerProcess): Promise<ReceiverStats> {
  return pollUntil(
    server,
    async () => {
      const now = await stats();
      return now.events >= N ? now : undefined;
    },
    { what: `${N} events at the receiver`, intervalMs: 50, timeoutMs: DELIVERY_TIMEOUT_MS },
  );
}

async function startMsgsim(): Promise<{ server: ServerProcess; base: string }> {
  const port = await freePort();
  const script = resolve(BENCH_DIR, 'servers', 'msgsim-webhook-burst.mjs');
  const server = startProcess({
    name: 'msgsim',
    ...onCore(SERVER_CPU, process.execPath, ['--expose-gc', script, String(port)]),
    cwd: ROOT,
    env: { BURST_N: String(N), BURST_RECEIVER: receiverUrl, BURST_TENANT: TENANT },
    pin: false,
  });
  children.push(server);
  const base = `http://127.0.0.1:${port}`;
  const startedMs = await waitForHttp(`${base}/_sim/health`, server, 10 * 60_000);
  log(`  msgsim filled with ${formatInt(N)} queued messages in ${formatMs(startedMs)}`);
  return { server, base };
}

const diff = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined || b === undefined ? undefined : a - b);
const json = async <T>(url: string, init: RequestInit = {}): Promise<T> =>
  (await (await fetch(url, { ...init, signal: AbortSignal.timeout(10 * 60_000) })).json()) as T;

async function advance(base: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${base}/_sim/clock/advance`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"by":"3s"}',
    signal: AbortSignal.timeout(10 * 60_000),
  });
  if (res.status !== 200) throw new Error(`advance answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
  return performance.now() - started;
}

const deliveriesTotal = async (base: string, status: string) =>
  (await json<{ total: number }>(`${base}/_sim/webhooks/deliveries?provider=msghub&status=${status}&limit=1`)).total;

/** msgsim's event-loop stalls since the last call (or its start); the watch starts over. */
const stallsOf = (base: string) => json<StallReport>(`${base}/__bench/stalls`);

/**
 * Once every event has arrived: a moment for the last answers to reach msgsim's log and for any duplicate
 * to arrive, then the receiver's counts again and msgsim's deliveries in each unfinished state.
 */
async function settled(base: string) {
  await sleep(200);
  return {
    received: await stats(),
    retrying: await deliveriesTotal(base, 'retrying'),
    failed: await deliveriesTotal(base, 'failed'),
    pending: await deliveriesTotal(base, 'pending'),
  };
}
const exactlyOnce = (r: { received: ReceiverStats; retrying: number; failed: number; pending: number }) =>
  r.received.events === N && r.received.duplicates === 0 && r.received.posts === N && r.retrying === 0 && r.failed === 0 && r.pending === 0;

// --- the ceiling -----------------------------------------------------------------------------------

log('\nceiling: a bare node:http sender, 16 sockets');
async function flood(posts: number, concurrency: number): Promise<{ posts: number; ms: number; cpuMs: number; rate: number }> {
  const command = onCore(SERVER_CPU, process.execPath, [resolve(BENCH_DIR, 'servers', 'post-flood.mjs'), receiverUrl, String(posts), String(concurrency)]);
  const out = JSON.parse((await execFileAsync(command.command, command.args, { timeout: DELIVERY_TIMEOUT_MS })).stdout) as {
    posts: number;
    ms: number;
    cpuMs: number;
  };
  return { ...out, rate: (out.posts / out.ms) * 1000 };
}
// Why 16 per origin: where the bare sender's rate stops growing with concurrency (only latency grows).
const sweep: Array<{ concurrency: number; rate: number }> = [];
for (const concurrency of SWEEP) {
  sweep.push({ concurrency, rate: (await flood(SWEEP_POSTS, concurrency)).rate });
  log(`  ${concurrency} at a time: ${formatInt(sweep.at(-1)!.rate)} POST/s`);
}
const ceiling = await flood(N, 16);
const ceilingRate = ceiling.rate;
log(`  16 at a time, ${formatInt(N)} POSTs: ${formatInt(ceilingRate)} POST/s`);

// --- run A: throughput ----------------------------------------------------------------------------

log('\nrun A: one advance releases every delivery; time until the receiver has them all');
const runA = await (async () => {
  const { server, base } = await startMsgsim();
  try {
    await stats('DELETE');
    await stallsOf(base);
    const cpuBefore = cpuMs(server.pid);
    const started = performance.now();
    const advanceMs = await advance(base);
    const cpuAdvanced = cpuMs(server.pid);
    const atAdvanceEnd = await stats();
    await allDelivered(server);
    const totalMs = performance.now() - started;
    const cpuDelivered = cpuMs(server.pid);
    const stalls = await stallsOf(base);
    const result = {
      advanceMs,
      totalMs,
      afterAdvanceMs: totalMs - advanceMs,
      /** Events the receiver had when the advance answered. */
      deliveredByAdvanceEnd: atAdvanceEnd.events,
      advanceCpuMs: diff(cpuAdvanced, cpuBefore),
      cpuMs: diff(cpuDelivered, cpuBefore),
      stalls,
      ...(await settled(base)),
      rss: treeRss(server.pid),
    };
    log(
      `  ${formatInt(N)} events in ${formatMs(totalMs)} (advance ${formatMs(advanceMs)}): ${formatInt((N / totalMs) * 1000)}/s; duplicates ${result.received.duplicates}, retrying ${result.retrying}, failed ${result.failed}, pending ${result.pending}; longest stall ${longestStallText(stalls)}`,
    );
    return result;
  } finally {
    await stopProcess(server);
  }
})();

// --- run B: the provider API during the burst -----------------------------------------------------

log('\nrun B: provider GET p99 at rest, then from before the advance until the last event arrives');
const runB = await (async () => {
  const { server, base } = await startMsgsim();
  try {
    const [first] = (await json<{ data: Array<{ id: string }> }>(`${base}/_sim/messages?provider=msghub&limit=1`)).data;
    if (!first) throw new Error('msgsim holds no message');
    const get = { method: 'GET', path: `/msghub/api/v1/messages/${first.id}`, headers: { 'x-api-key': TENANT } };
    const rest = await measure({ url: base, requests: [get] }, settings);
    log(`  at rest before: ${formatInt(rest.rps)} req/s, p99 ${formatMs(rest.p99)}`);

    await stats('DELETE');
    // Every GET's send time and latency, on this process's clock: which of them were in flight when.
    const responses: Array<{ sentAt: number; ms: number }> = [];
    const load = autocannon({ url: base, connections: settings.connections, duration: DELIVERY_TIMEOUT_MS / 1000, requests: [get] });
    load.on('response', (_client, _status, _bytes, ms) => responses.push({ sentAt: performance.now() - ms, ms }));
    await sleep(1_000);
    await stallsOf(base);
    const windowStart = performance.now();
    const advanceMs = await advance(base);
    const advanceEnd = performance.now();
    await allDelivered(server);
    const windowEnd = performance.now();
    const stalls = await stallsOf(base);
    load.stop();
    const result = await load;
    const burstMs = windowEnd - windowStart;
    /** The latencies of the GETs in flight at some moment between `from` and `to` (sent before `to`, answered after `from`). */
    const inFlight = (from: number, to: number) => responses.filter((r) => r.sentAt < to && r.sentAt + r.ms > from).map((r) => r.ms);
    const summary = (latencies: number[], spanMs: number) => ({
      count: latencies.length,
      rps: (latencies.length / spanMs) * 1000,
      p50: percentile(latencies, 50) ?? NaN,
      p99: percentile(latencies, 99) ?? NaN,
      longest: latencies.reduce((max, ms) => Math.max(max, ms), 0),
    });
    const during = summary(inFlight(windowStart, windowEnd), burstMs);
    const duringAdvance = summary(inFlight(windowStart, advanceEnd), advanceEnd - windowStart);
    // What this benchmark reported before: only the GETs sent after the advance had returned.
    const afterAdvance = summary(
      responses.filter((r) => r.sentAt >= advanceEnd && r.sentAt < windowEnd).map((r) => r.ms),
      windowEnd - advanceEnd,
    );
    const failures = { non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts };
    log(
      `  burst window (${formatMs(burstMs)}, the advance ${formatMs(advanceMs)} of it): ${formatInt(during.count)} GETs, p99 ${formatMs(during.p99)} (${formatRatio(ratio(during.p99, rest.p99))} at rest), longest ${formatMs(during.longest)} (${formatRatio(ratio(during.longest, rest.p99))}); during the advance p99 ${formatMs(duringAdvance.p99)}, longest ${formatMs(duringAdvance.longest)}; longest stall ${longestStallText(stalls)}; non-2xx ${failures.non2xx}, errors ${failures.errors}, timeouts ${failures.timeouts}`,
    );
    const after = await settled(base);
    // At rest again, now holding what the burst left (100,000 delivered messages, the delivery log):
    // a second baseline, so a change in the machine's load during the run shows as a gap between the two.
    const restAfter = await measure({ url: base, requests: [get] }, { ...settings, warmupSec: 0 });
    log(`  at rest after: ${formatInt(restAfter.rps)} req/s, p99 ${formatMs(restAfter.p99)}`);
    return { rest, restAfter, during, duringAdvance, afterAdvance, failures, advanceMs, burstMs, stalls, ...after };
  } finally {
    await stopProcess(server);
  }
})();

await stopProcess(receiver);

// --- memory per delivery (this process) -------------------------------------------------------------

log('\nmemory per delivery (V8 heap after a full GC)');
const gc = (globalThis as { gc?: () => void }).gc;
const heap = (): number => {
  gc?.();
  return process.memoryUsage().heapUsed;
};

async function perDelivery(answer: (() => Promise<PostAnswer>) | 'never', keep: number): Promise<number> {
  const clock = new Clock({ mode: 'manual', start: Date.parse('2026-01-01T00:00:00.000Z') });
  const options: WebhookDispatcherOptions = {
    ids: new IdGenerator(new SeededRandom(1)),
    maxLogEntries: keep,
    transport: answer === 'never' ? () => new Promise<PostAnswer>(() => undefined) : answer,
  };
  const before = heap();
  const dispatcher = new WebhookDispatcher(clock, options);
  for (let i = 0; i < N; i++) {
    dispatcher.dispatch({
      namespace: 'msghub',
      tenant: TENANT,
      endpointId: 'wh_3kD9sPq1ZrT7uVxA',
      url: receiverUrl,
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      eventId: `evt_${String(i).padStart(16, '0')}`,
      eventType: 'message.delivered',
      payload: {
        event: 'message.delivered',
        messageId: `msg_${String(i).padStart(16, '0')}`,
        channel: 'sms',
        to: '+919876543210',
        status: 'delivered',
        deliveredAt: '2026-01-01T00:00:03.000Z',
      },
      sign: signMsghub,
      subject: `msg_${String(i).padStart(16, '0')}`,
    });
  }
  if (answer === 'never') await sleep(10);
  else await dispatcher.settle();
  const bytes = (heap() - before) / N;
  // Kept alive up to the measurement, then let go.
  if (dispatcher.stats().logged !== N) throw new Error(`expected ${N} deliveries in the log, found ${dispatcher.stats().logged}`);
  dispatcher.reset();
  clock.close();
  return bytes;
}

const memory = gc
  ? {
      queued: await perDelivery('never', N),
      retrying: await perDelivery(async () => ({ status: 500, headers: { 'content-length': '0' }, body: '' }), N),
      finished: await perDelivery(async () => ({ status: 204, headers: {}, body: '' }), N),
    }
  : undefined;
if (memory) log(`  queued ${formatInt(memory.queued)} B, retrying ${formatInt(memory.retrying)} B, finished ${formatInt(memory.finished)} B`);
else log('  skipped: run with node --expose-gc');

// --- report ---------------------------------------------------------------------------------------

const loadAfter = loadAverage();
/** Microseconds per operation from a total in ms. */
const perOp = (totalMs: number | undefined, count: number): number | undefined => (totalMs === undefined ? undefined : (totalMs * 1000) / count);
const rateA = (N / runA.totalMs) * 1000;
const rateB = (N / runB.burstMs) * 1000;
const exact = (r: Parameters<typeof exactlyOnce>[0]) =>
  `${exactlyOnce(r) ? 'yes' : '**NO**'}: ${formatInt(r.received.events)} events, ${r.received.duplicates} duplicates, ${formatInt(r.received.posts)} POSTs`;
const unfinished = (r: { retrying: number; failed: number; pending: number }) => `retrying ${r.retrying}, failed ${r.failed}, pending ${r.pending}`;
/**
 * How many stalls over 50 ms, and whose: msgsim's own work when its CPU time covers most of the stall, the
 * machine's other work when it does not (msgsim was waiting for the core it is pinned to).
 */
const stallNote = (r: StallReport) => {
  const own = r.stalls.filter((s) => s.cpuMs >= s.ms / 2);
  const longestOwn = own.reduce((max, s) => Math.max(max, s.ms), 0);
  return `${formatInt(r.stalls.length)} stalls over 50 ms (a 5 ms timer in msgsim, advance to last event): ${formatInt(own.length)} with msgsim on the CPU for at least half of it (longest ${formatMs(longestOwn)}), ${formatInt(r.stalls.filter((s) => s.markCompact).length)} with a mark-compact inside, ${formatMs(r.stalls.reduce((sum, s) => sum + s.ms, 0))} in all`;
};
const rows: string[][] = [
  ...sweep.map(({ concurrency, rate }) => [
    `bare sender, ${concurrency} at a time (${formatInt(SWEEP_POSTS)} POSTs)`,
    `${formatInt(rate)} POST/s`,
    formatRatio(ratio(rate, ceilingRate)),
    concurrency === 16 ? 'the per-origin default' : '',
  ]),
  [
    'ceiling: bare node:http sender, 16 sockets, same receiver',
    `${formatInt(ceilingRate)} POST/s`,
    '1.00×',
    `${formatInt(N)} POSTs in ${formatMs(ceiling.ms)}`,
  ],
  ['run A: deliveries per second, advance to last event', `${formatInt(rateA)}/s`, formatRatio(ratio(rateA, ceilingRate)), `${formatMs(runA.totalMs)} in all`],
  [
    'run A: deliveries per second once the advance returned',
    `${formatInt(((N - runA.deliveredByAdvanceEnd) / runA.afterAdvanceMs) * 1000)}/s`,
    formatRatio(ratio(((N - runA.deliveredByAdvanceEnd) / runA.afterAdvanceMs) * 1000, ceilingRate)),
    `the advance answered in ${formatMs(runA.advanceMs)} (${formatMs(runA.advanceCpuMs)} of CPU), ${formatInt(runA.deliveredByAdvanceEnd)} events delivered by then`,
  ],
  [
    'run A: CPU per delivery (msgsim, advance to last event)',
    formatUs(perOp(runA.cpuMs, N)),
    formatRatio(ratio(perOp(runA.cpuMs, N), perOp(ceiling.cpuMs, N))),
    `the bare sender's: ${formatUs(perOp(ceiling.cpuMs, N))} per POST (its start-up included); msgsim's includes each message's 2 status changes and the delivery's creation`,
  ],
  ['run A: exactly once', exact(runA), '', `${unfinished(runA)}; ${formatInt(runA.received.connections)} connections opened to the receiver`],
  ['run A: longest event-loop stall', longestStallText(runA.stalls), '', stallNote(runA.stalls)],
  [
    'run A: msgsim RSS after',
    formatMB(runA.rss),
    '',
    `${formatInt(N)} messages delivered, ${formatInt(Math.min(N, 10_000))} finished deliveries kept in the log`,
  ],
  ['run B: provider GET at rest', `p99 ${formatMs(runB.rest.p99)}`, '1.00×', `${formatInt(runB.rest.rps)} req/s, p50 ${formatMs(runB.rest.p50)}`],
  [
    'run B: provider GET during the burst, p99 (advance to last event)',
    `p99 ${formatMs(runB.during.p99)}`,
    formatRatio(ratio(runB.during.p99, runB.rest.p99)),
    `${formatInt(runB.during.count)} GETs in flight in ${formatMs(runB.burstMs)} (${formatInt(runB.during.rps)}/s), p50 ${formatMs(runB.during.p50)}`,
  ],
  [
    'run B: provider GET during the burst, longest wait',
    formatMs(runB.during.longest),
    formatRatio(ratio(runB.during.longest, runB.rest.p99)),
    `against the p99 at rest; ${runB.failures.non2xx} non-2xx, ${runB.failures.errors} errors, ${runB.failures.timeouts} timeouts in the whole load`,
  ],
  [
    'run B: of those, in flight during the advance',
    `p99 ${formatMs(runB.duringAdvance.p99)}`,
    formatRatio(ratio(runB.duringAdvance.p99, runB.rest.p99)),
    `${formatInt(runB.duringAdvance.count)} GETs, longest ${formatMs(runB.duringAdvance.longest)}; the advance answered in ${formatMs(runB.advanceMs)}`,
  ],
  [
    'run B: of those, sent after the advance returned (the old measure)',
    `p99 ${formatMs(runB.afterAdvance.p99)}`,
    formatRatio(ratio(runB.afterAdvance.p99, runB.rest.p99)),
    `${formatInt(runB.afterAdvance.count)} GETs, longest ${formatMs(runB.afterAdvance.longest)}`,
  ],
  ['run B: longest event-loop stall', longestStallText(runB.stalls), '', stallNote(runB.stalls)],
  [
    'run B: provider GET at rest after the burst',
    `p99 ${formatMs(runB.restAfter.p99)}`,
    formatRatio(ratio(runB.restAfter.p99, runB.rest.p99)),
    `${formatInt(runB.restAfter.rps)} req/s, p50 ${formatMs(runB.restAfter.p50)}; the burst's p99 is ${formatRatio(ratio(runB.during.p99, runB.restAfter.p99))} this one`,
  ],
  [
    'run B: deliveries per second under the GET load',
    `${formatInt(rateB)}/s`,
    formatRatio(ratio(rateB, ceilingRate)),
    `exactly once ${exact(runB)}; ${unfinished(runB)}`,
  ],
  ...(memory
    ? [
        ['memory per delivery queued (waiting for a slot)', `${formatInt(memory.queued)} B`, '', `× 100,000 = ${formatMB(memory.queued * 100_000)}`],
        [
          'memory per delivery retrying (1 attempt logged, a timer)',
          `${formatInt(memory.retrying)} B`,
          '',
          `× 100,000 = ${formatMB(memory.retrying * 100_000)}`,
        ],
        [
          'memory per finished delivery kept in the log',
          `${formatInt(memory.finished)} B`,
          '',
          `× 10,000 (the default bound) = ${formatMB(memory.finished * 10_000)}`,
        ],
      ]
    : []),
];

const markdown = [
  '# msgsim benchmark — webhook delivery at scale',
  '',
  'Written by `npm run bench:webhooks` (bench/webhooks.ts); the method is in bench/README.md ("Webhook delivery").',
  '',
  `- date: ${new Date().toISOString()}`,
  `- node ${process.version}, ${settings.cores} cores; ${pinned ? 'msgsim and the ceiling sender pinned to core 0, receiver and autocannon to core 1' : 'unpinned'}`,
  `- ${formatInt(N)} Msghub message.delivered deliveries released by one \`POST /_sim/clock/advance\`, one receiver origin (16 in flight)`,
  `- provider load: autocannon, ${settings.connections} connections, GET by id; at rest ${settings.warmupSec} s warm-up + ${settings.durationSec} s; during the burst without a break from 1 s before the advance's POST until the last event, every GET in flight between the two counted`,
  `- 1-minute load average: ${loadBefore ?? '—'} before, ${loadAfter ?? '—'} after (anything above ~1 means other work shared the machine)`,
  '',
  markdownTable(['measure', 'value', 'ratio', 'notes'], rows, ['left', 'right', 'right', 'left']),
  '',
].join('\n');
writeFileSync(OUT, markdown);
process.stdout.write(`\n${markdown}\n`);
log(`written to ${OUT}`);
if (!exactlyOnce(runA) || !exactlyOnce(runB)) {
  log('NOT exactly once: see the "exactly once" rows');
  process.exitCode = 1;
}
