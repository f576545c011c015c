/**
 * Per-request test controls, kept out of the providers' own parameters (reserved names live here):
 * `X-Msgsim-Fault: 503` and Prism's `Prefer: code=503` make this one request answer that status with
 * the provider's own error body, without touching global state.
 */
import { SimError, kindForStatus } from '../engine/errors.js';

export const FAULT_HEADER = 'x-msgsim-fault';
export const PREFER_HEADER = 'prefer';

/** The status a request asks to be answered with, or undefined. Malformed values are a 400. */
export function requestedFaultStatus(headers: Record<string, string | string[] | undefined>): number | undefined {
  const fault = headerValue(headers[FAULT_HEADER]);
  if (fault !== undefined) return parseStatus(fault, 'X-Msgsim-Fault');
  const prefer = headerValue(headers[PREFER_HEADER]);
  const code = prefer?.match(/(?:^|[\s,;])code=(\S+?)(?:$|[\s,;])/)?.[1];
  return code === undefined ? undefined : parseStatus(code, 'Prefer');
}

export function faultError(status: number): SimError {
  const kind = kindForStatus(status);
  return new SimError({
    kind,
    status,
    message: `Simulated ${status} (requested by a test control header)`,
    ...(kind === 'rate_limited' ? { retryAfter: 1 } : {}),
  });
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseStatus(raw: string, header: string): number {
  const status = Number(raw.trim());
  if (!Number.isInteger(status) || status < 400 || status > 599) {
    throw new SimError({ kind: 'invalid_request', message: `${header} must name an error status from 400 to 599`, field: header, value: raw });
  }
  return status;
}
