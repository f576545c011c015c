/**
 * Turns one run's measurements into the tables `npm run bench` prints and commits: every figure, msgsim's
 * as ratios to the same run's express baseline and Prism, and the issue's targets with a verdict each.
 */
import { formatInt, formatMB, formatMs, formatRatio, markdownTable, meets, ratio, textTable, verdict, type Align } from './format.js';
import type { Measurement } from './load.js';

export interface RowResult {
  id: string;
  label: string;
  server: string;
  kind: 'ceiling' | 'baseline' | 'msgsim' | 'prism';
  /** The Prism group's id for same-operation ratios (the default-logging Prism, as a user runs it). */
  group: string;
  op: 'send' | 'get' | 'list';
  measurement?: Measurement;
  rssBytes?: number;
  skipped?: string;
  note?: string;
  warning?: string;
}

export interface RunMeta {
  date: string;
  node: string;
  cores: number;
  cpuModel?: string;
  pinned: boolean;
  connections: number;
  durationSec: number;
  warmupSec: number;
  loadBefore?: number;
  loadAfter?: number;
}

export interface TargetResult {
  target: string;
  measured: string;
  met: boolean | undefined;
}

const PRISM_GROUP = 'prism';

export function baselineOf(rows: readonly RowResult[]): RowResult | undefined {
  return rows.find((r) => r.kind === 'baseline' && r.measurement);
}

/** Prism's figure for the same kind of operation (its answers are static examples either way). */
export function prismFor(rows: readonly RowResult[], op: RowResult['op']): RowResult | undefined {
  const prism = rows.filter((r) => r.group === PRISM_GROUP && r.measurement);
  return prism.find((r) => r.op === op) ?? prism.find((r) => r.op === 'send');
}

const HEADERS = ['scenario', 'req/s', 'p50', 'p99', 'RSS', '× express req/s', '× Prism req/s', 'p99 × express', 'notes'];
const ALIGN: Align[] = ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'];

export function tableCells(rows: readonly RowResult[]): string[][] {
  const base = baselineOf(rows)?.measurement;
  return rows.map((row) => {
    const m = row.measurement;
    if (!m) return [row.label, '—', '—', '—', '—', '—', '—', '—', `skipped: ${row.skipped ?? 'not run'}`];
    const prism = row.kind === 'msgsim' ? prismFor(rows, row.op)?.measurement : undefined;
    const notes = [
      row.note,
      row.warning ? `⚠ ${row.warning}` : undefined,
      m.non2xx ? `${formatInt(m.non2xx)} non-2xx` : undefined,
      m.errors ? `${formatInt(m.errors)} errors` : undefined,
    ]
      .filter(Boolean)
      .join('; ');
    return [
      row.label,
      formatInt(m.rps),
      formatMs(m.p50),
      formatMs(m.p99),
      formatMB(row.rssBytes),
      row.kind === 'baseline' ? '1.00×' : formatRatio(ratio(m.rps, base?.rps)),
      formatRatio(ratio(m.rps, prism?.rps)),
      row.kind === 'baseline' ? '1.00×' : formatRatio(ratio(m.p99, base?.p99)),
      notes,
    ];
  });
}

export function resultsMarkdown(rows: readonly RowResult[]): string {
  return markdownTable(HEADERS, tableCells(rows), ALIGN);
}

export function resultsText(rows: readonly RowResult[]): string {
  return textTable(HEADERS, tableCells(rows), ALIGN);
}

/** The issue's targets that one `npm run bench` can judge (the scale targets are bench/scale.ts's). */
export function throughputTargets(rows: readonly RowResult[], coldStartMs: number | undefined, providers: number | undefined): TargetResult[] {
  const send = rows.find((r) => r.id === 'msgsim.msghub-send')?.measurement;
  const base = baselineOf(rows)?.measurement;
  const prism = prismFor(rows, 'send')?.measurement;
  const prismSilent = rows.find((r) => r.group === 'prism-silent' && r.measurement)?.measurement;
  const vsBase = ratio(send?.rps, base?.rps);
  const vsPrism = ratio(send?.rps, prism?.rps);
  const p99 = ratio(send?.p99, base?.p99);
  const targets: TargetResult[] = [
    { target: 'Msghub send ≥ 0.6× express req/s', measured: formatRatio(vsBase), met: meets(vsBase, 0.6, 'atLeast') },
    {
      target: 'Msghub send ≥ 3× Prism req/s',
      measured: `${formatRatio(vsPrism)} (vs Prism -v silent: ${formatRatio(ratio(send?.rps, prismSilent?.rps))})`,
      met: meets(vsPrism, 3, 'atLeast'),
    },
    { target: 'Msghub send p99 ≤ 1.5× express p99 (50 connections)', measured: `${formatMs(send?.p99)} = ${formatRatio(p99)}`, met: meets(p99, 1.5, 'atMost') },
  ];
  const persisted = ratio(rows.find((r) => r.id === 'msgsim-data.msghub-send')?.measurement?.rps, send?.rps);
  const synced = ratio(rows.find((r) => r.id === 'msgsim-fsync.msghub-send')?.measurement?.rps, send?.rps);
  targets.push({
    target: 'Msghub send with --data ≥ 0.8× in memory req/s (issue 19)',
    measured: `${formatRatio(persisted)} (--data --fsync: ${formatRatio(synced)})`,
    met: meets(persisted, 0.8, 'atLeast'),
  });
  const allFive = providers === undefined ? undefined : providers >= 5;
  targets.push({
    target: 'cold start < 600 ms with all five providers',
    measured: coldStartMs === undefined ? '—' : `${formatMs(coldStartMs)}, ${providers ?? '?'} providers mounted`,
    met: coldStartMs === undefined ? undefined : coldStartMs < 600 && allFive !== false,
  });
  const unjournaled = rows.find((r) => r.id === 'msgsim-nojournal.msghub-send')?.measurement;
  const journaled = ratio(send?.rps, unjournaled?.rps);
  targets.push({
    target: 'Msghub send with the request journal ≥ 0.9× with --journal-size 0 req/s (issue 21)',
    measured: `${formatRatio(journaled)} (p99 ${formatMs(send?.p99)} vs ${formatMs(unjournaled?.p99)})`,
    met: meets(journaled, 0.9, 'atLeast'),
  });
  return targets;
}

export function targetsMarkdown(targets: readonly TargetResult[]): string {
  return markdownTable(
    ['target (issue 11)', 'measured', 'verdict'],
    targets.map((t) => [t.target, t.measured, verdict(t.met)]),
  );
}

export function metaLines(meta: RunMeta): string[] {
  const load = (n: number | undefined) => (n === undefined ? '?' : n.toFixed(2));
  return [
    `- date: ${meta.date}`,
    `- node ${meta.node}, ${meta.cores} cores${meta.cpuModel ? ` (${meta.cpuModel})` : ''}`,
    `- ${meta.pinned ? 'each server pinned to core 0 (taskset), autocannon on core 1' : 'no pinning (taskset missing or a single core): server and load generator share the cores'}`,
    `- autocannon: ${meta.connections} connections, ${meta.warmupSec} s warm-up (discarded), then ${meta.durationSec} s measured per scenario`,
    `- 1-minute load average: ${load(meta.loadBefore)} before, ${load(meta.loadAfter)} after (anything above ~1 means other work shared the machine)`,
  ];
}
