/**
 * The state of every simulated account: lowdb-backed collections partitioned by namespace (a provider,
 * opaque here) and tenant (one API key or account), with in-memory indexes for get-by-id and ordered
 * listing. In memory by default. With a file: a lowdb JSONFile snapshot (written atomically by steno:
 * temp file + rename, so it is always complete and valid) plus an append-only journal of the
 * collections changed since (`<file>.journal`), compacted into the snapshot when it grows.
 */
import { Low, Memory } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { Clock } from './clock.js';
import { Journal, type JournalEntry } from './journal.js';

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
}

export interface StoreOptions {
  clock: Clock;
  /** Persist to this JSON file; omitted = in memory only. */
  file?: string;
  /** How long after a change the file is rewritten (wall time); the durability window. */
  flushDelayMs?: number;
  /** Reports a failed background write (the next flush retries). */
  onWriteError?: (error: unknown) => void;
}

export type NewRecord<T extends BaseRecord> = Omit<T, 'seq' | 'createdAt' | 'updatedAt'> &
  Partial<Pick<T, 'createdAt' | 'updatedAt'>>;

/** One collection of one tenant: insertion-ordered array plus an id index. */
export class Collection<T extends BaseRecord> {
  private readonly byId = new Map<string, T>();

  constructor(
    private readonly store: Store,
    private readonly rows: T[],
    private readonly key: string,
  ) {
    for (const row of rows) this.byId.set(row.id, row);
  }

  /** Marks the collection changed after a record was mutated in place (lifecycle steps, campaign progress). */
  touch(): void {
    this.store.changed(this.key);
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
    this.store.changed(this.key);
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
    this.store.changed(this.key);
    return record;
  }

  remove(id: string): boolean {
    const record = this.byId.get(id);
    if (!record) return false;
    this.byId.delete(id);
    const index = this.rows.indexOf(record);
    if (index >= 0) this.rows.splice(index, 1);
    this.store.changed(this.key);
    return true;
  }

  /** Oldest first (insertion order). */
  all(): readonly T[] {
    return this.rows;
  }

  /** A newest-first page without copying the collection: O(limit), whatever the store holds. */
  newestSlice(offset: number, limit: number): T[] {
    const out: T[] = [];
    for (let i = this.rows.length - 1 - offset; i >= 0 && out.length < limit; i--) out.push(this.rows[i]!);
    return out;
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

export class Store {
  readonly clock: Clock;
  private readonly db: Low<StoreData>;
  private readonly cache = new Map<string, Collection<BaseRecord>>();
  private readonly flushDelayMs: number;
  private cancelFlush: (() => void) | undefined;
  private dirty = false;
  private writing: Promise<void> = Promise.resolve();
  private readonly beforeWrite: Array<() => void> = [];
  private readonly onWriteError: (error: unknown) => void;
  /** Collections changed since the last flush; `all` = something changed that only a snapshot captures. */
  private readonly dirtyKeys = new Set<string>();
  private all = false;
  private journal: Journal | undefined;
  /** Compact when the journal outgrows the snapshot (and at least this many bytes). */
  private readonly compactAtBytes = 8 * 1024 * 1024;
  private snapshotBytes = 0;

  private constructor(clock: Clock, db: Low<StoreData>, flushDelayMs: number, readonly file: string | undefined, onWriteError: (error: unknown) => void) {
    this.clock = clock;
    this.db = db;
    this.flushDelayMs = flushDelayMs;
    this.onWriteError = onWriteError;
  }

  getMeta(name: string): unknown {
    return this.db.data.meta?.[name];
  }

  /** Runs before every write, to copy engine state (e.g. the id generator's position) into the snapshot. */
  onBeforeWrite(hook: () => void): void {
    this.beforeWrite.push(hook);
  }

  setMeta(name: string, value: unknown): void {
    (this.db.data.meta ??= {})[name] = value;
  }

  static async open(options: StoreOptions): Promise<Store> {
    const empty: StoreData = { version: 1, seq: 0, partitions: {} };
    const adapter = options.file ? new JSONFile<StoreData>(options.file) : new Memory<StoreData>();
    const db = new Low<StoreData>(adapter, empty);
    await db.read();
    // lowdb leaves the default object in place when the file does not exist yet.
    const valid = db.data !== empty && isStoreData(db.data);
    if (!isStoreData(db.data)) db.data = empty;
    const store = new Store(options.clock, db, options.flushDelayMs ?? 200, options.file, options.onWriteError ?? (() => undefined));
    if (options.file) {
      await store.replayJournal(options.file);
      // A new file, or one that held something else, gets a full snapshot on the first flush.
      if (!valid) store.all = true;
    }
    return store;
  }

  private async replayJournal(file: string): Promise<void> {
    this.journal = new Journal(`${file}.journal`);
    const entries = await this.journal.read();
    for (const entry of entries) {
      ((this.db.data.partitions[entry.ns] ??= {})[entry.t] ??= {})[entry.c] = entry.rows as BaseRecord[];
      this.db.data.seq = Math.max(this.db.data.seq, entry.seq);
      if (entry.meta) this.db.data.meta = { ...this.db.data.meta, ...entry.meta };
    }
    this.snapshotBytes = Buffer.byteLength(JSON.stringify(this.db.data));
  }

  nextSeq(): number {
    return ++this.db.data.seq;
  }

  collection<T extends BaseRecord>(namespace: string, tenant: string, name: string): Collection<T> {
    const key = `${namespace}\u0000${tenant}\u0000${name}`;
    let collection = this.cache.get(key);
    if (!collection) {
      const partition = (this.db.data.partitions[namespace] ??= {});
      const rows = ((partition[tenant] ??= {})[name] ??= []);
      collection = new Collection<BaseRecord>(this, rows, key);
      this.cache.set(key, collection);
    }
    return collection as unknown as Collection<T>;
  }

  /** True when the tenant has ever stored anything in this namespace (used to seed fixtures once). */
  hasTenant(namespace: string, tenant: string): boolean {
    return Boolean(this.db.data.partitions[namespace]?.[tenant]);
  }

  tenants(namespace: string): string[] {
    return Object.keys(this.db.data.partitions[namespace] ?? {});
  }

  namespaces(): string[] {
    return Object.keys(this.db.data.partitions);
  }

  /** Every tenant's collection of that name, across namespaces (the control API's outbox). */
  collections<T extends BaseRecord>(name: string, namespace?: string): CollectionRef<T>[] {
    const out: CollectionRef<T>[] = [];
    const namespaces = namespace ? [namespace] : this.namespaces();
    for (const ns of namespaces) {
      for (const tenant of this.tenants(ns)) {
        if (this.db.data.partitions[ns]?.[tenant]?.[name]) {
          out.push({ namespace: ns, tenant, collection: this.collection<T>(ns, tenant, name) });
        }
      }
    }
    return out;
  }

  /** Forgets everything, one namespace, or one tenant of a namespace. */
  reset(namespace?: string, tenant?: string): void {
    const partitions = this.db.data.partitions;
    if (!namespace) {
      this.db.data.partitions = {};
    } else if (!tenant) {
      delete partitions[namespace];
    } else if (partitions[namespace]) {
      delete partitions[namespace][tenant];
    }
    for (const key of [...this.cache.keys()]) {
      const [ns, tn] = key.split('\u0000');
      if (!namespace || (ns === namespace && (!tenant || tn === tenant))) this.cache.delete(key);
    }
    this.changed();
  }

  /**
   * Marks state as changed; a file-backed store persists it within flushDelayMs. With a collection key
   * only that collection is journalled; without one the next flush writes a full snapshot.
   */
  changed(collectionKey?: string): void {
    if (!this.file) return;
    this.dirty = true;
    if (collectionKey) this.dirtyKeys.add(collectionKey);
    else this.all = true;
    if (this.cancelFlush) return;
    this.cancelFlush = this.clock.realTimeout(this.flushDelayMs, () => {
      this.cancelFlush = undefined;
      this.flush().catch((error: unknown) => this.onWriteError(error));
    });
  }

  private async persist(keys: string[], all: boolean): Promise<void> {
    const journal = this.journal!;
    if (all || journal.size > Math.max(this.compactAtBytes, this.snapshotBytes)) {
      await this.db.write();
      await journal.truncate();
      this.snapshotBytes = Buffer.byteLength(JSON.stringify(this.db.data));
      return;
    }
    const entries: JournalEntry[] = keys.map((key) => {
      const [ns, t, c] = splitKey(key);
      const rows = this.db.data.partitions[ns]?.[t]?.[c] ?? [];
      return { ns, t, c, rows, seq: this.db.data.seq, ...(this.db.data.meta ? { meta: this.db.data.meta } : {}) };
    });
    await journal.append(entries);
  }

  /** Writes pending changes now; resolves when the file is on disk. */
  async flush(): Promise<void> {
    if (!this.file) return;
    this.cancelFlush?.();
    this.cancelFlush = undefined;
    // Serialise writes: steno already coalesces, but callers awaiting flush must see their data written.
    // A failed write must not poison later ones, and what it failed to save stays marked unsaved.
    const write = this.writing.catch(() => undefined).then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      const keys = [...this.dirtyKeys];
      const all = this.all;
      this.dirtyKeys.clear();
      this.all = false;
      for (const hook of this.beforeWrite) hook();
      try {
        await this.persist(keys, all);
      } catch (error) {
        // What failed to save stays marked unsaved, and the next flush writes a full snapshot.
        this.dirty = true;
        this.all = true;
        throw error;
      }
    });
    this.writing = write;
    return write;
  }
}

function splitKey(key: string): [string, string, string] {
  const [ns, tenant, name] = key.split('\u0000');
  return [ns!, tenant!, name!];
}

function isStoreData(value: unknown): value is StoreData {
  if (!value || typeof value !== 'object') return false;
  const data = value as Partial<StoreData>;
  return data.version === 1 && typeof data.seq === 'number' && typeof data.partitions === 'object';
}
