/**
 * One webhook attempt on the wire: the POST, its timeout, the answer read within a bound, and network
 * errors described in a line. The dispatcher (webhooks.ts) decides what the result means.
 *
 * Outcomes follow Svix (https://docs.svix.com/retries): a 2xx within the timeout is success; any other
 * status, including 3xx redirects (seen, never followed), a timeout or a network error is a failure;
 * 410 Gone is its own outcome (Standard Webhooks: stop sending to that endpoint).
 */
import type { Clock } from './clock.js';

export interface PostResult {
  /** Body holds at most the first `MAX_LOGGED_RESPONSE_BYTES`. */
  response?: { status: number; headers: Record<string, string>; body: string };
  /** Timeout, connection refused, reset… */
  error?: string;
  outcome: 'success' | 'failure' | 'gone';
}

/** Only the start of a receiver's answer is kept: enough to debug, bounded in memory. */
export const MAX_LOGGED_RESPONSE_BYTES = 4 * 1024;

export async function postWebhook(
  fetchImpl: typeof fetch,
  clock: Clock,
  timeoutMs: number,
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<PostResult> {
  const deadline = sendDeadline(clock, timeoutMs);
  try {
    let response: Response;
    try {
      response = await fetchImpl(url, { method: 'POST', headers, body, redirect: 'manual', signal: deadline.signal });
    } catch (error) {
      return { error: describeNetworkError(error, timeoutMs), outcome: 'failure' };
    }
    const status = response.status;
    const outcome: PostResult['outcome'] = status >= 200 && status < 300 ? 'success' : status === 410 ? 'gone' : 'failure';
    const responseHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      responseHeaders[name] = value;
    });
    // The status decides the outcome; a body cut short (timeout, reset) is only noted in the log.
    const { text, error } = await readLimited(response, MAX_LOGGED_RESPONSE_BYTES);
    return {
      response: { status, headers: responseHeaders, body: text },
      ...(error !== undefined ? { error: `response body: ${describeNetworkError(error, timeoutMs)}` } : {}),
      outcome,
    };
  } finally {
    deadline.clear();
  }
}

/**
 * The attempt's timeout, armed when its request is sent (never while it waits for a slot in the
 * dispatcher's pool) and cleared as soon as the exchange is over: AbortSignal.timeout would keep a
 * wall timer alive for the full 15 s after every attempt, 100,000 of them in a large burst.
 *
 * When the timer fires, the attempt gets one more turn of the event loop before it is aborted. Each turn
 * runs due timers before it reads sockets, so after the loop was blocked past the deadline (a large
 * synchronous clock advance, or a receiver in this same process) the timer would otherwise beat an
 * answer already waiting in the socket, and the event would be sent again although the receiver had
 * answered in time.
 */
function sendDeadline(clock: Clock, timeoutMs: number): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const abort = (): void => controller.abort(new DOMException(`timeout after ${timeoutMs} ms`, 'TimeoutError'));
  let clear = clock.realTimeout(timeoutMs, () => {
    clear = clock.realTimeout(1, abort);
  });
  return { signal: controller.signal, clear: () => clear() };
}

/** Reads at most `limit` bytes, then cancels the stream so a huge or endless body costs nothing more. */
async function readLimited(response: Response, limit: number): Promise<{ text: string; error?: unknown }> {
  const reader = response.body?.getReader();
  if (!reader) return { text: '' };
  const chunks: Uint8Array[] = [];
  let size = 0;
  let error: unknown;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch (caught) {
    error = caught;
  } finally {
    if (size >= limit) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
  const bytes = Buffer.concat(chunks).subarray(0, limit);
  return error === undefined ? { text: bytes.toString('utf8') } : { text: bytes.toString('utf8'), error };
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `timeout after ${timeoutMs} ms`;
  return describeError(error);
}

/**
 * Node's fetch reports network failures as `TypeError: fetch failed` with the useful part in `cause`
 * (`connect ECONNREFUSED 127.0.0.1:1234`, `other side closed`…), so the cause chain is unwrapped.
 */
export function describeError(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5; depth++) {
    if (!(current instanceof Error)) break;
    const cause: unknown = current.cause;
    if (!(cause instanceof Error)) {
      // AggregateError (several addresses tried) has an empty message but a code.
      const code = errorCode(current);
      if (!current.message) return code ?? current.name;
      return code && !current.message.includes(code) ? `${code}: ${current.message}` : current.message;
    }
    current = cause;
  }
  return current instanceof Error ? current.message : String(current);
}

function errorCode(error: Error): string | undefined {
  const code: unknown = (error as Error & { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
