/**
 * Starting the built CLI (dist/cli.js) as a real child process on a free port, for end-to-end tests.
 * Every wait is bounded; killAll() in afterEach makes sure no child outlives its test.
 */
import { execFileSync, spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = path.join(ROOT, 'dist', 'cli.js');
export const WAIT_MS = 10_000;
/** Start-up compiles every provider's validators; on a loaded 2-core CI box that can take seconds. */
export const START_MS = 30_000;

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: any;
  text: string;
}

const children = new Set<ChildProcess>();

/** Builds dist/ if a test run starts without it (npm test builds first). */
export function ensureBuilt(): void {
  if (!existsSync(CLI)) execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit', timeout: 110_000 });
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LogLine {
  msg?: string;
  url?: string;
  [key: string]: unknown;
}

export interface Running {
  child: ChildProcess;
  url: string;
  stdout(): string;
  stderr(): string;
  logs(): LogLine[];
  exited: Promise<Exit>;
}

export function withTimeout<T>(promise: Promise<T>, what: string, ms = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The parent's environment without MSGSIM_* settings, so only the flags a test passes apply. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('MSGSIM_')) env[key] = value;
  return { ...env, ...extra };
}

/** Who the child runs as (a test of file permissions, when the tests run as root). */
export interface SpawnAs {
  uid?: number;
  gid?: number;
}

export function spawnCli(args: string[], env: Record<string, string> = {}, as: SpawnAs = {}) {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'], ...as });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      // Let the pipes drain so stdout/stderr are complete when the caller looks.
      setImmediate(() => resolve({ code, signal }));
    });
  });
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

export function parseLogs(stdout: string): LogLine[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

/** Starts `node dist/cli.js --port 0 --log-level info …` and resolves once it logs 'msgsim listening'. */
export async function startCli(args: string[] = [], env: Record<string, string> = {}): Promise<Running> {
  const spawned = spawnCli(['--port', '0', '--log-level', 'info', ...args], env);
  const url = await withTimeout(
    new Promise<string>((resolve, reject) => {
      const look = () => {
        const line = parseLogs(spawned.stdout()).find((l) => l.msg === 'msgsim listening');
        if (line?.url) {
          spawned.child.stdout.off('data', look);
          resolve(line.url);
        }
      };
      spawned.child.stdout.on('data', look);
      void spawned.exited.then((exit) => reject(new Error(`msgsim exited (${JSON.stringify(exit)}) before listening; stderr: ${spawned.stderr()}`)));
    }),
    "the 'msgsim listening' log line",
    START_MS,
  );
  return { ...spawned, url, logs: () => parseLogs(spawned.stdout()) };
}

/** Runs the CLI expecting it to exit by itself (bad flags). */
export async function runToExit(args: string[], env: Record<string, string> = {}, as: SpawnAs = {}) {
  const spawned = spawnCli(args, env, as);
  const exit = await withTimeout(spawned.exited, `msgsim ${args.join(' ')} to exit`);
  return { ...exit, stdout: spawned.stdout(), stderr: spawned.stderr() };
}

export async function stop(run: Running, signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> {
  run.child.kill(signal);
  return withTimeout(run.exited, `msgsim to exit on ${signal}`);
}

export async function http(url: string, init: RequestInit = {}): Promise<ApiResponse> {
  const res = await withTimeout(fetch(url, { ...init, signal: AbortSignal.timeout(WAIT_MS) }), `${init.method ?? 'GET'} ${url}`);
  const text = await res.text();
  const headers: Record<string, string> = {};
  res.headers.forEach((value, key) => (headers[key] = value));
  let body: unknown = undefined;
  if (text && (headers['content-type'] ?? '').includes('json')) body = JSON.parse(text);
  return { status: res.status, headers, body, text };
}

/**
 * Process groups of CLIs started under a pseudo-terminal, by their `script` process: msgsim's (`script` puts
 * it in a session of its own, on the terminal) and `script`'s own (it is spawned detached). killAll() kills
 * both while `script` runs (once it has exited, so has msgsim, and the ids may be reused).
 */
const groups = new Map<ChildProcess, number[]>();

/** A word for `sh -c`, quoted. */
function shellWord(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export interface InTerminal {
  /** `script`, which runs msgsim on a pseudo-terminal and copies what it shows to this pipe. */
  child: ChildProcessByStdio<Writable, Readable, Readable>;
  /** What the terminal showed so far, line ends as `\n` (the terminal writes `\r\n`). */
  output(): string;
  /** msgsim's pid (and process group), once the shell has said it. */
  pid(): number | undefined;
  /** Types on the terminal's keyboard (`\x03` is Ctrl-C). */
  type(keys: string): void;
  exited: Promise<Exit>;
}

/**
 * Starts `node dist/cli.js …` as a person does, on a terminal: util-linux `script` gives it a pseudo-terminal
 * (`-q` quiet, `-f` flush at once, `-e` its exit code, `-c` the command; the typescript file is /dev/null).
 * The shell prints its pid, then execs node in its place, so that pid is msgsim's.
 */
export function spawnCliInTerminal(args: string[], env: Record<string, string> = {}): InTerminal {
  const command = `echo "msgsim-pid $$"; exec ${[process.execPath, CLI, ...args].map(shellWord).join(' ')}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: ROOT,
    // `script -c` runs the command with $SHELL: a POSIX one, whatever the user's is.
    env: cleanEnv({ ...env, SHELL: '/bin/sh' }),
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  children.add(child);
  const pgids = child.pid === undefined ? [] : [child.pid];
  groups.set(child, pgids);
  let output = '';
  let pid: number | undefined;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
    const said = /^msgsim-pid (\d+)\r?$/m.exec(output);
    if (pid === undefined && said) pgids.unshift((pid = Number(said[1])));
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  // Typing into a terminal that is gone is not an error of the test's.
  child.stdin.on('error', () => undefined);
  const exited = new Promise<Exit>((resolve) => {
    // No `script` on this machine: say so in the output, which the waits quote.
    child.once('error', (err) => {
      output += `\n${String(err)}\n`;
      resolve({ code: null, signal: null });
    });
    child.once('exit', (code, signal) => setImmediate(() => resolve({ code, signal })));
  });
  return { child, output: () => output.replace(/\r\n/g, '\n'), pid: () => pid, type: (keys) => void child.stdin.write(keys), exited };
}

/** Resolves once the terminal's output satisfies `done`; fails if the process ends first or after `ms`. */
export function waitForOutput(run: InTerminal, done: (output: string) => boolean, what: string, ms = WAIT_MS): Promise<string> {
  return withTimeout(
    new Promise<string>((resolve, reject) => {
      const look = () => {
        if (!done(run.output())) return;
        run.child.stdout.off('data', look);
        resolve(run.output());
      };
      run.child.stdout.on('data', look);
      look();
      void run.exited.then((exit) => reject(new Error(`exited (${JSON.stringify(exit)}) before ${what}`)));
    }),
    what,
    ms,
  ).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}; the terminal showed: ${JSON.stringify(run.output())}`);
  });
}

/** Kills every child still running (afterEach), and the process groups of those started on a terminal. */
export async function killAll(): Promise<void> {
  for (const [child, pgids] of groups) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    for (const pgid of pgids) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  groups.clear();
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await withTimeout(gone, 'a killed child to exit').catch(() => undefined);
    }
  }
  children.clear();
}
