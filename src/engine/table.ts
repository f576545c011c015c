/**
 * Keyed records that an engine service keeps for itself (idempotency keys, quota counters, webhook
 * deliveries, scheduled jobs): persisted like collections, a journal line per changed record, but held
 * in a Map, so that removing one costs O(1) whatever the size, and listed in insertion order only.
 * Tables live in a namespace of their own (`@engine`) that no provider can name, and resets of the
 * simulation leave them to their service, which knows which records belong to which tenant.
 */
import type { ChangeSink, Journaled } from './collection.js';

export const TABLES_NAMESPACE = '@engine';

export interface TableRecord {
  id: string;
}

export interface TableOptions {
  /**
   * Acknowledgements wait for the table's changes (the default). False for bookkeeping whose loss at a
   * crash is harmless (quota counters): written with the next batch, within the flush delay.
   */
  durable?: boolean;
}

/** A table that no file backs (a service built without a store: unit tests, tools). */
export function memoryTable<T extends TableRecord>(name: string): Table<T> {
  return new Table<T>({ changedRecord: () => undefined }, name, new Map());
}

export class Table<T extends TableRecord> implements Journaled {
  readonly namespace = TABLES_NAMESPACE;
  readonly tenant = '';
  readonly detached = false;
  private readonly durable: boolean;

  constructor(
    private readonly sink: Pick<ChangeSink, 'changedRecord'>,
    readonly name: string,
    private readonly rows: Map<string, T>,
    options: TableOptions = {},
  ) {
    this.durable = options.durable ?? true;
  }

  get size(): number {
    return this.rows.size;
  }

  get(id: string): T | undefined {
    return this.rows.get(id);
  }

  has(id: string): boolean {
    return this.rows.has(id);
  }

  /** Oldest first (insertion order; replacing a record keeps its place). */
  all(): IterableIterator<T> {
    return this.rows.values();
  }

  /** The rows by id, for persistence (read-only: changes go through put and delete). */
  get byId(): ReadonlyMap<string, T> {
    return this.rows;
  }

  /** Inserts or replaces the record with this id. */
  put(record: T): T {
    this.rows.set(record.id, record);
    this.sink.changedRecord(this, record.id, this.durable);
    return record;
  }

  /** Marks a record changed after it was mutated in place. */
  touch(record: T): void {
    if (this.rows.get(record.id) === record) this.sink.changedRecord(this, record.id, this.durable);
  }

  delete(id: string): boolean {
    if (!this.rows.delete(id)) return false;
    this.sink.changedRecord(this, id, this.durable);
    return true;
  }

  /** Deletes every record `predicate` picks; returns how many. */
  deleteWhere(predicate: (record: T) => boolean): number {
    let deleted = 0;
    for (const [id, record] of this.rows) {
      if (predicate(record) && this.delete(id)) deleted++;
    }
    return deleted;
  }
}
