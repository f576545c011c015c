/**
 * A Store's file (`--data`): a snapshot plus a journal of the records changed since (formats and crash
 * behaviour: journal.ts), written by group commit. Every change marks its record dirty; on the next
 * turn of the event loop the dirty records of every request handled meanwhile are written together,
 * as one batch, and only then are those requests answered (`commit()`), so what a client was told is
 * stored survives `kill -9`. While a batch is written, new changes gather for the next one.
 *
 * Changes nobody waits for (quota counters) ride along with the next batch, or are written after
 * `flushDelayMs` if nothing else is. When the journal outgrows the snapshot, a new snapshot is streamed
 * in the background while appends go on (journal.ts). A reset is written as a snapshot at once.
 *
 * A write that fails (full disk, a removed directory, a file grown past its limit) is not acknowledged:
 * `commit()` rejects with a StorageError, `health()` says why, and writes are retried, by the next
 * request or after a second, until they succeed again.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from './clock.js';
import type { BaseRecord, Journaled } from './collection.js';
import { DataLock } from './data-lock.js';
import {
  CHUNK_CHARS,
  fdatasyncFd,
  Journal,
  readSnapshot,
  SnapshotAborted,
  writeSnapshot,
  type DataSync,
  type JournalEntry,
  type SnapshotTrailer,
} from './journal.js';
import { Replay } from './replay.js';
import { StorageError, describeFsError } from './storage-error.js';

export interface StoreData {
  version: 1;
  seq: number;
  partitions: Record<string, Record<string, Record<string, BaseRecord[]>>>;
  /** Small engine facts that must survive a restart (the id generator's position). */
  meta?: Record<string, unknown>;
  /** The snapshot's generation (absent in files written before journals named one). */
  gen?: number;
  /** Read from a snapshot's trailer, then dropped: see journal.ts. */
  journal?: SnapshotTrailer['journal'];
}

export type StoreHealth = { ok: true } | { ok: false; error: string; path: string; since: string };

export interface StoreFileOptions {
  file: string;
  clock: Clock;
  flushDelayMs?: number;
  compactAtBytes?: number;
  fsync?: boolean;
  /** What `fsync` calls on the journal and snapshots (default fdatasync): a test observes or fails it. */
  datasync?: DataSync;
  lock?: boolean;
  onWriteError?: (error: unknown) => void;
}

/** What the store hands its file: the state to write. */
export interface StoreSource {
  /** Every partition to write, engine tables included (as maps). */
  partitions(): Record<string, Record<string, Record<string, readonly unknown[] | ReadonlyMap<string, unknown>>>>;
  /** seq and meta, after the before-write hooks. */
  facts(): { seq: number; meta?: Record<string, unknown> };
}

/** What changed in one collection or table since the last batch. */
interface Dirty {
  ids: Set<string>;
  /** touch() without a record: every row is rewritten. */
  whole: boolean;
}

interface Batch {
  records: Map<Journaled, Dirty>;
  all: boolean;
}

/** A compaction running in the background. */
interface Compaction {
  /** Settles when the snapshot is written (or given up); then `done` renames it into place. */
  streamed: Promise<unknown>;
  done: Promise<void>;
  aborted: boolean;
}

/** After a failed write with nothing else to trigger one, the next attempt comes this much later (wall time). */
const RETRY_MS = 1_000;

export class StoreFile {
  private readonly file: string;
  private readonly clock: Clock;
  private readonly flushDelayMs: number;
  private readonly compactAtBytes: number;
  /** With `fsync`: how a batch reaches the disk before it is acknowledged. */
  private readonly sync: DataSync | undefined;
  private readonly onWriteError: (error: unknown) => void;
  private readonly journal: Journal;
  private readonly lockWanted: boolean;
  private lock: DataLock | undefined;

  private dirty = new Map<Journaled, Dirty>();
  /** Something changed that only a snapshot captures (a reset, a new file, a lost journal). */
  private all = false;
  /** Anything is unwritten, durable or not. */
  private pending = false;
  /** Durable changes made so far, and how many of them are written. */
  changes = 0;
  private saved = 0;
  /** The batch being written, and how many durable changes it covers. */
  private writing: { upTo: number; done: Deferred } | undefined;
  /** Those waiting for changes the batch being written does not cover. */
  private next: Deferred | undefined;
  private timer: { cancel: () => void; soon: boolean } | undefined;
  private cancelRetry: (() => void) | undefined;
  /** The writer's run, while it runs (`active` is cleared synchronously as it ends, before anyone it resolved resumes). */
  private running: Promise<void> | undefined;
  private active = false;
  /** Appends, snapshots and renames run one after another, in this chain. */
  private chain: Promise<void> = Promise.resolve();
  private gen = 0;
  private snapshotBytes = 0;
  /** A write failed: reopen the journal (cutting a torn tail) before writing again. */
  private suspect = false;
  private compaction: Compaction | undefined;
  private failure: { error: StorageError; since: string } | undefined;
  private closed = false;

  constructor(
    options: StoreFileOptions,
    private readonly source: StoreSource,
  ) {
    this.file = options.file;
    this.clock = options.clock;
    this.flushDelayMs = options.flushDelayMs ?? 200;
    this.compactAtBytes = options.compactAtBytes ?? 8 * 1024 * 1024;
    this.sync = options.fsync ? (options.datasync ?? fdatasyncFd) : undefined;
    this.onWriteError = options.onWriteError ?? (() => undefined);
    this.journal = new Journal(`${options.file}.journal`, this.sync);
    this.lockWanted = options.lock ?? false;
  }

  /** Checks the paths, takes the lock and loads the state; throws a StorageError naming the path and the cause. */
  async open(): Promise<StoreData> {
    checkPaths(this.file);
    if (this.lockWanted) this.lock = DataLock.acquire(this.file);
    try {
      return await this.load();
    } catch (error) {
      this.lock?.release();
      throw StorageError.from(this.file, error);
    }
  }

  private async load(): Promise<StoreData> {
    let snapshot: Awaited<ReturnType<typeof readSnapshot>>;
    try {
      snapshot = await readSnapshot(this.file);
    } catch (error) {
      if (isFsError(error)) throw error;
      throw new StorageError(this.file, `not a msgsim data file (${(error as Error).message})`, { cause: error });
    }
    let data: StoreData = { version: 1, seq: 0, partitions: {} };
    let metaUntil = 0;
    // An empty file (made by `touch` or mktemp) is a new store.
    const loaded = snapshot !== undefined && snapshot.data !== undefined;
    if (loaded) {
      if (!isStoreData(snapshot!.data)) throw new StorageError(this.file, 'not a msgsim data file (it holds JSON, but no msgsim snapshot)');
      data = snapshot!.data;
      this.gen = data.gen ?? 0;
      metaUntil = data.journal?.metaUntil ?? 0;
      delete data.journal;
      this.snapshotBytes = snapshot!.bytes;
    }
    const replay = new Replay(data);
    const apply = (entry: JournalEntry) => replay.apply(entry);
    // A compaction cut short: the journal it set aside extends this snapshot, the new one extends that.
    const old = await this.journal.replay(this.gen, apply, 0, this.journal.oldFile);
    const interrupted = old.header === this.gen;
    const current = await this.journal.replay(interrupted ? this.gen + 1 : this.gen, apply, interrupted ? 0 : metaUntil);
    replay.finish();
    // A new file, files in a previous layout, or a stale journal: the first write is a snapshot.
    if (!loaded || !current.current || !snapshot!.lined || current.batched === false) this.all = true;
    // Three files where two belong: a snapshot tidies them up soon, even if nothing changes.
    if (old.header !== undefined) this.changedAll();
    return data;
  }

  changedRecord(source: Journaled, id: string | undefined, durable: boolean): void {
    if (source.detached) return;
    let dirty = this.dirty.get(source);
    if (!dirty) this.dirty.set(source, (dirty = { ids: new Set(), whole: false }));
    if (id === undefined) dirty.whole = true;
    else dirty.ids.add(id);
    this.pending = true;
    if (durable) {
      this.changes++;
      this.soon();
    } else {
      this.later();
    }
  }

  /**
   * Only the facts changed (simulated time moved, nothing fell due): a batch of its meta line alone,
   * waited for as a record's change is, or a restart would find the clock where the last record left it.
   */
  changedFacts(): void {
    this.pending = true;
    this.changes++;
    this.soon();
  }

  /** A change only a full snapshot captures (a reset): written next, appends waiting for it. */
  changedAll(): void {
    this.all = true;
    // A snapshot being streamed may already hold part of this change: it must not be used.
    if (this.compaction) this.compaction.aborted = true;
    this.pending = true;
    this.changes++;
    this.soon();
  }

  commit(): Promise<void> | undefined {
    if (this.saved === this.changes) return undefined;
    if (this.writing && this.writing.upTo >= this.changes) return this.writing.done.promise;
    this.soon();
    return (this.next ??= new Deferred()).promise;
  }

  flush(): Promise<void> {
    if (!this.pending) return this.writing?.done.promise ?? Promise.resolve();
    const waiting = (this.next ??= new Deferred()).promise;
    this.soon();
    return waiting;
  }

  health(): StoreHealth {
    if (!this.failure) return { ok: true };
    return { ok: false, error: this.failure.error.reason, path: this.failure.error.path, since: this.failure.since };
  }

  /** Resolves once no write and no compaction is running (a failed compaction went to onWriteError). */
  async idle(): Promise<void> {
    for (;;) {
      const chain = this.chain;
      const running = this.running;
      const compaction = this.compaction;
      await running;
      await chain.catch(() => undefined);
      await compaction?.done;
      if (chain === this.chain && running === this.running && compaction === this.compaction && !this.timer?.soon) return;
      if (this.timer?.soon) await new Promise<void>((resolve) => this.clock.realImmediate(resolve));
    }
  }

  async close(): Promise<void> {
    try {
      await this.stopCompaction();
      await this.flush();
      await this.idle();
    } finally {
      this.closed = true;
      this.timer?.cancel();
      this.timer = undefined;
      this.cancelRetry?.();
      this.journal.close();
      this.lock?.release();
    }
  }

  /** Writes on the next turn: the changes of every request handled in this one go in one batch. */
  private soon(): void {
    if (this.active || this.closed) return; // the writer takes what arrives meanwhile
    if (this.timer) {
      if (this.timer.soon) return;
      this.timer.cancel();
    }
    this.timer = { cancel: this.clock.realImmediate(() => this.fire()), soon: true };
  }

  private later(): void {
    if (this.active || this.timer || this.closed) return;
    this.timer = { cancel: this.clock.realTimeout(this.flushDelayMs, () => this.fire()), soon: false };
  }

  private fire(): void {
    this.timer = undefined;
    if (this.active) return;
    this.active = true;
    this.running = this.run();
  }

  /**
   * Writes batch after batch while changes keep coming; a failure ends the run (retried later). `active`
   * is cleared before the last waiters are resolved, so a change they make schedules a new run.
   */
  private async run(): Promise<void> {
    for (;;) {
      if (!this.pending) {
        this.active = false;
        this.takeNext()?.resolve();
        return;
      }
      const done = this.takeNext() ?? new Deferred();
      const batch = (this.writing = { upTo: this.changes, done });
      try {
        await this.enqueue(() => this.persist());
      } catch (error) {
        const failure = StorageError.from((error as { path?: string }).path ?? this.journal.file, error);
        this.writing = undefined;
        this.active = false;
        this.failed(failure);
        done.reject(failure);
        // Those who came during the failed batch would wait for a batch that fails the same way.
        this.takeNext()?.reject(failure);
        return;
      }
      this.writing = undefined;
      this.saved = Math.max(this.saved, batch.upTo);
      this.recovered();
      if (!this.pending) {
        this.active = false;
        this.takeNext()?.resolve();
      }
      done.resolve();
      if (!this.active) return;
    }
  }

  private takeNext(): Deferred | undefined {
    const next = this.next;
    this.next = undefined;
    return next;
  }

  /** Runs `step` after every write queued before it: appends and renames never interleave. */
  private enqueue(step: () => Promise<void>): Promise<void> {
    const write = this.chain.catch(() => undefined).then(step);
    this.chain = write;
    return write;
  }

  private failed(error: StorageError): void {
    const first = this.failure === undefined || this.failure.error.message !== error.message;
    this.failure = { error, since: this.failure?.since ?? this.clock.iso() };
    if (first) this.onWriteError(error);
    this.cancelRetry ??= this.clock.realTimeout(RETRY_MS, () => {
      this.cancelRetry = undefined;
      if (this.pending && !this.closed) this.fire();
    });
  }

  private recovered(): void {
    if (!this.failure) return;
    this.failure = undefined;
    this.cancelRetry?.();
    this.cancelRetry = undefined;
  }

  private async persist(): Promise<void> {
    if (!this.pending) return;
    // A journal deleted or cut under us (its directory removed) would swallow every later write: it is
    // reopened by path, as after a failed write; one that lost batches can only be made good by a snapshot.
    if (!this.journal.intact()) this.suspect = true;
    if (this.suspect) {
      if (!this.journal.reopen()) this.all = true;
      this.suspect = false;
    }
    if (!this.snapshotPresent()) this.all = true;
    // Changes made while this batch is written go to the next one.
    const batch: Batch = { records: this.dirty, all: this.all };
    this.pending = false;
    this.dirty = new Map();
    this.all = false;
    try {
      if (batch.all) {
        await this.stopCompaction();
        await this.compact();
      } else {
        await this.appendJournal(batch.records);
      }
    } catch (error) {
      this.journal.abandonBatch();
      this.suspect = true;
      this.restore(batch);
      throw error;
    }
    // Not while a full snapshot is due (a reset, a failed compaction): it would set aside, and so
    // overwrite, a journal that no snapshot holds yet.
    if (!this.compaction && !this.all && this.journal.size > Math.max(this.compactAtBytes, this.snapshotBytes)) await this.startCompaction();
  }

  private snapshotPresent(): boolean {
    if (this.snapshotBytes === 0) return true;
    try {
      return statSync(this.file).isFile();
    } catch {
      return false;
    }
  }

  /** A streamed snapshot of the live state; then the journal starts over for the new generation. */
  private async compact(): Promise<void> {
    // Past the journal's generation too: a journal begun by a compaction given up must not look like
    // it extends this snapshot (its lines are older).
    const gen = Math.max(this.gen, this.journal.gen ?? 0) + 1;
    const tmp = `${this.file}.tmp`;
    const written = await this.writeSnapshotFile(tmp, () => this.trailer(gen));
    await this.replaceSnapshot(tmp);
    this.gen = gen;
    this.snapshotBytes = written.bytes;
    // Were this to fail, the journals name older generations and are ignored on load.
    await this.journal.reset(gen);
    this.journal.dropOld();
  }

  /**
   * Compaction with appends going on (called between two writes): the journal is set aside, a new one
   * takes the appends, and the snapshot streams in the background. Renaming it into place waits its
   * turn among the writes; then the set-aside journal is deleted.
   */
  private async startCompaction(): Promise<void> {
    const journal = this.journal;
    const gen = this.gen + 1;
    try {
      await journal.rotate(gen);
    } catch (error) {
      // The journal may be gone from its place: a snapshot (the next write) sorts that out.
      this.changedAll();
      this.onWriteError(StorageError.from(journal.file, error));
      return;
    }
    const tmp = `${this.file}.compacting`;
    const job: Compaction = { streamed: Promise.resolve(), done: Promise.resolve(), aborted: false };
    const streamed = this.writeSnapshotFile(
      tmp,
      () => ({ ...this.trailer(gen), journal: { metaUntil: journal.issued } }),
      () => job.aborted,
    );
    job.streamed = streamed.catch(() => undefined);
    job.done = streamed
      .then((written) =>
        this.enqueue(async () => {
          if (job.aborted) throw new SnapshotAborted('snapshot given up');
          await this.replaceSnapshot(tmp);
          this.gen = gen;
          this.snapshotBytes = written.bytes;
          journal.dropOld();
        }),
      )
      .catch(async (error: unknown) => {
        await rm(tmp, { force: true }).catch(() => undefined);
        if (error instanceof SnapshotAborted) return;
        // The two journals still hold everything, and a second rotation would overwrite the set-aside
        // one: the next write is a snapshot instead, appends waiting for it.
        this.changedAll();
        this.onWriteError(StorageError.from(tmp, error));
      })
      .finally(() => {
        if (this.compaction === job) this.compaction = undefined;
      });
    this.compaction = job;
  }

  /** Gives up a compaction in progress and waits until its snapshot is no longer being written. */
  private async stopCompaction(): Promise<void> {
    const job = this.compaction;
    if (!job) return;
    job.aborted = true;
    await job.streamed;
  }

  private writeSnapshotFile(tmp: string, trailer: () => SnapshotTrailer, aborted?: () => boolean) {
    return writeSnapshot(tmp, () => this.source.partitions(), trailer, aborted, this.sync);
  }

  /** Renames a written snapshot into place; with fsync, the directory entry reaches the disk too. */
  private async replaceSnapshot(tmp: string): Promise<void> {
    await rename(tmp, this.file);
    if (this.sync) await syncDirectory(path.dirname(this.file));
  }

  private trailer(gen: number): SnapshotTrailer {
    return { ...this.source.facts(), gen };
  }

  /** One line per changed record, then the batch's end line; written a bounded chunk at a time. */
  private async appendJournal(records: Map<Journaled, Dirty>): Promise<void> {
    const journal = this.journal;
    // Unknown, or older than the snapshot (a crash left it): start it over. One generation ahead is the
    // journal a compaction in progress began.
    if (journal.gen === undefined || journal.gen < this.gen) await journal.reset(this.gen);
    let text = `${JSON.stringify({ op: 'meta', ...this.source.facts() })}\n`;
    for (const [source, dirty] of records) {
      if (source.detached) continue;
      const where = `"ns":${JSON.stringify(source.namespace)},"t":${JSON.stringify(source.tenant)},"c":${JSON.stringify(source.name)}`;
      const put = `{"op":"put",${where},"r":`;
      const line = (id: string): string => {
        const record = source.get(id);
        return record ? `${put}${JSON.stringify(record)}}\n` : `{"op":"del",${where},"id":${JSON.stringify(id)}}\n`;
      };
      // A copy of the ids: the rows may change while a long batch yields between chunks.
      const ids = dirty.whole ? [...[...source.all()].map((row) => (row as { id: string }).id), ...dirty.ids] : dirty.ids;
      for (const id of ids) {
        text += line(id);
        if (text.length >= CHUNK_CHARS) {
          journal.write(text);
          text = '';
          // A long batch (a large clock advance) must not hold the event loop.
          await new Promise<void>((resolve) => this.clock.realImmediate(resolve));
        }
      }
    }
    journal.write(text);
    await journal.endBatch();
  }

  /** What a failed write did not save stays marked unsaved, merged with what changed since. */
  private restore(batch: Batch): void {
    this.pending = true;
    if (batch.all) this.all = true;
    for (const [source, dirty] of batch.records) {
      const now = this.dirty.get(source);
      if (!now) {
        this.dirty.set(source, dirty);
        continue;
      }
      now.whole ||= dirty.whole;
      for (const id of dirty.ids) now.ids.add(id);
    }
  }
}

/** A promise with its settle functions; rejections nobody awaits are not reported as unhandled. */
class Deferred {
  readonly promise: Promise<void>;
  resolve!: () => void;
  reject!: (error: unknown) => void;

  constructor() {
    this.promise = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.promise.catch(() => undefined);
  }
}

/**
 * Refuses a path msgsim could not keep its promises on, before anything is read or written: the
 * directory must exist and take new files; the files, where present, must be files we may read and write.
 */
function checkPaths(file: string): void {
  const dir = path.dirname(path.resolve(file));
  try {
    if (!statSync(dir).isDirectory()) throw new StorageError(file, `${dir} is not a directory`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new StorageError(file, `its directory ${dir} does not exist`);
    throw StorageError.from(dir, error);
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new StorageError(dir, `msgsim cannot create files in this directory: ${describeFsError(error)}`, { cause: error });
  }
  for (const candidate of [file, `${file}.journal`, `${file}.journal.old`]) {
    try {
      if (statSync(candidate).isDirectory()) throw new StorageError(candidate, 'is a directory, not a file');
      accessSync(candidate, constants.R_OK | constants.W_OK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw StorageError.from(candidate, error);
    }
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isFsError(error: unknown): boolean {
  return typeof (error as NodeJS.ErrnoException | undefined)?.code === 'string' && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}

function isStoreData(value: unknown): value is StoreData {
  if (!value || typeof value !== 'object') return false;
  const data = value as Partial<StoreData>;
  return data.version === 1 && typeof data.seq === 'number' && typeof data.partitions === 'object';
}
