/**
 * MsGine's error envelope, as its REST API page shows it:
 * `{"error":{"code":"invalid_phone_number","message":"The phone number must be in E.164 format","details":{"field":"to","value":"0701234567"}}}`,
 * and for 429 `{"error":{"code":"rate_limit_exceeded","message":"…","retryAfter":60}}` with a Retry-After header.
 */
import { SimError, type SimErrorKind } from '../../engine/errors.js';
import type { MagicRefusals } from '../../engine/magic.js';
import { errorDetails, type RenderedError, type ValidationProblem } from '../provider.js';

/** The doc's two codes, then msgsim's (listed in the spec's Error schema). */
export const MsgineCode = {
  invalidPhoneNumber: 'invalid_phone_number',
  rateLimitExceeded: 'rate_limit_exceeded',
  invalidRequest: 'invalid_request',
  invalidJson: 'invalid_json',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  notFound: 'not_found',
  methodNotAllowed: 'method_not_allowed',
  conflict: 'conflict',
  idempotencyKeyInUse: 'idempotency_key_in_use',
  idempotencyKeyReused: 'idempotency_key_reused',
  payloadTooLarge: 'payload_too_large',
  unsupportedMediaType: 'unsupported_media_type',
  unprocessableEntity: 'unprocessable_entity',
  internalError: 'internal_error',
  badGateway: 'bad_gateway',
  serviceUnavailable: 'service_unavailable',
  gatewayTimeout: 'gateway_timeout',
} as const;

/** The doc's wording where it has one (error example, 429 example, status-code table). */
export const MsgineMessage = {
  invalidPhoneNumber: 'The phone number must be in E.164 format',
  rateLimitExceeded: 'Too many requests. Please try again later.',
  unauthorized: 'Invalid or missing API token',
  revoked: 'This API token has been revoked',
  forbidden: 'Insufficient permissions: this API token is read-only',
  notFound: 'Message not found',
  internalError: 'Internal server error',
} as const;

const CODE_FOR_KIND: Record<SimErrorKind, string> = {
  invalid_request: MsgineCode.invalidRequest,
  invalid_json: MsgineCode.invalidJson,
  unauthorized: MsgineCode.unauthorized,
  forbidden: MsgineCode.forbidden,
  not_found: MsgineCode.notFound,
  route_not_found: MsgineCode.notFound,
  method_not_allowed: MsgineCode.methodNotAllowed,
  conflict: MsgineCode.conflict,
  idempotency_mismatch: MsgineCode.idempotencyKeyReused,
  idempotency_in_flight: MsgineCode.idempotencyKeyInUse,
  payload_too_large: MsgineCode.payloadTooLarge,
  unsupported_media_type: MsgineCode.unsupportedMediaType,
  unprocessable: MsgineCode.unprocessableEntity,
  rate_limited: MsgineCode.rateLimitExceeded,
  internal: MsgineCode.internalError,
  bad_gateway: MsgineCode.badGateway,
  service_unavailable: MsgineCode.serviceUnavailable,
  gateway_timeout: MsgineCode.gatewayTimeout,
};

/** `to`, or `to[3]` in a list: the fields that hold phone numbers. */
const PHONE_FIELD = /^to(?:\[\d+\])?$/;

export function renderMsgineError(error: SimError): RenderedError {
  const retry = error.retryAfter !== undefined ? { headers: { 'Retry-After': String(error.retryAfter) } } : {};
  if (error.kind === 'rate_limited') {
    // The doc's 429 body carries retryAfter inside error, and no details.
    const retryAfter = error.retryAfter ?? 1;
    return {
      status: error.status,
      body: { error: { code: error.code ?? MsgineCode.rateLimitExceeded, message: error.message, retryAfter } },
      headers: { 'Retry-After': String(retryAfter) },
    };
  }
  return {
    status: error.status,
    body: { error: { code: error.code ?? CODE_FOR_KIND[error.kind], message: error.message, ...errorDetails(error) } },
    ...retry,
  };
}

/**
 * A phone field the spec refuses while holding a string is a number that is not E.164: the doc's
 * invalid_phone_number in its words. A missing `to`, a number sent as a JSON number, an empty or
 * over-long list stay invalid_request with msgsim's plain sentence (they are not malformed numbers).
 */
export function msgineValidationError(problem: ValidationProblem): { code: string; message: string } | undefined {
  const malformed = typeof problem.value === 'string' && problem.keyword !== 'required' && PHONE_FIELD.test(problem.field ?? '');
  return malformed ? { code: MsgineCode.invalidPhoneNumber, message: MsgineMessage.invalidPhoneNumber } : undefined;
}

/** Shorthands for the errors handlers throw. */
export const msgineError = {
  invalidPhone: (field: string, value: unknown) =>
    new SimError({ kind: 'invalid_request', code: MsgineCode.invalidPhoneNumber, message: MsgineMessage.invalidPhoneNumber, field, value }),
  notFound: (field: string, value: unknown) => new SimError({ kind: 'not_found', message: MsgineMessage.notFound, field, value }),
};

/** MsGine's 429 and 500 for the magic recipients that refuse a send (engine/magic.ts; the README's magic table). */
export const MAGIC_REFUSALS: MagicRefusals = {
  rateLimited: { code: MsgineCode.rateLimitExceeded, message: MsgineMessage.rateLimitExceeded, retryAfter: 30 },
  serverError: { code: MsgineCode.internalError, message: MsgineMessage.internalError },
};
