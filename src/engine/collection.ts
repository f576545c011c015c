/**
 * One collection of one tenant: an insertion-ordered array (the order every list endpoint pages
 * through) plus an id index. Changes are reported to the store, which persists them (see store-file.ts).
 */
import type { Clock } from './clock.js';

export interface BaseRecord {
  id: string;
  /** Global insertion number: breaks createdAt ties and keeps cursors stable. */
  seq: number;
  createdAt: string;
  updatedAt: string;
}

export type NewRecord<T extends BaseRecord> = Omit<T, 'seq' | 'createdAt' | 'updatedAt'> & Partial<Pick<T, 'createdAt' | 'updatedAt'>>;

/** What persistence needs of a collection or an engine table to journal its changed records. */
export interface Journaled {
  readonly namespace: string;
  readonly tenant: string;
  readonly name: string;
  /** Set by a reset: the store no longer holds these rows, so changes to them are not persisted. */
  readonly detached: boolean;
  get(id: string): object | undefined;
  all(): Iterable<object>;
}

/** Where collections and tables report changes. */
export interface ChangeSink {
  readonly clock: Clock;
  nextSeq(): number;
  /**
   * A record was inserted, updated, removed or touched (`id` undefined: any of them). `durable`: a
   * client's acknowledgement waits for it (see Store.commit); otherwise it is written with the next batch.
   */
  changedRecord(source: Journaled, id: string | undefined, durable: boolean): void;
}

export class Collection<T extends BaseRecord> implements Journaled {
  private readonly byId = new Map<string, T>();
  detached = false;

  constructor(
    private readonly sink: ChangeSink,
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
    this.sink.changedRecord(this, record?.id, true);
  }

  get size(): number {
    return this.rows.length;
  }

  insert(input: NewRecord<T>): T {
    if (this.byId.has(input.id)) throw new Error(`duplicate id ${input.id}`);
    const now = this.sink.clock.iso();
    const record = { createdAt: now, updatedAt: now, ...input, seq: this.sink.nextSeq() } as T;
    this.rows.push(record);
    this.byId.set(record.id, record);
    this.sink.changedRecord(this, record.id, true);
    return record;
  }

  get(id: string): T | undefined {
    return this.byId.get(id);
  }

  /** Applies `patch` in place (records are shared with timers and indexes) and stamps updatedAt. */
  update(id: string, patch: Partial<Omit<T, 'id' | 'seq' | 'createdAt'>>): T | undefined {
    const record = this.byId.get(id);
    if (!record) return undefined;
    Object.assign(record, patch, { updatedAt: this.sink.clock.iso() });
    this.sink.changedRecord(this, id, true);
    return record;
  }

  remove(id: string): boolean {
    const record = this.byId.get(id);
    if (!record) return false;
    this.byId.delete(id);
    const index = this.rows.indexOf(record);
    if (index >= 0) this.rows.splice(index, 1);
    this.sink.changedRecord(this, id, true);
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
