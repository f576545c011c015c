/**
 * The store's group commit and its failures (store-file.ts): what `commit()` promises, and what happens
 * when the disk says no, and with `fsync`, that a batch is synced before it is acknowledged. The end-to-end
 * counterparts are test/reliability/persistence.test.ts and storage-faults.test.ts.
 */
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Clock } from '../../src/engine/clock.js';
import type { DataSync } from '../../src/engine/journal.js';
import { StorageError } from '../../src/engine/storage-error.js';
import { Store, type BaseRecord } from '../../src/engine/store.js';

interface Note extends BaseRecord {
  text: string;
}

const clock = () => new Clock({ mode: 'manual', start: Date.parse('2024-04-08T10:30:00Z') });
/** The notes a store opened afresh on `file` finds, as a restart would. */
async function reopenedIds(file: string): Promise<string[]> {
  const reopened = await Store.open({ clock: clock(), file });
  const ids = reopened
    .collection<Note>('a', 't', 'notes')
    .all()
    .map((n) => n.id);
  await reopened.close();
  return ids;
}

const onDisk = (file: string) =>
  readFileSync(file, 'utf8') +
  (() => {
    try {
      return readFileSync(`${file}.journal`, 'utf8');
    } catch {
      return '';
    }
  })();

describe('Store.commit: acknowledge only what is written', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'msgsim-commit-'));
    mkdirSync(path.join(dir, 'sub'));
    file = path.join(dir, 'sub', 'state.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('in memory there is never anything to wait for', async () => {
    const store = await Store.open({ clock: clock() });
    store.collection<Note>('a', 't', 'notes').insert({ id: 'n1', text: '' });
    expect(store.commit()).toBeUndefined();
    expect(store.health()).toEqual({ ok: true });
  });

  it('resolves once the change is in the file, written on the next turn together with every change of this one', async () => {
    const store = await Store.open({ clock: clock(), file });
    const notes = store.collection<Note>('a', 't', 'notes');
    const before = store.changes;
    notes.insert({ id: 'n1', text: 'first request' });
    const first = store.commit();
    notes.insert({ id: 'n2', text: 'second request' });
    const second = store.commit();
    expect(store.changes).toBe(before + 2);
    expect(first).toBeDefined();
    // Both requests of this turn wait for the same batch.
    expect(second).toBe(first);
    await first;
    expect(onDisk(file)).toContain('first request');
    expect(onDisk(file)).toContain('second request');
    expect(store.commit()).toBeUndefined();
    await store.close();
  });

  it('changes made while a batch is written wait for the next one', async () => {
    const store = await Store.open({ clock: clock(), file });
    const notes = store.collection<Note>('a', 't', 'notes');
    notes.insert({ id: 'n1', text: 'one' });
    const first = store.commit()!;
    // Let the writer take the batch, then change something while it is being written.
    await new Promise<void>((resolve) => setImmediate(resolve));
    notes.insert({ id: 'n2', text: 'two' });
    const second = store.commit()!;
    expect(second).not.toBe(first);
    await second;
    expect(onDisk(file)).toContain('"two"');
    await store.close();
  });

  it('a change nobody waits for (a quota counter) does not make commit wait, and is written with the next batch', async () => {
    const store = await Store.open({ clock: clock(), file, flushDelayMs: 60_000 });
    const quotas = store.table<{ id: string; count: number }>('quotas', { durable: false });
    const before = store.changes;
    quotas.put({ id: 'tenant', count: 41 });
    expect(store.changes).toBe(before);
    expect(store.commit()).toBeUndefined();
    store.collection<Note>('a', 't', 'notes').insert({ id: 'n1', text: '' });
    await store.commit();
    expect(onDisk(file)).toContain('"count":41');
    const reopened = await Store.open({ clock: clock(), file });
    expect(reopened.table<{ id: string; count: number }>('quotas').get('tenant')?.count).toBe(41);
    await store.close();
  });

  it('a failed write rejects the commit with a StorageError naming the path; health says why; both recover', async () => {
    const errors: unknown[] = [];
    const store = await Store.open({ clock: clock(), file, onWriteError: (error) => errors.push(error) });
    const notes = store.collection<Note>('a', 't', 'notes');
    notes.insert({ id: 'n1', text: '' });
    await store.commit();

    rmSync(path.dirname(file), { recursive: true, force: true });
    notes.insert({ id: 'n2', text: 'while the directory is gone' });
    const failed = await store.commit()!.catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(StorageError);
    expect((failed as StorageError).path).toContain(path.dirname(file));
    expect((failed as StorageError).reason).toMatch(/no such file or directory \(ENOENT\)/);
    const health = store.health();
    expect(health).toMatchObject({ ok: false, error: expect.stringMatching(/ENOENT/) });
    expect(errors).toHaveLength(1);

    mkdirSync(path.dirname(file));
    notes.insert({ id: 'n3', text: '' });
    await store.commit();
    expect(store.health()).toEqual({ ok: true });
    await store.close();
    expect(await reopenedIds(file)).toEqual(['n1', 'n2', 'n3']);
  });

  it('a second store with the lock on the same file is refused until the first closes', async () => {
    const first = await Store.open({ clock: clock(), file, lock: true });
    await expect(Store.open({ clock: clock(), file, lock: true })).rejects.toThrow(new RegExp(`${file}: in use by another msgsim \\(pid ${process.pid}\\)`));
    await first.close();
    const second = await Store.open({ clock: clock(), file, lock: true });
    await second.close();
  });

  it('a lock left by a process that is gone is taken over', async () => {
    // A pid far above any that runs here, as a crashed msgsim would have left it.
    writeFileSync(`${file}.lock`, JSON.stringify({ host: hostname(), pid: 2 ** 22 + 7, start: 1 }));
    const store = await Store.open({ clock: clock(), file, lock: true });
    expect(JSON.parse(readFileSync(`${file}.lock`, 'utf8'))).toMatchObject({ pid: process.pid });
    await store.close();
    expect(() => readFileSync(`${file}.lock`)).toThrow(/ENOENT/);
  });
});

/**
 * `--fsync`: the store is given a stand-in for fdatasync that records which file each call was for (read
 * from /proc, as the kernel names the descriptor) and can hold the call, as a slow disk would.
 */
describe('Store.commit with fsync: acknowledged only once synced', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'msgsim-fsync-'));
    file = path.join(dir, 'state.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  interface Sync {
    file: string;
    /** The journal as it was when the sync was asked for. */
    journal: string;
  }

  /** A datasync that records its calls; while `held`, each waits for `release()`. */
  function recordingSync() {
    const calls: Sync[] = [];
    let held = false;
    let waiting: Array<() => void> = [];
    let called: (() => void) | undefined;
    const datasync: DataSync = async (fd) => {
      calls.push({ file: readlinkSync(`/proc/self/fd/${fd}`), journal: journalText(file) });
      called?.();
      if (held) await new Promise<void>((resolve) => waiting.push(resolve));
    };
    return {
      datasync,
      calls,
      hold: () => (held = true),
      /** Resolves at the next call. */
      nextCall: () => new Promise<void>((resolve) => (called = resolve)),
      release: () => {
        held = false;
        const go = waiting;
        waiting = [];
        go.forEach((resolve) => resolve());
      },
    };
  }

  const journalText = (of: string) => {
    try {
      return readFileSync(`${of}.journal`, 'utf8');
    } catch {
      return '';
    }
  };

  it('a batch is written, then synced through the journal, and only then is the commit resolved', async () => {
    const sync = recordingSync();
    const store = await Store.open({ clock: clock(), file, fsync: true, datasync: sync.datasync });
    const notes = store.collection<Note>('a', 't', 'notes');
    notes.insert({ id: 'n1', text: 'first' });
    await store.commit();
    // A new file's first write is a snapshot, synced, then the journal's first line, synced.
    expect(sync.calls.map((call) => call.file)).toEqual([`${file}.tmp`, `${file}.journal`]);

    sync.hold();
    const synced = sync.nextCall();
    notes.insert({ id: 'n2', text: 'held by the disk' });
    let acknowledged = false;
    const commit = store.commit()!.then(() => (acknowledged = true));
    await synced;
    expect(sync.calls[2]).toEqual({ file: `${file}.journal`, journal: expect.stringContaining('held by the disk') });
    // The sync is held: the change is in the file, but the commit waits for the disk.
    for (let turn = 0; turn < 10; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
    expect(acknowledged).toBe(false);
    sync.release();
    await commit;
    expect(acknowledged).toBe(true);
    expect(sync.calls).toHaveLength(3);
    await store.close();
  });

  it('without fsync, nothing is synced', async () => {
    const sync = recordingSync();
    const store = await Store.open({ clock: clock(), file, datasync: sync.datasync });
    const notes = store.collection<Note>('a', 't', 'notes');
    notes.insert({ id: 'n1', text: 'first' });
    await store.commit();
    notes.insert({ id: 'n2', text: 'second' });
    await store.commit();
    expect(journalText(file)).toContain('second');
    expect(sync.calls).toEqual([]);
    await store.close();
  });

  it('a failed sync is not acknowledged: the commit rejects, the batch is written again, and it loads', async () => {
    let fail = false;
    const calls: string[] = [];
    const datasync: DataSync = async (fd) => {
      calls.push(readlinkSync(`/proc/self/fd/${fd}`));
      if (fail) throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO', syscall: 'fdatasync' });
    };
    const store = await Store.open({ clock: clock(), file, fsync: true, datasync, onWriteError: () => undefined });
    const notes = store.collection<Note>('a', 't', 'notes');
    notes.insert({ id: 'n1', text: '' });
    await store.commit();

    fail = true;
    notes.insert({ id: 'n2', text: 'not on the disk' });
    const failed = await store.commit()!.catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(StorageError);
    expect((failed as StorageError).message).toBe(`${file}.journal: input/output error (EIO)`);
    expect(store.health()).toMatchObject({ ok: false, path: `${file}.journal` });

    fail = false;
    notes.insert({ id: 'n3', text: '' });
    await store.commit();
    expect(store.health()).toEqual({ ok: true });
    // The unsynced batch was cut off and written again with n3's: one copy of each line.
    expect(journalText(file).match(/not on the disk/g)).toHaveLength(1);
    expect(calls.at(-1)).toBe(`${file}.journal`);
    await store.close();
    expect(await reopenedIds(file)).toEqual(['n1', 'n2', 'n3']);
  });
});
