/**
 * Per-request test controls, kept out of the providers' own parameters (reserved names live here).
 * `X-Msgsim-Fault` carries a fault action for this one request, without touching global state:
 *   `503` · `CONNECTION_RESET_BY_PEER` · `delay=250` · `delay=100-400` · `503; delay=200`
 * and Prism's `Prefer: code=503` asks for a status the same way.
 */
import { SimError, kindForStatus } from '../engine/errors.js';
import { FAULT_KINDS, type FaultAction, type FaultKind } from '../engine/faults.js';

export const FAULT_HEADER = 'x-msgsim-fault';
export const PREFER_HEADER = 'prefer';

/** The fault a request asks for, or undefined. Malformed values are a 400. */
export function requestedFault(headers: Record<string, string | string[] | undefined>): FaultAction | undefined {
  const fault = headerValue(headers[FAULT_HEADER]);
  if (fault !== undefined) return parseFaultHeader(fault);
  const prefer = headerValue(headers[PREFER_HEADER]);
  const code = prefer?.match(/(?:^|[\s,;])code=(\S+?)(?:$|[\s,;])/)?.[1];
  return code === undefined ? undefined : { status: parseStatus(code, 'Prefer') };
}

function parseFaultHeader(raw: string): FaultAction {
  const action: FaultAction = {};
  for (const token of raw
    .split(/[;,]/)
    .map((t) => t.trim())
    .filter(Boolean)) {
    const delay = token.match(/^delay=(\d+)(?:-(\d+))?$/);
    if (delay) {
      const lower = Number(delay[1]);
      const upper = delay[2] === undefined ? undefined : Number(delay[2]);
      if (lower > MAX_HEADER_DELAY_MS || (upper !== undefined && (upper < lower || upper > MAX_HEADER_DELAY_MS))) throw badHeader(raw);
      action.delay = upper === undefined ? { fixed: lower } : { uniform: { lower, upper } };
    } else if ((FAULT_KINDS as readonly string[]).includes(token.toUpperCase())) {
      action.fault = token.toUpperCase() as FaultKind;
    } else {
      action.status = parseStatus(token, 'X-Msgsim-Fault');
    }
  }
  if (action.status === undefined && action.delay === undefined && action.fault === undefined) throw badHeader(raw);
  return action;
}

const MAX_HEADER_DELAY_MS = 120_000;

function badHeader(raw: string): SimError {
  return new SimError({
    kind: 'invalid_request',
    message: `X-Msgsim-Fault takes an error status, a fault (${FAULT_KINDS.join(', ')}) and/or delay=MS or delay=MIN-MAX`,
    field: 'X-Msgsim-Fault',
    value: raw,
  });
}

/** Where a fault came from: a request's own header, or a rule set through /_sim/faults (or a set-up file). */
export type FaultSource = 'header' | 'rule';

const FAULT_ORIGIN: Record<FaultSource, string> = {
  header: 'requested by a test control header',
  rule: 'injected by a fault rule',
};

export function faultError(status: number, source: FaultSource): SimError {
  const kind = kindForStatus(status);
  return new SimError({
    kind,
    status,
    message: `Simulated ${status} (${FAULT_ORIGIN[source]})`,
    ...(kind === 'rate_limited' ? { retryAfter: 1 } : {}),
  });
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseStatus(raw: string, header: string): number {
  const status = Number(raw.trim());
  if (!Number.isInteger(status) || status < 400 || status > 599) {
    throw new SimError({
      kind: 'invalid_request',
      message:
        header === 'Prefer'
          ? 'Prefer code= must be an error status from 400 to 599'
          : `X-Msgsim-Fault takes an error status (400-599), a fault (${FAULT_KINDS.join(', ')}) and/or delay=MS or delay=MIN-MAX`,
      field: header,
      value: raw,
    });
  }
  return status;
}
