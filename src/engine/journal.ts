/**
 * The append-only half of `--data` persistence (after Redis's AOF beside its RDB snapshot): each flush
 * appends one JSON line per collection that changed, so a write costs what changed, not the whole
 * state. Lines replace whole collections, so replaying them is idempotent; a line torn by a crash
 * (kill -9 mid-append) is the last one and is skipped.
 */
import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';

export interface JournalEntry {
  /** namespace, tenant, collection */
  ns: string;
  t: string;
  c: string;
  rows: unknown[];
  seq: number;
  meta?: Record<string, unknown>;
}

export class Journal {
  private bytes = 0;

  constructor(readonly file: string) {}

  get size(): number {
    return this.bytes;
  }

  /** Entries in order; a malformed line (a torn final write) ends the replay. */
  async read(): Promise<JournalEntry[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    this.bytes = Buffer.byteLength(text);
    const entries: JournalEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        entries.push(JSON.parse(line) as JournalEntry);
      } catch {
        break;
      }
    }
    return entries;
  }

  async append(entries: JournalEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const text = entries.map((e) => JSON.stringify(e)).join('\n') + '\n';
    await appendFile(this.file, text);
    this.bytes += Buffer.byteLength(text);
  }

  /** Empties the journal once a snapshot holds everything in it. */
  async truncate(): Promise<void> {
    await writeFile(this.file, '');
    this.bytes = 0;
  }

  async measure(): Promise<void> {
    try {
      this.bytes = (await stat(this.file)).size;
    } catch {
      this.bytes = 0;
    }
  }
}
