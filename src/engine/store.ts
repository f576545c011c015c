/**
 * The state of every simulated account: collections partitioned by namespace (a provider, opaque
 * here) and tenant (one API key or account), with in-memory indexes for get-by-id and ordered listing,
 * plus the engine's own keyed tables (table.ts). In memory by default; with a file (`--data`) every
 * change is also written to disk by store-file.ts, and `commit()` says when it is there.
 */
import type { Clock } from './clock.js';
import { Collection, type BaseRecord, type ChangeSink, type Journaled } from './collection.js';
import type { DataSync } from './journal.js';
import { StoreFile, type StoreData, type StoreHealth } from './store-file.js';
import { Table, TABLES_NAMESPACE, type TableOptions, type TableRecord } from './table.js';

export { Collection, type BaseRecord, type NewRecord } from './collection.js';
export { Table, type TableRecord } from './table.js';
export type { StoreHealth } from './store-file.js';

export interface StoreOptions {
  clock: Clock;
  /** Persist to this JSON file; omitted = in memory only. */
  file?: string;
  /** How long after a change that nobody waits for (a quota counter) the file is written, wall time. */
  flushDelayMs?: number;
  /** Reports a failed write (the failing request is answered 503; writes are retried). */
  onWriteError?: (error: unknown) => void;
  /** Compact once the journal outgrows the snapshot and this many bytes (default 8 MiB; tests use less). */
  compactAtBytes?: number;
  /** fdatasync each batch before acknowledging it (power-loss safety); default off. */
  fsync?: boolean;
  /** What `fsync` calls (default fdatasync), for a test to see when a batch is synced. */
  datasync?: DataSync;
  /** Take `<file>.lock`, so a second process cannot open the same file (default off; the engine takes it). */
  lock?: boolean;
}

export interface CollectionRef<T extends BaseRecord> {
  namespace: string;
  tenant: string;
  collection: Collection<T>;
}

const RESOLVED: Promise<void> = Promise.resolve();

export class Store implements ChangeSink {
  readonly clock: Clock;
  readonly file: string | undefined;
  private data: StoreData = { version: 1, seq: 0, partitions: {} };
  /** namespace → tenant → name: no key string built per lookup (called per status change). */
  private readonly cache = new Map<string, Map<string, Map<string, Collection<BaseRecord>>>>();
  private readonly tables = new Map<string, Table<TableRecord>>();
  /** Table rows by table name, loaded from the file before their service asks for the table. */
  private tableRows = new Map<string, Map<string, TableRecord>>();
  private readonly beforeWrite: Array<() => void> = [];
  private readonly persistence: StoreFile | undefined;

  private constructor(options: StoreOptions) {
    this.clock = options.clock;
    this.file = options.file;
    if (options.file) {
      this.persistence = new StoreFile(
        { ...options, file: options.file },
        {
          partitions: () => this.partitionsToWrite(),
          facts: () => this.facts(),
        },
      );
    }
  }

  static async open(options: StoreOptions): Promise<Store> {
    const store = new Store(options);
    if (store.persistence) {
      store.data = await store.persistence.open();
      // Engine tables were journaled as collections of their namespace: they become maps again.
      for (const [name, rows] of Object.entries(store.data.partitions[TABLES_NAMESPACE]?.[''] ?? {})) {
        store.tableRows.set(name, new Map((rows as TableRecord[]).map((row) => [row.id, row])));
      }
      delete store.data.partitions[TABLES_NAMESPACE];
    }
    return store;
  }

  getMeta(name: string): unknown {
    return this.data.meta?.[name];
  }

  setMeta(name: string, value: unknown): void {
    (this.data.meta ??= {})[name] = value;
  }

  /** Runs before every write, to copy engine state (e.g. the id generator's position) into the file. */
  onBeforeWrite(hook: () => void): void {
    this.beforeWrite.push(hook);
  }

  nextSeq(): number {
    return ++this.data.seq;
  }

  /** The last insertion number given out; a state import sets it (never below a record it restores). */
  get seq(): number {
    return this.data.seq;
  }

  set seq(value: number) {
    this.data.seq = value;
  }

  collection<T extends BaseRecord>(namespace: string, tenant: string, name: string): Collection<T> {
    let tenants = this.cache.get(namespace);
    if (!tenants) this.cache.set(namespace, (tenants = new Map<string, Map<string, Collection<BaseRecord>>>()));
    let names = tenants.get(tenant);
    if (!names) tenants.set(tenant, (names = new Map<string, Collection<BaseRecord>>()));
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

  /**
   * An engine service's keyed table, with the rows the file held (one object per name: a service asks
   * once, at start). Tables are not touched by `reset`: their services drop what belongs to a tenant.
   */
  table<T extends TableRecord>(name: string, options: TableOptions = {}): Table<T> {
    let table = this.tables.get(name);
    if (!table) {
      const rows = this.tableRows.get(name) ?? new Map<string, TableRecord>();
      this.tableRows.delete(name);
      table = new Table<TableRecord>(this, name, rows, options);
      this.tables.set(name, table);
    }
    return table as unknown as Table<T>;
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

  /** The names of a tenant's collections, in the order they were made (a state export walks them). */
  collectionNames(namespace: string, tenant: string): string[] {
    return Object.keys(this.data.partitions[namespace]?.[tenant] ?? {});
  }

  /**
   * Puts a state import's records in place of a collection that holds none (a reset emptied it), in their
   * order. The caller marks the store changed, so the file is rewritten as a snapshot.
   */
  restore(namespace: string, tenant: string, name: string, rows: BaseRecord[]): void {
    const existing = this.data.partitions[namespace]?.[tenant]?.[name];
    if (existing && existing.length > 0) throw new Error(`${namespace}/${tenant}/${name} still holds records`);
    ((this.data.partitions[namespace] ??= {})[tenant] ??= {})[name] = rows;
    // An empty collection looked up since the reset indexes the old array: the next lookup makes a new one.
    const names = this.cache.get(namespace)?.get(tenant);
    const cached = names?.get(name);
    if (cached) {
      cached.detached = true;
      names!.delete(name);
    }
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

  /** Every collection of a namespace, or of one tenant of it (to visit records before a reset drops them). */
  collectionsIn(namespace: string, tenant?: string): Collection<BaseRecord>[] {
    const tenants = tenant === undefined ? this.tenants(namespace) : this.hasTenant(namespace, tenant) ? [tenant] : [];
    return tenants.flatMap((t) => Object.keys(this.data.partitions[namespace]?.[t] ?? {}).map((name) => this.collection(namespace, t, name)));
  }

  /** Forgets every collection, one namespace, or one tenant of a namespace (tables: see `table`). */
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

  /** Marks state as changed in a way only a full snapshot captures. */
  changed(): void {
    this.persistence?.changedAll();
  }

  changedRecord(source: Journaled, id: string | undefined, durable: boolean): void {
    this.persistence?.changedRecord(source, id, durable);
  }

  /** The facts a write carries (meta: the clock's time…) changed without any record: written, and waited for. */
  changedFacts(): void {
    this.persistence?.changedFacts();
  }

  /**
   * Resolves once every durable change made so far is written (to the operating system; with `fsync`,
   * to the disk), or rejects with the StorageError that kept it from being written. Undefined when there
   * is nothing to wait for (in memory, or everything already written): the caller need not await.
   */
  commit(): Promise<void> | undefined {
    return this.persistence?.commit();
  }

  /** How many durable changes have been made: a request compares it before and after its handler. */
  get changes(): number {
    return this.persistence?.changes ?? 0;
  }

  /** Whether writes are succeeding (always, in memory). */
  health(): StoreHealth {
    return this.persistence?.health() ?? { ok: true };
  }

  /** Writes pending changes now; resolves when they are on disk (a compaction may still be running). */
  flush(): Promise<void> {
    return this.persistence?.flush() ?? RESOLVED;
  }

  /** Resolves once no write and no compaction is running (a failed compaction went to onWriteError). */
  idle(): Promise<void> {
    return this.persistence?.idle() ?? RESOLVED;
  }

  /** For shutdown: gives up a compaction in progress (the journals hold what it would have), flushes, unlocks. */
  async close(): Promise<void> {
    await this.persistence?.close();
  }

  private partitionsToWrite() {
    const tables: Record<string, ReadonlyMap<string, unknown>> = {};
    for (const [name, rows] of this.tableRows) if (rows.size > 0) tables[name] = rows;
    for (const [name, table] of this.tables) if (table.size > 0) tables[name] = table.byId;
    if (Object.keys(tables).length === 0) return this.data.partitions;
    return { ...this.data.partitions, [TABLES_NAMESPACE]: { '': tables } };
  }

  /** The engine facts a write carries (seq, meta), after the before-write hooks have brought meta up to date. */
  private facts(): { seq: number; meta?: Record<string, unknown> } {
    for (const hook of this.beforeWrite) hook();
    return { seq: this.data.seq, ...(this.data.meta ? { meta: this.data.meta } : {}) };
  }
}

function detach(names: Map<string, Collection<BaseRecord>>): void {
  for (const collection of names.values()) collection.detached = true;
}
