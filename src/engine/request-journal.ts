/**
 * The request journal: every request the simulated APIs received and what they answered, so a test can
 * ask "what did my app send, and what was refused" (WireMock's request journal). The HTTP layer records
 * (src/http/journal-recorder.ts), the control API and library mode read; here it is plain data.
 *
 * Bounded two ways, the oldest entries dropped first: at most `maxEntries`, and at most `maxBytes` of what
 * the entries hold (bodies, headers, recipients; each body is cut by the recorder), so neither many
 * requests nor huge bodies grow it without bound. Entries are ordered by `seq`, the order they were
 * added (when their answer was complete); a cursor is a position in that order, so new entries never
 * shift a later page. Ids are `req_<seq>`: a lookup is a binary search, with no index to keep.
 */
import { SimError } from './errors.js';
import { compileGlob, type GlobMatcher } from './glob.js';
import { decodeCursor, encodeCursor } from './pagination.js';
import { firstAtOrAfter } from './seq-search.js';

/** What a test control did to a request (a `/_sim/faults` rule or the X-Msgsim-Fault / Prefer header). */
export interface JournalFault {
  source: 'rule' | 'header';
  status?: number;
  fault?: string;
  delay?: unknown;
}

/** One request as the control API and library mode show it: credentials redacted, times as ISO. */
export interface RequestEntry {
  /** `req_…` */
  id: string;
  provider: string;
  /** The credential's account, redacted (`mk_live_…1234`); null before one was known. */
  tenant: string | null;
  /** The spec's operation, once the route was matched. */
  operationId: string | null;
  method: string;
  /** As received, without the query string. */
  path: string;
  /** Secret parameters (SendHub's `api_key`) redacted. */
  query: Record<string, string | string[]>;
  /** Secrets (Authorization, API-key headers, cookies, the admin token) redacted. */
  headers: Record<string, string>;
  /** The body as received (UTF-8), its first bytes only when `bodyTruncated`; null when there was none or it was not read. */
  body: string | null;
  /** Bytes received (or announced by Content-Length, when the body was not read). */
  bodyBytes: number;
  bodyTruncated: boolean;
  /** Whom a send addressed, as the provider's body names them (to, to[], contacts, recipients, targets[].to). */
  recipients: string[];
  /** Null when no HTTP answer was sent: a fault broke the connection or left it hanging. */
  status: number | null;
  responseBody: string | null;
  responseBytes: number;
  responseTruncated: boolean;
  /** For an error answer: the provider's error code and, where the error names one, the field and value. */
  error: { code: string | null; message?: string; field?: string; value?: unknown } | null;
  /** Answered from the Idempotency-Key store (`Idempotent-Replayed: true`). */
  idempotentReplay: boolean;
  fault: JournalFault | null;
  /** The first message the request created, for a link to it; null when it created none. */
  messageId: string | null;
  /** Every message it created (a send to several recipients), the first 100. */
  messageIds: string[];
  /** Simulated time the request arrived. */
  at: string;
  /** Wall time the request arrived. */
  receivedAt: string;
  /** Wall-clock milliseconds from arrival to the end of the answer. */
  durationMs: number;
}

/** What the journal needs of a recorded request; the recorder builds the view lazily. */
export interface JournalRecord {
  /** Set by the journal when the record is added. */
  seq: number;
  readonly provider: string;
  /** The raw tenant id (filters compare it), undefined before authentication. */
  readonly tenant: string | undefined;
  /** The tenant as shown (redacted), so a filter may also name it the way the journal shows it. */
  readonly shownTenant: string | null;
  readonly method: string;
  readonly path: string;
  /** The path below the provider's base URL (`/messages/send`); undefined outside it. */
  readonly apiPath: string | undefined;
  /** Simulated ms at arrival. */
  readonly atMs: number;
  readonly status: number | null;
  readonly recipients: readonly string[];
  /** Roughly what the record holds, for the byte budget; fixed once added. */
  readonly bytes: number;
  view(): RequestEntry;
}

export interface RequestFilter {
  provider?: string;
  /** The raw key, or the redacted form the journal shows. */
  tenant?: string;
  method?: string;
  /** A prefix, or a glob (`*` within a segment, `**` across) when it has a `*`; of the path as received or below the base URL. */
  path?: string;
  /** An exact status (`201`) or a class (`4xx`). */
  status?: string | number;
  /** Simulated ms: entries that arrived then or later. */
  since?: number;
  /** A recipient, as the request named it. */
  to?: string;
}

export interface RequestPage<R> {
  /** Newest first. */
  records: R[];
  /** Every entry that matches, on every page. */
  total: number;
  nextCursor: string | null;
}

export interface RequestJournalOptions {
  /** 0 turns the journal off. */
  maxEntries?: number;
  maxBytes?: number;
  /** Hears of each record added (the engine turns it into a `request` event). */
  onAdd?: (record: JournalRecord) => void;
}

export const DEFAULT_JOURNAL_SIZE = 10_000;
export const DEFAULT_JOURNAL_BYTES = 64 * 1024 * 1024;
/** As for fault rules: a longer glob is refused. */
export const MAX_PATH_FILTER = 1024;
const ID_PREFIX = 'req_';

export class RequestJournal<R extends JournalRecord = JournalRecord> {
  readonly maxEntries: number;
  readonly maxBytes: number;
  private readonly onAdd: ((record: JournalRecord) => void) | undefined;
  /** Ascending seq from `head`; the slots before `head` are dropped entries, cut off now and then. */
  private order: R[] = [];
  private head = 0;
  private nextSeq = 1;
  private heldBytes = 0;
  private droppedCount = 0;

  constructor(options: RequestJournalOptions = {}) {
    this.maxEntries = options.maxEntries ?? DEFAULT_JOURNAL_SIZE;
    this.maxBytes = options.maxBytes ?? DEFAULT_JOURNAL_BYTES;
    if (!Number.isSafeInteger(this.maxEntries) || this.maxEntries < 0)
      throw new RangeError(`journal size must be a whole number, 0 or more (got ${this.maxEntries})`);
    if (!(this.maxBytes > 0)) throw new RangeError(`journal byte budget must be positive (got ${this.maxBytes})`);
    this.onAdd = options.onAdd;
  }

  /** False with a size of 0: nothing is recorded (the recorder is not even installed). */
  get enabled(): boolean {
    return this.maxEntries > 0;
  }

  get size(): number {
    return this.order.length - this.head;
  }

  get bytes(): number {
    return this.heldBytes;
  }

  /** Entries dropped to respect the bounds since the last clear. */
  get dropped(): number {
    return this.droppedCount;
  }

  static idOf(seq: number): string {
    return `${ID_PREFIX}${seq}`;
  }

  add(record: R): void {
    if (!this.enabled) return;
    record.seq = this.nextSeq++;
    this.order.push(record);
    this.heldBytes += record.bytes;
    while (this.size > this.maxEntries || (this.heldBytes > this.maxBytes && this.size > 1)) this.dropOldest();
    this.onAdd?.(record);
  }

  get(id: string): R | undefined {
    if (!id.startsWith(ID_PREFIX)) return undefined;
    const text = id.slice(ID_PREFIX.length);
    if (!/^[1-9][0-9]{0,15}$/.test(text)) return undefined;
    const seq = Number(text);
    const record = this.order[firstAtOrAfter(this.order, seq, this.head)];
    return record?.seq === seq ? record : undefined;
  }

  /** Newest first, at most `limit` (all when undefined). */
  list(filter: RequestFilter = {}, limit?: number): R[] {
    const matches = compileFilter(filter);
    const out: R[] = [];
    for (const record of this.newestFirst()) {
      if (limit !== undefined && out.length >= limit) break;
      if (matches(record)) out.push(record);
    }
    return out;
  }

  /** One page, newest first; a malformed or edited cursor is a 400 naming `cursor`. */
  page(options: { filter?: RequestFilter; limit: number; cursor?: string }): RequestPage<R> {
    const matches = compileFilter(options.filter ?? {});
    let before: number | undefined;
    if (options.cursor !== undefined) {
      const key = decodeCursor(options.cursor);
      if (key === undefined)
        throw new SimError({ kind: 'invalid_request', message: 'cursor is not one this list returned', field: 'cursor', value: options.cursor });
      before = key.seq;
    }
    const records: R[] = [];
    let total = 0;
    let more = false;
    for (const record of this.newestFirst()) {
      if (!matches(record)) continue;
      total++;
      if (before !== undefined && record.seq >= before) continue;
      if (records.length < options.limit) records.push(record);
      else more = true;
    }
    const last = records.at(-1);
    // The order is by seq alone; createdAt is 0 in the shared cursor format (pagination.ts).
    return { records, total, nextCursor: more && last ? encodeCursor({ createdAt: 0, seq: last.seq }) : null };
  }

  clear(): number {
    const cleared = this.size;
    this.order = [];
    this.head = 0;
    this.heldBytes = 0;
    this.droppedCount = 0;
    return cleared;
  }

  /** Empty, and ids from `req_1` again: a reseeded run gives the same ids as the first. */
  restartIds(): void {
    this.clear();
    this.nextSeq = 1;
  }

  /** Forgets the entries a reset covers: everything, one provider, or one tenant of it. */
  reset(provider?: string, tenant?: string): void {
    if (provider === undefined) {
      this.clear();
      return;
    }
    const kept = this.order.slice(this.head).filter((r) => r.provider !== provider || (tenant !== undefined && r.tenant !== tenant));
    this.order = kept;
    this.head = 0;
    this.heldBytes = kept.reduce((sum, r) => sum + r.bytes, 0);
  }

  *newestFirst(): Generator<R> {
    // Captured, so a walk resumed after entries were added or dropped still reads one consistent array.
    const { order, head } = this;
    for (let i = order.length - 1; i >= head; i--) {
      const record = order[i];
      if (record) yield record;
    }
  }

  private dropOldest(): void {
    const oldest = this.order[this.head]!;
    this.order[this.head] = undefined as unknown as R;
    this.head++;
    this.heldBytes -= oldest.bytes;
    this.droppedCount++;
    if (this.head >= 1024 && this.head * 2 >= this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }
}

/** The filter as one predicate; an unusable value is a 400 naming its field. */
export function compileFilter(filter: RequestFilter): (record: JournalRecord) => boolean {
  const { provider, tenant, to, since } = filter;
  const method = filter.method?.toUpperCase();
  const status = statusTest(filter.status);
  const path = pathTest(filter.path);
  if (since !== undefined && !Number.isFinite(since)) throw invalid('since must be an ISO 8601 timestamp', 'since', since);
  return (r) =>
    (provider === undefined || r.provider === provider) &&
    (tenant === undefined || r.tenant === tenant || r.shownTenant === tenant) &&
    (method === undefined || r.method === method) &&
    (since === undefined || r.atMs >= since) &&
    (status === undefined || status(r.status)) &&
    (path === undefined || path(r.path) || (r.apiPath !== undefined && path(r.apiPath))) &&
    (to === undefined || r.recipients.includes(to));
}

function statusTest(input: string | number | undefined): ((status: number | null) => boolean) | undefined {
  if (input === undefined) return undefined;
  const text = String(input).trim();
  if (/^[1-5][0-9]{2}$/.test(text)) {
    const exact = Number(text);
    return (status) => status === exact;
  }
  const range = /^([1-5])xx$/i.exec(text);
  if (range) {
    const low = Number(range[1]) * 100;
    return (status) => status !== null && status >= low && status < low + 100;
  }
  throw invalid('status must be a status code (201) or a class (4xx)', 'status', input);
}

function pathTest(input: string | undefined): ((path: string) => boolean) | undefined {
  if (input === undefined) return undefined;
  if (input.length > MAX_PATH_FILTER) throw invalid(`path must be at most ${MAX_PATH_FILTER} characters`, 'path', `${input.slice(0, 64)}…`);
  if (!input.includes('*')) return (path) => path.startsWith(input);
  const glob: GlobMatcher = compileGlob(input);
  return (path) => glob.test(path);
}

function invalid(message: string, field: string, value: unknown): SimError {
  return new SimError({ kind: 'invalid_request', message, field, value });
}
