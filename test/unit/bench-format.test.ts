/** The benchmark's pure formatting and ratio helpers (bench/lib/format.ts); no timing is measured here. */
import { describe, expect, it } from 'vitest';
import {
  formatInt,
  formatMB,
  formatMs,
  formatRatio,
  formatUs,
  longestStallText,
  markdownTable,
  median,
  meets,
  percentile,
  ratio,
  textTable,
  verdict,
} from '../../bench/lib/format.js';
import { throughputTargets, tableCells, type RowResult } from '../../bench/lib/report.js';

describe('ratio and its formatting', () => {
  it.each([
    { value: 6000, reference: 10000, expected: 0.6 },
    { value: 10, reference: 0, expected: undefined },
    { value: undefined, reference: 5, expected: undefined },
    { value: 5, reference: undefined, expected: undefined },
    { value: Number.NaN, reference: 5, expected: undefined },
  ])('$value / $reference', ({ value, reference, expected }) => {
    expect(ratio(value, reference)).toBe(expected);
  });

  it.each([
    { r: 0.6, text: '0.60×' },
    { r: 2.345, text: '2.35×' },
    { r: 9.999, text: '10.00×' },
    { r: 12.4, text: '12×' },
    { r: undefined, text: '—' },
  ])('formatRatio($r)', ({ r, text }) => {
    expect(formatRatio(r)).toBe(text);
  });
});

describe('number formatting', () => {
  it('groups thousands with commas, whatever the locale', () => {
    expect([formatInt(0), formatInt(999), formatInt(1000), formatInt(1234567.6), formatInt(-4200), formatInt(undefined)]).toEqual([
      '0',
      '999',
      '1,000',
      '1,234,568',
      '-4,200',
      '—',
    ]);
  });

  it('prints milliseconds, microseconds and megabytes with precision that shrinks as they grow', () => {
    expect([formatMs(0.314), formatMs(42.26), formatMs(1234.4), formatMs(undefined)]).toEqual(['0.31 ms', '42.3 ms', '1,234 ms', '—']);
    expect([formatUs(3.14159), formatUs(55.55), formatUs(4321)]).toEqual(['3.14 µs', '55.5 µs', '4,321 µs']);
    expect([formatMB(5_500_000), formatMB(1_499_999_999), formatMB(undefined)]).toEqual(['5.5 MB', '1,500 MB', '—']);
  });
});

describe('the longest stall', () => {
  it('names the longest stall with its CPU time and the GC inside it, or the longest gap when none passed the bound', () => {
    const stalls = [
      { ms: 80, cpuMs: 70, gcMs: 0, gcs: [] },
      { ms: 412, cpuMs: 380, gcMs: 35, gcs: ['scavenge 3.0 ms', 'mark-compact 32.0 ms'] },
    ];
    expect(longestStallText({ stalls, longestMs: 412 })).toBe('412 ms (CPU 380 ms; GC 2 pauses, 35.0 ms, 1 mark-compact)');
    expect(longestStallText({ stalls: stalls.slice(0, 1), longestMs: 80 })).toBe('80.0 ms (CPU 70.0 ms; GC none)');
    expect(longestStallText({ stalls: [], longestMs: 12.5 })).toBe('12.5 ms');
  });
});

describe('tables', () => {
  it('writes a markdown table with right-aligned columns and escaped pipes', () => {
    expect(markdownTable(['a', 'b'], [['x|y', '1']], ['left', 'right'])).toBe('| a | b |\n| --- | ---: |\n| x\\|y | 1 |');
  });

  it('pads a text table to the widest cell of each column', () => {
    expect(
      textTable(
        ['name', 'n'],
        [
          ['ab', '1'],
          ['c', '200'],
        ],
        ['left', 'right'],
      ),
    ).toBe('name    n\n----  ---\nab      1\nc     200');
  });
});

describe('targets', () => {
  it('judges bounds in the right direction and says plainly when one is missed', () => {
    expect([meets(0.61, 0.6, 'atLeast'), meets(0.59, 0.6, 'atLeast'), meets(1.5, 1.5, 'atMost'), meets(undefined, 1, 'atMost')]).toEqual([
      true,
      false,
      true,
      undefined,
    ]);
    expect([verdict(true), verdict(false), verdict(undefined)]).toEqual(['met', 'MISSED', 'not measured']);
  });

  it('takes the median and nearest-rank percentiles of a sample', () => {
    expect([median([3, 1, 2]), median([4, 1, 3, 2]), median([])]).toEqual([2, 2.5, undefined]);
    expect([percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50), percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99), percentile([], 99)]).toEqual([5, 10, undefined]);
  });
});

describe('the results table', () => {
  const m = (rps: number, p50: number, p99: number) => ({ rps, p50, p99, total: rps * 10, non2xx: 0, errors: 0, timeouts: 0, statusCodes: {} });
  const rows: RowResult[] = [
    {
      id: 'express.send',
      label: 'express',
      server: 'express 5',
      kind: 'baseline',
      group: 'express',
      op: 'send',
      measurement: m(10_000, 4, 10),
      rssBytes: 60e6,
    },
    {
      id: 'msgsim.msghub-send',
      label: 'Msghub send',
      server: 'msgsim',
      kind: 'msgsim',
      group: 'msgsim',
      op: 'send',
      measurement: m(6_500, 7, 14),
      rssBytes: 120e6,
    },
    { id: 'msgsim.msghub-get', label: 'Msghub get', server: 'msgsim', kind: 'msgsim', group: 'msgsim', op: 'get', measurement: m(8_000, 5, 12) },
    { id: 'msgsim.msgine-send', label: 'MsGine send', server: 'msgsim', kind: 'msgsim', group: 'msgsim', op: 'send', skipped: 'MsGine is not mounted' },
    { id: 'prism.send', label: 'Prism send', server: 'Prism', kind: 'prism', group: 'prism', op: 'send', measurement: m(2_000, 20, 40) },
    { id: 'prism.get', label: 'Prism get', server: 'Prism', kind: 'prism', group: 'prism', op: 'get', measurement: m(4_000, 10, 30) },
  ];

  it('divides msgsim by the express baseline and by Prism answering the same kind of request', () => {
    const cells = tableCells(rows);
    expect(cells[1]).toEqual(['Msghub send', '6,500', '7.00 ms', '14.0 ms', '120 MB', '0.65×', '3.25×', '1.40×', '']);
    expect(cells[2]!.slice(5, 8)).toEqual(['0.80×', '2.00×', '1.20×']);
    expect(cells[3]).toEqual(['MsGine send', '—', '—', '—', '—', '—', '—', '—', 'skipped: MsGine is not mounted']);
  });

  it('judges the issue targets from the same rows', () => {
    const persisted = (rps: number): RowResult => ({
      id: 'msgsim-data.msghub-send',
      label: 'Msghub send, --data',
      server: 'msgsim --data',
      kind: 'msgsim',
      group: 'msgsim-data',
      op: 'send',
      measurement: m(rps, 8, 16),
    });
    const unjournaled = (rps: number): RowResult => ({
      id: 'msgsim-nojournal.msghub-send',
      label: 'Msghub send, --journal-size 0',
      server: 'msgsim --journal-size 0',
      kind: 'msgsim',
      group: 'msgsim-nojournal',
      op: 'send',
      measurement: m(rps, 6, 12),
    });
    const targets = throughputTargets([...rows, persisted(5_500), unjournaled(7_000)], 450, 5);
    expect(targets.map((t) => t.met)).toEqual([true, true, true, true, true, true]);
    expect(targets[5]!.measured).toBe('0.93× (p99 14.0 ms vs 12.0 ms)');
    expect(throughputTargets([...rows, unjournaled(7_500)], 450, 5)[5]!.met).toBe(false);
    expect(targets[3]!.measured).toBe('0.85× (--data --fsync: —)');
    expect(throughputTargets([...rows, persisted(5_000)], 450, 5)[3]!.met).toBe(false);
    // Not measured: neither met nor missed.
    expect(throughputTargets(rows, 450, 5)[3]!.met).toBeUndefined();
    expect(throughputTargets(rows, 450, 4)[4]!.met).toBe(false);
  });
});
