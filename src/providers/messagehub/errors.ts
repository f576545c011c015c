/**
 * MessageHub's error envelope. The doc lists only statuses ("400 Bad Request - Invalid parameters",
 * "401 Unauthorized - Invalid or missing API key", "403 Forbidden - Key revoked or insufficient scope",
 * "404", "429", "500"); its successes are `{ "data": … }`, so errors are `{ "error": { code, message,
 * details? } }` with the codes below, each listed in the spec's Error schema.
 */
import { SimError, type SimErrorKind } from '../../engine/errors.js';
import { errorDetails, type RenderedError } from '../provider.js';

export const HubCode = {
  validationError: 'VALIDATION_ERROR',
  invalidJson: 'INVALID_JSON',
  invalidRecipient: 'INVALID_RECIPIENT',
  invalidContent: 'INVALID_CONTENT',
  invalidFallback: 'INVALID_FALLBACK',
  templateNotApproved: 'TEMPLATE_NOT_APPROVED',
  templateParamsMismatch: 'TEMPLATE_PARAMS_MISMATCH',
  unauthorized: 'UNAUTHORIZED',
  keyRevoked: 'KEY_REVOKED',
  insufficientScope: 'INSUFFICIENT_SCOPE',
  forbidden: 'FORBIDDEN',
  notFound: 'NOT_FOUND',
  messageNotFound: 'MESSAGE_NOT_FOUND',
  templateNotFound: 'TEMPLATE_NOT_FOUND',
  methodNotAllowed: 'METHOD_NOT_ALLOWED',
  conflict: 'CONFLICT',
  invalidStatusTransition: 'INVALID_STATUS_TRANSITION',
  receiptChannelMismatch: 'RECEIPT_CHANNEL_MISMATCH',
  idempotencyKeyInUse: 'IDEMPOTENCY_KEY_IN_USE',
  idempotencyKeyReused: 'IDEMPOTENCY_KEY_REUSED',
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
  unsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  unprocessable: 'UNPROCESSABLE_ENTITY',
  rateLimited: 'RATE_LIMITED',
  internalError: 'INTERNAL_ERROR',
  badGateway: 'BAD_GATEWAY',
  serviceUnavailable: 'SERVICE_UNAVAILABLE',
  gatewayTimeout: 'GATEWAY_TIMEOUT',
} as const;

const KNOWN_CODES: ReadonlySet<string> = new Set(Object.values(HubCode));

/** The doc's own wording from its Error Codes table, where it has one. */
export const HubWording = {
  unauthorized: 'Invalid or missing API key',
  keyRevoked: 'This API key has been revoked',
  rateLimited: 'Rate limit exceeded: too many requests',
  internalError: 'Server error - contact support',
} as const;

const CODE_FOR_KIND: Record<SimErrorKind, string> = {
  invalid_request: HubCode.validationError,
  invalid_json: HubCode.invalidJson,
  unauthorized: HubCode.unauthorized,
  forbidden: HubCode.forbidden,
  not_found: HubCode.notFound,
  route_not_found: HubCode.notFound,
  method_not_allowed: HubCode.methodNotAllowed,
  conflict: HubCode.conflict,
  idempotency_mismatch: HubCode.idempotencyKeyReused,
  idempotency_in_flight: HubCode.idempotencyKeyInUse,
  payload_too_large: HubCode.payloadTooLarge,
  unsupported_media_type: HubCode.unsupportedMediaType,
  unprocessable: HubCode.unprocessable,
  rate_limited: HubCode.rateLimited,
  internal: HubCode.internalError,
  bad_gateway: HubCode.badGateway,
  service_unavailable: HubCode.serviceUnavailable,
  gateway_timeout: HubCode.gatewayTimeout,
};

export interface HubErrorBody {
  code: string;
  message: string;
  details?: { field?: string; value?: unknown };
}

/** The `error` object alone (batch and distribution results carry it per item). */
export function errorBody(error: SimError): HubErrorBody {
  // Codes from shared layers (the engine's lower-case ones) are replaced by this provider's word for the kind.
  const code = error.code !== undefined && KNOWN_CODES.has(error.code) ? error.code : CODE_FOR_KIND[error.kind];
  return { code, message: error.message, ...errorDetails(error) };
}

export function renderMessageHubError(error: SimError): RenderedError {
  return {
    status: error.status,
    body: { error: errorBody(error) },
    ...(error.retryAfter !== undefined ? { headers: { 'Retry-After': String(error.retryAfter) } } : {}),
  };
}

/** Shorthands for the 400s handlers throw. */
export const hubError = {
  invalid: (code: string, message: string, field: string, value?: unknown) =>
    new SimError({ kind: 'invalid_request', code, message, field, ...(value !== undefined ? { value } : {}) }),
  notFound: (code: string, message: string, field: string, value: unknown) => new SimError({ kind: 'not_found', code, message, field, value }),
  conflict: (code: string, message: string, field: string, value: unknown) => new SimError({ kind: 'conflict', code, message, field, value }),
};
