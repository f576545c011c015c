/**
 * Applies journal entries on top of a loaded snapshot. Collections the journal touches are indexed by
 * id while replaying and rebuilt in seq order at the end (the order inserts gave them), whatever order
 * their lines came in. Engine tables' records carry no seq and keep the order their lines gave them.
 */
import type { JournalEntry } from './journal.js';

interface Row {
  id: string;
  seq?: number;
}

export interface ReplayTarget {
  seq: number;
  partitions: Record<string, Record<string, Record<string, unknown[]>>>;
  meta?: Record<string, unknown>;
}

export class Replay {
  private readonly touched = new Map<string, { ns: string; t: string; c: string; rows: Map<string, Row> }>();

  constructor(private readonly data: ReplayTarget) {}

  apply(entry: JournalEntry): void {
    switch (entry.op) {
      case 'gen':
      case 'end':
        return;
      case 'meta':
        this.data.seq = Math.max(this.data.seq, entry.seq);
        if (entry.meta) this.data.meta = { ...this.data.meta, ...entry.meta };
        return;
      case 'put':
        this.rows(entry.ns, entry.t, entry.c).set(entry.r.id, entry.r);
        if (typeof entry.r.seq === 'number') this.data.seq = Math.max(this.data.seq, entry.r.seq);
        return;
      case 'del':
        this.rows(entry.ns, entry.t, entry.c).delete(entry.id);
        return;
      case undefined: {
        const rows = this.rows(entry.ns, entry.t, entry.c);
        rows.clear();
        for (const row of entry.rows) rows.set(row.id, row);
        this.data.seq = Math.max(this.data.seq, entry.seq);
        if (entry.meta) this.data.meta = { ...this.data.meta, ...entry.meta };
        return;
      }
    }
  }

  finish(): void {
    for (const { ns, t, c, rows } of this.touched.values()) {
      const list = [...rows.values()];
      const outOfOrder = list.some((row, i) => i > 0 && (list[i - 1]!.seq ?? 0) > (row.seq ?? 0));
      if (outOfOrder) list.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
      ((this.data.partitions[ns] ??= {})[t] ??= {})[c] = list;
    }
    this.touched.clear();
  }

  private rows(ns: string, t: string, c: string): Map<string, Row> {
    const key = `${ns}\u0000${t}\u0000${c}`;
    let entry = this.touched.get(key);
    if (!entry) {
      const existing = (this.data.partitions[ns]?.[t]?.[c] ?? []) as Row[];
      entry = { ns, t, c, rows: new Map(existing.map((row) => [row.id, row])) };
      this.touched.set(key, entry);
    }
    return entry.rows;
  }
}
