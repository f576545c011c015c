// Preloaded into a server by bench/stalls.ts (`node --import`): records every GC pause and every gap
// of more than STALL_MS in a 5 ms interval timer (the event loop did nothing else meanwhile). On
// SIGUSR2 it writes what it saw since the last signal, as JSON, to STALL_PROBE_OUT, and starts over.
import { writeFileSync } from 'node:fs';
import { constants, PerformanceObserver, performance } from 'node:perf_hooks';

const STALL_MS = 50;
const KINDS = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};
let gcs = [];
let stalls = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcs.push({ kind: KINDS[entry.detail?.kind] ?? 'other', start: entry.startTime, ms: entry.duration });
}).observe({ entryTypes: ['gc'] });
let last = performance.now();
setInterval(() => {
  const now = performance.now();
  if (now - last > STALL_MS) stalls.push({ start: last, ms: now - last });
  last = now;
}, 5).unref();
process.on('SIGUSR2', () => {
  // A stall is put down to GC when a mark-compact ran inside it.
  const report = {
    gcs,
    stalls: stalls.map((s) => {
      const during = gcs.filter((g) => g.start + g.ms >= s.start && g.start <= s.start + s.ms);
      return { ...s, markCompact: during.some((g) => g.kind === 'mark-compact'), gcMs: during.reduce((sum, g) => sum + g.ms, 0), gcs: during.map((g) => `${g.kind} ${g.ms.toFixed(1)} ms`) };
    }),
    heapUsed: process.memoryUsage().heapUsed,
  };
  writeFileSync(process.env.STALL_PROBE_OUT, JSON.stringify(report));
  gcs = [];
  stalls = [];
});
