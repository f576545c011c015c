/**
 * The state of every simulated account: collections partitioned by namespace (a provider, opaque
 * here) and tenant (one API key or account), with in-memory indexes for get-by-id and ordered listing.
 * In memory by default. With a file (`--data`): a snapshot plus a journal of the records changed since
 * (`<file>.journal`), appended at most every flushDelayMs, and compacted into a new snapshot, streamed
 * a chunk at a time, when it would outgrow the snapshot. That compaction runs in the background: appends
 * go on meanwhile, to a new journal. A reset is written as a snapshot at once, appends waiting for it.
 * File formats: journal.ts.
 */
import { rename, rm } from 'node:fs/promises';
import type { Clock } from './clock.js';
import { CHUNK_CHARS, Journal, readSnapshot, sizeOf, SnapshotAborted, writeSnapshot, type JournalEntry, type SnapshotTrailer } from './journal.js';

export interface BaseRecord {
  id: string;
  /** Global insertion number: breaks createdAt ties and keeps cursors stable. */
  seq: number;
  createdAt: string;
  updatedAt: string;
}

type Partition = Record<string, BaseRecord[]>;

interface StoreData {
  version: 1;
  seq: number;
  partitions: Record<string, Record<string, Partition>>;
  /** Small engine facts that must survive a restart (the id generator's position). */
  meta?: Record<string, unknown>;
  /** The snapshot's generation (absent in files written before journals named one). */
  gen?: number;
  /** Read from a snapshot's trailer, then dropped: see journal.ts. */
  journal?: SnapshotTrailer['journal'];
}

/** A compaction running in the background. */
interface Compaction {
  /** Settles when the snapshot is written (or given up); then `done` renames it into place. */
  streamed: Promise<unknown>;
  done: Promise<void>;
  aborted: boolean;
}

export interface StoreOptions {
  clock: Clock;
  /** Persist to this JSON file; omitted = in memory only. */
  file?: string;
  /** How long after a change the file is rewritten (wall time); the durability window. */
  flushDelayMs?: number;
  /** Reports a failed background write (the next flush retries). */
  onWriteError?: (error: unknown) => void;
  /** Compact once the journal outgrows the snapshot and this many bytes (default 8 MiB; tests use less). */
  compactAtBytes?: number;
}

export type NewRecord<T extends BaseRecord> = Omit<T, 'seq' | 'createdAt' | 'updatedAt'> &
  Partial<Pick<T, 'createdAt' | 'updatedAt'>>;

/** One collection of one tenant: insertion-ordered array plus an id index. */
export class Collection<T extends BaseRecord> {
  private readonly byId = new Map<string, T>();
  /** Set by a reset: the store no longer holds these rows, so changes to them are not persisted. */
  detached = false;

  constructor(
    private readonly store: Store,
    private readonly rows: T[],
    readonly namespace: string,
    readonly tenant: string,
    readonly name: string,
  ) {
    for (const row of rows) this.byId.set(row.id, row);
  }

  /**
   * Marks a record changed after it was mutated in place (lifecycle steps, campaign progress). Name the
   * record: without one the whole collection is rewritten on the next flush.
   */
  touch(record?: T): void {
    this.store.changedRecord(this as unknown as Collection<BaseRecord>, record?.id);
  }

  get size(): number {
    return this.rows.length;
  }

  insert(input: NewRecord<T>): T {
    if (this.byId.has(input.id)) throw new Error(`duplicate id ${input.id}`);
    const now = this.store.clock.iso();
    const record = { createdAt: now, updatedAt: now, ...input, seq: this.store.nextSeq() } as T;
    this.rows.push(record);
    this.byId.set(record.id, record);
    this.store.changedRecord(this as unknown as Collection<BaseRecord>, record.id);
    return record;
  }

  get(id: string): T | undefined {
    return this.byId.get(id);
  }

  /** Applies `patch` in place (records are shared with timers and indexes) and stamps updatedAt. */
  update(id: string, patch: Partial<Omit<T, 'id' | 'seq' | 'createdAt'>>): T | undefined {
    const record = this.byId.get(id);
    if (!record) return undefined;
    Object.assign(record, patch, { updatedAt: this.store.clock.iso() });
    this.store.changedRecord(this as unknown as Collection<BaseRecord>, id);
    return record;
  }

  remove(id: string): boolean {
    const record = this.byId.get(id);
    if (!record) return false;
    this.byId.delete(id);
    const index = this.rows.indexOf(record);
    if (index >= 0) this.rows.splice(index, 1);
    this.store.changedRecord(this as unknown as Collection<BaseRecord>, id);
    return true;
  }

  /** Oldest first (insertion order). */
  all(): readonly T[] {
    return this.rows;
  }

  /** Newest first, optionally filtered; the order every list endpoint uses. */
  newestFirst(predicate?: (record: T) => boolean): T[] {
    const out: T[] = [];
    for (let i = this.rows.length - 1; i >= 0; i--) {
      const row = this.rows[i]!;
      if (!predicate || predicate(row)) out.push(row);
    }
    return out;
  }
}

export interface CollectionRef<T extends BaseRecord> {
  namespace: string;
  tenant: string;
  collection: Collection<T>;
}

/** What changed in one collection since the last flush. */
interface Dirty {
  ids: Set<string>;
  /** touch() without a record: every row is rewritten. */
  whole: boolean;
}

interface Batch {
  records: Map<Collection<BaseRecord>, Dirty>;
  all: boolean;
}

export class Store {
  readonly clock: Clock;
  readonly file: string | undefined;
  private data: StoreData = { version: 1, seq: 0, partitions: {} };
  /** namespace → tenant → name: no key string built per lookup (called per status change). */
  private readonly cache = new Map<string, Map<string, Map<string, Collection<BaseRecord>>>>();
  private readonly flushDelayMs: number;
  private cancelFlush: (() => void) | undefined;
  private pending = false;
  private writing: Promise<void> = Promise.resolve();
  private readonly beforeWrite: Array<() => void> = [];
  private readonly onWriteError: (error: unknown) => void;
  /** Records changed since the last flush, by collection. */
  private dirty = new Map<Collection<BaseRecord>, Dirty>();
  /** Something changed that only a snapshot captures (a reset, an unnamed change, a new file). */
  private all = false;
  private journal: Journal | undefined;
  /** The snapshot's generation; the journal names the one it extends. */
  private gen = 0;
  /** Compact when the journal would outgrow the snapshot (and at least this many bytes). */
  private readonly compactAtBytes: number;
  private snapshotBytes = 0;
  /** A journal append failed: check the files before appending again. */
  private suspect = false;
  private compaction: Compaction | undefined;

  private constructor(options: StoreOptions) {
    this.clock = options.clock;
    this.file = options.file;
    this.flushDelayMs = options.flushDelayMs ?? 200;
    this.onWriteError = options.onWriteError ?? (() => undefined);
    this.compactAtBytes = options.compactAtBytes ?? 8 * 1024 * 1024;
  }

  getMeta(name: string): unknown {
    return this.data.meta?.[name];
  }

  /** Runs before every write, to copy engine state (e.g. the id generator's position) into the file. */
  onBeforeWrite(hook: () => void): void {
    this.beforeWrite.push(hook);
  }

  setMeta(name: string, value: unknown): void {
    (this.data.meta ??= {})[name] = value;
  }

  static async open(options: StoreOptions): Promise<Store> {
    const store = new Store(options);
    if (options.file) await store.load(options.file);
    return store;
  }

  private async load(file: string): Promise<void> {
    const snapshot = await readSnapshot(file);
    const valid = snapshot !== undefined && isStoreData(snapshot.data);
    let metaUntil = 0;
    if (valid) {
      this.data = snapshot.data as StoreData;
      this.gen = this.data.gen ?? 0;
      metaUntil = this.data.journal?.metaUntil ?? 0;
      delete this.data.journal;
      this.snapshotBytes = snapshot.bytes;
    }
    const journal = (this.journal = new Journal(`${file}.journal`));
    const replay = new Replay(this.data);
    const apply = (entry: JournalEntry) => replay.apply(entry);
    // A compaction cut short: the journal it set aside extends this snapshot, the new one extends that.
    const old = await journal.replay(this.gen, apply, 0, journal.oldFile);
    const interrupted = old.header === this.gen;
    const { current } = await journal.replay(interrupted ? this.gen + 1 : this.gen, apply, interrupted ? 0 : metaUntil);
    replay.finish();
    // A new file, one that held something else, or files in the previous layout: the first flush
    // writes a snapshot (legacy journal lines are not appended to).
    if (!valid || !current || !snapshot.lined) this.all = true;
    // Three files where two belong: a snapshot tidies them up soon, even if nothing changes.
    if (old.header !== undefined) this.changed();
  }

  nextSeq(): number {
    return ++this.data.seq;
  }

  collection<T extends BaseRecord>(namespace: string, tenant: string, name: string): Collection<T> {
    let tenants = this.cache.get(namespace);
    if (!tenants) this.cache.set(namespace, (tenants = new Map()));
    let names = tenants.get(tenant);
    if (!names) tenants.set(tenant, (names = new Map()));
    let collection = names.get(name);
    if (!collection) {
      const rows = (((this.data.partitions[namespace] ??= {})[tenant] ??= {})[name] ??= []);
      collection = new Collection<BaseRecord>(this, rows, namespace, tenant, name);
      names.set(name, collection);
    }
    return collection as unknown as Collection<T>;
  }

  /** The collection if the tenant has one; unlike `collection`, creates nothing (read paths of hot code). */
  find<T extends BaseRecord>(namespace: string, tenant: string, name: string): Collection<T> | undefined {
    return this.data.partitions[namespace]?.[tenant]?.[name] ? this.collection<T>(namespace, tenant, name) : undefined;
  }

  /** True when the tenant has ever stored anything in this namespace (used to seed fixtures once). */
  hasTenant(namespace: string, tenant: string): boolean {
    return Boolean(this.data.partitions[namespace]?.[tenant]);
  }

  tenants(namespace: string): string[] {
    return Object.keys(this.data.partitions[namespace] ?? {});
  }

  namespaces(): string[] {
    return Object.keys(this.data.partitions);
  }

  /** Every tenant's collection of that name, across namespaces (the control API's outbox). */
  collections<T extends BaseRecord>(name: string, namespace?: string): CollectionRef<T>[] {
    const out: CollectionRef<T>[] = [];
    const namespaces = namespace ? [namespace] : this.namespaces();
    for (const ns of namespaces) {
      for (const tenant of this.tenants(ns)) {
        if (this.data.partitions[ns]?.[tenant]?.[name]) {
          out.push({ namespace: ns, tenant, collection: this.collection<T>(ns, tenant, name) });
        }
      }
    }
    return out;
  }

  /** Forgets everything, one namespace, or one tenant of a namespace. */
  reset(namespace?: string, tenant?: string): void {
    const partitions = this.data.partitions;
    if (!namespace) {
      this.data.partitions = {};
      for (const tenants of this.cache.values()) for (const names of tenants.values()) detach(names);
      this.cache.clear();
    } else if (!tenant) {
      delete partitions[namespace];
      for (const names of this.cache.get(namespace)?.values() ?? []) detach(names);
      this.cache.delete(namespace);
    } else {
      if (partitions[namespace]) delete partitions[namespace][tenant];
      const names = this.cache.get(namespace)?.get(tenant);
      if (names) detach(names);
      this.cache.get(namespace)?.delete(tenant);
    }
    this.changed();
  }

  /** Marks state as changed in a way only a full snapshot captures; written within flushDelayMs. */
  changed(): void {
    if (!this.file) return;
    this.all = true;
    // A snapshot being streamed may already hold part of this change: it must not be used.
    if (this.compaction) this.compaction.aborted = true;
    this.pending = true;
    this.schedule();
  }

  /** A record was inserted, updated, removed or touched (`id` undefined: any of the collection's). */
  changedRecord(collection: Collection<BaseRecord>, id: string | undefined): void {
    if (!this.file || collection.detached) return;
    let dirty = this.dirty.get(collection);
    if (!dirty) this.dirty.set(collection, (dirty = { ids: new Set(), whole: false }));
    if (id === undefined) dirty.whole = true;
    else dirty.ids.add(id);
    this.pending = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.cancelFlush) return;
    this.cancelFlush = this.clock.realTimeout(this.flushDelayMs, () => {
      this.cancelFlush = undefined;
      this.flush().catch((error: unknown) => this.onWriteError(error));
    });
  }

  /** Writes pending changes now; resolves when they are on disk (a compaction may still be running). */
  async flush(): Promise<void> {
    if (!this.file) return;
    this.cancelFlush?.();
    this.cancelFlush = undefined;
    // Serialise writes: callers awaiting flush must see their data written, and a failed write must
    // not poison later ones.
    return this.enqueue(() => this.persist());
  }

  /** Resolves once no write and no compaction is running (a failed compaction went to onWriteError). */
  async idle(): Promise<void> {
    for (;;) {
      await this.writing.catch(() => undefined);
      if (!this.compaction) return;
      await this.compaction.done;
    }
  }

  /** For shutdown: gives up a compaction in progress (the journals hold what it would have), then flushes. */
  async close(): Promise<void> {
    await this.stopCompaction();
    await this.flush();
    await this.idle();
  }

  /** Runs `step` after every write queued before it: appends and renames never interleave. */
  private enqueue(step: () => Promise<void>): Promise<void> {
    const write = this.writing.catch(() => undefined).then(step);
    this.writing = write;
    return write;
  }

  private async persist(): Promise<void> {
    if (!this.pending) return;
    if (this.suspect) await this.checkFiles();
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
      this.restore(batch);
      throw error;
    }
    // Not while a full snapshot is due (a reset, a failed compaction): it would set aside, and so
    // overwrite, a journal that no snapshot holds yet.
    if (!this.compaction && !this.all && this.journal!.size > Math.max(this.compactAtBytes, this.snapshotBytes)) await this.startCompaction();
  }

  /** A streamed snapshot of the live state; then the journal starts over for the new generation. */
  private async compact(): Promise<void> {
    // Past the journal's generation too: a journal begun by a compaction given up must not look like
    // it extends this snapshot (its lines are older).
    const gen = Math.max(this.gen, this.journal!.gen ?? 0) + 1;
    const tmp = `${this.file!}.tmp`;
    const written = await writeSnapshot(tmp, () => this.data.partitions, () => this.trailer(gen));
    await rename(tmp, this.file!);
    this.gen = gen;
    this.snapshotBytes = written.bytes;
    // Were this to fail, the journals name older generations and are ignored on load.
    await this.journal!.reset(gen);
    await this.journal!.dropOld();
  }

  /**
   * Compaction with appends going on (called between two writes): the journal is set aside, a new one
   * takes the appends, and the snapshot streams in the background. Renaming it into place waits its
   * turn among the writes; then the set-aside journal is deleted.
   */
  private async startCompaction(): Promise<void> {
    const journal = this.journal!;
    const gen = this.gen + 1;
    try {
      await journal.rotate(gen);
    } catch (error) {
      // The journal may be gone from its place: a snapshot (the next flush) sorts that out.
      this.changed();
      this.onWriteError(error);
      return;
    }
    const tmp = `${this.file!}.compacting`;
    const job: Compaction = { streamed: Promise.resolve(), done: Promise.resolve(), aborted: false };
    const streamed = writeSnapshot(
      tmp,
      () => this.data.partitions,
      () => ({ ...this.trailer(gen), journal: { metaUntil: journal.issued } }),
      () => job.aborted,
    );
    job.streamed = streamed.catch(() => undefined);
    job.done = streamed
      .then((written) =>
        this.enqueue(async () => {
          if (job.aborted) throw new SnapshotAborted('snapshot given up');
          await rename(tmp, this.file!);
          this.gen = gen;
          this.snapshotBytes = written.bytes;
          await journal.dropOld();
        }),
      )
      .catch(async (error: unknown) => {
        await rm(tmp, { force: true }).catch(() => undefined);
        if (error instanceof SnapshotAborted) return;
        // The two journals still hold everything, and a second rotation would overwrite the set-aside
        // one: the next flush writes a snapshot instead, appends waiting for it.
        this.changed();
        this.onWriteError(error);
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

  private trailer(gen: number): SnapshotTrailer {
    return { ...this.facts(), gen };
  }

  /** The engine facts a write carries (seq, meta), after the before-write hooks have brought meta up to date. */
  private facts(): { seq: number; meta?: Record<string, unknown> } {
    for (const hook of this.beforeWrite) hook();
    return { seq: this.data.seq, ...(this.data.meta ? { meta: this.data.meta } : {}) };
  }

  /** One line per changed record, appended a bounded chunk at a time. */
  private async appendJournal(records: Map<Collection<BaseRecord>, Dirty>): Promise<void> {
    const journal = this.journal!;
    try {
      // Unknown, or older than the snapshot (a crash left it): start it over. One generation ahead is the
      // journal a compaction in progress began.
      if (journal.gen === undefined || journal.gen < this.gen) await journal.reset(this.gen);
      // First: a torn batch still restores ids and seq at least as far as the records it holds.
      let lines = [JSON.stringify({ op: 'meta', ...this.facts() })];
      let chars = 0;
      const add = (line: string): boolean => {
        lines.push(line);
        chars += line.length;
        return chars >= CHUNK_CHARS;
      };
      const spill = async (): Promise<void> => {
        const out = lines;
        lines = [];
        chars = 0;
        await journal.append(out);
      };
      for (const [collection, dirty] of records) {
        if (collection.detached) continue;
        const where = `"ns":${JSON.stringify(collection.namespace)},"t":${JSON.stringify(collection.tenant)},"c":${JSON.stringify(collection.name)}`;
        const put = `{"op":"put",${where},"r":`;
        const line = (id: string): string => {
          const record = collection.get(id);
          return record ? `${put}${JSON.stringify(record)}}` : `{"op":"del",${where},"id":${JSON.stringify(id)}}`;
        };
        if (dirty.whole) {
          // A copy: a removal while we await would shift the live array under the loop.
          for (const record of collection.all().slice()) if (add(`${put}${JSON.stringify(record)}}`)) await spill();
          for (const id of dirty.ids) if (!collection.get(id) && add(line(id))) await spill();
        } else {
          for (const id of dirty.ids) if (add(line(id))) await spill();
        }
      }
      await spill();
    } catch (error) {
      this.suspect = true;
      throw error;
    }
  }

  /** After a failed append: cut a torn tail, or snapshot if the files lost what they held. */
  private async checkFiles(): Promise<void> {
    const intact = (await this.journal!.repair()) && (await sizeOf(this.file!)) !== undefined;
    if (!intact) this.all = true;
    this.suspect = false;
  }

  /** What a failed write did not save stays marked unsaved, merged with what changed since. */
  private restore(batch: Batch): void {
    this.pending = true;
    if (batch.all) this.all = true;
    for (const [collection, dirty] of batch.records) {
      const now = this.dirty.get(collection);
      if (!now) {
        this.dirty.set(collection, dirty);
        continue;
      }
      now.whole ||= dirty.whole;
      for (const id of dirty.ids) now.ids.add(id);
    }
  }
}

function detach(names: Map<string, Collection<BaseRecord>>): void {
  for (const collection of names.values()) collection.detached = true;
}

/**
 * Applies journal entries on top of the snapshot. Collections the journal touches are indexed by id
 * while replaying and rebuilt in seq order at the end (the order inserts gave them), whatever order
 * their lines came in.
 */
class Replay {
  private readonly touched = new Map<string, { ns: string; t: string; c: string; rows: Map<string, BaseRecord> }>();

  constructor(private readonly data: StoreData) {}

  apply(entry: JournalEntry): void {
    switch (entry.op) {
      case 'gen':
        return;
      case 'meta':
        this.data.seq = Math.max(this.data.seq, entry.seq);
        if (entry.meta) this.data.meta = { ...this.data.meta, ...entry.meta };
        return;
      case 'put':
        this.rows(entry.ns, entry.t, entry.c).set(entry.r.id, entry.r as BaseRecord);
        this.data.seq = Math.max(this.data.seq, entry.r.seq);
        return;
      case 'del':
        this.rows(entry.ns, entry.t, entry.c).delete(entry.id);
        return;
      case undefined: {
        const rows = this.rows(entry.ns, entry.t, entry.c);
        rows.clear();
        for (const row of entry.rows) rows.set(row.id, row as BaseRecord);
        this.data.seq = Math.max(this.data.seq, entry.seq);
        if (entry.meta) this.data.meta = { ...this.data.meta, ...entry.meta };
        return;
      }
    }
  }

  finish(): void {
    for (const { ns, t, c, rows } of this.touched.values()) {
      const list = [...rows.values()];
      if (list.some((row, i) => i > 0 && list[i - 1]!.seq > row.seq)) list.sort((a, b) => a.seq - b.seq);
      ((this.data.partitions[ns] ??= {})[t] ??= {})[c] = list;
    }
    this.touched.clear();
  }

  private rows(ns: string, t: string, c: string): Map<string, BaseRecord> {
    const key = `${ns}\u0000${t}\u0000${c}`;
    let entry = this.touched.get(key);
    if (!entry) {
      const existing = this.data.partitions[ns]?.[t]?.[c] ?? [];
      entry = { ns, t, c, rows: new Map(existing.map((row) => [row.id, row])) };
      this.touched.set(key, entry);
    }
    return entry.rows;
  }
}

function isStoreData(value: unknown): value is StoreData {
  if (!value || typeof value !== 'object') return false;
  const data = value as Partial<StoreData>;
  return data.version === 1 && typeof data.seq === 'number' && typeof data.partitions === 'object';
}
