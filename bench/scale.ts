/**
 * `npm run bench:scale [-- --data FILE]`: how msgsim holds up as state grows, in one process (library
 * mode: createEngine + createApp from src/, listening on a free port).
 *
 * - Fill: BENCH_SCALE_N (default 1,000,000) Msghub sends across BENCH_SCALE_TENANTS (default 1,000)
 *   keys, through the *handler path* (the provider's sendMessage operation, called as the HTTP layer
 *   calls it: recipient checks, store insert, lifecycle timers, events). Through real HTTP it would take
 *   1M / ~3k per s ≈ 6 min of the same constant per-request cost run.ts already measures; the growth is
 *   in the engine, which is what this run isolates. Every 10th send goes to one "heavy" tenant so one
 *   account's list grows to N/10 (a one-key CI account), the rest round-robin over the others.
 * - At 10k / 100k / 1M stored: RSS, and over real HTTP (sequential requests, median): a send, and list
 *   page 1 and the last page (limit 100) of the heavy tenant and of a typical one.
 * - The clock is manual and frozen during the fill, so every lifecycle is pending at the end; then the
 *   time to advance through all of them (queued → sent → delivered). Before the fill, on a separate
 *   engine: advancing through exactly 10,000 pending events (the issue's target: under 1 s).
 * - With --data FILE: the store persists to FILE (record journal flushed ≤ 200 ms after a change, streamed snapshots); the
 *   fill then pays the background flushes, and each checkpoint times one explicit flush and reports
 *   the file size.
 *
 * Results: printed, and written to bench/results/scale.md (other N: scale-<N>.md; with --data:
 * scale-data-<N>.md; BENCH_SCALE_OUT to choose).
 */
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Engine } from '../src/index.js';
import { BENCH_DIR, envNumber } from './lib/config.js';
import { formatInt, formatMB, formatMs, formatUs, markdownTable, median, meets, ratio, verdict, formatRatio } from './lib/format.js';
import { harness as inProcess, HEAVY, SEND_BODY, sendMany as sendManyTo, sendRequest, tenantKey, type Harness } from './lib/in-process.js';

const { values: flags } = parseArgs({ options: { data: { type: 'string' } } });
const N = envNumber('BENCH_SCALE_N', 1_000_000);
const TENANTS = Math.max(2, envNumber('BENCH_SCALE_TENANTS', 1_000));
const STEP = Math.max(1, Math.min(100_000, Math.round(N / 10)));
const CHECKPOINTS = [...new Set([10_000, 100_000, 1_000_000, N].filter((c) => c <= N))].sort((a, b) => a - b);
const DATA = flags.data ? resolve(flags.data) : undefined;
/** results/scale.md for the default run; a quick or persisted run gets its own file (scale-100k.md, scale-data-1m.md). */
const SIZE = N % 1_000_000 === 0 ? `${N / 1_000_000}m` : N % 1_000 === 0 ? `${N / 1_000}k` : String(N);
const OUT = resolve(
  process.env.BENCH_SCALE_OUT ?? resolve(BENCH_DIR, 'results', DATA ? `scale-data-${SIZE}.md` : N === 1_000_000 ? 'scale.md' : `scale-${SIZE}.md`),
);
const TYPICAL = tenantKey(1);
const log = (line: string) => process.stderr.write(`${line}\n`);
const engineErrors = { count: 0, last: '' };
/** Things that went wrong but did not end the run; listed in the report. */
const runNotes: string[] = [];

function harness(dataFile?: string): Promise<Harness> {
  return inProcess({
    ...(dataFile ? { dataFile } : {}),
    // A failed background write is otherwise silent; count it and show the first one.
    onError: (error, where) => {
      if (engineErrors.count++ === 0) log(`  engine error (${where}): ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      engineErrors.last = `${where}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
    },
  });
}

async function sendMany(h: Harness, from: number, count: number): Promise<void> {
  await sendManyTo(h, from, count, TENANTS);
}

/** Sequential requests for at least `minSamples`, up to `maxSamples` or `budgetMs`; latencies in ms. */
async function sample(fn: () => Promise<void>, minSamples = 5, maxSamples = 50, budgetMs = 3_000): Promise<number[]> {
  const out: number[] = [];
  const started = performance.now();
  await fn(); // first request warms the route
  while (out.length < maxSamples && (out.length < minSamples || performance.now() - started < budgetMs)) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

async function getJson(url: string, key: string): Promise<{ pagination?: { pages: number; total: number } }> {
  const response = await fetch(url, { headers: { 'x-api-key': key } });
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  return (await response.json()) as { pagination?: { pages: number; total: number } };
}

interface ListFigures {
  total: number;
  lastPage: number;
  page1: number[];
  last: number[];
}

async function listLatency(h: Harness, key: string): Promise<ListFigures> {
  const url = (page: number) => `${h.base}/msghub/api/v1/messages?page=${page}&limit=100`;
  const head = await getJson(url(1), key);
  const lastPage = Math.max(1, head.pagination?.pages ?? 1);
  return {
    total: head.pagination?.total ?? 0,
    lastPage,
    page1: await sample(async () => void (await getJson(url(1), key))),
    last: await sample(async () => void (await getJson(url(lastPage), key))),
  };
}

async function httpSendLatency(h: Harness): Promise<number[]> {
  return sample(
    async () => {
      const response = await fetch(`${h.base}/msghub/api/v1/messages/send`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'mk_live_scale_http' },
        body: JSON.stringify(SEND_BODY),
      });
      await response.arrayBuffer();
      if (response.status !== 201) throw new Error(`HTTP send answered ${response.status}`);
    },
    50,
    200,
    2_000,
  );
}

/**
 * Counts writes (the store runs its before-write hooks once per journal append and per snapshot) and
 * the longest wall time between two of them: how long a change can wait for the disk, beyond the 200 ms
 * flush delay (while compactions blocked appends, this was the whole compaction).
 */
function countFlushes(engine: Engine): { count: number; longestGapMs: number } {
  const stats = { count: 0, longestGapMs: 0 };
  let last = performance.now();
  engine.store.onBeforeWrite(() => {
    stats.count++;
    const now = performance.now();
    stats.longestGapMs = Math.max(stats.longestGapMs, now - last);
    last = now;
  });
  return stats;
}

interface FlushFigures {
  /** One flush after one more send to the heavy tenant: the journal appends its collection. */
  journalMs?: number;
  /** A full snapshot (what a flush writes when the journal outgrows the snapshot, and on the first flush). */
  snapshotMs?: number;
  snapshotBytes?: number;
  journalBytes?: number;
  error?: string;
}

async function timedFlush(h: Harness, file: string): Promise<FlushFigures> {
  const out: FlushFigures = {};
  try {
    await h.engine.store.flush();
    const t0 = performance.now();
    await h.send(sendRequest(HEAVY));
    await h.engine.store.flush();
    out.journalMs = performance.now() - t0;
    out.journalBytes = sizeOf(`${file}.journal`);
    h.engine.store.changed(); // no collection named: the next flush writes a whole snapshot
    const t1 = performance.now();
    await h.engine.store.flush();
    out.snapshotMs = performance.now() - t1;
    out.snapshotBytes = sizeOf(file);
  } catch (error) {
    out.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  return out;
}

function sizeOf(file: string): number | undefined {
  try {
    return statSync(file).size;
  } catch {
    return undefined;
  }
}

function flushText(f: FlushFigures | undefined): string {
  if (!f) return '';
  if (f.error) return `failed: ${f.error}`;
  return `journal flush ${formatMs(f.journalMs)} (journal ${formatMB(f.journalBytes)}); snapshot ${formatMs(f.snapshotMs)}, ${formatMB(f.snapshotBytes)}`;
}

function rss(): number {
  return process.memoryUsage().rss;
}

// ---------------------------------------------------------------------------------------------------

log(
  `scale: N=${formatInt(N)} across ${TENANTS} tenants (every 10th to one heavy tenant), step ${formatInt(STEP)}${DATA ? `, persisting to ${DATA}` : ', in memory'}`,
);
const wallStart = performance.now();

// Phase 0: exactly 10,000 pending lifecycle events on a fresh engine.
const small = await harness();
await sendMany(small, 0, 10_000);
const pending10k = small.clock.state().pendingEvents;
let t = performance.now();
small.clock.advance(1_000); // every message: queued → sent (each schedules its next step)
const advance10kMs = performance.now() - t;
t = performance.now();
small.clock.advance(10 * 60_000);
const advance10kRestMs = performance.now() - t;
await small.close();
log(`10,000 pending events: advance fired them in ${formatMs(advance10kMs)} (the rest of their lifecycles: ${formatMs(advance10kRestMs)})`);

// Phase 1: the fill, with checkpoints.
if (DATA) {
  mkdirSync(dirname(DATA), { recursive: true });
  rmSync(DATA, { force: true });
}
const h = await harness(DATA);
const flushes = DATA ? countFlushes(h.engine) : undefined;
const stalls = monitorEventLoopDelay({ resolution: 5 });
stalls.enable();
const rssEmpty = rss();
let statusEvents = 0;
h.engine.events.on('message.status', () => statusEvents++);

interface StepRow {
  upTo: number;
  usPerSend: number;
  rss: number;
  heapUsed: number;
  flushes?: number;
  /** Longest wall time between two writes during the step. */
  flushGapMs?: number;
  /** Longest the event loop was blocked during the step (sends run in chunks of 100, a few ms). */
  stallMaxMs: number;
}
interface Checkpoint {
  stored: number;
  rss: number;
  httpSend: number[];
  heavy: ListFigures;
  typical: ListFigures;
  flush?: FlushFigures;
}
const steps: StepRow[] = [];
const checkpoints: Checkpoint[] = [];
let sent = 0;
let httpSent = 0;
let finalFlush: FlushFigures | undefined;
while (sent < N) {
  // Steps end on multiples of STEP and on every checkpoint, so each checkpoint sees exactly its count.
  const nextBoundary = Math.min(N, (Math.floor(sent / STEP) + 1) * STEP, ...CHECKPOINTS.filter((c) => c > sent));
  const count = nextBoundary - sent;
  const flushesBefore = flushes?.count ?? 0;
  if (flushes) flushes.longestGapMs = 0;
  stalls.reset();
  const started = performance.now();
  await sendMany(h, sent, count);
  const elapsed = performance.now() - started;
  sent += count;
  const memory = process.memoryUsage();
  const stallMaxMs = stalls.max / 1e6;
  steps.push({
    upTo: sent,
    usPerSend: (elapsed * 1000) / count,
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    stallMaxMs,
    ...(flushes ? { flushes: flushes.count - flushesBefore, flushGapMs: flushes.longestGapMs } : {}),
  });
  log(
    `  ${formatInt(sent)} sent: ${formatUs((elapsed * 1000) / count)} per send, RSS ${formatMB(memory.rss)}, longest event-loop stall ${formatMs(stallMaxMs)}${flushes ? `, ${flushes.count - flushesBefore} background flushes (longest gap ${formatMs(flushes.longestGapMs)})` : ''}${engineErrors.count ? `, ${engineErrors.count} engine errors so far` : ''}`,
  );
  // Rewritten after every step, so a run stopped early (a --data run at 1M can take very long) keeps what it measured.
  writeReport(`stopped early? this report was written after ${formatInt(sent)} of ${formatInt(N)} sends`, false);
  for (const c of CHECKPOINTS) {
    if (sent === c) {
      let checkpoint: Checkpoint;
      try {
        const httpSend = await httpSendLatency(h);
        httpSent += httpSend.length + 1;
        checkpoint = { stored: sent + httpSent, rss: rss(), httpSend, heavy: await listLatency(h, HEAVY), typical: await listLatency(h, TYPICAL) };
      } catch (error) {
        // A stalled server (a --data flush of seconds) can outlast keep-alive; record it rather than lose the run.
        const reason = error instanceof Error ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}` : String(error);
        log(`  checkpoint ${formatInt(c)}: HTTP measurements failed: ${reason}`);
        runNotes.push(`checkpoint ${formatInt(c)}: the HTTP measurements failed (${reason})`);
        continue;
      }
      if (DATA) checkpoint.flush = await timedFlush(h, DATA);
      checkpoints.push(checkpoint);
      log(
        `  checkpoint ${formatInt(c)}: heavy tenant (${formatInt(checkpoint.heavy.total)} msgs) page 1 ${formatMs(median(checkpoint.heavy.page1))}, page ${checkpoint.heavy.lastPage} ${formatMs(median(checkpoint.heavy.last))}; typical (${formatInt(checkpoint.typical.total)}) ${formatMs(median(checkpoint.typical.page1))} / ${formatMs(median(checkpoint.typical.last))}; HTTP send ${formatMs(median(checkpoint.httpSend))}${checkpoint.flush ? `; ${flushText(checkpoint.flush)}` : ''}`,
      );
    }
  }
}

// Phase 2: advance through every lifecycle.
writeReport(`stopped early? this report was written after all ${formatInt(sent)} sends, before the clock advance`, false);
const pendingAll = h.clock.state().pendingEvents;
const rssBeforeAdvance = rss();
t = performance.now();
h.clock.advance(10 * 60_000);
const advanceAllMs = performance.now() - t;
const advanced: { pendingAll: number; rssBefore: number; rssAfter: number; ms: number } | undefined = {
  pendingAll,
  rssBefore: rssBeforeAdvance,
  rssAfter: rss(),
  ms: advanceAllMs,
};
log(
  `advance through all lifecycles: ${formatInt(pendingAll)} pending at the start, ${formatInt(statusEvents)} status changes in ${formatMs(advanceAllMs)}; RSS ${formatMB(advanced.rssAfter)}`,
);
if (DATA) {
  finalFlush = await timedFlush(h, DATA);
  log(`flush after the advance: ${flushText(finalFlush)}`);
}
await h.close();
writeReport();

// ---------------------------------------------------------------------------------------------------

/** Writes the report (and prints it when `print`); `partial` says how far a report written mid-run had got. */
function writeReport(partial?: string, print = true): void {
  const peakRss = Math.max(...steps.map((s) => s.rss), ...checkpoints.map((c) => c.rss), advanced?.rssBefore ?? 0, advanced?.rssAfter ?? 0);
  const wallMs = performance.now() - wallStart;
  const first = checkpoints[0];
  const last = checkpoints[checkpoints.length - 1];
  const deepVsFirst = ratio(median(last?.heavy.last ?? []), median(first?.heavy.page1 ?? []));
  const deepTypicalVsFirst = ratio(median(last?.typical.last ?? []), median(first?.typical.page1 ?? []));
  const targets = [
    {
      target: `deep page at ${formatInt(last?.stored)} stored within 2× of page 1 at ${formatInt(first?.stored)}`,
      measured: `heavy tenant: ${formatMs(median(last?.heavy.last ?? []))} vs ${formatMs(median(first?.heavy.page1 ?? []))} = ${formatRatio(deepVsFirst)}; typical tenant: ${formatRatio(deepTypicalVsFirst)}`,
      met: meets(deepVsFirst, 2, 'atMost'),
    },
    {
      target: `1M stored messages under 1.5 GB RSS`,
      measured: `${formatMB(last?.rss)} at ${formatInt(last?.stored)} stored (peak during the run, the clock advance included: ${formatMB(peakRss)})`,
      met: (last?.stored ?? 0) >= 1_000_000 ? meets(last?.rss, 1.5e9, 'atMost') : undefined,
    },
    {
      target: 'advance through 10,000 pending lifecycle events < 1 s',
      measured: `${formatMs(advance10kMs)} (${formatInt(pending10k)} pending)`,
      met: meets(advance10kMs, 1_000, 'atMost'),
    },
  ];

  const stepTable = markdownTable(
    [
      'messages stored',
      'time per send (handler path)',
      'RSS',
      'V8 heap used',
      'longest event-loop stall',
      ...(DATA ? ['background flushes', 'longest gap between writes'] : []),
    ],
    steps.map((s) => [
      formatInt(s.upTo),
      formatUs(s.usPerSend),
      formatMB(s.rss),
      formatMB(s.heapUsed),
      formatMs(s.stallMaxMs),
      ...(DATA ? [formatInt(s.flushes), formatMs(s.flushGapMs)] : []),
    ]),
    ['right', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
  const listRows = checkpoints.flatMap((c) => [
    [
      formatInt(c.stored),
      `heavy (${formatInt(c.heavy.total)})`,
      formatMs(median(c.heavy.page1)),
      `${formatMs(median(c.heavy.last))} (page ${c.heavy.lastPage})`,
      formatMs(Math.max(...c.heavy.last)),
      formatMs(median(c.httpSend)),
      formatMB(c.rss),
      ...(DATA
        ? [c.flush?.error ? `failed: ${c.flush.error}` : formatMs(c.flush?.journalMs), formatMs(c.flush?.snapshotMs), formatMB(c.flush?.snapshotBytes)]
        : []),
    ],
    [
      formatInt(c.stored),
      `typical (${formatInt(c.typical.total)})`,
      formatMs(median(c.typical.page1)),
      `${formatMs(median(c.typical.last))} (page ${c.typical.lastPage})`,
      formatMs(Math.max(...c.typical.last)),
      '',
      '',
      ...(DATA ? ['', '', ''] : []),
    ],
  ]);
  const listTable = markdownTable(
    [
      'stored',
      'tenant (its messages)',
      'list page 1',
      'list last page',
      'last page, max',
      'HTTP send',
      'RSS',
      ...(DATA ? ['flush, journal', 'flush, snapshot', 'snapshot size'] : []),
    ],
    listRows,
    ['right', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
  const md = [
    '# msgsim scale run',
    '',
    'Written by `npm run bench:scale` (bench/scale.ts); method in bench/README.md.',
    '',
    `- date: ${new Date().toISOString()}; node ${process.version}; ${availableParallelism()} cores`,
    `- ${formatInt(N)} Msghub sends across ${formatInt(TENANTS)} tenants (every 10th to one heavy tenant), through the handler path; ${DATA ? `persisted to a file (--data)` : 'in memory'}`,
    `- RSS of the process before the fill (app built, nothing stored): ${formatMB(rssEmpty)}; whole run ${formatMs(wallMs)}`,
    ...(partial ? [`- **${partial}**: the figures below are what was measured until then`] : []),
    ...runNotes.map((note) => `- ${note}`),
    ...(engineErrors.count
      ? [`- **${formatInt(engineErrors.count)} engine errors** (failed background writes and the like); the last: ${engineErrors.last}`]
      : []),
    '',
    '## Targets',
    '',
    markdownTable(
      ['target (issue 11)', 'measured', 'verdict'],
      targets.map((x) => [x.target, x.measured, verdict(x.met)]),
    ),
    '',
    '## Time per send and memory as the store grows',
    '',
    stepTable,
    '',
    '## Lists and sends over HTTP at each size (sequential requests, median)',
    '',
    listTable,
    '',
    '## Advancing the clock',
    '',
    markdownTable(
      ['what', 'pending events', 'time'],
      [
        ['10,000 messages, advance 1 s (each queued → sent)', formatInt(pending10k), formatMs(advance10kMs)],
        ['the same 10,000, advance 10 min (the rest of their lifecycles)', '', formatMs(advance10kRestMs)],
        ...(advanced
          ? [
              [
                `all ${formatInt(sent + httpSent)} messages, advance 10 min`,
                formatInt(advanced.pendingAll),
                `${formatMs(advanced.ms)} (${formatInt(statusEvents)} status changes, ${formatUs((advanced.ms * 1000) / Math.max(1, statusEvents))} each); RSS ${formatMB(advanced.rssBefore)} → ${formatMB(advanced.rssAfter)}`,
              ],
            ]
          : []),
        ...(finalFlush ? [['flush after the advance', '', flushText(finalFlush)]] : []),
      ],
      ['left', 'right', 'left'],
    ),
    '',
  ].join('\n');
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, md);
  if (print) {
    console.log(`\n${md}`);
    log(`wrote ${OUT}`);
  }
}
