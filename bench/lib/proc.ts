/**
 * Child processes for the benchmark: each server runs alone in its own process, pinned to one core
 * with `taskset` (when present) so the load generator on the other core never competes with it, and
 * its memory is read from /proc at the end of its scenarios (the whole process tree, since some CLIs
 * spawn helpers).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** The core servers run on, and the one this process (autocannon) moves to. */
export const SERVER_CPU = 0;
export const LOADGEN_CPU = 1;

let tasksetChecked: boolean | undefined;

/** True when `taskset` exists and the machine has a second core to keep the load generator apart. */
export function canPin(cores: number): boolean {
  if (cores < 2) return false;
  if (tasksetChecked === undefined) {
    const probe = spawnSync('taskset', ['--version'], { stdio: 'ignore' });
    tasksetChecked = probe.status === 0;
  }
  return tasksetChecked;
}

/** Moves every thread of this process to `cpu` (autocannon runs in-process on the main thread). */
export function pinSelf(cpu: number): boolean {
  const result = spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(process.pid)], { stdio: 'ignore' });
  return result.status === 0;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  /** The last lines the server wrote to stderr (shown when it fails to start). */
  stderrTail(): string;
  exited: Promise<number | null>;
}

export interface StartOptions {
  name: string;
  command: string;
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Pin to SERVER_CPU with taskset. */
  pin: boolean;
}

/**
 * Starts a server. stdout goes to /dev/null: request logs are still produced and written (that cost is
 * the server's, as a user runs it), but nobody on the load generator's core has to read them.
 */
export function startProcess(options: StartOptions): ServerProcess {
  const [command, args] = options.pin ? ['taskset', ['-c', String(SERVER_CPU), options.command, ...options.args]] : [options.command, [...options.args]];
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const tail: string[] = [];
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    tail.push(chunk);
    if (tail.length > 50) tail.shift();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  if (child.pid === undefined) throw new Error(`${options.name}: could not start ${command}`);
  return { name: options.name, pid: child.pid, child, stderrTail: () => tail.join('').slice(-2000), exited };
}

/** Polls `url` until the server answers anything at all (a 404 from a mock is still "up"). */
export async function waitForHttp(url: string, server: ServerProcess, timeoutMs = 60_000): Promise<number> {
  const started = performance.now();
  await pollUntil(
    server,
    async () => {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      return true;
    },
    { what: url, intervalMs: 25, timeoutMs },
  );
  return performance.now() - started;
}

/**
 * Calls `probe` every `intervalMs` until it gives a value (a throw or undefined: not yet). Fails when the
 * server exits first or `timeoutMs` passes, with the end of its stderr.
 */
export async function pollUntil<T>(
  server: ServerProcess,
  probe: () => Promise<T | undefined>,
  options: { what: string; intervalMs: number; timeoutMs: number },
): Promise<T> {
  const started = performance.now();
  let exitCode: number | null | undefined;
  void server.exited.then((code) => {
    exitCode = code;
  });
  for (;;) {
    if (exitCode !== undefined) throw new Error(`${server.name} exited (${exitCode}) before answering:\n${server.stderrTail()}`);
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch {
      // not up yet
    }
    if (performance.now() - started > options.timeoutMs)
      throw new Error(`${server.name} did not answer ${options.what} within ${options.timeoutMs} ms:\n${server.stderrTail()}`);
    await sleep(options.intervalMs);
  }
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export async function stopProcess(server: ServerProcess, graceMs = 5_000): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGTERM');
  const timeout = sleep(graceMs).then(() => 'timeout' as const);
  if ((await Promise.race([server.exited, timeout])) === 'timeout') {
    server.child.kill('SIGKILL');
    await server.exited;
  }
}

/** Resident memory (bytes) of `pid` and all its descendants, from /proc; undefined off Linux. */
export function treeRss(pid: number): number | undefined {
  const own = rssOf(pid);
  if (own === undefined) return undefined;
  return own + childrenOf(pid).reduce((sum, child) => sum + (treeRss(child) ?? 0), 0);
}

function rssOf(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // Not Linux, or the process is gone: no children to count.
  }
  return out;
}

/**
 * CPU time (user + system, ms) `pid` has used so far, from /proc/<pid>/stat (fields 14 and 15, in clock
 * ticks of 10 ms on Linux); undefined off Linux. Unlike wall time, it does not grow when other work on
 * the machine takes the core away, so per-operation costs compare across runs of a busy box.
 */
export function cpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** The machine's 1-minute load average (other work on the box skews every figure; the report says so). */
export function loadAverage(): number | undefined {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return undefined;
  }
}
