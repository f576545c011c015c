/**
 * `<file>.lock`: one process per data file, after PostgreSQL's `postmaster.pid`. Two simulators
 * appending to one journal would interleave their batches and lose each other's writes, so the second
 * refuses to start. The lock names its holder (host, pid and, on Linux, the process's start time, so a
 * pid reused after a crash is not taken for the holder); a lock whose holder is gone is stale and is
 * taken over. It is released when the store closes, and when the process exits in any orderly way.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { StorageError } from './storage-error.js';

interface Holder {
  host: string;
  pid: number;
  /** Clock ticks after boot when the process started (Linux); absent elsewhere. */
  start?: number;
}

const held = new Set<DataLock>();
let exitHook = false;

export class DataLock {
  private released = false;

  private constructor(
    readonly file: string,
    private readonly body: string,
  ) {}

  /** Takes the lock of data file `file`, or throws a StorageError naming who holds it. */
  static acquire(file: string): DataLock {
    const lockFile = `${file}.lock`;
    const me: Holder = { host: hostname(), pid: process.pid, ...optional('start', startTime(process.pid)) };
    const body = JSON.stringify(me);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        writeFileSync(lockFile, body, { flag: 'wx' });
        const lock = new DataLock(lockFile, body);
        held.add(lock);
        if (!exitHook) {
          exitHook = true;
          process.on('exit', () => {
            for (const lock of held) lock.release();
          });
        }
        return lock;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw StorageError.from(lockFile, error);
      }
      const holder = readHolder(lockFile);
      if (holder && holder.host !== me.host) {
        throw new StorageError(file, `locked by a msgsim on host ${holder.host} (pid ${holder.pid}); if none is running, delete ${lockFile}`);
      }
      if (holder && isRunning(holder)) {
        throw new StorageError(file, `in use by another msgsim (pid ${holder.pid}); stop it or give this one another --data file`);
      }
      // Stale: its holder crashed. Take it over.
      rmSync(lockFile, { force: true });
    }
    throw new StorageError(lockFile, 'could not be taken (another process keeps re-creating it)');
  }

  /** Removes the lock file if it is still ours. */
  release(): void {
    if (this.released) return;
    this.released = true;
    held.delete(this);
    try {
      if (readFileSync(this.file, 'utf8') === this.body) rmSync(this.file, { force: true });
    } catch {
      // already gone: nothing to release
    }
  }
}

function readHolder(lockFile: string): Holder | undefined {
  try {
    const holder = JSON.parse(readFileSync(lockFile, 'utf8')) as Partial<Holder>;
    if (typeof holder.pid === 'number' && typeof holder.host === 'string') return holder as Holder;
  } catch {
    // unreadable or half-written by a crash: stale
  }
  return undefined;
}

function isRunning(holder: Holder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: it exists, under another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (holder.start === undefined) return true;
  const start = startTime(holder.pid);
  return start === undefined || start === holder.start;
}

/** Field 22 of /proc/<pid>/stat (after the parenthesised command name, which may hold spaces). */
function startTime(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = Number(fields[19]);
    return Number.isFinite(start) ? start : undefined;
  } catch {
    return undefined;
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
