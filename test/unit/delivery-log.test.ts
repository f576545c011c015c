import { describe, expect, it } from 'vitest';
import { DeliveryLog } from '../../src/engine/delivery-log.js';
import { Fifo } from '../../src/engine/fifo.js';

interface Entry {
  id: string;
  seq: number;
  tenant: string;
}

const entry = (seq: number, tenant = 'a'): Entry => ({ id: `e${seq}`, seq, tenant });
const ids = (entries: Iterable<Entry>): string[] => [...entries].map((e) => e.id);

describe('DeliveryLog', () => {
  it('keeps unfinished entries whatever their number and forgets finished ones in the order they finished', () => {
    const log = new DeliveryLog<Entry>(2);
    const entries = [1, 2, 3, 4, 5].map((seq) => entry(seq));
    for (const e of entries) log.add(e);
    log.finished(entries[3]!);
    log.finished(entries[1]!);
    log.finished(entries[4]!);
    // e4 finished first: forgotten; e1 and e3 never finished: kept although older.
    expect(ids(log.newestFirst())).toEqual(['e5', 'e3', 'e2', 'e1']);
    expect(log.size).toBe(4);
    expect(log.finishedCount).toBe(2);
    expect(log.get('e4')).toBeUndefined();
  });

  it('lastSeq is the highest seq added, forgotten and removed entries included, so a new seq never repeats one', () => {
    const log = new DeliveryLog<Entry>(1);
    expect(log.lastSeq).toBe(0);
    for (let seq = 1; seq <= 3; seq++) log.add(entry(seq));
    log.finished(log.get('e2')!);
    log.finished(log.get('e3')!);
    log.removeWhere(() => true);
    expect(log.size).toBe(0);
    expect(log.lastSeq).toBe(3);
  });

  it('walks newest first from before a seq, also when that seq was forgotten', () => {
    const log = new DeliveryLog<Entry>(1);
    for (let seq = 1; seq <= 6; seq++) log.add(entry(seq));
    log.finished(log.get('e4')!);
    log.finished(log.get('e2')!);
    expect(ids(log.newestFirst(5))).toEqual(['e3', 'e2', 'e1']);
    expect(ids(log.newestFirst(4))).toEqual(['e3', 'e2', 'e1']);
    expect(ids(log.newestFirst(1))).toEqual([]);
    expect(ids(log.newestFirst(100))).toEqual(['e6', 'e5', 'e3', 'e2', 'e1']);
  });

  it('removeWhere forgets matching entries, finished or not, and they no longer count against the bound', () => {
    const log = new DeliveryLog<Entry>(2);
    for (let seq = 1; seq <= 4; seq++) log.add(entry(seq, seq % 2 ? 'a' : 'b'));
    log.finished(log.get('e1')!);
    log.finished(log.get('e2')!);
    expect(ids(log.removeWhere((e) => e.tenant === 'a'))).toEqual(['e1', 'e3']);
    expect(log.finishedCount).toBe(1);
    log.finished(log.get('e4')!);
    expect(ids(log.newestFirst())).toEqual(['e4', 'e2']);
  });

  it('stays correct across compactions (10,000 finished through a bound of 10)', () => {
    const log = new DeliveryLog<Entry>(10);
    const kept = entry(0);
    log.add(kept);
    for (let seq = 1; seq <= 10_000; seq++) {
      const e = entry(seq);
      log.add(e);
      log.finished(e);
    }
    expect(log.size).toBe(11);
    expect(ids(log.newestFirst())).toEqual([...Array.from({ length: 10 }, (_, i) => `e${10_000 - i}`), 'e0']);
    expect(ids(log.newestFirst(9_995))).toEqual(['e9994', 'e9993', 'e9992', 'e9991', 'e0']);
  });

  it('a walk under way survives entries being forgotten and the array being compacted', () => {
    const log = new DeliveryLog<Entry>(1);
    for (let seq = 1; seq <= 3_000; seq++) log.add(entry(seq));
    const walk = log.newestFirst();
    expect(walk.next().value?.id).toBe('e3000');
    for (let seq = 2_999; seq >= 2; seq--) log.finished(log.get(`e${seq}`)!);
    // Everything from e2999 to e3 finished and was forgotten (only the last finished, e2, is kept).
    expect(ids({ [Symbol.iterator]: () => walk })).toEqual(['e2', 'e1']);
  });
});

describe('Fifo', () => {
  it('is first in, first out across compactions, and retain keeps order', () => {
    const fifo = new Fifo<number>();
    for (let i = 0; i < 5_000; i++) fifo.push(i);
    for (let i = 0; i < 3_000; i++) expect(fifo.shift()).toBe(i);
    expect(fifo.size).toBe(2_000);
    expect(fifo.peek()).toBe(3_000);
    expect(fifo.retain((n) => n % 2 === 0)).toBe(1_000);
    expect([...fifo].slice(0, 3)).toEqual([3_000, 3_002, 3_004]);
    fifo.clear();
    expect(fifo.shift()).toBeUndefined();
    expect(fifo.size).toBe(0);
  });
});
