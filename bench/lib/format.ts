/**
 * Pure helpers that turn measurements into the printed and committed tables. Kept free of I/O and of
 * the clock so test/unit/bench-format.test.ts can pin their exact output (no timings are tested).
 */

/** value / reference, or undefined when either is missing or the reference is not positive. */
export function ratio(value: number | undefined, reference: number | undefined): number | undefined {
  if (value === undefined || reference === undefined) return undefined;
  if (!Number.isFinite(value) || !Number.isFinite(reference) || reference <= 0) return undefined;
  return value / reference;
}

/** `0.62×`, `12×` (two significant digits is all a benchmark ratio can honestly claim); `—` when absent. */
export function formatRatio(r: number | undefined): string {
  if (r === undefined) return '—';
  if (r >= 10) return `${Math.round(r)}×`;
  return `${r.toFixed(2)}×`;
}

/** Integer with thousands separators (fixed to `,` so the output does not depend on the locale). */
export function formatInt(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  const rounded = Math.round(n);
  const sign = rounded < 0 ? '-' : '';
  return sign + String(Math.abs(rounded)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Milliseconds: 2 decimals under 10 ms, 1 under 100 ms, whole above. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${formatInt(ms)} ms`;
}

/** The stalls lib/stall-watch.mjs reports, as far as this file reads them. */
export interface StallSummary {
  stalls: ReadonlyArray<{ ms: number; cpuMs: number; gcMs: number; gcs: readonly string[] }>;
  longestMs: number;
}

/**
 * The longest event-loop stall, with the process's CPU time and the GC pauses inside it (`412 ms (CPU 380 ms;
 * GC 2 pauses, 35.0 ms, 1 mark-compact)`); only the longest gap when no stall passed the watcher's bound.
 */
export function longestStallText(report: StallSummary): string {
  const worst = report.stalls.reduce<StallSummary['stalls'][number] | undefined>((a, s) => (!a || s.ms > a.ms ? s : a), undefined);
  if (!worst) return formatMs(report.longestMs);
  const markCompacts = worst.gcs.filter((g) => g.startsWith('mark-compact')).length;
  return `${formatMs(worst.ms)} (CPU ${formatMs(worst.cpuMs)}; GC ${worst.gcs.length ? `${worst.gcs.length} pauses, ${formatMs(worst.gcMs)}${markCompacts ? `, ${markCompacts} mark-compact` : ''}` : 'none'})`;
}

/** Microseconds per operation, for the scale run's per-send cost. */
export function formatUs(us: number | undefined): string {
  if (us === undefined || !Number.isFinite(us)) return '—';
  if (us < 10) return `${us.toFixed(2)} µs`;
  if (us < 100) return `${us.toFixed(1)} µs`;
  return `${formatInt(us)} µs`;
}

/** Bytes as MB (10^6, as `ls -l --si` and most dashboards show memory); `—` when unknown. */
export function formatMB(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '—';
  const mb = bytes / 1e6;
  return mb < 10 ? `${mb.toFixed(1)} MB` : `${formatInt(mb)} MB`;
}

export type Align = 'left' | 'right';

/** A GitHub-flavoured markdown table; cells are escaped for `|`. Columns default to left alignment. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[] = []): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const rule = headers.map((_, i) => (align[i] === 'right' ? '---:' : '---'));
  const lines = [headers, rule, ...rows].map((cells) => `| ${cells.map(escape).join(' | ')} |`);
  return lines.join('\n');
}

/** Plain-text table for the terminal: the same cells, padded to column width. */
export function textTable(headers: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[] = []): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => [...(r[i] ?? '')].length)));
  const pad = (cell: string, i: number) => {
    const gap = ' '.repeat(widths[i]! - [...cell].length);
    return align[i] === 'right' ? gap + cell : cell + gap;
  };
  const line = (cells: readonly string[]) => cells.map(pad).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** A target's outcome as a word: the table must say plainly what was missed. */
export function verdict(met: boolean | undefined): string {
  if (met === undefined) return 'not measured';
  return met ? 'met' : 'MISSED';
}

/** Compares a measured value with a bound: `≤` targets (latency, memory) and `≥` targets (throughput). */
export function meets(value: number | undefined, bound: number | undefined, direction: 'atLeast' | 'atMost'): boolean | undefined {
  if (value === undefined || bound === undefined || !Number.isFinite(value) || !Number.isFinite(bound)) return undefined;
  return direction === 'atLeast' ? value >= bound : value <= bound;
}

/** Median of a sample (the scale run's sequential latencies); undefined when empty. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..100) of a sample; undefined when empty. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}
