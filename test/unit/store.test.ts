import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Clock } from '../../src/engine/clock.js';
import { Store, type BaseRecord } from '../../src/engine/store.js';

const T0 = Date.parse('2024-04-08T10:30:00Z');

interface Note extends BaseRecord {
  text: string;
  tag?: string;
}

function manualClock(): Clock {
  return new Clock({ mode: 'manual', start: T0 });
}

describe('Store (in memory)', () => {
  let clock: Clock;
  let store: Store;

  beforeEach(async () => {
    clock = manualClock();
    store = await Store.open({ clock });
  });

  it('has no file and flush() is a no-op', async () => {
    expect(store.file).toBeUndefined();
    await expect(store.flush()).resolves.toBeUndefined();
  });

  it('returns the same collection object for the same namespace, tenant and name', () => {
    const a = store.collection<Note>('ns', 't1', 'notes');
    expect(store.collection<Note>('ns', 't1', 'notes')).toBe(a);
    expect(store.collection<Note>('ns', 't1', 'other')).not.toBe(a);
  });

  it('find() looks a collection up without creating it', () => {
    expect(store.find<Note>('ns', 't1', 'notes')).toBeUndefined();
    expect(store.hasTenant('ns', 't1')).toBe(false);
    const notes = store.collection<Note>('ns', 't1', 'notes');
    expect(store.find<Note>('ns', 't1', 'notes')).toBe(notes);
    expect(store.find<Note>('ns', 't1', 'other')).toBeUndefined();
  });

  it('partitions by namespace and tenant: nobody sees anybody else\u2019s records', () => {
    const a = store.collection<Note>('alpha', 'tenant-1', 'notes');
    const b = store.collection<Note>('alpha', 'tenant-2', 'notes');
    const c = store.collection<Note>('beta', 'tenant-1', 'notes');
    a.insert({ id: 'n1', text: 'alpha/1' });
    b.insert({ id: 'n1', text: 'alpha/2' }); // same id, different tenant: allowed
    c.insert({ id: 'n2', text: 'beta/1' });
    expect(a.get('n1')?.text).toBe('alpha/1');
    expect(b.get('n1')?.text).toBe('alpha/2');
    expect(c.get('n1')).toBeUndefined();
    expect(a.get('n2')).toBeUndefined();
    expect([a.size, b.size, c.size]).toEqual([1, 1, 1]);
    expect(store.namespaces().sort()).toEqual(['alpha', 'beta']);
    expect(store.tenants('alpha').sort()).toEqual(['tenant-1', 'tenant-2']);
    expect(store.tenants('gamma')).toEqual([]);
    expect(store.hasTenant('alpha', 'tenant-2')).toBe(true);
    expect(store.hasTenant('beta', 'tenant-2')).toBe(false);
  });

  it('insert stamps seq, createdAt and updatedAt from the clock', () => {
    const notes = store.collection<Note>('ns', 't', 'notes');
    const record = notes.insert({ id: 'n1', text: 'hello' });
    expect(record).toEqual({
      id: 'n1',
      text: 'hello',
      seq: 1,
      createdAt: '2024-04-08T10:30:00.000Z',
      updatedAt: '2024-04-08T10:30:00.000Z',
    });
    expect(notes.get('n1')).toBe(record);
  });

  it('insert keeps a given createdAt but never a given seq', () => {
    const notes = store.collection<Note>('ns', 't', 'notes');
    const input = { id: 'n1', text: 'x', createdAt: '2020-01-01T00:00:00.000Z', seq: 999 } as unknown as Note;
    const record = notes.insert(input);
    expect(record.createdAt).toBe('2020-01-01T00:00:00.000Z');
    expect(record.updatedAt).toBe('2024-04-08T10:30:00.000Z');
    expect(record.seq).toBe(1);
  });

  it('refuses a duplicate id in the same collection', () => {
    const notes = store.collection<Note>('ns', 't', 'notes');
    notes.insert({ id: 'n1', text: 'first' });
    expect(() => notes.insert({ id: 'n1', text: 'second' })).toThrow(/duplicate id n1/);
    expect(notes.size).toBe(1);
    expect(notes.get('n1')?.text).toBe('first');
  });

  it('update patches in place and stamps updatedAt; unknown ids give undefined', () => {
    const notes = store.collection<Note>('ns', 't', 'notes');
    const record = notes.insert({ id: 'n1', text: 'before' });
    clock.advance(5_000);
    const updated = notes.update('n1', { text: 'after', tag: 'x' });
    expect(updated).toBe(record);
    expect(record).toMatchObject({
      id: 'n1',
      text: 'after',
      tag: 'x',
      seq: 1,
      createdAt: '2024-04-08T10:30:00.000Z',
      updatedAt: '2024-04-08T10:30:05.000Z',
    });
    expect(notes.update('missing', { text: 'nope' })).toBeUndefined();
    expect(notes.size).toBe(1);
  });

  it('remove deletes by id and reports whether anything was removed', () => {
    const notes = store.collection<Note>('ns', 't', 'notes');
    notes.insert({ id: 'n1', text: '1' });
    notes.insert({ id: 'n2', text: '2' });
    notes.insert({ id: 'n3', text: '3' });
    expect(notes.remove('n2')).toBe(true);
    expect(notes.remove('n2')).toBe(false);
    expect(notes.remove('never')).toBe(false);
    expect(notes.get('n2')).toBeUndefined();
    expect(notes.size).toBe(2);
    expect(notes.all().map((n) => n.id)).toEqual(['n1', 'n3']);
    // The id is free again.
    expect(notes.insert({ id: 'n2', text: 'again' }).text).toBe('again');
  });

  it('all() is oldest first; newestFirst() is newest first and filters with a predicate', () => {
    const notes = store.collection<Note>('ns', 't', 'notes');
    for (let i = 1; i <= 6; i++) {
      notes.insert({ id: `n${i}`, text: `note ${i}`, tag: i % 2 === 0 ? 'even' : 'odd' });
    }
    expect(notes.all().map((n) => n.id)).toEqual(['n1', 'n2', 'n3', 'n4', 'n5', 'n6']);
    expect(notes.newestFirst().map((n) => n.id)).toEqual(['n6', 'n5', 'n4', 'n3', 'n2', 'n1']);
    expect(notes.newestFirst((n) => n.tag === 'even').map((n) => n.id)).toEqual(['n6', 'n4', 'n2']);
    expect(notes.newestFirst(() => false)).toEqual([]);
  });

  it('seq is global and strictly increasing across collections, tenants and namespaces', () => {
    const seqs: number[] = [];
    const targets: Array<[string, string, string]> = [
      ['a', 't1', 'notes'],
      ['a', 't2', 'notes'],
      ['b', 't1', 'notes'],
      ['a', 't1', 'other'],
    ];
    for (let i = 0; i < 20; i++) {
      const [ns, tenant, name] = targets[i % targets.length]!;
      seqs.push(store.collection<Note>(ns, tenant, name).insert({ id: `r${i}`, text: '' }).seq);
    }
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(store.nextSeq()).toBe(21);
  });

  it('seq keeps increasing after a reset (cursors never see an old number again)', () => {
    const notes = store.collection<Note>('ns', 't', 'notes');
    notes.insert({ id: 'n1', text: '' });
    notes.insert({ id: 'n2', text: '' });
    store.reset();
    const again = store.collection<Note>('ns', 't', 'notes').insert({ id: 'n1', text: '' });
    expect(again.seq).toBe(3);
  });

  it('collections() lists every tenant\u2019s collection of a name, optionally for one namespace', () => {
    store.collection<Note>('alpha', 't1', 'messages').insert({ id: 'm1', text: '' });
    store.collection<Note>('alpha', 't2', 'messages').insert({ id: 'm2', text: '' });
    store.collection<Note>('beta', 't3', 'messages').insert({ id: 'm3', text: '' });
    store.collection<Note>('beta', 't4', 'contacts').insert({ id: 'c1', text: '' }); // no messages

    const all = store.collections<Note>('messages');
    expect(all.map((r) => `${r.namespace}/${r.tenant}`).sort()).toEqual(['alpha/t1', 'alpha/t2', 'beta/t3']);
    for (const ref of all) {
      expect(ref.collection).toBe(store.collection(ref.namespace, ref.tenant, 'messages'));
    }
    expect(
      all
        .flatMap((r) => r.collection.all())
        .map((r) => r.id)
        .sort(),
    ).toEqual(['m1', 'm2', 'm3']);

    const beta = store.collections<Note>('messages', 'beta');
    expect(beta.map((r) => r.tenant)).toEqual(['t3']);
    expect(store.collections<Note>('messages', 'nowhere')).toEqual([]);
    expect(store.collections<Note>('nothing-by-this-name')).toEqual([]);
  });

  describe('reset', () => {
    beforeEach(() => {
      store.collection<Note>('alpha', 't1', 'notes').insert({ id: 'a1', text: '' });
      store.collection<Note>('alpha', 't2', 'notes').insert({ id: 'a2', text: '' });
      store.collection<Note>('beta', 't1', 'notes').insert({ id: 'b1', text: '' });
    });

    it('of everything', () => {
      store.reset();
      expect(store.namespaces()).toEqual([]);
      expect(store.collections('notes')).toEqual([]);
      expect(store.collection<Note>('alpha', 't1', 'notes').size).toBe(0);
      expect(store.collection<Note>('beta', 't1', 'notes').get('b1')).toBeUndefined();
    });

    it('of one namespace', () => {
      store.reset('alpha');
      expect(store.namespaces()).toEqual(['beta']);
      expect(store.collection<Note>('alpha', 't1', 'notes').size).toBe(0);
      expect(store.collection<Note>('alpha', 't2', 'notes').get('a2')).toBeUndefined();
      expect(store.collection<Note>('beta', 't1', 'notes').get('b1')?.id).toBe('b1');
    });

    it('of one tenant of one namespace', () => {
      store.reset('alpha', 't1');
      expect(store.hasTenant('alpha', 't1')).toBe(false);
      expect(store.tenants('alpha')).toEqual(['t2']);
      expect(store.collection<Note>('alpha', 't1', 'notes').get('a1')).toBeUndefined();
      expect(store.collection<Note>('alpha', 't2', 'notes').get('a2')?.id).toBe('a2');
      expect(store.collection<Note>('beta', 't1', 'notes').get('b1')?.id).toBe('b1');
    });

    it('of an unknown namespace or tenant changes nothing', () => {
      store.reset('gamma');
      store.reset('gamma', 't1');
      store.reset('alpha', 'nobody');
      expect(store.collections<Note>('notes')).toHaveLength(3);
    });

    it('a collection fetched after a reset stores into the live data', () => {
      store.reset('alpha');
      const fresh = store.collection<Note>('alpha', 't1', 'notes');
      fresh.insert({ id: 'new', text: '' });
      expect(store.collections<Note>('notes', 'alpha').map((r) => r.collection.get('new')?.id)).toEqual(['new']);
    });
  });
});

describe('Store (file)', () => {
  let dir: string;
  let file: string;

  /** A store whose file is in a directory of its own (so a test can take the directory away), n1 flushed. */
  async function storeInSubdirectory() {
    const sub = path.join(dir, 'sub');
    mkdirSync(sub);
    const subFile = path.join(sub, 'state.json');
    const store = await Store.open({ clock: manualClock(), file: subFile });
    const notes = store.collection<Note>('alpha', 't', 'notes');
    notes.insert({ id: 'n1', text: '' });
    await store.flush();
    return { sub, subFile, store, notes };
  }

  /** Notes n1 and n2 flushed one at a time, then a journal line torn by a crash (`tail`: its first part). */
  async function flushTwoThenTear(tail: string): Promise<void> {
    const store = await Store.open({ clock: manualClock(), file });
    for (const id of ['n1', 'n2']) {
      store.collection<Note>('alpha', 't', 'notes').insert({ id, text: '' });
      await store.flush();
    }
    writeFileSync(`${file}.journal`, readFileSync(`${file}.journal`, 'utf8') + tail);
  }

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'msgsim-store-'));
    file = path.join(dir, 'state.json');
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes on flush(), the file is valid JSON, and a reopened store sees the data', async () => {
    const store = await Store.open({ clock: manualClock(), file });
    expect(store.file).toBe(file);
    const notes = store.collection<Note>('alpha', 'tenant-1', 'notes');
    notes.insert({ id: 'n1', text: 'persisted', tag: 'x' });
    notes.insert({ id: 'n2', text: 'removed later' });
    store.collection<Note>('beta', 'tenant-2', 'notes').insert({ id: 'n3', text: 'other tenant' });
    notes.update('n1', { text: 'updated' });
    notes.remove('n2');
    await store.flush();

    const json = JSON.parse(readFileSync(file, 'utf8')) as {
      version: number;
      seq: number;
      partitions: Record<string, Record<string, Record<string, Note[]>>>;
    };
    expect(json.version).toBe(1);
    expect(json.seq).toBe(3);
    expect(json.partitions.alpha?.['tenant-1']?.notes?.map((n) => n.id)).toEqual(['n1']);
    expect(json.partitions.alpha?.['tenant-1']?.notes?.[0]?.text).toBe('updated');

    const reopened = await Store.open({ clock: manualClock(), file });
    const again = reopened.collection<Note>('alpha', 'tenant-1', 'notes');
    expect(again.get('n1')).toEqual({
      id: 'n1',
      text: 'updated',
      tag: 'x',
      seq: 1,
      createdAt: '2024-04-08T10:30:00.000Z',
      updatedAt: '2024-04-08T10:30:00.000Z',
    });
    expect(again.get('n2')).toBeUndefined();
    expect(reopened.collection<Note>('beta', 'tenant-2', 'notes').get('n3')?.text).toBe('other tenant');
    expect(reopened.collections<Note>('notes')).toHaveLength(2);
    // The sequence continues where it left off.
    expect(again.insert({ id: 'n4', text: '' }).seq).toBe(4);
    await reopened.flush();
    // The second flush is journalled; snapshot + journal together hold seq 4.
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ seq: 3 });
    const third = await Store.open({ clock: manualClock(), file });
    expect(third.collection<Note>('alpha', 'tenant-1', 'notes').get('n4')?.seq).toBe(4);
  });

  it('after the first snapshot, a flush appends one line per changed record, however often it changed', async () => {
    const store = await Store.open({ clock: manualClock(), file });
    const notes = store.collection<Note>('alpha', 't', 'notes');
    for (let i = 1; i <= 50; i++) notes.insert({ id: `n${i}`, text: 'a' });
    store.collection<Note>('beta', 't', 'notes').insert({ id: 'b1', text: 'b' });
    await store.flush();
    const snapshot = readFileSync(file, 'utf8');
    notes.update('n1', { text: 'changed' });
    notes.update('n1', { text: 'changed twice' });
    notes.remove('n2');
    await store.flush();
    expect(readFileSync(file, 'utf8')).toBe(snapshot);
    const lines = readFileSync(`${file}.journal`, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      { op: 'gen', gen: 1, batches: true },
      { op: 'meta', seq: 51 },
      { op: 'put', ns: 'alpha', t: 't', c: 'notes', r: expect.objectContaining({ id: 'n1', text: 'changed twice' }) },
      { op: 'del', ns: 'alpha', t: 't', c: 'notes', id: 'n2' },
      { op: 'end' },
    ]);
    const reopened = await Store.open({ clock: manualClock(), file });
    const again = reopened.collection<Note>('alpha', 't', 'notes');
    expect(again.get('n1')?.text).toBe('changed twice');
    expect(again.get('n2')).toBeUndefined();
    expect(again.all().map((n) => n.id)).toEqual(notes.all().map((n) => n.id));
    expect(reopened.collection<Note>('beta', 't', 'notes').get('b1')?.text).toBe('b');
  });

  it('the snapshot is one JSON document, one record per line, with seq and meta after the records', async () => {
    const store = await Store.open({ clock: manualClock(), file });
    store.setMeta('position', 7);
    store.collection<Note>('alpha', 't1', 'notes').insert({ id: 'n1', text: 'line\nbreak "quoted"' });
    store.collection<Note>('alpha', 't1', 'empty');
    store.collection<Note>('alpha', 't2', 'notes').insert({ id: 'n2', text: '' });
    store.collection<Note>('be"ta', 't:{', 'no:[').insert({ id: 'n3', text: '' });
    await store.flush();
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toBe('{"version":1,"partitions":{');
    expect(JSON.parse(text)).toMatchObject({ version: 1, seq: 3, gen: 1, meta: { position: 7 }, partitions: { alpha: { t1: { empty: [] } } } });
    const reopened = await Store.open({ clock: manualClock(), file });
    expect(reopened.collection<Note>('alpha', 't1', 'notes').get('n1')?.text).toBe('line\nbreak "quoted"');
    expect(reopened.collection<Note>('be"ta', 't:{', 'no:[').get('n3')?.id).toBe('n3');
    expect(reopened.tenants('alpha')).toEqual(['t1', 't2']);
    expect(reopened.getMeta('position')).toBe(7);
    expect(reopened.nextSeq()).toBe(4);
  });

  it('a torn last journal line (a crash mid-append) is skipped; everything before it is restored', async () => {
    await flushTwoThenTear('{"ns":"alpha","t":"t","c":"notes","rows":[{"id":"n3"');
    const reopened = await Store.open({ clock: manualClock(), file });
    expect(
      reopened
        .collection<Note>('alpha', 't', 'notes')
        .all()
        .map((n) => n.id),
    ).toEqual(['n1', 'n2']);
  });

  it('touch(record) journals that record only; touch() the whole collection', async () => {
    const store = await Store.open({ clock: manualClock(), file });
    const notes = store.collection<Note>('alpha', 't', 'notes');
    const note = notes.insert({ id: 'n1', text: 'a' });
    notes.insert({ id: 'n2', text: 'b' });
    await store.flush();
    note.text = 'mutated in place';
    notes.touch(note);
    await store.flush();
    const puts = () =>
      readFileSync(`${file}.journal`, 'utf8')
        .trim()
        .split('\n')
        .filter((line) => line.includes('"op":"put"')).length;
    expect(puts()).toBe(1);
    notes.touch();
    await store.flush();
    expect(puts()).toBe(3);
    const reopened = await Store.open({ clock: manualClock(), file });
    expect(
      reopened
        .collection<Note>('alpha', 't', 'notes')
        .all()
        .map((n) => [n.id, n.text]),
    ).toEqual([
      ['n1', 'mutated in place'],
      ['n2', 'b'],
    ]);
  });

  it('touch() journals a record mutated in place', async () => {
    const store = await Store.open({ clock: manualClock(), file });
    const notes = store.collection<Note>('alpha', 't', 'notes');
    const note = notes.insert({ id: 'n1', text: 'a' });
    await store.flush();
    note.text = 'mutated in place';
    notes.touch();
    await store.flush();
    const reopened = await Store.open({ clock: manualClock(), file });
    expect(reopened.collection<Note>('alpha', 't', 'notes').get('n1')?.text).toBe('mutated in place');
  });

  it('a reset writes a full snapshot and starts the journal over', async () => {
    const store = await Store.open({ clock: manualClock(), file });
    store.collection<Note>('alpha', 't', 'notes').insert({ id: 'n1', text: '' });
    await store.flush();
    store.reset('alpha');
    store.collection<Note>('beta', 't', 'notes').insert({ id: 'n2', text: '' });
    await store.flush();
    const json = JSON.parse(readFileSync(file, 'utf8')) as { partitions: Record<string, unknown> };
    expect(Object.keys(json.partitions)).toEqual(['beta']);
    expect(readFileSync(`${file}.journal`, 'utf8')).toBe('{"op":"gen","gen":2,"batches":true}\n');
    const reopened = await Store.open({ clock: manualClock(), file });
    expect(reopened.hasTenant('alpha', 't')).toBe(false);
    expect(reopened.collection<Note>('beta', 't', 'notes').get('n2')?.id).toBe('n2');
  });

  it('concurrent flushes all resolve with the latest data on disk', async () => {
    const store = await Store.open({ clock: manualClock(), file });
    const notes = store.collection<Note>('alpha', 't', 'notes');
    notes.insert({ id: 'n1', text: '' });
    const first = store.flush();
    notes.insert({ id: 'n2', text: '' });
    const second = store.flush();
    await Promise.all([first, second]);
    const json = JSON.parse(readFileSync(file, 'utf8')) as { partitions: { alpha: { t: { notes: Note[] } } } };
    expect(json.partitions.alpha.t.notes.map((n) => n.id)).toEqual(['n1', 'n2']);
  });

  it('a failed write is reported, and later flushes still write once the file can be written again', async () => {
    const { sub, subFile, store, notes } = await storeInSubdirectory();

    rmSync(sub, { recursive: true, force: true });
    notes.insert({ id: 'n2', text: '' });
    await expect(store.flush()).rejects.toThrow();

    mkdirSync(sub);
    notes.insert({ id: 'n3', text: '' });
    await expect(store.flush()).resolves.toBeUndefined();
    const json = JSON.parse(readFileSync(subFile, 'utf8')) as { partitions: { alpha: { t: { notes: Note[] } } } };
    expect(json.partitions.alpha.t.notes.map((n) => n.id)).toEqual(['n1', 'n2', 'n3']);
  });

  it('a missing file opens as an empty store', async () => {
    const store = await Store.open({ clock: manualClock(), file: path.join(dir, 'absent.json') });
    expect(store.namespaces()).toEqual([]);
    expect(store.nextSeq()).toBe(1);
  });

  it('an empty file opens as an empty store', async () => {
    writeFileSync(file, '');
    const store = await Store.open({ clock: manualClock(), file });
    expect(store.namespaces()).toEqual([]);
    store.collection<Note>('alpha', 't', 'notes').insert({ id: 'n1', text: '' });
    await store.flush();
    const json = JSON.parse(readFileSync(file, 'utf8')) as { version: number; seq: number };
    expect(json).toMatchObject({ version: 1, seq: 1 });
  });

  it('a file that is not a msgsim snapshot is refused, and left as it was', async () => {
    const other = JSON.stringify({ something: 'else' });
    writeFileSync(file, other);
    await expect(Store.open({ clock: manualClock(), file })).rejects.toThrow(`${file}: not a msgsim data file`);
    writeFileSync(file, '{"version":1,"partitions":{\n"alpha":{\nnot json');
    await expect(Store.open({ clock: manualClock(), file })).rejects.toThrow(/not a msgsim data file/);
    writeFileSync(file, other);
    expect(readFileSync(file, 'utf8')).toBe(other);
  });

  describe('journal replay, legacy files, failures', () => {
    const ids = (store: Store, ns = 'alpha', tenant = 't') =>
      store
        .collection<Note>(ns, tenant, 'notes')
        .all()
        .map((n) => n.id);

    it('reads the previous layout (indented lowdb snapshot, whole-collection journal lines), then rewrites it', async () => {
      const rows = (names: string[], from: number) => names.map((id, i) => ({ id, text: id, seq: from + i, createdAt: 'x', updatedAt: 'x' }));
      writeFileSync(
        file,
        JSON.stringify({ version: 1, seq: 2, partitions: { alpha: { t: { notes: rows(['n1', 'n2'], 1) } } }, meta: { position: 3 } }, null, 2),
      );
      writeFileSync(
        `${file}.journal`,
        [
          { ns: 'alpha', t: 't', c: 'notes', rows: rows(['n1', 'n2', 'n3'], 1), seq: 3, meta: { position: 4 } },
          { ns: 'beta', t: 'u', c: 'notes', rows: rows(['b1'], 4), seq: 4 },
        ]
          .map((line) => JSON.stringify(line))
          .join('\n') + '\n',
      );
      const store = await Store.open({ clock: manualClock(), file });
      expect(ids(store)).toEqual(['n1', 'n2', 'n3']);
      expect(ids(store, 'beta', 'u')).toEqual(['b1']);
      expect(store.getMeta('position')).toBe(4);
      expect(store.nextSeq()).toBe(5);
      store.collection<Note>('alpha', 't', 'notes').insert({ id: 'n4', text: '' });
      await store.flush();
      // The first write after a legacy journal is a snapshot: the old lines are never appended to.
      expect(readFileSync(file, 'utf8').startsWith('{"version":1,"partitions":{\n')).toBe(true);
      expect(readFileSync(`${file}.journal`, 'utf8')).toBe('{"op":"gen","gen":1,"batches":true}\n');
      const reopened = await Store.open({ clock: manualClock(), file });
      expect(ids(reopened)).toEqual(['n1', 'n2', 'n3', 'n4']);
      expect(ids(reopened, 'beta', 'u')).toEqual(['b1']);
    });

    it('a journal left from before the snapshot (crash between rename and reset) is ignored', async () => {
      const store = await Store.open({ clock: manualClock(), file });
      const notes = store.collection<Note>('alpha', 't', 'notes');
      notes.insert({ id: 'n1', text: 'old' });
      await store.flush();
      notes.update('n1', { text: 'journalled' });
      await store.flush();
      const stale = readFileSync(`${file}.journal`, 'utf8');
      notes.update('n1', { text: 'in the snapshot' });
      store.changed();
      await store.flush();
      writeFileSync(`${file}.journal`, stale);
      const reopened = await Store.open({ clock: manualClock(), file });
      expect(reopened.collection<Note>('alpha', 't', 'notes').get('n1')?.text).toBe('in the snapshot');
      // and the next append starts the journal over for the current generation
      reopened.collection<Note>('alpha', 't', 'notes').insert({ id: 'n2', text: '' });
      await reopened.flush();
      const third = await Store.open({ clock: manualClock(), file });
      expect(ids(third)).toEqual(['n1', 'n2']);
      expect(third.collection<Note>('alpha', 't', 'notes').get('n1')?.text).toBe('in the snapshot');
    });

    it('a torn tail found on open is cut, so lines appended later replay', async () => {
      await flushTwoThenTear('{"op":"put","ns":"alpha","t":"t","c":"notes","r":{"id":"n');
      const second = await Store.open({ clock: manualClock(), file });
      second.collection<Note>('alpha', 't', 'notes').insert({ id: 'n3', text: '' });
      await second.flush();
      const third = await Store.open({ clock: manualClock(), file });
      expect(ids(third)).toEqual(['n1', 'n2', 'n3']);
    });

    it('after a failed append the journal is retried (torn tail cut), not a full snapshot', async () => {
      const { sub, subFile, store, notes } = await storeInSubdirectory();
      notes.insert({ id: 'n2', text: '' });
      await store.flush();
      const snapshot = readFileSync(subFile, 'utf8');
      const journal = readFileSync(`${subFile}.journal`, 'utf8');

      rmSync(sub, { recursive: true, force: true });
      notes.insert({ id: 'n3', text: '' });
      notes.update('n1', { text: 'updated while failing' });
      await expect(store.flush()).rejects.toThrow();

      // The disk comes back as it was, with half a line the failed append left behind.
      mkdirSync(sub);
      writeFileSync(subFile, snapshot);
      writeFileSync(`${subFile}.journal`, journal + '{"op":"put","ns":"al');
      notes.insert({ id: 'n4', text: '' });
      await store.flush();
      expect(readFileSync(subFile, 'utf8')).toBe(snapshot);
      const reopened = await Store.open({ clock: manualClock(), file: subFile });
      expect(ids(reopened)).toEqual(['n1', 'n2', 'n3', 'n4']);
      expect(reopened.collection<Note>('alpha', 't', 'notes').get('n1')?.text).toBe('updated while failing');
    });

    it('changes made while a snapshot is being streamed are persisted by the next flush', async () => {
      const store = await Store.open({ clock: manualClock(), file });
      const notes = store.collection<Note>('alpha', 't', 'notes');
      const padding = 'x'.repeat(400);
      for (let i = 0; i < 12_000; i++) notes.insert({ id: `n${i}`, text: padding }); // several write chunks
      let done = false;
      let turnsWhileWriting = 0;
      const writing = store.flush().then(() => {
        done = true;
      });
      let turns = 0;
      // The event loop keeps turning while the snapshot is written: mutate between its chunks.
      while (turns < 20) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        turns++;
        notes.remove(`n${turns * 7}`);
        notes.update(`n${turns * 11}`, { text: `changed ${turns}` });
        notes.insert({ id: `late${turns}`, text: '' });
        if (!done) turnsWhileWriting++;
      }
      store.reset('gone');
      await writing;
      expect(turnsWhileWriting).toBeGreaterThan(1);
      await store.flush();
      const reopened = await Store.open({ clock: manualClock(), file });
      const again = reopened.collection<Note>('alpha', 't', 'notes');
      expect(again.all().map((n) => n.id)).toEqual(notes.all().map((n) => n.id));
      expect(again.all().map((n) => n.text)).toEqual(notes.all().map((n) => n.text));
      expect(() => JSON.parse(readFileSync(file, 'utf8'))).not.toThrow();
    });

    describe('compaction in the background, once the journal outgrows the snapshot (and 8 MB)', () => {
      const padding = 'x'.repeat(500);
      const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
      const journalLines = () =>
        readFileSync(`${file}.journal`, 'utf8')
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as Record<string, unknown>);
      const state = (store: Store) =>
        store
          .collection<Note>('alpha', 't', 'notes')
          .all()
          .map((n) => `${n.id}:${n.text}`);

      /** A small snapshot, then > 8 MB of journal: the flush that appends it starts a compaction. */
      async function compacting() {
        const store = await Store.open({ clock: manualClock(), file });
        const notes = store.collection<Note>('alpha', 't', 'notes');
        notes.insert({ id: 'first', text: '' });
        await store.flush();
        for (let i = 0; i < 20_000; i++) notes.insert({ id: `n${i}`, text: padding });
        await store.flush();
        return { store, notes };
      }

      it('appends go on to a new journal while the snapshot streams; then the snapshot replaces the old journal', async () => {
        const { store, notes } = await compacting();
        // The journal was set aside and a new one begun for the snapshot being written.
        expect(existsSync(`${file}.journal.old`)).toBe(true);
        expect(journalLines()).toEqual([{ op: 'gen', gen: 2, batches: true }]);
        notes.update('n5', { text: 'during' });
        notes.remove('n7');
        notes.insert({ id: 'late', text: '' });
        await store.flush();
        expect(existsSync(`${file}.journal.old`)).toBe(true); // the flush did not wait for the snapshot
        expect(
          journalLines()
            .filter((line) => line.op === 'put')
            .map((line) => (line.r as Note).id),
        ).toEqual(['n5', 'late']);
        await store.idle();
        expect(existsSync(`${file}.journal.old`)).toBe(false);
        expect(existsSync(`${file}.compacting`)).toBe(false);
        const json = JSON.parse(readFileSync(file, 'utf8')) as { gen: number; journal: { metaUntil: number } };
        expect(json.gen).toBe(2);
        expect(json.journal.metaUntil).toBeGreaterThan(0);
        expect(journalLines()[0]).toEqual({ op: 'gen', gen: 2, batches: true });
        const reopened = await Store.open({ clock: manualClock(), file });
        expect(state(reopened)).toEqual(state(store));
        expect(state(reopened)).toHaveLength(20_001);
      });

      it('a crash before the new snapshot is in place: old snapshot, set-aside journal and new journal restore it all', async () => {
        const { store, notes } = await compacting();
        notes.update('n5', { text: 'during' });
        notes.remove('n7');
        notes.insert({ id: 'late', text: '' });
        await store.flush();
        // kill -9 now: copy what is on disk
        const crashed = path.join(dir, 'crashed.json');
        for (const suffix of ['', '.journal', '.journal.old']) writeFileSync(`${crashed}${suffix}`, readFileSync(`${file}${suffix}`));
        const expected = state(store);
        await store.idle();
        const reopened = await Store.open({ clock: manualClock(), file: crashed });
        expect(state(reopened)).toEqual(expected);
        // It writes a snapshot at its first flush, and the set-aside journal goes.
        await reopened.flush();
        expect(existsSync(`${crashed}.journal.old`)).toBe(false);
        expect(state(await Store.open({ clock: manualClock(), file: crashed }))).toEqual(expected);
      });

      it('a crash after the new snapshot is in place but before the set-aside journal is deleted: that journal is ignored', async () => {
        const { store, notes } = await compacting();
        const setAside = readFileSync(`${file}.journal.old`);
        notes.update('n5', { text: 'during' });
        await store.flush();
        await store.idle();
        writeFileSync(`${file}.journal.old`, setAside);
        const reopened = await Store.open({ clock: manualClock(), file });
        expect(state(reopened)).toEqual(state(store));
        expect(reopened.collection<Note>('alpha', 't', 'notes').get('n5')?.text).toBe('during');
      });

      it("meta lines older than the snapshot's trailer do not overwrite its meta on reload", async () => {
        let position = 0;
        const { store, notes } = await compacting();
        store.onBeforeWrite(() => store.setMeta('position', position));
        position = 10;
        notes.insert({ id: 'late', text: '' });
        await store.flush(); // a meta line saying 10, older than the trailer to come
        const idle = store.idle().then(() => true);
        while (!(await Promise.race([idle, turn().then(() => false)]))) position++;
        const trailer = (JSON.parse(readFileSync(file, 'utf8')) as { meta: { position: number } }).meta.position;
        expect(trailer).toBeGreaterThan(10);
        const reopened = await Store.open({ clock: manualClock(), file });
        expect(reopened.getMeta('position')).toBe(trailer);
      });

      it("a reset while the snapshot streams gives it up; the reset's own snapshot is what stays", async () => {
        const { store, notes } = await compacting();
        notes.insert({ id: 'late', text: '' });
        await store.flush();
        store.reset('alpha', 't');
        store.collection<Note>('alpha', 't', 'notes').insert({ id: 'after-reset', text: '' });
        await store.flush();
        await store.idle();
        for (const leftover of ['.journal.old', '.compacting', '.tmp']) expect(existsSync(`${file}${leftover}`)).toBe(false);
        const reopened = await Store.open({ clock: manualClock(), file });
        expect(state(reopened)).toEqual(['after-reset:']);
      });

      it('close() gives the compaction up and keeps everything in the journals', async () => {
        const { store, notes } = await compacting();
        notes.insert({ id: 'late', text: '' });
        const expected = state(store);
        await store.close();
        expect(existsSync(`${file}.compacting`)).toBe(false);
        expect(state(await Store.open({ clock: manualClock(), file }))).toEqual(expected);
      });
    });

    it('a collection dropped by a reset no longer writes to the file', async () => {
      const store = await Store.open({ clock: manualClock(), file });
      const stale = store.collection<Note>('alpha', 't', 'notes');
      stale.insert({ id: 'n1', text: '' });
      await store.flush();
      store.reset('alpha', 't');
      stale.insert({ id: 'n2', text: '' });
      store.collection<Note>('alpha', 't', 'notes').insert({ id: 'fresh', text: '' });
      await store.flush();
      const reopened = await Store.open({ clock: manualClock(), file });
      expect(ids(reopened)).toEqual(['fresh']);
    });
  });
});
