/**
 * Records each request to a provider's routes in the engine's request journal (src/engine/request-journal.ts).
 * One recorder per mounted provider: `begin` runs first in the provider's router and in the 404 under its
 * mount, so every answer is recorded, also those raised before the handler (401, 404, 405, 413, 415, 429,
 * injected faults); the router tells it what only it knows (the tenant, the operation, the raw body, the
 * error, the fault, the messages the handler created). A record is added when the answer is over, or the
 * connection is: a request a fault broke off is kept with what is known.
 *
 * Cheap on the hot path: a record keeps references (the headers object, the query string, the JSON text
 * already made for the answer) and builds its view, with the secrets redacted, only when someone reads
 * it. Bodies are decoded once, cut to their first 16 KiB.
 */
import type { IncomingMessage } from 'node:http';
import type { Request, Response } from 'express';
import type { Engine } from '../engine/engine.js';
import type { SimError } from '../engine/errors.js';
import type { FaultAction } from '../engine/faults.js';
import { RequestJournal, type JournalRecord, type RequestEntry } from '../engine/request-journal.js';
import type { HandlerRequest, HandlerResult, OperationHandler, Provider } from '../providers/provider.js';
import { hasBody, mediaType, type RawBodyHook } from '../web/body.js';
import { redactHeaders, redactQuery, redactTenant } from './journal-redaction.js';

/** Of a request body and of an answer, the journal keeps this many bytes. */
export const JOURNAL_BODY_BYTES = 16 * 1024;
const MAX_RECIPIENTS = 1_000;
const MAX_MESSAGE_IDS = 100;
/** An error's `value` longer than this (as JSON) is kept cut, as text. */
const MAX_ERROR_VALUE = 1_024;
/** What a record costs beyond its texts (fields, the headers object's structure), roughly. */
const RECORD_OVERHEAD = 600;
const NONE: readonly string[] = Object.freeze([]);

interface Recorded {
  journalRecord?: RecordedRequest;
}

/** The record of the request `res` answers, when the journal is on. */
export function journalOf(res: Response): RecordedRequest | undefined {
  return (res.locals as Recorded).journalRecord;
}

export class JournalRecorder {
  /** The record whose handler is running: handlers are synchronous, so messages created meanwhile are its. */
  private current: RecordedRequest | undefined;

  constructor(
    readonly engine: Engine,
    readonly provider: Provider,
    /** The provider's API prefixes as mounted (`/msghub/api/v1`, or `/api/v1` alone at the root; SendHub's alias too). */
    readonly apiPrefixes: readonly string[],
  ) {
    engine.events.forNamespace(provider.name).on('message.created', ({ message }) => this.current?.created(message.id));
  }

  /** Opens the request's record: first thing in the provider's router, and in the 404 under its mount. */
  begin(req: Request, res: Response): void {
    (res.locals as Recorded).journalRecord = new RecordedRequest(this, req);
    res.once('close', closeRecord);
  }

  /** Calls the operation's handler with the messages it creates attributed to the request. */
  call(res: Response, handler: OperationHandler, request: HandlerRequest): ReturnType<OperationHandler> {
    this.current = journalOf(res);
    try {
      return handler(request);
    } finally {
      this.current = undefined;
    }
  }

  /** body-parser's `verify` hook: the raw body, kept until the answer is over. */
  readonly keepRawBody: RawBodyHook = (_req, res, raw) => {
    const record = journalOf(res as Response);
    if (record) record.rawBody = raw;
  };
}

/** One function for every response (no closure per request): `this` is the response. */
function closeRecord(this: Response): void {
  journalOf(this)?.closed(this);
}

export class RecordedRequest implements JournalRecord {
  seq = 0;
  readonly method: string;
  readonly path: string;
  readonly apiPath: string | undefined;
  readonly atMs: number;
  tenant: string | undefined;
  operationId: string | undefined;
  status: number | null = null;
  recipients: readonly string[] = NONE;
  bytes = 0;
  /** The body as body-parser read it; decoded and dropped when the answer is over. */
  rawBody: Buffer | undefined;
  private body: string | null = null;
  private bodyBytes: number;
  private bodyTruncated = false;
  private responseBody: string | null = null;
  private responseBytes = 0;
  private responseTruncated = false;
  private error: RequestEntry['error'] = null;
  private replay = false;
  private fault: RequestEntry['fault'] = null;
  /** The first message created; the others (a send to several recipients) only when there are any. */
  private messageId: string | undefined;
  private moreMessageIds: string[] | undefined;
  private durationMs = 0;
  private readonly wallMs: number;
  private readonly startedReal: number;
  private readonly search: string;
  private readonly headers: Request['headers'];
  /** For the byte budget: summed over the raw list, cheaper than walking the headers object. */
  private readonly headerBytes: number;
  /** Waiting for: the answer to be over, and a body being read after an early answer. */
  private waiting = 1;
  private added = false;
  private shown: string | null | undefined;

  constructor(
    private readonly recorder: JournalRecorder,
    req: Request,
  ) {
    const clock = recorder.engine.clock;
    this.startedReal = clock.realNow();
    this.atMs = clock.now();
    this.wallMs = clock.wallNow();
    this.method = req.method;
    const url = req.originalUrl;
    const q = url.indexOf('?');
    this.path = q < 0 ? url : url.slice(0, q);
    this.search = q < 0 ? '' : url.slice(q + 1);
    this.apiPath = apiPathOf(this.path, recorder.apiPrefixes);
    this.headers = req.headers;
    this.headerBytes = headerBytes(req.rawHeaders);
    this.bodyBytes = Number(req.headers['content-length']) || 0;
  }

  get provider(): string {
    return this.recorder.provider.name;
  }

  get shownTenant(): string | null {
    if (this.shown === undefined) this.shown = this.tenant === undefined || this.tenant === '' ? null : redactTenant(this.tenant);
    return this.shown;
  }

  /** An error on the way (auth, limit, validation, a handler's or an injected one): its message, field and value. */
  failed(error: SimError): void {
    this.error = {
      code: error.code ?? error.kind,
      message: error.message,
      ...(error.field !== undefined ? { field: error.field } : {}),
      ...(error.value !== undefined ? { value: boundedValue(error.value) } : {}),
    };
  }

  faulted(res: Response, action: FaultAction, source: 'rule' | 'header'): void {
    this.fault = { source, ...action };
    // A request left hanging on purpose is shown at once, not when its client gives up.
    if (action.fault === 'TIMEOUT') {
      this.readLocals(res);
      this.complete();
    }
  }

  created(messageId: string): void {
    if (this.messageId === undefined) this.messageId = messageId;
    else if ((this.moreMessageIds ??= []).length < MAX_MESSAGE_IDS - 1) this.moreMessageIds.push(messageId);
  }

  /** The answer, as send() writes it: `text` is the JSON already made for the wire. */
  answered(res: Response, result: HandlerResult, text: string | undefined): void {
    if (text !== undefined) {
      this.responseBytes = Buffer.byteLength(text);
      this.responseTruncated = this.responseBytes > JOURNAL_BODY_BYTES;
      this.responseBody = this.responseTruncated ? cutText(text) : text;
    }
    if (result.headers?.['Idempotent-Replayed'] === 'true') this.replay = true;
    if (result.status >= 400) {
      const code = this.recorder.provider.profile.errorOf(result.body) ?? this.error?.code ?? null;
      this.error = { ...this.error, code };
      // Refused before its body was read (401, 404, 415, 429…): read it now, still bounded, as node would drain it anyway.
      if (this.rawBody === undefined) this.readUnreadBody(res.req);
    }
  }

  /** The response is over, or its connection is. */
  closed(res: Response): void {
    if (this.added) {
      this.durationMs = this.elapsed();
      return;
    }
    this.status = res.headersSent ? res.statusCode : null;
    this.readLocals(res);
    if (this.rawBody) {
      this.keepBody(this.rawBody);
      this.rawBody = undefined;
      this.findRecipients((res.req as Request).body);
    }
    this.complete();
  }

  view(): RequestEntry {
    return {
      id: RequestJournal.idOf(this.seq),
      provider: this.provider,
      tenant: this.shownTenant,
      operationId: this.operationId ?? null,
      method: this.method,
      path: this.path,
      query: redactQuery(this.search),
      headers: redactHeaders(this.headers),
      body: this.body,
      bodyBytes: this.bodyBytes,
      bodyTruncated: this.bodyTruncated,
      recipients: [...this.recipients],
      status: this.status,
      responseBody: this.responseBody,
      responseBytes: this.responseBytes,
      responseTruncated: this.responseTruncated,
      error: this.error,
      idempotentReplay: this.replay,
      fault: this.fault,
      messageId: this.messageId ?? null,
      messageIds: this.messageId === undefined ? [] : [this.messageId, ...(this.moreMessageIds ?? [])],
      at: new Date(this.atMs).toISOString(),
      receivedAt: new Date(this.wallMs).toISOString(),
      durationMs: Math.round(this.durationMs * 100) / 100,
    };
  }

  /** What the provider router learnt: the tenant once authenticated, the operation once routed. */
  private readLocals(res: Response): void {
    const locals = res.locals as { tenant?: { id: string }; operation?: { operationId: string } };
    this.tenant = locals.tenant?.id;
    this.operationId = locals.operation?.operationId;
  }

  private elapsed(): number {
    return this.recorder.engine.clock.realNow() - this.startedReal;
  }

  /** Added once everything awaited is in: the answer, and a body read after an early answer. */
  private complete(): void {
    if (--this.waiting > 0 || this.added) return;
    this.added = true;
    this.durationMs = this.elapsed();
    this.bytes = RECORD_OVERHEAD + (this.body?.length ?? 0) + (this.responseBody?.length ?? 0) + this.headerBytes + this.search.length + this.path.length;
    for (const r of this.recipients) this.bytes += r.length + 16;
    this.recorder.engine.requests.add(this);
  }

  private keepBody(raw: Buffer, total = raw.length): void {
    this.bodyBytes = total;
    this.bodyTruncated = total > raw.length || raw.length > JOURNAL_BODY_BYTES;
    this.body = raw.toString('utf8', 0, Math.min(raw.length, JOURNAL_BODY_BYTES));
  }

  private findRecipients(body: unknown): void {
    const { operationId } = this;
    const extract = this.recorder.provider.requestRecipients;
    if (!extract || operationId === undefined || body === undefined) return;
    const found = extract(operationId, body);
    if (found.length > 0) this.recipients = found.slice(0, MAX_RECIPIENTS).map((r) => (r.length > 256 ? Buffer.from(r.slice(0, 256)).toString() : r));
  }

  /**
   * A body nobody read (the request was answered before the body layer): drained as node would, its
   * first bytes kept, so a refused send still shows what it tried to send. Not when something else reads
   * it (body-parser draining a body too large).
   */
  private readUnreadBody(req: IncomingMessage): void {
    if (req.readableFlowing !== null || req.readableEnded || !hasBody(req.headers)) return;
    this.waiting++;
    const chunks: Buffer[] = [];
    let kept = 0;
    let total = 0;
    req.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (kept >= JOURNAL_BODY_BYTES) return;
      const part = chunk.subarray(0, JOURNAL_BODY_BYTES - kept);
      chunks.push(part);
      kept += part.length;
    });
    req.once('close', () => {
      this.keepBody(Buffer.concat(chunks), total);
      if (!this.bodyTruncated && mediaType(req.headers['content-type']).includes('json')) this.findRecipients(parseJson(this.body));
      this.complete();
    });
  }
}

function headerBytes(raw: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < raw.length; i++) n += raw[i]!.length + 4;
  return n;
}

/** The first JOURNAL_BODY_BYTES bytes of a text, as a string of its own (a slice would keep the whole text alive). */
function cutText(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8', 0, JOURNAL_BODY_BYTES);
}

/** An error's value, or its start as text when long (a copy: a slice would keep a huge input alive). */
function boundedValue(value: unknown): unknown {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text === undefined) return null;
  return text.length > MAX_ERROR_VALUE ? `${Buffer.from(text.slice(0, MAX_ERROR_VALUE)).toString()}…` : value;
}

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The path below the API prefix it is under (`/messages/send`), or undefined under none (a 404 of the mount). */
function apiPathOf(path: string, prefixes: readonly string[]): string | undefined {
  for (const prefix of prefixes) {
    if (prefix === '' || path === prefix) return prefix === '' ? path : '/';
    if (path.startsWith(`${prefix}/`)) return path.slice(prefix.length);
  }
  return undefined;
}
