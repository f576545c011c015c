/**
 * The files behind `--data` (after Redis's AOF beside its RDB snapshot).
 *
 * Snapshot (`<file>`): one JSON document, `{"version":1,"partitions":{ns:{tenant:{collection:[records]}}},
 * "seq":…,"meta":…,"gen":…}`, laid out one record per line so that it is written and read a bounded
 * chunk at a time: no single string ever holds the state (V8 caps strings at ~512 MB, ~800k messages).
 * Any JSON parser still reads it whole. A snapshot written by an older msgsim (lowdb, indented) is read
 * whole, as before.
 *
 * Journal (`<file>.journal`): one JSON line per change since the snapshot, in order:
 *   {"op":"gen","gen":G}                 first line: the snapshot generation it extends
 *   {"op":"meta","seq":N,"meta":{…}}     engine facts at the start of a flush
 *   {"op":"put","ns","t","c","r":record} the record as it now is (insert, update, touch)
 *   {"op":"del","ns","t","c","id"}       the record is gone
 * A journal whose `gen` is not the snapshot's predates it (a crash between renaming a new snapshot and
 * emptying the journal) and is ignored. Lines without `op` are the previous format (a whole collection
 * per line, `{ns,t,c,rows,seq,meta}`) and replay as before. A torn last line (kill -9 mid-append) ends
 * the replay.
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
import { createReadStream } from 'node:fs';
import { appendFile, open, readFile, rename, rm, stat, truncate, writeFile } from 'node:fs/promises';

export type JournalEntry =
  | { op: 'gen'; gen: number }
  | { op: 'meta'; seq: number; meta?: Record<string, unknown> }
  | { op: 'put'; ns: string; t: string; c: string; r: { id: string; seq: number } }
  | { op: 'del'; ns: string; t: string; c: string; id: string }
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

export class Journal {
  /** Bytes known to be written completely; anything past it after a failed append is torn. */
  private bytes = 0;
  /** Bytes handed to appends so far, finished or not: a line's offset is known when it is issued. */
  private issuedBytes = 0;
  /** The generation named by the file's first line (undefined: unknown, rewrite before appending). */
  gen: number | undefined;

  constructor(readonly file: string) {}

  get size(): number {
    return this.bytes;
  }

  get issued(): number {
    return this.issuedBytes;
  }

  /** The journal the last rotation set aside (`<file>.old`). */
  get oldFile(): string {
    return `${this.file}.old`;
  }

  /**
   * Feeds every entry to `apply`, in order; stops at a malformed (torn) line. Replayed only when the
   * first line names generation `gen` (or there is none: legacy lines). `current`: the journal is
   * absent, empty or extends `gen` (false: legacy lines, or a stale journal, which is not replayed).
   * `metaUntil`: meta lines starting before this byte offset are skipped (see the header).
   */
  async replay(gen: number, apply: (entry: JournalEntry) => void, metaUntil = 0, file = this.file): Promise<{ current: boolean; entries: number; header?: number }> {
    let entries = 0;
    let first = true;
    let header: number | undefined;
    let bytes = 0;
    try {
      for await (const line of readLines(file)) {
        let entry: JournalEntry | undefined;
        try {
          entry = line ? (JSON.parse(line) as JournalEntry) : undefined;
        } catch {
          break;
        }
        const at = bytes;
        bytes += Buffer.byteLength(line) + 1;
        if (!entry) continue;
        if (first) {
          first = false;
          if (entry.op === 'gen') {
            header = entry.gen;
            if (entry.gen !== gen) break; // predates the snapshot: everything in it is already there
            continue;
          }
        }
        entries++;
        if (entry.op === 'meta' && at < metaUntil) continue;
        apply(entry);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { current: true, entries: 0 };
      throw error;
    }
    const current = header === undefined ? entries === 0 : header === gen;
    if (file === this.file) {
      this.bytes = this.issuedBytes = bytes;
      this.gen = header;
      // Later appends must not land behind a torn line, where the next replay would stop.
      if (current && header !== undefined) await this.repair();
    }
    return { current, entries, ...(header === undefined ? {} : { header }) };
  }

  /** Appends lines (a bounded chunk); on failure the torn tail is cut off by `repair()`. */
  async append(lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    const text = lines.join('\n') + '\n';
    const length = Buffer.byteLength(text);
    this.issuedBytes += length;
    await appendFile(this.file, text);
    this.bytes += length;
  }

  /** Empties the journal once snapshot generation `gen` holds everything in it. */
  async reset(gen: number): Promise<void> {
    this.gen = undefined;
    const text = JSON.stringify({ op: 'gen', gen }) + '\n';
    this.issuedBytes = Buffer.byteLength(text);
    await writeFile(this.file, text);
    this.gen = gen;
    this.bytes = this.issuedBytes;
  }

  /**
   * Sets the journal aside as `<file>.old` and starts one for generation `gen`, the snapshot about to
   * be written: lines appended from now on go to the new one.
   */
  async rotate(gen: number): Promise<void> {
    try {
      await rename(this.file, this.oldFile);
    } catch (error) {
      // No journal yet: nothing to set aside, and an `.old` left behind would extend nothing we write.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await this.dropOld();
    }
    await this.reset(gen);
  }

  /** Deletes the set-aside journal once a snapshot holds everything in it. */
  async dropOld(): Promise<void> {
    await rm(this.oldFile, { force: true });
  }

  /**
   * After a failed append: cuts a torn tail so later lines replay. False when the file lost lines we
   * wrote (deleted, truncated): only a snapshot can restore them.
   */
  async repair(): Promise<boolean> {
    const size = await sizeOf(this.file);
    if (size === undefined || size < this.bytes) return false;
    if (size > this.bytes) await truncate(this.file, this.bytes);
    return true;
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

type Partitions = Record<string, Record<string, Record<string, unknown[]>>>;

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
    for (let at = 0; at < chunk.length; ) at += (await handle.write(chunk, at)).bytesWritten;
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
          const rows = (partitions()[ns]?.[tenant]?.[name] ?? []).slice();
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
  const partitions: Partitions = {};
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
