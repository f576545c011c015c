/** Benchmark settings from the environment, so a quick run is one variable away. */
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BENCH_DIR = resolve(ROOT, 'bench');
export const CLI = resolve(ROOT, 'dist', 'cli.js');
export const PRISM_BIN = resolve(ROOT, 'node_modules', '@stoplight', 'prism-cli', 'dist', 'index.js');
export const MSGHUB_SPEC = resolve(ROOT, 'openapi', 'msghub.yaml');

/** BENCH_NODE_ARGS: extra node flags for the msgsim processes (e.g. a GC setting being tried). */
export const MSGSIM_NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number (got ${raw})`);
  return n;
}

export function envList(name: string): string[] | undefined {
  const raw = process.env[name];
  if (!raw) return undefined;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export interface RunConfig {
  connections: number;
  durationSec: number;
  warmupSec: number;
  /** Messages seeded into the tenant the get and list scenarios read. */
  listSeed: number;
  /** Only scenarios whose id starts with one of these (e.g. `msgsim,express`). */
  only: string[] | undefined;
  /** Start msgsim under `node --cpu-prof` and write profiles here. */
  cpuProfDir: string | undefined;
  coldStartRuns: number;
  out: string;
  cores: number;
}

export function runConfig(): RunConfig {
  return {
    connections: envNumber('BENCH_CONNECTIONS', 50),
    durationSec: envNumber('BENCH_DURATION', 10),
    warmupSec: envNumber('BENCH_WARMUP', 3),
    listSeed: envNumber('BENCH_LIST_SEED', 10_000),
    only: envList('BENCH_ONLY'),
    cpuProfDir: process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined,
    coldStartRuns: envNumber('BENCH_COLD_RUNS', 5),
    out: resolve(process.env.BENCH_OUT ?? resolve(BENCH_DIR, 'results', 'latest.md')),
    cores: availableParallelism(),
  };
}
