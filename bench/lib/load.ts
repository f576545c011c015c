/**
 * The load generator: autocannon as a library, a warm-up run (JIT, connection pools, first-use
 * allocations) whose numbers are thrown away, then the measured run.
 */
import autocannon, { type AutocannonRequest, type AutocannonResult } from 'autocannon';

export interface LoadSettings {
  connections: number;
  durationSec: number;
  warmupSec: number;
}

export interface LoadSpec {
  url: string;
  /** One request, or a sequence each connection loops over. */
  requests: AutocannonRequest[];
}

export interface Measurement {
  /** Mean of autocannon's per-second samples (its "Req/Sec Avg"). */
  rps: number;
  /** Latency percentiles in ms, from every response's own time (autocannon's histogram keeps whole ms only). */
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

export async function measure(spec: LoadSpec, settings: LoadSettings): Promise<Measurement> {
  if (settings.warmupSec > 0) {
    await autocannon({ url: spec.url, connections: settings.connections, duration: settings.warmupSec, requests: spec.requests });
  }
  const latencies: number[] = [];
  const run = autocannon({ url: spec.url, connections: settings.connections, duration: settings.durationSec, requests: spec.requests });
  run.on('response', (_client, _status, _bytes, ms) => {
    latencies.push(ms);
  });
  return toMeasurement(await run, latencies);
}

export function toMeasurement(result: AutocannonResult, latencies: readonly number[] = []): Measurement {
  const sorted = Float64Array.from(latencies).sort();
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = Number(stats.count);
  return {
    rps: result.requests.average,
    p50: sorted.length > 0 ? percentileSorted(sorted, 50) : result.latency.p50,
    p99: sorted.length > 0 ? percentileSorted(sorted, 99) : result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
  };
}

/** Nearest-rank percentile of an already sorted sample (format.ts's percentile sorts a copy; this has 10^5–10^6 values). */
function percentileSorted(sorted: Float64Array, p: number): number {
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/**
 * A setupRequest hook that sends each request with the next of `count` credentials, so a tenant's
 * documented limit (Msghub 100/s per key) is spread thin while the limiter still counts every request.
 */
export function rotatingHeader(name: string, valueOf: (i: number) => string, count: number): AutocannonRequest['setupRequest'] {
  let i = 0;
  return (request) => {
    request.headers = { ...request.headers, [name]: valueOf(i++ % count) };
    return request;
  };
}
