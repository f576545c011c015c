export interface StallReport {
  gcs: Array<{ kind: string; start: number; ms: number }>;
  /** `cpuMs`: CPU time (all threads of this process) within the stall. */
  stalls: Array<{ start: number; ms: number; cpuMs: number; markCompact: boolean; gcMs: number; gcs: string[] }>;
  /** The longest gap between two ticks of the 5 ms timer, stall or not. */
  longestMs: number;
  heapUsed: number;
}

export function watchStalls(stallMs?: number): { take(): StallReport; stop(): void };
