/**
 * What the request journal shows of a request's credentials: never the secret itself, but enough to tell
 * credentials apart (`mk_live_…1234`, the control API's redaction). Headers and query parameters are
 * judged by name, whichever provider they reach: Authorization, cookies, anything named like an API
 * key, token, secret or password (Msghub's X-API-Key, MsgFlash's x-api-key, SendHub's `api_key`, the
 * admin token).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { redactSecret } from '../control/index.js';

const SECRET_NAME = /authorization|cookie|api[-_]?key|token|secret|password|signature/i;

export function redactHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const shown: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    shown[name] = SECRET_NAME.test(name) ? redactHeader(name, text) : text;
  }
  return shown;
}

/** The query string's parameters (a repeated one as a list), secrets redacted. */
export function redactQuery(search: string): Record<string, string | string[]> {
  const shown: Record<string, string | string[]> = {};
  if (!search) return shown;
  for (const [name, raw] of new URLSearchParams(search)) {
    const value = SECRET_NAME.test(name) ? redactSecret(raw) : raw;
    const before = shown[name];
    shown[name] = before === undefined ? value : Array.isArray(before) ? [...before, value] : [before, value];
  }
  return shown;
}

/** A tenant id: `mk_live_…1234`; SendHub's `<username>:<api_key>` keeps the username. */
export function redactTenant(tenant: string): string {
  const colon = tenant.lastIndexOf(':');
  return colon > 0 ? `${tenant.slice(0, colon + 1)}${redactSecret(tenant.slice(colon + 1))}` : redactSecret(tenant);
}

function redactHeader(name: string, value: string): string {
  const lower = name.toLowerCase();
  if (lower === 'cookie') return value.replace(/=[^;]*/g, '=…');
  // `Bearer <token>`, `Basic <credentials>`: the scheme says how the client authenticated.
  const scheme = /^([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*) +(\S.*)$/.exec(value);
  if (lower.includes('authorization') && scheme) return `${scheme[1]} ${redactSecret(scheme[2]!)}`;
  return redactSecret(value);
}
