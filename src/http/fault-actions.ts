/**
 * Carries out a fault decided by the engine's FaultInjector (or asked for in X-Msgsim-Fault): wait,
 * answer an error status in the provider's envelope, or break the connection the ways real networks
 * do. Delays are wall time — the client really waits — so they use the clock's real timers.
 */
import type { Request, Response } from 'express';
import type { Clock } from '../engine/clock.js';
import type { FaultAction, FaultInjector } from '../engine/faults.js';
import { faultError, type FaultSource } from './request-controls.js';

/** Requests left hanging by TIMEOUT faults; the server destroys them on close. */
export const hungRequests: Set<Request> = new Set();

/**
 * Returns true when the fault answered (or broke) the request; false when the request should go on
 * (a plain delay). Throws the provider-rendered error for a status fault.
 */
export async function applyFault(action: FaultAction, source: FaultSource, req: Request, res: Response, faults: FaultInjector, clock: Clock): Promise<boolean> {
  if (action.delay && !('chunked' in action.delay)) {
    await sleep(clock, faults.sampleDelay(action.delay));
  }
  if (action.fault) {
    breakConnection(action.fault, req, res, faults);
    return true;
  }
  if (action.delay && 'chunked' in action.delay) dribble(res, clock, action.delay.chunked.chunks, action.delay.chunked.totalMs);
  if (action.status !== undefined) throw faultError(action.status, source);
  return false;
}

function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.realTimeout(Math.max(0, Math.round(ms)), resolve));
}

function breakConnection(kind: NonNullable<FaultAction['fault']>, req: Request, res: Response, faults: FaultInjector): void {
  const socket = req.socket;
  switch (kind) {
    case 'CONNECTION_RESET_BY_PEER':
      // RST instead of FIN: the client sees ECONNRESET.
      socket.resetAndDestroy();
      return;
    case 'EMPTY_RESPONSE':
      socket.destroy();
      return;
    case 'RANDOM_DATA_THEN_CLOSE':
      socket.end(faults.randomBytes(64));
      return;
    case 'MALFORMED_RESPONSE_CHUNK':
      // A valid status line and headers, then a chunk whose size line is garbage.
      socket.end('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{"trunc\r\n');
      return;
    case 'TRUNCATED_RESPONSE':
      // Content-Length promises more than arrives before the connection closes.
      socket.end('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n{"data":');
      return;
    case 'TIMEOUT':
      // Never answer; the client's own timeout ends it (or the server's close does).
      hungRequests.add(req);
      res.on('close', () => hungRequests.delete(req));
      return;
  }
}

/** Sends the eventual body in `chunks` pieces spread over `totalMs` (WireMock's chunked dribble delay). */
function dribble(res: Response, clock: Clock, chunks: number, totalMs: number): void {
  const end = res.end.bind(res) as (chunk?: unknown, encoding?: BufferEncoding) => Response;
  const write = res.write.bind(res) as (chunk: Buffer) => boolean;
  res.end = ((chunk?: unknown, encoding?: BufferEncoding) => {
    // Our renderer ends with a JSON string (send() in provider-router.ts); a buffer is taken as is.
    const body =
      chunk === undefined
        ? Buffer.alloc(0)
        : Buffer.isBuffer(chunk)
          ? chunk
          : Buffer.from(typeof chunk === 'string' ? chunk : JSON.stringify(chunk), encoding ?? 'utf8');
    res.removeHeader('Content-Length');
    const size = Math.ceil(body.length / chunks) || 1;
    const pieces: Buffer[] = [];
    for (let i = 0; i < body.length; i += size) pieces.push(body.subarray(i, i + size));
    const gap = pieces.length > 1 ? totalMs / (pieces.length - 1) : 0;
    pieces.forEach((piece, i) => {
      clock.realTimeout(Math.round(gap * i), () => {
        if (res.destroyed) return;
        write(piece);
        if (i === pieces.length - 1) end();
      });
    });
    if (pieces.length === 0) end();
    return res;
  }) as Response['end'];
}
