/**
 * The files behind `--data` (after Redis's AOF beside its RDB snapshot).
 *
 * Snapshot (`<file>`): one JSON document, `{"version":1,"partitions":{ns:{tenant:{collection:[records]}}},
 * "seq":…,"meta":…,"gen":…}`, laid out one record per line so that it is written and read a bounded
 * chunk at a time: no single string ever holds the state (V8 caps strings at ~512 MB, ~800k messages).
 * Any JSON parser still reads it whole. A snapshot written by an older msgsim (lowdb, indented) is read
 * whole, as before.
 *
 * Journal (`<file>.journal`): one JSON line per change since the snapshot, in batches:
 *   {"op":"gen","gen":G,"batches":true} first line: the snapshot generation it extends
 *   {"op":"meta","seq":N,"meta":{…}}     engine facts at the start of a batch
 *   {"op":"put","ns","t","c","r":record} the record as it now is (insert, update, touch)
 *   {"op":"del","ns","t","c","id"}       the record is gone
 *   {"op":"end"}                         the batch is complete
 * A batch is what one group commit writes: the changes of one or more event-loop turns, acknowledged to
 * clients only once all of it is written. Replay applies whole batches only, so a batch cut short by a
 * crash (never acknowledged) leaves nothing half-applied: a message's new status never comes back
 * without the webhook delivery created in the same turn. Journals whose header lacks `batches` (older
 * msgsim) have no end lines and replay line by line, as before.
 * A journal whose `gen` is not the snapshot's predates it (a crash between renaming a new snapshot and
 * emptying the journal) and is ignored. Lines without `op` are the oldest format (a whole collection
 * per line, `{ns,t,c,rows,seq,meta}`) and replay as before. A torn last line (kill -9 mid-write) ends
 * the replay; a malformed line with complete lines after it is corruption, and the file is refused.
 *
 * The journal is written through one open file descriptor, synchronously, in the turn that commits
 * (Redis writes its AOF buffer in `beforeSleep`, before replying, the same way): a write of a few
 * hundred kilobytes to the page cache costs less than a round trip through libuv's thread pool, and
 * what a write() handed to the kernel survives the process being killed. With `fsync`, an fdatasync
 * (off the event loop) follows each batch, for power loss: the journal is given the sync function, so a
 * test can see it called, hold it or fail it.
 *
 * Compaction in the background: the journal is renamed to `<file>.journal.old` and a new one begun for
 * the next generation, so appends go on while the snapshot streams. Every record in that snapshot is
 * as new as, or newer than, the old journal's lines, so they are dropped once it is renamed into place.
 * The new journal's lines are replayed on top: records as they were when each line was written, the last
 * line per record winning. Its `meta` lines written before the snapshot's trailer are older than the
 * trailer's and are skipped: the trailer's `journal.metaUntil` is that byte offset. A crash before the
 * rename leaves the old snapshot, the `.old` journal that extends it and the new journal after that:
 * all three are replayed, in that order.
 */
import { closeSync, createReadStream, fdatasync, fstatSync, ftruncateSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { StorageError } from './storage-error.js';

export type JournalEntry =
  | { op: 'gen'; gen: number; batches?: boolean }
  | { op: 'meta'; seq: number; meta?: Record<string, unknown> }
  | { op: 'put'; ns: string; t: string; c: string; r: { id: string; seq?: number } }
  | { op: 'del'; ns: string; t: string; c: string; id: string }
  | { op: 'end' }
  | LegacyEntry;

/** The previous journal format: a line replaces a whole collection. */
export interface LegacyEntry {
  op?: undefined;
  ns: string;
  t: string;
  c: string;
  rows: Array<{ id: string; seq: number }>;
  seq: number;
  meta?: Record<string, unknown>;
}

/** Writes are issued in pieces of about this many characters: each one is a short, bounded stall. */
export const CHUNK_CHARS = 1 << 18;

export const END_LINE = '{"op":"end"}';

/** Makes what was written through `fd` durable; `fdatasync` unless a test stands in for it. */
export type DataSync = (fd: number) => Promise<void>;

export const fdatasyncFd: DataSync = (fd) => new Promise((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve())));

export interface ReplayResult {
  /** The journal is absent, empty or extends `gen` (false: legacy lines, or a stale journal, which is not replayed). */
  current: boolean;
  entries: number;
  /** The generation its first line names. */
  header?: number;
  /** Written in batches with end lines (false: an older msgsim's journal; absent: no header). */
  batched?: boolean;
}

export class Journal {
  private fd: number | undefined;
  /** Bytes that end with a complete batch: anything past it after a failed write is torn and cut off. */
  private committed = 0;
  /** Bytes written so far, the batch being written included. */
  private written = 0;
  /** A write failed part-way: cut the file back to `committed` before writing again. */
  private torn = false;
  /** The generation named by the file's first line (undefined: unknown, rewrite before appending). */
  gen: number | undefined;

  constructor(
    readonly file: string,
    /** Undefined: no sync (a kill -9 loses nothing written, power loss may). */
    private readonly sync?: DataSync,
  ) {}

  /** Bytes of complete batches. */
  get size(): number {
    return this.committed;
  }

  /** Bytes handed to the file so far: a line's offset is known when it is written. */
  get issued(): number {
    return this.written;
  }

  /** The journal the last rotation set aside (`<file>.old`). */
  get oldFile(): string {
    return `${this.file}.old`;
  }

  /**
   * Feeds every complete batch's entries to `apply`, in order. Replayed only when the first line names
   * generation `gen` (or there is none: legacy lines). `metaUntil`: meta lines starting before this
   * byte offset are skipped (see the header). Throws a StorageError for a corrupt file.
   */
  async replay(gen: number, apply: (entry: JournalEntry) => void, metaUntil = 0, file = this.file): Promise<ReplayResult> {
    let entries = 0;
    let first = true;
    let header: number | undefined;
    let batched = false;
    let bytes = 0;
    let committed = 0;
    let lineNumber = 0;
    /** A malformed line: a torn tail if nothing follows it, corruption if something does. */
    let malformedAt: number | undefined;
    let batch: JournalEntry[] = [];
    try {
      for await (const line of readLines(file)) {
        lineNumber++;
        if (malformedAt !== undefined) {
          if (line.trim() === '') continue;
          throw new StorageError(file, `corrupt journal: line ${malformedAt} is not a journal entry, and entries follow it`);
        }
        let entry: JournalEntry | undefined;
        try {
          entry = line ? (JSON.parse(line) as JournalEntry) : undefined;
          if (entry !== undefined && (entry === null || typeof entry !== 'object')) throw new Error('not an object');
        } catch {
          malformedAt = lineNumber;
          continue;
        }
        const at = bytes;
        bytes += Buffer.byteLength(line) + 1;
        if (!entry) continue;
        if (first) {
          first = false;
          if (entry.op === 'gen') {
            header = entry.gen;
            batched = entry.batches === true;
            committed = bytes;
            if (entry.gen !== gen) break; // predates the snapshot: everything in it is already there
            continue;
          }
        }
        if (entry.op === 'end') {
          for (const pending of batch) apply(pending);
          batch = [];
          committed = bytes;
          continue;
        }
        entries++;
        if (entry.op === 'meta' && at < metaUntil) continue;
        if (batched) batch.push(entry);
        else {
          apply(entry);
          committed = bytes;
        }
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { current: true, entries: 0 };
      if (error instanceof StorageError) throw error;
      throw StorageError.from(file, error);
    }
    // A batch without its end line was cut short by a crash: never acknowledged, not applied.
    const current = header === undefined ? entries === 0 : header === gen;
    if (file === this.file) {
      this.committed = this.written = committed;
      this.gen = header;
      // Later appends must not land behind a torn tail, where the next replay would stop.
      this.torn = current && header !== undefined;
    }
    return { current, entries, ...(header === undefined ? {} : { header, batched }) };
  }

  /**
   * Writes `text` (whole lines) synchronously. A failure part-way leaves a torn tail, which the next
   * write cuts off first; call `endBatch()` once the batch's last line is written.
   */
  write(text: string): void {
    if (text.length === 0) return;
    const fd = this.open();
    if (this.torn) this.cut(fd);
    const buffer = Buffer.from(text);
    // Marked torn until the whole piece is written: a short write followed by an error leaves part of it.
    this.torn = true;
    // A write may be short (a signal, a nearly full disk); the rest follows, or the error does.
    for (let at = 0; at < buffer.length;) {
      const n = writeSync(fd, buffer, at);
      at += n;
      this.written += n;
    }
    this.torn = false;
  }

  /** Ends a batch: its bytes now count as complete (and, with `sync`, reach the disk first). */
  async endBatch(): Promise<void> {
    this.write(`${END_LINE}\n`);
    if (this.sync && this.fd !== undefined) await this.sync(this.fd);
    this.committed = this.written;
  }

  /** A batch was given up: its bytes are cut off before anything else is written. */
  abandonBatch(): void {
    if (this.written !== this.committed) this.torn = true;
  }

  /**
   * True when the file is still where we write it (not deleted or replaced by a shorter one, as when
   * its directory was removed): writes through the descriptor would otherwise vanish silently.
   */
  intact(): boolean {
    if (this.fd === undefined) return true;
    try {
      const stats = fstatSync(this.fd);
      if (stats.nlink > 0 && stats.size >= this.committed) return true;
    } catch {
      // fall through: an unusable descriptor is as good as a lost file
    }
    this.close();
    return false;
  }

  /**
   * Before writing again after a failure: reopens the file and cuts a torn tail. False when the file
   * lost batches we wrote (deleted, truncated): only a snapshot can restore them.
   */
  reopen(): boolean {
    this.close();
    const fd = this.open();
    const size = fstatSync(fd).size;
    if (size < this.committed) return false;
    if (size > this.committed) this.cut(fd);
    return true;
  }

  /** Empties the journal once snapshot generation `gen` holds everything in it. */
  async reset(gen: number): Promise<void> {
    this.gen = undefined;
    const fd = this.open();
    ftruncateSync(fd, 0);
    this.committed = this.written = 0;
    this.torn = false;
    this.write(JSON.stringify({ op: 'gen', gen, batches: true }) + '\n');
    if (this.sync) await this.sync(fd);
    this.committed = this.written;
    this.gen = gen;
  }

  /**
   * Sets the journal aside as `<file>.old` and starts one for generation `gen`, the snapshot about to
   * be written: lines appended from now on go to the new one.
   */
  async rotate(gen: number): Promise<void> {
    this.close();
    try {
      renameSync(this.file, this.oldFile);
    } catch (error) {
      // No journal yet: nothing to set aside, and an `.old` left behind would extend nothing we write.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.dropOld();
    }
    await this.reset(gen);
  }

  /** Deletes the set-aside journal once a snapshot holds everything in it. */
  dropOld(): void {
    rmSync(this.oldFile, { force: true });
  }

  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      closeSync(fd);
    } catch {
      // already unusable; nothing more to release
    }
  }

  private open(): number {
    // 'a': every write lands at the end, whatever a truncation did to the file's length.
    this.fd ??= openSync(this.file, 'a');
    return this.fd;
  }

  private cut(fd: number): void {
    ftruncateSync(fd, this.committed);
    this.written = this.committed;
    this.torn = false;
  }
}

/** A file's size; undefined when there is no such file. */
export async function sizeOf(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
export interface SnapshotTrailer {
  seq: number;
  meta?: Record<string, unknown>;
  gen: number;
  /** Written by a compaction in the background: where the journal's meta lines become newer than `meta`. */
  journal?: { metaUntil: number };
}

/** Collections are arrays; engine tables (see table.ts) are maps, written as arrays of their values. */
type Rows = readonly unknown[] | ReadonlyMap<string, unknown>;
type Partitions = Record<string, Record<string, Record<string, Rows>>>;
type LoadedPartitions = Record<string, Record<string, Record<string, unknown[]>>>;

const HEAD = '{"version":1,"partitions":{';

/** A snapshot being written was given up (a reset or a shutdown came first). */
export class SnapshotAborted extends Error {}

/**
 * Writes the state to `tmp` one chunk at a time, yielding to the event loop on every write; the caller
 * renames it over the snapshot (atomic: the snapshot on disk is always complete). The state may change
 * meanwhile: each collection is copied (references only) when reached, and `trailer` is read last, so
 * seq and meta cover every record written. `aborted` is asked before every chunk: true removes the
 * file and throws SnapshotAborted. Returns the bytes written and the record count.
 */
export async function writeSnapshot(
  tmp: string,
  partitions: () => Partitions,
  trailer: () => SnapshotTrailer,
  aborted: () => boolean = () => false,
  sync?: DataSync,
): Promise<{ bytes: number; records: number }> {
  const handle = await open(tmp, 'w');
  let bytes = 0;
  let records = 0;
  let buffer = HEAD + '\n';
  const spill = async (): Promise<void> => {
    if (aborted()) throw new SnapshotAborted('snapshot given up');
    const chunk = Buffer.from(buffer);
    buffer = '';
    // A file write may be short; the rest follows.
    for (let at = 0; at < chunk.length;) at += (await handle.write(chunk, at)).bytesWritten;
    bytes += chunk.length;
  };
  try {
    const namespaces = Object.keys(partitions());
    for (const [n, ns] of namespaces.entries()) {
      buffer += `${n ? ',' : ''}${JSON.stringify(ns)}:{\n`;
      const tenants = Object.keys(partitions()[ns] ?? {});
      for (const [t, tenant] of tenants.entries()) {
        buffer += `${t ? ',' : ''}${JSON.stringify(tenant)}:{\n`;
        const names = Object.keys(partitions()[ns]?.[tenant] ?? {});
        for (const [c, name] of names.entries()) {
          buffer += `${c ? ',' : ''}${JSON.stringify(name)}:[\n`;
          // A copy: a removal while we await would shift the live array under the loop.
          const live = partitions()[ns]?.[tenant]?.[name] ?? [];
          const rows = Array.isArray(live) ? live.slice() : [...(live as ReadonlyMap<string, unknown>).values()];
          for (const [i, row] of rows.entries()) {
            buffer += `${i ? ',' : ''}${JSON.stringify(row)}\n`;
            if (buffer.length >= CHUNK_CHARS) await spill();
          }
          records += rows.length;
          buffer += ']\n';
        }
        buffer += '}\n';
      }
      buffer += '}\n';
    }
    const { seq, meta, gen, journal } = trailer();
    buffer += `},"seq":${seq},${meta ? `"meta":${JSON.stringify(meta)},` : ''}${journal ? `"journal":${JSON.stringify(journal)},` : ''}"gen":${gen}}\n`;
    await spill();
    if (sync) await sync(handle.fd);
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(tmp, { force: true }).catch(() => undefined);
    throw error;
  }
  return { bytes, records };
}

export interface LoadedSnapshot {
  data: unknown;
  bytes: number;
  records: number;
  /** Written in the line layout (false: a legacy lowdb file). */
  lined: boolean;
}

/** Reads a snapshot; undefined when there is no file. A legacy (lowdb) file is parsed whole. */
export async function readSnapshot(file: string): Promise<LoadedSnapshot | undefined> {
  let head: string;
  let bytes: number;
  try {
    const handle = await open(file, 'r');
    try {
      bytes = (await handle.stat()).size;
      const probe = Buffer.alloc(HEAD.length + 1);
      const { bytesRead } = await handle.read(probe, 0, probe.length, 0);
      head = probe.toString('utf8', 0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (head !== `${HEAD}\n`) return { data: await readWhole(file), bytes, records: 0, lined: false };
  return { ...(await readLined(file)), bytes, lined: true };
}

async function readWhole(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  return text.trim() ? (JSON.parse(text) as unknown) : undefined;
}

/** The line layout `writeSnapshot` produces: a structural token or one record per line. */
async function readLined(file: string): Promise<{ data: unknown; records: number }> {
  const partitions: LoadedPartitions = {};
  let ns: Record<string, Record<string, unknown[]>> | undefined;
  let tenant: Record<string, unknown[]> | undefined;
  let rows: unknown[] | undefined;
  let records = 0;
  let trailer: SnapshotTrailer | undefined;
  let first = true;
  for await (const raw of readLines(file)) {
    if (first) {
      first = false;
      continue;
    }
    if (!raw || trailer) continue;
    const line = raw.startsWith(',') ? raw.slice(1) : raw;
    if (rows) {
      if (line === ']') rows = undefined;
      else {
        rows.push(JSON.parse(line));
        records++;
      }
    } else if (line.endsWith(':[') && tenant) {
      rows = tenant[JSON.parse(line.slice(0, -2)) as string] = [];
    } else if (line.endsWith(':{')) {
      const key = JSON.parse(line.slice(0, -2)) as string;
      if (!ns) ns = partitions[key] = {};
      else if (!tenant) tenant = ns[key] = {};
      else throw new Error(`${file}: unexpected line in snapshot`);
    } else if (line === '}') {
      if (tenant) tenant = undefined;
      else if (ns) ns = undefined;
      else throw new Error(`${file}: unexpected line in snapshot`);
    } else if (line.startsWith('},')) {
      trailer = JSON.parse(`{${line.slice(2)}`) as SnapshotTrailer;
    } else {
      throw new Error(`${file}: unexpected line in snapshot`);
    }
  }
  if (!trailer) throw new Error(`${file}: snapshot is truncated`);
  return { data: { version: 1, partitions, ...trailer }, records };
}

/**
 * The newline-terminated lines of a file, read in chunks: never one string for the whole file. (An
 * unterminated tail is a torn write and is not yielded.) Split on the newline byte, which never occurs
 * inside a multi-byte UTF-8 character, so each line decodes on its own.
 */
async function* readLines(file: string): AsyncGenerator<string> {
  // Pieces of a line longer than a chunk (a legacy whole-collection line): joined once, not per chunk.
  let pending: Buffer[] = [];
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let start = 0;
    let end: number;
    while ((end = chunk.indexOf(10, start)) !== -1) {
      if (pending.length === 0) yield chunk.toString('utf8', start, end);
      else {
        pending.push(chunk.subarray(start, end));
        yield Buffer.concat(pending).toString('utf8');
        pending = [];
      }
      start = end + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
}
