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
 *   receiver has all N events; then that each arrived exactly once, none is retrying or failed.
 * - **Run B, the provider meanwhile**: a fresh msgsim; `GET /msghub/api/v1/messages/{id}` at 50
 *   connections at rest (warm-up, then BENCH_DURATION s), then the same load from 1 s before the
 *   advance until the last event arrives. p99 of the requests *sent after the advance returned*, divided
 *   by the p99 at rest. The advance itself blocks the loop (N lifecycles and N deliveries created
 *   synchronously; the clock's to change, issue 19 part 5), so it is reported apart, with the longest
 *   latency it caused. Then at rest again (a second baseline: on a shared machine the load can change
 *   during a run, and the two rests show it).
 * - **CPU per delivery**: msgsim's CPU time (/proc) from the advance's answer to the last event, per
 *   delivery, against the bare sender's CPU per POST. CPU time does not grow when other work takes the
 *   core away, so this ratio holds better than the per-second one on a busy machine.
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
import { formatInt, formatMB, formatMs, formatRatio, formatUs, markdownTable, percentile, ratio } from './lib/format.js';
import { measure, type Measurement } from './lib/load.js';
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
    const cpuBefore = cpuMs(server.pid);
    const started = performance.now();
    const advanceMs = await advance(base);
    const cpuAdvanced = cpuMs(server.pid);
    const received = await allDelivered(server);
    const totalMs = performance.now() - started;
    const cpuDelivered = cpuMs(server.pid);
    await sleep(200); // the last answers reach msgsim's log
    const result = {
      advanceMs,
      totalMs,
      afterAdvanceMs: totalMs - advanceMs,
      advanceCpuMs: diff(cpuAdvanced, cpuBefore),
      deliveryCpuMs: diff(cpuDelivered, cpuAdvanced),
      received,
      retrying: await deliveriesTotal(base, 'retrying'),
      failed: await deliveriesTotal(base, 'failed'),
      pending: await deliveriesTotal(base, 'pending'),
      rss: treeRss(server.pid),
    };
    log(
      `  ${formatInt(N)} events in ${formatMs(totalMs)} (advance ${formatMs(advanceMs)}): ${formatInt((N / totalMs) * 1000)}/s; duplicates ${received.duplicates}, retrying ${result.retrying}, failed ${result.failed}`,
    );
    return result;
  } finally {
    await stopProcess(server);
  }
})();

// --- run B: the provider API during the burst -----------------------------------------------------

log('\nrun B: provider GET p99 at rest, then during the burst');
const runB = await (async () => {
  const { server, base } = await startMsgsim();
  try {
    const [first] = (await json<{ data: Array<{ id: string }> }>(`${base}/_sim/messages?provider=msghub&limit=1`)).data;
    if (!first) throw new Error('msgsim holds no message');
    const get = { method: 'GET', path: `/msghub/api/v1/messages/${first.id}`, headers: { 'x-api-key': TENANT } };
    const rest = await measure({ url: base, requests: [get] }, settings);
    log(`  at rest before: ${formatInt(rest.rps)} req/s, p99 ${formatMs(rest.p99)}`);

    await stats('DELETE');
    const responses: Array<{ sentAt: number; ms: number }> = [];
    const load = autocannon({ url: base, connections: settings.connections, duration: DELIVERY_TIMEOUT_MS / 1000, requests: [get] });
    load.on('response', (_client, _status, _bytes, ms) => responses.push({ sentAt: performance.now() - ms, ms }));
    await sleep(1_000);
    const advanceStart = performance.now();
    const advanceMs = await advance(base);
    const advanceEnd = performance.now();
    const received = await allDelivered(server);
    const burstMs = performance.now() - advanceStart;
    load.stop();
    const result = await load;
    const after = responses.filter((r) => r.sentAt >= advanceEnd).map((r) => r.ms);
    const during: Measurement = {
      rps: (after.length / (performance.now() - advanceEnd)) * 1000,
      p50: percentile(after, 50) ?? NaN,
      p99: percentile(after, 99) ?? NaN,
      total: after.length,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      statusCodes: {},
    };
    const longest = responses.reduce((max, r) => Math.max(max, r.ms), 0);
    log(
      `  during the burst: ${formatInt(during.rps)} req/s, p99 ${formatMs(during.p99)} (${formatRatio(ratio(during.p99, rest.p99))} at rest); advance ${formatMs(advanceMs)}, longest GET ${formatMs(longest)}`,
    );
    const retrying = await deliveriesTotal(base, 'retrying');
    // At rest again, now holding what the burst left (100,000 delivered messages, the delivery log):
    // a second baseline, so a change in the machine's load during the run shows as a gap between the two.
    const restAfter = await measure({ url: base, requests: [get] }, { ...settings, warmupSec: 0 });
    log(`  at rest after: ${formatInt(restAfter.rps)} req/s, p99 ${formatMs(restAfter.p99)}`);
    return { rest, restAfter, during, advanceMs, burstMs, received, longest, retrying };
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
const exact = (r: ReceiverStats) => `${formatInt(r.events)} events, ${r.duplicates} duplicates, ${formatInt(r.posts)} POSTs`;
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
    `${formatInt((N / runA.afterAdvanceMs) * 1000)}/s`,
    formatRatio(ratio((N / runA.afterAdvanceMs) * 1000, ceilingRate)),
    `the advance took ${formatMs(runA.advanceMs)}`,
  ],
  [
    'run A: CPU per delivery (msgsim, once the advance returned)',
    formatUs(perOp(runA.deliveryCpuMs, N)),
    formatRatio(ratio(perOp(runA.deliveryCpuMs, N), perOp(ceiling.cpuMs, N))),
    `the bare sender's: ${formatUs(perOp(ceiling.cpuMs, N))} per POST (its start-up included); the advance used ${formatMs(runA.advanceCpuMs)} of CPU`,
  ],
  [
    'run A: exactly once',
    exact(runA.received),
    '',
    `retrying ${runA.retrying}, failed ${runA.failed}, pending ${runA.pending}; ${formatInt(runA.received.connections)} connections opened to the receiver`,
  ],
  [
    'run A: msgsim RSS after',
    formatMB(runA.rss),
    '',
    `${formatInt(N)} messages delivered, ${formatInt(Math.min(N, 10_000))} finished deliveries kept in the log`,
  ],
  ['run B: provider GET at rest', `p99 ${formatMs(runB.rest.p99)}`, '1.00×', `${formatInt(runB.rest.rps)} req/s, p50 ${formatMs(runB.rest.p50)}`],
  [
    'run B: provider GET during the burst (sent after the advance returned)',
    `p99 ${formatMs(runB.during.p99)}`,
    formatRatio(ratio(runB.during.p99, runB.rest.p99)),
    `${formatInt(runB.during.rps)} req/s, p50 ${formatMs(runB.during.p50)}, ${formatInt(runB.during.total)} requests`,
  ],
  [
    'run B: provider GET at rest after the burst',
    `p99 ${formatMs(runB.restAfter.p99)}`,
    formatRatio(ratio(runB.restAfter.p99, runB.rest.p99)),
    `${formatInt(runB.restAfter.rps)} req/s, p50 ${formatMs(runB.restAfter.p50)}; the burst's p99 is ${formatRatio(ratio(runB.during.p99, runB.restAfter.p99))} this one`,
  ],
  ['run B: the advance itself (blocks the loop)', formatMs(runB.advanceMs), '', `longest GET of the run ${formatMs(runB.longest)}`],
  [
    'run B: deliveries per second under the GET load',
    `${formatInt(rateB)}/s`,
    formatRatio(ratio(rateB, ceilingRate)),
    `${exact(runB.received)}; retrying ${runB.retrying}`,
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
  `- provider load: autocannon, ${settings.connections} connections, GET by id; at rest ${settings.warmupSec} s warm-up + ${settings.durationSec} s`,
  `- 1-minute load average: ${loadBefore ?? '—'} before, ${loadAfter ?? '—'} after (anything above ~1 means other work shared the machine)`,
  '',
  markdownTable(['measure', 'value', 'ratio', 'notes'], rows, ['left', 'right', 'right', 'left']),
  '',
].join('\n');
writeFileSync(OUT, markdown);
process.stdout.write(`\n${markdown}\n`);
log(`written to ${OUT}`);
