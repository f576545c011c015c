// Records every GC pause and every gap of more than `stallMs` in a 5 ms interval timer (the event loop
// did nothing else meanwhile), and the longest gap of all. Plain JS so that servers/stall-probe.mjs can preload it into a server
// without a TypeScript loader; bench/advance.ts uses it in its own process.
import { constants, PerformanceObserver, performance } from 'node:perf_hooks';

const KINDS = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

export function watchStalls(stallMs = 50) {
  let gcs = [];
  let stalls = [];
  let longestMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcs.push({ kind: KINDS[entry.detail?.kind] ?? 'other', start: entry.startTime, ms: entry.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = process.cpuUsage();
    longestMs = Math.max(longestMs, now - last);
    // CPU time of this process within the gap: far less than the gap means the machine ran something else.
    if (now - last > stallMs) stalls.push({ start: last, ms: now - last, cpuMs: (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000 });
    last = now;
    lastCpu = cpu;
  }, 5);
  timer.unref();
  return {
    /** What was seen since the last take (or the start), and starts over. */
    take() {
      // A stall is put down to GC when a mark-compact ran inside it.
      const report = {
        gcs,
        stalls: stalls.map((s) => {
          const during = gcs.filter((g) => g.start + g.ms >= s.start && g.start <= s.start + s.ms);
          return {
            ...s,
            markCompact: during.some((g) => g.kind === 'mark-compact'),
            gcMs: during.reduce((sum, g) => sum + g.ms, 0),
            gcs: during.map((g) => `${g.kind} ${g.ms.toFixed(1)} ms`),
          };
        }),
        longestMs,
        heapUsed: process.memoryUsage().heapUsed,
      };
      gcs = [];
      stalls = [];
      longestMs = 0;
      last = performance.now();
      lastCpu = process.cpuUsage();
      return report;
    },
    stop() {
      clearInterval(timer);
      observer.disconnect();
    },
  };
}
