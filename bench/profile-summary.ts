/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, or BENCH_CPU_PROF=dir npm run bench) into where the
 * time goes: self time by package / src file, and the heaviest functions by self and by inclusive time.
 *
 *   node --import tsx bench/profile-summary.ts <file.cpuprofile> [topN] [--last SECONDS]
 *
 * --last keeps only the samples of the profile's final SECONDS: with one scenario selected
 * (BENCH_ONLY=msgsim.msghub-send), that is the measured run, without start-up, seeding and warm-up.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { formatMs, markdownTable } from './lib/format.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Where a frame's code lives: an npm package, a file of ours, node's own, or V8 (GC, idle, program). */
export function areaOf(url: string): string {
  if (!url) return '(v8: gc, idle, native)';
  if (url.startsWith('node:')) return 'node core';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  const ours = /\/(dist|src|bench)\/(.+)$/.exec(url);
  if (ours) return `${ours[1]}/${ours[2]}`;
  return url;
}

/** The file, short: `package/dist/file.js` for packages, `dist/…` for ours. */
function shortFile(url: string): string {
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+\/.+)$/.exec(url)?.[1];
  return inPackage ?? areaOf(url);
}

function frameKey(frame: CallFrame): string {
  const file = shortFile(frame.url);
  return `${frame.functionName || '(anonymous)'}  ${file}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
}

export interface Summary {
  totalMs: number;
  byArea: [string, number][];
  bySelf: [string, number][];
  byInclusive: [string, number][];
}

export function summarise(profile: CpuProfile, lastSeconds?: number): Summary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const area = new Map<string, number>();
  let total = 0;
  // Sample i happened at startTime + the sum of the first i+1 deltas (µs).
  let at = profile.startTime;
  const from = lastSeconds === undefined ? -Infinity : profile.endTime - lastSeconds * 1e6;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < from) return;
    const ms = delta / 1000;
    const node = byId.get(id);
    if (!node) return;
    total += ms;
    const key = frameKey(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + ms);
    const a = node.callFrame.functionName === '(idle)' ? '(idle)' : areaOf(node.callFrame.url);
    area.set(a, (area.get(a) ?? 0) + ms);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = frameKey(byId.get(cur)!.callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + ms);
    }
  });
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return { totalMs: total, byArea: sorted(area), bySelf: sorted(self), byInclusive: sorted(inclusive).filter(([k]) => !k.startsWith('(root)')) };
}

export function summaryMarkdown(s: Summary, top: number): string {
  const pct = (ms: number) => `${((100 * ms) / s.totalMs).toFixed(1)} %`;
  const rows = (list: [string, number][]) => list.slice(0, top).map(([k, ms]) => [k, formatMs(ms), pct(ms)]);
  return [
    `Profile: ${formatMs(s.totalMs)} sampled`,
    '',
    '### Self time by area',
    '',
    markdownTable(['area', 'self', 'share'], rows(s.byArea), ['left', 'right', 'right']),
    '',
    '### Heaviest functions, self time',
    '',
    markdownTable(['function', 'self', 'share'], rows(s.bySelf), ['left', 'right', 'right']),
    '',
    '### Heaviest functions, inclusive time (the function and everything it called)',
    '',
    markdownTable(['function', 'inclusive', 'share'], rows(s.byInclusive), ['left', 'right', 'right']),
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const lastAt = args.indexOf('--last');
  const last = lastAt >= 0 ? Number(args.splice(lastAt, 2)[1]) : undefined;
  const [file, top] = args;
  if (!file) {
    console.error('usage: node --import tsx bench/profile-summary.ts <file.cpuprofile> [topN] [--last SECONDS]');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  console.log(summaryMarkdown(summarise(profile, last), Number(top ?? 25)));
}
