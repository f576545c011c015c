/**
 * Reads a state document from a stream of bytes (a request body, a file) into plain data, bounded:
 *
 * - in the layout exports write (state-document.ts), line by line: one record per line, each at most
 *   STATE_LIMITS.lineBytes, the whole at most STATE_LIMITS.totalBytes; no string ever holds it all;
 * - in any other layout (re-indented by a tool, or one line), whole, up to STATE_LIMITS.wholeBytes.
 *
 * Every failure is a SimError the caller answers as a 4xx: 400 for what is not JSON (naming the line
 * and the section), 413 for what is over a limit.
 */
import { SimError } from './errors.js';
import { STATE_SECTIONS, type StateSection } from './state-document.js';

export const STATE_LIMITS = Object.freeze({
  /** One line of the export layout (a record with its history, a webhook delivery with its attempts). */
  lineBytes: 16 * 1024 * 1024,
  /** A document in the export layout, read line by line. */
  totalBytes: 256 * 1024 * 1024,
  /** A document in any other layout, parsed whole. */
  wholeBytes: 16 * 1024 * 1024,
});

export type StateLimits = typeof STATE_LIMITS;

const HEAD = /^\{"msgsim":"state",.*"collections":\[$/;

export async function readStateDocument(
  source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  limits: StateLimits = STATE_LIMITS,
): Promise<unknown> {
  const reader = new LinedReader(limits);
  let total = 0;
  for await (const piece of source) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    total += chunk.length;
    if (total > limits.totalBytes) throw tooLarge(limits.totalBytes);
    reader.push(chunk);
  }
  return reader.end();
}

class LinedReader {
  /** Undecided until the first line is complete; false: another layout, parsed whole at the end. */
  lined: boolean | undefined;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private lineNumber = 0;
  private readonly document: Record<string, unknown> = {};
  private section: StateSection | undefined;
  private finished = false;

  constructor(private readonly limits: StateLimits) {}

  push(chunk: Buffer): void {
    if (this.lined === false) {
      this.keep(chunk);
      return;
    }
    let start = 0;
    let end: number;
    while ((end = chunk.indexOf(10, start)) !== -1) {
      this.keep(chunk.subarray(start, end));
      const line = Buffer.concat(this.pending).toString('utf8');
      this.pending = [];
      this.pendingBytes = 0;
      start = end + 1;
      if (this.lined === undefined && !HEAD.test(line)) {
        // Not the export layout: the rest is read whole, this line included.
        this.lined = false;
        this.keep(Buffer.from(`${line}\n`));
        this.keep(chunk.subarray(start));
        return;
      }
      this.line(line);
    }
    this.keep(chunk.subarray(start));
  }

  end(): unknown {
    if (this.lined === false || this.lined === undefined) {
      const text = Buffer.concat(this.pending).toString('utf8');
      if (text.trim() === '') throw invalid('the body is empty: send a state document (GET /_sim/state writes one)', 'body');
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        throw new SimError({ kind: 'invalid_json', message: `the state document is not valid JSON: ${(error as Error).message}`, field: 'body' });
      }
    }
    const rest = Buffer.concat(this.pending).toString('utf8');
    if (rest.trim() !== '') this.line(rest);
    if (!this.finished) throw invalid(`the state document ends before its facts (line ${this.lineNumber}): it was cut short`, 'facts');
    return this.document;
  }

  private keep(piece: Buffer): void {
    if (piece.length === 0) return;
    this.pendingBytes += piece.length;
    const limit = this.lined === true ? this.limits.lineBytes : this.limits.wholeBytes;
    if (this.pendingBytes > limit) throw tooLarge(limit, this.lined === true ? this.lineNumber + 1 : undefined);
    this.pending.push(piece);
  }

  private line(raw: string): void {
    this.lineNumber++;
    if (raw.trim() === '') return;
    if (this.finished) throw invalid(`line ${this.lineNumber}: nothing may follow the facts`, 'body');
    if (this.lined === undefined) {
      this.lined = true;
      Object.assign(this.document, this.parse(`${raw}]}`, 'body'));
      this.section = 'collections';
      return;
    }
    if (raw.startsWith('],"') && raw.endsWith('":[')) {
      const name = raw.slice(3, -3);
      const known = (STATE_SECTIONS as readonly string[]).includes(name);
      if (!known || Object.hasOwn(this.document, name))
        throw invalid(`line ${this.lineNumber}: ${known ? `${name} comes twice` : `${name} is not a section of a state document`}`, name);
      this.section = name as StateSection;
      this.document[name] = [];
      return;
    }
    if (raw.startsWith('],')) {
      const trailer = this.parse(`{${raw.slice(2)}`, 'facts') as Record<string, unknown>;
      for (const [key, value] of Object.entries(trailer)) this.document[key] = value;
      this.finished = true;
      return;
    }
    const section = this.section!;
    const rows = this.document[section] as unknown[];
    rows.push(this.parse(raw.startsWith(',') ? raw.slice(1) : raw, `${section}[${rows.length}]`));
  }

  private parse(text: string, field: string): unknown {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new SimError({ kind: 'invalid_json', message: `line ${this.lineNumber} is not JSON: ${(error as Error).message}`, field });
    }
  }
}

function invalid(message: string, field: string): SimError {
  return new SimError({ kind: 'invalid_request', message, field });
}

function tooLarge(limit: number, line?: number): SimError {
  const mib = Math.round(limit / (1024 * 1024));
  return new SimError({
    kind: 'payload_too_large',
    message: line === undefined ? `the state document is larger than ${mib} MiB` : `line ${line} of the state document is longer than ${mib} MiB`,
    field: 'body',
  });
}
