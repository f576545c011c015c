/**
 * Cold start: wall time from launching `node dist/cli.js` to its first successful provider response
 * (poll /_sim/health every few ms until it answers, then one Msghub send must answer 201), with every
 * provider the build mounts. Run alone with `node --import tsx bench/cold-start.ts`; `npm run bench`
 * runs it too. The issue's target: under 600 ms with all five providers. BENCH_COLD_RUNS sets the
 * number of launches (median reported); BENCH_CPU_PROF=dir profiles each launch.
 *
 * Each msgsim launch is followed by a launch of the express baseline (launch → its first 201), so the
 * report also has a same-run reference: on a shared VM node's own start swings by a third from hour to hour.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { BENCH_DIR, CLI, envNumber } from './lib/config.js';
import { formatMs, formatRatio, markdownTable, median } from './lib/format.js';
import { MSGHUB_SEND_BODY } from './lib/msgsim-client.js';
import { canPin, freePort, pollUntil, startProcess, stopProcess, type ServerProcess } from './lib/proc.js';
import { availableParallelism } from 'node:os';

export interface ColdStartRun {
  /** Launch → /_sim/health answers 200. */
  healthMs: number;
  /** Launch → the first provider request answers 201. */
  firstResponseMs: number;
  /** That first request alone (lazy per-route work shows up here). */
  firstRequestMs: number;
  providers: string[];
  /** The express baseline launched right after: launch → its first 201. */
  baselineMs: number;
}

export interface ColdStart {
  runs: ColdStartRun[];
  medianBaselineMs: number;
  medianFirstResponseMs: number;
  medianHealthMs: number;
  medianFirstRequestMs: number;
  providers: string[];
  pinned: boolean;
}

export async function measureColdStart(runs: number, extraNodeArgs: readonly string[] = []): Promise<ColdStart> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const pinned = canPin(availableParallelism());
  const results: ColdStartRun[] = [];
  for (let i = 0; i < runs; i++) {
    const run = await once(pinned, extraNodeArgs);
    results.push({ ...run, baselineMs: await baselineOnce(pinned) });
  }
  return {
    runs: results,
    medianBaselineMs: median(results.map((r) => r.baselineMs)) ?? NaN,
    medianFirstResponseMs: median(results.map((r) => r.firstResponseMs)) ?? NaN,
    medianHealthMs: median(results.map((r) => r.healthMs)) ?? NaN,
    medianFirstRequestMs: median(results.map((r) => r.firstRequestMs)) ?? NaN,
    providers: results[0]?.providers ?? [],
    pinned,
  };
}

/** Starts `args` under node (pinned like every bench server); `started` is taken just before the spawn. */
function launch(pinned: boolean, name: string, args: readonly string[]): { server: ServerProcess; started: number } {
  const started = performance.now();
  return { server: startProcess({ name, command: process.execPath, args, pin: pinned }), started };
}

const POLL = { intervalMs: 5, timeoutMs: 60_000 };

/** The express baseline (bench/servers/express-baseline.mjs): launch → its first 201. */
async function baselineOnce(pinned: boolean): Promise<number> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/messages/send`;
  const { server, started } = launch(pinned, 'the express baseline', [`${BENCH_DIR}/servers/express-baseline.mjs`, String(port)]);
  try {
    await pollUntil(
      server,
      async () => {
        const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: MSGHUB_SEND_BODY });
        await response.arrayBuffer();
        return response.status === 201 ? true : undefined;
      },
      { what: url, ...POLL },
    );
    return performance.now() - started;
  } finally {
    await stopProcess(server);
  }
}

async function once(pinned: boolean, extraNodeArgs: readonly string[]): Promise<Omit<ColdStartRun, 'baselineMs'>> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const { server, started } = launch(pinned, 'msgsim', [...extraNodeArgs, CLI, '--port', String(port), '--log-level', 'warn']);
  try {
    const providers = await pollUntil(
      server,
      async () => {
        const response = await fetch(`${base}/_sim/health`);
        const body = (await response.json()) as { providers?: { name: string }[] };
        return response.ok ? (body.providers ?? []).map((p) => p.name) : undefined;
      },
      { what: '/_sim/health', ...POLL },
    );
    const healthMs = performance.now() - started;
    const requestStarted = performance.now();
    const response = await fetch(`${base}/msghub/api/v1/messages/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'mk_live_coldstart' },
      body: MSGHUB_SEND_BODY,
    });
    await response.arrayBuffer();
    if (response.status !== 201) throw new Error(`first send answered ${response.status}`);
    const now = performance.now();
    return { healthMs, firstResponseMs: now - started, firstRequestMs: now - requestStarted, providers };
  } finally {
    await stopProcess(server);
  }
}

export function coldStartTable(result: ColdStart): string {
  return markdownTable(
    ['measure', 'median', 'runs'],
    [
      ['launch → /_sim/health answers', formatMs(result.medianHealthMs), result.runs.map((r) => formatMs(r.healthMs)).join(', ')],
      ['first Msghub send alone', formatMs(result.medianFirstRequestMs), result.runs.map((r) => formatMs(r.firstRequestMs)).join(', ')],
      ['**launch → first 201**', `**${formatMs(result.medianFirstResponseMs)}**`, result.runs.map((r) => formatMs(r.firstResponseMs)).join(', ')],
      [
        'express baseline, launch → first 201 (same run, each right after a msgsim launch)',
        formatMs(result.medianBaselineMs),
        result.runs.map((r) => formatMs(r.baselineMs)).join(', '),
      ],
      ['msgsim ÷ express baseline', formatRatio(result.medianFirstResponseMs / result.medianBaselineMs), ''],
    ],
    ['left', 'right', 'left'],
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // BENCH_CPU_PROF=dir: each launch writes a V8 CPU profile there (summarise with bench/profile-summary.ts).
  const profDir = process.env.BENCH_CPU_PROF;
  const result = await measureColdStart(envNumber('BENCH_COLD_RUNS', 5), profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : []);
  console.log(
    `Cold start, ${result.runs.length} runs, ${result.providers.length} providers mounted (${result.providers.join(', ')})${result.pinned ? ', server pinned to core 0' : ''}\n`,
  );
  console.log(coldStartTable(result));
  console.log(
    `\ntarget: under 600 ms with all five providers → ${result.medianFirstResponseMs < 600 ? 'met' : 'MISSED'}${result.providers.length < 5 ? ` (only ${result.providers.length} mounted)` : ''}`,
  );
}
