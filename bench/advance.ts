/**
 * `node --import tsx bench/advance.ts`: a large clock advance, and whether the server answers meanwhile.
 *
 * In one process (library mode, bench/lib/in-process.ts): BENCH_ADVANCE_N (default 1,000,000) Msghub sends
 * across 1,000 tenants through the handler path, on a manual clock, so every message waits to be sent:
 * N due events, and 2N status changes (sent, delivered) in a 10-minute advance. Then, while one client
 * sends sequential requests (a provider GET of a message and GET /_sim/clock, alternately):
 *
 * - sync: `clock.advance(10 min)`, what POST /_sim/clock/advance ran before the advance was sliced;
 * - sliced: `POST /_sim/clock/advance {"by":"10m"}` over HTTP, as a user sends it;
 * - quiet: `clock.advanceInSlices` as the route runs it, with no client: what slicing itself costs.
 *
 * Each in a fresh process (this script, run again with BENCH_ADVANCE_WAY), so no run inherits another's
 * heap. For each: the advance's wall time, the longest event-loop stall (and the GC inside
 * it; lib/stall-watch.mjs, as bench/stalls.ts), stalls over 50 ms, and the requests answered before the
 * advance ended with their latencies. BENCH_ADVANCE_ROUNDS (default 1) repeats the three. The client runs in
 * the server's process, so its own turns share the loop with the server's (as a separate process's requests
 * would wait in the socket). Results: printed, and written to bench/results/advance.md (other N: advance-<N>.md).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { BENCH_DIR, envNumber } from './lib/config.js';
import { formatInt, formatMB, formatMs, formatRatio, longestStallText, markdownTable, median, percentile, ratio } from './lib/format.js';
import { harness, HEAVY, sendMany, sendRequest, type Harness } from './lib/in-process.js';
import { watchStalls, type StallReport } from './lib/stall-watch.mjs';

const N = envNumber('BENCH_ADVANCE_N', 1_000_000);
const TENANTS = 1_000;
const ROUNDS = Math.max(1, envNumber('BENCH_ADVANCE_ROUNDS', 1));
const ADVANCE_MS = 10 * 60_000;
const SIZE = N % 1_000_000 === 0 ? `${N / 1_000_000}m` : N % 1_000 === 0 ? `${N / 1_000}k` : String(N);
const OUT = resolve(process.env.BENCH_ADVANCE_OUT ?? resolve(BENCH_DIR, 'results', N === 1_000_000 ? 'advance.md' : `advance-${SIZE}.md`));
const log = (line: string) => process.stderr.write(`${line}\n`);

type Way = 'sync' | 'sliced' | 'quiet';

interface Run {
  way: Way;
  pending: number;
  fired: number;
  advanceMs: number;
  stalls: StallReport;
  /** The requests sent while the advance ran (the one in flight at its end included). */
  during: Probed;
  rssAfter: number;
}

interface Probed {
  /** Latencies of the requests answered 200, ms. */
  answered: number[];
  /** Requests that failed (a keep-alive connection the server closed after a long stall: ECONNRESET). */
  failed: string[];
}

/** Sequential requests until `done()`. */
async function probe(h: Harness, id: string, done: () => boolean): Promise<Probed> {
  const urls = [`${h.base}/msghub/api/v1/messages/${id}`, `${h.base}/_sim/clock`];
  const out: Probed = { answered: [], failed: [] };
  for (let i = 0; !done(); i++) {
    const started = performance.now();
    try {
      const response = await fetch(urls[i % 2]!, { headers: { 'x-api-key': HEAVY } });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`answered ${response.status}`);
      out.answered.push(performance.now() - started);
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
      out.failed.push(`${error instanceof Error ? error.message : String(error)}${cause} after ${formatMs(performance.now() - started)}`);
    }
  }
  return out;
}

async function run(way: Way): Promise<Run> {
  const h = await harness();
  try {
    log(`${way}: filling ${formatInt(N)} messages…`);
    await sendMany(h, 0, N, TENANTS);
    const id = ((await h.send(sendRequest(HEAVY))).body as { messageId: string }).messageId;
    const pending = h.clock.state().pendingEvents;
    let statusChanges = 0;
    h.engine.events.on('message.status', () => statusChanges++);
    // The client's first request warms its connection and the route before anything is measured.
    let warmups = 0;
    await probe(h, id, () => warmups++ === 2);
    let ended = way === 'quiet';
    const watch = watchStalls(50);
    watch.take();
    const client = probe(h, id, () => ended);
    await nextTurn(); // the client's first request is on its way
    const started = performance.now();
    if (way === 'sync') {
      h.clock.advance(ADVANCE_MS);
    } else if (way === 'quiet') {
      await h.clock.advanceInSlices({ by: ADVANCE_MS });
    } else {
      const response = await fetch(`${h.base}/_sim/clock/advance`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ by: '10m' }),
      });
      if (response.status !== 200) throw new Error(`advance answered ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
    }
    const advanceMs = performance.now() - started;
    ended = true;
    const during = await client;
    const stalls = watch.take();
    watch.stop();
    const result: Run = { way, pending, fired: statusChanges, advanceMs, stalls, during, rssAfter: process.memoryUsage().rss };
    log(
      `${way}: ${formatInt(pending)} pending, ${formatInt(statusChanges)} status changes in ${formatMs(advanceMs)}; longest stall ${formatMs(longest(stalls))}; ${during.answered.length} requests answered meanwhile, longest ${formatMs(Math.max(0, ...during.answered))}${during.failed.length ? `; failed: ${during.failed.join('; ')}` : ''}`,
    );
    return result;
  } finally {
    await h.close();
  }
}

function longest(report: StallReport): number {
  return report.longestMs;
}

const WAYS: Record<Way, string> = {
  sync: 'one synchronous advance (before)',
  sliced: 'POST /_sim/clock/advance in slices (now)',
  quiet: 'in slices, no client',
};

/** One run in a child process of its own; it prints its Run as JSON on stdout. */
function runApart(way: Way): Promise<Run> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
      env: { ...process.env, BENCH_ADVANCE_WAY: way },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? ok(JSON.parse(out) as Run) : fail(new Error(`the ${way} run exited with ${code}`))));
  });
}

const only = process.env.BENCH_ADVANCE_WAY as Way | undefined;
if (only) {
  process.stdout.write(JSON.stringify(await run(only)));
  process.exit(0);
}

const runs: Run[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const way of ['sync', 'sliced', 'quiet'] as const) runs.push(await runApart(way));
}

const rows = runs.map((r) => {
  return [
    WAYS[r.way],
    formatInt(r.fired),
    formatMs(r.advanceMs),
    longestStallText(r.stalls),
    formatInt(r.stalls.stalls.length),
    r.way === 'quiet'
      ? 'no client'
      : `${formatInt(r.during.answered.length)} · median ${formatMs(median(r.during.answered))} · p99 ${formatMs(percentile(r.during.answered, 99))} · longest ${formatMs(Math.max(0, ...r.during.answered))}${r.during.failed.length ? ` · ${r.during.failed.length} failed: ${r.during.failed.join('; ')}` : ''}`,
    formatMB(r.rssAfter),
  ];
});
const pairs = runs
  .filter((r) => r.way === 'sync')
  .map((sync, i) => {
    const sliced = runs.filter((r) => r.way === 'sliced')[i]!;
    const quiet = runs.filter((r) => r.way === 'quiet')[i]!;
    return `round ${i + 1}, as ratios to the synchronous advance: longest stall ${formatRatio(ratio(longest(sliced.stalls), longest(sync.stalls)))}; wall time in slices ${formatRatio(ratio(quiet.advanceMs, sync.advanceMs))} with no client, ${formatRatio(ratio(sliced.advanceMs, sync.advanceMs))} while answering the client`;
  });
const md = [
  '# msgsim: a large clock advance',
  '',
  'Written by `node --import tsx bench/advance.ts`; method in bench/README.md.',
  '',
  `- date: ${new Date().toISOString()}; node ${process.version}; ${availableParallelism()} cores`,
  `- ${formatInt(N)} Msghub sends across ${formatInt(TENANTS)} tenants (handler path), manual clock, then a 10-minute advance; each run in a fresh process, with one client in it sending sequential requests (a provider GET, GET /_sim/clock) throughout`,
  '',
  markdownTable(
    ['advance', 'status changes', 'wall time', 'longest event-loop stall', 'stalls > 50 ms', 'requests answered during the advance', 'RSS after'],
    rows,
    ['left', 'right', 'right', 'left', 'right', 'left', 'right'],
  ),
  '',
  ...pairs.map((p) => `- ${p}`),
  '',
].join('\n');
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, md);
console.log(`\n${md}`);
log(`wrote ${OUT}`);
