/**
 * One webhook attempt on the wire: the POST, its timeout, the answer read within a bound, and network
 * errors described in a line. The dispatcher (webhooks.ts) decides what the result means.
 *
 * Outcomes follow Svix (https://docs.svix.com/retries): a 2xx within the timeout is success; any other
 * status, including 3xx redirects (seen, never followed), a timeout or a network error is a failure;
 * 410 Gone is its own outcome (Standard Webhooks: stop sending to that endpoint).
 *
 * The default transport is node:http(s) with a keep-alive Agent of the dispatcher's own, not fetch:
 * - fetch (undici) opens one connection per concurrent request to an origin, with no limit; its pool can
 *   only be bounded with an undici Agent, which Node 20 bundles but does not export. An http.Agent with
 *   `maxSockets` = the pool's per-origin limit keeps the bound at the socket level too, and keeps webhook
 *   connections apart from any other HTTP the process does.
 * - It costs a sixth of the CPU per request: 74 µs against 460 µs for fetch, 20,000 POSTs at 16 at a time
 *   to a local server (see bench/README.md, "Webhook delivery"), which in a burst is CPU the provider
 *   API does not get.
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Clock } from './clock.js';
import type { AddressPolicy } from './webhook-url-policy.js';

export interface PostRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The attempt's timeout: the transport ends the exchange with the reason it gives. */
  deadline: Deadline;
}

/**
 * What a transport sees of the attempt's timeout. Not an AbortSignal: creating one per attempt, and
 * handing it to http.request, was ~6 % of msgsim's CPU in a delivery burst (profile in bench/README.md).
 */
export interface Deadline {
  readonly expired: boolean;
  /** Called once, when the deadline passes (at once if it has); only the last callback set is kept. */
  onExpire(abort: (reason: Error) => void): void;
}

export interface PostAnswer {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** At most the first `MAX_LOGGED_RESPONSE_BYTES`. */
  body: string;
  /** Set when the body was cut short by something else than the byte limit (reset, timeout). */
  bodyError?: unknown;
}

/** Sends one POST; rejects when no answer arrives (refused, reset, invalid URL, aborted). */
export type WebhookTransport = (request: PostRequest) => Promise<PostAnswer>;

export interface PostResult {
  response?: { status: number; headers: Record<string, string>; body: string };
  /** Timeout, connection refused, reset… */
  error?: string;
  outcome: 'success' | 'failure' | 'gone';
}

/** Only the start of a receiver's answer is kept: enough to debug, bounded in memory. */
export const MAX_LOGGED_RESPONSE_BYTES = 4 * 1024;

/**
 * Idle keep-alive sockets close after 4 s (undici's default too), before a Node receiver's own 5 s
 * (`server.keepAliveTimeout`) would close them under a request just being sent on them.
 */
const IDLE_SOCKET_MS = 4_000;

export interface HttpTransport {
  post: WebhookTransport;
  /** Closes the idle sockets. */
  close(): void;
}

export interface HttpTransportOptions {
  /** Why connecting to an address a host name resolved to is refused; unchecked without it. */
  allowAddress?: AddressPolicy;
  /** How host names are resolved: dns.lookup unless given (tests resolve without DNS). */
  lookup?: LookupFunction;
}

/** A connection the address policy refused before it was opened: nothing was sent. */
export class AddressRefusedError extends Error {
  override readonly name = 'AddressRefusedError';
  readonly code = 'ERR_WEBHOOK_ADDRESS_REFUSED';
}

export function createHttpTransport(maxSocketsPerOrigin: number, { allowAddress, lookup }: HttpTransportOptions = {}): HttpTransport {
  const resolve = allowAddress ? checkedLookup(lookup ?? dns.lookup, allowAddress) : lookup;
  const options = { keepAlive: true, maxSockets: maxSocketsPerOrigin, timeout: IDLE_SOCKET_MS, ...(resolve ? { lookup: resolve } : {}) };
  const agents = { 'http:': new http.Agent(options), 'https:': new https.Agent(options) };
  return {
    post: (request) =>
      new Promise<PostAnswer>((resolve, reject) => {
        const url = new URL(request.url);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported protocol ${url.protocol}`);
        const body = Buffer.from(request.body, 'utf8');
        const client = url.protocol === 'http:' ? http : https;
        // Before the answer's head, an error means no answer; after it, a body cut short.
        let fail: (error: unknown) => void = reject;
        const req = client.request(
          url,
          {
            method: 'POST',
            agent: agents[url.protocol],
            headers: { ...request.headers, 'content-length': String(body.byteLength) },
          },
          (res) => {
            fail = (error) => answer(error);
            const chunks: Buffer[] = [];
            let size = 0;
            const answer = (bodyError?: unknown): void => {
              const headers: Record<string, string> = {};
              for (const [name, value] of Object.entries(res.headers)) {
                if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
              }
              const text = Buffer.concat(chunks).subarray(0, MAX_LOGGED_RESPONSE_BYTES).toString('utf8');
              resolve({ status: res.statusCode ?? 0, headers, body: text, ...(bodyError !== undefined ? { bodyError } : {}) });
            };
            res.on('data', (chunk: Buffer) => {
              if (size >= MAX_LOGGED_RESPONSE_BYTES) return;
              chunks.push(chunk);
              size += chunk.byteLength;
              if (size >= MAX_LOGGED_RESPONSE_BYTES) {
                // Enough to debug: a huge or endless body costs nothing more (the socket is not reused).
                answer();
                res.destroy();
              }
            });
            res.on('end', () => answer());
            res.on('error', (error) => fail(error));
          },
        );
        req.on('error', (error) => fail(error));
        // The reason (a TimeoutError) becomes the request's, or its response's, 'error'.
        request.deadline.onExpire((reason) => req.destroy(reason));
        req.end(body);
      }),
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}

/**
 * Resolves a host name and checks every address it gets before the socket connects to one: a name the
 * URL check admitted (by `*`, say) can still lead to 169.254.169.254. One refused address refuses the
 * name, so whichever address Node then tries (it asks for all of them to try IPv6 and IPv4 in turn)
 * has passed. Node calls `lookup` only for names (an IP address in the URL is connected to as it is,
 * and the URL check saw it) and only to open a connection: a kept-alive socket, reused for the same
 * host and port only, was checked when it connected, whatever the name resolves to since.
 */
function checkedLookup(resolve: LookupFunction, allowAddress: AddressPolicy): LookupFunction {
  return (host, options, callback) =>
    resolve(host, options, (error, address, family) => {
      if (error) return callback(error, address, family);
      const addresses = typeof address === 'string' ? [address] : address.map((a) => a.address);
      const reason = addresses.map((a) => allowAddress(host, a)).find((r) => r !== undefined);
      if (reason !== undefined) callback(new AddressRefusedError(reason), address, family);
      else callback(null, address, family);
    });
}

export async function postWebhook(
  transport: WebhookTransport,
  clock: Clock,
  timeoutMs: number,
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<PostResult> {
  const deadline = new SendDeadline(clock, timeoutMs);
  let answer: PostAnswer;
  try {
    answer = await transport({ url, headers, body, deadline });
  } catch (error) {
    // The allowlist's answer, not a network failure: the dispatcher treats it as a URL off the list.
    if (error instanceof AddressRefusedError) throw error;
    return { error: describeNetworkError(error, timeoutMs), outcome: 'failure' };
  } finally {
    deadline.clear();
  }
  const { status, bodyError } = answer;
  // The status decides the outcome; a body cut short (timeout, reset) is only noted in the log.
  return {
    response: { status, headers: answer.headers, body: answer.body },
    ...(bodyError !== undefined ? { error: `response body: ${describeNetworkError(bodyError, timeoutMs)}` } : {}),
    outcome: status >= 200 && status < 300 ? 'success' : status === 410 ? 'gone' : 'failure',
  };
}

/**
 * The attempt's timeout, armed when its request is sent (never while it waits for a slot in the
 * dispatcher's pool) and cleared as soon as the exchange is over (AbortSignal.timeout would keep a wall
 * timer alive for the full 15 s after every attempt, 100,000 of them in a large burst).
 *
 * When the timer fires, the attempt gets one more turn of the event loop before it is aborted. Each turn
 * runs due timers before it reads sockets, so after the loop was blocked past the deadline (a large
 * synchronous clock advance, or a receiver in this same process) the timer would otherwise beat an
 * answer already waiting in the socket, and the event would be sent again although the receiver had
 * answered in time.
 */
class SendDeadline implements Deadline {
  expired = false;
  private abort: ((reason: Error) => void) | undefined;
  private cancelTimer: () => void;

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs: number,
  ) {
    this.cancelTimer = clock.realTimeout(timeoutMs, () => {
      this.cancelTimer = clock.realTimeout(1, () => this.expire());
    });
  }

  onExpire(abort: (reason: Error) => void): void {
    this.abort = abort;
    if (this.expired) abort(this.reason());
  }

  clear(): void {
    this.cancelTimer();
    this.abort = undefined;
  }

  private expire(): void {
    this.expired = true;
    this.abort?.(this.reason());
  }

  private reason(): Error {
    return new DOMException(`timeout after ${this.timeoutMs} ms`, 'TimeoutError');
  }
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `timeout after ${timeoutMs} ms`;
  return describeError(error);
}

/**
 * Network failures carry the useful part in `code` and `cause` (`connect ECONNREFUSED 127.0.0.1:1234`,
 * fetch's `TypeError: fetch failed` around it…), so the cause chain is unwrapped.
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
