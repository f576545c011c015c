/**
 * The one error type inside msgsim. Engine and handlers throw it with a provider-neutral `kind`
 * (or a provider's own `code`); each provider renders it in its own envelope at the HTTP edge.
 */
export type SimErrorKind =
  | 'invalid_request'
  | 'invalid_json'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'route_not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'idempotency_mismatch'
  | 'idempotency_in_flight'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unprocessable'
  | 'rate_limited'
  | 'internal'
  | 'bad_gateway'
  | 'service_unavailable'
  | 'gateway_timeout';

const DEFAULT_STATUS: Record<SimErrorKind, number> = {
  invalid_request: 400,
  invalid_json: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  route_not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  idempotency_mismatch: 422,
  idempotency_in_flight: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  internal: 500,
  bad_gateway: 502,
  service_unavailable: 503,
  gateway_timeout: 504,
};

/** The kind that answers a given HTTP status (fault injection asks for statuses, renderers speak kinds). */
export function kindForStatus(status: number): SimErrorKind {
  const exact = (Object.entries(DEFAULT_STATUS) as [SimErrorKind, number][]).find(
    ([kind, s]) => s === status && kind !== 'invalid_json' && kind !== 'route_not_found' && kind !== 'idempotency_in_flight' && kind !== 'idempotency_mismatch',
  );
  if (exact) return exact[0];
  return status >= 500 ? 'internal' : 'invalid_request';
}

export interface SimErrorInit {
  kind: SimErrorKind;
  message: string;
  /** The provider's own error code, when the thrower knows it (e.g. `invalid_phone_number`). */
  code?: string;
  status?: number;
  field?: string;
  value?: unknown;
  /** Seconds until a retry may succeed (rate limits). */
  retryAfter?: number;
  headers?: Record<string, string>;
}

export class SimError extends Error {
  readonly kind: SimErrorKind;
  readonly code: string | undefined;
  readonly status: number;
  readonly field: string | undefined;
  readonly value: unknown;
  readonly retryAfter: number | undefined;
  readonly headers: Record<string, string>;

  constructor(init: SimErrorInit) {
    super(init.message);
    this.name = 'SimError';
    this.kind = init.kind;
    this.code = init.code;
    this.status = init.status ?? DEFAULT_STATUS[init.kind];
    this.field = init.field;
    this.value = init.value;
    this.retryAfter = init.retryAfter;
    this.headers = init.headers ?? {};
  }
}

export function isSimError(error: unknown): error is SimError {
  return error instanceof SimError;
}
