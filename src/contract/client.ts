/** A small fetch client for a provider's API at a base URL, with the credential applied. */
import type { Clock } from '../engine/clock.js';
import type { ObservedResponse } from './spec-validator.js';
import type { AuthParts } from '../providers/client-profile.js';

export interface ApiRequest {
  method: string;
  /** Path below the base URL, e.g. /messages. */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** A JSON value, or a raw string sent as is (for malformed bodies). */
  body?: unknown;
  raw?: boolean;
}

export const REQUEST_TIMEOUT_MS = 15_000;

/** A 429 is waited out (Retry-After, at most this long) and retried this many times: the suite paces itself. */
const MAX_RATE_WAIT_MS = 5_000;
const RATE_RETRIES = 3;

/** `clock`: wall time to wait out a 429 (the suite runs against real services too). */
export async function callApi(baseUrl: string, auth: AuthParts, request: ApiRequest, clock: Clock): Promise<ObservedResponse> {
  let response = await callOnce(baseUrl, auth, request, clock);
  for (let attempt = 0; attempt < RATE_RETRIES && response.status === 429; attempt++) {
    const seconds = Number(response.headers['retry-after']);
    const waitMs = Math.min(MAX_RATE_WAIT_MS, Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000);
    await clock.realSleep(waitMs);
    response = await callOnce(baseUrl, auth, request, clock);
  }
  return response;
}

async function callOnce(baseUrl: string, auth: AuthParts, request: ApiRequest, clock: Clock): Promise<ObservedResponse> {
  const url = new URL(baseUrl.replace(/\/+$/, '') + request.path);
  for (const [k, v] of Object.entries({ ...auth.query, ...request.query })) url.searchParams.set(k, v);
  const headers: Record<string, string> = { accept: 'application/json', ...auth.headers, ...request.headers };
  let body: string | undefined;
  if (request.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = request.raw && typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
  }
  const res = await fetch(url, {
    method: request.method,
    headers,
    ...(body !== undefined ? { body } : {}),
    redirect: 'manual',
    signal: clock.realAbortSignal(REQUEST_TIMEOUT_MS),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text.length ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: the validator reports it */
  }
  const out: Record<string, string> = {};
  res.headers.forEach((v, k) => (out[k] = v));
  return { status: res.status, headers: out, body: parsed, text };
}
