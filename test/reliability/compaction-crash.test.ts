/**
 * The background compaction against random interleavings (fast-check, fixed seed): inserts, updates,
 * removes and flushes, with the event loop turning between them so compactions start, stream, finish
 * or are given up (by a reset) at every point. After each flush the files are copied as a `kill -9`
 * would leave them; every copy must reopen to exactly the records that were in memory then, and to a
 * meta value (the RNG position) no older than the one that flush wrote: it must never go backwards. So
 * must the files once everything is idle.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Clock } from '../../src/engine/clock.js';
import { Store, type BaseRecord } from '../../src/engine/store.js';

interface Note extends BaseRecord {
  text: string;
}

type Op =
  | { kind: 'insert'; size: number }
  | { kind: 'update'; pick: number; size: number }
  | { kind: 'remove'; pick: number }
  | { kind: 'flush' }
  | { kind: 'turns'; count: number }
  | { kind: 'reset' };

const op: fc.Arbitrary<Op> = fc.oneof(
  // Texts up to 40 KB: a snapshot of a few dozen notes then spans several write chunks, so it is still
  // streaming while later operations run.
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('insert' as const), size: fc.integer({ min: 0, max: 40_000 }) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('update' as const), pick: fc.nat(), size: fc.integer({ min: 0, max: 40_000 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('flush' as const) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('turns' as const), count: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reset' as const) }) },
);

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const clock = () => new Clock({ mode: 'manual', start: Date.parse('2024-04-08T10:30:00Z') });
const SUFFIXES = ['', '.journal', '.journal.old'];

function notesOf(store: Store): string[] {
  return store
    .collection<Note>('alpha', 't', 'notes')
    .all()
    .map((n) => `${n.id}:${n.seq}:${n.text.length}:${n.text.slice(0, 1)}`);
}

function positionOf(store: Store): number {
  return (store.getMeta('position') as number | undefined) ?? 0;
}

describe('background compaction: a kill -9 at any point keeps everything flushed', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'msgsim-compaction-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('every copy of the files taken after a flush reopens to the state of that moment', async () => {
    let run = 0;
    let compactionsSeen = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 80 }), async (ops) => {
        const file = path.join(dir, `run${run++}.json`);
        const errors: unknown[] = [];
        // Small thresholds so that a few kilobytes of journal start a compaction.
        const store = await Store.open({ clock: clock(), file, flushDelayMs: 60_000, compactAtBytes: 4_096, onWriteError: (e) => errors.push(e) });
        let position = 0;
        store.onBeforeWrite(() => store.setMeta('position', position));
        const crashes: Array<{ copy: string; notes: string[]; written: number; position: number }> = [];
        let next = 0;
        // Meta is written with records, in the turn after a change at the latest: it is at least the
        // position of the last change. A flush with nothing to write leaves the last value written.
        let dirty = false;
        let changedAt = 0;
        let written = 0;
        for (const o of ops) {
          const notes = store.collection<Note>('alpha', 't', 'notes');
          const ids = notes.all().map((n) => n.id);
          position++; // engine state moves on between writes, as the RNG does
          if (o.kind === 'insert' || o.kind === 'reset' || ((o.kind === 'update' || o.kind === 'remove') && ids.length > 0)) {
            dirty = true;
            changedAt = position;
          }
          switch (o.kind) {
            case 'insert':
              notes.insert({ id: `n${next++}`, text: 'x'.repeat(o.size) });
              break;
            case 'update':
              if (ids.length) notes.update(ids[o.pick % ids.length]!, { text: 'u'.repeat(o.size) });
              break;
            case 'remove':
              if (ids.length) notes.remove(ids[o.pick % ids.length]!);
              break;
            case 'reset':
              store.reset('alpha', 't');
              break;
            case 'turns':
              for (let i = 0; i < o.count; i++) await turn();
              break;
            case 'flush': {
              await store.flush();
              if (dirty) written = changedAt;
              dirty = false;
              if (existsSync(`${file}.journal.old`)) compactionsSeen++;
              const copy = path.join(dir, `run${run}-crash${crashes.length}.json`);
              for (const suffix of SUFFIXES) if (existsSync(`${file}${suffix}`)) copyFileSync(`${file}${suffix}`, `${copy}${suffix}`);
              crashes.push({ copy, notes: notesOf(store), written, position });
              break;
            }
          }
        }
        await store.flush();
        if (dirty) written = changedAt;
        const final = notesOf(store);
        await store.idle();
        expect(errors).toEqual([]);
        expect(existsSync(`${file}.journal.old`)).toBe(false);
        const reopened = await Store.open({ clock: clock(), file });
        expect(notesOf(reopened)).toEqual(final);
        expect(positionOf(reopened)).toBeGreaterThanOrEqual(written);
        for (const crash of crashes) {
          const restored = await Store.open({ clock: clock(), file: crash.copy });
          expect(notesOf(restored)).toEqual(crash.notes);
          expect(positionOf(restored)).toBeGreaterThanOrEqual(crash.written);
          expect(positionOf(restored)).toBeLessThanOrEqual(crash.position);
        }
      }),
      { seed: 11, numRuns: 60 },
    );
    // The runs did catch compactions in flight, not only idle files.
    console.log(`compaction crash figures {"sequences":60,"copiesWithACompactionInFlight":${compactionsSeen}}`);
    expect(compactionsSeen).toBeGreaterThan(10);
  });
});
