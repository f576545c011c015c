/**
 * Where the send's p99 goes: the express baseline and msgsim, each under the Msghub send load of
 * `npm run bench` (50 connections), with a probe preloaded (servers/stall-probe.mjs) that records GC
 * pauses and event-loop stalls over the measured seconds. Run with `node --import tsx bench/stalls.ts`
 * after a build; BENCH_DURATION, BENCH_WARMUP, BENCH_NODE_ARGS as for `npm run bench`, STALL_ROUNDS
 * (default 2) alternates the two servers that many times. Finding 9 in bench/README.md.
 */
import { readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AutocannonRequest } from 'autocannon';
import { BENCH_DIR, CLI, envNumber, MSGSIM_NODE_ARGS, runConfig } from './lib/config.js';
import { formatInt, formatMB, formatMs, markdownTable } from './lib/format.js';
import { measure, type Measurement } from './lib/load.js';
import { canPin, freePort, LOADGEN_CPU, pinSelf, startProcess, stopProcess, waitForHttp } from './lib/proc.js';
import { fixedSend, rotatingMsghubSend } from './scenarios.js';

interface ProbeReport {
  gcs: Array<{ kind: string; ms: number }>;
  stalls: Array<{ ms: number; markCompact: boolean; gcMs: number; gcs: string[] }>;
  heapUsed: number;
}

const PROBE = join(BENCH_DIR, 'servers', 'stall-probe.mjs');
const settings = runConfig();
const pinned = canPin(availableParallelism()) && pinSelf(LOADGEN_CPU);

// The requests `npm run bench` sends to each (scenarios.ts).
const servers: Record<'express' | 'msgsim', { args: (port: number) => string[]; request: AutocannonRequest; ready: string }> = {
  express: { args: (port) => [join(BENCH_DIR, 'servers', 'express-baseline.mjs'), String(port)], request: fixedSend('/messages/send'), ready: '/' },
  msgsim: {
    args: (port) => [...MSGSIM_NODE_ARGS, CLI, '--port', String(port), '--clock', 'real'],
    request: rotatingMsghubSend('/msghub/api/v1/messages/send'),
    ready: '/_sim/health',
  },
};

async function probe(name: keyof typeof servers): Promise<{ m: Measurement; report: ProbeReport }> {
  const server = servers[name];
  const port = await freePort();
  const out = join(tmpdir(), `msgsim-stall-probe-${process.pid}.json`);
  const proc = startProcess({ name, command: process.execPath, args: ['--import', PROBE, ...server.args(port)], env: { STALL_PROBE_OUT: out }, pin: pinned });
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}${server.ready}`, proc);
    const spec = { url, requests: [server.request] };
    await measure(spec, { ...settings, durationSec: settings.warmupSec, warmupSec: 0 });
    proc.child.kill('SIGUSR2'); // the warm-up's pauses are not counted
    await sleep(100);
    const m = await measure(spec, { ...settings, warmupSec: 0 });
    proc.child.kill('SIGUSR2');
    await sleep(200);
    const report = JSON.parse(readFileSync(out, 'utf8')) as ProbeReport;
    rmSync(out, { force: true });
    return { m, report };
  } finally {
    await stopProcess(proc);
  }
}

function row(name: string, { m, report }: { m: Measurement; report: ProbeReport }): string[] {
  const of = (kind: string) => report.gcs.filter((g) => g.kind === kind);
  const sum = (xs: Array<{ ms: number }>) => xs.reduce((s, x) => s + x.ms, 0);
  const stallsByGc = report.stalls.filter((s) => s.markCompact);
  return [
    name,
    formatInt(m.rps),
    formatMs(m.p50),
    formatMs(m.p99),
    `${of('scavenge').length} · ${formatMs(sum(of('scavenge')))}`,
    `${of('mark-compact').length} · ${formatMs(sum(of('mark-compact')))}`,
    `${report.stalls.length} (${stallsByGc.length} with a mark-compact) · longest ${formatMs(Math.max(0, ...report.stalls.map((s) => s.ms)))} · ${formatMs(sum(report.stalls))} in all`,
    formatMB(report.heapUsed),
  ];
}

const rows: string[][] = [];
for (let round = 0; round < envNumber('STALL_ROUNDS', 2); round++) {
  for (const name of ['express', 'msgsim'] as const) {
    const result = await probe(name);
    rows.push(row(name, result));
    console.log(rows.at(-1)!.join('  '));
    for (const stall of result.report.stalls)
      console.log(`  stall ${formatMs(stall.ms)}: GC inside it ${formatMs(stall.gcMs)} (${stall.gcs.join(', ') || 'none'})`);
  }
}
console.log(
  `\nMsghub send load, ${settings.connections} connections, ${settings.durationSec} s measured${pinned ? ', server on core 0' : ''}${MSGSIM_NODE_ARGS.length ? `, msgsim with ${MSGSIM_NODE_ARGS.join(' ')}` : ''}\n`,
);
console.log(
  markdownTable(['server', 'req/s', 'p50', 'p99', 'scavenges · pause', 'mark-compacts · pause', 'loop stalls > 50 ms', 'heap used at end'], rows, [
    'left',
    'right',
    'right',
    'right',
    'right',
    'right',
    'left',
    'right',
  ]),
);
