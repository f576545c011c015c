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
import { BENCH_DIR, CLI, envNumber } from './lib/config.js';
import { formatInt, formatMB, formatMs, markdownTable } from './lib/format.js';
import { measure, rotatingHeader, type Measurement } from './lib/load.js';
import { MSGHUB_SEND_BODY } from './lib/msgsim-client.js';
import { canPin, freePort, LOADGEN_CPU, pinSelf, startProcess, stopProcess, waitForHttp } from './lib/proc.js';

interface ProbeReport {
  gcs: Array<{ kind: string; ms: number }>;
  stalls: Array<{ ms: number; markCompact: boolean; gcMs: number; gcs: string[] }>;
  heapUsed: number;
}

const PROBE = join(BENCH_DIR, 'servers', 'stall-probe.mjs');
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const settings = { connections: envNumber('BENCH_CONNECTIONS', 50), durationSec: envNumber('BENCH_DURATION', 10), warmupSec: envNumber('BENCH_WARMUP', 3) };
const pinned = canPin(availableParallelism()) && pinSelf(LOADGEN_CPU);

const servers = {
  express: { args: (port: number) => [join(BENCH_DIR, 'servers', 'express-baseline.mjs'), String(port)], path: '/messages/send', ready: '/' },
  msgsim: {
    args: (port: number) => [...NODE_ARGS, CLI, '--port', String(port), '--clock', 'real'],
    path: '/msghub/api/v1/messages/send',
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
    const spec = {
      url,
      requests: [{ method: 'POST' as const, path: server.path, headers: { 'content-type': 'application/json' }, body: MSGHUB_SEND_BODY, setupRequest: rotatingHeader('x-api-key', (i) => `mk_live_bench${String(i).padStart(5, '0')}`, 1_000) }],
    };
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
    for (const stall of result.report.stalls) console.log(`  stall ${formatMs(stall.ms)}: GC inside it ${formatMs(stall.gcMs)} (${stall.gcs.join(', ') || 'none'})`);
  }
}
console.log(
  `\nMsghub send load, ${settings.connections} connections, ${settings.durationSec} s measured${pinned ? ', server on core 0' : ''}${NODE_ARGS.length ? `, msgsim with ${NODE_ARGS.join(' ')}` : ''}\n`,
);
console.log(markdownTable(['server', 'req/s', 'p50', 'p99', 'scavenges · pause', 'mark-compacts · pause', 'loop stalls > 50 ms', 'heap used at end'], rows, ['left', 'right', 'right', 'right', 'right', 'right', 'left', 'right']));
